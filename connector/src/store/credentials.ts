import { randomUUID } from 'node:crypto';
import type { EncryptedSecret } from '../vault/envelope';
import type { Queryable, Row } from './database';
import { readActor, readInt, readOptionalText, readText, toTimestamp } from './rows';
import { checkOrgId, type Actor, type ProviderId } from './types';

export type CredentialStatus = 'not_connected' | 'connected' | 'invalid' | 'disabled';

/** Status of one provider's key as shown to admins: never the key or its ciphertext. */
export interface CredentialState {
  provider: ProviderId;
  status: CredentialStatus;
  maskedKey: string | null;
  authorizedBy: Actor | null;
  authorizedAt: string | null;
  lastCheckedAt: string | null;
  lastErrorCode: string | null;
  lastErrorMessage: string | null;
  disabledBy: Actor | null;
  disabledAt: string | null;
}

/** The encrypted key of one provider, with the id of this authorization. */
export interface StoredSecret {
  /** Random id given at each authorization; lets a key check skip a key replaced meanwhile. */
  keyId: string;
  encrypted: EncryptedSecret;
}

/** Longest stored last-error message; provider messages beyond it are cut. */
export const MAX_ERROR_MESSAGE_LENGTH = 1_000;

const STATE_COLUMNS = `provider, status, masked_key, authorized_by_user_id, authorized_by_name, authorized_at,
  last_checked_at, last_error_code, last_error_message, disabled_by_user_id, disabled_by_name, disabled_at`;

const SECRET_COLUMNS = 'key_id, secret_format, master_key_version, wrapped_data_key, ciphertext';

/** One org's provider keys: status for admins, ciphertext for the vault. */
export class CredentialRepository {
  constructor(
    private readonly db: Queryable,
    readonly orgId: string,
  ) {
    checkOrgId(orgId);
  }

  /** Returns the provider's state; `not_connected` with nulls when no key was ever authorized. */
  async get(provider: ProviderId): Promise<CredentialState> {
    const rows = await this.db.query(
      `SELECT ${STATE_COLUMNS} FROM provider_credentials WHERE org_id = $1 AND provider = $2`,
      [this.orgId, provider],
    );
    return rows[0] === undefined ? notConnected(provider) : toState(rows[0]);
  }

  /** Returns the state of every provider with a row, by provider id; providers never authorized are absent. */
  async list(): Promise<CredentialState[]> {
    const rows = await this.db.query(
      `SELECT ${STATE_COLUMNS} FROM provider_credentials WHERE org_id = $1 ORDER BY provider`,
      [this.orgId],
    );
    return rows.map(toState);
  }

  /** Returns the encrypted key, or null when none is stored (never authorized, or disabled). */
  async getSecret(provider: ProviderId): Promise<StoredSecret | null> {
    const rows = await this.db.query(
      `SELECT ${SECRET_COLUMNS} FROM provider_credentials
       WHERE org_id = $1 AND provider = $2 AND ciphertext IS NOT NULL`,
      [this.orgId, provider],
    );
    return rows[0] === undefined ? null : toStoredSecret(rows[0]);
  }

  /**
   * Stores a key that just passed its live check, replacing any previous key: the status
   * becomes `connected`, the last check is `at`, and earlier errors and a disabled mark
   * are cleared.
   */
  async saveAuthorized(
    provider: ProviderId,
    input: { encrypted: EncryptedSecret; maskedKey: string; actor: Actor; at?: Date },
  ): Promise<{ keyId: string; state: CredentialState }> {
    const keyId = randomUUID();
    const at = toTimestamp(input.at ?? new Date());
    const { encrypted } = input;
    const rows = await this.db.query(
      `INSERT INTO provider_credentials (
         org_id, provider, status, key_id, secret_format, master_key_version, wrapped_data_key, ciphertext,
         masked_key, authorized_by_user_id, authorized_by_name, authorized_at, last_checked_at,
         last_error_code, last_error_message, disabled_by_user_id, disabled_by_name, disabled_at, updated_at)
       VALUES ($1, $2, 'connected', $3, $4, $5, $6, $7, $8, $9, $10, $11, $11, NULL, NULL, NULL, NULL, NULL, $11)
       ON CONFLICT (org_id, provider) DO UPDATE SET
         status = excluded.status, key_id = excluded.key_id, secret_format = excluded.secret_format,
         master_key_version = excluded.master_key_version, wrapped_data_key = excluded.wrapped_data_key,
         ciphertext = excluded.ciphertext, masked_key = excluded.masked_key,
         authorized_by_user_id = excluded.authorized_by_user_id, authorized_by_name = excluded.authorized_by_name,
         authorized_at = excluded.authorized_at, last_checked_at = excluded.last_checked_at,
         last_error_code = NULL, last_error_message = NULL,
         disabled_by_user_id = NULL, disabled_by_name = NULL, disabled_at = NULL, updated_at = excluded.updated_at
       RETURNING ${STATE_COLUMNS}`,
      [
        this.orgId,
        provider,
        keyId,
        encrypted.format,
        encrypted.masterKeyVersion,
        encrypted.wrappedDataKey,
        encrypted.ciphertext,
        input.maskedKey,
        input.actor.userId,
        input.actor.name,
        at,
      ],
    );
    return { keyId, state: toState(rows[0]!) };
  }

  /**
   * Records the result of a live check of the stored key. `status` sets connected or
   * invalid; leave it undefined to keep the status, as after a timeout, which is no
   * verdict on the key. With `keyId`, nothing is written when the key was replaced since the
   * check started. Returns false when nothing was written, which includes a key that is
   * disabled or was never authorized.
   */
  async recordCheck(
    provider: ProviderId,
    result: {
      status?: 'connected' | 'invalid';
      errorCode: string | null;
      errorMessage: string | null;
      keyId?: string;
      at?: Date;
    },
  ): Promise<boolean> {
    const at = toTimestamp(result.at ?? new Date());
    const params = [
      this.orgId,
      provider,
      result.status ?? null,
      at,
      result.errorCode,
      result.errorMessage === null ? null : result.errorMessage.slice(0, MAX_ERROR_MESSAGE_LENGTH),
    ];
    const keyCondition = result.keyId === undefined ? '' : ' AND key_id = $7';
    if (result.keyId !== undefined) {
      params.push(result.keyId);
    }

    const changed = await this.db.execute(
      `UPDATE provider_credentials
       SET status = COALESCE(CAST($3 AS TEXT), status), last_checked_at = $4,
           last_error_code = $5, last_error_message = $6, updated_at = $4
       WHERE org_id = $1 AND provider = $2 AND status IN ('connected', 'invalid')${keyCondition}`,
      params,
    );
    return changed > 0;
  }

  /**
   * Destroys the stored key and marks the provider `disabled`, keeping who authorized it
   * and when. Returns false when no key was stored.
   * NOTE: the database may keep copies of the deleted ciphertext (SQLite's WAL until its
   * next checkpoint, PostgreSQL's dead rows until vacuum).
   */
  async disable(provider: ProviderId, actor: Actor, at: Date = new Date()): Promise<boolean> {
    const timestamp = toTimestamp(at);
    const changed = await this.db.execute(
      `UPDATE provider_credentials
       SET status = 'disabled', key_id = NULL, secret_format = NULL, master_key_version = NULL,
           wrapped_data_key = NULL, ciphertext = NULL, masked_key = NULL,
           disabled_by_user_id = $3, disabled_by_name = $4, disabled_at = $5, updated_at = $5
       WHERE org_id = $1 AND provider = $2 AND ciphertext IS NOT NULL`,
      [this.orgId, provider, actor.userId, actor.name, timestamp],
    );
    return changed > 0;
  }

  /**
   * Replaces the wrapped data key after a master key rotation, only if the row still contains
   * `previousWrappedDataKey`. Returns false when the key was replaced or disabled meanwhile.
   */
  async updateWrappedDataKey(
    provider: ProviderId,
    update: { previousWrappedDataKey: string; wrappedDataKey: string; masterKeyVersion: string },
  ): Promise<boolean> {
    const changed = await this.db.execute(
      `UPDATE provider_credentials SET master_key_version = $3, wrapped_data_key = $4
       WHERE org_id = $1 AND provider = $2 AND wrapped_data_key = $5`,
      [this.orgId, provider, update.masterKeyVersion, update.wrappedDataKey, update.previousWrappedDataKey],
    );
    return changed > 0;
  }
}

/** A stored key to rewrap, with the org and provider its ciphertext is bound to. */
export interface RewrapCandidate {
  orgId: string;
  provider: ProviderId;
  secret: StoredSecret;
}

/**
 * Lists stored keys whose data key is wrapped with a version other than
 * `excludeMasterKeyVersion`, ordered by org id and provider, starting after `after`.
 * The only cross-org read of credentials; it exists for the master key rewrap.
 */
export async function listSecretsForRewrap(
  db: Queryable,
  page: { excludeMasterKeyVersion: string; after: { orgId: string; provider: string } | null; limit: number },
): Promise<RewrapCandidate[]> {
  if (!Number.isSafeInteger(page.limit) || page.limit < 1) {
    throw new RangeError('limit: expected a positive integer');
  }
  const cursor = page.after === null ? '' : ' AND (org_id > $3 OR (org_id = $3 AND provider > $4))';
  const params = [page.excludeMasterKeyVersion, page.limit];
  if (page.after !== null) {
    params.push(page.after.orgId, page.after.provider);
  }

  const rows = await db.query(
    `SELECT org_id, provider, ${SECRET_COLUMNS} FROM provider_credentials
     WHERE ciphertext IS NOT NULL AND master_key_version <> $1${cursor}
     ORDER BY org_id, provider
     LIMIT $2`,
    params,
  );
  return rows.map((row) => ({
    orgId: readText(row, 'org_id'),
    provider: readText(row, 'provider') as ProviderId,
    secret: toStoredSecret(row),
  }));
}

function notConnected(provider: ProviderId): CredentialState {
  return {
    provider,
    status: 'not_connected',
    maskedKey: null,
    authorizedBy: null,
    authorizedAt: null,
    lastCheckedAt: null,
    lastErrorCode: null,
    lastErrorMessage: null,
    disabledBy: null,
    disabledAt: null,
  };
}

function toState(row: Row): CredentialState {
  return {
    provider: readText(row, 'provider') as ProviderId,
    status: readText(row, 'status') as CredentialStatus,
    maskedKey: readOptionalText(row, 'masked_key'),
    authorizedBy: readActor(row, 'authorized_by_user_id', 'authorized_by_name'),
    authorizedAt: readOptionalText(row, 'authorized_at'),
    lastCheckedAt: readOptionalText(row, 'last_checked_at'),
    lastErrorCode: readOptionalText(row, 'last_error_code'),
    lastErrorMessage: readOptionalText(row, 'last_error_message'),
    disabledBy: readActor(row, 'disabled_by_user_id', 'disabled_by_name'),
    disabledAt: readOptionalText(row, 'disabled_at'),
  };
}

function toStoredSecret(row: Row): StoredSecret {
  return {
    keyId: readText(row, 'key_id'),
    encrypted: {
      format: readInt(row, 'secret_format'),
      masterKeyVersion: readText(row, 'master_key_version'),
      wrappedDataKey: readText(row, 'wrapped_data_key'),
      ciphertext: readText(row, 'ciphertext'),
    },
  };
}

/** Counts stored keys per master key version, across all orgs, for the master key status command. */
export async function countSecretsByMasterKeyVersion(db: Queryable): Promise<Record<string, number>> {
  const rows = await db.query(
    `SELECT master_key_version, COUNT(*) AS secrets FROM provider_credentials
     WHERE ciphertext IS NOT NULL GROUP BY master_key_version ORDER BY master_key_version`,
  );
  return Object.fromEntries(rows.map((row) => [readText(row, 'master_key_version'), readInt(row, 'secrets')]));
}

/**
 * Returns one stored key for each master key version in use, across all orgs, so that
 * start-up can prove every version in use still unwraps its keys.
 */
export async function sampleSecretPerMasterKeyVersion(db: Queryable): Promise<RewrapCandidate[]> {
  const versions = await countSecretsByMasterKeyVersion(db);
  const samples: RewrapCandidate[] = [];
  for (const version of Object.keys(versions)) {
    const rows = await db.query(
      `SELECT org_id, provider, ${SECRET_COLUMNS} FROM provider_credentials
       WHERE ciphertext IS NOT NULL AND master_key_version = $1
       ORDER BY org_id, provider
       LIMIT 1`,
      [version],
    );
    for (const row of rows) {
      samples.push({ orgId: readText(row, 'org_id'), provider: readText(row, 'provider') as ProviderId, secret: toStoredSecret(row) });
    }
  }
  return samples;
}
