import { CredentialRepository, listSecretsForRewrap } from '../store/credentials';
import type { Database } from '../store/database';
import type { KeyVault } from './envelope';

export interface RewrapProgress {
  /** Data keys now wrapped with the active master key. */
  rewrapped: number;
  /** Keys replaced or disabled while the rewrap ran; they need no rewrap. */
  skipped: number;
}

export const DEFAULT_REWRAP_BATCH_SIZE = 20;

/**
 * Rewraps every stored data key that is not under the active master key, in batches of
 * `batchSize`, each batch in its own transaction. Safe while servers keep decrypting:
 * each row always contains a matching pair of master key version and wrapped data key, and
 * the keyring keeps the old version. A row changed since it was read is skipped, never
 * overwritten. Raises the VaultError of the first key it cannot unwrap (a missing master
 * key version, modified data); the batches before it stay committed, so rerunning resumes.
 */
export async function rewrapAll(
  db: Database,
  vault: KeyVault,
  options: { batchSize?: number; onBatch?: (progress: RewrapProgress) => void } = {},
): Promise<RewrapProgress & { masterKeyVersion: string }> {
  const batchSize = options.batchSize ?? DEFAULT_REWRAP_BATCH_SIZE;
  if (!Number.isSafeInteger(batchSize) || batchSize < 1) {
    throw new RangeError(`batchSize: expected a positive integer, got ${String(batchSize)}`);
  }

  const masterKeyVersion = vault.activeMasterKeyVersion;
  const progress: RewrapProgress = { rewrapped: 0, skipped: 0 };
  let after: { orgId: string; provider: string } | null = null;

  for (;;) {
    const cursor = after;
    const last = await db.transaction(async (tx) => {
      const page = await listSecretsForRewrap(tx, {
        excludeMasterKeyVersion: masterKeyVersion,
        after: cursor,
        limit: batchSize,
      });
      for (const candidate of page) {
        const context = { orgId: candidate.orgId, provider: candidate.provider };
        const rewrapped = await vault.rewrap(candidate.secret.encrypted, context);
        const updated = await new CredentialRepository(tx, candidate.orgId).updateWrappedDataKey(candidate.provider, {
          previousWrappedDataKey: candidate.secret.encrypted.wrappedDataKey,
          wrappedDataKey: rewrapped.wrappedDataKey,
          masterKeyVersion: rewrapped.masterKeyVersion,
        });
        if (updated) {
          progress.rewrapped += 1;
        } else {
          progress.skipped += 1;
        }
      }
      return page.at(-1);
    });

    if (last === undefined) {
      return { ...progress, masterKeyVersion };
    }
    options.onBatch?.({ ...progress });
    after = { orgId: last.orgId, provider: last.provider };
  }
}
