import { createElement } from 'lwc';
import LightningConfirm from 'lightning/confirm';
import FlowNodePanel from 'c/flowNodePanel';

const FLOW = require('./data/flow.json');
const PROBLEMS = require('./data/problems.json');

jest.mock('lightning/confirm', () => ({ __esModule: true, default: { open: jest.fn() } }));

function flushPromises() {
    // eslint-disable-next-line @lwc/lwc/no-async-operation
    return new Promise((resolve) => setTimeout(resolve, 0));
}

function nodeOf(id) {
    return FLOW.nodes.find((node) => node.id === id);
}

function createPanel(nodeId, properties = {}) {
    const element = createElement('c-flow-node-panel', { is: FlowNodePanel });
    Object.assign(element, { node: nodeOf(nodeId), definition: FLOW, fields: [], variables: [], ...properties });
    document.body.appendChild(element);
    const handlers = { nodechange: jest.fn(), noderename: jest.fn(), nodedelete: jest.fn() };
    for (const [name, handler] of Object.entries(handlers)) {
        element.addEventListener(name, handler);
    }
    return { element, handlers };
}

function query(element, selector) {
    return element.shadowRoot.querySelector(selector);
}

function edgeCombobox(element, key) {
    return [...element.shadowRoot.querySelectorAll('lightning-combobox.edge')].find(
        (combobox) => combobox.dataset.key === key
    );
}

describe('c-flow-node-panel', () => {
    afterEach(() => {
        while (document.body.firstChild) {
            document.body.removeChild(document.body.firstChild);
        }
        jest.clearAllMocks();
    });

    it('opens the editor of the node type', () => {
        const cases = [
            ['classify', 'c-ai-inference-node-editor', 'AI Inference: Classify'],
            ['route', 'c-branch-node-editor', 'Branch: route'],
            ['owner', 'c-assign-owner-node-editor', 'Assign Owner: owner'],
            ['save', 'c-update-record-node-editor', 'Update Record: save']
        ];
        for (const [nodeId, editor, heading] of cases) {
            const { element } = createPanel(nodeId);
            expect(query(element, 'h2').textContent.trim()).toBe(heading);
            expect(query(element, editor)).not.toBeNull();
            document.body.removeChild(element);
        }
        const { element } = createPanel('done');
        expect(query(element, '.type-settings p').textContent.trim()).toBe(
            'The flow ends here. The record keeps the owner and field values set on its way.'
        );
        expect(query(element, 'fieldset.edges')).toBeNull();
    });

    it('shows the problems of the node', () => {
        const { element } = createPanel('classify', { problems: PROBLEMS });

        const alert = query(element, '.node-problems');
        expect(alert.getAttribute('role')).toBe('alert');
        expect(alert.querySelector('h3').textContent).toBe('2 problems in this node');
        expect([...alert.querySelectorAll('li')].map((item) => item.textContent)).toEqual(
            PROBLEMS.map((problem) => problem.message)
        );
    });

    it('shows no problem box for a node without problems', () => {
        const { element } = createPanel('classify');

        expect(query(element, '.node-problems')).toBeNull();
    });

    it('offers the other nodes for each edge', () => {
        const { element } = createPanel('classify');

        const labels = [...element.shadowRoot.querySelectorAll('lightning-combobox.edge')].map((edge) => edge.label);
        expect(labels).toEqual(['On success, go to', 'On timeout, go to', 'On error, go to']);
        const success = edgeCombobox(element, 'next.success');
        expect(success.value).toBe('route');
        expect(success.options).toEqual([
            { label: 'Not connected', value: '' },
            { label: 'route', value: 'route' },
            { label: 'owner', value: 'owner' },
            { label: 'save', value: 'save' },
            { label: 'Done (done)', value: 'done' }
        ]);
        expect(edgeCombobox(element, 'next.timeout').value).toBe('');
    });

    it('names branch edges by their rule', () => {
        const { element } = createPanel('route');

        expect([...element.shadowRoot.querySelectorAll('lightning-combobox.edge')].map((edge) => edge.label)).toEqual([
            'When Complaint holds, go to',
            'Otherwise, go to'
        ]);
    });

    it('connects an edge', () => {
        const { element, handlers } = createPanel('classify');

        edgeCombobox(element, 'next.timeout').dispatchEvent(new CustomEvent('change', { detail: { value: 'owner' } }));

        expect(handlers.nodechange.mock.calls[0][0].detail.node.next).toEqual({ success: 'route', timeout: 'owner' });
    });

    it('renames a node only to a free, valid id', () => {
        const { element, handlers } = createPanel('owner');
        const input = query(element, '.node-id');
        const setCustomValidity = jest.spyOn(input, 'setCustomValidity');

        input.dispatchEvent(new CustomEvent('change', { detail: { value: 'done' } }));
        expect(setCustomValidity).toHaveBeenLastCalledWith('Another node already has the id "done".');
        input.dispatchEvent(new CustomEvent('change', { detail: { value: 'sales owner' } }));
        expect(setCustomValidity).toHaveBeenLastCalledWith('Enter 1 to 64 letters, digits, underscores or hyphens.');
        expect(handlers.noderename).not.toHaveBeenCalled();

        input.dispatchEvent(new CustomEvent('change', { detail: { value: ' sales_owner ' } }));
        expect(setCustomValidity).toHaveBeenLastCalledWith('');
        expect(handlers.noderename.mock.calls[0][0].detail).toEqual({ oldId: 'owner', newId: 'sales_owner' });
    });

    it('changes and clears the label', () => {
        const { element, handlers } = createPanel('done');
        const input = query(element, '.node-label');

        input.dispatchEvent(new CustomEvent('change', { detail: { value: 'Finished' } }));
        expect(handlers.nodechange.mock.calls[0][0].detail.node).toEqual({
            id: 'done',
            type: 'end',
            label: 'Finished'
        });
        input.dispatchEvent(new CustomEvent('change', { detail: { value: '' } }));
        expect(handlers.nodechange.mock.calls[1][0].detail.node).toEqual({ id: 'done', type: 'end' });
    });

    it('passes the type editor changes on once', () => {
        const { element, handlers } = createPanel('owner');
        const changed = { ...nodeOf('owner'), ownerId: '00G000000000009AAA' };

        query(element, 'c-assign-owner-node-editor').dispatchEvent(
            new CustomEvent('nodechange', { detail: { node: changed } })
        );

        expect(handlers.nodechange).toHaveBeenCalledTimes(1);
        expect(handlers.nodechange.mock.calls[0][0].detail.node).toEqual(changed);
    });

    it('deletes the node after confirmation', async () => {
        LightningConfirm.open.mockResolvedValueOnce(false).mockResolvedValueOnce(true);
        const { element, handlers } = createPanel('save');

        query(element, '.delete-node').click();
        await flushPromises();
        expect(handlers.nodedelete).not.toHaveBeenCalled();

        query(element, '.delete-node').click();
        await flushPromises();
        expect(LightningConfirm.open).toHaveBeenCalledWith({
            label: 'Delete node save?',
            message: 'The node is removed and every edge that leads to it is disconnected.',
            variant: 'header',
            theme: 'warning'
        });
        expect(handlers.nodedelete.mock.calls[0][0].detail).toEqual({ nodeId: 'save' });
    });

    it('moves focus to its heading', () => {
        const { element } = createPanel('classify');

        element.focusHeading();

        expect(element.shadowRoot.activeElement).toBe(query(element, 'h2'));
    });

    it('disables the controls of an active flow', () => {
        const { element } = createPanel('classify', { disabled: true });

        for (const selector of [
            '.node-id',
            '.node-label',
            'lightning-combobox.edge',
            '.delete-node',
            'c-ai-inference-node-editor'
        ]) {
            expect(query(element, selector).disabled).toBe(true);
        }
    });
});
