import { setTimeout as sleep } from 'node:timers/promises';
import {
  TRANSACTION_FINISHED_MESSAGE,
  TRANSACTION_REENTRY_MESSAGE,
  type Queryable,
} from '../../../connector/src/store/database';
import { toSqliteParameters } from '../../../connector/src/store/sqlite';
import { createTestDatabase, DATABASE_BACKENDS, type TestDatabase } from '../../helpers/databases';

describe('toSqliteParameters', () => {
  it('rewrites $n as ?n', () => {
    expect(toSqliteParameters('SELECT * FROM t WHERE a = $1 AND b = $12 OR c = $1')).toBe(
      'SELECT * FROM t WHERE a = ?1 AND b = ?12 OR c = ?1',
    );
  });

  it('leaves quoted text and comments alone', () => {
    const sql = `SELECT '$1', 'it''s $2', "col$3" -- $4\nFROM t /* $5 */ WHERE a = $6`;
    expect(toSqliteParameters(sql)).toBe(`SELECT '$1', 'it''s $2', "col$3" -- $4\nFROM t /* $5 */ WHERE a = ?6`);
  });
});

describe.each(DATABASE_BACKENDS)('Database on %s', (kind) => {
  let test: TestDatabase;

  beforeEach(async () => {
    test = await createTestDatabase(kind, { migrate: false });
    await test.db.execute('CREATE TABLE scratch (id INTEGER PRIMARY KEY, label TEXT NOT NULL)');
  });

  afterEach(async () => {
    await test.cleanup();
  });

  async function labels(db: Queryable = test.db): Promise<string[]> {
    const rows = await db.query<{ label: string }>('SELECT label FROM scratch ORDER BY id');
    return rows.map((row) => row.label);
  }

  it('reports its kind', () => {
    expect(test.db.kind).toBe(kind);
  });

  it('binds reused positional parameters', async () => {
    await test.db.execute('INSERT INTO scratch (id, label) VALUES ($1, $2), ($3, $2)', [1, 'same', 2]);
    const rows = await test.db.query('SELECT id FROM scratch WHERE label = $1 AND id >= $2 ORDER BY id', ['same', 1]);
    expect(rows).toEqual([{ id: 1 }, { id: 2 }]);
  });

  it('returns the affected row count', async () => {
    await test.db.execute('INSERT INTO scratch (id, label) VALUES (1, $1), (2, $1), (3, $2)', ['a', 'b']);
    expect(await test.db.execute('UPDATE scratch SET label = $1 WHERE label = $2', ['c', 'a'])).toBe(2);
    expect(await test.db.execute('DELETE FROM scratch WHERE id = $1', [99])).toBe(0);
  });

  it('returns RETURNING rows of a write', async () => {
    const rows = await test.db.query('INSERT INTO scratch (id, label) VALUES ($1, $2) RETURNING id, label', [7, 'x']);
    expect(rows).toEqual([{ id: 7, label: 'x' }]);
  });

  it('returns COUNT and SUM as numbers', async () => {
    await test.db.execute('INSERT INTO scratch (id, label) VALUES (1, $1), (2, $1)', ['a']);
    const rows = await test.db.query('SELECT COUNT(*) AS n, SUM(id) AS total FROM scratch');
    expect(rows).toEqual([{ n: 2, total: 3 }]);
  });

  it('rejects an undefined parameter', async () => {
    await expect(test.db.query('SELECT $1 AS v', [undefined as unknown as null])).rejects.toThrow(
      'SQL parameter $1 is undefined; pass null for SQL NULL',
    );
  });

  it('commits a transaction', async () => {
    const result = await test.db.transaction(async (tx) => {
      await tx.execute('INSERT INTO scratch (id, label) VALUES (1, $1)', ['kept']);
      return 'done';
    });
    expect(result).toBe('done');
    expect(await labels()).toEqual(['kept']);
  });

  it('rolls back and rethrows', async () => {
    await expect(
      test.db.transaction(async (tx) => {
        await tx.execute('INSERT INTO scratch (id, label) VALUES (1, $1)', ['lost']);
        throw new Error('stop here');
      }),
    ).rejects.toThrow('stop here');
    expect(await labels()).toEqual([]);
  });

  it('keeps interleaved transactions apart', async () => {
    const first = test.db.transaction(async (tx) => {
      await tx.execute('INSERT INTO scratch (id, label) VALUES (1, $1)', ['a1']);
      await sleep(30);
      await tx.execute('INSERT INTO scratch (id, label) VALUES (2, $1)', ['a2']);
    });
    const second = test.db.transaction(async (tx) => {
      await tx.execute('INSERT INTO scratch (id, label) VALUES (3, $1)', ['b1']);
      await sleep(10);
      throw new Error('second fails');
    });

    const [firstResult, secondResult] = await Promise.allSettled([first, second]);
    expect(firstResult.status).toBe('fulfilled');
    expect(secondResult).toEqual({ status: 'rejected', reason: new Error('second fails') });
    expect(await labels()).toEqual(['a1', 'a2']);
  });

  it('hides uncommitted rows from queries', async () => {
    let inserted!: () => void;
    const insertedPromise = new Promise<void>((resolve) => {
      inserted = resolve;
    });
    const transaction = test.db.transaction(async (tx) => {
      await tx.execute('INSERT INTO scratch (id, label) VALUES (1, $1)', ['pending']);
      inserted();
      await sleep(30);
      throw new Error('roll back');
    });

    await insertedPromise;
    const seen = await labels();
    await expect(transaction).rejects.toThrow('roll back');
    expect(seen).toEqual([]);
  });

  it('rejects a direct call inside a transaction', async () => {
    await expect(
      test.db.transaction(async () => {
        await test.db.query('SELECT 1 AS one');
      }),
    ).rejects.toThrow(TRANSACTION_REENTRY_MESSAGE);
    await expect(test.db.transaction(async () => test.db.transaction(async () => 1))).rejects.toThrow(
      TRANSACTION_REENTRY_MESSAGE,
    );
  });

  it('rejects a handle used after its transaction', async () => {
    let handle!: Queryable;
    await test.db.transaction(async (tx) => {
      handle = tx;
    });
    await expect(handle.query('SELECT 1 AS one')).rejects.toThrow(TRANSACTION_FINISHED_MESSAGE);
    await expect(handle.execute('DELETE FROM scratch')).rejects.toThrow(TRANSACTION_FINISHED_MESSAGE);
  });

  it('shares data with a second instance', async () => {
    const other = test.openAnother();
    await test.db.execute('INSERT INTO scratch (id, label) VALUES (1, $1)', ['shared']);
    expect(await labels(other)).toEqual(['shared']);
  });
});

describe('SqliteDatabase', () => {
  let test: TestDatabase;

  beforeEach(async () => {
    test = await createTestDatabase('sqlite', { migrate: false });
  });

  afterEach(async () => {
    await test.cleanup();
  });

  it('uses WAL mode and a busy timeout', async () => {
    expect(await test.db.query('PRAGMA journal_mode')).toEqual([{ journal_mode: 'wal' }]);
    expect(await test.db.query('PRAGMA busy_timeout')).toEqual([{ timeout: 5000 }]);
    expect(await test.db.query('PRAGMA foreign_keys')).toEqual([{ foreign_keys: 1 }]);
  });

  it('creates the file with mode 0600', async () => {
    const { stat } = await import('node:fs/promises');
    const { join } = await import('node:path');
    const mode = (await stat(join(test.dataDir, 'keyroute.db'))).mode & 0o777;
    expect(mode).toBe(0o600);
  });

  it('queues queries behind a transaction', async () => {
    await test.db.execute('CREATE TABLE scratch (id INTEGER PRIMARY KEY, label TEXT NOT NULL)');
    const events: string[] = [];
    const transaction = test.db.transaction(async (tx) => {
      events.push('transaction started');
      await sleep(30);
      await tx.execute(`INSERT INTO scratch (id, label) VALUES (1, 'committed')`);
      events.push('transaction finished');
    });
    const query = test.db.query('SELECT label FROM scratch').then((rows) => {
      events.push(`query saw ${rows.length} rows`);
    });

    await Promise.all([transaction, query]);
    expect(events).toEqual(['transaction started', 'transaction finished', 'query saw 1 rows']);
  });
});
