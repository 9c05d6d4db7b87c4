import { createElement } from 'lwc';
import AiInferenceSettings from 'c/aiInferenceSettings';
import getModels from '@salesforce/apex/KeyrouteIntegrationsController.getModels';

const PROVIDERS = require('./data/providers.json');
const MODELS = require('./data/getModels.json');

jest.mock('@salesforce/apex/KeyrouteIntegrationsController.getModels', () => ({ default: jest.fn() }), {
    virtual: true
});

const OFF = { aiInferenceEnabled: false, provider: null, defaultModel: null };
const ON_WITH_OPENAI = { aiInferenceEnabled: true, provider: 'openai', defaultModel: null };

function flushPromises() {
    // eslint-disable-next-line @lwc/lwc/no-async-operation
    return new Promise((resolve) => setTimeout(resolve, 0));
}

function createSection(settings, providers = PROVIDERS) {
    const element = createElement('c-ai-inference-settings', { is: AiInferenceSettings });
    element.providers = providers;
    element.settings = settings;
    document.body.appendChild(element);
    return element;
}

function toggle(element) {
    return element.shadowRoot.querySelector('lightning-input.enabled-toggle');
}

function providerCombobox(element) {
    return element.shadowRoot.querySelector('lightning-combobox.provider-combobox');
}

function modelCombobox(element) {
    return element.shadowRoot.querySelector('lightning-combobox.model-combobox');
}

function lastSettings(handler) {
    return handler.mock.calls[handler.mock.calls.length - 1][0].detail.settings;
}

describe('c-ai-inference-settings', () => {
    beforeEach(() => {
        getModels.mockResolvedValue(MODELS);
    });

    afterEach(() => {
        while (document.body.firstChild) {
            document.body.removeChild(document.body.firstChild);
        }
        jest.clearAllMocks();
    });

    it('labels the toggle and both comboboxes', () => {
        const element = createSection(OFF);

        expect(element.shadowRoot.querySelector('h2').textContent).toBe('AI Inference Node');
        expect(toggle(element).type).toBe('toggle');
        expect(toggle(element).label).toBe('Use AI inference in routing flows');
        expect(toggle(element).checked).toBe(false);
        expect(providerCombobox(element).label).toBe('Provider');
        expect(modelCombobox(element).label).toBe('Default model');
    });

    it('lists providers that are not connected as such', () => {
        const element = createSection(OFF);

        expect(providerCombobox(element).options).toEqual([
            { label: 'OpenAI', value: 'openai' },
            { label: 'Azure OpenAI (not connected)', value: 'azure_openai' }
        ]);
    });

    it('fires the new draft when the toggle changes', () => {
        const element = createSection(OFF);
        const handler = jest.fn();
        element.addEventListener('settingschange', handler);

        toggle(element).dispatchEvent(new CustomEvent('change', { detail: { checked: true } }));

        expect(lastSettings(handler)).toEqual({ aiInferenceEnabled: true, provider: null, defaultModel: null });
    });

    it('fires the new draft when a connected provider is chosen', () => {
        const element = createSection({ aiInferenceEnabled: true, provider: null, defaultModel: null });
        const handler = jest.fn();
        element.addEventListener('settingschange', handler);

        providerCombobox(element).dispatchEvent(new CustomEvent('change', { detail: { value: 'openai' } }));

        expect(lastSettings(handler)).toEqual(ON_WITH_OPENAI);
    });

    it('refuses a provider that is not connected', () => {
        const element = createSection(ON_WITH_OPENAI);
        const handler = jest.fn();
        element.addEventListener('settingschange', handler);
        const combobox = providerCombobox(element);
        const setCustomValidity = jest.spyOn(combobox, 'setCustomValidity');

        combobox.value = 'azure_openai';
        combobox.dispatchEvent(new CustomEvent('change', { detail: { value: 'azure_openai' } }));

        expect(handler).not.toHaveBeenCalled();
        expect(combobox.value).toBe('openai');
        expect(setCustomValidity).toHaveBeenCalledWith(
            'Azure OpenAI is not connected. Authorize it on the Integrations page first.'
        );
    });

    it('loads the models of a connected provider', async () => {
        const element = createSection(ON_WITH_OPENAI);
        await flushPromises();

        expect(getModels).toHaveBeenCalledTimes(1);
        expect(getModels).toHaveBeenCalledWith({ provider: 'openai' });
        expect(modelCombobox(element).disabled).toBe(false);
        expect(modelCombobox(element).value).toBe('');
        expect(modelCombobox(element).options).toEqual([
            { label: 'Provider default', value: '' },
            { label: 'gpt-4o-mini', value: 'gpt-4o-mini' },
            { label: 'gpt-4.1', value: 'gpt-4.1' }
        ]);
    });

    it('loads no models without a connected provider', async () => {
        const element = createSection(OFF);
        await flushPromises();

        expect(getModels).not.toHaveBeenCalled();
        expect(modelCombobox(element).disabled).toBe(true);
    });

    it('fires the chosen default model', async () => {
        const element = createSection(ON_WITH_OPENAI);
        await flushPromises();
        const handler = jest.fn();
        element.addEventListener('settingschange', handler);

        modelCombobox(element).dispatchEvent(new CustomEvent('change', { detail: { value: 'gpt-4.1' } }));
        expect(lastSettings(handler)).toEqual({ ...ON_WITH_OPENAI, defaultModel: 'gpt-4.1' });

        modelCombobox(element).dispatchEvent(new CustomEvent('change', { detail: { value: '' } }));
        expect(lastSettings(handler)).toEqual(ON_WITH_OPENAI);
    });

    it('keeps a saved model that the provider no longer lists', async () => {
        getModels.mockRejectedValue({ body: { message: 'OpenAI did not answer within 15 seconds.' } });
        const element = createSection({ ...ON_WITH_OPENAI, defaultModel: 'gpt-retired' });
        await flushPromises();

        expect(modelCombobox(element).options).toEqual([
            { label: 'Provider default', value: '' },
            { label: 'gpt-retired', value: 'gpt-retired' }
        ]);
        expect(element.shadowRoot.querySelector('.model-error').textContent).toBe(
            'Could not load the models: OpenAI did not answer within 15 seconds.'
        );
    });

    it('warns when the saved provider is no longer connected', () => {
        const element = createSection({ aiInferenceEnabled: true, provider: 'azure_openai', defaultModel: null });

        expect(element.shadowRoot.querySelector('.provider-warning').textContent.trim()).toBe(
            'Azure OpenAI is not connected: routing flows cannot use AI inference until an admin authorizes a key on the Integrations page.'
        );
        expect(getModels).not.toHaveBeenCalled();
    });

    it('validates that AI inference has a connected provider', () => {
        const element = createSection({ aiInferenceEnabled: true, provider: null, defaultModel: null });
        const setCustomValidity = jest.spyOn(providerCombobox(element), 'setCustomValidity');

        expect(element.validate()).toBe(false);
        expect(setCustomValidity).toHaveBeenCalledWith('Choose a connected provider to turn on AI inference.');
    });

    it('validates a draft with AI inference off', () => {
        const element = createSection(OFF);
        const setCustomValidity = jest.spyOn(providerCombobox(element), 'setCustomValidity');

        expect(element.validate()).toBe(true);
        expect(setCustomValidity).toHaveBeenCalledWith('');
    });
});
