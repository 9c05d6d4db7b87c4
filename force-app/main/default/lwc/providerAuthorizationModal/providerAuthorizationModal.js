import { LightningElement, api } from 'lwc';
import authorizeProvider from '@salesforce/apex/KeyrouteIntegrationsController.authorizeProvider';
import { validateApiKey } from 'c/apiKeyValidation';
import { messageFromError } from 'c/errorMessages';

/**
 * Dialog in which an admin pastes a provider API key and authorizes it. The key is
 * checked in the browser first, then sent through Apex to the connector, which checks it
 * with the provider. Fires `authorized` with the new provider status on success and
 * `close` when the admin dismisses the dialog; the opener removes the dialog and moves
 * focus back.
 */
export default class ProviderAuthorizationModal extends LightningElement {
    /** The provider's current status, as the connector returns it. */
    @api providerStatus;

    apiKey = '';
    errorMessage = null;
    isChecking = false;
    // Set when focus must move to the key field after the next render: when the dialog
    // opens, and when a failed check enables the field again.
    focusInputOnRender = true;

    get displayName() {
        return this.providerStatus?.displayName ?? 'the provider';
    }

    get heading() {
        return `Authorize ${this.displayName}`;
    }

    get authorizeLabel() {
        return `Authorize ${this.displayName}`;
    }

    get inputLabel() {
        return `${this.displayName} API key`;
    }

    get checkingText() {
        return `Checking the key with ${this.displayName}…`;
    }

    get hasCurrentKey() {
        return Boolean(this.providerStatus?.maskedKey);
    }

    renderedCallback() {
        if (this.focusInputOnRender && this.refs.apiKeyInput) {
            this.focusInputOnRender = false;
            this.refs.apiKeyInput.focus();
        }
    }

    handleApiKeyChange(event) {
        this.apiKey = event.detail.value ?? event.target.value ?? '';
        this.errorMessage = null;
        const input = this.refs.apiKeyInput;
        input.setCustomValidity('');
        input.reportValidity();
    }

    async handleAuthorize() {
        if (this.isChecking) {
            return;
        }
        const input = this.refs.apiKeyInput;
        const { key, error } = validateApiKey(this.apiKey);
        if (error) {
            input.setCustomValidity(error);
            input.reportValidity();
            input.focus();
            return;
        }
        input.setCustomValidity('');
        input.reportValidity();

        this.errorMessage = null;
        this.isChecking = true;
        try {
            const status = await authorizeProvider({
                provider: this.providerStatus.provider,
                apiKey: key
            });
            this.apiKey = '';
            this.dispatchEvent(new CustomEvent('authorized', { detail: { status } }));
        } catch (failure) {
            this.errorMessage = messageFromError(failure);
            this.isChecking = false;
            this.focusInputOnRender = true;
        }
    }

    handleCancel() {
        if (this.isChecking) {
            return;
        }
        this.apiKey = '';
        this.dispatchEvent(new CustomEvent('close'));
    }

    handleKeyDown(event) {
        if (event.key === 'Escape') {
            event.stopPropagation();
            this.handleCancel();
            return;
        }
        if (event.key === 'Tab') {
            this.keepFocusInside(event);
        }
    }

    // Keeps Tab and Shift+Tab inside the dialog: from the last control to the first and
    // back. The first control is the close button, the last the authorize button.
    keepFocusInside(event) {
        const active = this.template.activeElement;
        const first = this.refs.closeButton;
        const last = this.refs.authorizeButton;
        if (event.shiftKey && (active === first || active === null)) {
            event.preventDefault();
            last.focus();
        } else if (!event.shiftKey && active === last) {
            event.preventDefault();
            first.focus();
        }
    }
}
