// Stand-in for lightning/platformShowToastEvent, which only the Salesforce platform
// provides. It fires the same event; the harness shows it as an SLDS toast.
export class ShowToastEvent extends CustomEvent {
    constructor(toast) {
        super('lightning__showtoast', { composed: true, cancelable: true, bubbles: true, detail: toast });
    }
}
