import { LightningElement, api } from 'lwc';
import LightningConfirm from 'lightning/confirm';
import { ShowToastEvent } from 'lightning/platformShowToastEvent';
import disableProvider from '@salesforce/apex/KeyrouteIntegrationsController.disableProvider';
import checkProvider from '@salesforce/apex/KeyrouteIntegrationsController.checkProvider';
import { messageFromError } from 'c/errorMessages';

const STATUS_LABELS = {
    not_connected: 'Not connected',
    connected: 'Connected',
    invalid: 'Invalid',
    disabled: 'Disabled'
};

const BADGE_CLASSES = {
    not_connected: 'slds-badge slds-badge_lightest',
    connected: 'slds-badge slds-theme_success',
    invalid: 'slds-badge slds-theme_error',
    disabled: 'slds-badge slds-badge_inverse'
};

/**
 * One AI provider on the Integrations page: the state of its key (not connected,
 * connected, invalid, disabled), the masked key and who authorized it when, and the
 * actions on it. Fires `providerchange` with the new status whenever an action changes it.
 */
export default class ProviderTile extends LightningElement {
    /** The provider's status, as the connector returns it. */
    @api providerStatus;

    isAuthorizing = false;
    busyText = null;
    focusAfterRender = false;

    get isBusy() {
        return Boolean(this.busyText);
    }

    get status() {
        return this.providerStatus?.status;
    }

    get statusLabel() {
        return STATUS_LABELS[this.status] ?? this.status;
    }

    get badgeClass() {
        return BADGE_CLASSES[this.status] ?? 'slds-badge';
    }

    /** A key is stored while the provider is connected or its key is invalid. */
    get hasKey() {
        return this.status === 'connected' || this.status === 'invalid';
    }

    get isDisabled() {
        return this.status === 'disabled';
    }

    get maskedKeyText() {
        return this.providerStatus?.maskedKey ?? 'None';
    }

    get disabledByName() {
        return this.providerStatus?.disabledBy?.name ?? 'Unknown';
    }

    get showLastError() {
        return this.status === 'invalid' && Boolean(this.providerStatus?.lastErrorMessage);
    }

    get displayName() {
        return this.providerStatus?.displayName ?? '';
    }

    get getStartedTitle() {
        return `Authorize a ${this.displayName} API key`;
    }

    get manageTitle() {
        return `Replace the ${this.displayName} API key`;
    }

    get checkTitle() {
        return `Check the ${this.displayName} API key again`;
    }

    get disableTitle() {
        return `Disable the ${this.displayName} authorization`;
    }

    handleOpenAuthorization() {
        this.isAuthorizing = true;
    }

    handleAuthorized(event) {
        const { status } = event.detail;
        this.closeAuthorization();
        this.notifyChange(status);
        this.dispatchEvent(
            new ShowToastEvent({
                title: `${status.displayName} is connected`,
                message: `Routing flows can now use ${status.displayName} with the key ${status.maskedKey}.`,
                variant: 'success'
            })
        );
    }

    handleAuthorizationClose() {
        this.closeAuthorization();
    }

    async handleCheck() {
        this.busyText = `Checking the ${this.displayName} key…`;
        try {
            const status = await checkProvider({ provider: this.providerStatus.provider });
            this.notifyChange(status);
            const connected = status.status === 'connected';
            this.dispatchEvent(
                new ShowToastEvent({
                    title: connected ? `${status.displayName} key works` : `${status.displayName} key failed the check`,
                    message: connected ? 'The provider accepted the key.' : (status.lastErrorMessage ?? ''),
                    variant: connected ? 'success' : 'warning'
                })
            );
        } catch (failure) {
            this.showError(`Could not check the ${this.displayName} key`, failure);
        } finally {
            this.busyText = null;
        }
    }

    async handleDisable() {
        const confirmed = await LightningConfirm.open({
            label: `Disable ${this.displayName} authorization?`,
            message:
                `The connector destroys the stored ${this.displayName} key. ` +
                'Routing flows stop using AI inference until an admin authorizes a new key.',
            variant: 'header',
            theme: 'warning'
        });
        if (!confirmed) {
            return;
        }

        this.busyText = `Disabling the ${this.displayName} authorization…`;
        try {
            const status = await disableProvider({ provider: this.providerStatus.provider });
            this.notifyChange(status);
            this.dispatchEvent(
                new ShowToastEvent({
                    title: `${status.displayName} authorization disabled`,
                    message: 'The connector destroyed the stored key.',
                    variant: 'success'
                })
            );
        } catch (failure) {
            this.showError(`Could not disable the ${this.displayName} authorization`, failure);
        } finally {
            this.busyText = null;
        }
        this.focusPrimaryAction();
    }

    closeAuthorization() {
        this.isAuthorizing = false;
        this.focusPrimaryAction();
    }

    // Moves focus back to the button that opens the dialog: Manage while a key is stored,
    // Get Started otherwise. It waits one render, because the state that decides which
    // button exists may just have changed.
    focusPrimaryAction() {
        this.focusAfterRender = true;
    }

    renderedCallback() {
        if (this.focusAfterRender) {
            this.focusAfterRender = false;
            const button = this.refs.manageButton ?? this.refs.getStartedButton;
            button?.focus();
        }
    }

    notifyChange(status) {
        this.dispatchEvent(new CustomEvent('providerchange', { detail: { status } }));
    }

    showError(title, failure) {
        this.dispatchEvent(
            new ShowToastEvent({
                title,
                message: messageFromError(failure),
                variant: 'error',
                mode: 'sticky'
            })
        );
    }
}
