import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Pool } from 'pg';
import type { Database, DatabaseKind } from '../../connector/src/store/database';
import { migrate } from '../../connector/src/store/migrate';
import { openDatabase } from '../../connector/src/store/open';

/**
 * Fresh, isolated databases for tests, on both backends: SQLite in a new temporary
 * directory, PostgreSQL (127.0.0.1:5432, or KEYROUTE_TEST_DATABASE_URL) in a new schema
 * with a unique name that cleanup() drops. Use with
 * `describe.each(DATABASE_BACKENDS)('... (%s)', (kind) => ...)`.
 */

export const DATABASE_BACKENDS: readonly DatabaseKind[] = ['sqlite', 'postgres'];

export const TEST_POSTGRES_URL = process.env.KEYROUTE_TEST_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/test';

export interface TestDatabase {
  kind: DatabaseKind;
  /** The database, migrated unless `migrate: false` was passed. */
  db: Database;
  /** A new temporary directory: the SQLite file lives here, and tests may put key files here. */
  dataDir: string;
  /** The PostgreSQL schema, or null for SQLite. */
  schema: string | null;
  /** Opens another connection (pool) to the same database, as a second connector instance would; cleanup() closes it. */
  openAnother(): Database;
  /** Closes every connection opened here, drops the schema and deletes the directory. */
  cleanup(): Promise<void>;
}

export async function createTestDatabase(
  kind: DatabaseKind,
  options: { migrate?: boolean } = {},
): Promise<TestDatabase> {
  const dataDir = await mkdtemp(join(tmpdir(), 'keyroute-test-'));
  const schema = kind === 'postgres' ? `kr_test_${process.pid}_${randomBytes(6).toString('hex')}` : null;

  if (schema !== null) {
    const admin = new Pool({ connectionString: TEST_POSTGRES_URL, max: 1 });
    try {
      await admin.query(`CREATE SCHEMA ${schema}`);
    } finally {
      await admin.end();
    }
  }

  const opened: Database[] = [];
  const openAnother = (): Database => {
    const db =
      schema === null
        ? openDatabase({ dataDir })
        : openDatabase({ dataDir, databaseUrl: TEST_POSTGRES_URL, postgresSchema: schema });
    opened.push(db);
    return db;
  };

  const db = openAnother();
  if (options.migrate !== false) {
    await migrate(db);
  }

  return {
    kind,
    db,
    dataDir,
    schema,
    openAnother,
    cleanup: async () => {
      for (const database of opened) {
        await database.close();
      }
      if (schema !== null) {
        const admin = new Pool({ connectionString: TEST_POSTGRES_URL, max: 1 });
        try {
          await admin.query(`DROP SCHEMA ${schema} CASCADE`);
        } finally {
          await admin.end();
        }
      }
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** Returns the names of the application's tables, for tests that scan every row. */
export async function listTables(db: Database): Promise<string[]> {
  const rows =
    db.kind === 'sqlite'
      ? await db.query<{ name: string }>(
          `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name`,
        )
      : await db.query<{ name: string }>(
          `SELECT table_name AS name FROM information_schema.tables
           WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name`,
        );
  return rows.map((row) => row.name);
}

/** Returns every row of every table as JSON text, for asserting that a secret appears nowhere. */
export async function dumpAllRows(db: Database): Promise<string> {
  const dump: Record<string, unknown[]> = {};
  for (const table of await listTables(db)) {
    dump[table] = await db.query(`SELECT * FROM ${table}`);
  }
  return JSON.stringify(dump);
}
