import example from '../../../examples/flows/inquiry-triage.json';

/**
 * Tests edit flow drafts freely, including into shapes the schema rejects, so a draft is
 * untyped JSON.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Draft = any;

/** Returns a fresh copy of examples/flows/inquiry-triage.json. */
export function inquiryTriageFlow(): Draft {
  return structuredClone(example);
}

/**
 * Returns a small valid flow: classify, then route the intent pricing to sales and
 * everything else, failures included, to fallback. Node indexes: classify 0, route 1, sales 2, fallback 3, done 4.
 */
export function smallFlow(): Draft {
  return {
    schemaVersion: 1,
    name: 'Small flow',
    object: 'Lead',
    entry: { startNodeId: 'classify' },
    nodes: [
      {
        id: 'classify',
        type: 'ai_inference',
        config: {
          prompt: 'Classify {!Record.Description}.',
          outputs: [
            { name: 'intent', type: 'picklist', values: ['pricing', 'support', 'other'] },
            { name: 'score', type: 'number' },
            { name: 'urgent', type: 'boolean' },
            { name: 'summary', type: 'text' },
          ],
        },
        next: { success: 'route', timeout: 'fallback', error: 'fallback' },
      },
      {
        id: 'route',
        type: 'branch',
        rules: [
          {
            when: { conditions: [{ left: { variable: 'intent' }, operator: 'equals', value: 'pricing' }] },
            next: 'sales',
          },
        ],
        otherwise: 'fallback',
      },
      { id: 'sales', type: 'assign_owner', ownerId: '00G000000000001AAA', next: 'done' },
      { id: 'fallback', type: 'assign_owner', ownerId: '00G000000000002AAA', next: 'done' },
      { id: 'done', type: 'end' },
    ],
  };
}
