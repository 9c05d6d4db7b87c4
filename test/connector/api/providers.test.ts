import { createServer } from 'node:net';
import type { ScenarioSpec } from '../../openai-stand-in/index.ts';
import { STAND_IN_KEY, STAND_IN_NO_QUOTA_KEY } from '../../openai-stand-in/index.ts';
import { startTestConnector, type TestConnector } from '../../helpers/connector-app';
import { DATABASE_BACKENDS } from '../../helpers/databases';
import { maskApiKey } from '../../../connector/src/vault';
import { addNewOrg, body, expectError, OTHER_ACTOR, readCredentialRow, TEST_ACTOR } from './support';

/** A second key the stand-in accepts, for attempts that must not replace the stored one. */
const SECOND_KEY = 'sk-test-second-valid-key-for-tests-9999';
/** A well-formed key the stand-in does not know, so it answers 401 invalid_api_key. */
const REJECTED_KEY = 'sk-test-unknown-to-the-stand-in-0001';

const KEY_NOT_SAVED = ' The key was not saved; any key saved before stays in use.';

const NOT_CONNECTED_STATUS = {
  provider: 'openai',
  displayName: 'OpenAI',
  status: 'not_connected',
  maskedKey: null,
  authorizedBy: null,
  authorizedAt: null,
  lastCheckedAt: null,
  lastErrorCode: null,
  lastErrorMessage: null,
  disabledBy: null,
  disabledAt: null,
};

const ISO_TIMESTAMP = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

/** Returns a port on 127.0.0.1 that nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

describe.each(DATABASE_BACKENDS)('provider credentials API (%s)', (kind) => {
  let connector: TestConnector;

  beforeAll(async () => {
    connector = await startTestConnector(kind, {
      standIn: { keys: [STAND_IN_KEY, SECOND_KEY, { key: STAND_IN_NO_QUOTA_KEY, quota: 'exhausted' }] },
      env: { KEYROUTE_PROVIDER_CHECK_TIMEOUT_MS: '1000' },
    });
  });

  afterAll(async () => {
    await connector.close();
  });

  beforeEach(() => {
    connector.standIn.reset();
  });

  const authorize = (token: string, apiKey: unknown, actor: unknown = TEST_ACTOR) =>
    connector.call(token, 'POST', '/v1/providers/openai/authorize', { apiKey, actor });

  const auditActions = async (token: string): Promise<string[]> =>
    body(await connector.call(token, 'GET', '/v1/audit-events')).events.map(
      (event: { action: string }) => event.action,
    );

  it('lists OpenAI as not connected for a new org', async () => {
    const { token } = await addNewOrg(connector);

    const list = await connector.call(token, 'GET', '/v1/providers');
    const one = await connector.call(token, 'GET', '/v1/providers/openai');

    expect(list.statusCode).toBe(200);
    expect(body(list)).toEqual({ providers: [NOT_CONNECTED_STATUS] });
    expect(body(one)).toEqual(NOT_CONNECTED_STATUS);
  });

  it('rejects an unknown provider in the path', async () => {
    const { token } = await addNewOrg(connector);

    const response = await connector.call(token, 'GET', '/v1/providers/anthropic');

    expectError(response, 400, 'invalid_request', 'Invalid request. params.provider: expected "openai"');
    expect(body(response).error.fields).toEqual([{ field: 'params.provider', message: 'expected "openai"' }]);
  });

  describe('authorize input checks', () => {
    const formatCases: Array<[string, string, string]> = [
      ['empty', '', 'the key is empty. Paste the key you created in your provider account.'],
      ['only spaces', '    ', 'the key is empty. Paste the key you created in your provider account.'],
      [
        'an inner space',
        'sk-test-inner space-key-000000',
        'the key contains whitespace (a space, tab or line break). Paste the key exactly as the provider shows it, in one piece.',
      ],
      [
        'an inner line break',
        'sk-test-inner\nbreak-key-000000',
        'the key contains whitespace (a space, tab or line break). Paste the key exactly as the provider shows it, in one piece.',
      ],
      [
        'an inner tab',
        'sk-test-inner\ttab-key-0000000',
        'the key contains whitespace (a space, tab or line break). Paste the key exactly as the provider shows it, in one piece.',
      ],
      [
        'a NUL character',
        'sk-test-inner\u0000nul-key-000000',
        'the key contains a control character. Paste the key again, exactly as the provider shows it.',
      ],
      [
        'a bell character',
        'sk-test-inner\u0007bell-key-00000',
        'the key contains a control character. Paste the key again, exactly as the provider shows it.',
      ],
      [
        'a DEL character',
        'sk-test-inner\u007fdel-key-000000',
        'the key contains a control character. Paste the key again, exactly as the provider shows it.',
      ],
      [
        'non-ASCII letters',
        'sk-test-ünïcode-key-0000000',
        'the key contains characters that API keys never have (only printable ASCII is allowed). Paste the key again.',
      ],
      [
        'a zero-width space',
        'sk-test-zero\u200bwidth-key-00000',
        'the key contains characters that API keys never have (only printable ASCII is allowed). Paste the key again.',
      ],
      [
        'too few characters',
        'sk-test-short',
        'expected between 20 and 512 characters, got 13. Check that you copied the whole key.',
      ],
      [
        'too many characters',
        `sk-${'x'.repeat(510)}`,
        'expected between 20 and 512 characters, got 513. Check that you copied the whole key.',
      ],
      [
        'the wrong prefix',
        'pk-test-wrong-prefix-key-0000',
        'expected a key that starts with "sk-" (like sk-proj-...).',
      ],
    ];

    it.each(formatCases)('rejects a key with %s', async (_case, apiKey, detail) => {
      const { token, salesforceOrgId } = await addNewOrg(connector);

      const response = await authorize(token, apiKey);

      expectError(response, 400, 'key_invalid_format', `apiKey: ${detail}`);
      expect(body(response).error.fields).toEqual([{ field: 'apiKey', message: detail }]);
      expect(body(await connector.call(token, 'GET', '/v1/providers/openai'))).toEqual(NOT_CONNECTED_STATUS);
      expect(await readCredentialRow(connector, salesforceOrgId)).toBeUndefined();
      expect(connector.standIn.stats().requests).toBe(0);
    });

    const requestCases: Array<[string, Record<string, unknown>, string, string]> = [
      ['a missing apiKey', { actor: TEST_ACTOR }, 'body.apiKey', 'required: expected text'],
      ['a numeric apiKey', { apiKey: 12345, actor: TEST_ACTOR }, 'body.apiKey', 'expected text, got a number'],
      [
        'an apiKey over 1000 characters',
        { apiKey: `sk-${'x'.repeat(1_000)}`, actor: TEST_ACTOR },
        'body.apiKey',
        'expected a key of at most 512 characters',
      ],
      ['a missing actor', { apiKey: STAND_IN_KEY }, 'body.actor', 'required: expected an object'],
      [
        'an actor userId that is no user id',
        { apiKey: STAND_IN_KEY, actor: { userId: '00D000000000001AAA', name: 'Ada' } },
        'body.actor.userId',
        'expected a Salesforce user id (005...)',
      ],
      [
        'an empty actor name',
        { apiKey: STAND_IN_KEY, actor: { userId: TEST_ACTOR.userId, name: '' } },
        'body.actor.name',
        "expected the user's name, 1 to 255 characters",
      ],
      [
        'an unknown field',
        { apiKey: STAND_IN_KEY, actor: TEST_ACTOR, organization: 'org-1' },
        'body',
        'unknown field "organization": remove it',
      ],
    ];

    it.each(requestCases)('rejects a request with %s', async (_case, requestBody, field, detail) => {
      const { token, salesforceOrgId } = await addNewOrg(connector);

      const response = await connector.call(token, 'POST', '/v1/providers/openai/authorize', requestBody);

      expectError(response, 400, 'invalid_request', `Invalid request. ${field}: ${detail}`);
      expect(body(response).error.fields).toEqual([{ field, message: detail }]);
      expect(await readCredentialRow(connector, salesforceOrgId)).toBeUndefined();
      expect(connector.standIn.stats().requests).toBe(0);
    });

    it('rejects a body that is not JSON', async () => {
      const { token } = await addNewOrg(connector);

      const response = await connector.app.inject({
        method: 'POST',
        url: '/v1/providers/openai/authorize',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        payload: '{"apiKey": ',
      });

      expect({ status: response.statusCode, code: body(response).error.code }).toEqual({
        status: 400,
        code: 'invalid_json',
      });
    });

    it('records no audit event for a malformed key', async () => {
      const { token } = await addNewOrg(connector);

      await authorize(token, 'sk-test-short');

      expect(await auditActions(token)).toEqual([]);
    });
  });

  describe('authorize', () => {
    it('trims surrounding whitespace and stores the key', async () => {
      const { token, salesforceOrgId } = await addNewOrg(connector);

      const response = await authorize(token, `  \n\t${STAND_IN_KEY} \r\n`);

      expect(response.statusCode).toBe(200);
      const status = body(response);
      expect(status).toEqual({
        ...NOT_CONNECTED_STATUS,
        status: 'connected',
        maskedKey: maskApiKey(STAND_IN_KEY),
        authorizedBy: TEST_ACTOR,
        authorizedAt: expect.stringMatching(ISO_TIMESTAMP),
        lastCheckedAt: status.authorizedAt,
      });
      expect(status.maskedKey).toBe('sk-test-...0000');
      expect(
        connector.standIn.recordedRequests().map((request) => [request.method, request.path, request.apiKey]),
      ).toEqual([['GET', '/v1/models', STAND_IN_KEY]]);
      const row = await readCredentialRow(connector, salesforceOrgId);
      expect(row?.status).toBe('connected');
      expect(typeof row?.ciphertext).toBe('string');
      expect(JSON.stringify(row)).not.toContain(STAND_IN_KEY);
    });

    it('records the authorization in the audit trail', async () => {
      const { token } = await addNewOrg(connector);
      await authorize(token, STAND_IN_KEY);

      const events = body(await connector.call(token, 'GET', '/v1/audit-events')).events;

      expect(events).toEqual([
        {
          id: expect.any(Number),
          at: expect.stringMatching(ISO_TIMESTAMP),
          action: 'provider.authorized',
          actor: TEST_ACTOR,
          provider: 'openai',
          details: { maskedKey: 'sk-test-...0000' },
        },
      ]);
    });

    it('replaces a stored key with a new one', async () => {
      const { token } = await addNewOrg(connector);
      await authorize(token, STAND_IN_KEY);

      const response = await authorize(token, SECOND_KEY, OTHER_ACTOR);

      expect(response.statusCode).toBe(200);
      expect(body(response)).toMatchObject({
        status: 'connected',
        maskedKey: maskApiKey(SECOND_KEY),
        authorizedBy: OTHER_ACTOR,
      });
    });

    const failures: Array<{
      name: string;
      apiKey: string;
      scenario?: ScenarioSpec;
      status: number;
      code: string;
      message: string;
    }> = [
      {
        name: 'a key the provider rejects',
        apiKey: REJECTED_KEY,
        status: 422,
        code: 'key_rejected',
        message:
          'OpenAI rejected the key (HTTP 401). Check that you copied the whole key and that it has not been revoked or restricted.',
      },
      {
        name: 'a key without quota',
        apiKey: STAND_IN_NO_QUOTA_KEY,
        status: 422,
        code: 'key_quota_exhausted',
        message:
          "The key is valid, but its OpenAI account has no quota left (insufficient_quota). Add credit or raise the usage limit in the provider's billing settings, then try again.",
      },
      {
        name: 'a connection reset',
        apiKey: SECOND_KEY,
        scenario: { name: 'connection_reset', path: '/v1/models' },
        status: 502,
        code: 'provider_unreachable',
        message:
          "The connector could not reach OpenAI (network error). Try again later; if it keeps happening, the connector's operator should check its network access to the provider.",
      },
      {
        name: 'a provider outage',
        apiKey: SECOND_KEY,
        scenario: { name: 'service_unavailable_503', path: '/v1/models' },
        status: 502,
        code: 'provider_unreachable',
        message:
          "The connector could not reach OpenAI (HTTP 503). Try again later; if it keeps happening, the connector's operator should check its network access to the provider.",
      },
      {
        name: 'a rate limit',
        apiKey: SECOND_KEY,
        scenario: { name: 'rate_limited', path: '/v1/models' },
        status: 503,
        code: 'provider_rate_limited',
        message: 'OpenAI is rate limiting this key right now. Try again in a minute.',
      },
      {
        name: 'a model list that is not found',
        apiKey: SECOND_KEY,
        scenario: { name: 'model_not_found', path: '/v1/models' },
        status: 502,
        code: 'provider_error',
        message:
          "OpenAI refused the check request (model_unavailable). The connector's operator should check the provider base URL.",
      },
      {
        name: 'slow response headers',
        apiKey: SECOND_KEY,
        scenario: { name: 'slow_headers', path: '/v1/models', delayMs: 3_000 },
        status: 504,
        code: 'provider_timeout',
        message:
          "OpenAI did not answer within 1 second. Try again; if it keeps happening, the connector's operator should check its network access to the provider.",
      },
    ];

    it.each(failures)('keeps the stored key after $name', async ({ apiKey, scenario, status, code, message }) => {
      const { token, salesforceOrgId } = await addNewOrg(connector);
      await authorize(token, STAND_IN_KEY);
      const statusBefore = body(await connector.call(token, 'GET', '/v1/providers/openai'));
      const rowBefore = await readCredentialRow(connector, salesforceOrgId);
      if (scenario) connector.standIn.enqueueScenarios(scenario);

      const response = await authorize(token, apiKey, OTHER_ACTOR);

      expectError(response, status, code, `${message}${KEY_NOT_SAVED}`);
      expect(body(await connector.call(token, 'GET', '/v1/providers/openai'))).toEqual(statusBefore);
      expect(await readCredentialRow(connector, salesforceOrgId)).toEqual(rowBefore);
      const events = body(await connector.call(token, 'GET', '/v1/audit-events')).events;
      expect(events[0]).toEqual({
        id: expect.any(Number),
        at: expect.stringMatching(ISO_TIMESTAMP),
        action: 'provider.authorize_failed',
        actor: OTHER_ACTOR,
        provider: 'openai',
        details: { errorCode: code, maskedKey: maskApiKey(apiKey) },
      });
      const check = await connector.call(token, 'POST', '/v1/providers/openai/check');
      expect(body(check)).toMatchObject({
        status: 'connected',
        maskedKey: 'sk-test-...0000',
        authorizedBy: TEST_ACTOR,
      });
    });

    it('stores nothing when the first key is rejected', async () => {
      const { token, salesforceOrgId } = await addNewOrg(connector);

      const response = await authorize(token, REJECTED_KEY);

      expect(response.statusCode).toBe(422);
      expect(body(await connector.call(token, 'GET', '/v1/providers/openai'))).toEqual(NOT_CONNECTED_STATUS);
      expect(await readCredentialRow(connector, salesforceOrgId)).toBeUndefined();
      expect(await auditActions(token)).toEqual(['provider.authorize_failed']);
    });

    it('answers 502 for a closed provider port', async () => {
      const offline = await startTestConnector(kind, {
        env: { OPENAI_BASE_URL: `http://127.0.0.1:${await closedPort()}/v1` },
      });
      try {
        const { token, salesforceOrgId } = await addNewOrg(offline);

        const response = await offline.call(token, 'POST', '/v1/providers/openai/authorize', {
          apiKey: STAND_IN_KEY,
          actor: TEST_ACTOR,
        });

        expectError(
          response,
          502,
          'provider_unreachable',
          "The connector could not reach OpenAI (network error). Try again later; if it keeps happening, the connector's operator should check its network access to the provider." +
            KEY_NOT_SAVED,
        );
        expect(await readCredentialRow(offline, salesforceOrgId)).toBeUndefined();
        const events = body(await offline.call(token, 'GET', '/v1/audit-events')).events;
        expect(events.map((event: { action: string; details: unknown }) => [event.action, event.details])).toEqual([
          ['provider.authorize_failed', { errorCode: 'provider_unreachable', maskedKey: 'sk-test-...0000' }],
        ]);
      } finally {
        await offline.close();
      }
    });
  });

  describe('models and check', () => {
    it('lists the models sorted by id', async () => {
      const { token } = await addNewOrg(connector);
      await authorize(token, STAND_IN_KEY);

      const response = await connector.call(token, 'GET', '/v1/providers/openai/models');

      expect(response.statusCode).toBe(200);
      expect(body(response)).toEqual({
        provider: 'openai',
        models: [
          { id: 'gpt-4.1', ownedBy: 'system' },
          { id: 'gpt-4.1-mini', ownedBy: 'system' },
          { id: 'gpt-4o', ownedBy: 'system' },
          { id: 'gpt-4o-mini', ownedBy: 'system' },
        ],
      });
    });

    it('checks a working key', async () => {
      const { token } = await addNewOrg(connector);
      const authorized = body(await authorize(token, STAND_IN_KEY));

      const response = await connector.call(token, 'POST', '/v1/providers/openai/check');

      expect(response.statusCode).toBe(200);
      const status = body(response);
      expect(status).toEqual({ ...authorized, lastCheckedAt: expect.stringMatching(ISO_TIMESTAMP) });
      expect(status.lastCheckedAt >= authorized.lastCheckedAt).toBe(true);
    });

    it('marks a newly rejected key invalid', async () => {
      const { token } = await addNewOrg(connector);
      await authorize(token, STAND_IN_KEY);
      connector.standIn.enqueueScenarios({ name: 'invalid_api_key', path: '/v1/models' });

      const response = await connector.call(token, 'POST', '/v1/providers/openai/check');

      expect(response.statusCode).toBe(200);
      expect(body(response)).toMatchObject({
        status: 'invalid',
        maskedKey: 'sk-test-...0000',
        lastErrorCode: 'key_rejected',
        lastErrorMessage:
          'OpenAI rejected the key (HTTP 401). Check that you copied the whole key and that it has not been revoked or restricted.',
      });
    });

    it('reconnects an invalid key that passes', async () => {
      const { token } = await addNewOrg(connector);
      await authorize(token, STAND_IN_KEY);
      connector.standIn.enqueueScenarios({ name: 'invalid_api_key', path: '/v1/models' });
      await connector.call(token, 'POST', '/v1/providers/openai/check');

      const response = await connector.call(token, 'POST', '/v1/providers/openai/check');

      expect(body(response)).toMatchObject({ status: 'connected', lastErrorCode: null, lastErrorMessage: null });
    });

    it('rejects listing models of a rejected key', async () => {
      const { token } = await addNewOrg(connector);
      await authorize(token, STAND_IN_KEY);
      connector.standIn.enqueueScenarios({ name: 'invalid_api_key', path: '/v1/models' });

      const response = await connector.call(token, 'GET', '/v1/providers/openai/models');

      expectError(
        response,
        422,
        'key_rejected',
        'OpenAI rejected the stored key, so its models cannot be listed. Authorize a new key on the Integrations page.',
      );
      expect(body(await connector.call(token, 'GET', '/v1/providers/openai')).status).toBe('invalid');
    });

    it('keeps the status when the provider cannot be reached', async () => {
      const { token } = await addNewOrg(connector);
      await authorize(token, STAND_IN_KEY);
      connector.standIn.enqueueScenarios({ name: 'connection_reset', path: '/v1/models' });

      const response = await connector.call(token, 'POST', '/v1/providers/openai/check');

      expectError(
        response,
        502,
        'provider_unreachable',
        "The connector could not reach OpenAI (network error). Try again later; if it keeps happening, the connector's operator should check its network access to the provider.",
      );
      expect(body(await connector.call(token, 'GET', '/v1/providers/openai'))).toMatchObject({
        status: 'connected',
        lastErrorCode: 'provider_unreachable',
      });
    });

    it('rejects a check without a key', async () => {
      const { token } = await addNewOrg(connector);

      const response = await connector.call(token, 'POST', '/v1/providers/openai/check');

      expectError(response, 409, 'not_connected', 'OpenAI is not authorized for this org: authorize a key first.');
    });
  });

  describe('disable', () => {
    it('destroys the stored key and keeps the audit trail', async () => {
      const { token, salesforceOrgId } = await addNewOrg(connector);
      const authorized = body(await authorize(token, STAND_IN_KEY));

      const response = await connector.call(token, 'POST', '/v1/providers/openai/disable', { actor: OTHER_ACTOR });

      expect(response.statusCode).toBe(200);
      expect(body(response)).toEqual({
        ...authorized,
        status: 'disabled',
        maskedKey: null,
        disabledBy: OTHER_ACTOR,
        disabledAt: expect.stringMatching(ISO_TIMESTAMP),
      });
      const row = await readCredentialRow(connector, salesforceOrgId);
      expect(row).toMatchObject({
        status: 'disabled',
        ciphertext: null,
        wrapped_data_key: null,
        master_key_version: null,
        key_id: null,
        masked_key: null,
      });
      const events = body(await connector.call(token, 'GET', '/v1/audit-events')).events;
      expect(
        events.map((event: { action: string; actor: unknown; details: unknown }) => [
          event.action,
          event.actor,
          event.details,
        ]),
      ).toEqual([
        ['provider.disabled', OTHER_ACTOR, { maskedKey: 'sk-test-...0000' }],
        ['provider.authorized', TEST_ACTOR, { maskedKey: 'sk-test-...0000' }],
      ]);
    });

    it('rejects disabling twice', async () => {
      const { token } = await addNewOrg(connector);
      await authorize(token, STAND_IN_KEY);
      await connector.call(token, 'POST', '/v1/providers/openai/disable', { actor: TEST_ACTOR });

      const response = await connector.call(token, 'POST', '/v1/providers/openai/disable', { actor: TEST_ACTOR });

      expectError(response, 409, 'not_connected', 'OpenAI is not authorized for this org: there is no key to disable.');
      expect(await auditActions(token)).toEqual(['provider.disabled', 'provider.authorized']);
    });

    it('rejects disabling without an actor', async () => {
      const { token } = await addNewOrg(connector);
      await authorize(token, STAND_IN_KEY);

      const response = await connector.call(token, 'POST', '/v1/providers/openai/disable', {});

      expectError(response, 400, 'invalid_request', 'Invalid request. body.actor: required: expected an object');
      expect(body(await connector.call(token, 'GET', '/v1/providers/openai')).status).toBe('connected');
    });

    it('rejects models and checks after disable', async () => {
      const { token } = await addNewOrg(connector);
      await authorize(token, STAND_IN_KEY);
      await connector.call(token, 'POST', '/v1/providers/openai/disable', { actor: TEST_ACTOR });

      const models = await connector.call(token, 'GET', '/v1/providers/openai/models');
      const check = await connector.call(token, 'POST', '/v1/providers/openai/check');

      expectError(models, 409, 'not_connected', 'OpenAI is not authorized for this org: authorize a key first.');
      expectError(check, 409, 'not_connected', 'OpenAI is not authorized for this org: authorize a key first.');
    });

    it('accepts a new key after disabling', async () => {
      const { token } = await addNewOrg(connector);
      await authorize(token, STAND_IN_KEY);
      await connector.call(token, 'POST', '/v1/providers/openai/disable', { actor: TEST_ACTOR });

      const response = await authorize(token, SECOND_KEY, OTHER_ACTOR);

      expect(body(response)).toMatchObject({
        status: 'connected',
        maskedKey: maskApiKey(SECOND_KEY),
        authorizedBy: OTHER_ACTOR,
        disabledBy: null,
        disabledAt: null,
      });
    });
  });
});
