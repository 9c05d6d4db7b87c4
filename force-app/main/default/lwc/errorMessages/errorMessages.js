/**
 * Turns an error from an Apex call, or a JavaScript error, into one message for an admin.
 * Apex AuraHandledException messages arrive as `body.message`; other server errors can
 * arrive as a list of `{ message }` in `body`.
 */

const FALLBACK_MESSAGE = 'Something went wrong. Reload the page and try again.';

/**
 * Extracts the message of an error.
 * @param {*} error an error from an Apex promise, a JavaScript Error, or a string
 * @returns {string} the message to show
 */
export function messageFromError(error) {
    if (!error) {
        return FALLBACK_MESSAGE;
    }
    if (typeof error === 'string') {
        return error;
    }
    const body = error.body;
    if (Array.isArray(body) && body.length > 0) {
        return body.map((entry) => entry.message).join(' ');
    }
    if (body && typeof body.message === 'string' && body.message) {
        return body.message;
    }
    if (typeof error.message === 'string' && error.message) {
        return error.message;
    }
    return FALLBACK_MESSAGE;
}
