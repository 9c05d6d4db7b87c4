import { OpenAiAdapter } from './openai';
import type { ProviderAdapter, ProviderId } from './provider';

/** Settings of a provider adapter, taken from the connector's configuration. */
export interface ProviderConfig {
  /** Base URL of the provider's API, such as `https://api.openai.com/v1`. */
  baseUrl: string;
  /** Upper bound in ms of one HTTP attempt; the adapter's default when absent. */
  attemptTimeoutMs?: number;
}

export interface ProviderRegistration {
  id: ProviderId;
  displayName: string;
  create(config: ProviderConfig): ProviderAdapter;
}

/** Every supported provider. A new provider adds its id to PROVIDER_IDS and an entry here. */
export const PROVIDER_REGISTRY: Readonly<Record<ProviderId, ProviderRegistration>> = {
  openai: {
    id: 'openai',
    displayName: 'OpenAI',
    create: (config) => new OpenAiAdapter({ baseUrl: config.baseUrl, attemptTimeoutMs: config.attemptTimeoutMs }),
  },
};

export function providerDisplayName(id: ProviderId): string {
  return PROVIDER_REGISTRY[id].displayName;
}

export function createProvider(id: ProviderId, config: ProviderConfig): ProviderAdapter {
  return PROVIDER_REGISTRY[id].create(config);
}
