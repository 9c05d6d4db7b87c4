import { LightningElement, api } from 'lwc';
import { emptyCondition, nodeOptions } from 'c/flowModel';

/**
 * Edits the settings of the whole flow: its name, the start node, the fields whose change
 * sends an updated record through the flow again, and the conditions a record must meet
 * to enter. Fires `definitionchange` with the whole new definition.
 */
export default class FlowEntryEditor extends LightningElement {
    /** The flow definition in the connector's format. */
    @api definition;
    /** Fields of the routed object, from the describe. */
    @api fields = [];
    /** Problems of the flow as a whole from the last validation. */
    @api problems = [];
    @api disabled = false;

    get entry() {
        return this.definition?.entry ?? {};
    }

    get name() {
        return this.definition?.name ?? '';
    }

    get startOptions() {
        return nodeOptions(this.definition ?? { nodes: [] });
    }

    get startNodeId() {
        return this.entry.startNodeId ?? '';
    }

    get fieldOptions() {
        return (this.fields ?? []).map((field) => ({
            label: `${field.label} (${field.apiName})`,
            value: field.apiName
        }));
    }

    get updateFields() {
        return this.entry.updateFields ?? [];
    }

    get hasConditions() {
        return Boolean(this.entry.conditions);
    }

    get conditionsHelp() {
        return `Only ${this.definition?.object ?? 'record'}s that meet these conditions enter the flow; the others keep their owner.`;
    }

    get hasProblems() {
        return (this.problems ?? []).length > 0;
    }

    get problemItems() {
        return (this.problems ?? []).map((problem, index) => ({ key: `${index}-${problem.code}`, ...problem }));
    }

    handleNameChange(event) {
        this.notify({ ...this.definition, name: event.detail.value ?? '' });
    }

    handleStartChange(event) {
        this.notifyEntry({ ...this.entry, startNodeId: event.detail.value });
    }

    handleUpdateFieldsChange(event) {
        this.notifyEntry({ ...this.entry, updateFields: [...event.detail.value] });
    }

    handleConditionsToggle(event) {
        const entry = { ...this.entry };
        if (event.detail.checked) {
            entry.conditions = { match: 'all', conditions: [emptyCondition()] };
        } else {
            delete entry.conditions;
        }
        this.notifyEntry(entry);
    }

    handleConditionsChange(event) {
        this.notifyEntry({ ...this.entry, conditions: event.detail.group });
    }

    notifyEntry(entry) {
        this.notify({ ...this.definition, entry });
    }

    notify(definition) {
        this.dispatchEvent(new CustomEvent('definitionchange', { detail: { definition } }));
    }
}
