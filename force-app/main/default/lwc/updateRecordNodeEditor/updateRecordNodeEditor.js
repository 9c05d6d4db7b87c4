import { LightningElement, api } from 'lwc';
import { fieldValueType, toLiteral } from 'c/flowModel';

const MAX_FIELDS = 50;
const SOURCE_OPTIONS = [
    { label: 'Fixed value', value: 'literal' },
    { label: 'AI variable', value: 'variable' }
];

/**
 * Edits an Update Record node: which fields of the record it sets, each to a fixed value
 * or to a variable that an AI Inference node set. Only fields the admin can edit are
 * offered. Fires `nodechange` with the whole new node.
 */
export default class UpdateRecordNodeEditor extends LightningElement {
    /** The Update Record node in the connector's format. */
    @api node;
    /** Fields of the routed object, from the describe. */
    @api fields = [];
    /** Variables the AI Inference nodes set. */
    @api variables = [];
    @api disabled = false;

    get rows() {
        const fieldOptions = (this.fields ?? [])
            .filter((field) => field.updateable)
            .map((field) => ({ label: `${field.label} (${field.apiName})`, value: field.apiName }));
        const variableOptions = (this.variables ?? []).map((variable) => ({
            label: `${variable.name} (${variable.type})`,
            value: variable.name
        }));
        return (this.node?.fields ?? []).map((entry, index) => {
            const number = index + 1;
            const isVariable = entry.value && 'variable' in entry.value;
            const literal = entry.value?.literal;
            return {
                key: `field-${index}`,
                index,
                field: entry.field,
                fieldOptions,
                fieldLabel: `Update ${number}: field`,
                source: isVariable ? 'variable' : 'literal',
                sourceLabel: `Update ${number}: set to`,
                isVariable,
                variable: isVariable ? entry.value.variable : '',
                variableOptions,
                variableLabel: `Update ${number}: variable`,
                literal: literal === undefined || literal === null ? '' : String(literal),
                literalLabel: `Update ${number}: value`,
                removeLabel: `Remove update ${number}`
            };
        });
    }

    get sourceOptions() {
        return SOURCE_OPTIONS;
    }

    get isAddDisabled() {
        return this.disabled || (this.node?.fields ?? []).length >= MAX_FIELDS;
    }

    get isRemoveDisabled() {
        return this.disabled || (this.node?.fields ?? []).length <= 1;
    }

    handleFieldChange(event) {
        const field = event.detail.value;
        this.updateEntry(Number(event.target.dataset.index), (entry) => {
            if (entry.value && 'literal' in entry.value) {
                const text = entry.value.literal === null ? '' : String(entry.value.literal);
                return { field, value: { literal: toLiteral(text, fieldValueType(this.fields, field)) } };
            }
            return { ...entry, field };
        });
    }

    handleSourceChange(event) {
        const value = event.detail.value === 'variable' ? { variable: '' } : { literal: '' };
        this.updateEntry(Number(event.target.dataset.index), (entry) => ({ ...entry, value }));
    }

    handleVariableChange(event) {
        const variable = event.detail.value;
        this.updateEntry(Number(event.target.dataset.index), (entry) => ({ ...entry, value: { variable } }));
    }

    handleLiteralChange(event) {
        const text = event.detail.value ?? '';
        this.updateEntry(Number(event.target.dataset.index), (entry) => ({
            ...entry,
            value: { literal: toLiteral(text, fieldValueType(this.fields, entry.field)) }
        }));
    }

    handleAdd() {
        this.notify([...(this.node.fields ?? []), { field: '', value: { literal: '' } }]);
    }

    handleRemove(event) {
        const index = Number(event.currentTarget.dataset.index);
        this.notify(this.node.fields.filter((_, position) => position !== index));
    }

    updateEntry(index, change) {
        this.notify(this.node.fields.map((entry, position) => (position === index ? change(entry) : entry)));
    }

    notify(fields) {
        this.dispatchEvent(new CustomEvent('nodechange', { detail: { node: { ...this.node, fields } } }));
    }
}
