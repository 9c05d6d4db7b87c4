import { LightningElement } from 'lwc';
import { ShowToastEvent } from 'lightning/platformShowToastEvent';
import getAiSettings from '@salesforce/apex/KeyrouteAdminSettingsController.getAiSettings';
import saveAiSettings from '@salesforce/apex/KeyrouteAdminSettingsController.saveAiSettings';
import getProviders from '@salesforce/apex/KeyrouteIntegrationsController.getProviders';
import { messageFromError } from 'c/errorMessages';

const EMPTY_SETTINGS = { aiInferenceEnabled: false, provider: null, defaultModel: null };

function editableFields(settings) {
    return {
        aiInferenceEnabled: Boolean(settings?.aiInferenceEnabled),
        provider: settings?.provider || null,
        defaultModel: settings?.defaultModel || null
    };
}

/**
 * The Admin Settings page: an AI Tools tab with the AI Inference Node settings. The page
 * keeps the saved settings and a draft; Save Changes is enabled only while they differ.
 *
 * Unsaved changes: a beforeunload handler makes the browser ask before a reload, closing
 * the browser tab, or leaving for another URL. Moving to another Lightning page inside
 * Salesforce replaces the page without unloading it, and LWC has no public API to hold
 * that navigation (the Aura lightning:unsavedChanges component does), so that case is
 * not covered.
 */
export default class AdminSettingsPage extends LightningElement {
    saved = EMPTY_SETTINGS;
    draft = EMPTY_SETTINGS;
    updatedBy = null;
    updatedAt = null;
    providers = [];
    isLoading = true;
    isSaving = false;
    loadError = null;

    handleBeforeUnload = (event) => {
        if (this.isDirty) {
            event.preventDefault();
            // Older browsers show the prompt only when returnValue is set.
            event.returnValue = '';
        }
    };

    connectedCallback() {
        window.addEventListener('beforeunload', this.handleBeforeUnload);
        this.load();
    }

    disconnectedCallback() {
        window.removeEventListener('beforeunload', this.handleBeforeUnload);
    }

    get isDirty() {
        const saved = this.saved;
        const draft = this.draft;
        return (
            saved.aiInferenceEnabled !== draft.aiInferenceEnabled ||
            saved.provider !== draft.provider ||
            saved.defaultModel !== draft.defaultModel
        );
    }

    get isSaveDisabled() {
        return !this.isDirty || this.isSaving || this.isLoading || Boolean(this.loadError);
    }

    get isDiscardDisabled() {
        return !this.isDirty || this.isSaving;
    }

    get lastSavedText() {
        if (!this.updatedBy || !this.updatedAt) {
            return null;
        }
        const when = new Date(this.updatedAt).toLocaleString();
        return `Last saved by ${this.updatedBy.name} on ${when}.`;
    }

    async load() {
        this.isLoading = true;
        this.loadError = null;
        try {
            const [settings, providers] = await Promise.all([getAiSettings(), getProviders()]);
            this.providers = providers;
            this.applySaved(settings);
        } catch (failure) {
            this.loadError = messageFromError(failure);
        } finally {
            this.isLoading = false;
        }
    }

    applySaved(settings) {
        this.saved = editableFields(settings);
        this.draft = { ...this.saved };
        this.updatedBy = settings?.updatedBy ?? null;
        this.updatedAt = settings?.updatedAt ?? null;
    }

    handleRetry() {
        this.load();
    }

    handleSettingsChange(event) {
        this.draft = editableFields(event.detail.settings);
    }

    handleDiscard() {
        this.draft = { ...this.saved };
    }

    async handleSave() {
        if (!this.isDirty || this.isSaving) {
            return;
        }
        if (!this.refs.aiInferenceSettings.validate()) {
            return;
        }

        this.isSaving = true;
        try {
            const settings = await saveAiSettings({
                aiInferenceEnabled: this.draft.aiInferenceEnabled,
                provider: this.draft.provider,
                defaultModel: this.draft.defaultModel
            });
            this.applySaved(settings);
            this.dispatchEvent(
                new ShowToastEvent({
                    title: 'Settings saved',
                    message: this.savedSummary(),
                    variant: 'success'
                })
            );
        } catch (failure) {
            this.dispatchEvent(
                new ShowToastEvent({
                    title: 'Settings not saved',
                    message: messageFromError(failure),
                    variant: 'error',
                    mode: 'sticky'
                })
            );
        } finally {
            this.isSaving = false;
        }
    }

    savedSummary() {
        if (!this.saved.aiInferenceEnabled) {
            return 'AI inference is off.';
        }
        const provider = this.providers.find((candidate) => candidate.provider === this.saved.provider);
        const providerName = provider?.displayName ?? this.saved.provider;
        const model = this.saved.defaultModel ?? 'the provider default model';
        return `AI inference is on and uses ${providerName} with ${model}.`;
    }
}
