import { createElement } from 'lwc';
import AiOutputsEditor from 'c/aiOutputsEditor';

const OUTPUTS = require('./data/outputs.json');

function createEditor(outputs = OUTPUTS, disabled = false) {
    const element = createElement('c-ai-outputs-editor', { is: AiOutputsEditor });
    element.outputs = outputs;
    element.disabled = disabled;
    document.body.appendChild(element);
    const handler = jest.fn();
    element.addEventListener('outputschange', handler);
    return { element, handler };
}

function all(element, className) {
    return [...element.shadowRoot.querySelectorAll(`.${className}`)];
}

function lastOutputs(handler) {
    return handler.mock.calls[handler.mock.calls.length - 1][0].detail.outputs;
}

function change(control, value) {
    control.dispatchEvent(new CustomEvent('change', { detail: { value } }));
}

describe('c-ai-outputs-editor', () => {
    afterEach(() => {
        while (document.body.firstChild) {
            document.body.removeChild(document.body.firstChild);
        }
    });

    it('shows each output with labelled fields', () => {
        const { element } = createEditor();

        expect(all(element, 'output-name').map((input) => input.value)).toEqual(['intent', 'summary']);
        expect(all(element, 'output-name')[0].label).toBe('Output 1: name');
        expect(all(element, 'output-name')[0].pattern).toBe('[A-Za-z][A-Za-z0-9_]{0,39}');
        expect(all(element, 'output-type').map((combobox) => combobox.value)).toEqual(['picklist', 'text']);
        expect(all(element, 'output-type')[0].options.map((option) => option.value)).toEqual([
            'text',
            'number',
            'boolean',
            'picklist'
        ]);
        const values = all(element, 'output-values');
        expect(values).toHaveLength(1);
        expect(values[0].value).toBe('complaint, question, request, other');
        expect(all(element, 'output-description')[0].value).toBe('What the sender wants.');
        expect(all(element, 'remove-output')[1].label).toBe('Remove output summary');
    });

    it('edits name, values and description', () => {
        const { element, handler } = createEditor();

        change(all(element, 'output-name')[1], ' gist ');
        expect(lastOutputs(handler)[1]).toEqual({ name: 'gist', type: 'text' });

        change(all(element, 'output-values')[0], 'pricing, support , ,other');
        expect(lastOutputs(handler)[0].values).toEqual(['pricing', 'support', 'other']);

        change(all(element, 'output-values')[0], ' , ');
        expect(lastOutputs(handler)[0]).not.toHaveProperty('values');

        change(all(element, 'output-description')[1], 'One sentence.');
        expect(lastOutputs(handler)[1]).toEqual({ name: 'summary', type: 'text', description: 'One sentence.' });

        change(all(element, 'output-description')[0], '  ');
        expect(lastOutputs(handler)[0]).not.toHaveProperty('description');
    });

    it('drops the values when the type is no longer picklist', () => {
        const { element, handler } = createEditor();

        change(all(element, 'output-type')[0], 'boolean');

        expect(lastOutputs(handler)[0]).toEqual({
            name: 'intent',
            type: 'boolean',
            description: 'What the sender wants.'
        });
    });

    it('adds an output with a free name and removes one', () => {
        const { element, handler } = createEditor([{ name: 'output_2', type: 'text' }]);

        element.shadowRoot.querySelector('.add-output').click();
        expect(lastOutputs(handler)).toEqual([
            { name: 'output_2', type: 'text' },
            { name: 'output_3', type: 'text' }
        ]);
        expect(all(element, 'remove-output')[0].disabled).toBe(true);
    });

    it('removes an output', () => {
        const { element, handler } = createEditor();

        all(element, 'remove-output')[0].click();

        expect(lastOutputs(handler)).toEqual([OUTPUTS[1]]);
    });

    it('allows at most 20 outputs', () => {
        const many = Array.from({ length: 20 }, (_, index) => ({ name: `o${index}`, type: 'text' }));
        const { element } = createEditor(many);

        expect(element.shadowRoot.querySelector('.add-output').disabled).toBe(true);
    });

    it('disables every control', () => {
        const { element } = createEditor(OUTPUTS, true);

        const controls = [
            ...all(element, 'output-name'),
            ...all(element, 'output-type'),
            ...all(element, 'output-values'),
            ...all(element, 'output-description'),
            ...all(element, 'remove-output'),
            element.shadowRoot.querySelector('.add-output')
        ];
        expect(controls.every((control) => control.disabled === true)).toBe(true);
    });
});
