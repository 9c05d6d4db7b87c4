import { AsyncLocalStorage } from 'node:async_hooks';
import { Pool, types, type PoolClient, type QueryResultRow } from 'pg';
import {
  checkParams,
  TRANSACTION_FINISHED_MESSAGE,
  TRANSACTION_REENTRY_MESSAGE,
  type Database,
  type Queryable,
  type Row,
  type SqlValue,
} from './database';

export interface PostgresOptions {
  /** A libpq connection URL, such as the DATABASE_URL setting. */
  connectionString: string;
  /**
   * Schema to use instead of the server's default search_path, set on every connection.
   * Letters, digits and underscores only.
   */
  schema?: string;
  /** Largest number of pooled connections; default 10. */
  maxConnections?: number;
  /**
   * Receives errors of idle pooled connections (the server restarted, the network
   * dropped). The pool replaces such a connection by itself. Without this handler the
   * error is written to stderr.
   */
  onIdleConnectionError?: (error: Error) => void;
}

const INT8_OID = 20;

/** Parses BIGINT (COUNT, SUM of INTEGER, identity columns) as a number, as SQLite returns it. */
function parseBigInt(text: string): number {
  const value = Number(text);
  if (!Number.isSafeInteger(value)) {
    throw new RangeError(`BIGINT value ${text} is out of range for a JavaScript number (max 2^53 - 1)`);
  }
  return value;
}

const typeParsers = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === INT8_OID && format !== 'binary'
      ? parseBigInt
      : types.getTypeParser(oid, format)) as typeof types.getTypeParser,
};

/** The PostgreSQL backend: one pg Pool, and each transaction uses one pooled connection. */
export class PostgresDatabase implements Database {
  readonly kind = 'postgres' as const;
  private readonly pool: Pool;
  private readonly transactionContext = new AsyncLocalStorage<{ active: boolean }>();

  constructor(options: PostgresOptions) {
    if (options.schema !== undefined && !/^[A-Za-z_][A-Za-z0-9_]{0,62}$/.test(options.schema)) {
      throw new Error(
        'schema: expected a PostgreSQL schema name of letters, digits and underscores (at most 63 characters)',
      );
    }

    this.pool = new Pool({
      connectionString: options.connectionString,
      max: options.maxConnections ?? 10,
      types: typeParsers,
      ...(options.schema === undefined ? {} : { options: `-c search_path=${options.schema}` }),
    });
    const onIdleError =
      options.onIdleConnectionError ??
      ((error: Error) => console.error(`PostgreSQL idle connection error: ${error.message}`));
    this.pool.on('error', onIdleError);
  }

  async query<T extends Row = Row>(sql: string, params: readonly SqlValue[] = []): Promise<T[]> {
    this.rejectReentry();
    checkParams(params);
    const result = await this.pool.query<QueryResultRow>(sql, params as SqlValue[]);
    return result.rows as T[];
  }

  async execute(sql: string, params: readonly SqlValue[] = []): Promise<number> {
    this.rejectReentry();
    checkParams(params);
    const result = await this.pool.query(sql, params as SqlValue[]);
    return result.rowCount ?? 0;
  }

  async transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
    this.rejectReentry();
    const client = await this.pool.connect();
    const state = { active: true };
    const handle = createTransactionHandle(client, state);

    let releaseError: Error | undefined;
    try {
      await client.query('BEGIN');
      const result = await this.transactionContext.run(state, () => fn(handle));
      await client.query('COMMIT');
      return result;
    } catch (error) {
      try {
        await client.query('ROLLBACK');
      } catch (rollbackError) {
        // The connection is unusable; passing the error to release() discards it from the pool.
        releaseError = rollbackError as Error;
      }
      throw error;
    } finally {
      state.active = false;
      client.release(releaseError);
    }
  }

  async close(): Promise<void> {
    await this.pool.end();
  }

  private rejectReentry(): void {
    if (this.transactionContext.getStore()?.active) {
      throw new Error(TRANSACTION_REENTRY_MESSAGE);
    }
  }
}

function createTransactionHandle(client: PoolClient, state: { active: boolean }): Queryable {
  const assertActive = () => {
    if (!state.active) {
      throw new Error(TRANSACTION_FINISHED_MESSAGE);
    }
  };
  return {
    kind: 'postgres',
    query: async <R extends Row = Row>(sql: string, params: readonly SqlValue[] = []) => {
      assertActive();
      checkParams(params);
      const result = await client.query<QueryResultRow>(sql, params as SqlValue[]);
      return result.rows as R[];
    },
    execute: async (sql: string, params: readonly SqlValue[] = []) => {
      assertActive();
      checkParams(params);
      const result = await client.query(sql, params as SqlValue[]);
      return result.rowCount ?? 0;
    },
  };
}
