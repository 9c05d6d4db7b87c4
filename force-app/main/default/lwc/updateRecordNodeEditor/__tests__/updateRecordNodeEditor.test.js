import { createElement } from 'lwc';
import UpdateRecordNodeEditor from 'c/updateRecordNodeEditor';

const NODE = require('./data/updateRecordNode.json');
const FIELDS = require('./data/fields.json');
const VARIABLES = [{ name: 'intent', type: 'picklist', nodeId: 'classify' }];

function createEditor(properties = {}) {
    const element = createElement('c-update-record-node-editor', { is: UpdateRecordNodeEditor });
    Object.assign(element, { node: NODE, fields: FIELDS, variables: VARIABLES, ...properties });
    document.body.appendChild(element);
    const handler = jest.fn();
    element.addEventListener('nodechange', handler);
    return { element, handler };
}

function all(element, selector) {
    return [...element.shadowRoot.querySelectorAll(selector)];
}

function lastFields(handler) {
    return handler.mock.calls[handler.mock.calls.length - 1][0].detail.node.fields;
}

function change(control, value) {
    control.dispatchEvent(new CustomEvent('change', { detail: { value } }));
}

describe('c-update-record-node-editor', () => {
    afterEach(() => {
        while (document.body.firstChild) {
            document.body.removeChild(document.body.firstChild);
        }
    });

    it('offers only fields the admin can edit', () => {
        const { element } = createEditor();

        const field = all(element, '.field')[0];
        expect(field.label).toBe('Update 1: field');
        expect(field.value).toBe('Lead_Intent__c');
        expect(field.options.map((option) => option.value)).toEqual([
            'AnnualRevenue',
            'HasOptedOutOfEmail',
            'Lead_Intent__c',
            'Rating'
        ]);
    });

    it('shows a variable or a fixed value per field', () => {
        const { element } = createEditor();

        expect(all(element, '.source').map((source) => source.value)).toEqual(['variable', 'literal']);
        expect(all(element, '.variable')[0].value).toBe('intent');
        expect(all(element, '.variable')[0].options).toEqual([{ label: 'intent (picklist)', value: 'intent' }]);
        expect(all(element, '.literal')[0].value).toBe('Hot');
    });

    it('switches between a fixed value and a variable', () => {
        const { element, handler } = createEditor();

        change(all(element, '.source')[0], 'literal');
        expect(lastFields(handler)[0]).toEqual({ field: 'Lead_Intent__c', value: { literal: '' } });

        change(all(element, '.source')[1], 'variable');
        expect(lastFields(handler)[1]).toEqual({ field: 'Rating', value: { variable: '' } });

        change(all(element, '.variable')[0], 'intent');
        expect(lastFields(handler)[0]).toEqual({ field: 'Lead_Intent__c', value: { variable: 'intent' } });
    });

    it('converts fixed values to the field type', () => {
        const { element, handler } = createEditor({
            node: {
                ...NODE,
                fields: [
                    { field: 'AnnualRevenue', value: { literal: '' } },
                    { field: 'HasOptedOutOfEmail', value: { literal: '' } }
                ]
            }
        });

        change(all(element, '.literal')[0], '1200.5');
        expect(lastFields(handler)[0].value).toEqual({ literal: 1200.5 });
        change(all(element, '.literal')[1], 'false');
        expect(lastFields(handler)[1].value).toEqual({ literal: false });
    });

    it('converts the value when the field changes', () => {
        const { element, handler } = createEditor({
            node: { ...NODE, fields: [{ field: 'Rating', value: { literal: '42' } }] }
        });

        change(all(element, '.field')[0], 'AnnualRevenue');

        expect(lastFields(handler)[0]).toEqual({ field: 'AnnualRevenue', value: { literal: 42 } });
    });

    it('adds and removes fields', () => {
        const { element, handler } = createEditor();

        element.shadowRoot.querySelector('.add-update').click();
        expect(lastFields(handler)[2]).toEqual({ field: '', value: { literal: '' } });

        all(element, '.remove-update')[0].click();
        expect(lastFields(handler)).toEqual([NODE.fields[1]]);
    });

    it('keeps the last field', () => {
        const { element } = createEditor({ node: { ...NODE, fields: [NODE.fields[0]] } });

        expect(element.shadowRoot.querySelector('.remove-update').disabled).toBe(true);
    });
});
