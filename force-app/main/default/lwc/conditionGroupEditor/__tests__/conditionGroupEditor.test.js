import { createElement } from 'lwc';
import ConditionGroupEditor from 'c/conditionGroupEditor';

const FIELDS = require('./data/fields.json');
const VARIABLES = require('./data/variables.json');

const GROUP = {
    match: 'all',
    conditions: [
        { left: { field: 'LeadSource' }, operator: 'equals', value: 'Web' },
        { left: { variable: 'intent' }, operator: 'is_not_blank' }
    ]
};

function createEditor(properties = {}) {
    const element = createElement('c-condition-group-editor', { is: ConditionGroupEditor });
    Object.assign(element, {
        group: GROUP,
        fields: FIELDS,
        variables: VARIABLES,
        label: 'Conditions of Web',
        ...properties
    });
    document.body.appendChild(element);
    const handler = jest.fn();
    element.addEventListener('groupchange', handler);
    return { element, handler };
}

function controls(element, className) {
    return [...element.shadowRoot.querySelectorAll(`.${className}`)];
}

function lastGroup(handler) {
    return handler.mock.calls[handler.mock.calls.length - 1][0].detail.group;
}

function change(control, detail) {
    control.dispatchEvent(new CustomEvent('change', { detail }));
}

describe('c-condition-group-editor', () => {
    afterEach(() => {
        while (document.body.firstChild) {
            document.body.removeChild(document.body.firstChild);
        }
    });

    it('labels every control of every condition', () => {
        const { element } = createEditor();

        expect(element.shadowRoot.querySelector('legend').textContent).toBe('Conditions of Web');
        expect(controls(element, 'source').map((control) => control.label)).toEqual([
            'Condition 1: compare',
            'Condition 2: compare'
        ]);
        expect(controls(element, 'name').map((control) => control.label)).toEqual([
            'Condition 1: field',
            'Condition 2: variable'
        ]);
        expect(controls(element, 'name')[0].value).toBe('LeadSource');
        expect(controls(element, 'name')[1].options).toEqual([
            { label: 'intent (picklist)', value: 'intent' },
            { label: 'score (number)', value: 'score' }
        ]);
        expect(controls(element, 'value')).toHaveLength(1);
        expect(controls(element, 'value')[0].label).toBe('Condition 1: value');
        expect(controls(element, 'remove-condition')[1].label).toBe('Remove condition 2');
    });

    it('offers only fields where variables cannot be read', () => {
        const { element } = createEditor({ variables: [] });

        expect(controls(element, 'source')[0].options).toEqual([{ label: 'Field', value: 'field' }]);
    });

    it('names its match buttons apart from other editors', () => {
        const first = createEditor().element;
        const second = createEditor().element;

        const firstName = first.shadowRoot.querySelector('.match').name;
        expect(firstName).toMatch(/^match-\d+$/);
        expect(second.shadowRoot.querySelector('.match').name).not.toBe(firstName);
    });

    it('changes whether all or any condition must hold', () => {
        const { element, handler } = createEditor();

        change(element.shadowRoot.querySelector('.match'), { value: 'any' });

        expect(lastGroup(handler)).toEqual({ ...GROUP, match: 'any' });
    });

    it('converts values to the type of the compared field or variable', () => {
        const { element, handler } = createEditor({
            group: {
                match: 'all',
                conditions: [
                    { left: { field: 'AnnualRevenue' }, operator: 'greater_than', value: 0 },
                    { left: { field: 'HasOptedOutOfEmail' }, operator: 'equals', value: false },
                    { left: { variable: 'score' }, operator: 'in', value: [] }
                ]
            }
        });
        const values = controls(element, 'value');

        change(values[0], { value: '250000' });
        expect(lastGroup(handler).conditions[0].value).toBe(250000);
        change(values[0], { value: 'a lot' });
        expect(lastGroup(handler).conditions[0].value).toBe('a lot');
        change(values[1], { value: 'true' });
        expect(lastGroup(handler).conditions[1].value).toBe(true);
        change(values[2], { value: '1, 2,, 3' });
        expect(lastGroup(handler).conditions[2].value).toEqual([1, 2, 3]);
    });

    it('switches a condition from a field to a variable', () => {
        const { element, handler } = createEditor();

        change(controls(element, 'source')[0], { value: 'variable' });

        expect(lastGroup(handler).conditions[0]).toEqual({ left: { variable: '' }, operator: 'equals', value: 'Web' });
    });

    it('chooses the field and drops the value of blank checks', () => {
        const { element, handler } = createEditor();

        change(controls(element, 'name')[0], { value: 'Description' });
        expect(lastGroup(handler).conditions[0]).toEqual({
            left: { field: 'Description' },
            operator: 'equals',
            value: 'Web'
        });

        change(controls(element, 'operator')[0], { value: 'is_blank' });
        expect(lastGroup(handler).conditions[0]).toEqual({ left: { field: 'LeadSource' }, operator: 'is_blank' });

        change(controls(element, 'operator')[1], { value: 'not_in' });
        expect(lastGroup(handler).conditions[1]).toEqual({
            left: { variable: 'intent' },
            operator: 'not_in',
            value: []
        });
    });

    it('adds and removes conditions', () => {
        const { element, handler } = createEditor();

        element.shadowRoot.querySelector('.add-condition').click();
        expect(lastGroup(handler).conditions).toEqual([
            ...GROUP.conditions,
            { left: { field: '' }, operator: 'equals', value: '' }
        ]);

        controls(element, 'remove-condition')[0].click();
        expect(lastGroup(handler).conditions).toEqual([GROUP.conditions[1]]);
    });

    it('starts an empty group when there is none', () => {
        const { element, handler } = createEditor({ group: undefined });

        expect(controls(element, 'condition')).toHaveLength(0);
        element.shadowRoot.querySelector('.add-condition').click();
        expect(lastGroup(handler)).toEqual({
            match: 'all',
            conditions: [{ left: { field: '' }, operator: 'equals', value: '' }]
        });
    });

    it('disables every control', () => {
        const { element } = createEditor({ disabled: true });

        const all = [
            element.shadowRoot.querySelector('.match'),
            ...controls(element, 'source'),
            ...controls(element, 'name'),
            ...controls(element, 'operator'),
            ...controls(element, 'value'),
            ...controls(element, 'remove-condition'),
            element.shadowRoot.querySelector('.add-condition')
        ];
        expect(all.every((control) => control.disabled === true)).toBe(true);
    });
});
