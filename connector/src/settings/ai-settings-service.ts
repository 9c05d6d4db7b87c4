import { ApiError } from '../errors';
import type { ProviderAdapter, ProviderId } from '../providers/provider';
import type { AiSettings, SaveAiSettingsRequest } from '../schemas/settings';
import { notifyOrgDataChanged } from '../orgs/data-changes';
import { orgScope, type Database, type Org } from '../store';

/**
 * The org's AI settings. The AI Inference node can only be switched on with a provider
 * whose key is connected, so that a saved "on" always means routing can call the provider.
 */
export class AiSettingsService {
  constructor(
    private readonly database: Database,
    private readonly adapters: Record<ProviderId, ProviderAdapter>,
  ) {}

  async get(org: Org): Promise<AiSettings> {
    return orgScope(this.database, org.id).settings.get();
  }

  async save(org: Org, request: SaveAiSettingsRequest): Promise<AiSettings> {
    const saved = await this.database.transaction(async (tx) => {
      const scope = orgScope(tx, org.id);

      if (request.aiInferenceEnabled) {
        if (request.provider === null) {
          throw new ApiError(400, 'invalid_request', 'Invalid request. body.provider: choose a provider to enable the AI Inference node.', [
            { field: 'body.provider', message: 'choose a provider to enable the AI Inference node' },
          ]);
        }
        const credential = await scope.credentials.get(request.provider);
        if (credential.status !== 'connected') {
          const providerName = this.adapters[request.provider].displayName;
          throw new ApiError(
            409,
            'provider_not_connected',
            `${describeKeyState(credential.status, providerName)} Authorize a key for ${providerName} on the Integrations page first, then enable the AI Inference node.`,
          );
        }
      }

      const before = await scope.settings.get();
      const saved = await scope.settings.save({
        aiInferenceEnabled: request.aiInferenceEnabled,
        provider: request.provider,
        ...(request.defaultModel === undefined ? {} : { defaultModel: request.defaultModel }),
        actor: request.actor,
      });
      await scope.audit.append({
        action: 'settings.ai_saved',
        actor: request.actor,
        provider: saved.provider,
        details: {
          aiInferenceEnabled: { from: before.aiInferenceEnabled, to: saved.aiInferenceEnabled },
          provider: { from: before.provider, to: saved.provider },
          defaultModel: { from: before.defaultModel, to: saved.defaultModel },
        },
      });
      return saved;
    });
    notifyOrgDataChanged(org.id);
    return saved;
  }
}

/** Describes why a key that is not `connected` cannot serve the AI Inference node. */
function describeKeyState(status: 'not_connected' | 'invalid' | 'disabled', providerName: string): string {
  switch (status) {
    case 'not_connected':
      return `No ${providerName} key is authorized for this org.`;
    case 'invalid':
      return `${providerName} rejected this org's key at its last check.`;
    case 'disabled':
      return `The ${providerName} key of this org was disabled.`;
  }
}
