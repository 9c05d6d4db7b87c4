import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { LightMyRequestResponse } from 'fastify';
import { removeOrg, rotateToken } from '../../../connector/src/orgs';
import { MASTER_KEY_FILENAME } from '../../../connector/src/vault';
import { STAND_IN_KEY, STAND_IN_NO_QUOTA_KEY } from '../../openai-stand-in/index.ts';
import { startTestConnector, type TestConnector } from '../../helpers/connector-app';
import { DATABASE_BACKENDS, dumpAllRows } from '../../helpers/databases';
import {
  addNewOrg,
  body,
  enableAiWithDefaultModel,
  EXAMPLE_FLOW_KEYWORDS,
  leadId,
  loadExampleFlow,
  TEST_ACTOR,
} from './support';

/**
 * Pasted keys that must never come back. Each carries marker words in its middle, which a
 * masked form (prefix and last four characters) never shows, so finding a marker anywhere
 * means the key leaked. A key with whitespace or a control character has a marker on
 * each side of it.
 */
const PASTED_KEYS = {
  rejected: 'sk-test-hygiene-REJECTEDMARKER-000000001',
  innerSpace: 'sk-test-hygiene-SPACEMARKERA SPACEMARKERB-000000002',
  innerNewline: 'sk-test-hygiene-NEWLINEMARKERA\nNEWLINEMARKERB-000000003',
  controlCharacter: 'sk-test-hygiene-CONTROLMARKERA\u0001CONTROLMARKERB-000000004',
  nonAscii: 'sk-test-hygiene-NONASCIIMARKERé-000000005',
  tooLong: `sk-test-hygiene-TOOLONGMARKER-${'x'.repeat(600)}`,
  wrongPrefix: 'pk-test-hygiene-WRONGPREFIXMARKER-000006',
  unreachable: 'sk-test-hygiene-UNREACHABLEMARKER-000007',
  timeout: 'sk-test-hygiene-TIMEOUTMARKER-000000008',
  invalidJson: 'sk-test-hygiene-INVALIDJSONMARKER-000009',
};

const PASTED_KEY_MARKERS = Object.values(PASTED_KEYS).flatMap((key) => key.match(/[A-Z]+MARKER[AB]?/g) ?? []);

describe.each(DATABASE_BACKENDS)('secret hygiene (%s)', (kind) => {
  let connector: TestConnector;
  const responses: LightMyRequestResponse[] = [];
  const tokens: string[] = [];

  beforeAll(async () => {
    connector = await startTestConnector(kind, {
      standIn: { enumKeywords: EXAMPLE_FLOW_KEYWORDS },
      env: { LOG_LEVEL: 'trace', KEYROUTE_PROVIDER_CHECK_TIMEOUT_MS: '1000' },
    });
    await runErrorPaths();
  });

  afterAll(async () => {
    await connector.close();
  });

  async function send(
    token: string | null,
    method: 'GET' | 'POST' | 'PUT',
    url: string,
    payload?: unknown,
  ): Promise<LightMyRequestResponse> {
    const response = await connector.call(token, method, url, payload);
    responses.push(response);
    return response;
  }

  async function sendRaw(
    headers: Record<string, string>,
    url: string,
    payload?: string,
  ): Promise<LightMyRequestResponse> {
    const response = await connector.app.inject({
      method: payload === undefined ? 'GET' : 'POST',
      url,
      headers,
      ...(payload === undefined ? {} : { payload }),
    });
    responses.push(response);
    return response;
  }

  async function runErrorPaths(): Promise<void> {
    const main = await addNewOrg(connector, 'Hygiene org');
    tokens.push(main.token);
    const authorize = (apiKey: string) =>
      send(main.token, 'POST', '/v1/providers/openai/authorize', { apiKey, actor: TEST_ACTOR });

    // Authentication failures.
    const unknownToken = `kr_${'Q'.repeat(43)}`;
    tokens.push(unknownToken);
    await send(null, 'GET', '/v1/providers');
    await sendRaw({ authorization: `Bearer ${main.token} extra` }, '/v1/providers');
    await sendRaw({ authorization: `Token ${main.token}` }, '/v1/providers');
    await send(unknownToken, 'GET', '/v1/providers');
    const removed = await addNewOrg(connector, 'Removed org');
    tokens.push(removed.token);
    await removeOrg(connector.database.db, removed.salesforceOrgId);
    await send(removed.token, 'GET', '/v1/providers');
    const rotated = await addNewOrg(connector, 'Rotated org');
    tokens.push(rotated.token);
    tokens.push((await rotateToken(connector.database.db, rotated.salesforceOrgId)).token);
    await send(rotated.token, 'GET', '/v1/providers');

    // Keys rejected before any provider call.
    for (const key of [
      PASTED_KEYS.innerSpace,
      PASTED_KEYS.innerNewline,
      PASTED_KEYS.controlCharacter,
      PASTED_KEYS.nonAscii,
      PASTED_KEYS.tooLong,
      PASTED_KEYS.wrongPrefix,
    ]) {
      expect((await authorize(key)).statusCode).toBe(400);
    }
    const invalidJson = await sendRaw(
      { authorization: `Bearer ${main.token}`, 'content-type': 'application/json' },
      '/v1/providers/openai/authorize',
      `{"apiKey": ${PASTED_KEYS.invalidJson}}`,
    );
    expect(invalidJson.statusCode).toBe(400);

    // Keys the provider rejects or cannot check.
    expect((await authorize(PASTED_KEYS.rejected)).statusCode).toBe(422);
    expect((await authorize(STAND_IN_NO_QUOTA_KEY)).statusCode).toBe(422);
    connector.standIn.enqueueScenarios({ name: 'connection_reset', path: '/v1/models' });
    expect((await authorize(PASTED_KEYS.unreachable)).statusCode).toBe(502);
    connector.standIn.enqueueScenarios({ name: 'slow_headers', path: '/v1/models', delayMs: 2_000 });
    expect((await authorize(PASTED_KEYS.timeout)).statusCode).toBe(504);

    // A working key, then failures with it stored.
    await enableAiWithDefaultModel(connector, main.token);
    const definition = loadExampleFlow();
    const records = [{ id: leadId(1), fields: { Description: 'I want a refund', LeadSource: 'Web' } }];
    expect((await send(main.token, 'POST', '/v1/flows/run', { definition, records })).statusCode).toBe(200);
    connector.standIn.enqueueScenarios({ name: 'connection_reset', path: '/v1/models' });
    expect((await send(main.token, 'POST', '/v1/providers/openai/check')).statusCode).toBe(502);
    connector.standIn.enqueueScenarios({ name: 'insufficient_quota', path: '/v1/chat/completions' });
    expect((await send(main.token, 'POST', '/v1/flows/run', { definition, records })).statusCode).toBe(200);
    connector.standIn.enqueueScenarios({ name: 'invalid_api_key', path: '/v1/chat/completions' });
    expect((await send(main.token, 'POST', '/v1/flows/run', { definition, records })).statusCode).toBe(200);
    expect(body(await send(main.token, 'GET', '/v1/providers/openai')).status).toBe('invalid');
    connector.standIn.enqueueScenarios({ name: 'invalid_api_key', path: '/v1/models' });
    expect((await send(main.token, 'GET', '/v1/providers/openai/models')).statusCode).toBe(422);
    await send(main.token, 'GET', '/v1/audit-events?limit=500');
  }

  it('keeps secrets out of logs, responses, audit', async () => {
    const auditRows = await connector.database.db.query('SELECT * FROM audit_events');
    const keyFile = JSON.parse(await readFile(join(connector.database.dataDir, MASTER_KEY_FILENAME), 'utf8')) as {
      keys: Record<string, string>;
    };
    const masterKeys = Object.values(keyFile.keys);

    const places: Record<string, string> = {
      logs: connector.logs.join('\n'),
      responses: responses
        .map((response) => JSON.stringify({ headers: response.headers, body: response.body }))
        .join('\n'),
      audit: JSON.stringify(auditRows),
    };
    const secrets: Record<string, string> = {
      'the stand-in key': STAND_IN_KEY,
      'the no-quota key': STAND_IN_NO_QUOTA_KEY,
      ...Object.fromEntries(PASTED_KEY_MARKERS.map((marker) => [`the pasted key marker ${marker}`, marker])),
      ...Object.fromEntries(tokens.map((token, index) => [`org token ${index}`, token])),
      ...Object.fromEntries(tokens.map((token, index) => [`the random part of org token ${index}`, token.slice(3)])),
      ...Object.fromEntries(masterKeys.map((key, index) => [`master key ${index}`, key])),
    };

    expect(PASTED_KEY_MARKERS).toHaveLength(Object.keys(PASTED_KEYS).length + 3);
    expect(masterKeys.length).toBeGreaterThan(0);
    // One line per request at least, so the search below covers every call made.
    expect(connector.logs.length).toBeGreaterThanOrEqual(responses.length);
    const leaks = Object.entries(places).flatMap(([place, text]) =>
      Object.entries(secrets)
        .filter(([, secret]) => text.includes(secret))
        .map(([name]) => `${name} in ${place}`),
    );
    expect(leaks).toEqual([]);
  });

  it('stores no plaintext key or token in any table', async () => {
    const dump = await dumpAllRows(connector.database.db);

    for (const secret of [STAND_IN_KEY, ...tokens, ...PASTED_KEY_MARKERS]) {
      expect({ secret, stored: dump.includes(secret) }).toEqual({ secret, stored: false });
    }
  });
});
