import { join } from 'node:path';
import type { Database } from './database';
import { PostgresDatabase } from './postgres';
import { SqliteDatabase } from './sqlite';

export const SQLITE_FILENAME = 'keyroute.db';

export interface OpenDatabaseOptions {
  /** Directory of the embedded database file; used when `databaseUrl` is not set. */
  dataDir: string;
  /** PostgreSQL connection URL (DATABASE_URL). When set, PostgreSQL is used instead of SQLite. */
  databaseUrl?: string;
  /** PostgreSQL only: schema to use instead of the server's default search_path. */
  postgresSchema?: string;
  /** SQLite only: how long to wait for another process's lock, in milliseconds. */
  sqliteBusyTimeoutMs?: number;
  /** PostgreSQL only: receives errors of idle pooled connections. */
  onIdleConnectionError?: (error: Error) => void;
}

/**
 * Opens PostgreSQL when `databaseUrl` is set, otherwise `<dataDir>/keyroute.db`.
 * Call `migrate(db)` before using it.
 */
export function openDatabase(options: OpenDatabaseOptions): Database {
  if (options.databaseUrl !== undefined && options.databaseUrl !== '') {
    return new PostgresDatabase({
      connectionString: options.databaseUrl,
      ...(options.postgresSchema === undefined ? {} : { schema: options.postgresSchema }),
      ...(options.onIdleConnectionError === undefined ? {} : { onIdleConnectionError: options.onIdleConnectionError }),
    });
  }
  return new SqliteDatabase({
    filename: join(options.dataDir, SQLITE_FILENAME),
    ...(options.sqliteBusyTimeoutMs === undefined ? {} : { busyTimeoutMs: options.sqliteBusyTimeoutMs }),
  });
}
