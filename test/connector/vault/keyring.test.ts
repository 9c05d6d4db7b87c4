import { chmod, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KeyVault } from '../../../connector/src/vault/envelope';
import {
  FileKeyring,
  loadKeyring,
  MASTER_KEY_FILENAME,
  openFileKeyring,
  rotateMasterKey,
} from '../../../connector/src/vault/keyring';

const API_KEY = 'sk-test-NOTAREALKEY-keyring-00000000000000000';
const CONTEXT = { orgId: 'org-a', provider: 'openai' };

describe('file keyring', () => {
  let root: string;
  let dataDir: string;
  let keyPath: string;

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'keyroute-keyring-'));
    dataDir = join(root, 'data');
    keyPath = join(dataDir, MASTER_KEY_FILENAME);
  });

  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('creates a 0600 key file', async () => {
    const opened = await openFileKeyring(dataDir);

    expect(opened.created).toBe(true);
    expect(opened.warnings).toEqual([]);
    expect((await stat(keyPath)).mode & 0o777).toBe(0o600);
    expect((await stat(dataDir)).mode & 0o777).toBe(0o700);
    expect(opened.keyring.versions()).toEqual(['v1']);
    expect(opened.keyring.activeKey().version).toBe('v1');
    expect(opened.keyring.source).toBe(keyPath);

    const content = JSON.parse(await readFile(keyPath, 'utf8'));
    expect(content).toEqual({ format: 1, active: 'v1', keys: { v1: expect.stringMatching(/^[A-Za-z0-9+/]{43}=$/) } });
  });

  it('reopens the existing file', async () => {
    const first = await openFileKeyring(dataDir);
    const encrypted = await new KeyVault(first.keyring).encrypt(API_KEY, CONTEXT);

    const second = await openFileKeyring(dataDir);

    expect(second.created).toBe(false);
    expect(await new KeyVault(second.keyring).decrypt(encrypted, CONTEXT)).toBe(API_KEY);
  });

  it('creates one file on concurrent starts', async () => {
    const opened = await Promise.all(Array.from({ length: 6 }, () => openFileKeyring(dataDir)));

    expect(opened.filter((result) => result.created)).toHaveLength(1);
    const encrypted = await new KeyVault(opened[0]!.keyring).encrypt(API_KEY, CONTEXT);
    for (const result of opened) {
      expect(await new KeyVault(result.keyring).decrypt(encrypted, CONTEXT)).toBe(API_KEY);
    }
  });

  it('warns about a file readable by others', async () => {
    await openFileKeyring(dataDir);
    await chmod(keyPath, 0o644);

    const reopened = await openFileKeyring(dataDir);

    expect(reopened.warnings).toEqual([
      `The master key file ${keyPath} is readable by other users (mode 644); run chmod 600 on it`,
    ]);
  });

  it('falls back to the key file', async () => {
    const loaded = await loadKeyring({ dataDir });
    expect(loaded.created).toBe(true);
    expect(loaded.keyring.source).toBe(keyPath);
  });

  it.each([
    ['not json', 'is not valid JSON'],
    ['[]', ': expected a JSON object with format, active and keys'],
    ['{"format": 2, "active": "v1", "keys": {}}', ': format must be 1'],
    ['{"format": 1, "active": "v1", "keys": []}', ': keys must be an object of version to base64 key'],
    ['{"format": 1, "active": "v1", "keys": {"one": "AAAA"}}', ': keys.one is not a version such as v1'],
    [
      '{"format": 1, "active": "v1", "keys": {"v1": "AAAA"}}',
      ': keys.v1 decodes to 3 bytes instead of 32; expected 32 random bytes in base64 (44 characters), for example from `openssl rand -base64 32`',
    ],
    [
      `{"format": 1, "active": "v2", "keys": {"v1": "${Buffer.alloc(32, 1).toString('base64')}"}}`,
      ': active must name one of the versions in keys (v1)',
    ],
  ])('rejects a key file containing %s', async (content, message) => {
    await openFileKeyring(dataDir);
    await writeFile(keyPath, content);

    await expect(openFileKeyring(dataDir)).rejects.toThrow(
      `Master key file ${keyPath}${message.startsWith(':') ? '' : ' '}${message}`,
    );
  });

  it('rotation adds an active version', async () => {
    const { keyring: before } = await openFileKeyring(dataDir);
    const encrypted = await new KeyVault(before).encrypt(API_KEY, CONTEXT);

    const rotation = await rotateMasterKey(dataDir);

    expect(rotation).toEqual({ version: 'v2', previousVersion: 'v1', path: keyPath });
    expect((await stat(keyPath)).mode & 0o777).toBe(0o600);
    const after = await FileKeyring.read(keyPath);
    expect(after.versions()).toEqual(['v1', 'v2']);
    expect(after.activeKey().version).toBe('v2');
    expect(await new KeyVault(after).decrypt(encrypted, CONTEXT)).toBe(API_KEY);
    expect((await rotateMasterKey(dataDir)).version).toBe('v3');
  });

  it('running vault wraps with the rotated version', async () => {
    const { keyring } = await openFileKeyring(dataDir);
    const vault = new KeyVault(keyring);
    expect((await vault.encrypt(API_KEY, CONTEXT)).masterKeyVersion).toBe('v1');

    await rotateMasterKey(dataDir);

    const afterRotation = await vault.encrypt(API_KEY, CONTEXT);
    expect(afterRotation.masterKeyVersion).toBe('v2');
    expect(vault.activeMasterKeyVersion).toBe('v2');
    expect(await vault.decrypt(afterRotation, CONTEXT)).toBe(API_KEY);
  });

  it('rejects rotation while locked', async () => {
    await openFileKeyring(dataDir);
    await writeFile(`${keyPath}.lock`, '');

    await expect(rotateMasterKey(dataDir)).rejects.toThrow(
      `Another master key rotation holds the lock file ${keyPath}.lock; if none is running, delete that file and retry`,
    );
    expect((await FileKeyring.read(keyPath)).versions()).toEqual(['v1']);
  });

  it('removes its lock file after rotating', async () => {
    await openFileKeyring(dataDir);
    await rotateMasterKey(dataDir);
    await expect(stat(`${keyPath}.lock`)).rejects.toThrow('ENOENT');
  });

  it('rejects rotation without a key file', async () => {
    await expect(rotateMasterKey(dataDir)).rejects.toThrow(
      `Master key file ${keyPath} does not exist; start the connector once to create it`,
    );
  });

  it('re-reads the file for a new version', async () => {
    const { keyring: server } = await openFileKeyring(dataDir);
    await rotateMasterKey(dataDir);
    const fromCli = await FileKeyring.read(keyPath);
    const encrypted = await new KeyVault(fromCli).encrypt(API_KEY, CONTEXT);
    expect(encrypted.masterKeyVersion).toBe('v2');

    expect(await new KeyVault(server).decrypt(encrypted, CONTEXT)).toBe(API_KEY);
    expect(server.versions()).toEqual(['v1', 'v2']);
    expect(server.activeKey().version).toBe('v2');
  });

  it('names the missing version after re-reading', async () => {
    const { keyring } = await openFileKeyring(dataDir);
    const encrypted = await new KeyVault(keyring).encrypt(API_KEY, CONTEXT);

    await expect(new KeyVault(keyring).decrypt({ ...encrypted, masterKeyVersion: 'v5' }, CONTEXT)).rejects.toThrow(
      `Master key version v5 is not in the keyring (${keyPath} has v1); the openai key of org org-a was wrapped with it. Add that version back to the keyring`,
    );
  });
});
