import { inspect } from 'node:util';
import { KeyVault, VaultError, type EncryptedSecret } from '../../../connector/src/vault/envelope';
import { loadKeyring, parseMasterKeys } from '../../../connector/src/vault/keyring';
import { MasterKey } from '../../../connector/src/vault/master-key';

/** Obviously fake master keys: 32 repeated bytes. */
const KEY_1 = Buffer.alloc(32, 0x11).toString('base64');
const KEY_2 = Buffer.alloc(32, 0x22).toString('base64');
const SOURCE = 'TEST_MASTER_KEYS';

const API_KEY = 'sk-test-NOTAREALKEY-envelope-0000000000000000';
const ORG_A = { orgId: 'org-a', provider: 'openai' };

function vaultWith(spec: string, activeVersion?: string): KeyVault {
  return new KeyVault(
    parseMasterKeys(spec, { source: SOURCE, ...(activeVersion === undefined ? {} : { activeVersion }) }),
  );
}

function flipByte(base64: string, index: number): string {
  const bytes = Buffer.from(base64, 'base64');
  bytes[index] = bytes[index]! ^ 0x01;
  return bytes.toString('base64');
}

async function decryptError(vault: KeyVault, secret: EncryptedSecret, context = ORG_A): Promise<VaultError> {
  try {
    await vault.decrypt(secret, context);
  } catch (error) {
    return error as VaultError;
  }
  throw new Error('decrypt succeeded');
}

const DECRYPTION_FAILED_A =
  'Could not decrypt the openai key of org org-a: it was encrypted for another org or provider, or the stored data was modified';

describe('KeyVault', () => {
  const vault = vaultWith(`v1:${KEY_1}`);

  it('round-trips a secret', async () => {
    const encrypted = await vault.encrypt(API_KEY, ORG_A);

    expect(encrypted.format).toBe(1);
    expect(encrypted.masterKeyVersion).toBe('v1');
    expect(await vault.decrypt(encrypted, ORG_A)).toBe(API_KEY);
  });

  it('round-trips an empty and a non-ASCII secret', async () => {
    for (const secret of ['', 'clé-секрет-密钥']) {
      expect(await vault.decrypt(await vault.encrypt(secret, ORG_A), ORG_A)).toBe(secret);
    }
  });

  it('uses a new data key and IV each time', async () => {
    const first = await vault.encrypt(API_KEY, ORG_A);
    const second = await vault.encrypt(API_KEY, ORG_A);

    expect(first.ciphertext).not.toBe(second.ciphertext);
    expect(first.wrappedDataKey).not.toBe(second.wrappedDataKey);
    expect(JSON.stringify(first)).not.toContain(API_KEY);
  });

  it('rejects another org', async () => {
    const encrypted = await vault.encrypt(API_KEY, ORG_A);
    const error = await decryptError(vault, encrypted, { orgId: 'org-b', provider: 'openai' });

    expect(error).toBeInstanceOf(VaultError);
    expect(error.code).toBe('decryption_failed');
    expect(error.message).toBe(
      'Could not decrypt the openai key of org org-b: it was encrypted for another org or provider, or the stored data was modified',
    );
  });

  it('rejects another provider', async () => {
    const encrypted = await vault.encrypt(API_KEY, ORG_A);
    const error = await decryptError(vault, encrypted, { orgId: 'org-a', provider: 'anthropic' });

    expect(error.code).toBe('decryption_failed');
    expect(error.message).toBe(
      'Could not decrypt the anthropic key of org org-a: it was encrypted for another org or provider, or the stored data was modified',
    );
  });

  it('rejects a swapped ciphertext', async () => {
    const a = await vault.encrypt(API_KEY, ORG_A);
    const b = await vault.encrypt('sk-test-NOTAREALKEY-other-000000000000000000', ORG_A);

    const error = await decryptError(vault, { ...a, ciphertext: b.ciphertext });
    expect(error.message).toBe(DECRYPTION_FAILED_A);
  });

  it('rejects a tampered ciphertext', async () => {
    const encrypted = await vault.encrypt(API_KEY, ORG_A);
    const length = Buffer.from(encrypted.ciphertext, 'base64').length;

    for (const index of [0, 12, length - 17, length - 1]) {
      const error = await decryptError(vault, { ...encrypted, ciphertext: flipByte(encrypted.ciphertext, index) });
      expect({ index, code: error.code, message: error.message }).toEqual({
        index,
        code: 'decryption_failed',
        message: DECRYPTION_FAILED_A,
      });
    }
  });

  it('rejects a tampered wrapped data key', async () => {
    const encrypted = await vault.encrypt(API_KEY, ORG_A);
    const error = await decryptError(vault, { ...encrypted, wrappedDataKey: flipByte(encrypted.wrappedDataKey, 20) });

    expect(error.code).toBe('decryption_failed');
    expect(error.message).toBe(DECRYPTION_FAILED_A);
  });

  it('rejects malformed or truncated fields', async () => {
    const encrypted = await vault.encrypt(API_KEY, ORG_A);
    const broken = [
      { ...encrypted, ciphertext: 'not base64 at all!' },
      { ...encrypted, ciphertext: Buffer.alloc(20).toString('base64') },
      {
        ...encrypted,
        wrappedDataKey: Buffer.from(encrypted.wrappedDataKey, 'base64').subarray(0, 40).toString('base64'),
      },
    ];
    for (const secret of broken) {
      const error = await decryptError(vault, secret);
      expect(error.message).toBe(DECRYPTION_FAILED_A);
    }
  });

  it('rejects a relabeled master key version', async () => {
    const twoKeys = vaultWith(`v1:${KEY_1},v2:${KEY_2}`, 'v1');
    const encrypted = await twoKeys.encrypt(API_KEY, ORG_A);

    const error = await decryptError(twoKeys, { ...encrypted, masterKeyVersion: 'v2' });
    expect(error.message).toBe(DECRYPTION_FAILED_A);
  });

  it('names a missing master key version', async () => {
    const encrypted = await vaultWith(`v1:${KEY_1},v9:${KEY_2}`).encrypt(API_KEY, ORG_A);
    const error = await decryptError(vaultWith(`v1:${KEY_1},v2:${KEY_2}`), encrypted);

    expect(error.code).toBe('master_key_missing');
    expect(error.message).toBe(
      'Master key version v9 is not in the keyring (TEST_MASTER_KEYS has v1, v2); ' +
        'the openai key of org org-a was wrapped with it. Add that version back to the keyring',
    );
  });

  it('rejects an unknown format', async () => {
    const encrypted = await vault.encrypt(API_KEY, ORG_A);
    const error = await decryptError(vault, { ...encrypted, format: 2 });

    expect(error.code).toBe('unsupported_format');
    expect(error.message).toBe('The openai key of org org-a is stored in format 2; this connector reads format 1 only');
  });

  it('rejects an empty context', async () => {
    await expect(vault.encrypt(API_KEY, { orgId: '', provider: 'openai' })).rejects.toThrow(
      'orgId: expected a non-empty org id',
    );
    await expect(vault.encrypt(API_KEY, { orgId: 'org-a', provider: '' })).rejects.toThrow(
      'provider: expected a non-empty provider id',
    );
  });

  it('rewraps to the active version', async () => {
    const encrypted = await vaultWith(`v1:${KEY_1}`).encrypt(API_KEY, ORG_A);
    const rotated = vaultWith(`v1:${KEY_1},v2:${KEY_2}`);

    const rewrapped = await rotated.rewrap(encrypted, ORG_A);

    expect(rewrapped.masterKeyVersion).toBe('v2');
    expect(rewrapped.ciphertext).toBe(encrypted.ciphertext);
    expect(rewrapped.wrappedDataKey).not.toBe(encrypted.wrappedDataKey);
    expect(await rotated.decrypt(rewrapped, ORG_A)).toBe(API_KEY);
    expect(await rotated.rewrap(rewrapped, ORG_A)).toBe(rewrapped);
    await expect(vaultWith(`v2:${KEY_2}`).decrypt(encrypted, ORG_A)).rejects.toThrow(
      'Master key version v1 is not in the keyring',
    );
  });

  it('rewraps only for the right context', async () => {
    const encrypted = await vaultWith(`v1:${KEY_1}`).encrypt(API_KEY, ORG_A);
    const rotated = vaultWith(`v1:${KEY_1},v2:${KEY_2}`);

    await expect(rotated.rewrap(encrypted, { orgId: 'org-b', provider: 'openai' })).rejects.toThrow(
      'Could not decrypt the openai key of org org-b',
    );
  });

  it('keeps master key bytes out of errors', async () => {
    const encrypted = await vault.encrypt(API_KEY, ORG_A);
    const messages = [
      (await decryptError(vault, encrypted, { orgId: 'org-b', provider: 'openai' })).message,
      (await decryptError(vaultWith(`v2:${KEY_2}`), encrypted)).message,
    ];
    for (const message of messages) {
      expect(message).not.toContain(KEY_1);
      expect(message).not.toContain(KEY_2);
    }
  });
});

describe('MasterKey', () => {
  it('prints and serializes without its bytes', () => {
    const key = new MasterKey('v3', Buffer.alloc(32, 0x33));
    const base64 = Buffer.alloc(32, 0x33).toString('base64');
    const hex = Buffer.alloc(32, 0x33).toString('hex');

    for (const text of [inspect(key), inspect({ nested: key }), JSON.stringify(key), String(key)]) {
      expect(text).toContain('v3');
      expect(text).not.toContain(base64);
      expect(text).not.toContain(hex);
      expect(text).not.toContain('51, 51');
    }
  });

  it('rejects a wrong length', () => {
    expect(() => new MasterKey('v1', Buffer.alloc(16))).toThrow('Master key v1 has 16 bytes; expected 32');
  });
});

describe('parseMasterKeys', () => {
  it('picks the highest version as active', () => {
    const keyring = parseMasterKeys(`v9:${KEY_1}, v10:${KEY_2}`, { source: SOURCE });
    expect(keyring.versions()).toEqual(['v9', 'v10']);
    expect(keyring.activeKey().version).toBe('v10');
    expect(keyring.source).toBe(SOURCE);
  });

  it('takes an explicit active version', () => {
    expect(
      parseMasterKeys(`v1:${KEY_1},v2:${KEY_2}`, { source: SOURCE, activeVersion: 'v1' }).activeKey().version,
    ).toBe('v1');
  });

  it.each([
    ['', 'TEST_MASTER_KEYS: expected at least one master key as VERSION:BASE64KEY, like v1:<key>'],
    [KEY_1, 'TEST_MASTER_KEYS: entry 1 must start with a version such as v1 followed by a colon and the key'],
    [
      `v1:${KEY_1},x2:${KEY_2}`,
      'TEST_MASTER_KEYS: entry 2 must start with a version such as v1 followed by a colon and the key',
    ],
    [`v1:${KEY_1},v1:${KEY_2}`, 'TEST_MASTER_KEYS: version v1 appears more than once'],
    [
      `v1:${Buffer.alloc(31, 0x11).toString('base64')}`,
      'TEST_MASTER_KEYS: the key of version v1 decodes to 31 bytes instead of 32; expected 32 random bytes in base64 (44 characters), for example from `openssl rand -base64 32`',
    ],
    [
      `v1:${KEY_1.slice(0, -1)}`,
      'TEST_MASTER_KEYS: the key of version v1 is not canonical base64; expected 32 random bytes in base64 (44 characters), for example from `openssl rand -base64 32`',
    ],
  ])('rejects %j', (spec, message) => {
    expect(() => parseMasterKeys(spec, { source: SOURCE })).toThrow(message);
  });

  it('rejects an active version without a key', () => {
    expect(() => parseMasterKeys(`v1:${KEY_1}`, { source: SOURCE, activeVersion: 'v2' })).toThrow(
      'TEST_MASTER_KEYS: the active master key version v2 is not among the keys (v1)',
    );
  });

  it('never quotes the key text in errors', () => {
    const almostKey = `${KEY_1.slice(0, 40)}@@@=`;
    let message = '';
    try {
      parseMasterKeys(`v1:${almostKey}`, { source: SOURCE });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain('v1');
    expect(message).not.toContain(KEY_1.slice(0, 40));
  });
});

describe('loadKeyring', () => {
  it('uses configured keys without files', async () => {
    const loaded = await loadKeyring({
      masterKeys: `v1:${KEY_1}`,
      masterKeysSource: SOURCE,
      dataDir: '/nonexistent/keyroute',
    });
    expect(loaded.created).toBe(false);
    expect(loaded.warnings).toEqual([]);
    expect(loaded.keyring.source).toBe(SOURCE);
  });

  it('rejects an active version without keys', async () => {
    await expect(
      loadKeyring({ activeVersion: 'v2', masterKeysSource: SOURCE, dataDir: '/nonexistent/keyroute' }),
    ).rejects.toThrow(
      'TEST_MASTER_KEYS: an active version was set without master keys; the key file chooses its own active version',
    );
  });
});
