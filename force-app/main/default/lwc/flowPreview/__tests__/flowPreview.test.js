import { createElement } from 'lwc';
import FlowPreview from 'c/flowPreview';
import previewFlow from '@salesforce/apex/KeyrouteFlowBuilderController.previewFlow';

const FLOW = require('./data/flow.json');
const ROUTED = require('./data/previewRouted.json');
const PROBLEMS = require('./data/previewProblems.json');

jest.mock('@salesforce/apex/KeyrouteFlowBuilderController.previewFlow', () => ({ default: jest.fn() }), {
    virtual: true
});

const LEAD_ID = '00Q000000000001AAA';

function flushPromises() {
    // eslint-disable-next-line @lwc/lwc/no-async-operation
    return new Promise((resolve) => setTimeout(resolve, 0));
}

function createPreview() {
    const element = createElement('c-flow-preview', { is: FlowPreview });
    element.definition = FLOW;
    element.objectApiName = 'Lead';
    document.body.appendChild(element);
    const handler = jest.fn();
    element.addEventListener('previewresult', handler);
    return { element, handler };
}

function query(element, selector) {
    return element.shadowRoot.querySelector(selector);
}

async function chooseRecordAndRun(element) {
    query(element, 'lightning-record-picker').dispatchEvent(
        new CustomEvent('change', { detail: { recordId: LEAD_ID } })
    );
    await flushPromises();
    query(element, '.run-test').click();
    await flushPromises();
}

describe('c-flow-preview', () => {
    afterEach(() => {
        while (document.body.firstChild) {
            document.body.removeChild(document.body.firstChild);
        }
        jest.clearAllMocks();
    });

    it('picks a record of the flow object before running', () => {
        const { element } = createPreview();

        const picker = query(element, 'lightning-record-picker');
        expect(picker.label).toBe('Lead to test on');
        expect(picker.objectApiName).toBe('Lead');
        expect(query(element, '.run-test').disabled).toBe(true);
    });

    it('runs the edited flow and shows what it would do', async () => {
        previewFlow.mockResolvedValue(ROUTED);
        const { element, handler } = createPreview();

        await chooseRecordAndRun(element);

        expect(previewFlow).toHaveBeenCalledTimes(1);
        expect(previewFlow).toHaveBeenCalledWith({ definition: JSON.stringify(FLOW), recordId: LEAD_ID });
        expect(handler.mock.calls[0][0].detail.result).toEqual(ROUTED);
        expect(query(element, '.slds-badge').textContent).toBe('routed');
        expect(query(element, '.status-text').textContent).toBe('Routed: the record reached an End node.');
        expect(query(element, '.path').textContent).toBe('classify → save → assign_complaints → done');
        expect(query(element, '.tokens').textContent).toBe('150 (120 prompt, 30 completion)');
        const rows = [...element.shadowRoot.querySelectorAll('table.variables tbody tr')].map((row) =>
            [...row.children].map((cell) => cell.textContent)
        );
        expect(rows).toEqual([
            ['intent', 'complaint'],
            ['summary', 'Card charged twice.'],
            ['urgent', '(empty)']
        ]);
        expect([...element.shadowRoot.querySelectorAll('ul.actions li')].map((item) => item.textContent)).toEqual([
            'Set Lead_Intent__c to complaint (node save)',
            'Assign the owner 00G000000000001AAA (node assign_complaints)'
        ]);
        expect(query(element, 'ul.inferences li').textContent).toBe('classify: gpt-4o-mini, 850 ms, 1 call');
    });

    it('shows why a run failed', async () => {
        previewFlow.mockResolvedValue({
            ...ROUTED,
            status: 'failed',
            errorCode: 'provider_unavailable',
            errorMessage: 'OpenAI is not connected.',
            inferences: [{ ...ROUTED.inferences[0], outcome: 'error', errorMessage: 'OpenAI is not connected.' }]
        });
        const { element } = createPreview();

        await chooseRecordAndRun(element);

        expect(query(element, '.status-text').textContent).toBe('Failed: the flow stopped before an End node.');
        expect(query(element, '.run-error').textContent).toBe('OpenAI is not connected.');
        expect(query(element, 'ul.inferences li').textContent).toBe('classify: error: OpenAI is not connected.');
    });

    it('asks to fix problems when the flow did not run', async () => {
        previewFlow.mockResolvedValue(PROBLEMS);
        const { element, handler } = createPreview();

        await chooseRecordAndRun(element);

        expect(query(element, '.preview-problems').textContent.trim()).toBe(
            'The flow has 1 problem: fix it before you test it. The problems are marked on the nodes.'
        );
        expect(query(element, '.preview-result')).toBeNull();
        expect(handler.mock.calls[0][0].detail.result.ran).toBe(false);
    });

    it('shows the message when the test run fails', async () => {
        previewFlow.mockRejectedValue({
            body: {
                message: 'Record 003000000000001AAA is a Contact, but this flow routes Lead records: choose a Lead.'
            }
        });
        const { element, handler } = createPreview();

        await chooseRecordAndRun(element);

        expect(query(element, '.preview-error').textContent.trim()).toBe(
            'Record 003000000000001AAA is a Contact, but this flow routes Lead records: choose a Lead.'
        );
        expect(handler).not.toHaveBeenCalled();
        expect(query(element, '.run-test').disabled).toBe(false);
    });

    it('clears the result', async () => {
        previewFlow.mockResolvedValue(ROUTED);
        const { element } = createPreview();
        await chooseRecordAndRun(element);

        element.clear();
        await flushPromises();

        expect(query(element, '.preview-result')).toBeNull();
    });
});
