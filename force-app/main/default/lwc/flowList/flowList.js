import { LightningElement, api } from 'lwc';
import LightningConfirm from 'lightning/confirm';
import LightningPrompt from 'lightning/prompt';
import { ShowToastEvent } from 'lightning/platformShowToastEvent';
import listFlows from '@salesforce/apex/KeyrouteFlowBuilderController.listFlows';
import createFlow from '@salesforce/apex/KeyrouteFlowBuilderController.createFlow';
import copyFlow from '@salesforce/apex/KeyrouteFlowBuilderController.copyFlow';
import deleteFlow from '@salesforce/apex/KeyrouteFlowBuilderController.deleteFlow';
import { messageFromError } from 'c/errorMessages';

const OBJECT_OPTIONS = [
    { label: 'Lead', value: 'Lead' },
    { label: 'Contact', value: 'Contact' }
];
const STATUS_BADGES = {
    Draft: 'slds-badge slds-badge_lightest',
    Active: 'slds-badge slds-theme_success',
    Inactive: 'slds-badge slds-badge_inverse'
};
const NAME_MAX_LENGTH = 80;

/**
 * Lists the routing flows of Lead or Contact with their status and version. New creates a
 * draft, Copy a draft copy, Delete removes a draft after a confirmation. Fires `editflow`
 * with the flow id when a flow is opened.
 */
export default class FlowList extends LightningElement {
    /** The object whose flows are listed first: Lead or Contact. */
    @api
    get objectName() {
        return this.selectedObject;
    }
    set objectName(value) {
        this.selectedObject = value === 'Contact' ? 'Contact' : 'Lead';
    }

    selectedObject = 'Lead';

    flows = [];
    isLoading = true;
    loadError = null;
    busyText = null;

    connectedCallback() {
        this.load();
    }

    get objectOptions() {
        return OBJECT_OPTIONS;
    }

    get hasFlows() {
        return this.flows.length > 0;
    }

    get isBusy() {
        return Boolean(this.busyText);
    }

    get emptyText() {
        return `No ${this.selectedObject} flows yet. Click New Flow to build one.`;
    }

    get rows() {
        return this.flows.map((flow) => {
            const isDraft = flow.status === 'Draft';
            return {
                ...flow,
                badgeClass: STATUS_BADGES[flow.status] ?? 'slds-badge',
                isActive: flow.status === 'Active',
                activatedText: flow.activatedAt
                    ? `${new Date(flow.activatedAt).toLocaleString()} by ${flow.activatedByName ?? 'unknown user'}`
                    : '—',
                modifiedText: flow.lastModifiedDate ? new Date(flow.lastModifiedDate).toLocaleString() : '—',
                editLabel: `Edit ${flow.name}`,
                copyLabel: `Copy ${flow.name}`,
                deleteLabel: isDraft ? `Delete ${flow.name}` : `${flow.name} cannot be deleted: only drafts can`,
                isDeleteDisabled: !isDraft || this.isBusy
            };
        });
    }

    async load() {
        this.isLoading = true;
        this.loadError = null;
        try {
            this.flows = await listFlows({ objectName: this.selectedObject });
        } catch (failure) {
            this.loadError = messageFromError(failure);
        } finally {
            this.isLoading = false;
        }
    }

    handleObjectChange(event) {
        this.selectedObject = event.detail.value;
        this.load();
    }

    handleRetry() {
        this.load();
    }

    async handleNew() {
        const name = await LightningPrompt.open({
            label: `New ${this.selectedObject} flow`,
            message: `Name of the new routing flow for ${this.selectedObject} records, at most ${NAME_MAX_LENGTH} characters.`,
            defaultValue: '',
            variant: 'header',
            theme: 'default'
        });
        if (name === null || name === undefined) {
            return;
        }
        const trimmed = name.trim();
        if (trimmed === '' || trimmed.length > NAME_MAX_LENGTH) {
            this.toast(
                'Flow not created',
                trimmed === ''
                    ? 'Flow name is required: enter a name such as Inquiry triage.'
                    : `Flow name is too long: expected at most ${NAME_MAX_LENGTH} characters.`,
                'error'
            );
            return;
        }
        await this.run(
            'Creating the flow…',
            async () => {
                const flow = await createFlow({ objectName: this.selectedObject, name: trimmed });
                this.open(flow.id);
            },
            'Flow not created'
        );
    }

    handleEdit(event) {
        this.open(event.currentTarget.dataset.id);
    }

    async handleCopy(event) {
        const flowId = event.currentTarget.dataset.id;
        await this.run(
            'Copying the flow…',
            async () => {
                const copy = await copyFlow({ flowId });
                this.toast('Flow copied', `${copy.name} is a new draft at version 1.`, 'success');
                await this.load();
            },
            'Flow not copied'
        );
    }

    async handleDelete(event) {
        const flowId = event.currentTarget.dataset.id;
        const flow = this.flows.find((candidate) => candidate.id === flowId);
        const confirmed = await LightningConfirm.open({
            label: `Delete ${flow.name}?`,
            message: 'The draft and its definition are deleted. This cannot be undone.',
            variant: 'header',
            theme: 'error'
        });
        if (!confirmed) {
            return;
        }
        await this.run(
            'Deleting the flow…',
            async () => {
                await deleteFlow({ flowId });
                this.toast('Flow deleted', `${flow.name} was deleted.`, 'success');
                await this.load();
            },
            'Flow not deleted'
        );
    }

    async run(busyText, action, failureTitle) {
        this.busyText = busyText;
        try {
            await action();
        } catch (failure) {
            this.toast(failureTitle, messageFromError(failure), 'error');
        } finally {
            this.busyText = null;
        }
    }

    open(flowId) {
        this.dispatchEvent(new CustomEvent('editflow', { detail: { flowId, objectName: this.selectedObject } }));
    }

    toast(title, message, variant) {
        this.dispatchEvent(
            new ShowToastEvent({ title, message, variant, mode: variant === 'error' ? 'sticky' : 'dismissible' })
        );
    }
}
