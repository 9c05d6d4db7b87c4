import { AsyncLocalStorage } from 'node:async_hooks';
import { closeSync, mkdirSync, openSync, realpathSync } from 'node:fs';
import { dirname } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import {
  checkParams,
  TRANSACTION_FINISHED_MESSAGE,
  TRANSACTION_REENTRY_MESSAGE,
  type Database,
  type Queryable,
  type Row,
  type SqlValue,
} from './database';
import { AsyncMutex } from './mutex';

export interface SqliteOptions {
  /** Path of the database file; its directory is created (mode 0700) when missing. */
  filename: string;
  /** How long a statement waits for another process's lock before failing, in milliseconds. */
  busyTimeoutMs?: number;
}

export const DEFAULT_BUSY_TIMEOUT_MS = 5_000;

/** State shared by all connections to one file in this process. */
interface FileLock {
  mutex: AsyncMutex;
  transactionContext: AsyncLocalStorage<{ active: boolean }>;
  connections: number;
}

const fileLocks = new Map<string, FileLock>();

/**
 * The embedded backend. node:sqlite runs statements synchronously, but transaction
 * callbacks are async, so every statement and every transaction goes through one mutex:
 * while a transaction is open, statements from elsewhere in the process wait for it,
 * and two transactions never mix their statements. Connections to the same file in one
 * process share that mutex: otherwise the second one's BEGIN would block the event loop
 * in SQLite's busy wait while the first one's transaction could never finish.
 *
 * Between processes (a CLI next to the server), SQLite's file locks apply. NOTE: a
 * statement waiting for another process's lock blocks this process's event loop, for at
 * most `busyTimeoutMs`.
 */
export class SqliteDatabase implements Database {
  readonly kind = 'sqlite' as const;
  private readonly db: DatabaseSync;
  private readonly fileKey: string;
  private readonly mutex: AsyncMutex;
  private readonly transactionContext: AsyncLocalStorage<{ active: boolean }>;
  private closed = false;

  constructor(options: SqliteOptions) {
    createPrivateFile(options.filename);
    this.db = new DatabaseSync(options.filename, {
      timeout: options.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS,
      enableForeignKeyConstraints: true,
    });

    const journal = this.db.prepare('PRAGMA journal_mode = WAL').get() as { journal_mode?: string } | undefined;
    if (journal?.journal_mode !== 'wal') {
      this.db.close();
      throw new Error(
        `Failed to enable WAL mode for ${options.filename}: SQLite kept journal mode ${String(journal?.journal_mode)}`,
      );
    }
    // Overwrites deleted content with zeros, so a disabled key's ciphertext does not stay
    // in free pages. Copies can remain in the WAL file until its next checkpoint.
    this.db.exec('PRAGMA secure_delete = ON');

    this.fileKey = realpathSync(options.filename);
    const lock = fileLocks.get(this.fileKey) ?? {
      mutex: new AsyncMutex(),
      transactionContext: new AsyncLocalStorage<{ active: boolean }>(),
      connections: 0,
    };
    lock.connections += 1;
    fileLocks.set(this.fileKey, lock);
    this.mutex = lock.mutex;
    this.transactionContext = lock.transactionContext;
  }

  async query<T extends Row = Row>(sql: string, params: readonly SqlValue[] = []): Promise<T[]> {
    this.rejectReentry();
    return this.mutex.runExclusive(() => this.runQuery<T>(sql, params));
  }

  async execute(sql: string, params: readonly SqlValue[] = []): Promise<number> {
    this.rejectReentry();
    return this.mutex.runExclusive(() => this.runExecute(sql, params));
  }

  async transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
    this.rejectReentry();
    return this.mutex.runExclusive(async () => {
      this.assertOpen();
      const state = { active: true };
      const handle: Queryable = {
        kind: 'sqlite',
        query: async <R extends Row = Row>(sql: string, params: readonly SqlValue[] = []) => {
          assertActive(state);
          return this.runQuery<R>(sql, params);
        },
        execute: async (sql: string, params: readonly SqlValue[] = []) => {
          assertActive(state);
          return this.runExecute(sql, params);
        },
      };

      // IMMEDIATE takes the write lock now, so a second process waits at BEGIN (within
      // the busy timeout) instead of failing at its first write.
      this.db.exec('BEGIN IMMEDIATE');
      try {
        const result = await this.transactionContext.run(state, () => fn(handle));
        this.db.exec('COMMIT');
        return result;
      } catch (error) {
        // SQLite rolls back by itself after some errors (SQLITE_FULL, SQLITE_IOERR...).
        if (this.db.isTransaction) {
          this.db.exec('ROLLBACK');
        }
        throw error;
      } finally {
        state.active = false;
      }
    });
  }

  async close(): Promise<void> {
    await this.mutex.runExclusive(() => {
      if (!this.closed) {
        this.closed = true;
        this.db.close();
        this.releaseFileLock();
      }
    });
  }

  private releaseFileLock(): void {
    const lock = fileLocks.get(this.fileKey);
    if (lock !== undefined) {
      lock.connections -= 1;
      if (lock.connections === 0) {
        fileLocks.delete(this.fileKey);
      }
    }
  }

  private runQuery<T extends Row>(sql: string, params: readonly SqlValue[]): T[] {
    this.assertOpen();
    checkParams(params);
    return this.db.prepare(toSqliteParameters(sql)).all(...params) as T[];
  }

  private runExecute(sql: string, params: readonly SqlValue[]): number {
    this.assertOpen();
    checkParams(params);
    return Number(this.db.prepare(toSqliteParameters(sql)).run(...params).changes);
  }

  private rejectReentry(): void {
    if (this.transactionContext.getStore()?.active) {
      throw new Error(TRANSACTION_REENTRY_MESSAGE);
    }
  }

  private assertOpen(): void {
    if (this.closed) {
      throw new Error('The SQLite database is closed');
    }
  }
}

function assertActive(state: { active: boolean }): void {
  if (!state.active) {
    throw new Error(TRANSACTION_FINISHED_MESSAGE);
  }
}

/** Creates the file with mode 0600 before SQLite opens it; SQLite gives its WAL files the same mode. */
function createPrivateFile(filename: string): void {
  mkdirSync(dirname(filename), { recursive: true, mode: 0o700 });
  closeSync(openSync(filename, 'a', 0o600));
}

/**
 * Rewrites `$n` parameters as SQLite's `?n`, which bind by position like PostgreSQL's.
 * Text inside quotes and comments is left alone.
 */
export function toSqliteParameters(sql: string): string {
  let output = '';
  let index = 0;
  while (index < sql.length) {
    const char = sql[index]!;
    const next = sql[index + 1];

    if (char === "'" || char === '"') {
      const end = findClosingQuote(sql, index, char);
      output += sql.slice(index, end);
      index = end;
    } else if (char === '-' && next === '-') {
      const lineEnd = sql.indexOf('\n', index);
      const end = lineEnd === -1 ? sql.length : lineEnd;
      output += sql.slice(index, end);
      index = end;
    } else if (char === '/' && next === '*') {
      const commentEnd = sql.indexOf('*/', index + 2);
      const end = commentEnd === -1 ? sql.length : commentEnd + 2;
      output += sql.slice(index, end);
      index = end;
    } else if (char === '$' && next !== undefined && next >= '0' && next <= '9') {
      output += '?';
      index += 1;
    } else {
      output += char;
      index += 1;
    }
  }
  return output;
}

/** Returns the index just past the quote that closes the one at `start`; a doubled quote is an escape. */
function findClosingQuote(sql: string, start: number, quote: string): number {
  let index = start + 1;
  while (index < sql.length) {
    if (sql[index] === quote) {
      if (sql[index + 1] === quote) {
        index += 2;
        continue;
      }
      return index + 1;
    }
    index += 1;
  }
  return sql.length;
}
