/**
 * The storage interface the connector codes against. Two backends implement it: the
 * embedded SQLite file (node:sqlite) and PostgreSQL (pg). SQL text is written once in a
 * subset both accept, with `$1`-style positional parameters.
 */

export type DatabaseKind = 'sqlite' | 'postgres';

/**
 * A value bound to a `$n` parameter. Booleans are stored as INTEGER 0/1 and timestamps as
 * ISO-8601 UTC text, so neither has its own type here.
 */
export type SqlValue = string | number | null;

/**
 * A result row by column name. Integers come back as JS numbers on both backends (a
 * PostgreSQL BIGINT above 2^53 - 1 raises an error instead of losing precision).
 */
export type Row = Record<string, SqlValue>;

/** Statement runner that repositories take: a database or an open transaction. */
export interface Queryable {
  readonly kind: DatabaseKind;
  /** Runs a statement and returns its rows (those of `RETURNING` for a write). */
  query<T extends Row = Row>(sql: string, params?: readonly SqlValue[]): Promise<T[]>;
  /** Runs a statement and returns the number of rows it inserted, updated or deleted. */
  execute(sql: string, params?: readonly SqlValue[]): Promise<number>;
}

export interface Database extends Queryable {
  /**
   * Runs `fn` in a transaction: commits when its promise resolves, rolls back and rethrows
   * when it rejects. Statements inside must go through the handle `fn` receives. Calling
   * the database itself from inside the callback raises an error, because on SQLite that
   * call would wait for the transaction forever.
   */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  /** Waits for the running transaction, if any, then closes the file or the pool. */
  close(): Promise<void>;
}

/** Runs `fn` in a new transaction on a database, or directly on a transaction handle. */
export async function withTransaction<T>(queryable: Queryable, fn: (tx: Queryable) => Promise<T>): Promise<T> {
  if (isDatabase(queryable)) {
    return queryable.transaction(fn);
  }
  return fn(queryable);
}

function isDatabase(queryable: Queryable): queryable is Database {
  return typeof (queryable as Partial<Database>).transaction === 'function';
}

/** Raises a TypeError naming the first `undefined` parameter, which neither driver reports clearly. */
export function checkParams(params: readonly SqlValue[]): void {
  params.forEach((value, index) => {
    if (value === undefined) {
      throw new TypeError(`SQL parameter $${index + 1} is undefined; pass null for SQL NULL`);
    }
  });
}

export const TRANSACTION_REENTRY_MESSAGE =
  'The database was called directly inside a transaction callback; use the transaction handle passed to the callback';

export const TRANSACTION_FINISHED_MESSAGE = 'The transaction handle was used after its transaction had finished';
