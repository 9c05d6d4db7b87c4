import { withTransaction, type Queryable } from '../store/database';
import { OrgRepository } from '../store/orgs';
import { OrgTokenRepository } from '../store/tokens';
import type { Org } from '../store/types';
import { notifyOrgDataChanged } from './data-changes';
import { generateOrgToken, hashOrgToken, isOrgTokenFormat, tokenHashesEqual } from './tokens';
import { normalizeOrgName, normalizeSalesforceOrgId, OrgError } from './validation';

/** An org with the token just issued for it. The token is never stored or shown again. */
export interface OrgWithToken {
  org: Org;
  token: string;
}

/**
 * Registers an org and issues its first token. Raises OrgError `invalid_field` for a bad
 * id or name, `org_exists` when the Salesforce org id is already registered.
 */
export async function registerOrg(db: Queryable, salesforceOrgId: unknown, name: unknown): Promise<OrgWithToken> {
  const normalizedId = normalizeSalesforceOrgId(salesforceOrgId);
  const normalizedName = normalizeOrgName(name);
  const token = generateOrgToken();

  const org = await withTransaction(db, async (tx) => {
    const created = await new OrgRepository(tx).create({ salesforceOrgId: normalizedId, name: normalizedName });
    if (created === null) {
      throw new OrgError(
        'org_exists',
        `An org with Salesforce org id ${normalizedId} is already registered; rotate its token to get a new one`,
      );
    }
    await new OrgTokenRepository(tx, created.id).issue(hashOrgToken(token));
    return created;
  });
  return { org, token };
}

/** Revokes every token of the org and issues a new one. Raises OrgError `org_not_found`. */
export async function rotateToken(db: Queryable, salesforceOrgId: unknown): Promise<OrgWithToken> {
  const token = generateOrgToken();
  const org = await withTransaction(db, async (tx) => {
    const found = await findOrgOrThrow(tx, salesforceOrgId);
    await new OrgTokenRepository(tx, found.id).rotate(hashOrgToken(token));
    return found;
  });
  notifyOrgDataChanged(org.id);
  return { org, token };
}

/** Deletes the org with its tokens, keys, settings, audit trail and usage; returns it. Raises OrgError `org_not_found`. */
export async function removeOrg(db: Queryable, salesforceOrgId: unknown): Promise<Org> {
  const removed = await withTransaction(db, async (tx) => {
    const org = await findOrgOrThrow(tx, salesforceOrgId);
    await new OrgRepository(tx).remove(org.id);
    return org;
  });
  notifyOrgDataChanged(removed.id);
  return removed;
}

export async function listOrgs(db: Queryable): Promise<Org[]> {
  return new OrgRepository(db).list();
}

/** Returns the org of an active token, or null for a malformed, unknown or revoked token. */
export async function authenticate(db: Queryable, token: string): Promise<Org | null> {
  if (typeof token !== 'string' || !isOrgTokenFormat(token)) {
    return null;
  }
  const hash = hashOrgToken(token);
  const found = await new OrgRepository(db).findByActiveTokenHash(hash);
  if (found === null || !tokenHashesEqual(found.tokenHash, hash)) {
    return null;
  }
  return found.org;
}

async function findOrgOrThrow(db: Queryable, salesforceOrgId: unknown): Promise<Org> {
  const normalizedId = normalizeSalesforceOrgId(salesforceOrgId);
  const org = await new OrgRepository(db).findBySalesforceOrgId(normalizedId);
  if (org === null) {
    throw new OrgError('org_not_found', `No org is registered with Salesforce org id ${normalizedId}`);
  }
  return org;
}
