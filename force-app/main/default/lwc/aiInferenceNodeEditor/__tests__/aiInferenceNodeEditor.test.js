import { createElement } from 'lwc';
import AiInferenceNodeEditor from 'c/aiInferenceNodeEditor';

const NODE = require('./data/aiNode.json');
const FIELDS = require('./data/fields.json');
const MODELS = require('./data/models.json');
const USABLE = require('./data/availabilityUsable.json');
const OFF = require('./data/availabilityOff.json');
const NOT_CONNECTED = require('./data/availabilityNotConnected.json');

function flushPromises() {
    // eslint-disable-next-line @lwc/lwc/no-async-operation
    return new Promise((resolve) => setTimeout(resolve, 0));
}

function createEditor(properties = {}) {
    const element = createElement('c-ai-inference-node-editor', { is: AiInferenceNodeEditor });
    Object.assign(element, { node: NODE, fields: FIELDS, models: MODELS, availability: USABLE, ...properties });
    document.body.appendChild(element);
    const handler = jest.fn();
    element.addEventListener('nodechange', handler);
    return { element, handler };
}

function query(element, selector) {
    return element.shadowRoot.querySelector(selector);
}

function lastNode(handler) {
    return handler.mock.calls[handler.mock.calls.length - 1][0].detail.node;
}

function change(control, value) {
    control.dispatchEvent(new CustomEvent('change', { detail: { value } }));
}

describe('c-ai-inference-node-editor', () => {
    afterEach(() => {
        while (document.body.firstChild) {
            document.body.removeChild(document.body.firstChild);
        }
    });

    it('shows the prompt in a labelled text area', () => {
        const { element } = createEditor();

        const prompt = query(element, 'textarea.prompt');
        expect(prompt.value).toBe('Classify the inquiry in .');
        const label = query(element, 'label');
        expect(label.textContent).toContain('Prompt');
        expect(label.getAttribute('for')).toBe(prompt.getAttribute('id'));
        expect(query(element, '.slds-form-element__help').textContent).toContain('{!Record.Description}');
        expect(query(element, '.merge-field').options).toEqual([
            { label: 'Description (Description)', value: 'Description' },
            { label: 'Lead Source (LeadSource)', value: 'LeadSource' }
        ]);
    });

    it('changes the prompt as the admin types', () => {
        const { element, handler } = createEditor();
        const prompt = query(element, 'textarea.prompt');

        prompt.value = 'Classify it.';
        prompt.dispatchEvent(new CustomEvent('input'));

        expect(lastNode(handler)).toEqual({ ...NODE, config: { ...NODE.config, prompt: 'Classify it.' } });
    });

    it('inserts a merge field at the cursor', async () => {
        const { element, handler } = createEditor();
        const prompt = query(element, 'textarea.prompt');
        prompt.setSelectionRange(24, 24);
        prompt.dispatchEvent(new CustomEvent('keyup'));
        const picker = query(element, '.merge-field');

        change(picker, 'Description');

        const inserted = 'Classify the inquiry in {!Record.Description}.';
        expect(lastNode(handler).config.prompt).toBe(inserted);
        expect(picker.value).toBe('');

        element.node = lastNode(handler);
        await flushPromises();
        expect(prompt.value).toBe(inserted);
        expect(prompt.selectionStart).toBe(45);
        expect(element.shadowRoot.activeElement).toBe(prompt);
    });

    it('replaces the selected text with a merge field', () => {
        const { element, handler } = createEditor({
            node: { ...NODE, config: { ...NODE.config, prompt: 'Read FIELD now' } }
        });
        const prompt = query(element, 'textarea.prompt');
        prompt.setSelectionRange(5, 10);
        prompt.dispatchEvent(new CustomEvent('select'));

        change(query(element, '.merge-field'), 'LeadSource');

        expect(lastNode(handler).config.prompt).toBe('Read {!Record.LeadSource} now');
    });

    it('appends a merge field when the prompt was never focused', () => {
        const { element, handler } = createEditor();

        change(query(element, '.merge-field'), 'LeadSource');

        expect(lastNode(handler).config.prompt).toBe('Classify the inquiry in .{!Record.LeadSource}');
    });

    it('lists the models with the org default first', () => {
        const { element, handler } = createEditor();
        const model = query(element, '.model');

        expect(model.value).toBe('gpt-4o-mini');
        expect(model.options).toEqual([
            { label: 'Org default (gpt-4.1)', value: '' },
            { label: 'gpt-4o-mini', value: 'gpt-4o-mini' },
            { label: 'gpt-4.1', value: 'gpt-4.1' }
        ]);

        change(model, '');
        expect(lastNode(handler).config).not.toHaveProperty('model');
        change(model, 'gpt-4.1');
        expect(lastNode(handler).config.model).toBe('gpt-4.1');
    });

    it('keeps a chosen model that the provider no longer lists', () => {
        const { element } = createEditor({ models: [], availability: { ...USABLE, defaultModel: null } });

        expect(query(element, '.model').options).toEqual([
            { label: 'Org default (provider default)', value: '' },
            { label: 'gpt-4o-mini (not listed by the provider)', value: 'gpt-4o-mini' }
        ]);
    });

    it('sets temperature, output tokens and timeout as numbers', () => {
        const { element, handler } = createEditor();
        expect(query(element, '.timeout').value).toBe(20);
        expect(query(element, '.max-output-tokens').value).toBe(300);

        change(query(element, '.temperature'), '0.7');
        expect(lastNode(handler).config.temperature).toBe(0.7);
        change(query(element, '.max-output-tokens'), '800');
        expect(lastNode(handler).config.maxOutputTokens).toBe(800);
        change(query(element, '.timeout'), '45');
        expect(lastNode(handler).config.timeoutMs).toBe(45000);
        change(query(element, '.timeout'), '');
        expect(lastNode(handler).config).not.toHaveProperty('timeoutMs');
    });

    it('passes output changes into the node', () => {
        const { element, handler } = createEditor();
        const outputs = [{ name: 'urgent', type: 'boolean' }];

        query(element, 'c-ai-outputs-editor').dispatchEvent(new CustomEvent('outputschange', { detail: { outputs } }));

        expect(lastNode(handler).config.outputs).toEqual(outputs);
    });

    it('disables the editor while AI inference is off and links to Admin Settings', async () => {
        const { element } = createEditor({ availability: OFF });
        await flushPromises();

        expect(query(element, '.unavailable-message').textContent).toBe(OFF.message);
        const link = query(element, 'a.settings-link');
        expect(link.textContent).toBe('Open Admin Settings');
        expect(link.getAttribute('href')).toBe('https://www.example.com');
        expect(query(element, 'textarea.prompt').disabled).toBe(true);
        for (const selector of [
            '.merge-field',
            '.model',
            '.temperature',
            '.max-output-tokens',
            '.timeout',
            'c-ai-outputs-editor'
        ]) {
            expect(query(element, selector).disabled).toBe(true);
        }
    });

    it('links to Integrations when the provider is not connected', () => {
        const { element } = createEditor({ availability: NOT_CONNECTED });

        expect(query(element, '.unavailable-message').textContent).toBe(NOT_CONNECTED.message);
        expect(query(element, 'a.settings-link').textContent).toBe('Open Integrations');
    });

    it('stays editable while availability is unknown', () => {
        const { element } = createEditor({ availability: null });

        expect(query(element, '.unavailable')).toBeNull();
        expect(query(element, 'textarea.prompt').disabled).toBe(false);
    });
});
