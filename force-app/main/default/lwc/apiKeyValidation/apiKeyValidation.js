/**
 * Checks a pasted API key in the browser, before any call, with the same rules and
 * messages as the Apex class KeyrouteInputValidator. Apex checks again, so this check is
 * for quick feedback, not for safety. No message quotes the key.
 */

/** Shortest API key accepted; real provider keys are far longer. */
export const API_KEY_MIN_LENGTH = 20;

/** Longest API key the connector accepts. */
export const API_KEY_MAX_LENGTH = 1000;

const WHITESPACE = /[\s\p{Z}]/u;
const CONTROL_CHARACTER = /[\p{Cc}\p{Cf}]/u;

export const API_KEY_MESSAGES = {
    required: "API key is required. Paste the key from your provider's dashboard.",
    whitespace: 'API key must not contain spaces or line breaks. Copy the key again and paste it without them.',
    control: 'API key contains invisible control characters. Copy the key again and paste it as plain text.',
    tooShort: `API key is too short: expected at least ${API_KEY_MIN_LENGTH} characters. Check that you copied the whole key.`,
    tooLong: `API key is too long: expected at most ${API_KEY_MAX_LENGTH} characters.`
};

/**
 * Removes leading and trailing characters up to U+0020 (ASCII whitespace and control
 * characters), as Apex String.trim does, so that both sides accept the same keys.
 * @param {string} value the text to trim
 * @returns {string} the trimmed text
 */
function trimLikeApex(value) {
    let start = 0;
    let end = value.length;
    while (start < end && value.charCodeAt(start) <= 0x20) {
        start++;
    }
    while (end > start && value.charCodeAt(end - 1) <= 0x20) {
        end--;
    }
    return value.slice(start, end);
}

/**
 * Checks an API key as pasted.
 * @param {string} value the key as pasted
 * @returns {{ key: string|null, error: string|null }} the trimmed key, or the message that
 *     describes what is wrong with it
 */
export function validateApiKey(value) {
    const trimmed = typeof value === 'string' ? trimLikeApex(value) : '';
    let error = null;
    if (trimmed.length === 0) {
        error = API_KEY_MESSAGES.required;
    } else if (WHITESPACE.test(trimmed)) {
        error = API_KEY_MESSAGES.whitespace;
    } else if (CONTROL_CHARACTER.test(trimmed)) {
        error = API_KEY_MESSAGES.control;
    } else if (trimmed.length < API_KEY_MIN_LENGTH) {
        error = API_KEY_MESSAGES.tooShort;
    } else if (trimmed.length > API_KEY_MAX_LENGTH) {
        error = API_KEY_MESSAGES.tooLong;
    }
    return error ? { key: null, error } : { key: trimmed, error: null };
}
