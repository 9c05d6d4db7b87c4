import { LightningElement, api } from 'lwc';
import { emptyCondition, fieldValueType, toLiteral } from 'c/flowModel';

const OPERATORS = [
    { value: 'equals', label: 'equals' },
    { value: 'not_equals', label: 'does not equal' },
    { value: 'contains', label: 'contains' },
    { value: 'not_contains', label: 'does not contain' },
    { value: 'starts_with', label: 'starts with' },
    { value: 'greater_than', label: 'is greater than' },
    { value: 'greater_or_equal', label: 'is greater than or equal to' },
    { value: 'less_than', label: 'is less than' },
    { value: 'less_or_equal', label: 'is less than or equal to' },
    { value: 'is_blank', label: 'is blank' },
    { value: 'is_not_blank', label: 'is not blank' },
    { value: 'in', label: 'is one of' },
    { value: 'not_in', label: 'is not one of' }
];
const NO_VALUE_OPERATORS = new Set(['is_blank', 'is_not_blank']);
const LIST_OPERATORS = new Set(['in', 'not_in']);
// Radio buttons with one name form one group across the page, so each editor gets its own.
let editorCount = 0;

const MATCH_OPTIONS = [
    { label: 'All conditions are met', value: 'all' },
    { label: 'Any condition is met', value: 'any' }
];

function valueText(value) {
    if (Array.isArray(value)) {
        return value.map((item) => String(item ?? '')).join(', ');
    }
    return value === undefined || value === null ? '' : String(value);
}

/**
 * Edits a condition group: whether all or any conditions must hold, and each condition's
 * field or variable, operator and value. Fires `groupchange` with the whole new group.
 */
export default class ConditionGroupEditor extends LightningElement {
    /** The group: { match: 'all' | 'any', conditions: [...] }. */
    @api group;
    /** Fields of the routed object, from the describe. */
    @api fields = [];
    /** Variables the AI Inference nodes set; empty where variables cannot be read. */
    @api variables = [];
    /** Legend of the group, such as "Conditions of Complaint". */
    @api label = 'Conditions';
    @api disabled = false;

    matchName = `match-${++editorCount}`;

    get currentGroup() {
        return this.group ?? { match: 'all', conditions: [] };
    }

    get matchOptions() {
        return MATCH_OPTIONS;
    }

    get matchValue() {
        return this.currentGroup.match ?? 'all';
    }

    get hasVariables() {
        return (this.variables ?? []).length > 0;
    }

    get rows() {
        const fieldOptions = (this.fields ?? []).map((field) => ({
            label: `${field.label} (${field.apiName})`,
            value: field.apiName
        }));
        const variableOptions = (this.variables ?? []).map((variable) => ({
            label: `${variable.name} (${variable.type})`,
            value: variable.name
        }));
        const sourceOptions = [{ label: 'Field', value: 'field' }];
        if (this.hasVariables) {
            sourceOptions.push({ label: 'AI variable', value: 'variable' });
        }
        return this.currentGroup.conditions.map((condition, index) => {
            const source = condition.left && 'variable' in condition.left ? 'variable' : 'field';
            const number = index + 1;
            const isList = LIST_OPERATORS.has(condition.operator);
            return {
                key: `condition-${index}`,
                index,
                number,
                heading: `Condition ${number}`,
                source,
                sourceOptions,
                sourceLabel: `Condition ${number}: compare`,
                nameLabel: source === 'field' ? `Condition ${number}: field` : `Condition ${number}: variable`,
                nameOptions: source === 'field' ? fieldOptions : variableOptions,
                name: source === 'field' ? condition.left?.field : condition.left?.variable,
                operator: condition.operator,
                operatorOptions: OPERATORS,
                operatorLabel: `Condition ${number}: operator`,
                showValue: !NO_VALUE_OPERATORS.has(condition.operator),
                valueLabel: isList ? `Condition ${number}: values, separated by commas` : `Condition ${number}: value`,
                value: valueText(condition.value),
                removeLabel: `Remove condition ${number}`
            };
        });
    }

    valueTypeOf(condition) {
        const left = condition.left ?? {};
        if ('variable' in left) {
            const variable = (this.variables ?? []).find((candidate) => candidate.name === left.variable);
            return variable?.type === 'number' || variable?.type === 'boolean' ? variable.type : 'text';
        }
        return fieldValueType(this.fields, left.field);
    }

    valueFor(condition, text) {
        const valueType = this.valueTypeOf(condition);
        if (LIST_OPERATORS.has(condition.operator)) {
            return text
                .split(',')
                .map((item) => item.trim())
                .filter((item) => item !== '')
                .map((item) => toLiteral(item, valueType));
        }
        return toLiteral(text, valueType);
    }

    handleMatchChange(event) {
        this.notify({ ...this.currentGroup, match: event.detail.value });
    }

    handleSourceChange(event) {
        const index = Number(event.target.dataset.index);
        const left = event.detail.value === 'variable' ? { variable: '' } : { field: '' };
        this.updateCondition(index, (condition) => ({ ...condition, left }));
    }

    handleNameChange(event) {
        const index = Number(event.target.dataset.index);
        const name = event.detail.value;
        this.updateCondition(index, (condition) => {
            const left = 'variable' in (condition.left ?? {}) ? { variable: name } : { field: name };
            const updated = { ...condition, left };
            if ('value' in condition) {
                updated.value = this.valueFor(updated, valueText(condition.value));
            }
            return updated;
        });
    }

    handleOperatorChange(event) {
        const index = Number(event.target.dataset.index);
        const operator = event.detail.value;
        this.updateCondition(index, (condition) => {
            const updated = { left: condition.left, operator };
            if (!NO_VALUE_OPERATORS.has(operator)) {
                updated.value = this.valueFor(updated, valueText(condition.value));
            }
            return updated;
        });
    }

    handleValueChange(event) {
        const index = Number(event.target.dataset.index);
        const text = event.detail.value ?? '';
        this.updateCondition(index, (condition) => ({ ...condition, value: this.valueFor(condition, text) }));
    }

    handleAddCondition() {
        const group = this.currentGroup;
        this.notify({ ...group, conditions: [...group.conditions, emptyCondition()] });
    }

    handleRemoveCondition(event) {
        const index = Number(event.currentTarget.dataset.index);
        const group = this.currentGroup;
        this.notify({ ...group, conditions: group.conditions.filter((_, position) => position !== index) });
    }

    updateCondition(index, change) {
        const group = this.currentGroup;
        const conditions = [...group.conditions];
        conditions[index] = change(conditions[index]);
        this.notify({ ...group, conditions });
    }

    notify(group) {
        this.dispatchEvent(new CustomEvent('groupchange', { detail: { group } }));
    }
}
