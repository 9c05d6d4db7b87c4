import { OrgAuthCache, registerOrg, removeOrg, rotateToken } from '../../../connector/src/orgs/index';
import type { Database, Queryable, Row, SqlValue } from '../../../connector/src/store/database';
import { createTestDatabase, type TestDatabase } from '../../helpers/databases';

const ORG_ID = '00D000000000001EAA';

/** Counts the queries that reach the database. */
function countingDatabase(db: Database): { queryable: Queryable; queries: () => number } {
  let queries = 0;
  const queryable: Queryable = {
    kind: db.kind,
    query: <T extends Row = Row>(sql: string, params?: readonly SqlValue[]) => {
      queries += 1;
      return db.query<T>(sql, params);
    },
    execute: (sql, params) => {
      queries += 1;
      return db.execute(sql, params);
    },
  };
  return { queryable, queries: () => queries };
}

describe('OrgAuthCache', () => {
  let database: TestDatabase;
  let now: number;
  let cache: OrgAuthCache;
  let queries: () => number;

  beforeEach(async () => {
    database = await createTestDatabase('sqlite');
    now = 1_000_000;
    const counting = countingDatabase(database.db);
    queries = counting.queries;
    cache = new OrgAuthCache(counting.queryable, { ttlMs: 5_000, now: () => now });
  });

  afterEach(async () => {
    cache.dispose();
    await database.cleanup();
  });

  it('reads a valid token once within the TTL', async () => {
    const { org, token } = await registerOrg(database.db, ORG_ID, 'Acme');

    const first = await cache.authenticate(token);
    now += 4_999;
    const second = await cache.authenticate(token);

    expect(first).toEqual(org);
    expect(second).toEqual(org);
    expect(queries()).toBe(1);
  });

  it('reads again after the TTL', async () => {
    const { token } = await registerOrg(database.db, ORG_ID, 'Acme');

    await cache.authenticate(token);
    now += 5_000;
    await cache.authenticate(token);

    expect(queries()).toBe(2);
  });

  it('does not cache an unknown token', async () => {
    const unknown = `kr_${'A'.repeat(43)}`;

    expect(await cache.authenticate(unknown)).toBeNull();
    const { token } = await registerOrg(database.db, ORG_ID, 'Acme');

    expect(await cache.authenticate(unknown)).toBeNull();
    expect(await cache.authenticate(token)).not.toBeNull();
    expect(queries()).toBe(3);
  });

  it('rejects a malformed token without a query', async () => {
    expect(await cache.authenticate('Bearer nonsense')).toBeNull();
    expect(queries()).toBe(0);
  });

  it('rejects the old token right after rotation', async () => {
    const { token } = await registerOrg(database.db, ORG_ID, 'Acme');
    await cache.authenticate(token);

    const rotated = await rotateToken(database.db, ORG_ID);

    expect(await cache.authenticate(token)).toBeNull();
    expect(await cache.authenticate(rotated.token)).toEqual(rotated.org);
  });

  it('rejects the token of a removed org at once', async () => {
    const { token } = await registerOrg(database.db, ORG_ID, 'Acme');
    await cache.authenticate(token);

    await removeOrg(database.db, ORG_ID);

    expect(await cache.authenticate(token)).toBeNull();
  });

  it('keeps serving a token revoked elsewhere until the TTL', async () => {
    const { token } = await registerOrg(database.db, ORG_ID, 'Acme');
    await cache.authenticate(token);
    // Another process revokes the token: no notice reaches this cache.
    await database.db.execute('UPDATE org_tokens SET revoked_at = $1', [new Date().toISOString()]);

    const withinTtl = await cache.authenticate(token);
    now += 5_000;
    const afterTtl = await cache.authenticate(token);

    expect(withinTtl).not.toBeNull();
    expect(afterTtl).toBeNull();
  });
});
