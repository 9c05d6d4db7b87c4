/**
 * In-process notice that an org's tokens, provider keys or AI settings changed, so that
 * the caches of this process drop their entries for the org at once. Writers call
 * `notifyOrgDataChanged` after their change is committed.
 *
 * NOTE: the notice reaches only this process. Another connector instance, or a server
 * when the CLI changes the store, sees the change when its cache entries expire (see
 * ORG_CACHE_TTL_MS).
 */

/** How long the auth and inference-access caches keep an entry: the longest another process may serve stale data. */
export const ORG_CACHE_TTL_MS = 5_000;

type Listener = (orgId: string) => void;

const listeners = new Set<Listener>();

/** Registers a listener and returns the function that removes it. */
export function onOrgDataChanged(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function notifyOrgDataChanged(orgId: string): void {
  for (const listener of listeners) {
    listener(orgId);
  }
}
