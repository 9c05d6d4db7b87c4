import { createElement } from 'lwc';
import ProviderAuthorizationModal from 'c/providerAuthorizationModal';
import authorizeProvider from '@salesforce/apex/KeyrouteIntegrationsController.authorizeProvider';

const NOT_CONNECTED = require('./data/providerNotConnected.json');
const CONNECTED = require('./data/providerConnected.json');
const KEY_REJECTED = require('./data/authorizeKeyRejected.json');

const FAKE_KEY = 'sk-test-not-a-real-key-0000';

jest.mock('@salesforce/apex/KeyrouteIntegrationsController.authorizeProvider', () => ({ default: jest.fn() }), {
    virtual: true
});

function flushPromises() {
    // eslint-disable-next-line @lwc/lwc/no-async-operation
    return new Promise((resolve) => setTimeout(resolve, 0));
}

function createModal(providerStatus = NOT_CONNECTED) {
    const element = createElement('c-provider-authorization-modal', { is: ProviderAuthorizationModal });
    element.providerStatus = providerStatus;
    document.body.appendChild(element);
    return element;
}

function keyInput(element) {
    return element.shadowRoot.querySelector('lightning-input');
}

function typeKey(element, value) {
    const input = keyInput(element);
    input.value = value;
    input.dispatchEvent(new CustomEvent('change', { detail: { value } }));
}

function clickAuthorize(element) {
    element.shadowRoot.querySelector('lightning-button.authorize-button').click();
}

describe('c-provider-authorization-modal', () => {
    afterEach(() => {
        while (document.body.firstChild) {
            document.body.removeChild(document.body.firstChild);
        }
        jest.clearAllMocks();
    });

    it('renders a labelled dialog with a password field', () => {
        const element = createModal();

        const dialog = element.shadowRoot.querySelector('section[role="dialog"]');
        expect(dialog.getAttribute('aria-modal')).toBe('true');
        expect(dialog.getAttribute('aria-labelledby')).toBeTruthy();
        expect(element.shadowRoot.querySelector('h1').textContent).toBe('Authorize OpenAI');
        const input = keyInput(element);
        expect(input.type).toBe('password');
        expect(input.label).toBe('OpenAI API key');
        expect(input.autocomplete).toBe('off');
        expect(element.shadowRoot.querySelector('lightning-button.authorize-button').label).toBe('Authorize OpenAI');
        expect(element.shadowRoot.querySelector('.current-key')).toBeNull();
    });

    it('shows the current masked key when replacing one', () => {
        const element = createModal(CONNECTED);

        expect(element.shadowRoot.querySelector('.current-key').textContent).toBe('sk-test-...0000');
    });

    it('moves focus into the key field on open', async () => {
        // lightning-input is a stub here, so the test watches focus() calls instead of
        // reading document.activeElement.
        const focusSpy = jest.spyOn(HTMLElement.prototype, 'focus');
        const element = createModal();
        await flushPromises();

        expect(focusSpy.mock.contexts).toContain(keyInput(element));
        focusSpy.mockRestore();
    });

    it.each([
        ['empty', '', "API key is required. Paste the key from your provider's dashboard."],
        [
            'inner space',
            'sk-test-not a real key-0000',
            'API key must not contain spaces or line breaks. Copy the key again and paste it without them.'
        ],
        [
            'control character',
            'sk-test-not-a-real\u0007key-0000',
            'API key contains invisible control characters. Copy the key again and paste it as plain text.'
        ],
        [
            'too short',
            'sk-test-short',
            'API key is too short: expected at least 20 characters. Check that you copied the whole key.'
        ]
    ])('rejects a bad key before any call: %s', async (_name, value, expectedMessage) => {
        const element = createModal();
        const input = keyInput(element);
        const setCustomValidity = jest.spyOn(input, 'setCustomValidity');
        const reportValidity = jest.spyOn(input, 'reportValidity');

        typeKey(element, value);
        setCustomValidity.mockClear();
        clickAuthorize(element);
        await flushPromises();

        expect(authorizeProvider).not.toHaveBeenCalled();
        expect(setCustomValidity).toHaveBeenCalledWith(expectedMessage);
        expect(reportValidity).toHaveBeenCalled();
    });

    it('authorizes a good key and reports the new status', async () => {
        authorizeProvider.mockResolvedValue(CONNECTED);
        const element = createModal();
        const authorizedHandler = jest.fn();
        element.addEventListener('authorized', authorizedHandler);

        typeKey(element, `  ${FAKE_KEY} `);
        clickAuthorize(element);
        await flushPromises();

        expect(authorizeProvider).toHaveBeenCalledTimes(1);
        expect(authorizeProvider).toHaveBeenCalledWith({ provider: 'openai', apiKey: FAKE_KEY });
        expect(authorizedHandler).toHaveBeenCalledTimes(1);
        expect(authorizedHandler.mock.calls[0][0].detail.status).toEqual(CONNECTED);
    });

    it('shows a spinner and disables the controls while checking', async () => {
        let resolveCall;
        authorizeProvider.mockReturnValue(
            new Promise((resolve) => {
                resolveCall = resolve;
            })
        );
        const element = createModal();

        typeKey(element, FAKE_KEY);
        clickAuthorize(element);
        await flushPromises();

        const spinner = element.shadowRoot.querySelector('lightning-spinner');
        expect(spinner).not.toBeNull();
        expect(spinner.alternativeText).toBe('Checking the key with OpenAI…');
        expect(element.shadowRoot.querySelector('lightning-button.authorize-button').disabled).toBe(true);
        expect(element.shadowRoot.querySelector('lightning-button.cancel-button').disabled).toBe(true);
        expect(keyInput(element).disabled).toBe(true);

        resolveCall(CONNECTED);
        await flushPromises();
    });

    it('shows the connector message inline when the key is rejected', async () => {
        authorizeProvider.mockRejectedValue(KEY_REJECTED);
        const element = createModal();
        const authorizedHandler = jest.fn();
        element.addEventListener('authorized', authorizedHandler);
        const focusSpy = jest.spyOn(keyInput(element), 'focus');

        typeKey(element, FAKE_KEY);
        clickAuthorize(element);
        await flushPromises();

        const alert = element.shadowRoot.querySelector('.authorize-error');
        expect(alert.getAttribute('role')).toBe('alert');
        expect(alert.textContent).toBe('OpenAI rejected the key: Incorrect API key provided. [Request ID: req-test-1]');
        expect(authorizedHandler).not.toHaveBeenCalled();
        expect(element.shadowRoot.querySelector('lightning-spinner')).toBeNull();
        expect(keyInput(element).disabled).toBe(false);
        expect(focusSpy).toHaveBeenCalledTimes(1);
    });

    it('clears the inline error when the key changes', async () => {
        authorizeProvider.mockRejectedValue(KEY_REJECTED);
        const element = createModal();
        typeKey(element, FAKE_KEY);
        clickAuthorize(element);
        await flushPromises();

        typeKey(element, 'sk-test-another-fake-key-1111');
        await flushPromises();

        expect(element.shadowRoot.querySelector('.authorize-error')).toBeNull();
    });

    it('fires close on Cancel and on Escape', async () => {
        const element = createModal();
        const closeHandler = jest.fn();
        element.addEventListener('close', closeHandler);

        element.shadowRoot.querySelector('lightning-button.cancel-button').click();
        element.shadowRoot
            .querySelector('section[role="dialog"]')
            .dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true }));
        await flushPromises();

        expect(closeHandler).toHaveBeenCalledTimes(2);
        expect(authorizeProvider).not.toHaveBeenCalled();
    });

    it('keeps Tab focus inside the dialog', async () => {
        const element = createModal();
        await flushPromises();
        const dialog = element.shadowRoot.querySelector('section[role="dialog"]');
        const closeButton = element.shadowRoot.querySelector('button.slds-modal__close');
        const authorizeButton = element.shadowRoot.querySelector('lightning-button.authorize-button');

        // The stub lightning-button host is not focusable in jsdom without a tabindex.
        authorizeButton.setAttribute('tabindex', '0');
        authorizeButton.focus();
        expect(element.shadowRoot.activeElement).toBe(authorizeButton);
        dialog.dispatchEvent(new KeyboardEvent('keydown', { key: 'Tab', bubbles: true }));
        expect(element.shadowRoot.activeElement).toBe(closeButton);

        dialog.dispatchEvent(new KeyboardEvent('keydown', { key: 'Tab', shiftKey: true, bubbles: true }));
        expect(element.shadowRoot.activeElement).toBe(authorizeButton);
    });
});
