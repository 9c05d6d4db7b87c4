import { createElement } from 'lwc';
import LightningConfirm from 'lightning/confirm';
import FlowBuilder from 'c/flowBuilder';
import getFlow from '@salesforce/apex/KeyrouteFlowBuilderController.getFlow';
import saveDraft from '@salesforce/apex/KeyrouteFlowBuilderController.saveDraft';
import validateDefinition from '@salesforce/apex/KeyrouteFlowBuilderController.validateDefinition';
import activateFlow from '@salesforce/apex/KeyrouteFlowBuilderController.activateFlow';
import deactivateFlow from '@salesforce/apex/KeyrouteFlowBuilderController.deactivateFlow';
import getObjectFields from '@salesforce/apex/KeyrouteFlowBuilderController.getObjectFields';
import getAiAvailability from '@salesforce/apex/KeyrouteFlowBuilderController.getAiAvailability';
import getModels from '@salesforce/apex/KeyrouteIntegrationsController.getModels';

const FLOW = require('./data/getFlow.json');
const FIELDS = require('./data/getObjectFields.json');
const AVAILABILITY = require('./data/getAiAvailability.json');
const MODELS = require('./data/getModels.json');
const PROBLEMS = require('./data/validateProblems.json');
const CLEAN = require('./data/validateClean.json');
const SAVED = require('./data/saveDraft.json');
const ACTIVATED = require('./data/activateFlow.json');
const REJECTED = require('./data/activateRejected.json');

jest.mock('@salesforce/apex/KeyrouteFlowBuilderController.getFlow', () => ({ default: jest.fn() }), { virtual: true });
jest.mock('@salesforce/apex/KeyrouteFlowBuilderController.saveDraft', () => ({ default: jest.fn() }), {
    virtual: true
});
jest.mock('@salesforce/apex/KeyrouteFlowBuilderController.validateDefinition', () => ({ default: jest.fn() }), {
    virtual: true
});
jest.mock('@salesforce/apex/KeyrouteFlowBuilderController.activateFlow', () => ({ default: jest.fn() }), {
    virtual: true
});
jest.mock('@salesforce/apex/KeyrouteFlowBuilderController.deactivateFlow', () => ({ default: jest.fn() }), {
    virtual: true
});
jest.mock('@salesforce/apex/KeyrouteFlowBuilderController.getObjectFields', () => ({ default: jest.fn() }), {
    virtual: true
});
jest.mock('@salesforce/apex/KeyrouteFlowBuilderController.getAiAvailability', () => ({ default: jest.fn() }), {
    virtual: true
});
jest.mock('@salesforce/apex/KeyrouteIntegrationsController.getModels', () => ({ default: jest.fn() }), {
    virtual: true
});
jest.mock('@salesforce/apex/KeyrouteFlowBuilderController.previewFlow', () => ({ default: jest.fn() }), {
    virtual: true
});
jest.mock('lightning/confirm', () => ({ __esModule: true, default: { open: jest.fn() } }));

function flushPromises() {
    // eslint-disable-next-line @lwc/lwc/no-async-operation
    return new Promise((resolve) => setTimeout(resolve, 0));
}

async function createBuilder() {
    const element = createElement('c-flow-builder', { is: FlowBuilder });
    element.flowId = FLOW.id;
    document.body.appendChild(element);
    const toast = jest.fn();
    const close = jest.fn();
    element.addEventListener('lightning__showtoast', toast);
    element.addEventListener('close', close);
    await flushPromises();
    return { element, toast, close };
}

function query(element, selector) {
    return element.shadowRoot.querySelector(selector);
}

function graph(element) {
    return query(element, 'c-flow-graph');
}

function panel(element) {
    return query(element, 'c-flow-node-panel');
}

function nodeOf(element, nodeId) {
    return graph(element).definition.nodes.find((node) => node.id === nodeId);
}

async function selectNode(element, nodeId, viaKeyboard = false) {
    graph(element).dispatchEvent(new CustomEvent('nodeselect', { detail: { nodeId, viaKeyboard } }));
    await flushPromises();
}

async function connect(element, key, target) {
    const combobox = [...panel(element).shadowRoot.querySelectorAll('lightning-combobox.edge')].find(
        (candidate) => candidate.dataset.key === key
    );
    combobox.dispatchEvent(new CustomEvent('change', { detail: { value: target } }));
    await flushPromises();
}

async function click(element, selector) {
    query(element, selector).click();
    await flushPromises();
}

function lastToast(toast) {
    return toast.mock.calls[toast.mock.calls.length - 1][0].detail;
}

describe('c-flow-builder', () => {
    beforeEach(() => {
        getFlow.mockResolvedValue(FLOW);
        getObjectFields.mockResolvedValue(FIELDS);
        getAiAvailability.mockResolvedValue(AVAILABILITY);
        getModels.mockResolvedValue(MODELS);
        LightningConfirm.open.mockResolvedValue(true);
    });

    afterEach(() => {
        while (document.body.firstChild) {
            document.body.removeChild(document.body.firstChild);
        }
        jest.clearAllMocks();
    });

    it('loads the flow, the fields and the AI availability', async () => {
        const { element } = await createBuilder();

        expect(getFlow).toHaveBeenCalledWith({ flowId: 'a0B000000000001AAA' });
        expect(getObjectFields).toHaveBeenCalledWith({ objectName: 'Lead' });
        expect(getAiAvailability).toHaveBeenCalledWith();
        expect(getModels).toHaveBeenCalledWith({ provider: 'openai' });
        expect(query(element, 'h1').textContent).toBe('Lead triage');
        expect(query(element, '.slds-page-header__name-meta .slds-badge').textContent).toBe('Draft');
        expect(query(element, '.flow-subtitle').textContent).toBe('Lead flow · Version 2');
        expect(graph(element).definition).toEqual(JSON.parse(FLOW.definition));
        expect(query(element, '.save-button').disabled).toBe(true);
        expect(query(element, '.unsaved-note')).toBeNull();
        expect(query(element, '.no-selection').textContent.trim()).toBe(
            'Select a node in the graph, or add one from the palette, to configure it.'
        );
    });

    it('loads no models while the AI node cannot be used', async () => {
        getAiAvailability.mockResolvedValue({ ...AVAILABILITY, usable: false, unavailableReason: 'ai_disabled' });
        const { element } = await createBuilder();

        expect(getModels).not.toHaveBeenCalled();
        await selectNode(element, 'classify');
        expect(panel(element).availability.usable).toBe(false);
        expect(panel(element).models).toEqual([]);
    });

    it('adds a node from the palette and opens its panel', async () => {
        const { element } = await createBuilder();

        query(element, 'c-flow-palette').dispatchEvent(
            new CustomEvent('addnode', { detail: { type: 'assign_owner' } })
        );
        await flushPromises();

        expect(nodeOf(element, 'assign_owner_1')).toEqual({
            id: 'assign_owner_1',
            type: 'assign_owner',
            label: 'Assign Owner',
            ownerId: ''
        });
        expect(graph(element).selectedNodeId).toBe('assign_owner_1');
        expect(panel(element).node.id).toBe('assign_owner_1');
        expect(query(element, 'lightning-tab').label).toBe('Node: assign_owner_1');
        expect(query(element, '.unsaved-note')).not.toBeNull();
        expect(query(element, '.save-button').disabled).toBe(false);
        expect(panel(element).shadowRoot.activeElement).toBe(panel(element).shadowRoot.querySelector('h2'));
    });

    it('connects edges in the node panel', async () => {
        const { element } = await createBuilder();
        await selectNode(element, 'classify');

        await connect(element, 'next.timeout', 'done');
        await connect(element, 'next.error', 'route');

        expect(nodeOf(element, 'classify').next).toEqual({ success: 'route', timeout: 'done', error: 'route' });
    });

    it('edits the AI node and inserts a merge field', async () => {
        const { element } = await createBuilder();
        await selectNode(element, 'classify');
        const editor = panel(element).shadowRoot.querySelector('c-ai-inference-node-editor');
        expect(editor.fields).toEqual(FIELDS);
        expect(editor.models).toEqual(MODELS);
        const prompt = editor.shadowRoot.querySelector('textarea.prompt');
        prompt.setSelectionRange(24, 24);
        prompt.dispatchEvent(new CustomEvent('keyup'));

        editor.shadowRoot
            .querySelector('.merge-field')
            .dispatchEvent(new CustomEvent('change', { detail: { value: 'Description' } }));
        await flushPromises();
        editor.shadowRoot
            .querySelector('.model')
            .dispatchEvent(new CustomEvent('change', { detail: { value: 'gpt-4.1' } }));
        await flushPromises();

        const config = nodeOf(element, 'classify').config;
        expect(config.prompt).toBe('Classify the inquiry in {!Record.Description}.');
        expect(config.model).toBe('gpt-4.1');
        expect(prompt.value).toBe('Classify the inquiry in {!Record.Description}.');
    });

    it('shows validation problems on the nodes and at the top', async () => {
        validateDefinition.mockResolvedValue(PROBLEMS);
        const { element, toast } = await createBuilder();
        await selectNode(element, 'classify');

        await click(element, '.validate-button');

        expect(validateDefinition).toHaveBeenCalledWith({ definition: JSON.stringify(JSON.parse(FLOW.definition)) });
        expect(graph(element).problemCounts).toEqual({ classify: 2 });
        expect(panel(element).problems.map((problem) => problem.code)).toEqual(['missing_edge', 'missing_edge']);
        const top = query(element, '.flow-level-problems');
        expect(top.getAttribute('role')).toBe('alert');
        expect(top.querySelector('.problem-summary').textContent).toBe(
            'The connector found 3 problems. 2 problems are marked on the nodes; select a node to read them.'
        );
        expect([...top.querySelectorAll('.flow-problem')].map((item) => item.textContent)).toEqual([
            PROBLEMS.problems[2].message
        ]);
        expect(query(element, 'c-flow-entry-editor').problems.map((problem) => problem.code)).toEqual([
            'invalid_value'
        ]);
        expect(lastToast(toast)).toEqual({
            title: 'Problems found',
            message: 'The connector found 3 problems.',
            variant: 'warning',
            mode: 'dismissible'
        });
    });

    it('clears the problems once the fix validates clean', async () => {
        validateDefinition.mockResolvedValueOnce(PROBLEMS).mockResolvedValueOnce(CLEAN);
        const { element, toast } = await createBuilder();
        await selectNode(element, 'classify');
        await click(element, '.validate-button');

        await connect(element, 'next.timeout', 'done');
        expect(query(element, '.stale-note')).not.toBeNull();
        await connect(element, 'next.error', 'done');
        await click(element, '.validate-button');

        expect(validateDefinition).toHaveBeenCalledTimes(2);
        expect(JSON.parse(validateDefinition.mock.calls[1][0].definition).nodes[0].next).toEqual({
            success: 'route',
            timeout: 'done',
            error: 'done'
        });
        expect(query(element, '.flow-level-problems')).toBeNull();
        expect(graph(element).problemCounts).toEqual({});
        expect(panel(element).problems).toEqual([]);
        expect(lastToast(toast)).toEqual({
            title: 'No problems found',
            message: 'The connector can run this flow.',
            variant: 'success',
            mode: 'dismissible'
        });
    });

    it('validates before it saves and takes the saved version', async () => {
        validateDefinition.mockResolvedValue(CLEAN);
        saveDraft.mockResolvedValue(SAVED);
        const { element, toast } = await createBuilder();
        await selectNode(element, 'classify');
        await connect(element, 'next.timeout', 'done');
        await connect(element, 'next.error', 'done');
        const edited = JSON.stringify(graph(element).definition);

        await click(element, '.save-button');

        expect(validateDefinition).toHaveBeenCalledWith({ definition: edited });
        expect(saveDraft).toHaveBeenCalledWith({ flowId: 'a0B000000000001AAA', definition: edited, baseVersion: 2 });
        expect(validateDefinition.mock.invocationCallOrder[0]).toBeLessThan(saveDraft.mock.invocationCallOrder[0]);
        expect(query(element, '.flow-subtitle').textContent).toBe('Lead flow · Version 3');
        expect(query(element, '.unsaved-note')).toBeNull();
        expect(query(element, '.save-button').disabled).toBe(true);
        expect(query(element, '.stale-note')).toBeNull();
        expect(lastToast(toast)).toEqual({
            title: 'Draft saved',
            message: 'Version 3 is saved. The connector found no problems.',
            variant: 'success',
            mode: 'dismissible'
        });
    });

    it('saves a draft with problems and says so', async () => {
        validateDefinition.mockResolvedValue(PROBLEMS);
        saveDraft.mockResolvedValue(SAVED);
        const { element, toast } = await createBuilder();
        query(element, 'c-flow-palette').dispatchEvent(new CustomEvent('addnode', { detail: { type: 'end' } }));
        await flushPromises();

        await click(element, '.save-button');

        expect(saveDraft).toHaveBeenCalledTimes(1);
        expect(graph(element).problemCounts).toEqual({ classify: 2 });
        expect(lastToast(toast)).toEqual({
            title: 'Draft saved with problems',
            message: 'Version 3 is saved with 3 problems. Fix them before you activate the flow.',
            variant: 'warning',
            mode: 'dismissible'
        });
    });

    it('saves even when the connector cannot validate', async () => {
        validateDefinition.mockRejectedValue({ body: { message: 'The Keyroute connector could not be reached.' } });
        saveDraft.mockResolvedValue(SAVED);
        const { element, toast } = await createBuilder();
        query(element, 'c-flow-palette').dispatchEvent(new CustomEvent('addnode', { detail: { type: 'end' } }));
        await flushPromises();

        await click(element, '.save-button');

        expect(toast.mock.calls.map((call) => call[0].detail.title)).toEqual(['Flow not validated', 'Draft saved']);
        expect(lastToast(toast).message).toBe('Version 3 is saved, but it could not be validated.');
    });

    it('keeps the edits when saving fails', async () => {
        validateDefinition.mockResolvedValue(CLEAN);
        saveDraft.mockRejectedValue({
            body: { message: 'Flow "Lead triage" was saved by someone else since you opened it (now version 3).' }
        });
        const { element, toast } = await createBuilder();
        query(element, 'c-flow-palette').dispatchEvent(new CustomEvent('addnode', { detail: { type: 'end' } }));
        await flushPromises();

        await click(element, '.save-button');

        expect(lastToast(toast)).toEqual({
            title: 'Flow not saved',
            message: 'Flow "Lead triage" was saved by someone else since you opened it (now version 3).',
            variant: 'error',
            mode: 'sticky'
        });
        expect(nodeOf(element, 'end_1')).toBeDefined();
        expect(query(element, '.unsaved-note')).not.toBeNull();
    });

    it('activates a saved flow after confirmation', async () => {
        activateFlow.mockResolvedValue(ACTIVATED);
        const { element, toast } = await createBuilder();

        await click(element, '.activate-button');

        expect(LightningConfirm.open).toHaveBeenCalledWith({
            label: 'Activate Lead triage?',
            message:
                'From now on this flow routes new and updated Lead records. The Lead flow that is active now becomes inactive.',
            variant: 'header',
            theme: 'success'
        });
        expect(saveDraft).not.toHaveBeenCalled();
        expect(activateFlow).toHaveBeenCalledWith({ flowId: 'a0B000000000001AAA' });
        expect(query(element, '.slds-page-header__name-meta .slds-badge').textContent).toBe('Active');
        expect(query(element, '.read-only-note')).not.toBeNull();
        expect(query(element, '.activate-button')).toBeNull();
        expect(query(element, '.deactivate-button')).not.toBeNull();
        expect(query(element, 'c-flow-palette').disabled).toBe(true);
        expect(lastToast(toast)).toEqual({
            title: 'Flow activated',
            message: 'Lead triage now routes new and updated Lead records.',
            variant: 'success',
            mode: 'dismissible'
        });
    });

    it('saves unsaved edits before it activates', async () => {
        validateDefinition.mockResolvedValue(CLEAN);
        saveDraft.mockResolvedValue(SAVED);
        activateFlow.mockResolvedValue(ACTIVATED);
        const { element } = await createBuilder();
        await selectNode(element, 'classify');
        await connect(element, 'next.timeout', 'done');
        await connect(element, 'next.error', 'done');

        await click(element, '.activate-button');

        expect(saveDraft).toHaveBeenCalledTimes(1);
        expect(saveDraft.mock.invocationCallOrder[0]).toBeLessThan(activateFlow.mock.invocationCallOrder[0]);
        expect(activateFlow).toHaveBeenCalledWith({ flowId: 'a0B000000000001AAA' });
    });

    it('does not activate edits that have problems', async () => {
        validateDefinition.mockResolvedValue(PROBLEMS);
        saveDraft.mockResolvedValue(SAVED);
        const { element } = await createBuilder();
        query(element, 'c-flow-palette').dispatchEvent(new CustomEvent('addnode', { detail: { type: 'end' } }));
        await flushPromises();

        await click(element, '.activate-button');

        expect(saveDraft).toHaveBeenCalledTimes(1);
        expect(activateFlow).not.toHaveBeenCalled();
        expect(graph(element).problemCounts).toEqual({ classify: 2 });
    });

    it('shows the problems when the connector rejects the activation', async () => {
        activateFlow.mockResolvedValue(REJECTED);
        const { element, toast } = await createBuilder();

        await click(element, '.activate-button');

        expect(graph(element).problemCounts).toEqual({ classify: 2 });
        expect(query(element, '.slds-page-header__name-meta .slds-badge').textContent).toBe('Draft');
        expect(lastToast(toast)).toEqual({
            title: 'Flow not activated',
            message: 'The connector found 3 problems. Fix them and activate again.',
            variant: 'error',
            mode: 'sticky'
        });
    });

    it('activates nothing when the admin cancels', async () => {
        LightningConfirm.open.mockResolvedValue(false);
        const { element } = await createBuilder();

        await click(element, '.activate-button');

        expect(activateFlow).not.toHaveBeenCalled();
    });

    it('deactivates an active flow', async () => {
        getFlow.mockResolvedValue(ACTIVATED.flow);
        deactivateFlow.mockResolvedValue({ ...ACTIVATED.flow, status: 'Inactive' });
        const { element } = await createBuilder();
        await selectNode(element, 'classify');
        expect(panel(element).disabled).toBe(true);

        await click(element, '.deactivate-button');

        expect(deactivateFlow).toHaveBeenCalledWith({ flowId: 'a0B000000000001AAA' });
        expect(query(element, '.slds-page-header__name-meta .slds-badge').textContent).toBe('Inactive');
        expect(panel(element).disabled).toBe(false);
    });

    it('highlights the path of a test run', async () => {
        const { element } = await createBuilder();
        const result = { ran: true, path: ['classify', 'route', 'done'], validation: CLEAN };

        query(element, 'c-flow-preview').dispatchEvent(new CustomEvent('previewresult', { detail: { result } }));
        await flushPromises();
        expect(graph(element).pathNodeIds).toEqual(['classify', 'route', 'done']);

        query(element, 'c-flow-preview').dispatchEvent(
            new CustomEvent('previewresult', { detail: { result: { ran: false, validation: PROBLEMS } } })
        );
        await flushPromises();
        expect(graph(element).problemCounts).toEqual({ classify: 2 });
    });

    it('renames a node with its problems and deletes it', async () => {
        validateDefinition.mockResolvedValue(PROBLEMS);
        const { element } = await createBuilder();
        await selectNode(element, 'classify');
        await click(element, '.validate-button');

        panel(element).dispatchEvent(new CustomEvent('noderename', { detail: { oldId: 'classify', newId: 'triage' } }));
        await flushPromises();
        expect(graph(element).selectedNodeId).toBe('triage');
        expect(graph(element).definition.entry.startNodeId).toBe('triage');
        expect(graph(element).problemCounts).toEqual({ triage: 2 });

        panel(element).dispatchEvent(new CustomEvent('nodedelete', { detail: { nodeId: 'triage' } }));
        await flushPromises();
        expect(nodeOf(element, 'triage')).toBeUndefined();
        expect(panel(element)).toBeNull();
        await flushPromises();
        expect(graph(element).shadowRoot.activeElement.dataset.nodeId).toBe('route');
    });

    it('opens the flow settings from the start marker and applies them', async () => {
        const { element } = await createBuilder();

        graph(element).dispatchEvent(new CustomEvent('startselect', { detail: { viaKeyboard: false } }));
        await flushPromises();
        expect(query(element, 'lightning-tabset').activeTabValue).toBe('settings');

        const definition = { ...graph(element).definition, name: 'Lead triage 2' };
        query(element, 'c-flow-entry-editor').dispatchEvent(
            new CustomEvent('definitionchange', { detail: { definition } })
        );
        await flushPromises();
        expect(query(element, 'h1').textContent).toBe('Lead triage 2');
    });

    it('moves focus to the panel when the keyboard selects a node', async () => {
        const { element } = await createBuilder();

        await selectNode(element, 'route', true);

        expect(panel(element).shadowRoot.activeElement).toBe(panel(element).shadowRoot.querySelector('h2'));
    });

    it('asks before leaving with unsaved changes', async () => {
        LightningConfirm.open.mockResolvedValueOnce(false).mockResolvedValueOnce(true);
        const { element, close } = await createBuilder();
        query(element, 'c-flow-palette').dispatchEvent(new CustomEvent('addnode', { detail: { type: 'end' } }));
        await flushPromises();

        await click(element, '.back-button');
        expect(close).not.toHaveBeenCalled();
        await click(element, '.back-button');

        expect(LightningConfirm.open).toHaveBeenCalledWith({
            label: 'Discard unsaved changes?',
            message: 'The changes since the last save are lost.',
            variant: 'header',
            theme: 'warning'
        });
        expect(close.mock.calls[0][0].detail).toEqual({ objectName: 'Lead' });
    });

    it('asks the browser before unloading unsaved changes', async () => {
        const { element } = await createBuilder();
        const unload = () => {
            const event = new CustomEvent('beforeunload', { cancelable: true });
            window.dispatchEvent(event);
            return event.defaultPrevented;
        };
        expect(unload()).toBe(false);

        query(element, 'c-flow-palette').dispatchEvent(new CustomEvent('addnode', { detail: { type: 'end' } }));
        await flushPromises();
        expect(unload()).toBe(true);
    });

    it('shows the message and retries when loading fails', async () => {
        getFlow.mockRejectedValueOnce({ body: { message: 'Flow a0B000000000001AAA was not found.' } });
        const { element } = await createBuilder();

        const alert = query(element, '.load-error');
        expect(alert.querySelector('h2').textContent).toBe('Flow a0B000000000001AAA was not found.');
        alert.querySelector('lightning-button').click();
        await flushPromises();

        expect(graph(element)).not.toBeNull();
    });

    it('explains a definition that is not JSON', async () => {
        getFlow.mockResolvedValue({ ...FLOW, definition: '{broken' });
        const { element } = await createBuilder();

        expect(query(element, '.load-error h2').textContent).toBe(
            'The saved definition of flow "Lead triage" is not valid JSON. Copy the flow or ask a developer to repair its Definition__c field.'
        );
    });

    it('keeps editing when fields or AI availability cannot be loaded', async () => {
        getObjectFields.mockRejectedValue({ body: { message: 'You cannot read Lead records.' } });
        getAiAvailability.mockRejectedValue({ body: { message: 'The Keyroute connector could not be reached.' } });
        const { element } = await createBuilder();

        expect(query(element, '.fields-error').textContent.trim()).toBe(
            'The fields of Lead could not be loaded: You cannot read Lead records.'
        );
        expect(query(element, '.availability-error').textContent.trim()).toBe(
            'Whether AI inference is available could not be checked: The Keyroute connector could not be reached.'
        );
        expect(graph(element)).not.toBeNull();
    });
});
