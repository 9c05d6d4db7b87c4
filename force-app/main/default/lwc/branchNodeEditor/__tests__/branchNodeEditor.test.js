import { createElement } from 'lwc';
import BranchNodeEditor from 'c/branchNodeEditor';

const NODE = require('./data/branchNode.json');

function createEditor(properties = {}) {
    const element = createElement('c-branch-node-editor', { is: BranchNodeEditor });
    Object.assign(element, { node: NODE, fields: [], variables: [], ...properties });
    document.body.appendChild(element);
    const handler = jest.fn();
    element.addEventListener('nodechange', handler);
    return { element, handler };
}

function all(element, selector) {
    return [...element.shadowRoot.querySelectorAll(selector)];
}

function lastRules(handler) {
    return handler.mock.calls[handler.mock.calls.length - 1][0].detail.node.rules;
}

describe('c-branch-node-editor', () => {
    afterEach(() => {
        while (document.body.firstChild) {
            document.body.removeChild(document.body.firstChild);
        }
    });

    it('shows each rule with its label and conditions', () => {
        const { element } = createEditor();

        expect(all(element, '.rule-label').map((input) => input.value)).toEqual(['Complaint', '']);
        expect(all(element, '.rule-label').map((input) => input.label)).toEqual(['Rule 1: label', 'Rule 2: label']);
        const groups = all(element, 'c-condition-group-editor');
        expect(groups.map((group) => group.label)).toEqual(['Complaint: conditions', 'Rule 2: conditions']);
        expect(groups[1].group).toEqual(NODE.rules[1].when);
        expect(all(element, '.move-up')[0].disabled).toBe(true);
        expect(all(element, '.move-down')[1].disabled).toBe(true);
        expect(all(element, '.remove-rule')[0].alternativeText).toBe('Remove Complaint');
    });

    it('renames a rule and clears an empty label', () => {
        const { element, handler } = createEditor();

        all(element, '.rule-label')[1].dispatchEvent(new CustomEvent('change', { detail: { value: 'Web leads' } }));
        expect(lastRules(handler)[1].label).toBe('Web leads');

        all(element, '.rule-label')[0].dispatchEvent(new CustomEvent('change', { detail: { value: ' ' } }));
        expect(lastRules(handler)[0]).not.toHaveProperty('label');
    });

    it('takes the conditions from the group editor', () => {
        const { element, handler } = createEditor();
        const group = { match: 'any', conditions: [] };

        all(element, 'c-condition-group-editor')[0].dispatchEvent(
            new CustomEvent('groupchange', { detail: { group } })
        );

        expect(lastRules(handler)[0]).toEqual({ ...NODE.rules[0], when: group });
    });

    it('moves rules with their next node', () => {
        const { element, handler } = createEditor();

        all(element, '.move-down')[0].click();
        expect(lastRules(handler).map((rule) => rule.next)).toEqual(['sales', 'complaints']);

        all(element, '.move-up')[1].click();
        expect(lastRules(handler).map((rule) => rule.next)).toEqual(['sales', 'complaints']);
    });

    it('adds and removes rules', () => {
        const { element, handler } = createEditor();

        element.shadowRoot.querySelector('.add-rule').click();
        expect(lastRules(handler)[2]).toEqual({
            label: 'Rule 3',
            when: { match: 'all', conditions: [{ left: { field: '' }, operator: 'equals', value: '' }] }
        });

        all(element, '.remove-rule')[0].click();
        expect(lastRules(handler)).toEqual([NODE.rules[1]]);
    });

    it('keeps the last rule', () => {
        const { element } = createEditor({ node: { ...NODE, rules: [NODE.rules[0]] } });

        expect(element.shadowRoot.querySelector('.remove-rule').disabled).toBe(true);
    });

    it('disables every control', () => {
        const { element } = createEditor({ disabled: true });

        const controls = [
            ...all(element, '.rule-label'),
            ...all(element, '.move-up'),
            ...all(element, '.move-down'),
            ...all(element, '.remove-rule'),
            ...all(element, 'c-condition-group-editor'),
            element.shadowRoot.querySelector('.add-rule')
        ];
        expect(controls.every((control) => control.disabled === true)).toBe(true);
    });
});
