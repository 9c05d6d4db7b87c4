import { LightningElement, api } from 'lwc';
import { NODE_TYPES } from 'c/flowModel';

const ICONS = {
    ai_inference: 'utility:einstein',
    branch: 'utility:hierarchy',
    assign_owner: 'utility:user',
    update_record: 'utility:edit',
    end: 'utility:stop'
};

/** One button per node type. Fires `addnode` with the type of the node to add. */
export default class FlowPalette extends LightningElement {
    @api disabled = false;

    get items() {
        return NODE_TYPES.map((entry) => ({
            ...entry,
            iconName: ICONS[entry.type],
            title: `Add node: ${entry.label}. ${entry.description}.`
        }));
    }

    handleAdd(event) {
        this.dispatchEvent(new CustomEvent('addnode', { detail: { type: event.currentTarget.dataset.type } }));
    }
}
