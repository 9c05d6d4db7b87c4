import { migrate, checksumOf } from '../../../connector/src/store/migrate';
import { MIGRATIONS, type Migration } from '../../../connector/src/store/migrations';
import { createTestDatabase, DATABASE_BACKENDS, listTables, type TestDatabase } from '../../helpers/databases';

const APPLICATION_TABLES = [
  'ai_settings',
  'audit_events',
  'inference_log',
  'org_tokens',
  'orgs',
  'provider_credentials',
  'schema_migrations',
];

describe.each(DATABASE_BACKENDS)('migrate on %s', (kind) => {
  let test: TestDatabase;

  beforeEach(async () => {
    test = await createTestDatabase(kind, { migrate: false });
  });

  afterEach(async () => {
    await test.cleanup();
  });

  it('creates every table on an empty database', async () => {
    const result = await migrate(test.db);

    expect(result).toEqual({ applied: [1], currentVersion: 1, unknownVersions: [] });
    const tables = await listTables(test.db);
    expect(tables.filter((table) => table !== 'sqlite_sequence')).toEqual(APPLICATION_TABLES);
  });

  it('records each migration with its checksum', async () => {
    await migrate(test.db);

    const rows = await test.db.query('SELECT version, name, checksum FROM schema_migrations ORDER BY version');
    expect(rows).toEqual(MIGRATIONS.map((m) => ({ version: m.version, name: m.name, checksum: checksumOf(m) })));
  });

  it('applies nothing on a second run', async () => {
    await migrate(test.db);
    const second = await migrate(test.db);

    expect(second).toEqual({ applied: [], currentVersion: 1, unknownVersions: [] });
    const count = await test.db.query('SELECT COUNT(*) AS n FROM schema_migrations');
    expect(count).toEqual([{ n: MIGRATIONS.length }]);
  });

  it('applies only the new migrations', async () => {
    await migrate(test.db);
    const next: Migration = {
      version: 2,
      name: 'add scratch',
      statements: ['CREATE TABLE scratch (id {{identity}}, note TEXT)'],
    };

    const result = await migrate(test.db, [...MIGRATIONS, next]);

    expect(result).toEqual({ applied: [2], currentVersion: 2, unknownVersions: [] });
    await test.db.execute('INSERT INTO scratch (note) VALUES ($1), ($1)', ['x']);
    expect(await test.db.query('SELECT id FROM scratch ORDER BY id')).toEqual([{ id: 1 }, { id: 2 }]);
  });

  it('rolls back a failing migration', async () => {
    const broken: Migration = {
      version: 2,
      name: 'broken',
      statements: ['CREATE TABLE half_done (id INTEGER)', 'CREATE TABLE orgs (id TEXT)'],
    };

    await expect(migrate(test.db, [...MIGRATIONS, broken])).rejects.toThrow();

    const tables = await listTables(test.db);
    expect(tables).not.toContain('half_done');
    expect(tables).toContain('orgs');
    expect(await test.db.query('SELECT version FROM schema_migrations')).toEqual([{ version: 1 }]);
  });

  it('rejects an edited applied migration', async () => {
    await migrate(test.db);
    const edited = MIGRATIONS.map((m) => (m.version === 1 ? { ...m, statements: [...m.statements, 'SELECT 1'] } : m));

    await expect(migrate(test.db, edited)).rejects.toThrow(
      'Migration 1 (initial schema) differs from the one applied to this database (initial schema); ' +
        'restore its original text and add the change as a new migration',
    );
  });

  it('reports versions it does not know', async () => {
    const future: Migration = {
      version: 2,
      name: 'from a newer connector',
      statements: ['CREATE TABLE future (id INTEGER)'],
    };
    await migrate(test.db, [...MIGRATIONS, future]);

    expect(await migrate(test.db)).toEqual({ applied: [], currentVersion: 2, unknownVersions: [2] });
  });

  it('rejects versions out of order', async () => {
    const list: Migration[] = [
      { version: 2, name: 'b', statements: [] },
      { version: 1, name: 'a', statements: [] },
    ];
    await expect(migrate(test.db, list)).rejects.toThrow(
      'Migration 1 follows 2; expected strictly increasing versions',
    );
  });

  it('survives concurrent instance starts', async () => {
    const instances = [test.db, test.openAnother(), test.openAnother(), test.openAnother()];

    const results = await Promise.all(instances.map((db) => migrate(db)));

    const appliedByAll = results.flatMap((result) => result.applied).sort();
    expect(appliedByAll).toEqual(MIGRATIONS.map((m) => m.version));
    for (const result of results) {
      expect(result.currentVersion).toBe(1);
    }
    expect(await test.db.query('SELECT COUNT(*) AS n FROM schema_migrations')).toEqual([{ n: MIGRATIONS.length }]);
  });
});
