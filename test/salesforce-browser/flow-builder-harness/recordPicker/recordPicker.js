import { LightningElement, api } from 'lwc';

// Stand-in for lightning-record-picker, which the base components for LWC OSS do not
// contain: a text field for a record id that fires the picker's change event.
export default class RecordPicker extends LightningElement {
  @api label;
  @api placeholder;
  @api objectApiName;

  handleChange(event) {
    const recordId = event.target.value.trim() || null;
    this.dispatchEvent(new CustomEvent('change', { detail: { recordId } }));
  }
}
