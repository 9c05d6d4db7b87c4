import { AuditRepository, MAX_AUDIT_PAGE_SIZE } from '../../../connector/src/store/audit';
import {
  countSecretsByMasterKeyVersion,
  CredentialRepository,
  listSecretsForRewrap,
  MAX_ERROR_MESSAGE_LENGTH,
} from '../../../connector/src/store/credentials';
import { orgScope } from '../../../connector/src/store/index';
import { InferenceLogRepository, type InferenceLogEntry } from '../../../connector/src/store/inference-log';
import { OrgRepository } from '../../../connector/src/store/orgs';
import { DEFAULT_AI_SETTINGS, SettingsRepository } from '../../../connector/src/store/settings';
import { OrgTokenRepository } from '../../../connector/src/store/tokens';
import type { Org, ProviderId } from '../../../connector/src/store/types';
import type { EncryptedSecret } from '../../../connector/src/vault/envelope';
import { createTestDatabase, DATABASE_BACKENDS, listTables, type TestDatabase } from '../../helpers/databases';

const ADA = { userId: '005000000000001AAA', name: 'Ada Admin' };
const BOB = { userId: '005000000000002AAA', name: 'Bob Builder' };

const ORG_A_ID = '00D000000000001EAA';
const ORG_B_ID = '00D000000000002EAA';

/** Stands in for the vault's output: the store never looks inside. */
function fakeSecret(label: string, masterKeyVersion = 'v1'): EncryptedSecret {
  return {
    format: 1,
    masterKeyVersion,
    wrappedDataKey: Buffer.from(`wrapped-${label}`).toString('base64'),
    ciphertext: Buffer.from(`cipher-${label}`).toString('base64'),
  };
}

function logEntry(overrides: Partial<InferenceLogEntry> = {}): InferenceLogEntry {
  return {
    at: new Date('2026-03-10T12:00:00.000Z'),
    flowId: 'flow-1',
    flowVersion: 3,
    nodeId: 'classify',
    recordId: '00Q000000000001AAA',
    provider: 'openai',
    model: 'gpt-4.1-mini',
    promptTokens: 100,
    completionTokens: 20,
    totalTokens: 120,
    latencyMs: 850,
    outcome: 'ok',
    errorCode: null,
    ...overrides,
  };
}

describe.each(DATABASE_BACKENDS)('repositories on %s', (kind) => {
  let test: TestDatabase;
  let orgA: Org;
  let orgB: Org;

  beforeEach(async () => {
    test = await createTestDatabase(kind);
    const orgs = new OrgRepository(test.db);
    orgA = (await orgs.create({
      salesforceOrgId: ORG_A_ID,
      name: 'Acme',
      createdAt: new Date('2026-01-01T00:00:00Z'),
    }))!;
    orgB = (await orgs.create({
      salesforceOrgId: ORG_B_ID,
      name: 'Beta',
      createdAt: new Date('2026-01-02T00:00:00Z'),
    }))!;
  });

  afterEach(async () => {
    await test.cleanup();
  });

  describe('OrgRepository', () => {
    it('creates an org', () => {
      expect(orgA).toEqual({
        id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        salesforceOrgId: ORG_A_ID,
        name: 'Acme',
        createdAt: '2026-01-01T00:00:00.000Z',
      });
    });

    it('returns null for a duplicate', async () => {
      expect(await new OrgRepository(test.db).create({ salesforceOrgId: ORG_A_ID, name: 'Again' })).toBeNull();
      expect(await new OrgRepository(test.db).list()).toHaveLength(2);
    });

    it('lists orgs oldest first', async () => {
      expect(await new OrgRepository(test.db).list()).toEqual([orgA, orgB]);
    });

    it('finds by id and by Salesforce org id', async () => {
      const orgs = new OrgRepository(test.db);
      expect(await orgs.findById(orgB.id)).toEqual(orgB);
      expect(await orgs.findBySalesforceOrgId(ORG_A_ID)).toEqual(orgA);
      expect(await orgs.findById('no-such-id')).toBeNull();
      expect(await orgs.findBySalesforceOrgId('00D000000000009EAA')).toBeNull();
    });

    it('finds by active token hash only', async () => {
      const orgs = new OrgRepository(test.db);
      const tokens = new OrgTokenRepository(test.db, orgA.id);
      await tokens.issue('a'.repeat(64));

      expect(await orgs.findByActiveTokenHash('a'.repeat(64))).toEqual({ org: orgA, tokenHash: 'a'.repeat(64) });
      expect(await orgs.findByActiveTokenHash('b'.repeat(64))).toBeNull();

      await tokens.revokeAll();
      expect(await orgs.findByActiveTokenHash('a'.repeat(64))).toBeNull();
    });

    it('removes an org with all its data', async () => {
      for (const org of [orgA, orgB]) {
        const scope = orgScope(test.db, org.id);
        await scope.tokens.issue(`${org.salesforceOrgId}-hash`);
        await scope.credentials.saveAuthorized('openai', {
          encrypted: fakeSecret(org.id),
          maskedKey: 'sk-...abcd',
          actor: ADA,
        });
        await scope.settings.save({
          aiInferenceEnabled: true,
          provider: 'openai',
          defaultModel: 'gpt-4.1-mini',
          actor: ADA,
        });
        await scope.audit.append({ action: 'provider.authorized', actor: ADA, provider: 'openai' });
        await scope.inferenceLog.append([logEntry()]);
      }

      expect(await new OrgRepository(test.db).remove(orgA.id)).toBe(true);

      for (const table of await listTables(test.db)) {
        if (table === 'orgs' || table === 'schema_migrations' || table === 'sqlite_sequence') continue;
        const remaining = await test.db.query(`SELECT org_id FROM ${table}`);
        expect({ table, remaining }).toEqual({ table, remaining: [{ org_id: orgB.id }] });
      }
      expect(await new OrgRepository(test.db).list()).toEqual([orgB]);
      expect(await new OrgRepository(test.db).remove(orgA.id)).toBe(false);
    });
  });

  describe('OrgTokenRepository', () => {
    it('issues and lists tokens without hashes', async () => {
      const tokens = new OrgTokenRepository(test.db, orgA.id);
      await tokens.issue('hash-1', new Date('2026-02-01T00:00:00Z'));

      expect(await tokens.list()).toEqual([
        { id: expect.any(Number), createdAt: '2026-02-01T00:00:00.000Z', revokedAt: null },
      ]);
    });

    it('revokes every active token', async () => {
      const tokens = new OrgTokenRepository(test.db, orgA.id);
      await tokens.issue('hash-1');
      await tokens.issue('hash-2');
      await new OrgTokenRepository(test.db, orgB.id).issue('hash-b');

      expect(await tokens.revokeAll(new Date('2026-02-02T00:00:00Z'))).toBe(2);
      expect(await tokens.revokeAll()).toBe(0);
      expect((await tokens.list()).map((token) => token.revokedAt)).toEqual([
        '2026-02-02T00:00:00.000Z',
        '2026-02-02T00:00:00.000Z',
      ]);
      expect(await new OrgRepository(test.db).findByActiveTokenHash('hash-b')).not.toBeNull();
    });

    it('rotation revokes the old hash', async () => {
      const tokens = new OrgTokenRepository(test.db, orgA.id);
      const orgs = new OrgRepository(test.db);
      await tokens.issue('old-hash');

      await tokens.rotate('new-hash');

      expect(await orgs.findByActiveTokenHash('old-hash')).toBeNull();
      expect((await orgs.findByActiveTokenHash('new-hash'))?.org).toEqual(orgA);
      const listed = await tokens.list();
      expect(listed).toHaveLength(2);
      expect(listed[0]!.revokedAt).toBeNull();
      expect(listed[1]!.revokedAt).not.toBeNull();
    });

    it('rotates inside a caller transaction', async () => {
      await new OrgTokenRepository(test.db, orgA.id).issue('old-hash');
      await expect(
        test.db.transaction(async (tx) => {
          await new OrgTokenRepository(tx, orgA.id).rotate('new-hash');
          throw new Error('abort');
        }),
      ).rejects.toThrow('abort');

      expect(await new OrgRepository(test.db).findByActiveTokenHash('old-hash')).not.toBeNull();
      expect(await new OrgRepository(test.db).findByActiveTokenHash('new-hash')).toBeNull();
    });
  });

  describe('CredentialRepository', () => {
    const authorizedAt = new Date('2026-03-01T10:00:00Z');

    async function authorize(repository: CredentialRepository, label = 'first', at = authorizedAt) {
      return repository.saveAuthorized('openai', {
        encrypted: fakeSecret(label),
        maskedKey: 'sk-proj-...x7Qa',
        actor: ADA,
        at,
      });
    }

    it('reports not_connected without a key', async () => {
      const credentials = new CredentialRepository(test.db, orgA.id);
      expect(await credentials.get('openai')).toEqual({
        provider: 'openai',
        status: 'not_connected',
        maskedKey: null,
        authorizedBy: null,
        authorizedAt: null,
        lastCheckedAt: null,
        lastErrorCode: null,
        lastErrorMessage: null,
        disabledBy: null,
        disabledAt: null,
      });
      expect(await credentials.getSecret('openai')).toBeNull();
      expect(await credentials.list()).toEqual([]);
    });

    it('saves an authorized key', async () => {
      const credentials = new CredentialRepository(test.db, orgA.id);
      const { keyId, state } = await authorize(credentials);

      const expected = {
        provider: 'openai',
        status: 'connected',
        maskedKey: 'sk-proj-...x7Qa',
        authorizedBy: ADA,
        authorizedAt: '2026-03-01T10:00:00.000Z',
        lastCheckedAt: '2026-03-01T10:00:00.000Z',
        lastErrorCode: null,
        lastErrorMessage: null,
        disabledBy: null,
        disabledAt: null,
      };
      expect(state).toEqual(expected);
      expect(await credentials.get('openai')).toEqual(expected);
      expect(await credentials.list()).toEqual([expected]);
      expect(await credentials.getSecret('openai')).toEqual({ keyId, encrypted: fakeSecret('first') });
    });

    it('replacing a key clears errors', async () => {
      const credentials = new CredentialRepository(test.db, orgA.id);
      const first = await authorize(credentials);
      await credentials.recordCheck('openai', {
        status: 'invalid',
        errorCode: 'invalid_key',
        errorMessage: 'rejected',
      });
      await credentials.disable('openai', BOB);

      const second = await credentials.saveAuthorized('openai', {
        encrypted: fakeSecret('second'),
        maskedKey: 'sk-proj-...9Zzz',
        actor: BOB,
        at: new Date('2026-03-02T00:00:00Z'),
      });

      expect(second.keyId).not.toBe(first.keyId);
      expect(second.state).toMatchObject({
        status: 'connected',
        maskedKey: 'sk-proj-...9Zzz',
        authorizedBy: BOB,
        lastErrorCode: null,
        lastErrorMessage: null,
        disabledBy: null,
        disabledAt: null,
      });
      expect((await credentials.getSecret('openai'))?.encrypted).toEqual(fakeSecret('second'));
    });

    it('records a failed and a passed check', async () => {
      const credentials = new CredentialRepository(test.db, orgA.id);
      await authorize(credentials);

      const failedAt = new Date('2026-03-03T00:00:00Z');
      expect(
        await credentials.recordCheck('openai', {
          status: 'invalid',
          errorCode: 'invalid_key',
          errorMessage: 'The key was rejected',
          at: failedAt,
        }),
      ).toBe(true);
      expect(await credentials.get('openai')).toMatchObject({
        status: 'invalid',
        lastCheckedAt: '2026-03-03T00:00:00.000Z',
        lastErrorCode: 'invalid_key',
        lastErrorMessage: 'The key was rejected',
      });
      expect(await credentials.getSecret('openai')).not.toBeNull();

      await credentials.recordCheck('openai', { status: 'connected', errorCode: null, errorMessage: null });
      expect(await credentials.get('openai')).toMatchObject({
        status: 'connected',
        lastErrorCode: null,
        lastErrorMessage: null,
      });
    });

    it('keeps status without a verdict', async () => {
      const credentials = new CredentialRepository(test.db, orgA.id);
      await authorize(credentials);

      await credentials.recordCheck('openai', {
        errorCode: 'timeout',
        errorMessage: 'The provider did not answer in time',
      });

      expect(await credentials.get('openai')).toMatchObject({ status: 'connected', lastErrorCode: 'timeout' });
    });

    it('cuts long check messages', async () => {
      const credentials = new CredentialRepository(test.db, orgA.id);
      await authorize(credentials);

      await credentials.recordCheck('openai', {
        status: 'invalid',
        errorCode: 'bad_request',
        errorMessage: 'x'.repeat(5_000),
      });

      expect((await credentials.get('openai')).lastErrorMessage).toHaveLength(MAX_ERROR_MESSAGE_LENGTH);
    });

    it('skips a check of a replaced key', async () => {
      const credentials = new CredentialRepository(test.db, orgA.id);
      const first = await authorize(credentials, 'first');
      const second = await authorize(credentials, 'second');

      const stale = await credentials.recordCheck('openai', {
        status: 'invalid',
        errorCode: 'invalid_key',
        errorMessage: 'old key',
        keyId: first.keyId,
      });
      expect(stale).toBe(false);
      expect((await credentials.get('openai')).status).toBe('connected');

      const current = await credentials.recordCheck('openai', {
        status: 'invalid',
        errorCode: 'invalid_key',
        errorMessage: 'new key',
        keyId: second.keyId,
      });
      expect(current).toBe(true);
      expect((await credentials.get('openai')).status).toBe('invalid');
    });

    it('writes no check without a stored key', async () => {
      const credentials = new CredentialRepository(test.db, orgA.id);
      expect(
        await credentials.recordCheck('openai', { status: 'connected', errorCode: null, errorMessage: null }),
      ).toBe(false);
      expect((await credentials.get('openai')).status).toBe('not_connected');
    });

    it('disable destroys only the key', async () => {
      const credentials = new CredentialRepository(test.db, orgA.id);
      await authorize(credentials);

      expect(await credentials.disable('openai', BOB, new Date('2026-03-04T00:00:00Z'))).toBe(true);

      expect(await credentials.get('openai')).toEqual({
        provider: 'openai',
        status: 'disabled',
        maskedKey: null,
        authorizedBy: ADA,
        authorizedAt: '2026-03-01T10:00:00.000Z',
        lastCheckedAt: '2026-03-01T10:00:00.000Z',
        lastErrorCode: null,
        lastErrorMessage: null,
        disabledBy: BOB,
        disabledAt: '2026-03-04T00:00:00.000Z',
      });
      expect(await credentials.getSecret('openai')).toBeNull();
      const [row] = await test.db.query(
        'SELECT key_id, secret_format, master_key_version, wrapped_data_key, ciphertext FROM provider_credentials WHERE org_id = $1',
        [orgA.id],
      );
      expect(row).toEqual({
        key_id: null,
        secret_format: null,
        master_key_version: null,
        wrapped_data_key: null,
        ciphertext: null,
      });
    });

    it('disables only a stored key', async () => {
      const credentials = new CredentialRepository(test.db, orgA.id);
      expect(await credentials.disable('openai', BOB)).toBe(false);
      await authorize(credentials);
      await credentials.disable('openai', BOB);

      expect(await credentials.disable('openai', ADA)).toBe(false);
      expect((await credentials.get('openai')).disabledBy).toEqual(BOB);
      expect(
        await credentials.recordCheck('openai', { status: 'connected', errorCode: null, errorMessage: null }),
      ).toBe(false);
      expect((await credentials.get('openai')).status).toBe('disabled');
    });

    it('lists providers in id order', async () => {
      const credentials = new CredentialRepository(test.db, orgA.id);
      const otherProvider = 'zeta' as ProviderId;
      await credentials.saveAuthorized(otherProvider, {
        encrypted: fakeSecret('z'),
        maskedKey: 'zk-...abcd',
        actor: ADA,
      });
      await authorize(credentials);

      expect((await credentials.list()).map((state) => state.provider)).toEqual(['openai', 'zeta']);
    });

    it('updates the wrapped key conditionally', async () => {
      const credentials = new CredentialRepository(test.db, orgA.id);
      await authorize(credentials);
      const original = fakeSecret('first');

      expect(
        await credentials.updateWrappedDataKey('openai', {
          previousWrappedDataKey: 'c3RhbGU=',
          wrappedDataKey: 'bmV3',
          masterKeyVersion: 'v2',
        }),
      ).toBe(false);
      expect((await credentials.getSecret('openai'))?.encrypted).toEqual(original);

      expect(
        await credentials.updateWrappedDataKey('openai', {
          previousWrappedDataKey: original.wrappedDataKey,
          wrappedDataKey: 'bmV3',
          masterKeyVersion: 'v2',
        }),
      ).toBe(true);
      expect((await credentials.getSecret('openai'))?.encrypted).toEqual({
        ...original,
        wrappedDataKey: 'bmV3',
        masterKeyVersion: 'v2',
      });
    });

    it('pages rewrap candidates across orgs', async () => {
      const orgs = new OrgRepository(test.db);
      const extra = (await orgs.create({ salesforceOrgId: '00D000000000003EAA', name: 'Gamma' }))!;
      const alreadyCurrent = (await orgs.create({ salesforceOrgId: '00D000000000004EAA', name: 'Delta' }))!;
      const disabled = (await orgs.create({ salesforceOrgId: '00D000000000005EAA', name: 'Epsilon' }))!;
      for (const org of [orgA, orgB, extra]) {
        await new CredentialRepository(test.db, org.id).saveAuthorized('openai', {
          encrypted: fakeSecret(org.id, 'v1'),
          maskedKey: 'sk-...abcd',
          actor: ADA,
        });
      }
      await new CredentialRepository(test.db, alreadyCurrent.id).saveAuthorized('openai', {
        encrypted: fakeSecret('current', 'v2'),
        maskedKey: 'sk-...abcd',
        actor: ADA,
      });
      await new CredentialRepository(test.db, disabled.id).saveAuthorized('openai', {
        encrypted: fakeSecret('gone', 'v1'),
        maskedKey: 'sk-...abcd',
        actor: ADA,
      });
      await new CredentialRepository(test.db, disabled.id).disable('openai', ADA);

      const expectedOrder = [orgA.id, orgB.id, extra.id].sort();
      const firstPage = await listSecretsForRewrap(test.db, { excludeMasterKeyVersion: 'v2', after: null, limit: 2 });
      expect(firstPage.map((candidate) => candidate.orgId)).toEqual(expectedOrder.slice(0, 2));
      expect(firstPage[0]!.secret.encrypted).toEqual(fakeSecret(expectedOrder[0]!, 'v1'));

      const last = firstPage[1]!;
      const secondPage = await listSecretsForRewrap(test.db, {
        excludeMasterKeyVersion: 'v2',
        after: { orgId: last.orgId, provider: last.provider },
        limit: 2,
      });
      expect(secondPage.map((candidate) => candidate.orgId)).toEqual(expectedOrder.slice(2));

      expect(await countSecretsByMasterKeyVersion(test.db)).toEqual({ v1: 3, v2: 1 });
    });

    it('rejects a bad rewrap page size', async () => {
      await expect(
        listSecretsForRewrap(test.db, { excludeMasterKeyVersion: 'v2', after: null, limit: 0 }),
      ).rejects.toThrow('limit: expected a positive integer');
    });
  });

  describe('SettingsRepository', () => {
    it('returns defaults before a save', async () => {
      expect(await new SettingsRepository(test.db, orgA.id).get()).toEqual(DEFAULT_AI_SETTINGS);
    });

    it('saves and reads settings', async () => {
      const settings = new SettingsRepository(test.db, orgA.id);
      const saved = await settings.save({
        aiInferenceEnabled: true,
        provider: 'openai',
        defaultModel: 'gpt-4.1-mini',
        actor: ADA,
        at: new Date('2026-03-05T00:00:00Z'),
      });

      const expected = {
        aiInferenceEnabled: true,
        provider: 'openai',
        defaultModel: 'gpt-4.1-mini',
        updatedBy: ADA,
        updatedAt: '2026-03-05T00:00:00.000Z',
      };
      expect(saved).toEqual(expected);
      expect(await settings.get()).toEqual(expected);
    });

    it('overwrites settings on a second save', async () => {
      const settings = new SettingsRepository(test.db, orgA.id);
      await settings.save({ aiInferenceEnabled: true, provider: 'openai', defaultModel: 'gpt-4.1-mini', actor: ADA });

      await settings.save({
        aiInferenceEnabled: false,
        provider: null,
        defaultModel: null,
        actor: BOB,
        at: new Date('2026-03-06T00:00:00Z'),
      });

      expect(await settings.get()).toEqual({
        aiInferenceEnabled: false,
        provider: null,
        defaultModel: null,
        updatedBy: BOB,
        updatedAt: '2026-03-06T00:00:00.000Z',
      });
    });

    it('keeps an omitted default model', async () => {
      const settings = new SettingsRepository(test.db, orgA.id);
      await settings.save({ aiInferenceEnabled: true, provider: 'openai', defaultModel: 'gpt-4.1-mini', actor: ADA });

      const saved = await settings.save({ aiInferenceEnabled: false, provider: 'openai', actor: BOB });

      expect(saved.defaultModel).toBe('gpt-4.1-mini');
      expect(saved.aiInferenceEnabled).toBe(false);
    });
  });

  describe('AuditRepository', () => {
    it('appends an event and returns it', async () => {
      const audit = new AuditRepository(test.db, orgA.id);
      const event = await audit.append({
        action: 'provider.authorized',
        actor: ADA,
        provider: 'openai',
        details: { maskedKey: 'sk-proj-...x7Qa', models: 12, nested: { ok: true } },
        at: new Date('2026-03-07T00:00:00Z'),
      });

      expect(event).toEqual({
        id: expect.any(Number),
        at: '2026-03-07T00:00:00.000Z',
        action: 'provider.authorized',
        actor: ADA,
        provider: 'openai',
        details: { maskedKey: 'sk-proj-...x7Qa', models: 12, nested: { ok: true } },
      });
    });

    it('stores an event without actor or details', async () => {
      const event = await new AuditRepository(test.db, orgA.id).append({ action: 'org.token_rotated' });
      expect(event).toMatchObject({ actor: null, provider: null, details: {} });
    });

    it('lists newest first in pages', async () => {
      const audit = new AuditRepository(test.db, orgA.id);
      const appended = [];
      for (let index = 0; index < 5; index += 1) {
        appended.push(await audit.append({ action: `action.${index}` }));
      }

      const firstPage = await audit.list({ limit: 2 });
      expect(firstPage.map((event) => event.action)).toEqual(['action.4', 'action.3']);

      const secondPage = await audit.list({ limit: 2, before: firstPage[1]!.id });
      expect(secondPage.map((event) => event.action)).toEqual(['action.2', 'action.1']);

      const lastPage = await audit.list({ limit: 2, before: secondPage[1]!.id });
      expect(lastPage.map((event) => event.action)).toEqual(['action.0']);
      expect(lastPage[0]).toEqual(appended[0]);
    });

    it('rejects details that look like secrets', async () => {
      const audit = new AuditRepository(test.db, orgA.id);
      await expect(
        audit.append({
          action: 'provider.authorized',
          details: { keys: ['fine', 'sk-test-NOTAREALKEY0000000000000000'] },
        }),
      ).rejects.toThrow(
        'details.keys[1]: looks like an API key or org token; audit details must never contain secrets',
      );
      await expect(
        audit.append({ action: 'org.token_rotated', details: { token: `kr_${'A'.repeat(43)}` } }),
      ).rejects.toThrow('details.token: looks like an API key or org token; audit details must never contain secrets');
      expect(await audit.list({ limit: 10 })).toEqual([]);
    });

    it('rejects a bad page request', async () => {
      const audit = new AuditRepository(test.db, orgA.id);
      await expect(audit.list({ limit: 0 })).rejects.toThrow(
        `limit: expected an integer from 1 to ${MAX_AUDIT_PAGE_SIZE}`,
      );
      await expect(audit.list({ limit: MAX_AUDIT_PAGE_SIZE + 1 })).rejects.toThrow(
        `limit: expected an integer from 1 to ${MAX_AUDIT_PAGE_SIZE}`,
      );
      await expect(audit.list({ limit: 10, before: 0 })).rejects.toThrow(
        'before: expected a positive integer event id',
      );
    });
  });

  describe('InferenceLogRepository', () => {
    it('appends many entries at once', async () => {
      const log = new InferenceLogRepository(test.db, orgA.id);
      const entries = Array.from({ length: 250 }, (_, index) =>
        logEntry({ recordId: `00Q0000000000${String(index).padStart(2, '0')}AAA` }),
      );

      expect(await log.append(entries)).toBe(250);
      expect(await test.db.query('SELECT COUNT(*) AS n FROM inference_log WHERE org_id = $1', [orgA.id])).toEqual([
        { n: 250 },
      ]);
      expect(await log.append([])).toBe(0);
    });

    it('stores the entry fields', async () => {
      await new InferenceLogRepository(test.db, orgA.id).append([
        logEntry({
          outcome: 'timeout',
          errorCode: 'timeout',
          flowId: null,
          flowVersion: null,
          at: new Date('2026-03-10T23:59:59.999Z'),
        }),
      ]);

      const rows = await test.db.query('SELECT * FROM inference_log');
      expect(rows).toEqual([
        {
          id: expect.any(Number),
          org_id: orgA.id,
          at: '2026-03-10T23:59:59.999Z',
          day: '2026-03-10',
          flow_id: null,
          flow_version: null,
          node_id: 'classify',
          record_id: '00Q000000000001AAA',
          provider: 'openai',
          model: 'gpt-4.1-mini',
          prompt_tokens: 100,
          completion_tokens: 20,
          total_tokens: 120,
          latency_ms: 850,
          outcome: 'timeout',
          error_code: 'timeout',
        },
      ]);
    });

    it('rolls back every chunk when one fails', async () => {
      const log = new InferenceLogRepository(test.db, orgA.id);
      const entries = Array.from({ length: 150 }, () => logEntry());
      entries[120] = logEntry({ outcome: 'unknown' as 'ok' });

      await expect(log.append(entries)).rejects.toThrow();
      expect(await test.db.query('SELECT COUNT(*) AS n FROM inference_log')).toEqual([{ n: 0 }]);
    });

    it('rejects counts that are not integers', async () => {
      const log = new InferenceLogRepository(test.db, orgA.id);
      await expect(log.append([logEntry(), logEntry({ promptTokens: -1 })])).rejects.toThrow(
        'entries[1].promptTokens: expected a non-negative integer, got -1',
      );
      await expect(log.append([logEntry({ latencyMs: 1.5 })])).rejects.toThrow(
        'entries[0].latencyMs: expected a non-negative integer, got 1.5',
      );
    });

    it('sums usage per UTC day and model', async () => {
      const log = new InferenceLogRepository(test.db, orgA.id);
      await log.append([
        logEntry({ at: new Date('2026-03-09T23:59:59.999Z'), promptTokens: 1, completionTokens: 1, totalTokens: 2 }),
        logEntry({ at: new Date('2026-03-10T00:00:00.000Z'), promptTokens: 10, completionTokens: 5, totalTokens: 15 }),
        logEntry({ at: new Date('2026-03-10T18:30:00.000Z'), promptTokens: 20, completionTokens: 5, totalTokens: 25 }),
        logEntry({
          at: new Date('2026-03-10T19:00:00.000Z'),
          model: 'gpt-4.1',
          promptTokens: 7,
          completionTokens: 3,
          totalTokens: 10,
        }),
        logEntry({
          at: new Date('2026-03-11T08:00:00.000+02:00'),
          outcome: 'error',
          errorCode: 'quota',
          promptTokens: 0,
          completionTokens: 0,
          totalTokens: 0,
        }),
        logEntry({
          at: new Date('2026-03-12T00:00:00.000Z'),
          promptTokens: 1000,
          completionTokens: 1000,
          totalTokens: 2000,
        }),
      ]);

      expect(await log.summarizeUsage('2026-03-10', '2026-03-11')).toEqual([
        { day: '2026-03-10', model: 'gpt-4.1', requests: 1, promptTokens: 7, completionTokens: 3, totalTokens: 10 },
        {
          day: '2026-03-10',
          model: 'gpt-4.1-mini',
          requests: 2,
          promptTokens: 30,
          completionTokens: 10,
          totalTokens: 40,
        },
        { day: '2026-03-11', model: 'gpt-4.1-mini', requests: 1, promptTokens: 0, completionTokens: 0, totalTokens: 0 },
      ]);
      expect(await log.summarizeUsage('2026-01-01', '2026-01-31')).toEqual([]);
    });

    it('rejects bad date ranges', async () => {
      const log = new InferenceLogRepository(test.db, orgA.id);
      await expect(log.summarizeUsage('2026-3-1', '2026-03-02')).rejects.toThrow(
        'from: expected a date as YYYY-MM-DD, got "2026-3-1"',
      );
      await expect(log.summarizeUsage('2026-03-01', '2026-02-30')).rejects.toThrow(
        'to: expected a date as YYYY-MM-DD, got "2026-02-30"',
      );
      await expect(log.summarizeUsage('2026-03-02', '2026-03-01')).rejects.toThrow(
        'from: 2026-03-02 is after to (2026-03-01)',
      );
    });
  });

  describe('org scoping', () => {
    it('rejects an empty org id', () => {
      expect(() => new CredentialRepository(test.db, '')).toThrow('orgId: expected a non-empty org id');
      expect(() => orgScope(test.db, '')).toThrow('orgId: expected a non-empty org id');
    });

    it('hides org A data from org B', async () => {
      const a = orgScope(test.db, orgA.id);
      const { keyId } = await a.credentials.saveAuthorized('openai', {
        encrypted: fakeSecret('a'),
        maskedKey: 'sk-...aaaa',
        actor: ADA,
      });
      await a.settings.save({ aiInferenceEnabled: true, provider: 'openai', defaultModel: 'gpt-4.1-mini', actor: ADA });
      const event = await a.audit.append({ action: 'provider.authorized', actor: ADA, provider: 'openai' });
      await a.inferenceLog.append([logEntry()]);

      const b = orgScope(test.db, orgB.id);
      expect((await b.credentials.get('openai')).status).toBe('not_connected');
      expect(await b.credentials.getSecret('openai')).toBeNull();
      expect(await b.credentials.list()).toEqual([]);
      expect(await b.settings.get()).toEqual(DEFAULT_AI_SETTINGS);
      expect(await b.audit.list({ limit: 100 })).toEqual([]);
      expect(await b.audit.list({ limit: 100, before: event.id + 1 })).toEqual([]);
      expect(await b.inferenceLog.summarizeUsage('2026-01-01', '2026-12-31')).toEqual([]);
      expect(await b.tokens.list()).toEqual([]);

      expect(await b.credentials.disable('openai', BOB)).toBe(false);
      expect(
        await b.credentials.recordCheck('openai', {
          status: 'invalid',
          errorCode: 'invalid_key',
          errorMessage: 'x',
          keyId,
        }),
      ).toBe(false);
      expect(
        await b.credentials.updateWrappedDataKey('openai', {
          previousWrappedDataKey: fakeSecret('a').wrappedDataKey,
          wrappedDataKey: 'bmV3',
          masterKeyVersion: 'v2',
        }),
      ).toBe(false);
      expect(await b.tokens.revokeAll()).toBe(0);

      expect((await a.credentials.get('openai')).status).toBe('connected');
      expect((await a.credentials.getSecret('openai'))?.encrypted).toEqual(fakeSecret('a'));
      expect(await a.audit.list({ limit: 100 })).toHaveLength(1);
      expect(await a.inferenceLog.summarizeUsage('2026-01-01', '2026-12-31')).toHaveLength(1);
    });

    it('runs several repositories in one transaction', async () => {
      await expect(
        test.db.transaction(async (tx) => {
          const scope = orgScope(tx, orgA.id);
          await scope.credentials.saveAuthorized('openai', {
            encrypted: fakeSecret('a'),
            maskedKey: 'sk-...aaaa',
            actor: ADA,
          });
          await scope.audit.append({ action: 'provider.authorized', actor: ADA, provider: 'openai' });
          throw new Error('abort');
        }),
      ).rejects.toThrow('abort');

      const scope = orgScope(test.db, orgA.id);
      expect((await scope.credentials.get('openai')).status).toBe('not_connected');
      expect(await scope.audit.list({ limit: 10 })).toEqual([]);
    });
  });
});
