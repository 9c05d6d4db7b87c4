import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { CredentialRepository, countSecretsByMasterKeyVersion } from '../../../connector/src/store/credentials';
import { OrgRepository } from '../../../connector/src/store/orgs';
import type { Org } from '../../../connector/src/store/types';
import { KeyVault } from '../../../connector/src/vault/envelope';
import { FileKeyring, openFileKeyring, parseMasterKeys, rotateMasterKey } from '../../../connector/src/vault/keyring';
import { maskApiKey } from '../../../connector/src/vault/mask';
import { rewrapAll } from '../../../connector/src/vault/rewrap';
import { createTestDatabase, DATABASE_BACKENDS, dumpAllRows, type TestDatabase } from '../../helpers/databases';

const ADA = { userId: '005000000000001AAA', name: 'Ada Admin' };

function fakeApiKey(index: number): string {
  return `sk-test-NOTAREALKEY-rewrap-${String(index).padStart(4, '0')}-000000000000`;
}

describe.each(DATABASE_BACKENDS)('vault with the store on %s', (kind) => {
  let test: TestDatabase;
  let orgs: Org[];

  beforeEach(async () => {
    test = await createTestDatabase(kind);
    orgs = [];
  });

  afterEach(async () => {
    await test.cleanup();
  });

  /** Registers `count` orgs, each with an OpenAI key encrypted by `vault`. */
  async function seedKeys(vault: KeyVault, count: number): Promise<void> {
    for (let index = 0; index < count; index += 1) {
      const suffix = String(index).padStart(3, '0');
      const org = (await new OrgRepository(test.db).create({
        salesforceOrgId: `00D000000000${suffix}EAA`,
        name: `Org ${index}`,
      }))!;
      const apiKey = fakeApiKey(index);
      const encrypted = await vault.encrypt(apiKey, { orgId: org.id, provider: 'openai' });
      await new CredentialRepository(test.db, org.id).saveAuthorized('openai', {
        encrypted,
        maskedKey: maskApiKey(apiKey),
        actor: ADA,
      });
      orgs.push(org);
    }
  }

  async function decryptAll(vault: KeyVault): Promise<string[]> {
    const keys: string[] = [];
    for (const org of orgs) {
      const stored = await new CredentialRepository(test.db, org.id).getSecret('openai');
      keys.push(await vault.decrypt(stored!.encrypted, { orgId: org.id, provider: 'openai' }));
    }
    return keys;
  }

  it('stores no plaintext key in any table', async () => {
    const { keyring } = await openFileKeyring(test.dataDir);
    await seedKeys(new KeyVault(keyring), 3);

    const dump = await dumpAllRows(test.db);
    for (let index = 0; index < 3; index += 1) {
      expect(dump).not.toContain(fakeApiKey(index));
      expect(dump).not.toContain(Buffer.from(fakeApiKey(index)).toString('base64'));
    }
    expect(dump).toContain('sk-test-...0000');
  });

  it('rejects a key copied to another org', async () => {
    const { keyring } = await openFileKeyring(test.dataDir);
    const vault = new KeyVault(keyring);
    await seedKeys(vault, 2);
    const [orgA, orgB] = orgs as [Org, Org];

    const stolen = (await new CredentialRepository(test.db, orgA.id).getSecret('openai'))!;
    await new CredentialRepository(test.db, orgB.id).saveAuthorized('openai', {
      encrypted: stolen.encrypted,
      maskedKey: 'sk-...0000',
      actor: ADA,
    });
    const copied = (await new CredentialRepository(test.db, orgB.id).getSecret('openai'))!;

    await expect(vault.decrypt(copied.encrypted, { orgId: orgB.id, provider: 'openai' })).rejects.toThrow(
      `Could not decrypt the openai key of org ${orgB.id}: it was encrypted for another org or provider, or the stored data was modified`,
    );
  });

  it('rewraps every key after a rotation', async () => {
    const { keyring } = await openFileKeyring(test.dataDir);
    await seedKeys(new KeyVault(keyring), 7);
    await rotateMasterKey(test.dataDir);
    const rotated = new KeyVault(await FileKeyring.read(keyring.source));
    const batches: number[] = [];

    const result = await rewrapAll(test.db, rotated, {
      batchSize: 3,
      onBatch: (progress) => batches.push(progress.rewrapped),
    });

    expect(result).toEqual({ rewrapped: 7, skipped: 0, masterKeyVersion: 'v2' });
    expect(batches).toEqual([3, 6, 7]);
    expect(await countSecretsByMasterKeyVersion(test.db)).toEqual({ v2: 7 });
    expect(
      await decryptAll(
        new KeyVault(parseMasterKeys(`v2:${await keyBase64(keyring.source, 'v2')}`, { source: 'v2 only' })),
      ),
    ).toEqual(orgs.map((_, index) => fakeApiKey(index)));
    expect(await rewrapAll(test.db, rotated)).toEqual({ rewrapped: 0, skipped: 0, masterKeyVersion: 'v2' });
  });

  it('keeps decryptions working during the rewrap', async () => {
    const { keyring: serverKeyring } = await openFileKeyring(test.dataDir);
    const server = new KeyVault(serverKeyring);
    await seedKeys(server, 24);
    await rotateMasterKey(test.dataDir);
    const cli = new KeyVault(await FileKeyring.read(serverKeyring.source));

    let rewrapDone = false;
    const failures: string[] = [];
    const versionsSeen = new Set<string>();
    let decryptions = 0;

    const decryptLoop = (async () => {
      let roundsAfterDone = 0;
      while (roundsAfterDone < 2) {
        if (rewrapDone) roundsAfterDone += 1;
        for (const [index, org] of orgs.entries()) {
          try {
            const stored = await new CredentialRepository(test.db, org.id).getSecret('openai');
            versionsSeen.add(stored!.encrypted.masterKeyVersion);
            const apiKey = await server.decrypt(stored!.encrypted, { orgId: org.id, provider: 'openai' });
            if (apiKey !== fakeApiKey(index)) failures.push(`org ${index}: wrong key`);
          } catch (error) {
            failures.push(`org ${index}: ${(error as Error).message}`);
          }
          decryptions += 1;
        }
        await yieldToEventLoop();
      }
    })();

    const result = await rewrapAll(test.db, cli, { batchSize: 2 });
    rewrapDone = true;
    await decryptLoop;

    expect(result.rewrapped).toBe(24);
    expect(failures).toEqual([]);
    expect([...versionsSeen].sort()).toEqual(['v1', 'v2']);
    expect(decryptions).toBeGreaterThanOrEqual(48);
    expect(await countSecretsByMasterKeyVersion(test.db)).toEqual({ v2: 24 });
  });

  it('rewraps with configured keys', async () => {
    const v1 = Buffer.alloc(32, 0x41).toString('base64');
    const v2 = Buffer.alloc(32, 0x42).toString('base64');
    await seedKeys(new KeyVault(parseMasterKeys(`v1:${v1}`, { source: 'TEST_MASTER_KEYS' })), 3);
    const rotated = new KeyVault(parseMasterKeys(`v1:${v1},v2:${v2}`, { source: 'TEST_MASTER_KEYS' }));

    expect(await rewrapAll(test.db, rotated)).toEqual({ rewrapped: 3, skipped: 0, masterKeyVersion: 'v2' });
    expect(await decryptAll(new KeyVault(parseMasterKeys(`v2:${v2}`, { source: 'TEST_MASTER_KEYS' })))).toHaveLength(3);
  });

  it('stops at a missing master key', async () => {
    const v1 = Buffer.alloc(32, 0x41).toString('base64');
    const v2 = Buffer.alloc(32, 0x42).toString('base64');
    const v3 = Buffer.alloc(32, 0x43).toString('base64');
    await seedKeys(new KeyVault(parseMasterKeys(`v1:${v1}`, { source: 'TEST_MASTER_KEYS' })), 4);
    const lastOrg = [...orgs].sort((a, b) => (a.id < b.id ? -1 : 1)).at(-1)!;
    const orphan = await new KeyVault(parseMasterKeys(`v2:${v2}`, { source: 'TEST_MASTER_KEYS' })).encrypt(
      fakeApiKey(99),
      {
        orgId: lastOrg.id,
        provider: 'openai',
      },
    );
    await new CredentialRepository(test.db, lastOrg.id).saveAuthorized('openai', {
      encrypted: orphan,
      maskedKey: 'sk-...0000',
      actor: ADA,
    });
    const vault = new KeyVault(parseMasterKeys(`v1:${v1},v3:${v3}`, { source: 'TEST_MASTER_KEYS' }));

    await expect(rewrapAll(test.db, vault, { batchSize: 3 })).rejects.toThrow(
      `Master key version v2 is not in the keyring (TEST_MASTER_KEYS has v1, v3); the openai key of org ${lastOrg.id} was wrapped with it.`,
    );
    expect(await countSecretsByMasterKeyVersion(test.db)).toEqual({ v2: 1, v3: 3 });
  });

  it('rejects a bad batch size', async () => {
    const vault = new KeyVault(
      parseMasterKeys(`v1:${Buffer.alloc(32, 0x41).toString('base64')}`, { source: 'TEST_MASTER_KEYS' }),
    );
    await expect(rewrapAll(test.db, vault, { batchSize: 0 })).rejects.toThrow(
      'batchSize: expected a positive integer, got 0',
    );
  });
});

async function keyBase64(path: string, version: string): Promise<string> {
  const { readFile } = await import('node:fs/promises');
  return (JSON.parse(await readFile(path, 'utf8')) as { keys: Record<string, string> }).keys[version]!;
}
