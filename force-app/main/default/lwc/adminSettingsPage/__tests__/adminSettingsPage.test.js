import { createElement } from 'lwc';
import AdminSettingsPage from 'c/adminSettingsPage';
import getAiSettings from '@salesforce/apex/KeyrouteAdminSettingsController.getAiSettings';
import saveAiSettings from '@salesforce/apex/KeyrouteAdminSettingsController.saveAiSettings';
import getProviders from '@salesforce/apex/KeyrouteIntegrationsController.getProviders';
import getModels from '@salesforce/apex/KeyrouteIntegrationsController.getModels';

const SETTINGS_OFF = require('./data/getAiSettings.json');
const SETTINGS_SAVED = require('./data/saveAiSettings.json');
const PROVIDERS = require('./data/getProviders.json');

jest.mock('@salesforce/apex/KeyrouteAdminSettingsController.getAiSettings', () => ({ default: jest.fn() }), {
    virtual: true
});
jest.mock('@salesforce/apex/KeyrouteAdminSettingsController.saveAiSettings', () => ({ default: jest.fn() }), {
    virtual: true
});
jest.mock('@salesforce/apex/KeyrouteIntegrationsController.getProviders', () => ({ default: jest.fn() }), {
    virtual: true
});
jest.mock('@salesforce/apex/KeyrouteIntegrationsController.getModels', () => ({ default: jest.fn() }), {
    virtual: true
});

function flushPromises() {
    // eslint-disable-next-line @lwc/lwc/no-async-operation
    return new Promise((resolve) => setTimeout(resolve, 0));
}

async function createPage() {
    const element = createElement('c-admin-settings-page', { is: AdminSettingsPage });
    document.body.appendChild(element);
    await flushPromises();
    return element;
}

function section(element) {
    return element.shadowRoot.querySelector('c-ai-inference-settings');
}

function saveButton(element) {
    return element.shadowRoot.querySelector('lightning-button.save-button');
}

async function changeDraft(element, settings) {
    section(element).dispatchEvent(new CustomEvent('settingschange', { detail: { settings } }));
    await flushPromises();
}

function beforeUnloadEvent() {
    const event = new CustomEvent('beforeunload', { cancelable: true });
    window.dispatchEvent(event);
    return event;
}

describe('c-admin-settings-page', () => {
    beforeEach(() => {
        getAiSettings.mockResolvedValue(SETTINGS_OFF);
        getProviders.mockResolvedValue(PROVIDERS);
        getModels.mockResolvedValue([]);
    });

    afterEach(() => {
        while (document.body.firstChild) {
            document.body.removeChild(document.body.firstChild);
        }
        jest.clearAllMocks();
    });

    it('opens on the AI Tools tab with the saved settings', async () => {
        const element = await createPage();

        expect(getAiSettings).toHaveBeenCalledWith();
        expect(getProviders).toHaveBeenCalledWith();
        expect(element.shadowRoot.querySelector('h1').textContent).toBe('Admin Settings');
        expect(element.shadowRoot.querySelector('lightning-tabset').activeTabValue).toBe('ai-tools');
        expect(element.shadowRoot.querySelector('lightning-tab').label).toBe('AI Tools');
        expect(section(element).settings).toEqual({ aiInferenceEnabled: false, provider: null, defaultModel: null });
        expect(section(element).providers).toEqual(PROVIDERS);
    });

    it('enables Save Changes only while something changed', async () => {
        const element = await createPage();
        expect(saveButton(element).label).toBe('Save Changes');
        expect(saveButton(element).disabled).toBe(true);

        await changeDraft(element, { aiInferenceEnabled: true, provider: null, defaultModel: null });
        expect(saveButton(element).disabled).toBe(false);
        expect(element.shadowRoot.querySelector('.unsaved-note')).not.toBeNull();

        await changeDraft(element, { aiInferenceEnabled: false, provider: null, defaultModel: null });
        expect(saveButton(element).disabled).toBe(true);
        expect(element.shadowRoot.querySelector('.unsaved-note')).toBeNull();
    });

    it('saves the draft and shows a toast', async () => {
        saveAiSettings.mockResolvedValue(SETTINGS_SAVED);
        const element = await createPage();
        const toastHandler = jest.fn();
        element.addEventListener('lightning__showtoast', toastHandler);
        await changeDraft(element, { aiInferenceEnabled: true, provider: 'openai', defaultModel: null });

        saveButton(element).click();
        await flushPromises();

        expect(saveAiSettings).toHaveBeenCalledTimes(1);
        expect(saveAiSettings).toHaveBeenCalledWith({
            aiInferenceEnabled: true,
            provider: 'openai',
            defaultModel: null
        });
        expect(toastHandler).toHaveBeenCalledTimes(1);
        expect(toastHandler.mock.calls[0][0].detail).toEqual({
            title: 'Settings saved',
            message: 'AI inference is on and uses OpenAI with the provider default model.',
            variant: 'success'
        });
        expect(saveButton(element).disabled).toBe(true);
        expect(element.shadowRoot.querySelector('.last-saved').textContent).toContain('Last saved by Ada Admin');
    });

    it('shows the connector message when saving fails and keeps the draft', async () => {
        saveAiSettings.mockRejectedValue({
            body: { message: 'OpenAI is not connected: authorize a key on the Integrations page first.' }
        });
        const element = await createPage();
        const toastHandler = jest.fn();
        element.addEventListener('lightning__showtoast', toastHandler);
        await changeDraft(element, { aiInferenceEnabled: true, provider: 'openai', defaultModel: null });

        saveButton(element).click();
        await flushPromises();

        expect(toastHandler.mock.calls[0][0].detail).toEqual({
            title: 'Settings not saved',
            message: 'OpenAI is not connected: authorize a key on the Integrations page first.',
            variant: 'error',
            mode: 'sticky'
        });
        expect(saveButton(element).disabled).toBe(false);
        expect(section(element).settings).toEqual({ aiInferenceEnabled: true, provider: 'openai', defaultModel: null });
    });

    it('does not save a draft that fails validation', async () => {
        const element = await createPage();
        await changeDraft(element, { aiInferenceEnabled: true, provider: null, defaultModel: null });

        saveButton(element).click();
        await flushPromises();

        expect(saveAiSettings).not.toHaveBeenCalled();
    });

    it('discards the draft', async () => {
        const element = await createPage();
        await changeDraft(element, { aiInferenceEnabled: true, provider: 'openai', defaultModel: null });

        element.shadowRoot.querySelector('lightning-button.discard-button').click();
        await flushPromises();

        expect(section(element).settings).toEqual({ aiInferenceEnabled: false, provider: null, defaultModel: null });
        expect(saveButton(element).disabled).toBe(true);
    });

    it('asks before unloading the page with unsaved changes', async () => {
        const element = await createPage();
        expect(beforeUnloadEvent().defaultPrevented).toBe(false);

        await changeDraft(element, { aiInferenceEnabled: true, provider: 'openai', defaultModel: null });
        expect(beforeUnloadEvent().defaultPrevented).toBe(true);

        document.body.removeChild(element);
        expect(beforeUnloadEvent().defaultPrevented).toBe(false);
    });

    it('shows the connector message and retries when loading fails', async () => {
        getAiSettings.mockRejectedValueOnce({ body: { message: 'The Keyroute connector could not be reached.' } });
        const element = await createPage();

        const alert = element.shadowRoot.querySelector('.load-error');
        expect(alert.querySelector('h2').textContent).toBe('The Keyroute connector could not be reached.');
        expect(saveButton(element).disabled).toBe(true);

        alert.querySelector('lightning-button').click();
        await flushPromises();

        expect(getAiSettings).toHaveBeenCalledTimes(2);
        expect(element.shadowRoot.querySelector('.load-error')).toBeNull();
        expect(section(element)).not.toBeNull();
    });
});
