import { LightningElement, api } from 'lwc';
import LightningConfirm from 'lightning/confirm';
import { ShowToastEvent } from 'lightning/platformShowToastEvent';
import getFlow from '@salesforce/apex/KeyrouteFlowBuilderController.getFlow';
import saveDraft from '@salesforce/apex/KeyrouteFlowBuilderController.saveDraft';
import validateDefinition from '@salesforce/apex/KeyrouteFlowBuilderController.validateDefinition';
import activateFlow from '@salesforce/apex/KeyrouteFlowBuilderController.activateFlow';
import deactivateFlow from '@salesforce/apex/KeyrouteFlowBuilderController.deactivateFlow';
import getObjectFields from '@salesforce/apex/KeyrouteFlowBuilderController.getObjectFields';
import getAiAvailability from '@salesforce/apex/KeyrouteFlowBuilderController.getAiAvailability';
import getModels from '@salesforce/apex/KeyrouteIntegrationsController.getModels';
import {
    addNode,
    createNode,
    flowVariables,
    groupProblems,
    parseDefinition,
    removeNode,
    renameNode,
    replaceNode,
    serializeDefinition
} from 'c/flowModel';
import { messageFromError } from 'c/errorMessages';

const STATUS_BADGES = {
    Draft: 'slds-badge slds-badge_lightest',
    Active: 'slds-badge slds-theme_success',
    Inactive: 'slds-badge slds-badge_inverse'
};

function countText(count, noun) {
    return count === 1 ? `1 ${noun}` : `${count} ${noun}s`;
}

/**
 * The FlowBuilder editor of one routing flow. It keeps the definition being edited,
 * draws it with c-flow-graph, opens the selected node's panel, and sends the definition to
 * the connector through Apex to validate it before Save and before Activate. The
 * connector's problems are shown on the nodes they concern and, for the whole flow, at the
 * top. An active flow is shown read-only. Fires `close` when the admin goes back to the list.
 */
export default class FlowBuilder extends LightningElement {
    /** The Keyroute_Routing_Flow__c record id. */
    @api flowId;

    flow = null;
    definition = null;
    savedJson = null;
    fields = [];
    fieldsError = null;
    availability = null;
    availabilityError = null;
    models = [];
    selectedNodeId = null;
    activeTab = 'node';
    problems = [];
    validatedJson = null;
    pathNodeIds = [];
    isLoading = true;
    loadError = null;
    busyText = null;
    focusPanelOnRender = false;
    // Id of the graph node that takes focus after the next render, when the focused
    // panel went away with its node.
    focusNodeOnRender = null;

    handleBeforeUnload = (event) => {
        if (this.isDirty) {
            event.preventDefault();
            event.returnValue = '';
        }
    };

    connectedCallback() {
        window.addEventListener('beforeunload', this.handleBeforeUnload);
        this.load();
    }

    disconnectedCallback() {
        window.removeEventListener('beforeunload', this.handleBeforeUnload);
    }

    renderedCallback() {
        if (this.focusPanelOnRender && this.refs.nodePanel) {
            this.focusPanelOnRender = false;
            this.refs.nodePanel.focusHeading();
        }
        if (this.focusNodeOnRender && this.refs.graph) {
            const nodeId = this.focusNodeOnRender;
            this.focusNodeOnRender = null;
            this.refs.graph.focusNode(nodeId);
        }
    }

    async load() {
        this.isLoading = true;
        this.loadError = null;
        try {
            const flow = await getFlow({ flowId: this.flowId });
            this.applyFlow(flow);
        } catch (failure) {
            this.loadError = messageFromError(failure);
            this.isLoading = false;
            return;
        }
        await Promise.all([this.loadFields(), this.loadAvailability()]);
        this.isLoading = false;
    }

    async loadFields() {
        try {
            this.fields = await getObjectFields({ objectName: this.flow.objectName });
        } catch (failure) {
            this.fieldsError = `The fields of ${this.flow.objectName} could not be loaded: ${messageFromError(failure)}`;
        }
    }

    async loadAvailability() {
        try {
            this.availability = await getAiAvailability();
        } catch (failure) {
            this.availabilityError = `Whether AI inference is available could not be checked: ${messageFromError(failure)}`;
            return;
        }
        if (this.availability.usable) {
            try {
                this.models = await getModels({ provider: this.availability.provider });
            } catch {
                // The model list only fills the combobox; the org default still works without it.
                this.models = [];
            }
        }
    }

    applyFlow(flow) {
        let definition;
        try {
            definition = parseDefinition(flow.definition);
        } catch {
            throw new Error(
                `The saved definition of flow "${flow.name}" is not valid JSON. Copy the flow or ask a developer to repair its Definition__c field.`
            );
        }
        this.flow = flow;
        this.definition = definition;
        this.savedJson = serializeDefinition(definition);
    }

    // Derived state

    get currentJson() {
        return this.definition ? serializeDefinition(this.definition) : null;
    }

    get isDirty() {
        return Boolean(this.definition) && this.currentJson !== this.savedJson;
    }

    get isReady() {
        return !this.isLoading && !this.loadError && Boolean(this.definition);
    }

    get isActive() {
        return this.flow?.status === 'Active';
    }

    get isReadOnly() {
        return this.isActive;
    }

    get isBusy() {
        return Boolean(this.busyText);
    }

    get isActionDisabled() {
        return this.isBusy || !this.isReady;
    }

    get isEditActionDisabled() {
        return this.isActionDisabled || this.isReadOnly;
    }

    get isSaveDisabled() {
        return this.isEditActionDisabled || !this.isDirty;
    }

    get title() {
        return this.definition?.name || this.flow?.name || 'Routing flow';
    }

    get subtitle() {
        return this.flow ? `${this.flow.objectName} flow · Version ${this.flow.version}` : '';
    }

    get statusBadgeClass() {
        return STATUS_BADGES[this.flow?.status] ?? 'slds-badge';
    }

    get grouped() {
        return groupProblems(this.definition, this.problems);
    }

    get hasProblems() {
        return this.problems.length > 0;
    }

    get problemSummary() {
        const nodeCount = this.problems.length - this.grouped.flow.length;
        const parts = [`The connector found ${countText(this.problems.length, 'problem')}.`];
        if (nodeCount > 0) {
            parts.push(
                `${countText(nodeCount, 'problem')} ${nodeCount === 1 ? 'is' : 'are'} marked on the nodes; select a node to read ${nodeCount === 1 ? 'it' : 'them'}.`
            );
        }
        return parts.join(' ');
    }

    get flowProblems() {
        return this.grouped.flow.map((problem, index) => ({ key: `${index}-${problem.code}`, ...problem }));
    }

    get hasFlowProblems() {
        return this.flowProblems.length > 0;
    }

    get isValidationStale() {
        return this.validatedJson !== null && this.validatedJson !== this.currentJson;
    }

    get problemCounts() {
        const counts = {};
        for (const [nodeId, problems] of Object.entries(this.grouped.byNode)) {
            counts[nodeId] = problems.length;
        }
        return counts;
    }

    get selectedNode() {
        return this.definition?.nodes.find((node) => node.id === this.selectedNodeId) ?? null;
    }

    get selectedNodeProblems() {
        return this.grouped.byNode[this.selectedNodeId] ?? [];
    }

    get variables() {
        return flowVariables(this.definition ?? { nodes: [] });
    }

    get nodeTabLabel() {
        return this.selectedNode ? `Node: ${this.selectedNode.id}` : 'Node';
    }

    get showActivate() {
        return !this.isActive;
    }

    // Editing

    updateDefinition(definition) {
        this.definition = definition;
        this.pathNodeIds = [];
        // A test result describes the flow before this change.
        this.refs.preview?.clear();
    }

    handleAddNode(event) {
        const node = createNode(this.definition, event.detail.type);
        this.updateDefinition(addNode(this.definition, node));
        this.selectNode(node.id, true);
    }

    handleNodeSelect(event) {
        this.selectNode(event.detail.nodeId, event.detail.viaKeyboard);
    }

    selectNode(nodeId, moveFocus) {
        this.selectedNodeId = nodeId;
        this.activeTab = 'node';
        this.focusPanelOnRender = moveFocus;
    }

    handleStartSelect() {
        this.activeTab = 'settings';
    }

    handleTabActive(event) {
        this.activeTab = event.target.value;
    }

    handleNodeChange(event) {
        this.updateDefinition(replaceNode(this.definition, this.selectedNodeId, event.detail.node));
    }

    handleNodeRename(event) {
        const { oldId, newId } = event.detail;
        this.updateDefinition(renameNode(this.definition, oldId, newId));
        this.problems = this.problems.map((problem) => {
            return problem.nodeId === oldId ? { ...problem, nodeId: newId } : problem;
        });
        this.selectedNodeId = newId;
    }

    handleNodeDelete(event) {
        this.updateDefinition(removeNode(this.definition, event.detail.nodeId));
        this.selectedNodeId = null;
        this.focusNodeOnRender = this.definition.entry?.startNodeId || null;
    }

    handleDefinitionChange(event) {
        this.updateDefinition(event.detail.definition);
    }

    handlePreviewResult(event) {
        const { result } = event.detail;
        if (result.ran) {
            this.pathNodeIds = result.path ?? [];
        } else {
            this.applyValidation(result.validation, this.currentJson);
        }
    }

    // Validation, save and activation

    applyValidation(validation, json) {
        this.problems = validation?.problems ?? [];
        this.validatedJson = json;
    }

    /** Validates the edited definition; returns the validation, or null when the call failed. */
    async validate(json) {
        try {
            const validation = await validateDefinition({ definition: json });
            this.applyValidation(validation, json);
            return validation;
        } catch (failure) {
            this.toast('Flow not validated', messageFromError(failure), 'error');
            return null;
        }
    }

    async handleValidate() {
        const json = this.currentJson;
        this.busyText = 'Validating the flow…';
        try {
            const validation = await this.validate(json);
            if (validation?.valid) {
                this.toast('No problems found', 'The connector can run this flow.', 'success');
            } else if (validation) {
                this.toast(
                    'Problems found',
                    `The connector found ${countText(validation.problems.length, 'problem')}.`,
                    'warning'
                );
            }
        } finally {
            this.busyText = null;
        }
    }

    async handleSave() {
        this.busyText = 'Saving the flow…';
        try {
            await this.save();
        } finally {
            this.busyText = null;
        }
    }

    /**
     * Validates, then saves the draft. A draft with problems is saved too, so that no work
     * is lost; it cannot be activated until they are fixed.
     * @returns {Promise<object|null>} the validation, or null when it failed or nothing was saved
     */
    async save() {
        const json = this.currentJson;
        const validation = await this.validate(json);
        let flow;
        try {
            flow = await saveDraft({ flowId: this.flow.id, definition: json, baseVersion: this.flow.version });
        } catch (failure) {
            this.toast('Flow not saved', messageFromError(failure), 'error');
            return null;
        }
        this.applyFlow(flow);
        if (this.validatedJson === json) {
            this.validatedJson = this.currentJson;
        }
        if (!validation) {
            this.toast('Draft saved', `Version ${flow.version} is saved, but it could not be validated.`, 'warning');
        } else if (validation.valid) {
            this.toast('Draft saved', `Version ${flow.version} is saved. The connector found no problems.`, 'success');
        } else {
            this.toast(
                'Draft saved with problems',
                `Version ${flow.version} is saved with ${countText(validation.problems.length, 'problem')}. Fix them before you activate the flow.`,
                'warning'
            );
        }
        return validation;
    }

    async handleActivate() {
        const confirmed = await LightningConfirm.open({
            label: `Activate ${this.title}?`,
            message: `From now on this flow routes new and updated ${this.flow.objectName} records. The ${this.flow.objectName} flow that is active now becomes inactive.`,
            variant: 'header',
            theme: 'success'
        });
        if (!confirmed) {
            return;
        }
        this.busyText = 'Activating the flow…';
        try {
            if (this.isDirty) {
                const validation = await this.save();
                if (!validation?.valid) {
                    return;
                }
            }
            const result = await activateFlow({ flowId: this.flow.id });
            this.applyValidation(result.validation, this.currentJson);
            if (result.activated) {
                this.applyFlow(result.flow);
                this.toast(
                    'Flow activated',
                    `${this.title} now routes new and updated ${this.flow.objectName} records.`,
                    'success'
                );
            } else {
                this.toast(
                    'Flow not activated',
                    `The connector found ${countText(result.validation.problems.length, 'problem')}. Fix them and activate again.`,
                    'error'
                );
            }
        } catch (failure) {
            this.toast('Flow not activated', messageFromError(failure), 'error');
        } finally {
            this.busyText = null;
        }
    }

    async handleDeactivate() {
        const confirmed = await LightningConfirm.open({
            label: `Deactivate ${this.title}?`,
            message: `${this.flow.objectName} records are no longer routed until a flow is activated.`,
            variant: 'header',
            theme: 'warning'
        });
        if (!confirmed) {
            return;
        }
        this.busyText = 'Deactivating the flow…';
        try {
            this.applyFlow(await deactivateFlow({ flowId: this.flow.id }));
            this.toast('Flow deactivated', `${this.title} no longer routes records.`, 'success');
        } catch (failure) {
            this.toast('Flow not deactivated', messageFromError(failure), 'error');
        } finally {
            this.busyText = null;
        }
    }

    async handleBack() {
        if (this.isDirty) {
            const confirmed = await LightningConfirm.open({
                label: 'Discard unsaved changes?',
                message: 'The changes since the last save are lost.',
                variant: 'header',
                theme: 'warning'
            });
            if (!confirmed) {
                return;
            }
        }
        this.dispatchEvent(new CustomEvent('close', { detail: { objectName: this.flow?.objectName } }));
    }

    handleRetry() {
        this.load();
    }

    toast(title, message, variant) {
        this.dispatchEvent(
            new ShowToastEvent({ title, message, variant, mode: variant === 'error' ? 'sticky' : 'dismissible' })
        );
    }
}
