import { withTransaction, type Queryable } from './database';
import { readInt, readOptionalText, readText, toTimestamp } from './rows';
import { checkOrgId } from './types';

/** A token as listed for operators: never its hash. */
export interface OrgTokenInfo {
  id: number;
  createdAt: string;
  revokedAt: string | null;
}

/** One org's bearer tokens, stored as SHA-256 hashes (see orgs/tokens.ts). */
export class OrgTokenRepository {
  constructor(
    private readonly db: Queryable,
    readonly orgId: string,
  ) {
    checkOrgId(orgId);
  }

  /** Stores the hash of a new token for this org. */
  async issue(tokenHash: string, at: Date = new Date()): Promise<void> {
    await this.db.execute('INSERT INTO org_tokens (org_id, token_hash, created_at) VALUES ($1, $2, $3)', [
      this.orgId,
      tokenHash,
      toTimestamp(at),
    ]);
  }

  /** Revokes every active token of this org; returns how many were revoked. */
  async revokeAll(at: Date = new Date()): Promise<number> {
    return this.db.execute('UPDATE org_tokens SET revoked_at = $2 WHERE org_id = $1 AND revoked_at IS NULL', [
      this.orgId,
      toTimestamp(at),
    ]);
  }

  /** Revokes every active token and stores the new hash, in one transaction: the old tokens stop working at once. */
  async rotate(newTokenHash: string, at: Date = new Date()): Promise<void> {
    await withTransaction(this.db, async (tx) => {
      const tokens = new OrgTokenRepository(tx, this.orgId);
      await tokens.revokeAll(at);
      await tokens.issue(newTokenHash, at);
    });
  }

  /** Lists this org's tokens, newest first. */
  async list(): Promise<OrgTokenInfo[]> {
    const rows = await this.db.query(
      'SELECT id, created_at, revoked_at FROM org_tokens WHERE org_id = $1 ORDER BY id DESC',
      [this.orgId],
    );
    return rows.map((row) => ({
      id: readInt(row, 'id'),
      createdAt: readText(row, 'created_at'),
      revokedAt: readOptionalText(row, 'revoked_at'),
    }));
  }
}
