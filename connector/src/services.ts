import type { ConnectorConfig } from './config';
import { CredentialService } from './credentials/credential-service';
import { authenticate } from './orgs';
import { PROVIDER_IDS, type ProviderAdapter, type ProviderId } from './providers/provider';
import { createProvider } from './providers/registry';
import { ReportService } from './reports/usage-service';
import { RoutingService } from './routing/routing-service';
import { AiSettingsService } from './settings/ai-settings-service';
import { migrate, openDatabase, type Database, type Org } from './store';
import { KeyVault, loadKeyring } from './vault';

export type AuthenticatedOrg = Org;

/** Everything the HTTP routes call, built once per process. */
export interface ConnectorServices {
  database: Database;
  orgs: { authenticate(token: string): Promise<AuthenticatedOrg | null> };
  credentials: CredentialService;
  aiSettings: AiSettingsService;
  routing: RoutingService;
  reports: ReportService;
  /** "embedded SQLite at <path>" or "PostgreSQL", for the start-up log; never the URL, which may contain a password. */
  storeDescription: string;
  /** Facts worth one log line at start-up, such as a master-key file that was just created. */
  startupNotes: string[];
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
  startupNotes.push(...warnings);

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
      startupNotes.push(
        `The database has migrations this connector does not know (${migration.unknownVersions.join(', ')}); a newer connector version has run against it.`,
      );
    }
  } catch (error) {
    await database.close();
    throw error;
  }

  return { database, vault: new KeyVault(keyring), config, startupNotes, close: () => database.close() };
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

  return {
    database,
    orgs: { authenticate: (token) => authenticate(database, token) },
    credentials,
    aiSettings: new AiSettingsService(database, adapters),
    routing: new RoutingService({ database, credentials, concurrency: config.flowConcurrency }),
    reports: new ReportService(database),
    storeDescription: config.databaseUrl === undefined ? `embedded SQLite in ${config.dataDir}` : 'PostgreSQL (DATABASE_URL)',
    startupNotes: store.startupNotes,
    close: () => store.close(),
  };
}

export async function createServices(config: ConnectorConfig, overrides: ServiceOverrides = {}): Promise<ConnectorServices> {
  return createServicesOnStore(await openStore(config), overrides);
}
