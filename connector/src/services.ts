import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { getHeapStatistics } from 'node:v8';
import type { ConnectorConfig } from './config';
import { CredentialService } from './credentials/credential-service';
import { PacerRegistry } from './inference/rate-pacer';
import { OrgAuthCache } from './orgs';
import { PROVIDER_IDS, type ProviderAdapter, type ProviderId } from './providers/provider';
import { createProvider } from './providers/registry';
import { ReportService } from './reports/report-service';
import { InferenceAccessCache } from './routing/access-cache';
import { InferenceLogWriter } from './routing/inference-log-writer';
import { RoutingService } from './routing/routing-service';
import { RunAdmission } from './routing/run-admission';
import { AiSettingsService } from './settings/ai-settings-service';
import { migrate, openDatabase, sampleSecretPerMasterKeyVersion, type Database, type Org } from './store';
import { KeyVault, loadKeyring, MASTER_KEY_FILENAME, VaultError } from './vault';

export type AuthenticatedOrg = Org;

/**
 * Requests that may wait for a place at once, per route. A waiting request costs a socket,
 * not its body, so the bound only stops a flood from piling up connections it would reject later.
 */
const MAX_WAITING_REQUESTS = 1_000;

/**
 * Request bytes of the flow runs (or inferences) in progress together, as a share of the
 * heap limit. Parsed, a body takes from about its size (long texts) to ten times its size
 * (many short fields) in heap, so a sixteenth per route keeps both routes within a capped heap.
 * NOTE: the factors are estimates from bodies of long texts and of many numeric fields
 * under a 64 MB heap.
 */
export function activeRunBytesBudget(heapLimitBytes: number = getHeapStatistics().heap_size_limit): number {
  return Math.floor(heapLimitBytes / 16);
}

/** Everything the HTTP routes call, built once per process. */
export interface ConnectorServices {
  database: Database;
  orgs: { authenticate(token: string): Promise<AuthenticatedOrg | null> };
  credentials: CredentialService;
  aiSettings: AiSettingsService;
  routing: RoutingService;
  /** Limits the flow runs the process works on at once. */
  runAdmission: RunAdmission;
  /** Limits the single inferences the process works on at once. */
  inferenceAdmission: RunAdmission;
  /** Rejects waiting and new runs and inferences, for a graceful stop. */
  stopAdmitting(): void;
  reports: ReportService;
  /** "embedded SQLite at <path>" or "PostgreSQL", for the start-up log; never the URL, which may contain a password. */
  storeDescription: string;
  /** Facts worth one log line at start-up, such as a master-key file that was just created. */
  startupNotes: string[];
  /** Problems that do not stop start-up but need an operator, such as a key file readable by others. */
  startupWarnings: string[];
  close(): Promise<void>;
}

export interface ServiceOverrides {
  /** Replaces the provider adapters, for tests. */
  adapters?: Record<ProviderId, ProviderAdapter>;
}

/** The store and vault, opened and migrated; what both the server and the CLI need. */
export interface OpenedStore {
  database: Database;
  vault: KeyVault;
  config: ConnectorConfig;
  startupNotes: string[];
  /** Problems that do not stop start-up but need an operator, such as a key file readable by others. */
  startupWarnings: string[];
  close(): Promise<void>;
}

/** Opens the database (applying migrations) and loads the master keys. */
export async function openStore(config: ConnectorConfig): Promise<OpenedStore> {
  const startupNotes: string[] = [];
  const { keyring, created, warnings } = await loadKeyring({
    ...(config.masterKeys === undefined ? {} : { masterKeys: config.masterKeys, masterKeysSource: 'KEYROUTE_MASTER_KEYS' }),
    ...(config.activeMasterKey === undefined ? {} : { activeVersion: config.activeMasterKey }),
    dataDir: config.dataDir,
  });
  if (created) {
    startupNotes.push(
      `Created a new master key file in ${config.dataDir} (mode 0600). Back it up: stored provider keys cannot be decrypted without it.`,
    );
  }
  const startupWarnings = [...warnings];
  const heapLimitBytes = getHeapStatistics().heap_size_limit;
  if (config.bodyLimitBytes > heapLimitBytes / 8) {
    startupWarnings.push(
      `KEYROUTE_BODY_LIMIT_BYTES (${config.bodyLimitBytes}) is more than an eighth of the heap limit (${heapLimitBytes} bytes): ` +
        'one request of that size may exhaust the heap and stop the connector. Lower it, or raise --max-old-space-size.',
    );
  }

  const database = openDatabase({
    dataDir: config.dataDir,
    ...(config.databaseUrl === undefined ? {} : { databaseUrl: config.databaseUrl }),
  });
  try {
    const migration = await migrate(database);
    if (migration.applied.length > 0) {
      startupNotes.push(`Applied database migrations: ${migration.applied.join(', ')}.`);
    }
    if (migration.unknownVersions.length > 0) {
      startupWarnings.push(
        `The database has migrations this connector does not know (${migration.unknownVersions.join(', ')}); a newer connector version has run against it.`,
      );
    }
    await checkMasterKeysUnwrapStoredKeys(database, new KeyVault(keyring), config, created);
  } catch (error) {
    await database.close();
    throw error;
  }

  return { database, vault: new KeyVault(keyring), config, startupNotes, startupWarnings, close: () => database.close() };
}

/**
 * Refuses to start unless one stored provider key of each master key version in use
 * decrypts, which fails when the key file was lost (a new one has a new v1) or other keys
 * were configured. Serving on would leave those keys unreadable, and a rotation would then
 * hide the loss.
 */
async function checkMasterKeysUnwrapStoredKeys(
  database: Database,
  vault: KeyVault,
  config: ConnectorConfig,
  keyFileJustCreated: boolean,
): Promise<void> {
  const missing: string[] = [];
  for (const sample of await sampleSecretPerMasterKeyVersion(database)) {
    try {
      await vault.decrypt(sample.secret.encrypted, { orgId: sample.orgId, provider: sample.provider });
    } catch (error) {
      if (!(error instanceof VaultError)) throw error;
      missing.push(sample.secret.encrypted.masterKeyVersion);
    }
  }
  if (missing.length === 0) {
    return;
  }

  if (keyFileJustCreated) {
    // Leave the data directory as it was, so that restoring the old key file is a plain copy.
    await rm(join(config.dataDir, MASTER_KEY_FILENAME), { force: true });
  }
  const source = config.masterKeys === undefined ? `the key file ${join(config.dataDir, MASTER_KEY_FILENAME)}` : 'KEYROUTE_MASTER_KEYS';
  throw new Error(
    `Stored provider keys are encrypted with master key version(s) ${missing.join(', ')} that ${source} does not contain or contains with another value. ` +
      'Restore the master keys from backup and start again; starting without them would leave those keys unreadable.',
  );
}

function createProviderAdapters(config: ConnectorConfig): Record<ProviderId, ProviderAdapter> {
  const baseUrls: Record<ProviderId, string> = { openai: config.openAiBaseUrl };
  return Object.fromEntries(PROVIDER_IDS.map((id) => [id, createProvider(id, { baseUrl: baseUrls[id] })])) as Record<
    ProviderId,
    ProviderAdapter
  >;
}

/** Builds the services of a running connector on an opened store. */
export function createServicesOnStore(store: OpenedStore, overrides: ServiceOverrides = {}): ConnectorServices {
  const { database, vault, config } = store;
  const adapters = overrides.adapters ?? createProviderAdapters(config);
  const credentials = new CredentialService({ database, vault, adapters, checkTimeoutMs: config.providerCheckTimeoutMs });
  const authCache = new OrgAuthCache(database);
  const accessCache = new InferenceAccessCache();
  const inferenceLog = new InferenceLogWriter(database);

  return {
    database,
    orgs: { authenticate: (token) => authCache.authenticate(token) },
    credentials,
    aiSettings: new AiSettingsService(database, adapters),
    routing: new RoutingService({
      database,
      credentials,
      concurrency: config.flowConcurrency,
      accessCache,
      pacers: new PacerRegistry(),
      inferenceLog,
    }),
    runAdmission: new RunAdmission({
      maxActiveRuns: config.maxActiveRuns,
      maxActiveBytes: activeRunBytesBudget(),
      maxWaitMs: config.queueWaitMs,
      maxWaiting: MAX_WAITING_REQUESTS,
    }),
    inferenceAdmission: new RunAdmission({
      maxActiveRuns: config.maxActiveInferences,
      maxActiveBytes: activeRunBytesBudget(),
      maxWaitMs: config.queueWaitMs,
      maxWaiting: MAX_WAITING_REQUESTS,
    }),
    stopAdmitting() {
      this.runAdmission.close();
      this.inferenceAdmission.close();
    },
    reports: new ReportService(database, () => new Date(), inferenceLog),
    storeDescription: config.databaseUrl === undefined ? `embedded SQLite in ${config.dataDir}` : 'PostgreSQL (DATABASE_URL)',
    startupNotes: store.startupNotes,
    startupWarnings: store.startupWarnings,
    close: async () => {
      // Rows still queued for the inference log are written before the store closes.
      await inferenceLog.flush();
      authCache.dispose();
      accessCache.dispose();
      await store.close();
    },
  };
}

export async function createServices(config: ConnectorConfig, overrides: ServiceOverrides = {}): Promise<ConnectorServices> {
  return createServicesOnStore(await openStore(config), overrides);
}
