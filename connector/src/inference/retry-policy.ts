import type { ProviderError } from '../providers/provider';

export interface RetryPolicy {
  /** Provider calls per inference, the first included. The node's deadline may stop earlier. */
  maxAttempts: number;
  /** Backoff before the first retry when the provider gives no Retry-After; doubles per retry. */
  baseDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { maxAttempts: 4, baseDelayMs: 500, maxDelayMs: 8_000 };

/**
 * Returns whether another attempt may succeed. That is the case only for passing conditions
 * (rate limits, outages, a slow single attempt), and never after `x-should-retry: false`.
 * Key, quota, model and request errors would fail the same way again.
 */
export function isRetryable(error: ProviderError): boolean {
  if (error.details.shouldRetry === false) {
    return false;
  }
  return error.code === 'rate_limited' || error.code === 'provider_unavailable' || error.code === 'timeout';
}

/**
 * Computes the wait in ms before the next attempt. It is the provider's Retry-After when
 * given, otherwise exponential backoff with jitter between half and all of the step, so
 * that parallel records do not retry in lockstep. `retry` counts from 1.
 */
export function computeRetryDelay(
  error: ProviderError,
  retry: number,
  policy: RetryPolicy,
  random: () => number,
): number {
  const retryAfterMs = error.details.retryAfterMs;
  if (retryAfterMs !== undefined && Number.isFinite(retryAfterMs) && retryAfterMs >= 0) {
    return retryAfterMs;
  }
  const step = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (retry - 1));
  return Math.round(step / 2 + random() * (step / 2));
}
