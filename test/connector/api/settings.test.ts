import { STAND_IN_KEY } from '../../openai-stand-in/index.ts';
import { startTestConnector, type TestConnector } from '../../helpers/connector-app';
import { DATABASE_BACKENDS } from '../../helpers/databases';
import { addNewOrg, body, expectError, OTHER_ACTOR, TEST_ACTOR } from './support';

const DEFAULT_SETTINGS = {
  aiInferenceEnabled: false,
  provider: null,
  defaultModel: null,
  updatedBy: null,
  updatedAt: null,
};

describe.each(DATABASE_BACKENDS)('AI settings API (%s)', (kind) => {
  let connector: TestConnector;

  beforeAll(async () => {
    connector = await startTestConnector(kind);
  });

  afterAll(async () => {
    await connector.close();
  });

  const save = (token: string, settings: Record<string, unknown>) =>
    connector.call(token, 'PUT', '/v1/settings/ai', { actor: TEST_ACTOR, ...settings });

  const authorize = (token: string) =>
    connector.call(token, 'POST', '/v1/providers/openai/authorize', { apiKey: STAND_IN_KEY, actor: TEST_ACTOR });

  it('returns the defaults of a new org', async () => {
    const { token } = await addNewOrg(connector);

    const response = await connector.call(token, 'GET', '/v1/settings/ai');

    expect(response.statusCode).toBe(200);
    expect(body(response)).toEqual(DEFAULT_SETTINGS);
  });

  it('rejects enabling without a connected key', async () => {
    const { token } = await addNewOrg(connector);

    const response = await save(token, { aiInferenceEnabled: true, provider: 'openai' });

    expectError(
      response,
      409,
      'provider_not_connected',
      'No OpenAI key is authorized for this org. Authorize a key for OpenAI on the Integrations page first, then enable the AI Inference node.',
    );
    expect(body(await connector.call(token, 'GET', '/v1/settings/ai'))).toEqual(DEFAULT_SETTINGS);
  });

  it('rejects enabling with a disabled key', async () => {
    const { token } = await addNewOrg(connector);
    await authorize(token);
    await connector.call(token, 'POST', '/v1/providers/openai/disable', { actor: TEST_ACTOR });

    const response = await save(token, { aiInferenceEnabled: true, provider: 'openai' });

    expectError(
      response,
      409,
      'provider_not_connected',
      'The OpenAI key of this org was disabled. Authorize a key for OpenAI on the Integrations page first, then enable the AI Inference node.',
    );
  });

  it('rejects enabling with an invalid key', async () => {
    const { token } = await addNewOrg(connector);
    await authorize(token);
    connector.standIn.enqueueScenarios({ name: 'invalid_api_key', path: '/v1/models' });
    await connector.call(token, 'POST', '/v1/providers/openai/check');

    const response = await save(token, { aiInferenceEnabled: true, provider: 'openai' });

    expectError(
      response,
      409,
      'provider_not_connected',
      "OpenAI rejected this org's key at its last check. Authorize a key for OpenAI on the Integrations page first, then enable the AI Inference node.",
    );
  });

  it('rejects enabling without a provider', async () => {
    const { token } = await addNewOrg(connector);

    const response = await save(token, { aiInferenceEnabled: true, provider: null });

    expectError(
      response,
      400,
      'invalid_request',
      'Invalid request. body.provider: choose a provider to enable the AI Inference node.',
    );
    expect(body(response).error.fields).toEqual([
      { field: 'body.provider', message: 'choose a provider to enable the AI Inference node' },
    ]);
  });

  const badRequests: Array<[string, Record<string, unknown>, string]> = [
    ['an unknown provider', { aiInferenceEnabled: false, provider: 'anthropic' }, 'body.provider: expected "openai"'],
    ['a missing aiInferenceEnabled', { provider: null }, 'body.aiInferenceEnabled: required: expected true or false'],
    [
      'a text aiInferenceEnabled',
      { aiInferenceEnabled: 'yes', provider: null },
      'body.aiInferenceEnabled: expected true or false, got text',
    ],
    [
      'an empty defaultModel',
      { aiInferenceEnabled: false, provider: null, defaultModel: '' },
      'body.defaultModel: expected a model id such as gpt-4o-mini (letters, digits, ".", "_", ":" and "-")',
    ],
    [
      'a defaultModel over 100 characters',
      { aiInferenceEnabled: false, provider: null, defaultModel: 'm'.repeat(101) },
      'body.defaultModel: expected a model id such as gpt-4o-mini (letters, digits, ".", "_", ":" and "-")',
    ],
  ];

  it.each(badRequests)('rejects %s', async (_case, settings, detail) => {
    const { token } = await addNewOrg(connector);

    const response = await save(token, settings);

    expectError(response, 400, 'invalid_request', `Invalid request. ${detail}`);
  });

  it('rejects a missing actor', async () => {
    const { token } = await addNewOrg(connector);

    const response = await connector.call(token, 'PUT', '/v1/settings/ai', {
      aiInferenceEnabled: false,
      provider: null,
    });

    expectError(response, 400, 'invalid_request', 'Invalid request. body.actor: required: expected an object');
  });

  it('saves the settings and audits the change', async () => {
    const { token } = await addNewOrg(connector);
    await authorize(token);

    const response = await save(token, { aiInferenceEnabled: true, provider: 'openai', defaultModel: 'gpt-4o-mini' });

    expect(response.statusCode).toBe(200);
    expect(body(response)).toEqual({
      aiInferenceEnabled: true,
      provider: 'openai',
      defaultModel: 'gpt-4o-mini',
      updatedBy: TEST_ACTOR,
      updatedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    });
    expect(body(await connector.call(token, 'GET', '/v1/settings/ai'))).toEqual(body(response));
    const events = body(await connector.call(token, 'GET', '/v1/audit-events')).events;
    expect(events[0]).toEqual({
      id: expect.any(Number),
      at: expect.any(String),
      action: 'settings.ai_saved',
      actor: TEST_ACTOR,
      provider: 'openai',
      details: {
        aiInferenceEnabled: { from: false, to: true },
        provider: { from: null, to: 'openai' },
        defaultModel: { from: null, to: 'gpt-4o-mini' },
      },
    });
  });

  it('keeps an omitted default model', async () => {
    const { token } = await addNewOrg(connector);
    await authorize(token);
    await save(token, { aiInferenceEnabled: true, provider: 'openai', defaultModel: 'gpt-4o' });

    const response = await connector.call(token, 'PUT', '/v1/settings/ai', {
      aiInferenceEnabled: false,
      provider: 'openai',
      actor: OTHER_ACTOR,
    });

    expect(body(response)).toMatchObject({
      aiInferenceEnabled: false,
      provider: 'openai',
      defaultModel: 'gpt-4o',
      updatedBy: OTHER_ACTOR,
    });
    const events = body(await connector.call(token, 'GET', '/v1/audit-events')).events;
    expect(events[0].details).toEqual({
      aiInferenceEnabled: { from: true, to: false },
      provider: { from: 'openai', to: 'openai' },
      defaultModel: { from: 'gpt-4o', to: 'gpt-4o' },
    });
  });

  it('clears the default model with null', async () => {
    const { token } = await addNewOrg(connector);
    await authorize(token);
    await save(token, { aiInferenceEnabled: true, provider: 'openai', defaultModel: 'gpt-4o' });

    const response = await save(token, { aiInferenceEnabled: true, provider: 'openai', defaultModel: null });

    expect(body(response).defaultModel).toBeNull();
  });

  it('allows turning off without a connected provider', async () => {
    const { token } = await addNewOrg(connector);

    const response = await save(token, { aiInferenceEnabled: false, provider: null });

    expect(response.statusCode).toBe(200);
    expect(body(response)).toMatchObject({ aiInferenceEnabled: false, provider: null, updatedBy: TEST_ACTOR });
  });
});
