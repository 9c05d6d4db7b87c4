import { OrgRepository } from '../../../connector/src/store/orgs';
import { CredentialRepository } from '../../../connector/src/store/credentials';
import {
  authenticate,
  checksumSuffix,
  generateOrgToken,
  hashOrgToken,
  isOrgTokenFormat,
  listOrgs,
  normalizeOrgName,
  normalizeSalesforceOrgId,
  OrgError,
  registerOrg,
  removeOrg,
  rotateToken,
  tokenHashesEqual,
} from '../../../connector/src/orgs/index';
import { createTestDatabase, DATABASE_BACKENDS, dumpAllRows, type TestDatabase } from '../../helpers/databases';

const ORG_ID_15 = '00D5g000004ABCd';
const ORG_ID_18 = `${ORG_ID_15}${checksumSuffix(ORG_ID_15)}`;
const OTHER_ORG_ID = '00D000000000002EAA';

function orgError(fn: () => unknown): OrgError {
  try {
    fn();
  } catch (error) {
    return error as OrgError;
  }
  throw new Error('no error raised');
}

describe('org tokens', () => {
  it('have the kr_ prefix and 32 random bytes', () => {
    const token = generateOrgToken();
    expect(token).toMatch(/^kr_[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(token.slice(3), 'base64url')).toHaveLength(32);
    expect(isOrgTokenFormat(token)).toBe(true);
  });

  it('differ every time', () => {
    const tokens = new Set(Array.from({ length: 100 }, generateOrgToken));
    expect(tokens.size).toBe(100);
  });

  it('hash to SHA-256 hex', () => {
    expect(hashOrgToken('kr_example')).toBe('e588e187f48831a4c5d66fac59a15155cde9a5eeb2466e34f0f11e500113c171');
  });

  it('compare hashes', () => {
    const hash = hashOrgToken('kr_a');
    expect(tokenHashesEqual(hash, hashOrgToken('kr_a'))).toBe(true);
    expect(tokenHashesEqual(hash, hashOrgToken('kr_b'))).toBe(false);
    expect(tokenHashesEqual(hash, 'abcd')).toBe(false);
  });

  it('reject other shapes', () => {
    for (const text of [
      '',
      'kr_short',
      `KR_${'A'.repeat(43)}`,
      `kr_${'A'.repeat(42)}!`,
      `kr_${'A'.repeat(44)}`,
      `Bearer kr_${'A'.repeat(43)}`,
    ]) {
      expect({ text, valid: isOrgTokenFormat(text) }).toEqual({ text, valid: false });
    }
  });
});

describe('normalizeSalesforceOrgId', () => {
  it('extends a 15-character id with its checksum', () => {
    // Worked example of the algorithm (what CASESAFEID returns): 0019000000B98de -> 0019000000B98deAAB.
    expect(checksumSuffix('0019000000B98de')).toBe('AAB');
    expect(checksumSuffix('00D000000000001')).toBe('EAA');
    expect(normalizeSalesforceOrgId(ORG_ID_15)).toBe(ORG_ID_18);
  });

  it('accepts a correct 18-character id', () => {
    expect(normalizeSalesforceOrgId(ORG_ID_18)).toBe(ORG_ID_18);
  });

  it.each([
    undefined,
    42,
    '',
    '00D123',
    '001000000000001AAA',
    '00D000000000001AA',
    '00D00000000000-EAA',
    ' 00D000000000001',
  ])('rejects %j', (value) => {
    const error = orgError(() => normalizeSalesforceOrgId(value));
    expect(error).toBeInstanceOf(OrgError);
    expect(error.code).toBe('invalid_field');
    expect(error.field).toBe('salesforceOrgId');
    expect(error.message).toBe(
      'salesforceOrgId: expected a Salesforce org id of 15 or 18 letters and digits starting with 00D',
    );
  });

  it('rejects a wrong checksum', () => {
    const error = orgError(() => normalizeSalesforceOrgId(`${ORG_ID_15}ZZZ`));
    expect(error.field).toBe('salesforceOrgId');
    expect(error.message).toBe(
      'salesforceOrgId: the last 3 characters are not the checksum of the first 15; copy the complete 18-character org id from Setup > Company Information',
    );
  });
});

describe('normalizeOrgName', () => {
  it('trims the name', () => {
    expect(normalizeOrgName('  Acme Corp  ')).toBe('Acme Corp');
  });

  it.each([
    [undefined, 'name: expected a string'],
    ['   ', 'name: expected 1 to 255 characters after trimming'],
    ['x'.repeat(256), 'name: expected 1 to 255 characters after trimming'],
    ['Acme\nCorp', 'name: must not contain control characters such as line breaks or tabs'],
    ['Acme\u0007', 'name: must not contain control characters such as line breaks or tabs'],
  ])('rejects %j', (value, message) => {
    const error = orgError(() => normalizeOrgName(value));
    expect(error.code).toBe('invalid_field');
    expect(error.field).toBe('name');
    expect(error.message).toBe(message);
  });
});

describe.each(DATABASE_BACKENDS)('org service on %s', (kind) => {
  let test: TestDatabase;

  beforeEach(async () => {
    test = await createTestDatabase(kind);
  });

  afterEach(async () => {
    await test.cleanup();
  });

  it('registers an org with a token', async () => {
    const { org, token } = await registerOrg(test.db, ORG_ID_15, ' Acme ');

    expect(org).toMatchObject({ salesforceOrgId: ORG_ID_18, name: 'Acme' });
    expect(isOrgTokenFormat(token)).toBe(true);
    expect(await authenticate(test.db, token)).toEqual(org);
    expect(await listOrgs(test.db)).toEqual([org]);
  });

  it('stores no raw token in any table', async () => {
    const { token: first } = await registerOrg(test.db, ORG_ID_18, 'Acme');
    const { token: second } = await rotateToken(test.db, ORG_ID_18);
    const { token: other } = await registerOrg(test.db, OTHER_ORG_ID, 'Other');

    const dump = await dumpAllRows(test.db);
    for (const token of [first, second, other]) {
      expect(dump).not.toContain(token);
      expect(dump).not.toContain(token.slice(3));
      expect(dump).toContain(hashOrgToken(token));
    }
  });

  it('rejects a duplicate in either length', async () => {
    await registerOrg(test.db, ORG_ID_18, 'Acme');

    await expect(registerOrg(test.db, ORG_ID_15, 'Acme again')).rejects.toThrow(
      new OrgError(
        'org_exists',
        `An org with Salesforce org id ${ORG_ID_18} is already registered; rotate its token to get a new one`,
      ),
    );
    expect(await listOrgs(test.db)).toHaveLength(1);
  });

  it('validates before writing', async () => {
    await expect(registerOrg(test.db, '00Dbad', 'Acme')).rejects.toThrow(
      'salesforceOrgId: expected a Salesforce org id of 15 or 18 letters and digits starting with 00D',
    );
    await expect(registerOrg(test.db, ORG_ID_18, '')).rejects.toThrow(
      'name: expected 1 to 255 characters after trimming',
    );
    expect(await listOrgs(test.db)).toEqual([]);
  });

  it('authenticates only active, well-formed tokens', async () => {
    const { token } = await registerOrg(test.db, ORG_ID_18, 'Acme');
    const unknown = generateOrgToken();

    expect(await authenticate(test.db, unknown)).toBeNull();
    expect(await authenticate(test.db, '')).toBeNull();
    expect(await authenticate(test.db, token.slice(0, -1))).toBeNull();
    expect(await authenticate(test.db, `${token} `)).toBeNull();
    expect(await authenticate(test.db, hashOrgToken(token))).toBeNull();
  });

  it('rotation revokes the old token', async () => {
    const { org, token: oldToken } = await registerOrg(test.db, ORG_ID_18, 'Acme');

    const rotated = await rotateToken(test.db, ORG_ID_15);

    expect(rotated.org).toEqual(org);
    expect(rotated.token).not.toBe(oldToken);
    expect(await authenticate(test.db, oldToken)).toBeNull();
    expect(await authenticate(test.db, rotated.token)).toEqual(org);
  });

  it('keeps other orgs tokens on rotation', async () => {
    await registerOrg(test.db, ORG_ID_18, 'Acme');
    const { org: other, token: otherToken } = await registerOrg(test.db, OTHER_ORG_ID, 'Other');

    await rotateToken(test.db, ORG_ID_18);

    expect(await authenticate(test.db, otherToken)).toEqual(other);
  });

  it('removes an org with its data', async () => {
    const { org, token } = await registerOrg(test.db, ORG_ID_18, 'Acme');
    await new CredentialRepository(test.db, org.id).saveAuthorized('openai', {
      encrypted: { format: 1, masterKeyVersion: 'v1', wrappedDataKey: 'd3JhcA==', ciphertext: 'Y2lwaGVy' },
      maskedKey: 'sk-...abcd',
      actor: { userId: '005000000000001AAA', name: 'Ada Admin' },
    });
    const { token: otherToken } = await registerOrg(test.db, OTHER_ORG_ID, 'Other');

    expect(await removeOrg(test.db, ORG_ID_15)).toEqual(org);

    expect(await authenticate(test.db, token)).toBeNull();
    expect(await authenticate(test.db, otherToken)).not.toBeNull();
    expect(await new OrgRepository(test.db).findById(org.id)).toBeNull();
    expect(await test.db.query('SELECT org_id FROM provider_credentials')).toEqual([]);
  });

  it('reports an unknown org', async () => {
    const message = `No org is registered with Salesforce org id ${ORG_ID_18}`;
    await expect(rotateToken(test.db, ORG_ID_18)).rejects.toThrow(new OrgError('org_not_found', message));
    await expect(removeOrg(test.db, ORG_ID_18)).rejects.toThrow(message);
    await expect(removeOrg(test.db, 'nonsense')).rejects.toThrow(
      'salesforceOrgId: expected a Salesforce org id of 15 or 18 letters and digits starting with 00D',
    );
  });
});
