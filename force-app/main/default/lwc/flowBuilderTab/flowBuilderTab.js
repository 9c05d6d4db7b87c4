import { LightningElement } from 'lwc';

/**
 * The FlowBuilder tab: the list of routing flows, or the editor of the flow opened from it.
 */
export default class FlowBuilderTab extends LightningElement {
    openFlowId = null;
    listObject = 'Lead';

    handleEditFlow(event) {
        this.listObject = event.detail.objectName ?? this.listObject;
        this.openFlowId = event.detail.flowId;
    }

    handleClose(event) {
        this.listObject = event.detail?.objectName ?? this.listObject;
        this.openFlowId = null;
    }
}
