import { buildApp } from '../../../connector/src/app';
import type { ConnectorServices } from '../../../connector/src/services';
import { startTestConnector, TEST_ACTOR, type TestConnector } from '../../helpers/connector-app';
import { addNewOrg, leadId, loadExampleFlow } from './support';

describe('request robustness (sqlite)', () => {
  let connector: TestConnector;
  let token: string;

  beforeAll(async () => {
    connector = await startTestConnector('sqlite', { env: { KEYROUTE_BODY_LIMIT_BYTES: '16384' } });
    ({ token } = await addNewOrg(connector));
  });

  afterAll(async () => {
    await connector.close();
  });

  it('logs one line per request', async () => {
    const requestId = 'log-line-check-0001';

    await connector.app.inject({ method: 'GET', url: '/v1/org', headers: { authorization: `Bearer ${token}`, 'x-request-id': requestId } });

    const lines = connector.logs.map((line) => JSON.parse(line) as Record<string, unknown>).filter((line) => line.reqId === requestId);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ msg: 'request completed', method: 'GET', url: '/v1/org', statusCode: 200, level: 30 });
    expect(typeof lines[0]!.orgId).toBe('string');
    expect(lines[0]!.responseTimeMs).toEqual(expect.any(Number));
  });

  it('accepts a lowercase bearer scheme', async () => {
    const response = await connector.app.inject({ method: 'GET', url: '/v1/org', headers: { authorization: `bearer ${token}` } });

    expect(response.statusCode).toBe(200);
  });

  it.each([
    ['a NUL character', 'Ann\u0000Admin'],
    ['an escape sequence', 'Ann\u001b[31mAdmin'],
    ['a line break', 'Ann\nAdmin'],
    ['a text-direction override', 'Ann\u202eAdmin'],
  ])('rejects an actor name with %s', async (_case, name) => {
    const response = await connector.call(token, 'PUT', '/v1/settings/ai', {
      aiInferenceEnabled: false,
      provider: null,
      actor: { userId: TEST_ACTOR.userId, name },
    });

    expect(response.statusCode).toBe(400);
    expect(response.json().error.fields).toEqual([
      { field: 'body.actor.name', message: 'expected a name without control or text-direction characters' },
    ]);
  });

  it('rejects a blank actor name', async () => {
    const response = await connector.call(token, 'PUT', '/v1/settings/ai', {
      aiInferenceEnabled: false,
      provider: null,
      actor: { userId: TEST_ACTOR.userId, name: '   ' },
    });

    expect(response.statusCode).toBe(400);
    expect(response.json().error.fields).toEqual([{ field: 'body.actor.name', message: "expected the user's name, 1 to 255 characters" }]);
  });

  it.each(['../../etc', 'gpt 4o', 'gpt\u00004o', ''])('rejects the default model %j', async (defaultModel) => {
    const response = await connector.call(token, 'PUT', '/v1/settings/ai', {
      aiInferenceEnabled: false,
      provider: null,
      defaultModel,
      actor: TEST_ACTOR,
    });

    expect(response.statusCode).toBe(400);
    expect(response.json().error.fields).toEqual([
      { field: 'body.defaultModel', message: 'expected a model id such as gpt-4o-mini (letters, digits, ".", "_", ":" and "-")' },
    ]);
  });

  it('accepts a fine-tuned model id', async () => {
    const response = await connector.call(token, 'PUT', '/v1/settings/ai', {
      aiInferenceEnabled: false,
      provider: null,
      defaultModel: 'ft:gpt-4o-mini:acme::abc123',
      actor: TEST_ACTOR,
    });

    expect(response.statusCode).toBe(200);
    expect(response.json().defaultModel).toBe('ft:gpt-4o-mini:acme::abc123');
  });

  it('names the accepted field values', async () => {
    const response = await connector.call(token, 'POST', '/v1/flows/validate', { definition: {} });
    expect(response.statusCode).toBe(200);

    const run = await connector.call(token, 'POST', '/v1/flows/run', {
      definition: loadExampleFlow(),
      records: [{ id: leadId(1), fields: { Description: { nested: true } } }],
    });

    expect(run.statusCode).toBe(400);
    expect(run.json().error.fields).toEqual([
      { field: 'body.records[0].fields.Description', message: 'expected text (at most 131072 characters), a number, true, false or null' },
    ]);
  });

  it('says that JSON is expected for another content type', async () => {
    const response = await connector.app.inject({
      method: 'PUT',
      url: '/v1/settings/ai',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/xml' },
      payload: '<settings/>',
    });

    expect(response.statusCode).toBe(415);
    expect(response.json().error).toMatchObject({
      code: 'unsupported_media_type',
      message: 'Unsupported content type: send the body as JSON with "Content-Type: application/json".',
    });
  });

  it('names the record body limit and its setting', async () => {
    const records = [{ id: leadId(1), fields: { Description: 'x'.repeat(20_000) } }];

    const response = await connector.call(token, 'POST', '/v1/flows/run', { definition: loadExampleFlow(), records });

    expect(response.statusCode).toBe(413);
    expect(response.json().error).toMatchObject({
      code: 'body_too_large',
      message:
        'The request body is larger than the connector accepts (16384 bytes, set by KEYROUTE_BODY_LIMIT_BYTES). Send fewer records per call.',
    });
  });

  it('limits other routes to 1 MB', async () => {
    const response = await connector.call(token, 'POST', '/v1/flows/validate', { definition: { padding: 'x'.repeat(1_100_000) } });

    expect(response.statusCode).toBe(413);
    expect(response.json().error).toMatchObject({
      code: 'body_too_large',
      message: 'The request body is larger than the connector accepts for this route (1048576 bytes).',
    });
  });

  it('answers unknown routes without reading the body', async () => {
    const response = await connector.app.inject({ method: 'POST', url: '/nope?secret=1', payload: { padding: 'x'.repeat(1_100_000) } });

    expect(response.statusCode).toBe(404);
    expect(response.json().error).toMatchObject({ code: 'not_found', message: 'No route POST /nope.' });
  });

  it('rejects a body of too many objects before parsing it', async () => {
    const nodes = Array.from({ length: 25_000 }, () => ({}));

    const response = await connector.call(token, 'POST', '/v1/flows/validate', { definition: { nodes } });

    expect(response.statusCode).toBe(400);
    expect(response.json().error).toMatchObject({
      code: 'invalid_request',
      fields: [{ field: 'body', message: 'expected at most 20000 objects and arrays and 100000 values in one body; send fewer records per call' }],
    });
  });

  it('rejects a body of too many values before parsing it', async () => {
    const response = await connector.app.inject({
      method: 'POST',
      url: '/v1/flows/validate',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      payload: `{"definition": [${'0,'.repeat(100_000)}0]}`,
    });

    expect(response.statusCode).toBe(400);
    expect(response.json().error.fields[0].field).toBe('body');
  });

  it('leaves braces and commas inside strings alone', async () => {
    const description = '{[,'.repeat(40_000);

    const response = await connector.call(token, 'POST', '/v1/flows/validate', { definition: { name: description } });

    expect(response.statusCode).toBe(200);
  });

  it('rejects a record with too many fields', async () => {
    const fields = Object.fromEntries(Array.from({ length: 201 }, (_, index) => [`Field${index}__c`, index]));

    const response = await connector.call(token, 'POST', '/v1/flows/run', { definition: loadExampleFlow(), records: [{ id: leadId(1), fields }] });

    expect(response.statusCode).toBe(400);
    expect(response.json().error.fields).toEqual([
      { field: 'body.records[0].fields', message: 'expected at most 200 fields; send only the fields the flow reads' },
    ]);
  });

  it('times out a request after the queue wait and the body timeout', () => {
    expect(connector.app.server.requestTimeout).toBe(20_000 + 30_000);
  });
});

describe('database outage', () => {
  it('answers 503 with Retry-After', async () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
    const services = {
      database: { query: async () => Promise.reject(refused) },
      orgs: { authenticate: async () => Promise.reject(refused) },
    } as unknown as ConnectorServices;
    const logs: string[] = [];
    const app = await buildApp({ config: { logLevel: 'info', bodyLimitBytes: 1_000_000, queueWaitMs: 20_000, bodyTimeoutMs: 30_000 }, services, logStream: { write: (line) => void logs.push(line) } });

    const response = await app.inject({ method: 'GET', url: '/v1/org', headers: { authorization: 'Bearer kr_sometoken' } });
    const readiness = await app.inject({ method: 'GET', url: '/readyz' });
    await app.close();

    expect(response.statusCode).toBe(503);
    expect(response.headers['retry-after']).toBe('30');
    expect(response.json().error).toMatchObject({
      code: 'database_unavailable',
      message: 'The connector cannot reach its database right now. Nothing was changed; retry in a minute.',
    });
    expect(readiness.statusCode).toBe(503);
    expect(logs.some((line) => line.includes('"msg":"database unavailable"'))).toBe(true);
  });
});

describe('stored key that cannot be decrypted (sqlite)', () => {
  let connector: TestConnector;
  let token: string;

  beforeAll(async () => {
    connector = await startTestConnector('sqlite');
    ({ token } = await addNewOrg(connector));
    await connector.connectOpenAi(token);
    await connector.call(token, 'PUT', '/v1/settings/ai', { aiInferenceEnabled: true, provider: 'openai', defaultModel: 'gpt-4o-mini', actor: TEST_ACTOR });
    // As if the key file had been replaced by one without the version that wrapped the key.
    await connector.database.db.execute("UPDATE provider_credentials SET master_key_version = 'v9'");
  });

  afterAll(async () => {
    await connector.close();
  });

  const unreadable =
    'The stored OpenAI key cannot be decrypted: the master key that encrypted it is missing from the connector. ' +
    'The connector\'s operator should restore the master key (see "keyroute master-key status"); otherwise authorize the key again on the Integrations page.';

  it('sends each record down the error edge', async () => {
    const response = await connector.call(token, 'POST', '/v1/flows/run', {
      definition: loadExampleFlow(),
      records: [
        { id: leadId(1), fields: { Description: 'How do I locate my card?', LeadSource: 'Web' } },
        { id: leadId(2), fields: { Description: 'Thanks for the meeting', LeadSource: 'Web' } },
      ],
    });

    expect(response.statusCode).toBe(200);
    for (const result of response.json().results) {
      expect(result.status).toBe('routed');
      expect(result.path).toEqual(['classify', 'assign_fallback', 'done']);
      expect(result.inferences[0]).toMatchObject({ outcome: 'error', errorCode: 'not_authorized', errorMessage: unreadable });
    }
  });

  it('answers a key check with key_unreadable', async () => {
    const response = await connector.call(token, 'POST', '/v1/providers/openai/check');

    expect(response.statusCode).toBe(500);
    expect(response.json().error).toMatchObject({ code: 'key_unreadable', message: unreadable });
  });
});
