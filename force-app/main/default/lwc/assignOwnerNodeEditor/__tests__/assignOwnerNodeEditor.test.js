import { createElement } from 'lwc';
import AssignOwnerNodeEditor, { OWNER_ID_PATTERN } from 'c/assignOwnerNodeEditor';

const NODE = require('./data/assignOwnerNode.json');

function createEditor(disabled = false) {
    const element = createElement('c-assign-owner-node-editor', { is: AssignOwnerNodeEditor });
    element.node = NODE;
    element.disabled = disabled;
    document.body.appendChild(element);
    return element;
}

describe('c-assign-owner-node-editor', () => {
    afterEach(() => {
        while (document.body.firstChild) {
            document.body.removeChild(document.body.firstChild);
        }
    });

    it('shows the owner id with its pattern', () => {
        const element = createEditor();

        const input = element.shadowRoot.querySelector('.owner-id');
        expect(input.label).toBe('Owner ID');
        expect(input.value).toBe('00G000000000003AAA');
        expect(input.required).toBe(true);
        expect(input.pattern).toBe(OWNER_ID_PATTERN);
        expect(input.messageWhenPatternMismatch).toBe(
            'Enter the 15- or 18-character id of a user (005…) or a queue (00G…).'
        );
    });

    it('accepts user and queue ids of 15 and 18 characters only', () => {
        const pattern = new RegExp(`^${OWNER_ID_PATTERN}$`);

        expect(pattern.test('005000000000001')).toBe(true);
        expect(pattern.test('00G000000000001AAA')).toBe(true);
        expect(pattern.test('00Q000000000001AAA')).toBe(false);
        expect(pattern.test('00G0000000000')).toBe(false);
    });

    it('fires the node with the trimmed id', () => {
        const element = createEditor();
        const handler = jest.fn();
        element.addEventListener('nodechange', handler);

        element.shadowRoot
            .querySelector('.owner-id')
            .dispatchEvent(new CustomEvent('change', { detail: { value: ' 005000000000001AAA ' } }));

        expect(handler.mock.calls[0][0].detail.node).toEqual({ ...NODE, ownerId: '005000000000001AAA' });
    });

    it('disables the input', () => {
        const element = createEditor(true);

        expect(element.shadowRoot.querySelector('.owner-id').disabled).toBe(true);
    });
});
