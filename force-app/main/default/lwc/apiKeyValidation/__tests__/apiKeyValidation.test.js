import { validateApiKey, API_KEY_MESSAGES } from 'c/apiKeyValidation';

const FAKE_KEY = 'sk-test-not-a-real-key-0000';

describe('c/apiKeyValidation', () => {
    it('accepts a key and trims it', () => {
        expect(validateApiKey(`  ${FAKE_KEY}\n`)).toEqual({ key: FAKE_KEY, error: null });
    });

    it.each([
        ['undefined', undefined],
        ['empty', ''],
        ['whitespace only', ' \t\n '],
        ['control characters only', '\u0001\u0002']
    ])('requires a key: %s', (_name, value) => {
        expect(validateApiKey(value)).toEqual({
            key: null,
            error: "API key is required. Paste the key from your provider's dashboard."
        });
    });

    it.each([
        ['space', 'sk-test-not-a-real key-0000'],
        ['line break', 'sk-test-not-a-real\nkey-0000'],
        ['tab', 'sk-test-not-a-real\tkey-0000'],
        ['no-break space', 'sk-test-not-a-real\u00a0key-0000']
    ])('rejects inner whitespace: %s', (_name, value) => {
        expect(validateApiKey(value).error).toBe(
            'API key must not contain spaces or line breaks. Copy the key again and paste it without them.'
        );
    });

    it.each([
        ['NUL', 'sk-test-not-a-real\u0000key-0000'],
        ['DEL', 'sk-test-not-a-real\u007fkey-0000'],
        ['zero-width space', 'sk-test-not-a-real\u200bkey-0000']
    ])('rejects control characters: %s', (_name, value) => {
        expect(validateApiKey(value).error).toBe(
            'API key contains invisible control characters. Copy the key again and paste it as plain text.'
        );
    });

    it('enforces the length limits', () => {
        const shortest = 'sk-test-' + 'x'.repeat(12);
        const longest = 'sk-test-' + 'x'.repeat(992);

        expect(validateApiKey(shortest)).toEqual({ key: shortest, error: null });
        expect(validateApiKey(longest)).toEqual({ key: longest, error: null });
        expect(validateApiKey(shortest.slice(0, 19)).error).toBe(
            'API key is too short: expected at least 20 characters. Check that you copied the whole key.'
        );
        expect(validateApiKey(longest + 'x').error).toBe('API key is too long: expected at most 1000 characters.');
    });

    it('never quotes the key in a message', () => {
        for (const message of Object.values(API_KEY_MESSAGES)) {
            expect(message).not.toContain('sk-');
        }
    });
});
