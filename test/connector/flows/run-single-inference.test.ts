import { aiInferenceConfigSchema } from '../../../connector/src/flows/definition';
import type { InferenceEvent } from '../../../connector/src/flows/engine/run-context';
import { runSingleInference, type SingleInferenceContext } from '../../../connector/src/flows/run-single-inference';
import { validateInferenceConfig } from '../../../connector/src/flows/validate-inference-config';
import { ProviderError } from '../../../connector/src/providers/provider';
import { complete, FAKE_API_KEY, FakeAdapter, usage } from '../inference/support/fake-adapter';
import { FakeClock } from '../inference/support/fake-clock';

const config = aiInferenceConfigSchema.parse({
  prompt: 'Does {!Record.Description} ask for something?',
  outputs: [
    { name: 'has_ask', type: 'boolean' },
    { name: 'ask', type: 'text' },
  ],
  model: 'gpt-test-node',
});

const record = { id: '003000000000001AAA', fields: { Description: 'Let us plan a celebration next Thursday.' } };

function contextWith(adapter: FakeAdapter, clock: FakeClock, events: InferenceEvent[]): SingleInferenceContext {
  return {
    resolveInference: async () => ({ ok: true, adapter, apiKey: FAKE_API_KEY, defaultModel: null }),
    onInference: (event) => {
      events.push(event);
    },
    clock,
  };
}

describe('runSingleInference', () => {
  it('returns the outputs and reports the event with its source', async () => {
    const clock = new FakeClock();
    const events: InferenceEvent[] = [];
    const adapter = new FakeAdapter(async () => complete({ has_ask: true, ask: 'Plan a celebration.' }, usage(80, 12)));
    const context = {
      ...contextWith(adapter, clock, events),
      source: { flowId: '300000000000001AAA', nodeId: 'Detect_Ask' },
    };

    const response = await clock.run(runSingleInference(config, record, context));

    expect(response).toEqual({
      recordId: '003000000000001AAA',
      variables: { has_ask: true, ask: 'Plan a celebration.' },
      inference: {
        nodeId: 'Detect_Ask',
        outcome: 'ok',
        errorCode: null,
        errorMessage: null,
        model: 'gpt-test-node',
        latencyMs: 0,
        attempts: 1,
        usage: usage(80, 12),
      },
    });
    expect(events).toEqual([
      {
        flowId: '300000000000001AAA',
        flowVersion: null,
        nodeId: 'Detect_Ask',
        recordId: '003000000000001AAA',
        model: 'gpt-test-node',
        usage: usage(80, 12),
        latencyMs: 0,
        attempts: 1,
        outcome: 'ok',
        errorCode: null,
      },
    ]);
  });

  it('returns null outputs on an error', async () => {
    const clock = new FakeClock();
    const adapter = new FakeAdapter(async () => {
      throw new ProviderError('quota', 'You exceeded your current quota', { status: 429 });
    });

    const response = await clock.run(runSingleInference(config, record, contextWith(adapter, clock, [])));

    expect(response.variables).toEqual({ has_ask: null, ask: null });
    expect(response.inference).toMatchObject({ nodeId: 'inference', outcome: 'error', errorCode: 'quota' });
  });
});

describe('validateInferenceConfig', () => {
  it('accepts a configuration that reads a field', () => {
    expect(validateInferenceConfig(config)).toEqual([]);
  });

  it('reports prompt and output problems with request paths', () => {
    const problems = validateInferenceConfig(
      aiInferenceConfigSchema.parse({
        prompt: 'Classify {!Lead.Description}.',
        outputs: [
          { name: 'intent', type: 'picklist' },
          { name: 'intent', type: 'text' },
        ],
      }),
    );

    expect(problems).toEqual([
      {
        nodeId: null,
        path: 'config.prompt',
        code: 'invalid_merge_field',
        message:
          'The prompt contains the merge field {!Lead.Description}, which is not supported. Merge fields must have the form {!Record.FieldApiName}, such as {!Record.Description}.',
      },
      {
        nodeId: null,
        path: 'config.prompt',
        code: 'prompt_reads_no_field',
        message:
          'The prompt reads no field of the record, so the model would get no record data. Add a merge field such as {!Record.Description}.',
      },
      {
        nodeId: null,
        path: 'config.outputs[0].values',
        code: 'picklist_without_values',
        message:
          'In the outputs, the picklist output "intent" has no values. List the values the model may choose from.',
      },
      {
        nodeId: null,
        path: 'config.outputs[1].name',
        code: 'duplicate_output_name',
        message:
          'In the outputs, the output name "intent" is already used by another output. Output names must be unique.',
      },
    ]);
  });
});
