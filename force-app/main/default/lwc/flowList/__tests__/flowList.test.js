import { createElement } from 'lwc';
import LightningConfirm from 'lightning/confirm';
import LightningPrompt from 'lightning/prompt';
import FlowList from 'c/flowList';
import listFlows from '@salesforce/apex/KeyrouteFlowBuilderController.listFlows';
import createFlow from '@salesforce/apex/KeyrouteFlowBuilderController.createFlow';
import copyFlow from '@salesforce/apex/KeyrouteFlowBuilderController.copyFlow';
import deleteFlow from '@salesforce/apex/KeyrouteFlowBuilderController.deleteFlow';

const FLOWS = require('./data/listFlows.json');
const CREATED = require('./data/createFlow.json');

jest.mock('@salesforce/apex/KeyrouteFlowBuilderController.listFlows', () => ({ default: jest.fn() }), {
    virtual: true
});
jest.mock('@salesforce/apex/KeyrouteFlowBuilderController.createFlow', () => ({ default: jest.fn() }), {
    virtual: true
});
jest.mock('@salesforce/apex/KeyrouteFlowBuilderController.copyFlow', () => ({ default: jest.fn() }), {
    virtual: true
});
jest.mock('@salesforce/apex/KeyrouteFlowBuilderController.deleteFlow', () => ({ default: jest.fn() }), {
    virtual: true
});
jest.mock('lightning/confirm', () => ({ __esModule: true, default: { open: jest.fn() } }));
jest.mock('lightning/prompt', () => ({ __esModule: true, default: { open: jest.fn() } }));

function flushPromises() {
    // eslint-disable-next-line @lwc/lwc/no-async-operation
    return new Promise((resolve) => setTimeout(resolve, 0));
}

async function createList() {
    const element = createElement('c-flow-list', { is: FlowList });
    document.body.appendChild(element);
    const handlers = { editflow: jest.fn(), toast: jest.fn() };
    element.addEventListener('editflow', handlers.editflow);
    element.addEventListener('lightning__showtoast', handlers.toast);
    await flushPromises();
    return { element, handlers };
}

function rows(element) {
    return [...element.shadowRoot.querySelectorAll('tr.flow-row')];
}

function rowButton(element, index, className) {
    return rows(element)[index].querySelector(`lightning-button.${className}`);
}

describe('c-flow-list', () => {
    beforeEach(() => {
        listFlows.mockResolvedValue(FLOWS);
    });

    afterEach(() => {
        while (document.body.firstChild) {
            document.body.removeChild(document.body.firstChild);
        }
        jest.clearAllMocks();
    });

    it('lists the lead flows with status and version', async () => {
        const { element } = await createList();

        expect(listFlows).toHaveBeenCalledWith({ objectName: 'Lead' });
        expect(rows(element).map((row) => row.querySelector('th').textContent)).toEqual([
            'Inquiry triage',
            'Inquiry triage v2',
            'Old triage'
        ]);
        expect(rows(element).map((row) => row.querySelector('.slds-badge').textContent)).toEqual([
            'Active',
            'Draft',
            'Inactive'
        ]);
        expect(rows(element)[0].querySelector('.slds-badge').className).toContain('slds-theme_success');
        expect(rows(element).map((row) => row.querySelector('.flow-version').textContent)).toEqual(['4', '1', '7']);
    });

    it('allows deleting drafts only', async () => {
        const { element } = await createList();

        expect([0, 1, 2].map((index) => rowButton(element, index, 'delete-button').disabled)).toEqual([
            true,
            false,
            true
        ]);
        expect(rowButton(element, 0, 'delete-button').title).toBe('Inquiry triage cannot be deleted: only drafts can');
        expect(rowButton(element, 1, 'delete-button').title).toBe('Delete Inquiry triage v2');
    });

    it('switches to the contact flows', async () => {
        const { element } = await createList();
        listFlows.mockResolvedValue([]);

        element.shadowRoot
            .querySelector('.object-choice')
            .dispatchEvent(new CustomEvent('change', { detail: { value: 'Contact' } }));
        await flushPromises();

        expect(listFlows).toHaveBeenLastCalledWith({ objectName: 'Contact' });
        expect(element.shadowRoot.querySelector('.empty').textContent).toBe(
            'No Contact flows yet. Click New Flow to build one.'
        );
    });

    it('opens a flow for editing', async () => {
        const { element, handlers } = await createList();

        rowButton(element, 2, 'edit-button').click();

        expect(handlers.editflow.mock.calls[0][0].detail).toEqual({ flowId: 'a0B000000000003AAA', objectName: 'Lead' });
    });

    it('creates a flow with the name from the prompt and opens it', async () => {
        listFlows.mockResolvedValue([]);
        LightningPrompt.open.mockResolvedValue('  Contact triage ');
        createFlow.mockResolvedValue(CREATED);
        const { element, handlers } = await createList();
        element.objectName = 'Contact';

        element.shadowRoot.querySelector('.new-button').click();
        await flushPromises();

        expect(LightningPrompt.open).toHaveBeenCalledWith({
            label: 'New Contact flow',
            message: 'Name of the new routing flow for Contact records, at most 80 characters.',
            defaultValue: '',
            variant: 'header',
            theme: 'default'
        });
        expect(createFlow).toHaveBeenCalledWith({ objectName: 'Contact', name: 'Contact triage' });
        expect(handlers.editflow.mock.calls[0][0].detail).toEqual({
            flowId: 'a0B000000000009AAA',
            objectName: 'Contact'
        });
    });

    it('creates nothing when the prompt is cancelled or the name is bad', async () => {
        const { element, handlers } = await createList();

        LightningPrompt.open.mockResolvedValueOnce(null);
        element.shadowRoot.querySelector('.new-button').click();
        await flushPromises();
        LightningPrompt.open.mockResolvedValueOnce('   ');
        element.shadowRoot.querySelector('.new-button').click();
        await flushPromises();
        LightningPrompt.open.mockResolvedValueOnce('n'.repeat(81));
        element.shadowRoot.querySelector('.new-button').click();
        await flushPromises();

        expect(createFlow).not.toHaveBeenCalled();
        expect(handlers.toast.mock.calls.map((call) => call[0].detail.message)).toEqual([
            'Flow name is required: enter a name such as Inquiry triage.',
            'Flow name is too long: expected at most 80 characters.'
        ]);
    });

    it('copies a flow and reloads the list', async () => {
        copyFlow.mockResolvedValue({ ...CREATED, name: 'Copy of Inquiry triage', objectName: 'Lead' });
        const { element, handlers } = await createList();

        rowButton(element, 0, 'copy-button').click();
        await flushPromises();

        expect(copyFlow).toHaveBeenCalledWith({ flowId: 'a0B000000000001AAA' });
        expect(listFlows).toHaveBeenCalledTimes(2);
        expect(handlers.toast.mock.calls[0][0].detail).toEqual({
            title: 'Flow copied',
            message: 'Copy of Inquiry triage is a new draft at version 1.',
            variant: 'success',
            mode: 'dismissible'
        });
    });

    it('deletes a draft after confirmation', async () => {
        LightningConfirm.open.mockResolvedValue(true);
        deleteFlow.mockResolvedValue(undefined);
        const { element } = await createList();

        rowButton(element, 1, 'delete-button').click();
        await flushPromises();

        expect(LightningConfirm.open).toHaveBeenCalledWith({
            label: 'Delete Inquiry triage v2?',
            message: 'The draft and its definition are deleted. This cannot be undone.',
            variant: 'header',
            theme: 'error'
        });
        expect(deleteFlow).toHaveBeenCalledWith({ flowId: 'a0B000000000002AAA' });
        expect(listFlows).toHaveBeenCalledTimes(2);
    });

    it('keeps the draft when the deletion is cancelled', async () => {
        LightningConfirm.open.mockResolvedValue(false);
        const { element } = await createList();

        rowButton(element, 1, 'delete-button').click();
        await flushPromises();

        expect(deleteFlow).not.toHaveBeenCalled();
    });

    it('shows the message when an action fails', async () => {
        LightningConfirm.open.mockResolvedValue(true);
        deleteFlow.mockRejectedValue({
            body: { message: 'Flow "Inquiry triage v2" is Active: only draft flows can be deleted.' }
        });
        const { element, handlers } = await createList();

        rowButton(element, 1, 'delete-button').click();
        await flushPromises();

        expect(handlers.toast.mock.calls[0][0].detail).toEqual({
            title: 'Flow not deleted',
            message: 'Flow "Inquiry triage v2" is Active: only draft flows can be deleted.',
            variant: 'error',
            mode: 'sticky'
        });
    });

    it('shows the message and retries when loading fails', async () => {
        listFlows.mockRejectedValueOnce({ body: { message: 'You have no access to Keyroute routing flows.' } });
        const { element } = await createList();

        const alert = element.shadowRoot.querySelector('.load-error');
        expect(alert.querySelector('h2').textContent).toBe('You have no access to Keyroute routing flows.');
        alert.querySelector('lightning-button').click();
        await flushPromises();

        expect(rows(element)).toHaveLength(3);
    });
});
