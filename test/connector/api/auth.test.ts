import { removeOrg, rotateToken } from '../../../connector/src/orgs';
import { startTestConnector, type TestConnector } from '../../helpers/connector-app';
import { DATABASE_BACKENDS } from '../../helpers/databases';
import { addNewOrg, body, expectError } from './support';

const MISSING_HEADER = 'Missing Authorization header. Send "Authorization: Bearer <org token>".';
const MALFORMED_HEADER = 'Malformed Authorization header. Send "Authorization: Bearer <org token>".';
const INVALID_TOKEN =
  "The org token is not valid. Check the token in the Keyroute_Connector credential, or ask the connector's operator for a new one.";

/** Every route under /v1, as the OpenAPI document spells its path. */
const V1_OPERATIONS: Array<{ method: 'GET' | 'POST' | 'PUT'; path: string }> = [
  { method: 'GET', path: '/v1/org' },
  { method: 'GET', path: '/v1/providers' },
  { method: 'GET', path: '/v1/providers/{provider}' },
  { method: 'POST', path: '/v1/providers/{provider}/authorize' },
  { method: 'POST', path: '/v1/providers/{provider}/disable' },
  { method: 'POST', path: '/v1/providers/{provider}/check' },
  { method: 'GET', path: '/v1/providers/{provider}/models' },
  { method: 'GET', path: '/v1/settings/ai' },
  { method: 'PUT', path: '/v1/settings/ai' },
  { method: 'POST', path: '/v1/flows/validate' },
  { method: 'POST', path: '/v1/flows/run' },
  { method: 'POST', path: '/v1/inference' },
  { method: 'GET', path: '/v1/usage' },
  { method: 'GET', path: '/v1/audit-events' },
];

function concreteUrl(path: string): string {
  return path.replace('{provider}', 'openai');
}

describe.each(DATABASE_BACKENDS)('org authentication (%s)', (kind) => {
  let connector: TestConnector;

  beforeAll(async () => {
    connector = await startTestConnector(kind);
  });

  afterAll(async () => {
    await connector.close();
  });

  it.each(V1_OPERATIONS)('rejects $method $path without a token', async ({ method, path }) => {
    const response = await connector.call(null, method, concreteUrl(path), method === 'GET' ? undefined : {});

    expectError(response, 401, 'unauthenticated', MISSING_HEADER);
    expect(response.headers['www-authenticate']).toBe('Bearer realm="keyroute"');
  });

  it.each([
    ['an empty scheme', 'Bearer '],
    ['another scheme', 'Basic dXNlcjpwYXNz'],
    ['a token with a space', 'Bearer kr_abc def'],
    ['a token with a quote', 'Bearer "kr_abc"'],
  ])('rejects a malformed header: %s', async (_case, header) => {
    const response = await connector.app.inject({ method: 'GET', url: '/v1/org', headers: { authorization: header } });

    expectError(response, 401, 'unauthenticated', MALFORMED_HEADER);
    expect(response.headers['www-authenticate']).toBe('Bearer realm="keyroute"');
  });

  it('rejects an unknown token', async () => {
    const response = await connector.call(`kr_${'A'.repeat(43)}`, 'GET', '/v1/org');

    expectError(response, 401, 'unauthenticated', INVALID_TOKEN);
  });

  it('rejects a token of another shape', async () => {
    const response = await connector.call('not-a-keyroute-token', 'GET', '/v1/org');

    expectError(response, 401, 'unauthenticated', INVALID_TOKEN);
  });

  it('accepts a registered org token', async () => {
    const { token, salesforceOrgId } = await addNewOrg(connector, 'Acme');

    const response = await connector.call(token, 'GET', '/v1/org');

    expect(response.statusCode).toBe(200);
    expect(body(response)).toEqual({
      salesforceOrgId: expect.stringMatching(new RegExp(`^${salesforceOrgId}[A-Z0-5]{3}$`)),
      name: 'Acme',
      createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    });
    expect(response.headers['www-authenticate']).toBeUndefined();
  });

  it("rejects a removed org's token", async () => {
    const { token, salesforceOrgId } = await addNewOrg(connector);
    await removeOrg(connector.database.db, salesforceOrgId);
    const unknown = await connector.call(`kr_${'B'.repeat(43)}`, 'GET', '/v1/providers');

    const removed = await connector.call(token, 'GET', '/v1/providers');

    expectError(removed, 401, 'unauthenticated', INVALID_TOKEN);
    const { requestId: _removedId, ...removedError } = body(removed).error;
    const { requestId: _unknownId, ...unknownError } = body(unknown).error;
    expect(removedError).toEqual(unknownError);
    expect(removed.headers['www-authenticate']).toBe(unknown.headers['www-authenticate']);
  });

  it('rejects the old token after rotation', async () => {
    const { token: oldToken, salesforceOrgId } = await addNewOrg(connector);
    const { token: newToken } = await rotateToken(connector.database.db, salesforceOrgId);

    const withOld = await connector.call(oldToken, 'GET', '/v1/org');
    const withNew = await connector.call(newToken, 'GET', '/v1/org');

    expectError(withOld, 401, 'unauthenticated', INVALID_TOKEN);
    expect(withNew.statusCode).toBe(200);
  });

  it('answers an unknown route with 404', async () => {
    const { token } = await addNewOrg(connector);

    const response = await connector.call(token, 'GET', '/v1/nothing-here?x=1');

    expectError(response, 404, 'not_found', 'No route GET /v1/nothing-here.');
  });

  it('serves health checks without a token', async () => {
    const health = await connector.call(null, 'GET', '/healthz');
    const ready = await connector.call(null, 'GET', '/readyz');

    expect({ status: health.statusCode, body: body(health) }).toEqual({ status: 200, body: { status: 'ok' } });
    expect({ status: ready.statusCode, body: body(ready) }).toEqual({
      status: 200,
      body: { status: 'ready', checks: { database: 'ok' } },
    });
  });

  it('keeps a well-formed request id', async () => {
    const response = await connector.app.inject({
      method: 'GET',
      url: '/v1/org',
      headers: { 'x-request-id': 'sf-req-12345678' },
    });

    expect(response.headers['x-request-id']).toBe('sf-req-12345678');
    expect(body(response).error.requestId).toBe('sf-req-12345678');
  });

  it('replaces a malformed request id', async () => {
    const response = await connector.app.inject({
      method: 'GET',
      url: '/v1/org',
      headers: { 'x-request-id': 'bad id' },
    });

    expect(response.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(body(response).error.requestId).toBe(response.headers['x-request-id']);
  });

  it('lists every /v1 route in OpenAPI', async () => {
    const response = await connector.call(null, 'GET', '/openapi.json');

    expect(response.statusCode).toBe(200);
    const document = body(response) as {
      openapi: string;
      paths: Record<string, Record<string, { security?: unknown }>>;
    };
    expect(document.openapi).toBe('3.1.0');
    const listed = Object.entries(document.paths)
      .filter(([path]) => path.startsWith('/v1'))
      .flatMap(([path, operations]) => Object.keys(operations).map((method) => `${method.toUpperCase()} ${path}`))
      .sort();
    const expected = V1_OPERATIONS.map(({ method, path }) => `${method} ${path}`).sort();
    expect(listed).toEqual(expected);
  });

  it('marks every /v1 operation as secured', async () => {
    const document = body(await connector.call(null, 'GET', '/openapi.json')) as {
      paths: Record<string, Record<string, { security?: unknown }>>;
    };

    for (const { method, path } of V1_OPERATIONS) {
      expect({
        operation: `${method} ${path}`,
        security: document.paths[path]?.[method.toLowerCase()]?.security,
      }).toEqual({
        operation: `${method} ${path}`,
        security: [{ orgToken: [] }],
      });
    }
  });

  it('serves every listed route', async () => {
    const { token } = await addNewOrg(connector);

    for (const { method, path } of V1_OPERATIONS) {
      const response = await connector.call(token, method, concreteUrl(path), method === 'GET' ? undefined : {});
      expect({
        operation: `${method} ${path}`,
        notFound: response.statusCode === 404 && body(response).error.code === 'not_found',
      }).toEqual({
        operation: `${method} ${path}`,
        notFound: false,
      });
    }
  });
});
