import { LightningElement, api } from 'lwc';
import { emptyCondition } from 'c/flowModel';

const MAX_RULES = 50;

/**
 * Edits a Branch node's rules. The connector tries them in order and follows the first
 * that holds, so rules can be moved up and down. Each rule's next node is chosen in the
 * node panel with the other edges. Fires `nodechange` with the whole new node.
 */
export default class BranchNodeEditor extends LightningElement {
    /** The Branch node in the connector's format. */
    @api node;
    /** Fields of the routed object, from the describe. */
    @api fields = [];
    /** Variables the AI Inference nodes set. */
    @api variables = [];
    @api disabled = false;

    get rules() {
        const rules = this.node?.rules ?? [];
        return rules.map((rule, index) => {
            const number = index + 1;
            const name = rule.label || `Rule ${number}`;
            return {
                key: `rule-${index}`,
                index,
                heading: `Rule ${number}`,
                label: rule.label ?? '',
                labelLabel: `Rule ${number}: label`,
                conditionsLabel: `${name}: conditions`,
                when: rule.when,
                moveUpLabel: `Move ${name} up`,
                moveDownLabel: `Move ${name} down`,
                removeLabel: `Remove ${name}`,
                isFirst: this.disabled || index === 0,
                isLast: this.disabled || index === rules.length - 1,
                isOnly: this.disabled || rules.length === 1
            };
        });
    }

    get isAddDisabled() {
        return this.disabled || (this.node?.rules ?? []).length >= MAX_RULES;
    }

    handleLabelChange(event) {
        const label = event.detail.value ?? '';
        this.updateRule(Number(event.target.dataset.index), (rule) => {
            const updated = { ...rule, label };
            if (label.trim() === '') {
                delete updated.label;
            }
            return updated;
        });
    }

    handleGroupChange(event) {
        const when = event.detail.group;
        this.updateRule(Number(event.target.dataset.index), (rule) => ({ ...rule, when }));
    }

    handleAddRule() {
        const rules = this.node.rules ?? [];
        const rule = { label: `Rule ${rules.length + 1}`, when: { match: 'all', conditions: [emptyCondition()] } };
        this.notify([...rules, rule]);
    }

    handleRemoveRule(event) {
        const index = Number(event.currentTarget.dataset.index);
        this.notify(this.node.rules.filter((_, position) => position !== index));
    }

    handleMoveUp(event) {
        this.move(Number(event.currentTarget.dataset.index), -1);
    }

    handleMoveDown(event) {
        this.move(Number(event.currentTarget.dataset.index), 1);
    }

    move(index, offset) {
        const rules = [...this.node.rules];
        const [rule] = rules.splice(index, 1);
        rules.splice(index + offset, 0, rule);
        this.notify(rules);
    }

    updateRule(index, change) {
        this.notify(this.node.rules.map((rule, position) => (position === index ? change(rule) : rule)));
    }

    notify(rules) {
        this.dispatchEvent(new CustomEvent('nodechange', { detail: { node: { ...this.node, rules } } }));
    }
}
