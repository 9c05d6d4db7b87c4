import { LightningElement, api } from 'lwc';
import LightningConfirm from 'lightning/confirm';
import { listEdges, nodeIdProblem, nodeOptions, nodeTypeLabel, setEdgeTarget } from 'c/flowModel';

const EDGE_LABELS = {
    success: 'On success, go to',
    timeout: 'On timeout, go to',
    error: 'On error, go to',
    otherwise: 'Otherwise, go to',
    next: 'Then go to'
};

/**
 * The configuration panel of one node: its id and label, the problems the connector found
 * in it, the settings of its type and where each of its edges leads. Fires `nodechange`
 * with the whole new node, `noderename` with the old and new id, and `nodedelete`.
 */
export default class FlowNodePanel extends LightningElement {
    /** The selected node in the connector's format. */
    @api node;
    /** The whole flow definition, for the edge targets. */
    @api definition;
    /** Fields of the routed object, from the describe. */
    @api fields = [];
    /** Variables the AI Inference nodes set. */
    @api variables = [];
    /** Models the org's key can use. */
    @api models = [];
    /** Whether the org can use AI inference. */
    @api availability;
    /** Problems of this node from the last validation. */
    @api problems = [];
    @api disabled = false;

    /** Moves focus to the panel heading, after the keyboard chose the node. */
    @api
    focusHeading() {
        this.refs.heading?.focus();
    }

    get typeLabel() {
        return nodeTypeLabel(this.node?.type);
    }

    get heading() {
        return `${this.typeLabel}: ${this.node?.label || this.node?.id}`;
    }

    get isAiInference() {
        return this.node?.type === 'ai_inference';
    }

    get isBranch() {
        return this.node?.type === 'branch';
    }

    get isAssignOwner() {
        return this.node?.type === 'assign_owner';
    }

    get isUpdateRecord() {
        return this.node?.type === 'update_record';
    }

    get isEnd() {
        return this.node?.type === 'end';
    }

    get hasProblems() {
        return (this.problems ?? []).length > 0;
    }

    get problemHeading() {
        const count = (this.problems ?? []).length;
        return count === 1 ? '1 problem in this node' : `${count} problems in this node`;
    }

    get problemItems() {
        return (this.problems ?? []).map((problem, index) => ({ key: `${index}-${problem.code}`, ...problem }));
    }

    get edges() {
        const options = [{ label: 'Not connected', value: '' }, ...nodeOptions(this.definition, this.node.id)];
        return listEdges(this.node).map((edge) => ({
            key: edge.key,
            label: edge.kind === 'rule' ? `When ${edge.label} holds, go to` : EDGE_LABELS[edge.kind],
            value: edge.target ?? '',
            options
        }));
    }

    get hasEdges() {
        return this.edges.length > 0;
    }

    handleIdChange(event) {
        const input = event.target;
        const newId = (event.detail.value ?? '').trim();
        const problem = nodeIdProblem(this.definition, this.node.id, newId);
        input.setCustomValidity(problem);
        input.reportValidity();
        if (!problem && newId !== this.node.id) {
            this.dispatchEvent(new CustomEvent('noderename', { detail: { oldId: this.node.id, newId } }));
        }
    }

    handleLabelChange(event) {
        const label = event.detail.value ?? '';
        const node = { ...this.node, label };
        if (label.trim() === '') {
            delete node.label;
        }
        this.notify(node);
    }

    handleEdgeChange(event) {
        this.notify(setEdgeTarget(this.node, event.target.dataset.key, event.detail.value));
    }

    handleTypeEditorChange(event) {
        event.stopPropagation();
        this.notify(event.detail.node);
    }

    async handleDelete() {
        const confirmed = await LightningConfirm.open({
            label: `Delete node ${this.node.id}?`,
            message: 'The node is removed and every edge that leads to it is disconnected.',
            variant: 'header',
            theme: 'warning'
        });
        if (confirmed) {
            this.dispatchEvent(new CustomEvent('nodedelete', { detail: { nodeId: this.node.id } }));
        }
    }

    notify(node) {
        this.dispatchEvent(new CustomEvent('nodechange', { detail: { node } }));
    }
}
