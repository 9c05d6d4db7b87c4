import { join } from 'node:path';
import { runMasterKeyCommand } from '../../connector/src/cli/master-key-commands';
import { runOrgCommand, type OrgCommandOptions } from '../../connector/src/cli/org-commands';
import { loadConfig } from '../../connector/src/config';
import { authenticate, checksumSuffix, listOrgs, registerOrg } from '../../connector/src/orgs';
import type { OpenedStore } from '../../connector/src/services';
import { countSecretsByMasterKeyVersion, CredentialRepository } from '../../connector/src/store';
import { KeyVault, loadKeyring, MASTER_KEY_FILENAME, maskApiKey } from '../../connector/src/vault';
import { createTestDatabase, DATABASE_BACKENDS, type TestDatabase } from '../helpers/databases';

/**
 * The CLI's org and master-key commands, called as `cli.ts` calls them, with standard
 * output and error captured. The argument parsing in `cli.ts` runs on import, so it is
 * not covered here.
 */

const ORG_ID = '00D5g000004XYZa';
const ORG_ID_18 = `${ORG_ID}${checksumSuffix(ORG_ID)}`;
const FAKE_PROVIDER_KEY = 'sk-test-cli-fake-provider-key-0000';
const ACTOR = { userId: '005000000000001AAA', name: 'Ada Admin' };

interface Output {
  code: number;
  stdout: string;
  stderr: string;
}

async function capture(run: () => Promise<number>): Promise<Output> {
  let stdout = '';
  let stderr = '';
  const out = jest.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    stdout += String(chunk);
    return true;
  });
  const err = jest.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
    stderr += String(chunk);
    return true;
  });
  try {
    const code = await run();
    return { code, stdout, stderr };
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
}

async function openTestStore(database: TestDatabase, env: Record<string, string> = {}): Promise<OpenedStore> {
  const config = loadConfig({ KEYROUTE_DATA_DIR: database.dataDir, ...env });
  const { keyring } = await loadKeyring({
    dataDir: config.dataDir,
    ...(config.masterKeys === undefined ? {} : { masterKeys: config.masterKeys }),
  });
  return {
    database: database.db,
    vault: new KeyVault(keyring),
    config,
    startupNotes: [],
    startupWarnings: [],
    close: async () => undefined,
  };
}

/** Stores an encrypted provider key for a new org, as a successful authorization would. */
async function storeProviderKey(store: OpenedStore, salesforceOrgId: string): Promise<void> {
  const { org } = await registerOrg(store.database, salesforceOrgId, `Org ${salesforceOrgId}`);
  const encrypted = await store.vault.encrypt(FAKE_PROVIDER_KEY, { orgId: org.id, provider: 'openai' });
  await new CredentialRepository(store.database, org.id).saveAuthorized('openai', {
    encrypted,
    maskedKey: maskApiKey(FAKE_PROVIDER_KEY),
    actor: ACTOR,
  });
}

describe.each(DATABASE_BACKENDS)('keyroute CLI commands (%s)', (kind) => {
  let database: TestDatabase;
  let store: OpenedStore;

  beforeEach(async () => {
    database = await createTestDatabase(kind);
    store = await openTestStore(database);
  });

  afterEach(async () => {
    await database.cleanup();
  });

  const orgs = (command: string | undefined, options: OrgCommandOptions = {}) =>
    capture(() => runOrgCommand(store, command, options));

  describe('orgs', () => {
    it('add prints the token once', async () => {
      const output = await orgs('add', { 'salesforce-org-id': ORG_ID, name: ' Acme ' });

      expect(output.code).toBe(0);
      expect(output.stderr).toBe('');
      const token = /kr_[A-Za-z0-9_-]{43}/.exec(output.stdout)?.[0];
      expect(token).toBeDefined();
      expect(output.stdout.split(token!)).toHaveLength(2);
      expect(output.stdout).toBe(
        [
          `Registered Acme (${ORG_ID_18}).`,
          '',
          'Org token (shown once; the connector keeps only its hash):',
          '',
          `  ${token}`,
          '',
          "In Salesforce, put it into the Token parameter of the Keyroute_Connector external credential's principal.",
          '',
        ].join('\n'),
      );
      expect((await authenticate(database.db, token!))?.salesforceOrgId).toBe(ORG_ID_18);
    });

    it('add prints JSON with the token', async () => {
      const output = await orgs('add', { 'salesforce-org-id': ORG_ID, name: 'Acme', json: true });

      const printed = JSON.parse(output.stdout);
      expect(printed).toEqual({
        org: { id: expect.any(String), salesforceOrgId: ORG_ID_18, name: 'Acme', createdAt: expect.any(String) },
        token: expect.stringMatching(/^kr_[A-Za-z0-9_-]{43}$/),
      });
    });

    it.each([
      ['a bad org id', { 'salesforce-org-id': '001000000000001', name: 'Acme' }],
      ['a missing org id', { name: 'Acme' }],
      ['an org id with a wrong checksum', { 'salesforce-org-id': `${ORG_ID}AAA`, name: 'Acme' }],
    ])('add names --salesforce-org-id for %s', async (_case, options) => {
      const output = await orgs('add', options);

      expect(output.code).toBe(2);
      expect(output.stdout).toBe('');
      expect(output.stderr).toMatch(/^keyroute: --salesforce-org-id: /);
      expect(await listOrgs(database.db)).toEqual([]);
    });

    it('add explains a bad org id', async () => {
      const output = await orgs('add', { 'salesforce-org-id': '001000000000001', name: 'Acme' });

      expect(output.stderr).toBe(
        'keyroute: --salesforce-org-id: expected a Salesforce org id of 15 or 18 letters and digits starting with 00D\n',
      );
    });

    it('add requires --name', async () => {
      const output = await orgs('add', { 'salesforce-org-id': ORG_ID });

      expect(output).toEqual({
        code: 2,
        stdout: '',
        stderr: 'keyroute: --name: required: the org\'s display name, such as --name "Acme"\n',
      });
    });

    it('add rejects a blank --name', async () => {
      const output = await orgs('add', { 'salesforce-org-id': ORG_ID, name: '   ' });

      expect(output).toEqual({
        code: 2,
        stdout: '',
        stderr: 'keyroute: --name: expected 1 to 255 characters after trimming\n',
      });
    });

    it('add rejects a registered org', async () => {
      await orgs('add', { 'salesforce-org-id': ORG_ID, name: 'Acme' });

      const output = await orgs('add', { 'salesforce-org-id': ORG_ID_18, name: 'Acme again' });

      expect(output).toEqual({
        code: 1,
        stdout: '',
        stderr: `keyroute: An org with Salesforce org id ${ORG_ID_18} is already registered; rotate its token to get a new one\n`,
      });
    });

    it('list never prints tokens', async () => {
      const first = await orgs('add', { 'salesforce-org-id': ORG_ID, name: 'Acme' });
      const second = await orgs('add', { 'salesforce-org-id': '00D000000000002', name: 'Globex', json: true });
      const tokens = [/kr_[A-Za-z0-9_-]{43}/.exec(first.stdout)![0], JSON.parse(second.stdout).token as string];

      const text = await orgs('list');
      const json = await orgs('list', { json: true });

      expect(text.code).toBe(0);
      const lines = text.stdout.trimEnd().split('\n');
      expect(lines[0]).toMatch(/^Salesforce org id\s+Name\s+Registered at$/);
      expect(lines).toHaveLength(4);
      expect(text.stdout).toContain(ORG_ID_18);
      expect(text.stdout).toContain('Globex');
      expect(
        JSON.parse(json.stdout)
          .orgs.map((org: { name: string }) => org.name)
          .sort(),
      ).toEqual(['Acme', 'Globex']);
      for (const token of tokens) {
        expect(text.stdout).not.toContain(token);
        expect(json.stdout).not.toContain(token);
        expect(text.stdout).not.toContain(token.slice(3, 20));
      }
      expect(json.stdout).not.toMatch(/kr_|token/i);
    });

    it('list says how to add the first org', async () => {
      const output = await orgs('list');

      expect(output.stdout).toBe(
        'No orgs registered. Add one with: keyroute orgs add --salesforce-org-id 00D... --name "Acme"\n',
      );
    });

    it('rotate-token revokes the old token', async () => {
      const added = await orgs('add', { 'salesforce-org-id': ORG_ID, name: 'Acme' });
      const oldToken = /kr_[A-Za-z0-9_-]{43}/.exec(added.stdout)![0];

      const output = await orgs('rotate-token', { 'salesforce-org-id': ORG_ID });

      expect(output.code).toBe(0);
      const newToken = /kr_[A-Za-z0-9_-]{43}/.exec(output.stdout)![0];
      expect(output.stdout).toBe(
        [
          `Revoked every token of Acme (${ORG_ID_18}). New token (shown once):`,
          '',
          `  ${newToken}`,
          '',
          'Requests with the old token now get 401: update the Keyroute_Connector external credential right away.',
          '',
        ].join('\n'),
      );
      expect(newToken).not.toBe(oldToken);
      expect(await authenticate(database.db, oldToken)).toBeNull();
      expect((await authenticate(database.db, newToken))?.salesforceOrgId).toBe(ORG_ID_18);
    });

    it('rotate-token reports an unknown org', async () => {
      const output = await orgs('rotate-token', { 'salesforce-org-id': ORG_ID });

      expect(output).toEqual({
        code: 1,
        stdout: '',
        stderr: `keyroute: No org is registered with Salesforce org id ${ORG_ID_18}\n`,
      });
    });

    it('remove requires --yes', async () => {
      await orgs('add', { 'salesforce-org-id': ORG_ID, name: 'Acme' });

      const output = await orgs('remove', { 'salesforce-org-id': ORG_ID });

      expect(output).toEqual({
        code: 2,
        stdout: '',
        stderr:
          'keyroute: removing an org deletes its stored keys, settings, audit trail and usage. Add --yes to confirm.\n',
      });
      expect(await listOrgs(database.db)).toHaveLength(1);
    });

    it('remove deletes the org with --yes', async () => {
      const added = await orgs('add', { 'salesforce-org-id': ORG_ID, name: 'Acme' });
      const token = /kr_[A-Za-z0-9_-]{43}/.exec(added.stdout)![0];

      const output = await orgs('remove', { 'salesforce-org-id': ORG_ID, yes: true });

      expect(output).toEqual({
        code: 0,
        stdout: `Removed Acme (${ORG_ID_18}) with its keys, settings and logs.\n`,
        stderr: '',
      });
      expect(await listOrgs(database.db)).toEqual([]);
      expect(await authenticate(database.db, token)).toBeNull();
    });

    it('remove names --salesforce-org-id for a bad id', async () => {
      const output = await orgs('remove', { 'salesforce-org-id': 'acme', yes: true });

      expect(output.code).toBe(2);
      expect(output.stderr).toMatch(/^keyroute: --salesforce-org-id: expected a Salesforce org id/);
    });

    it('rejects an unknown command', async () => {
      const output = await orgs('delete', {});

      expect(output).toEqual({
        code: 2,
        stdout: '',
        stderr: 'Unknown orgs command "delete". Expected add, list, rotate-token or remove.\n',
      });
    });
  });

  describe('master-key', () => {
    const masterKey = (command: string | undefined, options: { json?: boolean } = {}, on: OpenedStore = store) =>
      capture(() => runMasterKeyCommand(on, command, options));

    it('status shows the active version without keys', async () => {
      const output = await masterKey('status');

      expect(output).toEqual({ code: 0, stdout: 'Active master key: v1\nNo provider keys are stored.\n', stderr: '' });
    });

    it('status counts the keys per version', async () => {
      await storeProviderKey(store, ORG_ID);
      await storeProviderKey(store, '00D000000000002');

      const text = await masterKey('status');
      const json = await masterKey('status', { json: true });

      expect(text.stdout).toBe('Active master key: v1\n  v1: 2 provider key(s)\n');
      expect(JSON.parse(json.stdout)).toEqual({ activeVersion: 'v1', keysByVersion: { v1: 2 } });
    });

    it('rotate adds a version and rewraps every key', async () => {
      await storeProviderKey(store, ORG_ID);

      const output = await masterKey('rotate');

      const path = join(database.dataDir, MASTER_KEY_FILENAME);
      expect(output).toEqual({
        code: 0,
        stdout:
          'Master key v2 is now active (was v1); rewrapped 1 provider key(s).\n' +
          `Keep v1 in ${path} until every connector instance has restarted or met v2.\n`,
        stderr: '',
      });
      expect(await countSecretsByMasterKeyVersion(database.db)).toEqual({ v2: 1 });
      const reopened = await openTestStore(database);
      expect((await masterKey('status', {}, reopened)).stdout).toBe('Active master key: v2\n  v2: 1 provider key(s)\n');
    });

    it('rotate prints JSON', async () => {
      const output = await masterKey('rotate', { json: true });

      expect(JSON.parse(output.stdout)).toEqual({
        version: 'v2',
        previousVersion: 'v1',
        path: join(database.dataDir, MASTER_KEY_FILENAME),
        rewrapped: 0,
        skipped: 0,
      });
    });

    it('rotate rejects configured master keys', async () => {
      const configured = await openTestStore(database, {
        KEYROUTE_MASTER_KEYS: `v1:${Buffer.alloc(32, 7).toString('base64')}`,
      });

      const output = await masterKey('rotate', {}, configured);

      expect(output).toEqual({
        code: 2,
        stdout: '',
        stderr:
          'keyroute: master keys come from KEYROUTE_MASTER_KEYS, so this command cannot add one. ' +
          'Add a new version to KEYROUTE_MASTER_KEYS on every instance, restart them, then run "keyroute master-key rewrap".\n',
      });
    });

    it('rewrap moves keys to the active version', async () => {
      const v1 = Buffer.alloc(32, 1).toString('base64');
      const v2 = Buffer.alloc(32, 2).toString('base64');
      const before = await openTestStore(database, { KEYROUTE_MASTER_KEYS: `v1:${v1}` });
      await storeProviderKey(before, ORG_ID);
      const after = await openTestStore(database, { KEYROUTE_MASTER_KEYS: `v1:${v1},v2:${v2}` });

      const output = await masterKey('rewrap', {}, after);
      const again = await masterKey('rewrap', { json: true }, after);

      expect(output).toEqual({ code: 0, stdout: 'Rewrapped 1 provider key(s) with master key v2.\n', stderr: '' });
      expect(JSON.parse(again.stdout)).toEqual({ rewrapped: 0, skipped: 0, masterKeyVersion: 'v2' });
      expect(await countSecretsByMasterKeyVersion(database.db)).toEqual({ v2: 1 });
    });

    it('rejects an unknown command', async () => {
      const output = await masterKey('delete');

      expect(output).toEqual({
        code: 2,
        stdout: '',
        stderr: 'Unknown master-key command "delete". Expected status, rotate or rewrap.\n',
      });
    });
  });
});
