import { createElement } from 'lwc';
import ProviderTile from 'c/providerTile';
import LightningConfirm from 'lightning/confirm';
import disableProvider from '@salesforce/apex/KeyrouteIntegrationsController.disableProvider';
import checkProvider from '@salesforce/apex/KeyrouteIntegrationsController.checkProvider';

const NOT_CONNECTED = require('./data/providerNotConnected.json');
const CONNECTED = require('./data/providerConnected.json');
const INVALID = require('./data/providerInvalid.json');
const DISABLED = require('./data/providerDisabled.json');

jest.mock('@salesforce/apex/KeyrouteIntegrationsController.disableProvider', () => ({ default: jest.fn() }), {
    virtual: true
});
jest.mock('@salesforce/apex/KeyrouteIntegrationsController.checkProvider', () => ({ default: jest.fn() }), {
    virtual: true
});
jest.mock('@salesforce/apex/KeyrouteIntegrationsController.authorizeProvider', () => ({ default: jest.fn() }), {
    virtual: true
});
jest.mock('lightning/confirm', () => ({ __esModule: true, default: { open: jest.fn() } }));

function flushPromises() {
    // eslint-disable-next-line @lwc/lwc/no-async-operation
    return new Promise((resolve) => setTimeout(resolve, 0));
}

function createTile(providerStatus) {
    const element = createElement('c-provider-tile', { is: ProviderTile });
    element.providerStatus = providerStatus;
    document.body.appendChild(element);
    return element;
}

function button(element, className) {
    return element.shadowRoot.querySelector(`lightning-button.${className}`);
}

function text(element, selector) {
    return element.shadowRoot.querySelector(selector)?.textContent.trim() ?? null;
}

describe('c-provider-tile', () => {
    afterEach(() => {
        while (document.body.firstChild) {
            document.body.removeChild(document.body.firstChild);
        }
        jest.clearAllMocks();
    });

    it('shows a provider that is not connected', () => {
        const element = createTile(NOT_CONNECTED);

        expect(text(element, 'h3')).toBe('OpenAI');
        expect(text(element, '[data-id="status-badge"]')).toBe('Not connected');
        expect(text(element, '.masked-key')).toBe('None');
        expect(element.shadowRoot.querySelector('.authorized-by')).toBeNull();
        expect(button(element, 'get-started-button').label).toBe('Get Started');
        expect(button(element, 'manage-button')).toBeNull();
        expect(button(element, 'disable-button')).toBeNull();
    });

    it('shows a connected provider with its key and who authorized it', () => {
        const element = createTile(CONNECTED);

        expect(text(element, '[data-id="status-badge"]')).toBe('Connected');
        expect(element.shadowRoot.querySelector('[data-id="status-badge"]').className).toContain('slds-theme_success');
        expect(text(element, '.masked-key')).toBe('sk-test-...0000');
        expect(text(element, '.authorized-by')).toBe('Ada Admin');
        expect(element.shadowRoot.querySelector('.authorized-at lightning-formatted-date-time').value).toBe(
            '2026-11-02T09:30:00.000Z'
        );
        expect(button(element, 'manage-button').label).toBe('Manage');
        expect(button(element, 'disable-button').label).toBe('Disable Authorization');
        expect(button(element, 'get-started-button')).toBeNull();
    });

    it('shows an invalid key with the last error', () => {
        const element = createTile(INVALID);

        expect(text(element, '[data-id="status-badge"]')).toBe('Invalid');
        expect(element.shadowRoot.querySelector('[data-id="status-badge"]').className).toContain('slds-theme_error');
        expect(text(element, '.last-error')).toBe('OpenAI rejected the key: it was revoked.');
        expect(button(element, 'manage-button')).not.toBeNull();
    });

    it('shows a disabled provider with who disabled it', () => {
        const element = createTile(DISABLED);

        expect(text(element, '[data-id="status-badge"]')).toBe('Disabled');
        expect(text(element, '.disabled-by')).toBe('Bo Security');
        expect(text(element, '.masked-key')).toBe('None');
        expect(button(element, 'get-started-button')).not.toBeNull();
    });

    it('opens the authorization dialog from Get Started', async () => {
        const element = createTile(NOT_CONNECTED);
        expect(element.shadowRoot.querySelector('c-provider-authorization-modal')).toBeNull();

        button(element, 'get-started-button').click();
        await flushPromises();

        const modal = element.shadowRoot.querySelector('c-provider-authorization-modal');
        expect(modal).not.toBeNull();
        expect(modal.providerStatus).toEqual(NOT_CONNECTED);
    });

    it('closes the dialog and returns focus to the opener', async () => {
        const element = createTile(NOT_CONNECTED);
        const opener = button(element, 'get-started-button');
        const focusSpy = jest.spyOn(opener, 'focus');
        opener.click();
        await flushPromises();

        element.shadowRoot.querySelector('c-provider-authorization-modal').dispatchEvent(new CustomEvent('close'));
        await flushPromises();

        expect(element.shadowRoot.querySelector('c-provider-authorization-modal')).toBeNull();
        expect(focusSpy).toHaveBeenCalledTimes(1);
    });

    it('reports the authorized status and shows a toast', async () => {
        const element = createTile(NOT_CONNECTED);
        const changeHandler = jest.fn();
        const toastHandler = jest.fn();
        element.addEventListener('providerchange', changeHandler);
        element.addEventListener('lightning__showtoast', toastHandler);
        button(element, 'get-started-button').click();
        await flushPromises();

        element.shadowRoot
            .querySelector('c-provider-authorization-modal')
            .dispatchEvent(new CustomEvent('authorized', { detail: { status: CONNECTED } }));
        await flushPromises();

        expect(element.shadowRoot.querySelector('c-provider-authorization-modal')).toBeNull();
        expect(changeHandler).toHaveBeenCalledTimes(1);
        expect(changeHandler.mock.calls[0][0].detail.status).toEqual(CONNECTED);
        expect(toastHandler.mock.calls[0][0].detail).toEqual({
            title: 'OpenAI is connected',
            message: 'Routing flows can now use OpenAI with the key sk-test-...0000.',
            variant: 'success'
        });
    });

    it('disables the authorization after confirmation', async () => {
        LightningConfirm.open.mockResolvedValue(true);
        disableProvider.mockResolvedValue(DISABLED);
        const element = createTile(CONNECTED);
        const changeHandler = jest.fn();
        const toastHandler = jest.fn();
        element.addEventListener('providerchange', changeHandler);
        element.addEventListener('lightning__showtoast', toastHandler);

        button(element, 'disable-button').click();
        await flushPromises();

        expect(LightningConfirm.open).toHaveBeenCalledWith({
            label: 'Disable OpenAI authorization?',
            message:
                'The connector destroys the stored OpenAI key. Routing flows stop using AI inference until an admin authorizes a new key.',
            variant: 'header',
            theme: 'warning'
        });
        expect(disableProvider).toHaveBeenCalledWith({ provider: 'openai' });
        expect(changeHandler.mock.calls[0][0].detail.status).toEqual(DISABLED);
        expect(toastHandler.mock.calls[0][0].detail.variant).toBe('success');
        expect(toastHandler.mock.calls[0][0].detail.title).toBe('OpenAI authorization disabled');
    });

    it('keeps the authorization when the confirmation is cancelled', async () => {
        LightningConfirm.open.mockResolvedValue(false);
        const element = createTile(CONNECTED);
        const changeHandler = jest.fn();
        element.addEventListener('providerchange', changeHandler);

        button(element, 'disable-button').click();
        await flushPromises();

        expect(LightningConfirm.open).toHaveBeenCalledTimes(1);
        expect(disableProvider).not.toHaveBeenCalled();
        expect(changeHandler).not.toHaveBeenCalled();
    });

    it('shows the connector message when disabling fails', async () => {
        LightningConfirm.open.mockResolvedValue(true);
        disableProvider.mockRejectedValue({ body: { message: 'The Keyroute connector could not be reached.' } });
        const element = createTile(CONNECTED);
        const changeHandler = jest.fn();
        const toastHandler = jest.fn();
        element.addEventListener('providerchange', changeHandler);
        element.addEventListener('lightning__showtoast', toastHandler);

        button(element, 'disable-button').click();
        await flushPromises();

        expect(disableProvider).toHaveBeenCalledWith({ provider: 'openai' });
        expect(changeHandler).not.toHaveBeenCalled();
        expect(toastHandler.mock.calls[0][0].detail).toEqual({
            title: 'Could not disable the OpenAI authorization',
            message: 'The Keyroute connector could not be reached.',
            variant: 'error',
            mode: 'sticky'
        });
        expect(button(element, 'disable-button').disabled).toBe(false);
    });

    it('checks the key again and reports the result', async () => {
        checkProvider.mockResolvedValue(INVALID);
        const element = createTile(CONNECTED);
        const changeHandler = jest.fn();
        const toastHandler = jest.fn();
        element.addEventListener('providerchange', changeHandler);
        element.addEventListener('lightning__showtoast', toastHandler);

        button(element, 'check-button').click();
        await flushPromises();

        expect(checkProvider).toHaveBeenCalledWith({ provider: 'openai' });
        expect(changeHandler.mock.calls[0][0].detail.status).toEqual(INVALID);
        expect(toastHandler.mock.calls[0][0].detail).toEqual({
            title: 'OpenAI key failed the check',
            message: 'OpenAI rejected the key: it was revoked.',
            variant: 'warning'
        });
    });

    it('shows a spinner while checking', async () => {
        let resolveCall;
        checkProvider.mockReturnValue(
            new Promise((resolve) => {
                resolveCall = resolve;
            })
        );
        const element = createTile(CONNECTED);

        button(element, 'check-button').click();
        await flushPromises();

        expect(element.shadowRoot.querySelector('lightning-spinner').alternativeText).toBe('Checking the OpenAI key…');
        expect(button(element, 'manage-button').disabled).toBe(true);

        resolveCall(CONNECTED);
        await flushPromises();
        expect(element.shadowRoot.querySelector('lightning-spinner')).toBeNull();
    });

    it('labels every action for assistive technology', () => {
        const element = createTile(CONNECTED);

        for (const actionButton of element.shadowRoot.querySelectorAll('lightning-button')) {
            expect(actionButton.label).toBeTruthy();
            expect(actionButton.title).toBeTruthy();
        }
    });
});
