/**
 * The OpenAI stand-in against OpenAI's published OpenAPI description: every endpoint and
 * every scenario must produce bodies and headers that the real API could have sent, so
 * that the connector tested against the stand-in works against OpenAI.
 */

import path from 'node:path';

import Ajv2020 from 'ajv/dist/2020';

import {
  SCENARIO_HEADER,
  SCENARIO_NAMES,
  STAND_IN_KEY,
  STAND_IN_NO_QUOTA_KEY,
  startOpenAiStandIn,
} from '../openai-stand-in/index.ts';
import type { OpenAiStandIn, OpenAiStandInOptions, ScenarioName, ScenarioSpec, StandInStats } from '../openai-stand-in/index.ts';
import { loadOpenApiSpec } from './openapi-spec';
import type { OpenApiSpec } from './openapi-spec';

/** The repository's CI clone has the shared folder beside it, so the file is outside the repository. */
const SPEC_PATH = path.resolve(__dirname, '..', '..', '..', 'shared', 'openai', 'openapi.yaml');

const RESTRICTED_KEY = 'sk-test-stand-in-restricted-key-0000';
const ORGANIZATION_KEY = 'sk-test-stand-in-organization-key-0000';
const UNKNOWN_KEY = 'sk-test-not-a-stand-in-key-9876';

const ROUTING_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['tier', 'region', 'score', 'summary', 'qualified'],
  properties: {
    tier: { type: 'string', enum: ['SMB', 'Mid-Market', 'Enterprise'] },
    region: { type: ['string', 'null'], enum: ['AMER', 'EMEA', 'APAC', null] },
    score: { type: 'integer', minimum: 1, maximum: 5 },
    summary: { type: 'string' },
    qualified: { type: 'boolean' },
  },
};

const ROUTING_INPUT = 'Company: Acme GmbH. Employees: 5000. An Enterprise deal for the EMEA sales team.';

let spec: OpenApiSpec;
let standIn: OpenAiStandIn;
const ajv = new Ajv2020({ strict: false });

interface CallOptions {
  key?: string | null;
  body?: unknown;
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

interface CallResult {
  status: number;
  headers: Headers;
  // Reply bodies are checked against the OpenAPI schemas, then read freely by the tests.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
}

async function call(target: OpenAiStandIn, method: string, urlPath: string, options: CallOptions = {}): Promise<CallResult> {
  const headers: Record<string, string> = { ...options.headers };
  const key = options.key === undefined ? STAND_IN_KEY : options.key;
  if (key !== null) {
    headers.authorization = `Bearer ${key}`;
  }
  if (options.body !== undefined) {
    headers['content-type'] = 'application/json';
  }

  let body: string | undefined;
  if (typeof options.body === 'string') {
    body = options.body;
  } else if (options.body !== undefined) {
    body = JSON.stringify(options.body);
  }

  const response = await fetch(`${target.origin}${urlPath}`, { method, headers, body, signal: options.signal });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text === '' ? null : JSON.parse(text) };
}

function chatBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    model: 'gpt-4o-mini',
    messages: [
      { role: 'system', content: 'Route the lead.' },
      { role: 'user', content: ROUTING_INPUT },
    ],
    response_format: { type: 'json_schema', json_schema: { name: 'routing_outputs', schema: ROUTING_SCHEMA, strict: true } },
    temperature: 0,
    max_completion_tokens: 500,
    ...overrides,
  };
}

function responsesBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    model: 'gpt-4o-mini',
    instructions: 'Route the lead.',
    input: ROUTING_INPUT,
    text: { format: { type: 'json_schema', name: 'routing_outputs', schema: ROUTING_SCHEMA, strict: true } },
    temperature: 0,
    max_output_tokens: 500,
    ...overrides,
  };
}

function expectConforms(schemaName: string, body: unknown): void {
  expect(spec.validate(schemaName, body)).toEqual([]);
}

function expectOpenAiError(result: CallResult, status: number, fields: { type?: string; code: string | null; param?: string | null }): void {
  expect(result.status).toBe(status);
  expectConforms('ErrorResponse', result.body);
  expect(result.body.error.code).toBe(fields.code);
  if (fields.type !== undefined) {
    expect(result.body.error.type).toBe(fields.type);
  }
  if (fields.param !== undefined) {
    expect(result.body.error.param).toBe(fields.param);
  }
}

const RESET_DURATION = /^(0s|\d+ms|\d+(\.\d+)?s|\d+m\d+(\.\d+)?s)$/;

function expectCommonHeaders(headers: Headers): void {
  expect(headers.get('x-request-id')).toMatch(/^req_[0-9a-f]{32}$/);
  expect(headers.get('openai-processing-ms')).toMatch(/^\d+$/);
  expect(headers.get('openai-version')).toBe('2020-10-01');
  expect(headers.get('content-type')).toBe('application/json');
  for (const name of ['x-ratelimit-limit-requests', 'x-ratelimit-limit-tokens', 'x-ratelimit-remaining-requests', 'x-ratelimit-remaining-tokens']) {
    expect(headers.get(name)).toMatch(/^\d+$/);
  }
  expect(headers.get('x-ratelimit-reset-requests')).toMatch(RESET_DURATION);
  expect(headers.get('x-ratelimit-reset-tokens')).toMatch(RESET_DURATION);
}

/** Checks a structured output against the JSON schema the request sent. */
function expectSatisfiesSchema(content: string, schema: object): void {
  const validate = ajv.compile(schema);
  expect(validate(JSON.parse(content))).toBe(true);
}

beforeAll(async () => {
  spec = loadOpenApiSpec(SPEC_PATH);
  standIn = await startOpenAiStandIn({
    keys: [
      STAND_IN_KEY,
      { key: STAND_IN_NO_QUOTA_KEY, quota: 'exhausted' },
      { key: RESTRICTED_KEY, models: ['gpt-4o-mini'] },
      { key: ORGANIZATION_KEY, organization: 'org-stand-in-one' },
    ],
    models: ['gpt-4o-mini', 'gpt-4o'],
  });
}, 60_000);

afterEach(() => {
  standIn.reset();
});

afterAll(async () => {
  await standIn?.close();
});

describe('conformance check', () => {
  test('spec validator reports a body that drifts', () => {
    const drifted = { id: 'chatcmpl-1', object: 'chat.completion', created: 1, model: 'gpt-4o-mini', choices: [{ index: 0, message: { role: 'assistant', content: '{}' }, logprobs: null, finish_reason: 'done' }] };

    const errors = spec.validate('CreateChatCompletionResponse', drifted);

    expect(errors).toContain("/choices/0/finish_reason must be equal to one of the allowed values {\"allowedValues\":[\"stop\",\"length\",\"tool_calls\",\"content_filter\",\"function_call\"]}");
    expect(errors).toContain("/choices/0/message must have required property 'refusal' {\"missingProperty\":\"refusal\"}");
  });

  test('spec validator accepts OpenAPI 3.0 nullable fields', () => {
    expectConforms('CreateChatCompletionRequest', chatBody({ max_completion_tokens: null }));
  });

  test('missing spec file fails with a clear message', () => {
    expect(() => loadOpenApiSpec('/nonexistent/openapi.yaml')).toThrow(
      "OpenAI's OpenAPI description was not found at /nonexistent/openapi.yaml. The stand-in conformance tests expect shared/openai/openapi.yaml in the folder that contains the repository.",
    );
  });
});

describe('GET /v1/models', () => {
  test('lists models for a valid key', async () => {
    const result = await call(standIn, 'GET', '/v1/models');

    expect(result.status).toBe(200);
    expectConforms('ListModelsResponse', result.body);
    expectCommonHeaders(result.headers);
    expect(result.body.data.map((model: { id: string }) => model.id)).toEqual(['gpt-4o-mini', 'gpt-4o']);
  });

  test('lists only the models a restricted key may use', async () => {
    const result = await call(standIn, 'GET', '/v1/models', { key: RESTRICTED_KEY });

    expectConforms('ListModelsResponse', result.body);
    expect(result.body.data.map((model: { id: string }) => model.id)).toEqual(['gpt-4o-mini']);
  });

  test('rejects an unknown key with a masked key in the message', async () => {
    const result = await call(standIn, 'GET', '/v1/models', { key: UNKNOWN_KEY });

    expectOpenAiError(result, 401, { type: 'invalid_request_error', code: 'invalid_api_key', param: null });
    expectCommonHeaders(result.headers);
    expect(result.body.error.message).toContain('sk-test-*******************9876');
    expect(result.body.error.message).not.toContain(UNKNOWN_KEY);
  });

  test('rejects a request without a key', async () => {
    const result = await call(standIn, 'GET', '/v1/models', { key: null });

    expectOpenAiError(result, 401, { type: 'invalid_request_error', code: null, param: null });
  });

  test('answers a key without quota with 429 insufficient_quota', async () => {
    const result = await call(standIn, 'GET', '/v1/models', { key: STAND_IN_NO_QUOTA_KEY });

    expectOpenAiError(result, 429, { type: 'insufficient_quota', code: 'insufficient_quota', param: null });
    expect(result.headers.get('retry-after')).toBeNull();
    expect(result.headers.get('retry-after-ms')).toBeNull();
  });

  test('rejects a mismatched organization header', async () => {
    const mismatched = await call(standIn, 'GET', '/v1/models', { key: ORGANIZATION_KEY, headers: { 'openai-organization': 'org-other' } });
    const matching = await call(standIn, 'GET', '/v1/models', { key: ORGANIZATION_KEY, headers: { 'openai-organization': 'org-stand-in-one' } });

    expectOpenAiError(mismatched, 401, { type: 'invalid_request_error', code: 'mismatched_organization', param: null });
    expect(matching.status).toBe(200);
  });
});

describe('GET /v1/models/{model}', () => {
  test('returns a served model', async () => {
    const result = await call(standIn, 'GET', '/v1/models/gpt-4o');

    expect(result.status).toBe(200);
    expectConforms('Model', result.body);
    expectCommonHeaders(result.headers);
    expect(result.body.id).toBe('gpt-4o');
  });

  test('answers 404 model_not_found for an unknown model', async () => {
    const result = await call(standIn, 'GET', '/v1/models/gpt-unknown');

    expectOpenAiError(result, 404, { type: 'invalid_request_error', code: 'model_not_found', param: null });
    expect(result.body.error.message).toBe('The model `gpt-unknown` does not exist or you do not have access to it.');
  });

  test('answers 404 for a model the key may not use', async () => {
    const result = await call(standIn, 'GET', '/v1/models/gpt-4o', { key: RESTRICTED_KEY });

    expectOpenAiError(result, 404, { code: 'model_not_found' });
  });
});

describe('POST /v1/chat/completions', () => {
  test('sends a request body that matches the API description', () => {
    expectConforms('CreateChatCompletionRequest', chatBody());
  });

  test('answers with JSON that satisfies the schema', async () => {
    const result = await call(standIn, 'POST', '/v1/chat/completions', { body: chatBody() });

    expect(result.status).toBe(200);
    expectConforms('CreateChatCompletionResponse', result.body);
    expectCommonHeaders(result.headers);

    const choice = result.body.choices[0];
    expect(choice.finish_reason).toBe('stop');
    expect(choice.message.refusal).toBeNull();
    expectSatisfiesSchema(choice.message.content, ROUTING_SCHEMA);
    expect(JSON.parse(choice.message.content)).toEqual({ tier: 'Enterprise', region: 'EMEA', score: 1, summary: '', qualified: false });
    expect(result.body.model).toBe('gpt-4o-mini');
  });

  test('computes usage from characters', async () => {
    const result = await call(standIn, 'POST', '/v1/chat/completions', { body: chatBody() });

    const promptCharacters = 'Route the lead.'.length + ROUTING_INPUT.length;
    const content: string = result.body.choices[0].message.content;
    expect(result.body.usage.prompt_tokens).toBe(Math.ceil(promptCharacters / 4));
    expect(result.body.usage.completion_tokens).toBe(Math.ceil(content.length / 4));
    expect(result.body.usage.total_tokens).toBe(result.body.usage.prompt_tokens + result.body.usage.completion_tokens);
  });

  test('picks the first enum value without a keyword match', async () => {
    const body = chatBody({ messages: [{ role: 'user', content: 'No hint here.' }] });
    const result = await call(standIn, 'POST', '/v1/chat/completions', { body });

    expect(JSON.parse(result.body.choices[0].message.content)).toMatchObject({ tier: 'SMB', region: 'AMER' });
  });

  test('cuts the output at max_completion_tokens', async () => {
    const result = await call(standIn, 'POST', '/v1/chat/completions', { body: chatBody({ max_completion_tokens: 5 }) });

    expectConforms('CreateChatCompletionResponse', result.body);
    const choice = result.body.choices[0];
    expect(choice.finish_reason).toBe('length');
    expect(choice.message.content).toHaveLength(20);
    expect(() => JSON.parse(choice.message.content)).toThrow(SyntaxError);
    expect(result.body.usage.completion_tokens).toBe(5);
  });

  test('rejects an object without additionalProperties false', async () => {
    const schema = { ...ROUTING_SCHEMA, additionalProperties: undefined };
    const body = chatBody({ response_format: { type: 'json_schema', json_schema: { name: 'routing_outputs', schema, strict: true } } });
    const result = await call(standIn, 'POST', '/v1/chat/completions', { body });

    expectOpenAiError(result, 400, { type: 'invalid_request_error', code: null, param: 'response_format' });
    expect(result.body.error.message).toBe(
      "Invalid schema for response_format 'routing_outputs': In context=(), 'additionalProperties' is required to be supplied and to be false.",
    );
  });

  test('rejects a property missing from required', async () => {
    const schema = { ...ROUTING_SCHEMA, required: ['tier', 'region', 'score', 'qualified'] };
    const body = chatBody({ response_format: { type: 'json_schema', json_schema: { name: 'routing_outputs', schema, strict: true } } });
    const result = await call(standIn, 'POST', '/v1/chat/completions', { body });

    expectOpenAiError(result, 400, { code: null, param: 'response_format' });
    expect(result.body.error.message).toBe(
      "Invalid schema for response_format 'routing_outputs': In context=(), 'required' is required to be supplied and to be an array including every key in properties. Missing 'summary'.",
    );
  });

  test('names the nested schema that breaks strict mode', async () => {
    const schema = {
      type: 'object',
      additionalProperties: false,
      required: ['owner'],
      properties: { owner: { type: 'object', properties: { id: { type: 'string' } }, required: ['id'] } },
    };
    const body = chatBody({ response_format: { type: 'json_schema', json_schema: { name: 'nested', schema, strict: true } } });
    const result = await call(standIn, 'POST', '/v1/chat/completions', { body });

    expect(result.body.error.message).toBe(
      "Invalid schema for response_format 'nested': In context=('properties', 'owner'), 'additionalProperties' is required to be supplied and to be false.",
    );
  });

  test('accepts loose non-strict schema', async () => {
    const schema = { type: 'object', properties: { tier: { type: 'string' } } };
    const body = chatBody({ response_format: { type: 'json_schema', json_schema: { name: 'loose', schema } } });
    const result = await call(standIn, 'POST', '/v1/chat/completions', { body });

    expect(result.status).toBe(200);
    expect(JSON.parse(result.body.choices[0].message.content)).toEqual({ tier: '' });
  });

  test('rejects an invalid schema name', async () => {
    const body = chatBody({ response_format: { type: 'json_schema', json_schema: { name: 'has space', schema: ROUTING_SCHEMA, strict: true } } });
    const result = await call(standIn, 'POST', '/v1/chat/completions', { body });

    expectOpenAiError(result, 400, { code: 'invalid_value', param: 'response_format.json_schema.name' });
  });

  test.each([
    ['missing messages', { messages: undefined }, 'messages', 'missing_required_parameter'],
    ['empty messages', { messages: [] }, 'messages', 'empty_array'],
    ['unknown role', { messages: [{ role: 'robot', content: 'hi' }] }, 'messages[0].role', 'invalid_value'],
    ['temperature above 2', { temperature: 3 }, 'temperature', 'decimal_above_max_value'],
    ['zero max_completion_tokens', { max_completion_tokens: 0 }, 'max_completion_tokens', 'integer_below_min_value'],
    ['streaming', { stream: true }, 'stream', 'unsupported_value'],
    ['unknown response_format type', { response_format: { type: 'xml' } }, 'response_format.type', 'invalid_value'],
  ])('rejects %s', async (_case, overrides, param, code) => {
    const result = await call(standIn, 'POST', '/v1/chat/completions', { body: chatBody(overrides) });

    expectOpenAiError(result, 400, { type: 'invalid_request_error', code, param });
  });

  test('rejects a body that is not JSON', async () => {
    const result = await call(standIn, 'POST', '/v1/chat/completions', { body: '{"model": ' });

    expectOpenAiError(result, 400, { code: null, param: null });
  });

  test('answers 404 model_not_found for an unknown model', async () => {
    const result = await call(standIn, 'POST', '/v1/chat/completions', { body: chatBody({ model: 'gpt-unknown' }) });

    expectOpenAiError(result, 404, { code: 'model_not_found' });
  });

  test('answers 404 for an unknown URL', async () => {
    const result = await call(standIn, 'POST', '/v1/completions', { body: chatBody() });

    expectOpenAiError(result, 404, { code: null });
    expect(result.body.error.message).toBe('Invalid URL (POST /v1/completions)');
  });
});

describe('POST /v1/responses', () => {
  test('sends a request body that matches the API description', () => {
    expectConforms('CreateResponse', responsesBody());
  });

  test('answers with JSON that satisfies the schema', async () => {
    const result = await call(standIn, 'POST', '/v1/responses', { body: responsesBody() });

    expect(result.status).toBe(200);
    expectConforms('Response', result.body);
    expectCommonHeaders(result.headers);
    expect(result.body.status).toBe('completed');

    const text: string = result.body.output[0].content[0].text;
    expectSatisfiesSchema(text, ROUTING_SCHEMA);
    expect(JSON.parse(text)).toMatchObject({ tier: 'Enterprise', region: 'EMEA' });

    const promptCharacters = 'Route the lead.'.length + ROUTING_INPUT.length;
    expect(result.body.usage.input_tokens).toBe(Math.ceil(promptCharacters / 4));
    expect(result.body.usage.output_tokens).toBe(Math.ceil(text.length / 4));
  });

  test('accepts input as a list of messages', async () => {
    const body = responsesBody({ input: [{ role: 'user', content: [{ type: 'input_text', text: 'A Mid-Market lead in APAC.' }] }] });
    const result = await call(standIn, 'POST', '/v1/responses', { body });

    expectConforms('Response', result.body);
    expect(JSON.parse(result.body.output[0].content[0].text)).toMatchObject({ tier: 'Mid-Market', region: 'APAC' });
  });

  test('rejects a schema that breaks strict mode', async () => {
    const schema = { ...ROUTING_SCHEMA, additionalProperties: true };
    const body = responsesBody({ text: { format: { type: 'json_schema', name: 'routing_outputs', schema, strict: true } } });
    const result = await call(standIn, 'POST', '/v1/responses', { body });

    expectOpenAiError(result, 400, { type: 'invalid_request_error', code: 'invalid_json_schema', param: 'text.format.schema' });
  });

  test('rejects max_output_tokens below 16', async () => {
    const result = await call(standIn, 'POST', '/v1/responses', { body: responsesBody({ max_output_tokens: 8 }) });

    expectOpenAiError(result, 400, { code: 'integer_below_min_value', param: 'max_output_tokens' });
  });

  test('marks cut output as incomplete', async () => {
    const result = await call(standIn, 'POST', '/v1/responses', { body: responsesBody({ max_output_tokens: 16 }) });

    expectConforms('Response', result.body);
    expect(result.body.status).toBe('incomplete');
    expect(result.body.incomplete_details).toEqual({ reason: 'max_output_tokens' });
    expect(result.body.output[0].content[0].text).toHaveLength(64);
  });
});

/** How each endpoint is called and which schema its 200 reply must satisfy. */
const ENDPOINTS = [
  { name: 'GET /v1/models', method: 'GET', path: '/v1/models', body: () => undefined, schema: 'ListModelsResponse', generation: false },
  { name: 'GET /v1/models/{model}', method: 'GET', path: '/v1/models/gpt-4o', body: () => undefined, schema: 'Model', generation: false },
  { name: 'POST /v1/chat/completions', method: 'POST', path: '/v1/chat/completions', body: () => chatBody(), schema: 'CreateChatCompletionResponse', generation: true },
  { name: 'POST /v1/responses', method: 'POST', path: '/v1/responses', body: () => responsesBody(), schema: 'Response', generation: true },
];

/** The expected status, error fields and headers of every error scenario. */
const ERROR_SCENARIOS: Array<{
  scenario: ScenarioName;
  status: number;
  type: string;
  code: string | null;
  headers: Record<string, string | RegExp | null>;
  generationOnly?: boolean;
}> = [
  { scenario: 'invalid_api_key', status: 401, type: 'invalid_request_error', code: 'invalid_api_key', headers: {} },
  { scenario: 'mismatched_organization', status: 401, type: 'invalid_request_error', code: 'mismatched_organization', headers: {} },
  { scenario: 'permission_denied', status: 403, type: 'invalid_request_error', code: null, headers: {} },
  { scenario: 'model_not_found', status: 404, type: 'invalid_request_error', code: 'model_not_found', headers: {} },
  { scenario: 'rate_limited', status: 429, type: 'requests', code: 'rate_limit_exceeded', headers: { 'retry-after': '2', 'retry-after-ms': null } },
  {
    scenario: 'rate_limited_retry_after_ms',
    status: 429,
    type: 'requests',
    code: 'rate_limit_exceeded',
    headers: { 'retry-after-ms': '1500', 'retry-after': '2' },
  },
  {
    scenario: 'rate_limited_retry_after_date',
    status: 429,
    type: 'requests',
    code: 'rate_limit_exceeded',
    headers: { 'retry-after': /^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT$/, 'retry-after-ms': null },
  },
  {
    scenario: 'rate_limited_without_retry_after',
    status: 429,
    type: 'requests',
    code: 'rate_limit_exceeded',
    headers: { 'retry-after': null, 'retry-after-ms': null },
  },
  { scenario: 'insufficient_quota', status: 429, type: 'insufficient_quota', code: 'insufficient_quota', headers: { 'retry-after': null } },
  { scenario: 'server_error_500', status: 500, type: 'server_error', code: null, headers: { 'x-should-retry': null } },
  { scenario: 'server_error_500_no_retry', status: 500, type: 'server_error', code: null, headers: { 'x-should-retry': 'false' } },
  { scenario: 'bad_gateway_502', status: 502, type: 'server_error', code: null, headers: {} },
  { scenario: 'service_unavailable_503', status: 503, type: 'server_error', code: null, headers: {} },
  { scenario: 'gateway_timeout_504', status: 504, type: 'server_error', code: null, headers: {} },
  { scenario: 'schema_rejected', status: 400, type: 'invalid_request_error', code: null, headers: {}, generationOnly: true },
];

describe('error scenarios', () => {
  const cases = ENDPOINTS.flatMap((endpoint) =>
    ERROR_SCENARIOS.filter((expected) => endpoint.generation || !expected.generationOnly).map((expected) => ({ endpoint, expected })),
  );

  test.each(cases.map((entry) => [entry.expected.scenario, entry.endpoint.name, entry] as const))('%s on %s', async (_scenario, _endpoint, { endpoint, expected }) => {
    standIn.enqueueScenarios(expected.scenario);
    const result = await call(standIn, endpoint.method, endpoint.path, { body: endpoint.body() });

    const code = expected.scenario === 'schema_rejected' && endpoint.path === '/v1/responses' ? 'invalid_json_schema' : expected.code;
    expectOpenAiError(result, expected.status, { type: expected.type, code });
    expectCommonHeaders(result.headers);
    for (const [name, value] of Object.entries(expected.headers)) {
      if (value instanceof RegExp) {
        expect(result.headers.get(name)).toMatch(value);
      } else {
        expect(result.headers.get(name)).toBe(value);
      }
    }
    expect(standIn.pendingScenarios()).toBe(0);
    expect(standIn.stats().scenarios).toEqual({ [expected.scenario]: 1 });
  });

  test('rate_limited retry-after matches header schema', async () => {
    const headerSchema = spec.responseHeaderSchema('TooManyRequests', 'Retry-After');
    expect(headerSchema).toEqual({ type: 'integer', minimum: 1 });

    standIn.enqueueScenarios({ name: 'rate_limited', retryAfterMs: 10 });
    const result = await call(standIn, 'POST', '/v1/chat/completions', { body: chatBody() });

    expect(ajv.validate(headerSchema!, Number(result.headers.get('retry-after')))).toBe(true);
    expect(result.headers.get('retry-after')).toBe('1');
  });

  test('retry-after-ms carries the configured delay', async () => {
    standIn.enqueueScenarios({ name: 'rate_limited_retry_after_ms', retryAfterMs: 20 });
    const result = await call(standIn, 'POST', '/v1/chat/completions', { body: chatBody() });

    expect(result.headers.get('retry-after-ms')).toBe('20');
    expect(result.headers.get('retry-after')).toBe('1');
  });

  test('retry-after date lies about three seconds ahead', async () => {
    standIn.enqueueScenarios('rate_limited_retry_after_date');
    const result = await call(standIn, 'POST', '/v1/chat/completions', { body: chatBody() });

    const waitMs = Date.parse(result.headers.get('retry-after')!) - Date.now();
    expect(waitMs).toBeGreaterThan(1000);
    expect(waitMs).toBeLessThanOrEqual(3000);
  });

  test('5xx followed by success', async () => {
    standIn.enqueueScenarios('service_unavailable_503');

    const first = await call(standIn, 'POST', '/v1/chat/completions', { body: chatBody() });
    const second = await call(standIn, 'POST', '/v1/chat/completions', { body: chatBody() });

    expect(first.status).toBe(503);
    expect(second.status).toBe(200);
    expectConforms('CreateChatCompletionResponse', second.body);
  });
});

describe('content scenarios', () => {
  const generationEndpoints = ENDPOINTS.filter((endpoint) => endpoint.generation);

  test.each(generationEndpoints.map((endpoint) => [endpoint.name, endpoint] as const))('truncated on %s', async (_name, endpoint) => {
    standIn.enqueueScenarios('truncated');
    const result = await call(standIn, endpoint.method, endpoint.path, { body: endpoint.body() });

    expect(result.status).toBe(200);
    expectConforms(endpoint.schema, result.body);
    const text = endpoint.path === '/v1/responses' ? result.body.output[0].content[0].text : result.body.choices[0].message.content;
    expect(() => JSON.parse(text)).toThrow(SyntaxError);
    if (endpoint.path === '/v1/responses') {
      expect(result.body.status).toBe('incomplete');
      expect(result.body.incomplete_details).toEqual({ reason: 'max_output_tokens' });
    } else {
      expect(result.body.choices[0].finish_reason).toBe('length');
    }
  });

  test.each(generationEndpoints.map((endpoint) => [endpoint.name, endpoint] as const))('refusal on %s', async (_name, endpoint) => {
    standIn.enqueueScenarios('refusal');
    const result = await call(standIn, endpoint.method, endpoint.path, { body: endpoint.body() });

    expectConforms(endpoint.schema, result.body);
    if (endpoint.path === '/v1/responses') {
      expect(result.body.output[0].content).toEqual([{ type: 'refusal', refusal: "I can't help with that request." }]);
    } else {
      expect(result.body.choices[0].message).toMatchObject({ content: null, refusal: "I can't help with that request." });
      expect(result.body.choices[0].finish_reason).toBe('stop');
    }
  });

  test.each(generationEndpoints.map((endpoint) => [endpoint.name, endpoint] as const))('invalid_json on %s', async (_name, endpoint) => {
    standIn.enqueueScenarios('invalid_json');
    const result = await call(standIn, endpoint.method, endpoint.path, { body: endpoint.body() });

    expectConforms(endpoint.schema, result.body);
    const text = endpoint.path === '/v1/responses' ? result.body.output[0].content[0].text : result.body.choices[0].message.content;
    expect(text.startsWith('```json\n')).toBe(true);
    expect(() => JSON.parse(text)).toThrow(SyntaxError);
  });

  test.each(generationEndpoints.map((endpoint) => [endpoint.name, endpoint] as const))('content_filter on %s', async (_name, endpoint) => {
    standIn.enqueueScenarios('content_filter');
    const result = await call(standIn, endpoint.method, endpoint.path, { body: endpoint.body() });

    expectConforms(endpoint.schema, result.body);
    if (endpoint.path === '/v1/responses') {
      expect(result.body.incomplete_details).toEqual({ reason: 'content_filter' });
    } else {
      expect(result.body.choices[0].finish_reason).toBe('content_filter');
      expect(result.body.choices[0].message.content).toBeNull();
    }
  });

  test('content scenario waits for a generation request', async () => {
    standIn.enqueueScenarios('refusal');

    const models = await call(standIn, 'GET', '/v1/models');
    expect(models.status).toBe(200);
    expect(standIn.pendingScenarios()).toBe(1);

    const chat = await call(standIn, 'POST', '/v1/chat/completions', { body: chatBody() });
    expect(chat.body.choices[0].message.refusal).not.toBeNull();
    expect(standIn.pendingScenarios()).toBe(0);
  });

  test('queued scenario with a path waits for that path', async () => {
    standIn.enqueueScenarios({ name: 'server_error_500', path: '/v1/models' });

    const chat = await call(standIn, 'POST', '/v1/chat/completions', { body: chatBody() });
    const models = await call(standIn, 'GET', '/v1/models');

    expect(chat.status).toBe(200);
    expect(models.status).toBe(500);
  });
});

describe('scenario selection', () => {
  test('header plays a scenario for one request', async () => {
    const result = await call(standIn, 'POST', '/v1/chat/completions', { body: chatBody(), headers: { [SCENARIO_HEADER]: 'gateway_timeout_504' } });
    const next = await call(standIn, 'POST', '/v1/chat/completions', { body: chatBody() });

    expect(result.status).toBe(504);
    expect(next.status).toBe(200);
  });

  test('header carries the retry delay', async () => {
    const headers = { [SCENARIO_HEADER]: 'rate_limited_retry_after_ms', 'x-stand-in-retry-after-ms': '250' };
    const result = await call(standIn, 'POST', '/v1/chat/completions', { body: chatBody(), headers });

    expect(result.headers.get('retry-after-ms')).toBe('250');
  });

  test('rejects unknown header scenario', async () => {
    const result = await call(standIn, 'GET', '/v1/models', { headers: { [SCENARIO_HEADER]: 'teapot' } });

    expectOpenAiError(result, 400, { code: 'invalid_value', param: 'x-stand-in-scenario' });
    expect(result.body.error.message).toBe(`Unknown stand-in scenario "teapot". Expected one of: ${SCENARIO_NAMES.join(', ')}.`);
  });

  test('enqueueing an unknown scenario throws', () => {
    expect(() => standIn.enqueueScenarios('teapot' as ScenarioName)).toThrow(
      `Unknown stand-in scenario "teapot". Expected one of: ${SCENARIO_NAMES.join(', ')}.`,
    );
    expect(() => standIn.enqueueScenarios({ name: 'slow_headers', delayMs: -1 } as ScenarioSpec)).toThrow(
      'Invalid delayMs -1 for stand-in scenario "slow_headers": expected a number of ms >= 0.',
    );
  });

  test('header wins over the queue', async () => {
    standIn.enqueueScenarios('server_error_500');
    const result = await call(standIn, 'GET', '/v1/models', { headers: { [SCENARIO_HEADER]: 'normal' } });

    expect(result.status).toBe(200);
    expect(standIn.pendingScenarios()).toBe(1);
  });
});

describe('scenario rules and answers', () => {
  let configured: OpenAiStandIn;

  beforeAll(async () => {
    configured = await startOpenAiStandIn({
      scenarioRules: [
        { inputIncludes: 'TRIGGER-REFUSAL', scenario: 'refusal' },
        { inputIncludes: 'TRIGGER-OVERLOAD', scenario: { name: 'service_unavailable_503' } },
      ],
      enumKeywords: { 'Mid-Market': ['500 employees', 'midsize'] },
      answer: (context) => (context.schemaName === 'custom' ? { echo: context.input, instructions: context.instructions } : undefined),
    });
  });

  afterAll(async () => {
    await configured.close();
  });

  test('rule plays a scenario when the input matches', async () => {
    const refused = await call(configured, 'POST', '/v1/chat/completions', {
      body: chatBody({ messages: [{ role: 'user', content: 'Lead TRIGGER-REFUSAL' }] }),
    });
    const overloaded = await call(configured, 'POST', '/v1/responses', { body: responsesBody({ input: 'TRIGGER-OVERLOAD now' }) });
    const plain = await call(configured, 'POST', '/v1/chat/completions', { body: chatBody() });

    expect(refused.body.choices[0].message.refusal).toBe("I can't help with that request.");
    expect(overloaded.status).toBe(503);
    expect(plain.status).toBe(200);
  });

  test('enum keywords pick their value', async () => {
    const body = chatBody({ messages: [{ role: 'user', content: 'A midsize company in EMEA.' }] });
    const result = await call(configured, 'POST', '/v1/chat/completions', { body });

    expect(JSON.parse(result.body.choices[0].message.content)).toMatchObject({ tier: 'Mid-Market', region: 'EMEA' });
  });

  test('answer function replaces the default', async () => {
    const schema = {
      type: 'object',
      additionalProperties: false,
      required: ['echo', 'instructions'],
      properties: { echo: { type: 'string' }, instructions: { type: 'string' } },
    };
    const body = chatBody({ response_format: { type: 'json_schema', json_schema: { name: 'custom', schema, strict: true } } });
    const result = await call(configured, 'POST', '/v1/chat/completions', { body });

    expect(JSON.parse(result.body.choices[0].message.content)).toEqual({ echo: ROUTING_INPUT, instructions: 'Route the lead.' });
  });
});

describe('transport scenarios', () => {
  test('slow_headers delays the first byte', async () => {
    standIn.enqueueScenarios({ name: 'slow_headers', delayMs: 300 });

    const startedAt = performance.now();
    const result = await call(standIn, 'POST', '/v1/chat/completions', { body: chatBody() });
    const elapsedMs = performance.now() - startedAt;

    expect(elapsedMs).toBeGreaterThanOrEqual(290);
    expect(result.status).toBe(200);
    expectConforms('CreateChatCompletionResponse', result.body);
    expect(Number(result.headers.get('openai-processing-ms'))).toBeGreaterThanOrEqual(290);
  });

  test('slow_headers times out a client with a short deadline', async () => {
    standIn.enqueueScenarios({ name: 'slow_headers', delayMs: 5_000 });

    const pending = fetch(`${standIn.baseUrl}/models`, { headers: { authorization: `Bearer ${STAND_IN_KEY}` }, signal: AbortSignal.timeout(150) });

    await expect(pending).rejects.toMatchObject({ name: 'TimeoutError' });
  });

  test('stalled_body sends headers then stalls', async () => {
    standIn.enqueueScenarios({ name: 'stalled_body', delayMs: 5_000 });

    const response = await fetch(`${standIn.baseUrl}/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${STAND_IN_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify(chatBody()),
      signal: AbortSignal.timeout(300),
    });

    expect(response.status).toBe(200);
    expectCommonHeaders(response.headers);
    await expect(response.text()).rejects.toMatchObject({ name: 'TimeoutError' });
  });

  test('stalled_body completes after its delay', async () => {
    standIn.enqueueScenarios({ name: 'stalled_body', delayMs: 100 });
    const result = await call(standIn, 'POST', '/v1/chat/completions', { body: chatBody() });

    expectConforms('CreateChatCompletionResponse', result.body);
  });

  test('connection_reset resets the connection', async () => {
    standIn.enqueueScenarios('connection_reset');

    const pending = fetch(`${standIn.baseUrl}/models`, { headers: { authorization: `Bearer ${STAND_IN_KEY}` } });

    await expect(pending).rejects.toMatchObject({ name: 'TypeError', cause: { code: 'ECONNRESET' } });
    expect(standIn.stats().byStatus).toEqual({ reset: 1 });
  });

  test('close ends a stalled request at once', async () => {
    const closing = await startOpenAiStandIn();
    closing.enqueueScenarios({ name: 'slow_headers', delayMs: 60_000 });
    const pending = fetch(`${closing.baseUrl}/models`, { headers: { authorization: `Bearer ${STAND_IN_KEY}` } });
    await new Promise((resolve) => setTimeout(resolve, 50));

    const startedAt = performance.now();
    await closing.close();

    await expect(pending).rejects.toThrow('fetch failed');
    expect(performance.now() - startedAt).toBeLessThan(1_000);
  });
});

describe('rate limits', () => {
  async function withStandIn(options: OpenAiStandInOptions, run: (target: OpenAiStandIn) => Promise<void>): Promise<void> {
    const target = await startOpenAiStandIn(options);
    try {
      await run(target);
    } finally {
      await target.close();
    }
  }

  test('requests-per-minute ceiling answers 429 with retry-after', async () => {
    await withStandIn({ requestsPerMinute: 3 }, async (target) => {
      const remaining: Array<string | null> = [];
      for (let index = 0; index < 3; index += 1) {
        const result = await call(target, 'POST', '/v1/chat/completions', { body: chatBody() });
        expect(result.status).toBe(200);
        remaining.push(result.headers.get('x-ratelimit-remaining-requests'));
      }
      const rejected = await call(target, 'POST', '/v1/chat/completions', { body: chatBody() });

      expect(remaining).toEqual(['2', '1', '0']);
      expectOpenAiError(rejected, 429, { type: 'requests', code: 'rate_limit_exceeded', param: null });
      expect(rejected.headers.get('retry-after')).toBe('20');
      expect(rejected.headers.get('x-ratelimit-limit-requests')).toBe('3');
      expect(rejected.headers.get('x-ratelimit-remaining-requests')).toBe('0');
      expect(rejected.headers.get('x-ratelimit-reset-requests')).toMatch(/^(5\d|60)(\.\d+)?s$|^1m0s$/);
      expect(rejected.body.error.message).toMatch(/^Rate limit reached for gpt-4o-mini in organization org-stand-in on requests per min \(RPM\): Limit 3, Used 3, Requested 1\. Please try again in (19|20)(\.\d+)?s\.$/);
      expect(target.stats().rateLimitRejections).toEqual({ requests: 1, tokens: 0 });
      expect(target.stats().byPath['POST /v1/chat/completions']).toEqual({ requests: 4, byStatus: { '200': 3, '429': 1 } });
    });
  });

  test('requests-per-minute ceiling leaves the models endpoint alone', async () => {
    await withStandIn({ requestsPerMinute: 1 }, async (target) => {
      await call(target, 'POST', '/v1/chat/completions', { body: chatBody() });
      const models = await call(target, 'GET', '/v1/models');

      expect(models.status).toBe(200);
      expect(models.headers.get('x-ratelimit-remaining-requests')).toBe('0');
    });
  });

  test('limits are counted per key', async () => {
    const secondKey = 'sk-test-stand-in-second-key-0000';
    await withStandIn({ requestsPerMinute: 1, keys: [STAND_IN_KEY, secondKey] }, async (target) => {
      const first = await call(target, 'POST', '/v1/chat/completions', { body: chatBody() });
      const second = await call(target, 'POST', '/v1/chat/completions', { body: chatBody(), key: secondKey });

      expect(first.status).toBe(200);
      expect(second.status).toBe(200);
    });
  });

  test('tokens-per-minute ceiling answers 429 of type tokens', async () => {
    await withStandIn({ tokensPerMinute: 1_000 }, async (target) => {
      const first = await call(target, 'POST', '/v1/chat/completions', { body: chatBody({ max_completion_tokens: 600 }) });
      const second = await call(target, 'POST', '/v1/chat/completions', { body: chatBody({ max_completion_tokens: 600 }) });

      expect(first.status).toBe(200);
      expect(first.headers.get('x-ratelimit-limit-tokens')).toBe('1000');
      const charged = 600 + Math.ceil(('Route the lead.'.length + ROUTING_INPUT.length) / 4);
      expect(first.headers.get('x-ratelimit-remaining-tokens')).toBe(String(1_000 - charged));
      expectOpenAiError(second, 429, { type: 'tokens', code: 'rate_limit_exceeded' });
      expect(Number(second.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect(target.stats().rateLimitRejections).toEqual({ requests: 0, tokens: 1 });
    });
  });

  test('response delay applies to every reply', async () => {
    await withStandIn({ responseDelayMs: 150 }, async (target) => {
      const startedAt = performance.now();
      const result = await call(target, 'GET', '/v1/models', { key: UNKNOWN_KEY });

      expect(result.status).toBe(401);
      expect(performance.now() - startedAt).toBeGreaterThanOrEqual(140);
      expect(Number(result.headers.get('openai-processing-ms'))).toBeGreaterThanOrEqual(140);
    });
  });

  test('invalid options are rejected', async () => {
    await expect(startOpenAiStandIn({ requestsPerMinute: 0 })).rejects.toThrow('Invalid stand-in option requestsPerMinute 0: expected a number > 0.');
    await expect(startOpenAiStandIn({ responseDelayMs: -5 })).rejects.toThrow('Invalid stand-in option responseDelayMs -5: expected a number of ms >= 0.');
    await expect(startOpenAiStandIn({ models: [] })).rejects.toThrow('Invalid stand-in models []: expected at least one non-empty model id.');
  });
});

describe('counters and recorded requests', () => {
  test('stats count requests, statuses, scenarios and tokens', async () => {
    await call(standIn, 'GET', '/v1/models');
    const chat = await call(standIn, 'POST', '/v1/chat/completions', { body: chatBody() });
    standIn.enqueueScenarios('rate_limited');
    await call(standIn, 'POST', '/v1/chat/completions', { body: chatBody() });

    const stats = standIn.stats();
    expect(stats.requests).toBe(3);
    expect(stats.byPath).toEqual({
      'GET /v1/models': { requests: 1, byStatus: { '200': 1 } },
      'POST /v1/chat/completions': { requests: 2, byStatus: { '200': 1, '429': 1 } },
    });
    expect(stats.byStatus).toEqual({ '200': 2, '429': 1 });
    expect(stats.scenarios).toEqual({ rate_limited: 1 });
    expect(stats.tokens.total).toBe(chat.body.usage.total_tokens);
    expect(stats.lastMinute).toEqual({ requests: 2, tokens: chat.body.usage.total_tokens });
    expect(stats.rateLimitRejections).toEqual({ requests: 0, tokens: 0 });
    expect(stats.inFlight).toBe(0);
    expect(stats.maxInFlight).toBe(1);
  });

  test('recorded requests omit authorization header', async () => {
    await call(standIn, 'POST', '/v1/chat/completions', { body: chatBody() });

    const [recorded] = standIn.recordedRequests();
    expect(recorded).toMatchObject({ method: 'POST', path: '/v1/chat/completions', apiKey: STAND_IN_KEY, body: chatBody() });
    expect(recorded!.headers.authorization).toBeUndefined();
  });

  test('control endpoints queue scenarios and report stats', async () => {
    const queued = await fetch(`${standIn.origin}/_stand-in/scenarios`, { method: 'POST', body: JSON.stringify(['bad_gateway_502', { name: 'normal' }]) });
    expect(await queued.json()).toEqual({ pending: 2 });

    const failed = await call(standIn, 'GET', '/v1/models');
    const passed = await call(standIn, 'GET', '/v1/models');
    const stats = (await (await fetch(`${standIn.origin}/_stand-in/stats`)).json()) as StandInStats;

    expect(failed.status).toBe(502);
    expect(passed.status).toBe(200);
    expect(stats.byStatus).toEqual({ '200': 1, '502': 1 });

    const reset = await fetch(`${standIn.origin}/_stand-in/reset`, { method: 'POST' });
    expect(reset.status).toBe(200);
    expect(standIn.stats().requests).toBe(0);
  });

  test('control endpoint rejects an invalid scenario list', async () => {
    const response = await fetch(`${standIn.origin}/_stand-in/scenarios`, { method: 'POST', body: JSON.stringify({ name: 'refusal' }) });

    expect(response.status).toBe(400);
    const body = (await response.json()) as { error: { message: string } };
    expect(body.error.message).toBe('Expected a JSON array of scenario names or {"name": ...} objects.');
  });
});
