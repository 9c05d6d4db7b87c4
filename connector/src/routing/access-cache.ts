import type { InferenceAccessResult } from '../flows/engine/run-context';
import { ORG_CACHE_TTL_MS, onOrgDataChanged } from '../orgs/data-changes';
import type { ProviderId } from '../providers/provider';

/** The provider access of one run: the chosen provider and the access, or why there is none. */
export interface ResolvedAccess {
  provider: ProviderId | null;
  access: InferenceAccessResult & { keyId?: string };
}

export interface AccessCacheOptions {
  ttlMs?: number;
  /** Orgs kept at most; the least recently stored goes first. */
  maxEntries?: number;
  now?: () => number;
}

/**
 * Keeps each org's resolved inference access (AI settings, credential status and the
 * decrypted key) for a few seconds, so that a busy org costs neither three queries nor a
 * decryption per request. Concurrent requests of one org share a single load. Saving the
 * AI settings, authorizing, disabling or re-checking a key in this process drops the
 * org's entry at once.
 *
 * The decrypted key stays in memory for at most `ttlMs` after its load, in at most
 * `maxEntries` entries, and is dropped at once when the key changes in this process. That
 * adds no new kind of exposure: every inference already holds the key in this process's
 * memory while it calls the provider, and JavaScript strings cannot be wiped, so
 * decrypting per request would not remove copies from the heap either.
 *
 * NOTE: a key disabled or settings changed through another instance are seen here up to
 * `ttlMs` late (5 s by default); calls made meanwhile use the old key or settings.
 */
export class InferenceAccessCache {
  private readonly entries = new Map<string, { value: Promise<ResolvedAccess>; expiresAt: number }>();
  private readonly ttlMs: number;
  private readonly maxEntries: number;
  private readonly now: () => number;
  private readonly unsubscribe: () => void;

  constructor(options: AccessCacheOptions = {}) {
    this.ttlMs = options.ttlMs ?? ORG_CACHE_TTL_MS;
    this.maxEntries = options.maxEntries ?? 1_000;
    this.now = options.now ?? Date.now;
    this.unsubscribe = onOrgDataChanged((orgId) => this.invalidate(orgId));
  }

  /** Returns the org's cached access, or loads it with `load` and keeps it for `ttlMs`. */
  get(orgId: string, load: () => Promise<ResolvedAccess>): Promise<ResolvedAccess> {
    const cached = this.entries.get(orgId);
    if (cached !== undefined && cached.expiresAt > this.now()) {
      return cached.value;
    }

    // Until the load settles the entry never expires, so concurrent requests share it.
    const entry = { value: load(), expiresAt: Number.POSITIVE_INFINITY };
    this.entries.delete(orgId);
    this.entries.set(orgId, entry);
    this.evictOldest();
    entry.value.then(
      () => {
        entry.expiresAt = this.now() + this.ttlMs;
      },
      () => {
        // A failed load is not kept: the next request tries again.
        if (this.entries.get(orgId) === entry) {
          this.entries.delete(orgId);
        }
      },
    );
    return entry.value;
  }

  /** Drops the org's entry; a load still running for it is not stored either, since it was replaced. */
  invalidate(orgId: string): void {
    this.entries.delete(orgId);
  }

  /** Stops listening for changes and drops every entry, keys included; call when the services close. */
  dispose(): void {
    this.unsubscribe();
    this.entries.clear();
  }

  private evictOldest(): void {
    while (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next();
      if (oldest.done) {
        return;
      }
      this.entries.delete(oldest.value);
    }
  }
}
