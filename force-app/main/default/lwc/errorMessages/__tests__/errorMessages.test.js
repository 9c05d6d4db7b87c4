import { messageFromError } from 'c/errorMessages';

const FALLBACK = 'Something went wrong. Reload the page and try again.';

describe('c/errorMessages', () => {
    it('reads an AuraHandledException message', () => {
        expect(messageFromError({ body: { message: 'The connector could not be reached.' }, status: 500 })).toBe(
            'The connector could not be reached.'
        );
    });

    it('joins a list of server messages', () => {
        expect(messageFromError({ body: [{ message: 'First.' }, { message: 'Second.' }] })).toBe('First. Second.');
    });

    it('reads a JavaScript error', () => {
        expect(messageFromError(new TypeError('x is undefined'))).toBe('x is undefined');
    });

    it('returns a string as it is', () => {
        expect(messageFromError('Plain message.')).toBe('Plain message.');
    });

    it.each([
        ['null', null],
        ['empty object', {}],
        ['empty body message', { body: { message: '' } }]
    ])('falls back for %s', (_name, error) => {
        expect(messageFromError(error)).toBe(FALLBACK);
    });
});
