import { createElement } from 'lwc';
import IntegrationsPage from 'c/integrationsPage';
import getProviders from '@salesforce/apex/KeyrouteIntegrationsController.getProviders';
import authorizeProvider from '@salesforce/apex/KeyrouteIntegrationsController.authorizeProvider';
import disableProvider from '@salesforce/apex/KeyrouteIntegrationsController.disableProvider';
import checkProvider from '@salesforce/apex/KeyrouteIntegrationsController.checkProvider';

const PROVIDERS = require('./data/getProviders.json');
const CONNECTED = require('./data/providerConnected.json');

jest.mock('@salesforce/apex/KeyrouteIntegrationsController.getProviders', () => ({ default: jest.fn() }), {
    virtual: true
});

// The tiles import these; the page itself must never call them.
jest.mock('@salesforce/apex/KeyrouteIntegrationsController.authorizeProvider', () => ({ default: jest.fn() }), {
    virtual: true
});
jest.mock('@salesforce/apex/KeyrouteIntegrationsController.disableProvider', () => ({ default: jest.fn() }), {
    virtual: true
});
jest.mock('@salesforce/apex/KeyrouteIntegrationsController.checkProvider', () => ({ default: jest.fn() }), {
    virtual: true
});

function flushPromises() {
    // eslint-disable-next-line @lwc/lwc/no-async-operation
    return new Promise((resolve) => setTimeout(resolve, 0));
}

function createPage() {
    const element = createElement('c-integrations-page', { is: IntegrationsPage });
    document.body.appendChild(element);
    return element;
}

describe('c-integrations-page', () => {
    afterEach(() => {
        while (document.body.firstChild) {
            document.body.removeChild(document.body.firstChild);
        }
        jest.clearAllMocks();
    });

    it('opens on the Routing tab', async () => {
        getProviders.mockResolvedValue(PROVIDERS);
        const element = createPage();
        await flushPromises();

        const tabset = element.shadowRoot.querySelector('lightning-tabset');
        expect(tabset.activeTabValue).toBe('routing');
        const tab = element.shadowRoot.querySelector('lightning-tab');
        expect(tab.label).toBe('Routing');
        expect(tab.value).toBe('routing');
        expect(element.shadowRoot.querySelector('h1').textContent).toBe('Integrations');
    });

    it('shows a spinner while loading', () => {
        getProviders.mockReturnValue(new Promise(() => {}));
        const element = createPage();

        expect(getProviders).toHaveBeenCalledWith();
        expect(element.shadowRoot.querySelector('lightning-spinner').alternativeText).toBe('Loading AI providers');
        expect(element.shadowRoot.querySelector('c-provider-tile')).toBeNull();
    });

    it('shows one tile per provider in the AI section', async () => {
        getProviders.mockResolvedValue(PROVIDERS);
        const element = createPage();
        await flushPromises();

        expect(getProviders).toHaveBeenCalledTimes(1);
        expect(getProviders).toHaveBeenCalledWith();
        expect(element.shadowRoot.querySelector('.ai-section h2').textContent).toBe('AI');
        const tiles = element.shadowRoot.querySelectorAll('c-provider-tile');
        expect(tiles).toHaveLength(1);
        expect(tiles[0].providerStatus).toEqual(PROVIDERS[0]);
        expect(authorizeProvider).not.toHaveBeenCalled();
        expect(disableProvider).not.toHaveBeenCalled();
        expect(checkProvider).not.toHaveBeenCalled();
    });

    it('replaces a provider when its tile reports a change', async () => {
        getProviders.mockResolvedValue(PROVIDERS);
        const element = createPage();
        await flushPromises();

        element.shadowRoot
            .querySelector('c-provider-tile')
            .dispatchEvent(new CustomEvent('providerchange', { detail: { status: CONNECTED } }));
        await flushPromises();

        expect(element.shadowRoot.querySelector('c-provider-tile').providerStatus).toEqual(CONNECTED);
    });

    it('shows the connector message and retries when loading fails', async () => {
        getProviders.mockRejectedValueOnce({
            body: { message: "The Keyroute connector rejected this org's token (HTTP 401)." }
        });
        getProviders.mockResolvedValueOnce(PROVIDERS);
        const element = createPage();
        await flushPromises();

        const alert = element.shadowRoot.querySelector('.load-error');
        expect(alert.getAttribute('role')).toBe('alert');
        expect(alert.querySelector('h2').textContent).toBe(
            "The Keyroute connector rejected this org's token (HTTP 401)."
        );

        alert.querySelector('lightning-button').click();
        await flushPromises();

        expect(getProviders).toHaveBeenCalledTimes(2);
        expect(element.shadowRoot.querySelector('.load-error')).toBeNull();
        expect(element.shadowRoot.querySelectorAll('c-provider-tile')).toHaveLength(1);
    });
});
