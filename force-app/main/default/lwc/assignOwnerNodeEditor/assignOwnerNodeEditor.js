import { LightningElement, api } from 'lwc';

/** User (005) and queue (00G) ids of 15 or 18 characters, as the connector accepts them. */
export const OWNER_ID_PATTERN = '(005|00G)[A-Za-z0-9]{12}([A-Za-z0-9]{3})?';

/**
 * Edits an Assign Owner node: the id of the user or queue that becomes the owner. Fires
 * `nodechange` with the whole new node.
 */
export default class AssignOwnerNodeEditor extends LightningElement {
    /** The Assign Owner node in the connector's format. */
    @api node;
    @api disabled = false;

    get ownerId() {
        return this.node?.ownerId ?? '';
    }

    get ownerIdPattern() {
        return OWNER_ID_PATTERN;
    }

    handleOwnerIdChange(event) {
        const ownerId = (event.detail.value ?? '').trim();
        this.dispatchEvent(new CustomEvent('nodechange', { detail: { node: { ...this.node, ownerId } } }));
    }
}
