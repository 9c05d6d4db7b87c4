import { createElement } from 'lwc';
import FlowBuilderTab from 'c/flowBuilderTab';
import listFlows from '@salesforce/apex/KeyrouteFlowBuilderController.listFlows';
import getFlow from '@salesforce/apex/KeyrouteFlowBuilderController.getFlow';

jest.mock('@salesforce/apex/KeyrouteFlowBuilderController.listFlows', () => ({ default: jest.fn() }), {
    virtual: true
});
jest.mock('@salesforce/apex/KeyrouteFlowBuilderController.getFlow', () => ({ default: jest.fn() }), {
    virtual: true
});

function flushPromises() {
    // eslint-disable-next-line @lwc/lwc/no-async-operation
    return new Promise((resolve) => setTimeout(resolve, 0));
}

describe('c-flow-builder-tab', () => {
    beforeEach(() => {
        listFlows.mockResolvedValue([]);
        // The editor's load is not under test here: it stops at its first call.
        getFlow.mockReturnValue(new Promise(() => {}));
    });

    afterEach(() => {
        while (document.body.firstChild) {
            document.body.removeChild(document.body.firstChild);
        }
        jest.clearAllMocks();
    });

    it('opens on the list of flows', async () => {
        const element = createElement('c-flow-builder-tab', { is: FlowBuilderTab });
        document.body.appendChild(element);
        await flushPromises();

        expect(element.shadowRoot.querySelector('h1').textContent).toBe('FlowBuilder');
        expect(element.shadowRoot.querySelector('c-flow-list').objectName).toBe('Lead');
        expect(element.shadowRoot.querySelector('c-flow-builder')).toBeNull();
    });

    it('opens the editor of the chosen flow and returns to its object list', async () => {
        const element = createElement('c-flow-builder-tab', { is: FlowBuilderTab });
        document.body.appendChild(element);
        await flushPromises();

        element.shadowRoot
            .querySelector('c-flow-list')
            .dispatchEvent(
                new CustomEvent('editflow', { detail: { flowId: 'a0B000000000001AAA', objectName: 'Contact' } })
            );
        await flushPromises();

        const builder = element.shadowRoot.querySelector('c-flow-builder');
        expect(builder.flowId).toBe('a0B000000000001AAA');
        expect(getFlow).toHaveBeenCalledWith({ flowId: 'a0B000000000001AAA' });
        expect(element.shadowRoot.querySelector('c-flow-list')).toBeNull();

        builder.dispatchEvent(new CustomEvent('close', { detail: { objectName: 'Contact' } }));
        await flushPromises();

        expect(element.shadowRoot.querySelector('c-flow-list').objectName).toBe('Contact');
        expect(listFlows).toHaveBeenLastCalledWith({ objectName: 'Contact' });
    });
});
