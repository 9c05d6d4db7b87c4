import { aiInferenceConfigSchema, type AiInferenceConfig } from '../../../connector/src/flows/definition';
import {
  ProviderError,
  type ProviderErrorCode,
  type StructuredResponse,
} from '../../../connector/src/providers/provider';
import {
  OUTPUT_SCHEMA_NAME,
  runInference,
  type RunInferenceOptions,
} from '../../../connector/src/inference/run-inference';
import type { InferenceResult } from '../../../connector/src/inference/types';
import {
  complete,
  FAKE_API_KEY,
  FakeAdapter,
  networkDelay,
  usage,
  type StructuredHandler,
} from './support/fake-adapter';
import { FakeClock } from './support/fake-clock';

const DESCRIPTION = 'My card was charged twice, please refund';

const config: AiInferenceConfig = aiInferenceConfigSchema.parse({
  prompt: 'Classify {!Record.Description}.',
  outputs: [
    { name: 'intent', type: 'picklist', values: ['complaint', 'question'] },
    { name: 'summary', type: 'text' },
  ],
  timeoutMs: 10_000,
});

const answer = { intent: 'complaint', summary: 'Double charge.' };

interface Setup {
  clock: FakeClock;
  adapter: FakeAdapter;
  run: (overrides?: Partial<RunInferenceOptions>) => Promise<InferenceResult>;
}

function setup(handler: StructuredHandler, defaultModel: string | null = 'gpt-test-default'): Setup {
  const clock = new FakeClock();
  const adapter = new FakeAdapter(handler);
  const run = (overrides: Partial<RunInferenceOptions> = {}): Promise<InferenceResult> =>
    clock.run(
      runInference({
        config,
        record: { fields: { Description: DESCRIPTION } },
        access: { adapter, apiKey: FAKE_API_KEY, defaultModel },
        clock,
        random: () => 0,
        ...overrides,
      }),
    );
  return { clock, adapter, run };
}

function fails(
  code: ProviderErrorCode,
  details: ConstructorParameters<typeof ProviderError>[2] = {},
): StructuredHandler {
  return async () => {
    throw new ProviderError(code, `provider message for ${code}`, details);
  };
}

describe('runInference', () => {
  it('returns outputs of a complete response', async () => {
    const { adapter, run } = setup(async () => complete(answer, usage(120, 30)));

    const result = await run();

    expect(result).toEqual({
      outcome: 'ok',
      variables: answer,
      errorCode: null,
      errorMessage: null,
      model: 'gpt-test-default',
      attempts: 1,
      latencyMs: 0,
      usage: usage(120, 30),
    });
    expect(adapter.requests).toHaveLength(1);
  });

  it('sends the request the node describes', async () => {
    const { adapter, run } = setup(async () => complete(answer));

    await run({ config: { ...config, model: 'gpt-test-node', temperature: 0.4, maxOutputTokens: 256 } });

    const request = adapter.requests[0];
    expect(request?.apiKey).toBe(FAKE_API_KEY);
    expect(request?.model).toBe('gpt-test-node');
    expect(request?.schemaName).toBe(OUTPUT_SCHEMA_NAME);
    expect(request?.temperature).toBe(0.4);
    expect(request?.maxOutputTokens).toBe(256);
    expect(request?.jsonSchema).toMatchObject({ required: ['intent', 'summary'], additionalProperties: false });
    expect(request?.instructions).not.toContain(DESCRIPTION);
    expect(request?.input).toContain(DESCRIPTION);
  });

  it('measures latency in clock time', async () => {
    const clock = new FakeClock();
    const adapter = new FakeAdapter(async (request) => {
      await networkDelay(clock, 1_234, request.signal);
      return complete(answer);
    });

    const result = await clock.run(
      runInference({
        config,
        record: { fields: {} },
        access: { adapter, apiKey: FAKE_API_KEY, defaultModel: 'm' },
        clock,
      }),
    );

    expect(result.latencyMs).toBe(1_234);
  });

  it('fails without a call when no model is chosen', async () => {
    const { adapter, run } = setup(async () => complete(answer), null);

    const result = await run();

    expect(result.outcome).toBe('error');
    expect(result.errorCode).toBe('model_unavailable');
    expect(result.errorMessage).toBe(
      'No model is chosen. Choose a model in the node or a default model in the AI settings.',
    );
    expect(result.attempts).toBe(0);
    expect(adapter.requests).toHaveLength(0);
  });

  describe('provider errors', () => {
    it.each([
      ['invalid_key', {}, 'The provider rejected the API key. Authorize a valid key in the AI settings.'],
      [
        'quota',
        {},
        "The provider account of the API key has no credit or quota left. Add credit in the provider's billing settings.",
      ],
      [
        'model_unavailable',
        {},
        'The model "gpt-test-default" does not exist or the API key may not use it. Choose another model in the node or in the AI settings.',
      ],
      [
        'bad_request',
        { status: 400 },
        "The provider rejected the request as invalid (HTTP 400). Check the node's model and outputs.",
      ],
    ] as const)('maps %s to an error without retry', async (code, details, message) => {
      const { adapter, run } = setup(fails(code, details));

      const result = await run();

      expect(result.outcome).toBe('error');
      expect(result.errorCode).toBe(code);
      expect(result.errorMessage).toBe(message);
      expect(result.attempts).toBe(1);
      expect(adapter.requests).toHaveLength(1);
    });

    it('retries provider_unavailable with exponential backoff', async () => {
      const { adapter, run } = setup(fails('provider_unavailable', { status: 503 }));

      const result = await run({ random: () => 0 });

      expect(result.errorCode).toBe('provider_unavailable');
      expect(result.errorMessage).toBe(
        'The provider could not be reached or returned a server error (4 attempts). Try again later.',
      );
      expect(result.attempts).toBe(4);
      // With random() = 0 the waits are half of 500, 1000 and 2000 ms.
      expect(result.latencyMs).toBe(250 + 500 + 1_000);
      expect(adapter.requests).toHaveLength(4);
    });

    it('spreads backoff with jitter', async () => {
      const { run } = setup(fails('provider_unavailable'));

      const result = await run({ random: () => 0.5 });

      // Each wait lies between half and all of 500, 1000 and 2000 ms; random() = 0.5 gives three quarters.
      expect(result.latencyMs).toBe(375 + 750 + 1_500);
    });

    it('waits for Retry-After within the deadline', async () => {
      const { adapter, run } = setup(async (_request, callIndex) => {
        if (callIndex === 0) {
          throw new ProviderError('rate_limited', 'slow down', { status: 429, retryAfterMs: 3_000 });
        }
        return complete(answer, usage(50, 10));
      });

      const result = await run();

      expect(result.outcome).toBe('ok');
      expect(result.attempts).toBe(2);
      expect(result.latencyMs).toBe(3_000);
      expect(result.usage).toEqual(usage(50, 10));
      expect(adapter.requests).toHaveLength(2);
    });

    it('ignores Retry-After past the deadline', async () => {
      const { adapter, run } = setup(fails('rate_limited', { status: 429, retryAfterMs: 20_000 }));

      const result = await run();

      expect(result.outcome).toBe('error');
      expect(result.errorCode).toBe('rate_limited');
      expect(result.errorMessage).toBe(
        "The provider rate-limited the request and no retry fitted within the node's time limit of 10 s (1 attempt). Try again later or ask the provider for a higher rate limit.",
      );
      expect(result.latencyMs).toBe(0);
      expect(adapter.requests).toHaveLength(1);
    });

    it.each([['rate_limited'], ['provider_unavailable']] as const)(
      'does not retry %s when the provider says not to',
      async (code) => {
        const { adapter, run } = setup(fails(code, { shouldRetry: false }));

        const result = await run();

        expect(result.errorCode).toBe(code);
        expect(adapter.requests).toHaveLength(1);
      },
    );

    it('retries an attempt that timed out while time remains', async () => {
      const { adapter, run } = setup(async (_request, callIndex) => {
        if (callIndex === 0) {
          throw new ProviderError('timeout', 'socket timeout');
        }
        return complete(answer);
      });

      const result = await run();

      expect(result.outcome).toBe('ok');
      expect(result.attempts).toBe(2);
      expect(adapter.requests).toHaveLength(2);
    });

    it('hides the text of unexpected exceptions', async () => {
      const { adapter, run } = setup(async () => {
        throw new TypeError(`cannot read ${FAKE_API_KEY}`);
      });

      const result = await run();

      expect(result.errorCode).toBe('provider_unavailable');
      expect(result.errorMessage).not.toContain(FAKE_API_KEY);
      expect(adapter.requests).toHaveLength(1);
    });
  });

  describe('deadline', () => {
    it('aborts a slow attempt at the node timeout', async () => {
      let aborted = false;
      const clock = new FakeClock();
      const adapter = new FakeAdapter(async (request) => {
        request.signal.addEventListener('abort', () => (aborted = true));
        await networkDelay(clock, 60_000, request.signal);
        return complete(answer);
      });

      const result = await clock.run(
        runInference({
          config,
          record: { fields: {} },
          access: { adapter, apiKey: FAKE_API_KEY, defaultModel: 'm' },
          clock,
        }),
      );

      expect(result.outcome).toBe('timeout');
      expect(result.errorCode).toBe('timeout');
      expect(result.errorMessage).toBe(
        "No complete response arrived within the node's time limit of 10 s (1 attempt). Raise the time limit or ask for shorter outputs.",
      );
      expect(result.latencyMs).toBe(10_000);
      expect(aborted).toBe(true);
    });

    it('stops when the adapter ignores abort', async () => {
      const clock = new FakeClock();
      const adapter = new FakeAdapter(async () => {
        await clock.sleep(60_000);
        return complete(answer);
      });

      const result = await clock.run(
        runInference({
          config,
          record: { fields: {} },
          access: { adapter, apiKey: FAKE_API_KEY, defaultModel: 'm' },
          clock,
        }),
      );

      expect(result.outcome).toBe('timeout');
      expect(result.latencyMs).toBe(10_000);
    });

    it('shares one deadline across retries', async () => {
      const clock = new FakeClock();
      const adapter = new FakeAdapter(async (request) => {
        await networkDelay(clock, 4_000, request.signal);
        throw new ProviderError('provider_unavailable', 'bad gateway', { status: 502 });
      });

      const result = await clock.run(
        runInference({
          config,
          record: { fields: {} },
          access: { adapter, apiKey: FAKE_API_KEY, defaultModel: 'm' },
          clock,
          random: () => 0,
        }),
      );

      // 4000 ms attempt, 250 ms wait, 4000 ms attempt, 500 ms wait, then the third attempt is cut at 10 s.
      expect(result.outcome).toBe('timeout');
      expect(result.attempts).toBe(3);
      expect(result.latencyMs).toBe(10_000);
    });

    it('skips a retry ending at the deadline', async () => {
      const clock = new FakeClock();
      const adapter = new FakeAdapter(async (request) => {
        await networkDelay(clock, 9_900, request.signal);
        throw new ProviderError('provider_unavailable', 'bad gateway');
      });

      const result = await clock.run(
        runInference({
          config,
          record: { fields: {} },
          access: { adapter, apiKey: FAKE_API_KEY, defaultModel: 'm' },
          clock,
          random: () => 0,
        }),
      );

      expect(result.outcome).toBe('error');
      expect(result.errorCode).toBe('provider_unavailable');
      expect(result.attempts).toBe(1);
      expect(result.latencyMs).toBe(9_900);
    });
  });

  describe('responses', () => {
    const respond =
      (response: Partial<StructuredResponse>): StructuredHandler =>
      async () => ({ ...complete(answer, usage(10, 500)), ...response });

    it.each([
      [
        'truncated',
        { finish: 'truncated' },
        'truncated',
        "The model's response was cut off at the node's limit of 500 output tokens. Raise the limit or ask for shorter outputs.",
      ],
      [
        'refused',
        { finish: 'refused', content: null, refusal: 'I cannot help.' },
        'refused',
        'The model refused to answer for this record.',
      ],
      [
        'content_filter',
        { finish: 'content_filter' },
        'refused',
        "The provider's content filter blocked the response for this record.",
      ],
      ['no content', { content: null }, 'invalid_output', 'The model returned an empty response.'],
      ['invalid JSON', { content: '{"intent":' }, 'invalid_output', "The model's response is not valid JSON."],
      [
        'an unknown picklist value',
        { content: JSON.stringify({ ...answer, intent: 'praise' }) },
        'invalid_output',
        'The model\'s response does not match the outputs. The output "intent" is not one of complaint, question.',
      ],
    ] as const)('maps %s and keeps its usage', async (_case, response, code, message) => {
      const { adapter, run } = setup(respond(response));

      const result = await run();

      expect(result.outcome).toBe('error');
      expect(result.errorCode).toBe(code);
      expect(result.errorMessage).toBe(message);
      expect(result.variables).toBeNull();
      expect(result.usage).toEqual(usage(10, 500));
      expect(adapter.requests).toHaveLength(1);
    });
  });

  it('keeps key and record out of messages', async () => {
    const codes: ProviderErrorCode[] = [
      'invalid_key',
      'quota',
      'rate_limited',
      'model_unavailable',
      'bad_request',
      'provider_unavailable',
      'timeout',
    ];

    for (const code of codes) {
      const { run } = setup(fails(code, { retryAfterMs: 60_000 }));
      const result = await run();

      expect(result.errorMessage).not.toContain(FAKE_API_KEY);
      expect(result.errorMessage).not.toContain(DESCRIPTION);
      expect(result.errorMessage).not.toContain(`provider message for ${code}`);
    }
  });
});
