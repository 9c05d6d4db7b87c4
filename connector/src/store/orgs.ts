import { randomUUID } from 'node:crypto';
import { withTransaction, type Queryable, type Row } from './database';
import { readText, toTimestamp } from './rows';
import type { Org } from './types';

const ORG_COLUMNS =
  'orgs.id AS id, orgs.salesforce_org_id AS salesforce_org_id, orgs.name AS name, orgs.created_at AS created_at';

/** Tables that hold an org's data, children first, so deleting in this order never breaks a foreign key. */
const ORG_DATA_TABLES = ['inference_log', 'audit_events', 'ai_settings', 'provider_credentials', 'org_tokens'] as const;

/**
 * The orgs table. These are the only queries not scoped to one org: registering, listing
 * and looking an org up. Input is expected to be validated (see orgs/validation.ts).
 */
export class OrgRepository {
  constructor(private readonly db: Queryable) {}

  /** Inserts an org; returns null when its Salesforce org id is already registered. */
  async create(input: { salesforceOrgId: string; name: string; createdAt?: Date }): Promise<Org | null> {
    const rows = await this.db.query(
      `INSERT INTO orgs (id, salesforce_org_id, name, created_at) VALUES ($1, $2, $3, $4)
       ON CONFLICT (salesforce_org_id) DO NOTHING
       RETURNING id, salesforce_org_id, name, created_at`,
      [randomUUID(), input.salesforceOrgId, input.name, toTimestamp(input.createdAt ?? new Date())],
    );
    return rows[0] === undefined ? null : toOrg(rows[0]);
  }

  /** Returns every org, oldest first. */
  async list(): Promise<Org[]> {
    const rows = await this.db.query(`SELECT ${ORG_COLUMNS} FROM orgs ORDER BY created_at, id`);
    return rows.map(toOrg);
  }

  async findById(orgId: string): Promise<Org | null> {
    const rows = await this.db.query(`SELECT ${ORG_COLUMNS} FROM orgs WHERE id = $1`, [orgId]);
    return rows[0] === undefined ? null : toOrg(rows[0]);
  }

  async findBySalesforceOrgId(salesforceOrgId: string): Promise<Org | null> {
    const rows = await this.db.query(`SELECT ${ORG_COLUMNS} FROM orgs WHERE salesforce_org_id = $1`, [salesforceOrgId]);
    return rows[0] === undefined ? null : toOrg(rows[0]);
  }

  /** Returns the org owning the token with this SHA-256 hash, with the stored hash, unless the token was revoked. */
  async findByActiveTokenHash(tokenHash: string): Promise<{ org: Org; tokenHash: string } | null> {
    const rows = await this.db.query(
      `SELECT ${ORG_COLUMNS}, org_tokens.token_hash AS token_hash
       FROM org_tokens JOIN orgs ON orgs.id = org_tokens.org_id
       WHERE org_tokens.token_hash = $1 AND org_tokens.revoked_at IS NULL`,
      [tokenHash],
    );
    const row = rows[0];
    return row === undefined ? null : { org: toOrg(row), tokenHash: readText(row, 'token_hash') };
  }

  /** Deletes the org and all its data (tokens, credentials, settings, audit, usage) in one transaction; returns false when it did not exist. */
  async remove(orgId: string): Promise<boolean> {
    return withTransaction(this.db, async (tx) => {
      for (const table of ORG_DATA_TABLES) {
        await tx.execute(`DELETE FROM ${table} WHERE org_id = $1`, [orgId]);
      }
      return (await tx.execute('DELETE FROM orgs WHERE id = $1', [orgId])) > 0;
    });
  }
}

function toOrg(row: Row): Org {
  return {
    id: readText(row, 'id'),
    salesforceOrgId: readText(row, 'salesforce_org_id'),
    name: readText(row, 'name'),
    createdAt: readText(row, 'created_at'),
  };
}
