import { LightningElement, api } from 'lwc';
import getModels from '@salesforce/apex/KeyrouteIntegrationsController.getModels';
import { messageFromError } from 'c/errorMessages';

const UNAVAILABLE_SUFFIXES = {
    not_connected: 'not connected',
    invalid: 'key invalid',
    disabled: 'disabled'
};

/** Combobox value of the "Provider default" model option. */
const PROVIDER_DEFAULT_MODEL = '';

/**
 * The AI Inference Node section of Admin Settings: whether routing flows may use AI
 * inference, with which provider and which default model. It edits a draft that the page
 * owns: every change fires `settingschange` with the whole new draft. Only connected
 * providers can be chosen; the others are listed with their state.
 */
export default class AiInferenceSettings extends LightningElement {
    models = [];
    isLoadingModels = false;
    modelLoadError = null;
    loadedModelsFor = null;
    _settings = { aiInferenceEnabled: false, provider: null, defaultModel: null };
    _providers = [];

    /** Every provider the connector supports, with its key state. */
    @api
    get providers() {
        return this._providers;
    }
    set providers(value) {
        this._providers = value ?? [];
        this.loadModelsIfConnected();
    }

    /** The draft settings: aiInferenceEnabled, provider and defaultModel. */
    @api
    get settings() {
        return this._settings;
    }
    set settings(value) {
        this._settings = value ?? { aiInferenceEnabled: false, provider: null, defaultModel: null };
        this.loadModelsIfConnected();
    }

    /**
     * Checks the draft and shows what is missing on the field.
     * @returns {boolean} true when the draft can be saved
     */
    @api
    validate() {
        const combobox = this.refs.providerCombobox;
        let message = '';
        if (this._settings.aiInferenceEnabled && !this.isConnected(this._settings.provider)) {
            message = 'Choose a connected provider to turn on AI inference.';
        }
        combobox.setCustomValidity(message);
        combobox.reportValidity();
        return message === '';
    }

    get providerValue() {
        return this._settings.provider ?? '';
    }

    get defaultModelValue() {
        return this._settings.defaultModel ?? PROVIDER_DEFAULT_MODEL;
    }

    get providerOptions() {
        return this._providers.map((provider) => {
            const suffix = UNAVAILABLE_SUFFIXES[provider.status];
            return {
                label: suffix ? `${provider.displayName} (${suffix})` : provider.displayName,
                value: provider.provider
            };
        });
    }

    get modelOptions() {
        const options = [{ label: 'Provider default', value: PROVIDER_DEFAULT_MODEL }];
        for (const model of this.models) {
            options.push({ label: model.id, value: model.id });
        }
        // Keep a saved model visible even when the list could not be loaded.
        const saved = this._settings.defaultModel;
        if (saved && !this.models.some((model) => model.id === saved)) {
            options.push({ label: saved, value: saved });
        }
        return options;
    }

    get isModelChoiceDisabled() {
        return !this.isConnected(this._settings.provider);
    }

    get selectedProviderWarning() {
        const provider = this.findProvider(this._settings.provider);
        if (!provider || provider.status === 'connected') {
            return null;
        }
        return (
            `${provider.displayName} is ${UNAVAILABLE_SUFFIXES[provider.status] ?? provider.status}: ` +
            'routing flows cannot use AI inference until an admin authorizes a key on the Integrations page.'
        );
    }

    handleEnabledChange(event) {
        this.notifyChange({ aiInferenceEnabled: event.detail.checked });
    }

    handleProviderChange(event) {
        const combobox = event.target;
        const chosen = event.detail.value;
        if (!this.isConnected(chosen)) {
            // Not connected providers are listed but cannot be chosen: restore the previous
            // choice and say why.
            const provider = this.findProvider(chosen);
            combobox.value = this.providerValue;
            combobox.setCustomValidity(
                `${provider?.displayName ?? chosen} is not connected. Authorize it on the Integrations page first.`
            );
            combobox.reportValidity();
            return;
        }
        combobox.setCustomValidity('');
        combobox.reportValidity();
        const providerChanged = chosen !== this._settings.provider;
        this.notifyChange({
            provider: chosen,
            defaultModel: providerChanged ? null : this._settings.defaultModel
        });
    }

    handleDefaultModelChange(event) {
        const value = event.detail.value;
        this.notifyChange({ defaultModel: value === PROVIDER_DEFAULT_MODEL ? null : value });
    }

    notifyChange(changes) {
        const settings = { ...this._settings, ...changes };
        this.dispatchEvent(new CustomEvent('settingschange', { detail: { settings } }));
    }

    findProvider(providerId) {
        return this._providers.find((provider) => provider.provider === providerId);
    }

    isConnected(providerId) {
        return this.findProvider(providerId)?.status === 'connected';
    }

    // Loads the models of the chosen provider once per provider, and only while it is
    // connected, because the connector can list models only with a working key.
    async loadModelsIfConnected() {
        const providerId = this.isConnected(this._settings.provider) ? this._settings.provider : null;
        if (providerId === this.loadedModelsFor) {
            return;
        }
        this.loadedModelsFor = providerId;
        this.models = [];
        this.modelLoadError = null;
        if (!providerId) {
            return;
        }
        this.isLoadingModels = true;
        try {
            const models = await getModels({ provider: providerId });
            if (this.loadedModelsFor === providerId) {
                this.models = models;
            }
        } catch (failure) {
            if (this.loadedModelsFor === providerId) {
                this.modelLoadError = `Could not load the models: ${messageFromError(failure)}`;
            }
        } finally {
            if (this.loadedModelsFor === providerId) {
                this.isLoadingModels = false;
            }
        }
    }
}
