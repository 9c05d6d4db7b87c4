import type { Queryable } from '../store/database';
import type { Org } from '../store/types';
import { ORG_CACHE_TTL_MS, onOrgDataChanged } from './data-changes';
import { authenticate } from './service';
import { hashOrgToken, isOrgTokenFormat } from './tokens';

export interface OrgAuthCacheOptions {
  ttlMs?: number;
  /** Tokens kept at most; the oldest entry goes first. */
  maxEntries?: number;
  now?: () => number;
}

/**
 * Authenticates org tokens with a short-lived cache in front of the database, so that a
 * busy org does not cost one query per request. Entries are keyed by the token's SHA-256,
 * never by the token. Only valid tokens are cached: a new org's token works at once.
 * Rotating or removing an org's tokens in this process drops its entries at once.
 *
 * NOTE: a token rotated or an org removed by the CLI or by another instance keeps working
 * in this process for up to `ttlMs` (5 s by default).
 */
export class OrgAuthCache {
  private readonly entries = new Map<string, { org: Org; expiresAt: number }>();
  private readonly ttlMs: number;
  private readonly maxEntries: number;
  private readonly now: () => number;
  /** Counts invalidations, so that a lookup that started before one does not store its stale answer. */
  private generation = 0;
  private readonly unsubscribe: () => void;

  constructor(
    private readonly database: Queryable,
    options: OrgAuthCacheOptions = {},
  ) {
    this.ttlMs = options.ttlMs ?? ORG_CACHE_TTL_MS;
    this.maxEntries = options.maxEntries ?? 10_000;
    this.now = options.now ?? Date.now;
    this.unsubscribe = onOrgDataChanged((orgId) => this.invalidateOrg(orgId));
  }

  /** Returns the org of an active token, or null for a malformed, unknown or revoked token. */
  async authenticate(token: string): Promise<Org | null> {
    if (typeof token !== 'string' || !isOrgTokenFormat(token)) {
      return null;
    }
    const hash = hashOrgToken(token);
    const cached = this.entries.get(hash);
    if (cached !== undefined && cached.expiresAt > this.now()) {
      return cached.org;
    }

    const generation = this.generation;
    const org = await authenticate(this.database, token);
    if (org === null) {
      this.entries.delete(hash);
    } else if (generation === this.generation) {
      this.store(hash, org);
    }
    return org;
  }

  invalidateOrg(orgId: string): void {
    this.generation += 1;
    for (const [hash, entry] of this.entries) {
      if (entry.org.id === orgId) {
        this.entries.delete(hash);
      }
    }
  }

  /** Stops listening for changes; call when the services close. */
  dispose(): void {
    this.unsubscribe();
    this.entries.clear();
  }

  private store(hash: string, org: Org): void {
    this.entries.delete(hash);
    this.entries.set(hash, { org, expiresAt: this.now() + this.ttlMs });
    if (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) {
        this.entries.delete(oldest.value);
      }
    }
  }
}
