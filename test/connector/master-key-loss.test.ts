import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../connector/src/config';
import { registerOrg } from '../../connector/src/orgs';
import { openStore } from '../../connector/src/services';
import { orgScope } from '../../connector/src/store';
import { MASTER_KEY_FILENAME } from '../../connector/src/vault';

const ACTOR = { userId: '005000000000001AAA', name: 'Ada Admin' };

describe('start-up with a lost master key file', () => {
  let dataDir: string;

  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'keyroute-key-loss-'));
  });

  afterEach(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it('refuses to start and leaves no new key file', async () => {
    const config = loadConfig({ KEYROUTE_DATA_DIR: dataDir });
    const store = await openStore(config);
    const { org } = await registerOrg(store.database, '00D000000000001', 'Acme');
    const encrypted = await store.vault.encrypt('sk-test-NOTAREALKEY-key-loss-000000000000', { orgId: org.id, provider: 'openai' });
    await orgScope(store.database, org.id).credentials.saveAuthorized('openai', { encrypted, maskedKey: 'sk-test-...0000', actor: ACTOR });
    await store.close();

    await rm(join(dataDir, MASTER_KEY_FILENAME));

    await expect(openStore(config)).rejects.toThrow(
      `Stored provider keys are encrypted with master key version(s) v1 that the key file ${join(dataDir, MASTER_KEY_FILENAME)} does not contain or contains with another value. ` +
        'Restore the master keys from backup and start again; starting without them would leave those keys unreadable.',
    );
    await expect(stat(join(dataDir, MASTER_KEY_FILENAME))).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('starts on a fresh directory', async () => {
    const store = await openStore(loadConfig({ KEYROUTE_DATA_DIR: dataDir }));
    await store.close();

    expect((await stat(join(dataDir, MASTER_KEY_FILENAME))).isFile()).toBe(true);
  });
});
