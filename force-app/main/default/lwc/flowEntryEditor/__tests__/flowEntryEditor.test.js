import { createElement } from 'lwc';
import FlowEntryEditor from 'c/flowEntryEditor';

const FLOW = require('./data/flow.json');
const FIELDS = require('./data/fields.json');

function createEditor(properties = {}) {
    const element = createElement('c-flow-entry-editor', { is: FlowEntryEditor });
    Object.assign(element, { definition: FLOW, fields: FIELDS, ...properties });
    document.body.appendChild(element);
    const handler = jest.fn();
    element.addEventListener('definitionchange', handler);
    return { element, handler };
}

function query(element, selector) {
    return element.shadowRoot.querySelector(selector);
}

function lastDefinition(handler) {
    return handler.mock.calls[handler.mock.calls.length - 1][0].detail.definition;
}

describe('c-flow-entry-editor', () => {
    afterEach(() => {
        while (document.body.firstChild) {
            document.body.removeChild(document.body.firstChild);
        }
    });

    it('shows the name, start node and routing fields', () => {
        const { element } = createEditor();

        expect(query(element, '.flow-name').value).toBe('Lead triage');
        expect(query(element, '.flow-name').maxLength).toBe('80');
        expect(query(element, '.start-node').value).toBe('classify');
        expect(query(element, '.start-node').options).toEqual([
            { label: 'Classify (classify)', value: 'classify' },
            { label: 'done', value: 'done' }
        ]);
        const updateFields = query(element, '.update-fields');
        expect(updateFields.label).toBe('Fields that route an updated record again');
        expect(updateFields.value).toEqual(['Description']);
        expect(updateFields.options).toEqual([
            { label: 'Description (Description)', value: 'Description' },
            { label: 'Lead Source (LeadSource)', value: 'LeadSource' }
        ]);
        expect(query(element, '.use-conditions').checked).toBe(false);
        expect(query(element, 'c-condition-group-editor')).toBeNull();
    });

    it('changes the name, the start node and the routing fields', () => {
        const { element, handler } = createEditor();

        query(element, '.flow-name').dispatchEvent(new CustomEvent('change', { detail: { value: 'Triage' } }));
        expect(lastDefinition(handler).name).toBe('Triage');

        query(element, '.start-node').dispatchEvent(new CustomEvent('change', { detail: { value: 'done' } }));
        expect(lastDefinition(handler).entry).toEqual({ startNodeId: 'done', updateFields: ['Description'] });

        query(element, '.update-fields').dispatchEvent(
            new CustomEvent('change', { detail: { value: ['Description', 'LeadSource'] } })
        );
        expect(lastDefinition(handler).entry.updateFields).toEqual(['Description', 'LeadSource']);
    });

    it('turns entry conditions on and off', () => {
        const { element, handler } = createEditor();

        query(element, '.use-conditions').dispatchEvent(new CustomEvent('change', { detail: { checked: true } }));
        expect(lastDefinition(handler).entry.conditions).toEqual({
            match: 'all',
            conditions: [{ left: { field: '' }, operator: 'equals', value: '' }]
        });

        const withConditions = lastDefinition(handler);
        element.definition = withConditions;
        return Promise.resolve().then(() => {
            const group = query(element, 'c-condition-group-editor');
            expect(group.variables).toEqual([]);
            const changed = { match: 'any', conditions: [{ left: { field: 'LeadSource' }, operator: 'is_not_blank' }] };
            group.dispatchEvent(new CustomEvent('groupchange', { detail: { group: changed } }));
            expect(lastDefinition(handler).entry.conditions).toEqual(changed);

            query(element, '.use-conditions').dispatchEvent(new CustomEvent('change', { detail: { checked: false } }));
            expect(lastDefinition(handler).entry).toEqual({ startNodeId: 'classify', updateFields: ['Description'] });
        });
    });

    it('shows the problems of the flow as a whole', () => {
        const problems = [
            {
                nodeId: null,
                path: 'entry.startNodeId',
                code: 'unknown_start_node',
                message: 'The start node "x" is not a node of this flow.'
            }
        ];
        const { element } = createEditor({ problems });

        expect(query(element, '.flow-problems li').textContent).toBe('The start node "x" is not a node of this flow.');
    });
});
