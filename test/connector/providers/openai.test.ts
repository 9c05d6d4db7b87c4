/**
 * The OpenAI adapter against the OpenAI stand-in: every failure must become the documented
 * ProviderError code, with the delay OpenAI asked for, and no message may quote the key
 * or OpenAI's own message.
 */

import path from 'node:path';

import { OpenAiAdapter, parseRetryAfterMs } from '../../../connector/src/providers/openai';
import { ProviderError } from '../../../connector/src/providers/provider';
import type { ProviderErrorCode, StructuredRequest } from '../../../connector/src/providers/provider';
import { maskApiKey, STAND_IN_KEY, STAND_IN_NO_QUOTA_KEY, startOpenAiStandIn } from '../../openai-stand-in/index.ts';
import type { OpenAiStandIn, ScenarioName, ScenarioSpec } from '../../openai-stand-in/index.ts';
import { loadOpenApiSpec } from '../../stand-in/openapi-spec';

const SPEC_PATH = path.resolve(__dirname, '..', '..', '..', '..', 'shared', 'openai', 'openapi.yaml');

const UNKNOWN_KEY = 'sk-test-unknown-adapter-key-4321';

const OUTPUT_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['tier', 'owner'],
  properties: {
    tier: { type: 'string', enum: ['SMB', 'Enterprise'] },
    owner: { type: ['string', 'null'] },
  },
};

let standIn: OpenAiStandIn;
let adapter: OpenAiAdapter;

function structuredRequest(overrides: Partial<StructuredRequest> = {}): StructuredRequest {
  return {
    apiKey: STAND_IN_KEY,
    model: 'gpt-4o-mini',
    instructions: 'Classify the lead.',
    input: 'An Enterprise customer with 5000 employees.',
    schemaName: 'routing_outputs',
    jsonSchema: OUTPUT_SCHEMA,
    temperature: 0,
    maxOutputTokens: 200,
    signal: AbortSignal.timeout(10_000),
    ...overrides,
  };
}

/** Runs `action`, expects a ProviderError and checks that its message leaks nothing. */
async function captureProviderError(action: () => Promise<unknown>, apiKey: string = STAND_IN_KEY): Promise<ProviderError> {
  let caught: unknown;
  try {
    await action();
  } catch (error) {
    caught = error;
  }

  expect(caught).toBeInstanceOf(ProviderError);
  const error = caught as ProviderError;
  expect(error.message).not.toContain(apiKey);
  expect(error.message).not.toContain(maskApiKey(apiKey));
  expect(error.message).not.toContain('sk-');
  return error;
}

beforeAll(async () => {
  standIn = await startOpenAiStandIn({ models: ['gpt-4o-mini', 'gpt-4o'] });
  adapter = new OpenAiAdapter({ baseUrl: standIn.baseUrl });
});

afterEach(() => {
  standIn.reset();
});

afterAll(async () => {
  await standIn?.close();
});

describe('OpenAiAdapter.listModels', () => {
  test('returns the models of a valid key', async () => {
    const models = await adapter.listModels(STAND_IN_KEY, AbortSignal.timeout(5_000));

    expect(models).toEqual([
      { id: 'gpt-4o-mini', ownedBy: 'system' },
      { id: 'gpt-4o', ownedBy: 'system' },
    ]);
    expect(standIn.recordedRequests()).toMatchObject([{ method: 'GET', path: '/v1/models', apiKey: STAND_IN_KEY }]);
  });

  test('maps an unknown key to invalid_key', async () => {
    const error = await captureProviderError(() => adapter.listModels(UNKNOWN_KEY, AbortSignal.timeout(5_000)), UNKNOWN_KEY);

    expect(error.code).toBe('invalid_key');
    expect(error.message).toBe('OpenAI rejected the API key as incorrect or revoked (HTTP 401).');
    expect(error.details.status).toBe(401);
    expect(error.details.providerRequestId).toMatch(/^req_/);
    expect(error.message).not.toContain('Incorrect API key provided');
  });

  test('maps a key without quota to quota', async () => {
    const error = await captureProviderError(() => adapter.listModels(STAND_IN_NO_QUOTA_KEY, AbortSignal.timeout(5_000)), STAND_IN_NO_QUOTA_KEY);

    expect(error.code).toBe('quota');
    expect(error.message).toBe('The OpenAI account of this API key has no quota left (HTTP 429): check its plan and billing.');
    expect(error.details.retryAfterMs).toBeUndefined();
  });

  test('maps 404 to model_unavailable with a base URL hint', async () => {
    const wrongBase = new OpenAiAdapter({ baseUrl: `${standIn.origin}/v2` });
    const error = await captureProviderError(() => wrongBase.listModels(STAND_IN_KEY, AbortSignal.timeout(5_000)));

    expect(error.code).toBe('model_unavailable');
    expect(error.message).toBe('OpenAI returned 404 Not Found: check the configured base URL.');
  });

  test('maps a 503 to provider_unavailable without retrying', async () => {
    standIn.enqueueScenarios('service_unavailable_503');
    const error = await captureProviderError(() => adapter.listModels(STAND_IN_KEY, AbortSignal.timeout(5_000)));

    expect(error.code).toBe('provider_unavailable');
    expect(standIn.stats().requests).toBe(1);
  });

  test('maps a caller abort to timeout', async () => {
    standIn.enqueueScenarios({ name: 'slow_headers', delayMs: 5_000 });
    const error = await captureProviderError(() => adapter.listModels(STAND_IN_KEY, AbortSignal.timeout(150)));

    expect(error.code).toBe('timeout');
  });

  test('rejects unusable key before sending', async () => {
    const error = await captureProviderError(() => adapter.listModels('sk-test bad key', AbortSignal.timeout(5_000)), 'sk-test bad key');

    expect(error.code).toBe('invalid_key');
    expect(error.message).toBe('The API key is empty or contains spaces or non-ASCII characters.');
    expect(standIn.stats().requests).toBe(0);
  });
});

describe('OpenAiAdapter.createStructured', () => {
  test('returns the complete JSON output with usage', async () => {
    const response = await adapter.createStructured(structuredRequest());

    expect(response.finish).toBe('complete');
    expect(JSON.parse(response.content!)).toEqual({ tier: 'Enterprise', owner: '' });
    expect(response.refusal).toBeNull();
    expect(response.model).toBe('gpt-4o-mini');
    expect(response.providerRequestId).toMatch(/^req_/);

    const promptCharacters = 'Classify the lead.'.length + 'An Enterprise customer with 5000 employees.'.length;
    expect(response.usage.promptTokens).toBe(Math.ceil(promptCharacters / 4));
    expect(response.usage.completionTokens).toBe(Math.ceil(response.content!.length / 4));
    expect(response.usage.totalTokens).toBe(response.usage.promptTokens + response.usage.completionTokens);
  });

  test('sends strict request matching API description', async () => {
    await adapter.createStructured(structuredRequest());

    const [recorded] = standIn.recordedRequests();
    expect(recorded!.path).toBe('/v1/chat/completions');
    expect(recorded!.apiKey).toBe(STAND_IN_KEY);
    expect(recorded!.headers['openai-organization']).toBeUndefined();
    expect(recorded!.body).toEqual({
      model: 'gpt-4o-mini',
      messages: [
        { role: 'system', content: 'Classify the lead.' },
        { role: 'user', content: 'An Enterprise customer with 5000 employees.' },
      ],
      response_format: { type: 'json_schema', json_schema: { name: 'routing_outputs', schema: OUTPUT_SCHEMA, strict: true } },
      temperature: 0,
      max_completion_tokens: 200,
    });

    const spec = loadOpenApiSpec(SPEC_PATH);
    expect(spec.validate('CreateChatCompletionRequest', recorded!.body)).toEqual([]);
  }, 30_000);

  test.each<[ScenarioName, StructuredFinish]>([
    ['truncated', 'truncated'],
    ['refusal', 'refused'],
    ['content_filter', 'content_filter'],
  ])('maps the %s scenario to finish %s', async (scenario, finish) => {
    standIn.enqueueScenarios(scenario);
    const response = await adapter.createStructured(structuredRequest());

    expect(response.finish).toBe(finish);
  });

  test('returns the refusal text', async () => {
    standIn.enqueueScenarios('refusal');
    const response = await adapter.createStructured(structuredRequest());

    expect(response.content).toBeNull();
    expect(response.refusal).toBe("I can't help with that request.");
  });

  test('returns truncated JSON as it came', async () => {
    standIn.enqueueScenarios('truncated');
    const response = await adapter.createStructured(structuredRequest());

    expect(response.content).not.toBeNull();
    expect(() => JSON.parse(response.content!)).toThrow(SyntaxError);
  });

  test('leaves invalid JSON for the caller to reject', async () => {
    standIn.enqueueScenarios('invalid_json');
    const response = await adapter.createStructured(structuredRequest());

    expect(response.finish).toBe('complete');
    expect(() => JSON.parse(response.content!)).toThrow(SyntaxError);
  });

  test('maps the output token limit to truncated', async () => {
    const response = await adapter.createStructured(structuredRequest({ maxOutputTokens: 3 }));

    expect(response.finish).toBe('truncated');
    expect(response.usage.completionTokens).toBe(3);
  });
});

type StructuredFinish = 'complete' | 'truncated' | 'refused' | 'content_filter';

interface ExpectedFailure {
  scenario: ScenarioName | ScenarioSpec;
  code: ProviderErrorCode;
  status?: number;
  message: string;
  retryAfterMs?: number;
  shouldRetry?: boolean;
}

const HTTP_FAILURES: ExpectedFailure[] = [
  { scenario: 'invalid_api_key', code: 'invalid_key', status: 401, message: 'OpenAI rejected the API key as incorrect or revoked (HTTP 401).' },
  {
    scenario: 'mismatched_organization',
    code: 'invalid_key',
    status: 401,
    message: 'OpenAI rejected the request: the organization does not match the API key (HTTP 401).',
  },
  {
    scenario: 'permission_denied',
    code: 'invalid_key',
    status: 403,
    message: 'OpenAI denied this API key access (HTTP 403): the key may lack a permission or the region may not be supported.',
  },
  {
    scenario: 'model_not_found',
    code: 'model_unavailable',
    status: 404,
    message: 'The model "gpt-4o-mini" does not exist or this API key may not use it (HTTP 404).',
  },
  {
    scenario: 'schema_rejected',
    code: 'bad_request',
    status: 400,
    message: 'OpenAI rejected the output JSON schema (HTTP 400, param response_format).',
  },
  { scenario: 'rate_limited', code: 'rate_limited', status: 429, retryAfterMs: 2000, message: 'OpenAI rate limit reached (HTTP 429). OpenAI asked to wait 2000 ms.' },
  {
    scenario: { name: 'rate_limited', retryAfterMs: 4_500 },
    code: 'rate_limited',
    status: 429,
    retryAfterMs: 5000,
    message: 'OpenAI rate limit reached (HTTP 429). OpenAI asked to wait 5000 ms.',
  },
  {
    scenario: 'rate_limited_retry_after_ms',
    code: 'rate_limited',
    status: 429,
    retryAfterMs: 1500,
    message: 'OpenAI rate limit reached (HTTP 429). OpenAI asked to wait 1500 ms.',
  },
  {
    scenario: 'rate_limited_without_retry_after',
    code: 'rate_limited',
    status: 429,
    retryAfterMs: undefined,
    message: 'OpenAI rate limit reached (HTTP 429).',
  },
  {
    scenario: 'insufficient_quota',
    code: 'quota',
    status: 429,
    message: 'The OpenAI account of this API key has no quota left (HTTP 429): check its plan and billing.',
  },
  { scenario: 'server_error_500', code: 'provider_unavailable', status: 500, message: 'OpenAI is unavailable (HTTP 500).' },
  { scenario: 'server_error_500_no_retry', code: 'provider_unavailable', status: 500, shouldRetry: false, message: 'OpenAI is unavailable (HTTP 500).' },
  { scenario: 'bad_gateway_502', code: 'provider_unavailable', status: 502, message: 'OpenAI is unavailable (HTTP 502).' },
  { scenario: 'service_unavailable_503', code: 'provider_unavailable', status: 503, message: 'OpenAI is unavailable (HTTP 503).' },
  { scenario: 'gateway_timeout_504', code: 'provider_unavailable', status: 504, message: 'OpenAI is unavailable (HTTP 504).' },
];

describe('OpenAiAdapter error mapping', () => {
  test.each(HTTP_FAILURES.map((failure) => [JSON.stringify(failure.scenario), failure] as const))('maps %s', async (_name, failure) => {
    standIn.enqueueScenarios(failure.scenario);
    const error = await captureProviderError(() => adapter.createStructured(structuredRequest()));

    expect(error.code).toBe(failure.code);
    expect(error.message).toBe(failure.message);
    expect(error.details.status).toBe(failure.status);
    expect(error.details.retryAfterMs).toBe(failure.retryAfterMs);
    expect(error.details.shouldRetry).toBe(failure.shouldRetry);
    expect(error.details.providerRequestId).toMatch(/^req_/);
    expect(error.message).not.toContain('sk-test-scenario-placeholder-key');

    // The client must not retry behind the inference layer's back.
    expect(standIn.stats().requests).toBe(1);
  });

  test('maps a retry-after date to the remaining delay', async () => {
    standIn.enqueueScenarios({ name: 'rate_limited_retry_after_date', retryAfterMs: 3_000 });
    const error = await captureProviderError(() => adapter.createStructured(structuredRequest()));

    expect(error.code).toBe('rate_limited');
    expect(error.details.retryAfterMs).toBeGreaterThan(1_000);
    expect(error.details.retryAfterMs).toBeLessThanOrEqual(3_000);
  });

  test('maps a schema OpenAI would reject to bad_request', async () => {
    const jsonSchema = { type: 'object', properties: { tier: { type: 'string' } } };
    const error = await captureProviderError(() => adapter.createStructured(structuredRequest({ jsonSchema })));

    expect(error.code).toBe('bad_request');
    expect(error.message).toBe('OpenAI rejected the output JSON schema (HTTP 400, param response_format).');
    expect(error.message).not.toContain('additionalProperties');
  });

  test('maps an unknown model to model_unavailable', async () => {
    const error = await captureProviderError(() => adapter.createStructured(structuredRequest({ model: 'gpt-unknown' })));

    expect(error.code).toBe('model_unavailable');
    expect(error.message).toBe('The model "gpt-unknown" does not exist or this API key may not use it (HTTP 404).');
  });

  test('maps an unknown key to invalid_key without quoting it', async () => {
    const error = await captureProviderError(() => adapter.createStructured(structuredRequest({ apiKey: UNKNOWN_KEY })), UNKNOWN_KEY);

    expect(error.code).toBe('invalid_key');
    expect(error.details.status).toBe(401);
  });

  test('maps rate-limit ceiling to rate_limited', async () => {
    const limited = await startOpenAiStandIn({ requestsPerMinute: 1 });
    try {
      const limitedAdapter = new OpenAiAdapter({ baseUrl: limited.baseUrl });
      await limitedAdapter.createStructured(structuredRequest());
      const error = await captureProviderError(() => limitedAdapter.createStructured(structuredRequest()));

      expect(error.code).toBe('rate_limited');
      expect(error.details.retryAfterMs).toBe(60_000);
      expect(error.details.rateLimit).toMatchObject({ limitRequests: 1, remainingRequests: 0, limitTokens: 1_000_000_000 });
      // The first call's tokens refill within microseconds, unless both calls fall in the same clock tick.
      expect(error.details.rateLimit?.remainingTokens).toBeGreaterThan(1_000_000_000 - 10_000);
    } finally {
      await limited.close();
    }
  });

  test('reports the rate-limit headers of a response', async () => {
    const limited = await startOpenAiStandIn({ requestsPerMinute: 60, tokensPerMinute: 100_000 });
    try {
      const response = await new OpenAiAdapter({ baseUrl: limited.baseUrl }).createStructured(structuredRequest());

      const promptTokens = Math.ceil(('Classify the lead.'.length + 'An Enterprise customer with 5000 employees.'.length) / 4);
      expect(response.rateLimit).toEqual({
        limitRequests: 60,
        remainingRequests: 59,
        limitTokens: 100_000,
        remainingTokens: 100_000 - promptTokens - 200,
      });
    } finally {
      await limited.close();
    }
  });

  test('sends each call the key it was given', async () => {
    await adapter.createStructured(structuredRequest());
    await captureProviderError(() => adapter.createStructured(structuredRequest({ apiKey: UNKNOWN_KEY })), UNKNOWN_KEY);
    await adapter.listModels(UNKNOWN_KEY, AbortSignal.timeout(5_000)).catch(() => undefined);
    await adapter.listModels(STAND_IN_KEY, AbortSignal.timeout(5_000));

    expect(standIn.recordedRequests().map((recorded) => recorded.apiKey)).toEqual([STAND_IN_KEY, UNKNOWN_KEY, UNKNOWN_KEY, STAND_IN_KEY]);
  });

  test('maps late headers to timeout at the caller deadline', async () => {
    standIn.enqueueScenarios({ name: 'slow_headers', delayMs: 5_000 });
    const error = await captureProviderError(() => adapter.createStructured(structuredRequest({ signal: AbortSignal.timeout(200) })));

    expect(error.code).toBe('timeout');
    expect(error.message).toBe('The request to OpenAI was cancelled at its deadline before a complete response arrived.');
  });

  test('maps late headers to timeout at the adapter deadline', async () => {
    const impatient = new OpenAiAdapter({ baseUrl: standIn.baseUrl, attemptTimeoutMs: 200 });
    standIn.enqueueScenarios({ name: 'slow_headers', delayMs: 5_000 });
    const error = await captureProviderError(() => impatient.createStructured(structuredRequest()));

    expect(error.code).toBe('timeout');
    expect(error.message).toBe('OpenAI did not send a complete response within 200 ms.');
  });

  test('maps a stalled body to timeout', async () => {
    standIn.enqueueScenarios({ name: 'stalled_body', delayMs: 5_000 });
    const startedAt = performance.now();
    const error = await captureProviderError(() => adapter.createStructured(structuredRequest({ signal: AbortSignal.timeout(300) })));

    expect(error.code).toBe('timeout');
    expect(performance.now() - startedAt).toBeLessThan(2_000);
  });

  test('maps a stalled body to timeout at the adapter deadline', async () => {
    const impatient = new OpenAiAdapter({ baseUrl: standIn.baseUrl, attemptTimeoutMs: 300 });
    standIn.enqueueScenarios({ name: 'stalled_body', delayMs: 5_000 });
    const error = await captureProviderError(() => impatient.createStructured(structuredRequest()));

    expect(error.code).toBe('timeout');
    expect(error.message).toBe('OpenAI did not send a complete response within 300 ms.');
  });

  test('maps an already aborted signal to timeout', async () => {
    const controller = new AbortController();
    controller.abort();
    const error = await captureProviderError(() => adapter.createStructured(structuredRequest({ signal: controller.signal })));

    expect(error.code).toBe('timeout');
  });

  test('maps a connection reset to provider_unavailable', async () => {
    standIn.enqueueScenarios('connection_reset');
    const error = await captureProviderError(() => adapter.createStructured(structuredRequest()));

    expect(error.code).toBe('provider_unavailable');
    expect(error.message).toBe('Could not reach OpenAI: the connection failed or was reset.');
    expect(error.details.status).toBeUndefined();
  });

  test('maps a refused connection to provider_unavailable', async () => {
    const stopped = await startOpenAiStandIn();
    const baseUrl = stopped.baseUrl;
    await stopped.close();

    const error = await captureProviderError(() => new OpenAiAdapter({ baseUrl }).createStructured(structuredRequest()));

    expect(error.code).toBe('provider_unavailable');
  });

  test('succeeds on the call after a 5xx', async () => {
    standIn.enqueueScenarios('bad_gateway_502');

    const error = await captureProviderError(() => adapter.createStructured(structuredRequest()));
    const response = await adapter.createStructured(structuredRequest());

    expect(error.code).toBe('provider_unavailable');
    expect(response.finish).toBe('complete');
  });
});

describe('OpenAiAdapter options', () => {
  test('rejects a base URL that is not http(s)', () => {
    expect(() => new OpenAiAdapter({ baseUrl: 'ftp://127.0.0.1/v1' })).toThrow(
      'Invalid OpenAI base URL "ftp://127.0.0.1/v1": expected an http(s) URL such as https://api.openai.com/v1.',
    );
  });

  test('rejects a non-positive attempt timeout', () => {
    expect(() => new OpenAiAdapter({ baseUrl: standIn.baseUrl, attemptTimeoutMs: 0 })).toThrow(
      'Invalid OpenAI attempt timeout 0: expected a positive integer of ms.',
    );
  });
});

describe('parseRetryAfterMs', () => {
  const now = Date.parse('2026-01-01T00:00:00Z');

  test.each<[string, Record<string, string>, number | undefined]>([
    ['prefers retry-after-ms', { 'retry-after-ms': '1500', 'retry-after': '2' }, 1500],
    ['reads seconds', { 'retry-after': '20' }, 20_000],
    ['reads fractional seconds', { 'retry-after': '0.25' }, 250],
    ['reads an HTTP date', { 'retry-after': 'Thu, 01 Jan 2026 00:00:03 GMT' }, 3_000],
    ['clamps a past date to zero', { 'retry-after': 'Wed, 31 Dec 2025 23:59:00 GMT' }, 0],
    ['falls back when retry-after-ms is not a number', { 'retry-after-ms': 'soon', 'retry-after': '1' }, 1_000],
    ['ignores a value that is neither', { 'retry-after': 'later' }, undefined],
    ['returns undefined without headers', {}, undefined],
  ])('%s', (_case, headers, expected) => {
    expect(parseRetryAfterMs(new Headers(headers), now)).toBe(expected);
  });
});
