import { AuditRepository } from './audit';
import { CredentialRepository } from './credentials';
import type { Queryable } from './database';
import { InferenceLogRepository } from './inference-log';
import { SettingsRepository } from './settings';
import { OrgTokenRepository } from './tokens';

export * from './audit';
export * from './credentials';
export * from './database';
export * from './inference-log';
export { migrate, type MigrationResult } from './migrate';
export { openDatabase, SQLITE_FILENAME, type OpenDatabaseOptions } from './open';
export { OrgRepository } from './orgs';
export { PostgresDatabase, type PostgresOptions } from './postgres';
export * from './settings';
export { SqliteDatabase, type SqliteOptions } from './sqlite';
export * from './tokens';
export type { Actor, Org, ProviderId } from './types';

/** The repositories of one org, all bound to its id: none of them can reach another org's rows. */
export interface OrgScope {
  orgId: string;
  credentials: CredentialRepository;
  settings: SettingsRepository;
  audit: AuditRepository;
  inferenceLog: InferenceLogRepository;
  tokens: OrgTokenRepository;
}

/** Builds the repositories of one org over a database or a transaction handle. */
export function orgScope(db: Queryable, orgId: string): OrgScope {
  return {
    orgId,
    credentials: new CredentialRepository(db, orgId),
    settings: new SettingsRepository(db, orgId),
    audit: new AuditRepository(db, orgId),
    inferenceLog: new InferenceLogRepository(db, orgId),
    tokens: new OrgTokenRepository(db, orgId),
  };
}
