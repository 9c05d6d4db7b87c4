import { ApiError } from '../errors';
import type { InferenceAccessResult } from '../flows/engine/run-context';
import { notifyOrgDataChanged } from '../orgs/data-changes';
import { PROVIDER_IDS, type ModelInfo, type ProviderAdapter, type ProviderId } from '../providers/provider';
import type { ProviderStatus } from '../schemas/providers';
import { orgScope, type Actor, type CredentialState, type Database, type Org } from '../store';
import { maskApiKey, VaultError, type KeyVault } from '../vault';
import { normalizePastedKey } from './api-key-input';
import { keyCheckError } from './provider-errors';

export interface CredentialServiceOptions {
  database: Database;
  vault: KeyVault;
  adapters: Record<ProviderId, ProviderAdapter>;
  /** How long a live key check may take before the admin gets a timeout error. */
  checkTimeoutMs: number;
}

/**
 * The org's provider keys: authorize (check live, then store encrypted), disable
 * (destroy the ciphertext), re-check, list models, and decrypt for inference. A key is
 * decrypted only in memory, for the provider call that needs it, and never returned.
 */
export class CredentialService {
  constructor(private readonly options: CredentialServiceOptions) {}

  async listStatuses(org: Org): Promise<ProviderStatus[]> {
    const states = await orgScope(this.options.database, org.id).credentials.list();
    return PROVIDER_IDS.map((provider) => {
      const state = states.find((candidate) => candidate.provider === provider);
      return this.toStatus(provider, state);
    });
  }

  async getStatus(org: Org, provider: ProviderId): Promise<ProviderStatus> {
    const state = await orgScope(this.options.database, org.id).credentials.get(provider);
    return this.toStatus(provider, state);
  }

  /**
   * Checks the pasted key with the provider and stores it only when the provider accepts
   * it. A rejected key leaves any previously stored key as it was.
   */
  async authorize(org: Org, provider: ProviderId, pastedKey: string, actor: Actor): Promise<ProviderStatus> {
    const apiKey = normalizePastedKey(provider, pastedKey);
    const adapter = this.adapter(provider);
    const scope = orgScope(this.options.database, org.id);

    try {
      await this.withCheckTimeout((signal) => adapter.listModels(apiKey, signal));
    } catch (error) {
      const apiError = keyCheckError(error, adapter.displayName, this.options.checkTimeoutMs);
      await scope.audit.append({
        action: 'provider.authorize_failed',
        actor,
        provider,
        details: { errorCode: apiError.code, maskedKey: maskApiKey(apiKey) },
      });
      throw new ApiError(
        apiError.statusCode,
        apiError.code,
        `${apiError.message} The key was not saved; any key saved before stays in use.`,
      );
    }

    const encrypted = await this.options.vault.encrypt(apiKey, { orgId: org.id, provider });
    const maskedKey = maskApiKey(apiKey);
    const { state } = await this.options.database.transaction(async (tx) => {
      const txScope = orgScope(tx, org.id);
      const saved = await txScope.credentials.saveAuthorized(provider, { encrypted, maskedKey, actor });
      await txScope.audit.append({ action: 'provider.authorized', actor, provider, details: { maskedKey } });
      return saved;
    });
    notifyOrgDataChanged(org.id);
    return this.toStatus(provider, state);
  }

  /** Destroys the stored key. The audit trail keeps who disabled it and when. */
  async disable(org: Org, provider: ProviderId, actor: Actor): Promise<ProviderStatus> {
    const state = await this.options.database.transaction(async (tx) => {
      const txScope = orgScope(tx, org.id);
      const before = await txScope.credentials.get(provider);
      const disabled = await txScope.credentials.disable(provider, actor);
      if (!disabled) {
        throw this.notConnectedError(provider, 'there is no key to disable');
      }
      await txScope.audit.append({
        action: 'provider.disabled',
        actor,
        provider,
        details: { maskedKey: before.maskedKey },
      });
      return txScope.credentials.get(provider);
    });
    notifyOrgDataChanged(org.id);
    return this.toStatus(provider, state);
  }

  /**
   * Checks the stored key with the provider now. A rejected key turns the status to
   * `invalid`, which is returned with 200. An unreachable provider keeps the status, and
   * the provider error is raised.
   */
  async check(org: Org, provider: ProviderId): Promise<ProviderStatus> {
    await this.checkStoredKey(org, provider);
    return this.getStatus(org, provider);
  }

  /** Lists the models the stored key can use; the call doubles as a key check. */
  async listModels(org: Org, provider: ProviderId): Promise<ModelInfo[]> {
    const models = await this.checkStoredKey(org, provider);
    if (models === null) {
      throw new ApiError(
        422,
        'key_rejected',
        `${this.adapter(provider).displayName} rejected the stored key, so its models cannot be listed. Authorize a new key on the Integrations page.`,
      );
    }
    return [...models].sort((a, b) => a.id.localeCompare(b.id));
  }

  /**
   * Decrypts the key for a routing run, or returns why the org cannot run inference. The
   * caller reports a key that the provider rejects through `markRejected`.
   */
  async resolveForInference(org: Org, provider: ProviderId, defaultModel: string | null): Promise<InferenceAccessResult & { keyId?: string }> {
    const scope = orgScope(this.options.database, org.id);
    const state = await scope.credentials.get(provider);
    const providerName = this.adapter(provider).displayName;

    if (state.status === 'invalid') {
      return {
        ok: false,
        code: 'invalid_key',
        message: `${providerName} rejected the org's key at its last check. Authorize a new key on the Integrations page.`,
      };
    }

    const secret = await scope.credentials.getSecret(provider);
    if (state.status !== 'connected' || secret === null) {
      return {
        ok: false,
        code: 'not_authorized',
        message: `No ${providerName} key is authorized for this org. Authorize one on the Integrations page.`,
      };
    }

    let apiKey: string;
    try {
      apiKey = await this.options.vault.decrypt(secret.encrypted, { orgId: org.id, provider });
    } catch (error) {
      // A key that cannot be decrypted fails each record down its error edge, not the whole batch.
      return { ok: false, code: 'not_authorized', message: this.unreadableKeyError(error, provider).message };
    }
    return { ok: true, adapter: this.adapter(provider), apiKey, defaultModel, keyId: secret.keyId };
  }

  /** Marks the key invalid after the provider rejected it during inference, unless it was replaced meanwhile. */
  async markRejected(org: Org, provider: ProviderId, keyId: string | undefined, errorCode: string): Promise<void> {
    const message =
      errorCode === 'quota'
        ? 'The provider answered insufficient_quota during routing: the account has no credit left.'
        : 'The provider rejected the key during routing.';
    await orgScope(this.options.database, org.id).credentials.recordCheck(provider, {
      ...(errorCode === 'invalid_key' ? { status: 'invalid' as const } : {}),
      errorCode,
      errorMessage: message,
      ...(keyId === undefined ? {} : { keyId }),
    });
    notifyOrgDataChanged(org.id);
  }

  /**
   * Runs a live check of the stored key and records its result. Returns the models, or
   * null when the provider rejected the key. Throws for a missing key and for a provider
   * that could not be asked.
   */
  private async checkStoredKey(org: Org, provider: ProviderId): Promise<ModelInfo[] | null> {
    const adapter = this.adapter(provider);
    const scope = orgScope(this.options.database, org.id);
    const secret = await scope.credentials.getSecret(provider);
    if (secret === null) {
      throw this.notConnectedError(provider, 'authorize a key first');
    }

    let apiKey: string;
    try {
      apiKey = await this.options.vault.decrypt(secret.encrypted, { orgId: org.id, provider });
    } catch (error) {
      throw this.unreadableKeyError(error, provider);
    }

    try {
      const models = await this.withCheckTimeout((signal) => adapter.listModels(apiKey, signal));
      await scope.credentials.recordCheck(provider, { status: 'connected', errorCode: null, errorMessage: null, keyId: secret.keyId });
      notifyOrgDataChanged(org.id);
      return models;
    } catch (error) {
      const apiError = keyCheckError(error, adapter.displayName, this.options.checkTimeoutMs);
      const keyRejected = apiError.code === 'key_rejected';
      await scope.credentials.recordCheck(provider, {
        ...(keyRejected ? { status: 'invalid' as const } : {}),
        errorCode: apiError.code,
        errorMessage: apiError.message,
        keyId: secret.keyId,
      });
      notifyOrgDataChanged(org.id);
      if (keyRejected) {
        return null;
      }
      throw apiError;
    }
  }

  /**
   * Describes a stored key the vault cannot decrypt: its master key version is missing from
   * the keyring, or the master key for that version is not the one that wrapped it. Only the
   * connector's operator can fix that; an admin can only authorize the key again.
   */
  private unreadableKeyError(error: unknown, provider: ProviderId): ApiError {
    if (!(error instanceof VaultError)) {
      throw error;
    }
    const cause =
      error.code === 'master_key_missing'
        ? 'the master key that encrypted it is missing from the connector'
        : 'the connector\'s master key does not match the one that encrypted it';
    return new ApiError(
      500,
      'key_unreadable',
      `The stored ${this.adapter(provider).displayName} key cannot be decrypted: ${cause}. The connector's operator should restore the master key (see "keyroute master-key status"); otherwise authorize the key again on the Integrations page.`,
    );
  }

  private async withCheckTimeout<T>(call: (signal: AbortSignal) => Promise<T>): Promise<T> {
    return call(AbortSignal.timeout(this.options.checkTimeoutMs));
  }

  private adapter(provider: ProviderId): ProviderAdapter {
    return this.options.adapters[provider];
  }

  private notConnectedError(provider: ProviderId, what: string): ApiError {
    return new ApiError(409, 'not_connected', `${this.adapter(provider).displayName} is not authorized for this org: ${what}.`);
  }

  private toStatus(provider: ProviderId, state: CredentialState | undefined): ProviderStatus {
    return {
      provider,
      displayName: this.adapter(provider).displayName,
      status: state?.status ?? 'not_connected',
      maskedKey: state?.maskedKey ?? null,
      authorizedBy: state?.authorizedBy ?? null,
      authorizedAt: state?.authorizedAt ?? null,
      lastCheckedAt: state?.lastCheckedAt ?? null,
      lastErrorCode: state?.lastErrorCode ?? null,
      lastErrorMessage: state?.lastErrorMessage ?? null,
      disabledBy: state?.disabledBy ?? null,
      disabledAt: state?.disabledAt ?? null,
    };
  }
}
