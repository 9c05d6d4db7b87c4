import { LightningElement, api } from 'lwc';
import { NavigationMixin } from 'lightning/navigation';
import { AI_DEFAULTS } from 'c/flowModel';

const SETTINGS_PAGES = {
    ai_disabled: { apiName: 'Keyroute_Admin_Settings', label: 'Open Admin Settings' },
    no_provider: { apiName: 'Keyroute_Admin_Settings', label: 'Open Admin Settings' },
    provider_not_connected: { apiName: 'Keyroute_Integrations', label: 'Open Integrations' }
};

/** Builds the merge field that the connector replaces with a record value. */
export function mergeField(fieldApiName) {
    return `{!Record.${fieldApiName}}`;
}

/**
 * Edits an AI Inference node: the prompt (with a picker that inserts a merge field at the
 * cursor), the outputs, the model and its limits. The whole editor is disabled, with the
 * reason and a link to the page that fixes it, while the org cannot use AI inference.
 * Fires `nodechange` with the whole new node.
 */
export default class AiInferenceNodeEditor extends NavigationMixin(LightningElement) {
    /** The AI Inference node in the connector's format. */
    @api node;
    /** Fields of the routed object, from the describe. */
    @api fields = [];
    /** Models the org's key can use: [{ id }]. */
    @api models = [];
    /** Whether the org can use AI inference: { usable, unavailableReason, message, defaultModel }. */
    @api availability;
    @api disabled = false;

    settingsUrl;
    // The prompt selection, kept while focus is in the merge-field picker.
    selectionStart = null;
    selectionEnd = null;
    pendingCaret = null;

    connectedCallback() {
        this.generateSettingsUrl();
    }

    get config() {
        return this.node?.config ?? {};
    }

    get isUnavailable() {
        return Boolean(this.availability) && this.availability.usable === false;
    }

    get isDisabled() {
        return this.disabled || this.isUnavailable;
    }

    get unavailableMessage() {
        return this.availability?.message;
    }

    get settingsPage() {
        return SETTINGS_PAGES[this.availability?.unavailableReason] ?? SETTINGS_PAGES.ai_disabled;
    }

    get settingsLinkLabel() {
        return this.settingsPage.label;
    }

    get prompt() {
        return this.config.prompt ?? '';
    }

    get mergeFieldExample() {
        return mergeField('Description');
    }

    get promptLength() {
        return `${this.prompt.length} / 20,000 characters`;
    }

    get fieldOptions() {
        return (this.fields ?? []).map((field) => ({
            label: `${field.label} (${field.apiName})`,
            value: field.apiName
        }));
    }

    get modelValue() {
        return this.config.model ?? '';
    }

    get modelOptions() {
        const defaultModel = this.availability?.defaultModel;
        const options = [
            { label: defaultModel ? `Org default (${defaultModel})` : 'Org default (provider default)', value: '' }
        ];
        for (const model of this.models ?? []) {
            options.push({ label: model.id, value: model.id });
        }
        const chosen = this.config.model;
        if (chosen && !(this.models ?? []).some((model) => model.id === chosen)) {
            options.push({ label: `${chosen} (not listed by the provider)`, value: chosen });
        }
        return options;
    }

    get temperature() {
        return this.config.temperature ?? AI_DEFAULTS.temperature;
    }

    get maxOutputTokens() {
        return this.config.maxOutputTokens ?? AI_DEFAULTS.maxOutputTokens;
    }

    get timeoutSeconds() {
        return (this.config.timeoutMs ?? AI_DEFAULTS.timeoutMs) / 1000;
    }

    async generateSettingsUrl() {
        try {
            this.settingsUrl = await this[NavigationMixin.GenerateUrl](this.pageReference());
        } catch {
            this.settingsUrl = undefined;
        }
    }

    pageReference() {
        return { type: 'standard__navItemPage', attributes: { apiName: this.settingsPage.apiName } };
    }

    handleSettingsLinkClick(event) {
        event.preventDefault();
        this[NavigationMixin.Navigate](this.pageReference());
    }

    renderedCallback() {
        // A textarea shows its value property, not a value attribute, so the prompt is
        // written here. Writing only a changed value keeps the cursor where the admin types.
        const textarea = this.refs.prompt;
        if (textarea && textarea.value !== this.prompt) {
            textarea.value = this.prompt;
        }
        if (this.pendingCaret !== null && textarea) {
            const caret = this.pendingCaret;
            this.pendingCaret = null;
            textarea.focus();
            textarea.setSelectionRange(caret, caret);
        }
    }

    handlePromptInput(event) {
        this.rememberSelection(event);
        this.updateConfig({ prompt: event.target.value });
    }

    rememberSelection(event) {
        this.selectionStart = event.target.selectionStart;
        this.selectionEnd = event.target.selectionEnd;
    }

    handleMergeFieldChange(event) {
        const fieldApiName = event.detail.value;
        event.target.value = '';
        if (!fieldApiName) {
            return;
        }
        const prompt = this.prompt;
        const start = this.selectionStart ?? prompt.length;
        const end = this.selectionEnd ?? start;
        const token = mergeField(fieldApiName);
        this.selectionStart = start + token.length;
        this.selectionEnd = this.selectionStart;
        this.pendingCaret = this.selectionStart;
        this.updateConfig({ prompt: prompt.slice(0, start) + token + prompt.slice(end) });
    }

    handleOutputsChange(event) {
        this.updateConfig({ outputs: event.detail.outputs });
    }

    handleModelChange(event) {
        this.updateConfig({ model: event.detail.value || undefined });
    }

    handleTemperatureChange(event) {
        this.updateConfig({ temperature: this.toNumber(event.detail.value) });
    }

    handleMaxOutputTokensChange(event) {
        this.updateConfig({ maxOutputTokens: this.toNumber(event.detail.value) });
    }

    handleTimeoutChange(event) {
        const seconds = this.toNumber(event.detail.value);
        this.updateConfig({ timeoutMs: seconds === undefined ? undefined : Math.round(seconds * 1000) });
    }

    // An emptied number field removes the setting, so the connector applies its default.
    toNumber(value) {
        if (value === '' || value === null || value === undefined) {
            return undefined;
        }
        const number = Number(value);
        return Number.isNaN(number) ? undefined : number;
    }

    updateConfig(changes) {
        const config = { ...this.config, ...changes };
        for (const [key, value] of Object.entries(changes)) {
            if (value === undefined) {
                delete config[key];
            }
        }
        this.dispatchEvent(new CustomEvent('nodechange', { detail: { node: { ...this.node, config } } }));
    }
}
