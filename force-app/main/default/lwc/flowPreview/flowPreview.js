import { LightningElement, api } from 'lwc';
import previewFlow from '@salesforce/apex/KeyrouteFlowBuilderController.previewFlow';
import { serializeDefinition } from 'c/flowModel';
import { messageFromError } from 'c/errorMessages';

const STATUS_TEXT = {
    routed: 'Routed: the record reached an End node.',
    skipped: 'Skipped: the record does not meet the entry conditions.',
    failed: 'Failed: the flow stopped before an End node.'
};
const STATUS_BADGES = {
    routed: 'slds-badge slds-theme_success',
    skipped: 'slds-badge slds-badge_lightest',
    failed: 'slds-badge slds-theme_error'
};

/**
 * Runs the flow as it is in the editor, saved or not, on one record and shows what it
 * would do: the path, the variables the AI set, the owner and field changes, and the
 * tokens used. Nothing is saved. Fires `previewresult` with the result, so the page can
 * highlight the path and show problems.
 */
export default class FlowPreview extends LightningElement {
    /** The flow definition in the connector's format. */
    @api definition;
    /** Lead or Contact: the object whose records can be chosen. */
    @api objectApiName;

    recordId = null;
    result = null;
    errorMessage = null;
    isRunning = false;

    get pickerLabel() {
        return `${this.objectApiName ?? 'Record'} to test on`;
    }

    get isRunDisabled() {
        return !this.recordId || this.isRunning;
    }

    get hasRun() {
        return Boolean(this.result?.ran);
    }

    get hasProblems() {
        return Boolean(this.result) && !this.result.ran;
    }

    get problemText() {
        const count = this.result?.validation?.problems?.length ?? 0;
        return `The flow has ${count === 1 ? '1 problem' : `${count} problems`}: fix ${count === 1 ? 'it' : 'them'} before you test it. The problems are marked on the nodes.`;
    }

    get statusLabel() {
        return this.result?.status ?? '';
    }

    get statusText() {
        return STATUS_TEXT[this.result?.status] ?? this.result?.status;
    }

    get statusBadgeClass() {
        return STATUS_BADGES[this.result?.status] ?? 'slds-badge';
    }

    get errorText() {
        return this.result?.errorMessage;
    }

    get pathText() {
        return (this.result?.path ?? []).join(' → ');
    }

    get variables() {
        return Object.entries(this.result?.variables ?? {}).map(([name, value]) => ({
            name,
            value: value === null || value === undefined ? '(empty)' : value
        }));
    }

    get hasVariables() {
        return this.variables.length > 0;
    }

    get actions() {
        return (this.result?.actions ?? []).map((action, index) => ({
            key: `${index}-${action.nodeId}`,
            text:
                action.type === 'assign_owner'
                    ? `Assign the owner ${action.ownerId}`
                    : `Set ${action.field} to ${action.value === null || action.value === undefined ? '(empty)' : action.value}`,
            nodeId: action.nodeId
        }));
    }

    get hasActions() {
        return this.actions.length > 0;
    }

    get inferences() {
        return (this.result?.inferences ?? []).map((inference) => ({
            key: inference.nodeId,
            nodeId: inference.nodeId,
            text:
                inference.outcome === 'ok'
                    ? `${inference.model}, ${inference.latencyMs} ms, ${inference.attempts} ${inference.attempts === 1 ? 'call' : 'calls'}`
                    : `${inference.outcome}: ${inference.errorMessage ?? inference.errorCode}`
        }));
    }

    get hasInferences() {
        return this.inferences.length > 0;
    }

    get tokensText() {
        const usage = this.result?.usage;
        if (!usage) {
            return '0';
        }
        return `${usage.totalTokens} (${usage.promptTokens} prompt, ${usage.completionTokens} completion)`;
    }

    handleRecordChange(event) {
        this.recordId = event.detail.recordId ?? null;
        this.errorMessage = null;
    }

    async handleRun() {
        if (this.isRunDisabled) {
            return;
        }
        this.isRunning = true;
        this.errorMessage = null;
        this.result = null;
        try {
            this.result = await previewFlow({
                definition: serializeDefinition(this.definition),
                recordId: this.recordId
            });
            this.dispatchEvent(new CustomEvent('previewresult', { detail: { result: this.result } }));
        } catch (failure) {
            this.errorMessage = messageFromError(failure);
        } finally {
            this.isRunning = false;
        }
    }

    /** Clears the result, after the flow changed. */
    @api
    clear() {
        this.result = null;
        this.errorMessage = null;
    }
}
