import { createHash } from 'node:crypto';
import type { Database, DatabaseKind, Queryable } from './database';
import { IDENTITY_COLUMN, IDENTITY_PLACEHOLDER, MIGRATIONS, type Migration } from './migrations';
import { readInt, readText } from './rows';

export interface MigrationResult {
  /** Versions applied by this call, in order; empty when the schema was up to date. */
  applied: number[];
  /** Highest version now recorded in schema_migrations. */
  currentVersion: number;
  /**
   * Recorded versions missing from this code's migration list, because a newer connector
   * migrated the database. Worth a warning in the log; this code still runs on the older tables.
   */
  unknownVersions: number[];
}

/** First key of PostgreSQL's two-key advisory lock; the second is a hash of the schema name. */
const MIGRATION_LOCK_CLASS = 0x4b52;

/**
 * Applies the pending migrations in order, each in its own transaction, and records
 * them in schema_migrations. Safe when several instances start at once: on PostgreSQL
 * every step holds a transaction-level advisory lock for the current schema, and on
 * SQLite `BEGIN IMMEDIATE` holds the file's write lock. Raises an error when an applied
 * migration's text changed since it ran.
 */
export async function migrate(db: Database, migrations: readonly Migration[] = MIGRATIONS): Promise<MigrationResult> {
  checkMigrationList(migrations);
  const applied: number[] = [];

  for (;;) {
    const step = await db.transaction(async (tx) => {
      await lockMigrations(tx);
      await tx.execute(
        `CREATE TABLE IF NOT EXISTS schema_migrations (
          version INTEGER PRIMARY KEY,
          name TEXT NOT NULL,
          checksum TEXT NOT NULL,
          applied_at TEXT NOT NULL
        )`,
      );

      const recorded = await readRecordedMigrations(tx);
      checkRecordedChecksums(recorded, migrations);

      const pending = migrations.find((migration) => !recorded.has(migration.version));
      if (pending === undefined) {
        return { done: true as const, recorded };
      }

      for (const statement of pending.statements) {
        await tx.execute(expandStatement(statement, tx.kind));
      }
      await tx.execute('INSERT INTO schema_migrations (version, name, checksum, applied_at) VALUES ($1, $2, $3, $4)', [
        pending.version,
        pending.name,
        checksumOf(pending),
        new Date().toISOString(),
      ]);
      return { done: false as const, version: pending.version };
    });

    if (step.done) {
      const known = new Set(migrations.map((migration) => migration.version));
      const versions = [...step.recorded.keys()];
      return {
        applied,
        currentVersion: versions.length === 0 ? 0 : Math.max(...versions),
        unknownVersions: versions.filter((version) => !known.has(version)).sort((a, b) => a - b),
      };
    }
    applied.push(step.version);
  }
}

/** Replaces the `{{identity}}` placeholder with the backend's auto-incrementing key column. */
export function expandStatement(statement: string, kind: DatabaseKind): string {
  return statement.split(IDENTITY_PLACEHOLDER).join(IDENTITY_COLUMN[kind]);
}

/** SHA-256 over the migration's name and its statements as written, so it is the same on both backends. */
export function checksumOf(migration: Migration): string {
  const hash = createHash('sha256');
  hash.update(migration.name);
  for (const statement of migration.statements) {
    hash.update('\0');
    hash.update(statement);
  }
  return hash.digest('hex');
}

async function lockMigrations(tx: Queryable): Promise<void> {
  if (tx.kind === 'postgres') {
    await tx.query(`SELECT pg_advisory_xact_lock($1, hashtext(COALESCE(current_schema(), '')))`, [
      MIGRATION_LOCK_CLASS,
    ]);
  }
  // SQLite: the transaction began with BEGIN IMMEDIATE, which already excludes other writers.
}

async function readRecordedMigrations(tx: Queryable): Promise<Map<number, { name: string; checksum: string }>> {
  const rows = await tx.query('SELECT version, name, checksum FROM schema_migrations ORDER BY version');
  return new Map(
    rows.map((row) => [readInt(row, 'version'), { name: readText(row, 'name'), checksum: readText(row, 'checksum') }]),
  );
}

function checkRecordedChecksums(
  recorded: Map<number, { name: string; checksum: string }>,
  migrations: readonly Migration[],
): void {
  for (const migration of migrations) {
    const entry = recorded.get(migration.version);
    if (entry !== undefined && entry.checksum !== checksumOf(migration)) {
      throw new Error(
        `Migration ${migration.version} (${migration.name}) differs from the one applied to this database ` +
          `(${entry.name}); restore its original text and add the change as a new migration`,
      );
    }
  }
}

function checkMigrationList(migrations: readonly Migration[]): void {
  migrations.forEach((migration, index) => {
    if (!Number.isSafeInteger(migration.version) || migration.version < 1) {
      throw new Error(`Migration at index ${index} has version ${migration.version}; expected a positive integer`);
    }
    const previous = migrations[index - 1];
    if (previous !== undefined && migration.version <= previous.version) {
      throw new Error(
        `Migration ${migration.version} follows ${previous.version}; expected strictly increasing versions`,
      );
    }
  });
}
