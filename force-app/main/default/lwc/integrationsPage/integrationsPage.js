import { LightningElement } from 'lwc';
import getProviders from '@salesforce/apex/KeyrouteIntegrationsController.getProviders';
import { messageFromError } from 'c/errorMessages';

/**
 * The Integrations page: a Routing tab whose AI section shows one tile per AI provider
 * that the connector supports. Each tile manages its own provider's key.
 */
export default class IntegrationsPage extends LightningElement {
    providers = [];
    isLoading = true;
    loadError = null;

    connectedCallback() {
        this.loadProviders();
    }

    async loadProviders() {
        this.isLoading = true;
        this.loadError = null;
        try {
            this.providers = await getProviders();
        } catch (failure) {
            this.loadError = messageFromError(failure);
        } finally {
            this.isLoading = false;
        }
    }

    handleRetry() {
        this.loadProviders();
    }

    handleProviderChange(event) {
        const { status } = event.detail;
        this.providers = this.providers.map((provider) => (provider.provider === status.provider ? status : provider));
    }
}
