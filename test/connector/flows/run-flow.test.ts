import { flowDefinitionSchema, type FlowDefinition } from '../../../connector/src/flows/definition';
import type { FlowRunContext, InferenceEvent } from '../../../connector/src/flows/engine/run-context';
import { runFlow } from '../../../connector/src/flows/run-flow';
import { validateFlow } from '../../../connector/src/flows/validate-flow';
import { RECORD_DATA_HEADER } from '../../../connector/src/inference/prompt';
import {
  ProviderError,
  type StructuredRequest,
  type StructuredResponse,
} from '../../../connector/src/providers/provider';
import type { RoutedRecord } from '../../../connector/src/schemas/flows';
import { complete, FAKE_API_KEY, FakeAdapter, networkDelay, usage } from '../inference/support/fake-adapter';
import { FakeClock } from '../inference/support/fake-clock';
import { inquiryTriageFlow, smallFlow, type Draft } from './flow-fixtures';

const LATENCY_MS = 100;

function validDefinition(draft: Draft): FlowDefinition {
  const result = validateFlow(draft);
  if (result.definition === undefined) {
    throw new Error(`invalid test flow: ${JSON.stringify(result.problems)}`);
  }
  return result.definition;
}

/** Builds record ids like 00Q000000000001AAA. */
function lead(index: number, description: string | null): RoutedRecord {
  return { id: `00Q${String(index).padStart(12, '0')}AAA`, fields: { Description: description, LeadSource: 'Web' } };
}

/**
 * Classifies like a model would, from keywords of the record data; special descriptions
 * make the call hang (SLOW) or fail (BROKEN).
 */
function classifyByKeyword(clock: FakeClock) {
  return async (request: StructuredRequest): Promise<StructuredResponse> => {
    const data = JSON.parse(request.input.slice(RECORD_DATA_HEADER.length + 1)) as { Description: string };
    const description = data.Description;

    if (description.includes('SLOW')) {
      await networkDelay(clock, 60_000, request.signal);
    }
    await networkDelay(clock, LATENCY_MS, request.signal);
    if (description.includes('BROKEN')) {
      throw new ProviderError('bad_request', 'Invalid schema', { status: 400 });
    }

    const intent = description.includes('charged')
      ? 'complaint'
      : description.includes('?')
        ? 'question'
        : description.includes('call')
          ? 'request'
          : 'other';
    const sentiment = intent === 'complaint' ? 'negative' : 'neutral';
    return complete({ intent, sentiment, summary: `A ${intent}.` }, usage(100, 20));
  };
}

interface Harness {
  clock: FakeClock;
  adapter: FakeAdapter;
  events: InferenceEvent[];
  resolveCalls: () => number;
  context: FlowRunContext;
}

function harness(overrides: Partial<FlowRunContext> = {}): Harness {
  const clock = new FakeClock();
  const adapter = new FakeAdapter(classifyByKeyword(clock));
  const events: InferenceEvent[] = [];
  let resolveCalls = 0;
  const context: FlowRunContext = {
    resolveInference: async () => {
      resolveCalls += 1;
      return { ok: true, adapter, apiKey: FAKE_API_KEY, defaultModel: 'gpt-test-mini' };
    },
    onInference: (event) => {
      events.push(event);
    },
    clock,
    random: () => 0,
    ...overrides,
  };
  return { clock, adapter, events, resolveCalls: () => resolveCalls, context };
}

describe('runFlow', () => {
  const triage = validDefinition(inquiryTriageFlow());

  it('routes a complaint through classification, queue and rating', async () => {
    const { clock, context } = harness();

    const response = await clock.run(runFlow(triage, [lead(1, 'I was charged twice for one order.')], context));

    expect(response.flow).toEqual({ name: 'Inquiry triage', version: 1, flowId: null });
    expect(response.results).toEqual([
      {
        recordId: '00Q000000000001AAA',
        status: 'routed',
        path: ['classify', 'save_classification', 'route_by_intent', 'assign_complaints', 'mark_hot', 'done'],
        variables: { intent: 'complaint', sentiment: 'negative', summary: 'A complaint.' },
        actions: [
          { type: 'update_field', nodeId: 'save_classification', field: 'Lead_Intent__c', value: 'complaint' },
          { type: 'update_field', nodeId: 'save_classification', field: 'Lead_Sentiment__c', value: 'negative' },
          { type: 'update_field', nodeId: 'save_classification', field: 'Lead_Summary__c', value: 'A complaint.' },
          { type: 'assign_owner', nodeId: 'assign_complaints', ownerId: '00G000000000001AAA' },
          { type: 'update_field', nodeId: 'mark_hot', field: 'Rating', value: 'Hot' },
        ],
        inferences: [
          {
            nodeId: 'classify',
            outcome: 'ok',
            errorCode: null,
            errorMessage: null,
            model: 'gpt-test-mini',
            latencyMs: LATENCY_MS,
            attempts: 1,
            usage: usage(100, 20),
          },
        ],
        usage: usage(100, 20),
        error: null,
      },
    ]);
    expect(response.usage).toEqual(usage(100, 20));
  });

  it.each([
    ['How do I locate my card?', 'assign_service', '00G000000000002AAA'],
    ['Can you call me on Thursday.', 'assign_sales', '00G000000000003AAA'],
    ['Thanks for all your support.', 'assign_general', '00G000000000004AAA'],
  ])('routes %j to %s', async (description, queueNode, ownerId) => {
    const { clock, context } = harness();

    const [result] = (await clock.run(runFlow(triage, [lead(1, description)], context))).results;

    expect(result?.path).toEqual(['classify', 'save_classification', 'route_by_intent', queueNode, 'done']);
    expect(result?.actions.at(-1)).toEqual({ type: 'assign_owner', nodeId: queueNode, ownerId });
  });

  it('follows the timeout edge with the outputs null', async () => {
    const { clock, context } = harness();

    const [result] = (await clock.run(runFlow(triage, [lead(1, 'SLOW inquiry')], context))).results;

    expect(result?.status).toBe('routed');
    expect(result?.path).toEqual(['classify', 'assign_fallback', 'done']);
    expect(result?.variables).toEqual({ intent: null, sentiment: null, summary: null });
    expect(result?.inferences[0]).toMatchObject({
      outcome: 'timeout',
      errorCode: 'timeout',
      latencyMs: 20_000,
      attempts: 1,
    });
  });

  it('follows the error edge with the error code', async () => {
    const { clock, context } = harness();

    const [result] = (await clock.run(runFlow(triage, [lead(1, 'BROKEN inquiry')], context))).results;

    expect(result?.path).toEqual(['classify', 'assign_fallback', 'done']);
    expect(result?.actions).toEqual([
      { type: 'assign_owner', nodeId: 'assign_fallback', ownerId: '00G000000000005AAA' },
    ]);
    expect(result?.inferences[0]).toMatchObject({ outcome: 'error', errorCode: 'bad_request', attempts: 1 });
    expect(result?.error).toBeNull();
  });

  it('skips records that fail the entry conditions without resolving inference', async () => {
    const { clock, adapter, context, resolveCalls } = harness();

    const [result] = (await clock.run(runFlow(triage, [lead(1, '   ')], context))).results;

    expect(result).toEqual({
      recordId: '00Q000000000001AAA',
      status: 'skipped',
      path: [],
      variables: {},
      actions: [],
      inferences: [],
      usage: usage(0, 0),
      error: null,
    });
    expect(resolveCalls()).toBe(0);
    expect(adapter.requests).toHaveLength(0);
  });

  it('takes the error edge for every record when inference is not available', async () => {
    let resolveCalls = 0;
    const { clock, adapter, events, context } = harness({
      resolveInference: async () => {
        resolveCalls += 1;
        return { ok: false, code: 'ai_disabled' };
      },
    });

    const records = [1, 2, 3, 4, 5].map((index) => lead(index, 'How do I locate my card?'));
    const response = await clock.run(runFlow(triage, records, context));

    expect(resolveCalls).toBe(1);
    expect(adapter.requests).toHaveLength(0);
    for (const result of response.results) {
      expect(result.path).toEqual(['classify', 'assign_fallback', 'done']);
      expect(result.inferences[0]).toEqual({
        nodeId: 'classify',
        outcome: 'error',
        errorCode: 'ai_disabled',
        errorMessage: 'AI inference is turned off in the AI settings of this org.',
        model: null,
        latencyMs: 0,
        attempts: 0,
        usage: usage(0, 0),
      });
    }
    expect(events).toHaveLength(5);
    expect(events.every((event) => event.errorCode === 'ai_disabled' && event.attempts === 0)).toBe(true);
  });

  it("passes on the caller's message for an unavailable inference", async () => {
    const { clock, context } = harness({
      resolveInference: async () => ({
        ok: false,
        code: 'not_authorized',
        message: 'The key was disabled by an admin.',
      }),
    });

    const [result] = (await clock.run(runFlow(triage, [lead(1, 'Hello?')], context))).results;

    expect(result?.inferences[0]).toMatchObject({
      errorCode: 'not_authorized',
      errorMessage: 'The key was disabled by an admin.',
    });
  });

  it('does not resolve inference for a flow without AI Inference node', async () => {
    const { clock, context, resolveCalls } = harness();
    const flow = smallFlow();
    flow.entry.startNodeId = 'sales';

    const definition = flowDefinitionSchema.parse(flow);
    const [result] = (await clock.run(runFlow(definition, [lead(1, 'x')], context))).results;

    expect(result?.path).toEqual(['sales', 'done']);
    expect(resolveCalls()).toBe(0);
  });

  it('reports one event per inference for the inference log', async () => {
    const { clock, events, context } = harness();
    const definition = validDefinition({ ...inquiryTriageFlow(), flowId: 'a0B000000000001AAA', version: 3 });

    await clock.run(runFlow(definition, [lead(1, 'Hello?'), lead(2, 'BROKEN'), lead(3, '')], context));

    expect(events.sort((a, b) => a.recordId.localeCompare(b.recordId))).toEqual([
      {
        flowId: 'a0B000000000001AAA',
        flowVersion: 3,
        nodeId: 'classify',
        recordId: '00Q000000000001AAA',
        model: 'gpt-test-mini',
        usage: usage(100, 20),
        latencyMs: LATENCY_MS,
        attempts: 1,
        outcome: 'ok',
        errorCode: null,
      },
      {
        flowId: 'a0B000000000001AAA',
        flowVersion: 3,
        nodeId: 'classify',
        recordId: '00Q000000000002AAA',
        model: 'gpt-test-mini',
        usage: usage(0, 0),
        latencyMs: LATENCY_MS,
        attempts: 1,
        outcome: 'error',
        errorCode: 'bad_request',
      },
    ]);
  });

  it('rejects the run when the inference log rejects', async () => {
    const { clock, context } = harness({ onInference: async () => Promise.reject(new Error('log table missing')) });

    await expect(clock.run(runFlow(triage, [lead(1, 'Hello?')], context))).rejects.toThrow('log table missing');
  });

  describe('batches', () => {
    const records = Array.from({ length: 200 }, (_, index) =>
      lead(index + 1, index % 2 === 0 ? 'How do I locate my card?' : 'I was charged twice.'),
    );

    it('runs 200 records with at most 16 provider calls in flight by default', async () => {
      const { clock, adapter, context } = harness();
      const startedAt = clock.now();

      const response = await clock.run(runFlow(triage, records, context));

      expect(adapter.maxInFlight).toBe(16);
      expect(adapter.requests).toHaveLength(200);
      expect(response.results.map((result) => result.recordId)).toEqual(records.map((record) => record.id));
      expect(response.results.every((result) => result.status === 'routed')).toBe(true);
      expect(response.results[1]?.path).toContain('assign_complaints');
      expect(response.usage).toEqual(usage(200 * 100, 200 * 20));
      // 200 records in waves of 16 take 13 latencies of virtual time.
      expect(clock.now() - startedAt).toBe(13 * LATENCY_MS);
    });

    it('keeps to a lower concurrency', async () => {
      const { clock, adapter, context } = harness({ concurrency: 3 });

      await clock.run(runFlow(triage, records.slice(0, 20), context));

      expect(adapter.maxInFlight).toBe(3);
    });

    it('stops calling the provider after it rejects the key', async () => {
      const { clock, context } = harness({ concurrency: 1 });
      const adapter = new FakeAdapter(async () => {
        throw new ProviderError('invalid_key', 'Incorrect API key provided', { status: 401 });
      });
      context.resolveInference = async () => ({
        ok: true,
        adapter,
        apiKey: FAKE_API_KEY,
        defaultModel: 'gpt-test-mini',
      });

      const response = await clock.run(runFlow(triage, records.slice(0, 5), context));

      expect(adapter.requests).toHaveLength(1);
      expect(
        response.results.map((result) => [result.inferences[0]?.errorCode, result.inferences[0]?.attempts]),
      ).toEqual([
        ['invalid_key', 1],
        ['invalid_key', 0],
        ['invalid_key', 0],
        ['invalid_key', 0],
        ['invalid_key', 0],
      ]);
      expect(response.results.every((result) => result.path.includes('assign_fallback'))).toBe(true);
    });

    it('rejects more than 200 records', async () => {
      const { context } = harness();

      await expect(runFlow(triage, [...records, lead(201, 'x')], context)).rejects.toThrow(
        'A run takes at most 200 records, not 201.',
      );
    });

    it('rejects a concurrency below 1', async () => {
      const { context } = harness({ concurrency: 0 });

      await expect(runFlow(triage, records, context)).rejects.toThrow(
        'The concurrency must be a whole number of at least 1, not 0.',
      );
    });
  });

  describe('Branch semantics', () => {
    it('takes the first rule that holds', async () => {
      const flow = smallFlow();
      flow.entry.startNodeId = 'route';
      flow.nodes[1].rules = [
        {
          when: { conditions: [{ left: { field: 'Industry' }, operator: 'equals', value: 'banking' }] },
          next: 'sales',
        },
        { when: { conditions: [{ left: { field: 'Industry' }, operator: 'is_not_blank' }] }, next: 'fallback' },
      ];
      const definition = flowDefinitionSchema.parse(flow);
      const { clock, context } = harness();

      const response = await clock.run(
        runFlow(
          definition,
          [
            { id: '00Q000000000001AAA', fields: { Industry: ' BANKING' } },
            { id: '00Q000000000002AAA', fields: { Industry: 'Retail' } },
            { id: '00Q000000000003AAA', fields: {} },
          ],
          context,
        ),
      );

      expect(response.results.map((result) => result.path)).toEqual([
        ['route', 'sales', 'done'],
        ['route', 'fallback', 'done'],
        ['route', 'fallback', 'done'],
      ]);
    });
  });

  describe('definitions that skipped validation', () => {
    it('stops a loop at the step limit', async () => {
      const flow = smallFlow();
      flow.entry.startNodeId = 'sales';
      flow.nodes[2].next = 'fallback';
      flow.nodes[3].next = 'sales';
      const definition = flowDefinitionSchema.parse(flow);
      const { clock, context } = harness();

      const [result] = (await clock.run(runFlow(definition, [lead(1, 'x')], context))).results;

      expect(result?.status).toBe('failed');
      expect(result?.path).toEqual(['sales', 'fallback', 'sales', 'fallback', 'sales']);
      expect(result?.error).toEqual({
        code: 'step_limit_exceeded',
        message:
          'The run passed 5 nodes without reaching an End node, so the flow contains a loop. It stopped before node "fallback".',
      });
    });

    it('fails a record that reaches a missing edge', async () => {
      const flow = smallFlow();
      delete flow.nodes[1].otherwise;
      flow.entry.startNodeId = 'route';
      flow.nodes[1].rules[0].when.conditions[0] = { left: { field: 'Industry' }, operator: 'equals', value: 'Banking' };
      const definition = flowDefinitionSchema.parse(flow);
      const { clock, context } = harness();

      const [result] = (await clock.run(runFlow(definition, [lead(1, 'x')], context))).results;

      expect(result?.status).toBe('failed');
      expect(result?.path).toEqual(['route']);
      expect(result?.error).toEqual({
        code: 'missing_edge',
        message: 'Node "route" has no otherwise edge to follow, so the run stopped.',
      });
    });

    it('fails a record that reaches an unknown node', async () => {
      const flow = smallFlow();
      flow.entry.startNodeId = 'sales';
      flow.nodes[2].next = 'gone';
      const definition = flowDefinitionSchema.parse(flow);
      const { clock, context } = harness();

      const [result] = (await clock.run(runFlow(definition, [lead(1, 'x')], context))).results;

      expect(result?.error).toEqual({
        code: 'unknown_node',
        message: 'The flow has no node "gone", so the run stopped.',
      });
      expect(result?.path).toEqual(['sales']);
    });
  });
});
