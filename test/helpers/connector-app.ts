import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { buildApp } from '../../connector/src/app';
import { loadConfig, type ConnectorConfig } from '../../connector/src/config';
import { registerOrg } from '../../connector/src/orgs';
import { createServicesOnStore, type ConnectorServices } from '../../connector/src/services';
import type { DatabaseKind } from '../../connector/src/store';
import { KeyVault, loadKeyring } from '../../connector/src/vault';
import { startOpenAiStandIn, STAND_IN_KEY, type OpenAiStandIn, type OpenAiStandInOptions } from '../openai-stand-in/index.ts';
import { createTestDatabase, type TestDatabase } from './databases';

/** A Salesforce user id and name that tests send as the acting admin. */
export const TEST_ACTOR = { userId: '005000000000001AAA', name: 'Ada Admin' };

export interface TestConnector {
  app: FastifyInstance;
  services: ConnectorServices;
  config: ConnectorConfig;
  database: TestDatabase;
  standIn: OpenAiStandIn;
  /** Every log line the app wrote, as text. */
  logs: string[];
  /** Registers an org and returns its bearer token. */
  addOrg(salesforceOrgId: string, name?: string): Promise<string>;
  /** Sends a request with the org token, JSON in and out. */
  call(token: string | null, method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, body?: unknown): Promise<LightMyRequestResponse>;
  /** Authorizes the stand-in's valid key and turns the AI Inference node on for the org. */
  connectOpenAi(token: string): Promise<void>;
  close(): Promise<void>;
}

/**
 * Builds the connector app on a fresh test database (SQLite in a temporary directory or a
 * new PostgreSQL schema) with a file-backed master key, talking to a new OpenAI stand-in.
 */
export async function startTestConnector(
  kind: DatabaseKind,
  options: { standIn?: OpenAiStandInOptions; env?: Record<string, string> } = {},
): Promise<TestConnector> {
  const database = await createTestDatabase(kind);
  const standIn = await startOpenAiStandIn({ ...options.standIn });
  const config = loadConfig({
    KEYROUTE_DATA_DIR: database.dataDir,
    OPENAI_BASE_URL: standIn.baseUrl,
    LOG_LEVEL: 'info',
    ...options.env,
  });

  const { keyring } = await loadKeyring({ dataDir: config.dataDir });
  const services = createServicesOnStore({
    database: database.db,
    vault: new KeyVault(keyring),
    config,
    startupNotes: [],
    startupWarnings: [],
    close: async () => undefined,
  });

  const logs: string[] = [];
  const app = await buildApp({ config, services, logStream: { write: (line) => void logs.push(line) } });

  const call: TestConnector['call'] = (token, method, url, body) =>
    app.inject({
      method,
      url,
      headers: token === null ? {} : { authorization: `Bearer ${token}` },
      ...(body === undefined ? {} : { payload: body as object }),
    });

  return {
    app,
    services,
    config,
    database,
    standIn,
    logs,
    addOrg: async (salesforceOrgId, name = 'Test org') => (await registerOrg(database.db, salesforceOrgId, name)).token,
    call,
    connectOpenAi: async (token) => {
      const authorized = await call(token, 'POST', '/v1/providers/openai/authorize', { apiKey: STAND_IN_KEY, actor: TEST_ACTOR });
      if (authorized.statusCode !== 200) throw new Error(`authorize failed: ${authorized.body}`);
      const saved = await call(token, 'PUT', '/v1/settings/ai', { aiInferenceEnabled: true, provider: 'openai', actor: TEST_ACTOR });
      if (saved.statusCode !== 200) throw new Error(`saving settings failed: ${saved.body}`);
    },
    close: async () => {
      await app.close();
      await standIn.close();
      await database.cleanup();
    },
  };
}
