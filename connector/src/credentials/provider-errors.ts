import { ApiError } from '../errors';
import { ProviderError } from '../providers/provider';

/**
 * Turns a failed key check into the error an admin sees on the Integrations page.
 * Each cause gets its own code and status. The caller adds what happened to the stored
 * key, because that differs between authorizing a new key and checking the stored one.
 */
export function keyCheckError(error: unknown, providerName: string, timeoutMs: number): ApiError {
  if (!(error instanceof ProviderError)) {
    throw error;
  }

  switch (error.code) {
    case 'invalid_key':
      return new ApiError(
        422,
        'key_rejected',
        `${providerName} rejected the key (HTTP ${error.details.status ?? 401}). Check that you copied the whole key and that it has not been revoked or restricted.`,
      );
    case 'quota':
      return new ApiError(
        422,
        'key_quota_exhausted',
        `The key is valid, but its ${providerName} account has no quota left (insufficient_quota). Add credit or raise the usage limit in the provider's billing settings, then try again.`,
      );
    case 'rate_limited':
      return new ApiError(
        503,
        'provider_rate_limited',
        `${providerName} is rate limiting this key right now. Try again in a minute.`,
      );
    case 'timeout':
      return new ApiError(
        504,
        'provider_timeout',
        `${providerName} did not answer within ${describeSeconds(timeoutMs)}. Try again; if it keeps happening, the connector's operator should check its network access to the provider.`,
      );
    case 'provider_unavailable':
      return new ApiError(
        502,
        'provider_unreachable',
        `The connector could not reach ${providerName} (${error.details.status ? `HTTP ${error.details.status}` : 'network error'}). Try again later; if it keeps happening, the connector's operator should check its network access to the provider.`,
      );
    case 'model_unavailable':
    case 'bad_request':
      return new ApiError(
        502,
        'provider_error',
        `${providerName} refused the check request (${error.code}). The connector's operator should check the provider base URL.`,
      );
  }
}

/** Formats a duration for messages: 1000 -> "1 second", 15000 -> "15 seconds", 1500 -> "1.5 seconds". */
function describeSeconds(ms: number): string {
  const seconds = Number((ms / 1000).toFixed(1));
  return `${seconds} second${seconds === 1 ? '' : 's'}`;
}
