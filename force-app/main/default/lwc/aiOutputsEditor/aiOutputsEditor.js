import { LightningElement, api } from 'lwc';
import { VARIABLE_NAME_PATTERN } from 'c/flowModel';

const TYPE_OPTIONS = [
    { label: 'Text', value: 'text' },
    { label: 'Number', value: 'number' },
    { label: 'True or false', value: 'boolean' },
    { label: 'Picklist', value: 'picklist' }
];
const MAX_OUTPUTS = 20;
const NAME_MESSAGE = 'Start with a letter; use only letters, digits and underscores (at most 40 characters).';

/**
 * Edits the outputs of an AI Inference node: the typed variables that the model returns
 * and later nodes read. Fires `outputschange` with the whole new list.
 */
export default class AiOutputsEditor extends LightningElement {
    /** The outputs: [{ name, type, values?, description? }]. */
    @api outputs = [];
    @api disabled = false;

    get typeOptions() {
        return TYPE_OPTIONS;
    }

    get namePattern() {
        return VARIABLE_NAME_PATTERN.source.slice(1, -1);
    }

    get nameMessage() {
        return NAME_MESSAGE;
    }

    get rows() {
        return (this.outputs ?? []).map((output, index) => {
            const number = index + 1;
            return {
                key: `output-${index}`,
                index,
                name: output.name,
                type: output.type,
                isPicklist: output.type === 'picklist',
                values: (output.values ?? []).join(', '),
                description: output.description ?? '',
                nameLabel: `Output ${number}: name`,
                typeLabel: `Output ${number}: type`,
                valuesLabel: `Output ${number}: allowed values, separated by commas`,
                descriptionLabel: `Output ${number}: description for the model`,
                removeLabel: `Remove output ${output.name || number}`
            };
        });
    }

    get isAddDisabled() {
        return this.disabled || (this.outputs ?? []).length >= MAX_OUTPUTS;
    }

    get isRemoveDisabled() {
        return this.disabled || (this.outputs ?? []).length <= 1;
    }

    handleNameChange(event) {
        const name = (event.detail.value ?? '').trim();
        this.update(Number(event.target.dataset.index), (output) => ({ ...output, name }));
    }

    handleTypeChange(event) {
        const type = event.detail.value;
        this.update(Number(event.target.dataset.index), (output) => {
            const updated = { ...output, type };
            if (type !== 'picklist') {
                delete updated.values;
            }
            return updated;
        });
    }

    handleValuesChange(event) {
        const values = (event.detail.value ?? '')
            .split(',')
            .map((value) => value.trim())
            .filter((value) => value !== '');
        this.update(Number(event.target.dataset.index), (output) => {
            const updated = { ...output, values };
            if (values.length === 0) {
                delete updated.values;
            }
            return updated;
        });
    }

    handleDescriptionChange(event) {
        const description = event.detail.value ?? '';
        this.update(Number(event.target.dataset.index), (output) => {
            const updated = { ...output, description };
            if (description.trim() === '') {
                delete updated.description;
            }
            return updated;
        });
    }

    handleAdd() {
        const outputs = this.outputs ?? [];
        const taken = new Set(outputs.map((output) => output.name));
        let number = outputs.length + 1;
        while (taken.has(`output_${number}`)) {
            number++;
        }
        this.notify([...outputs, { name: `output_${number}`, type: 'text' }]);
    }

    handleRemove(event) {
        const index = Number(event.currentTarget.dataset.index);
        this.notify(this.outputs.filter((_, position) => position !== index));
    }

    update(index, change) {
        this.notify(this.outputs.map((output, position) => (position === index ? change(output) : output)));
    }

    notify(outputs) {
        this.dispatchEvent(new CustomEvent('outputschange', { detail: { outputs } }));
    }
}
