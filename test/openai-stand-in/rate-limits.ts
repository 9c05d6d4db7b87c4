/**
 * Requests-per-minute and tokens-per-minute limits per key, as token buckets that refill
 * continuously, and the six `x-ratelimit-*` headers OpenAI sends with every reply.
 */

/** Limits reported when no ceiling is configured, high enough that a benchmark never runs them down. */
const UNENFORCED_REQUESTS_PER_MINUTE = 1_000_000;
const UNENFORCED_TOKENS_PER_MINUTE = 1_000_000_000;

const MS_PER_MINUTE = 60_000;

class TokenBucket {
  readonly capacity: number;
  private readonly refillPerMs: number;
  private level: number;
  private updatedAt: number;

  constructor(perMinute: number, now: number) {
    this.capacity = perMinute;
    this.refillPerMs = perMinute / MS_PER_MINUTE;
    this.level = perMinute;
    this.updatedAt = now;
  }

  remaining(now: number): number {
    this.refill(now);
    return Math.floor(this.level);
  }

  /** Returns the time in ms until `amount` is available, or 0 when it is available now. */
  msUntilAvailable(amount: number, now: number): number {
    this.refill(now);
    if (this.level >= amount) {
      return 0;
    }
    return Math.ceil((amount - this.level) / this.refillPerMs);
  }

  msUntilFull(now: number): number {
    this.refill(now);
    return Math.ceil((this.capacity - this.level) / this.refillPerMs);
  }

  /** Takes `amount`. The level may go below zero when the bucket is not enforced. */
  take(amount: number): void {
    this.level -= amount;
  }

  private refill(now: number): void {
    const elapsed = now - this.updatedAt;
    if (elapsed > 0) {
      this.level = Math.min(this.capacity, this.level + elapsed * this.refillPerMs);
      this.updatedAt = now;
    }
  }
}

/** The outcome of a rate-limit check. */
export type RateLimitDecision =
  | { allowed: true }
  | { allowed: false; kind: 'requests' | 'tokens'; limit: number; used: number; requested: number; retryAfterMs: number };

/** Rate-limit state of one key. */
export class KeyRateLimiter {
  private readonly requests: TokenBucket;
  private readonly tokens: TokenBucket;
  private readonly enforceRequests: boolean;
  private readonly enforceTokens: boolean;

  constructor(requestsPerMinute: number | undefined, tokensPerMinute: number | undefined, now: number) {
    this.enforceRequests = requestsPerMinute !== undefined;
    this.enforceTokens = tokensPerMinute !== undefined;
    this.requests = new TokenBucket(requestsPerMinute ?? UNENFORCED_REQUESTS_PER_MINUTE, now);
    this.tokens = new TokenBucket(tokensPerMinute ?? UNENFORCED_TOKENS_PER_MINUTE, now);
  }

  /**
   * Charges one request and `tokenCost` tokens. When an enforced limit lacks room, nothing
   * is charged and the decision names the limit and the wait.
   */
  admit(tokenCost: number, now: number): RateLimitDecision {
    if (this.enforceRequests) {
      const waitMs = this.requests.msUntilAvailable(1, now);
      if (waitMs > 0) {
        const limit = this.requests.capacity;
        return { allowed: false, kind: 'requests', limit, used: limit - this.requests.remaining(now), requested: 1, retryAfterMs: waitMs };
      }
    }

    if (this.enforceTokens) {
      const waitMs = this.tokens.msUntilAvailable(tokenCost, now);
      if (waitMs > 0) {
        const limit = this.tokens.capacity;
        // A request larger than the whole bucket can never pass; OpenAI rejects it the same way.
        const retryAfterMs = tokenCost > limit ? MS_PER_MINUTE : waitMs;
        return { allowed: false, kind: 'tokens', limit, used: limit - this.tokens.remaining(now), requested: tokenCost, retryAfterMs };
      }
    }

    this.requests.take(1);
    this.tokens.take(tokenCost);
    return { allowed: true };
  }

  /** Returns the six `x-ratelimit-*` headers for the current state. */
  headers(now: number): Record<string, string> {
    return {
      'x-ratelimit-limit-requests': String(this.requests.capacity),
      'x-ratelimit-limit-tokens': String(this.tokens.capacity),
      'x-ratelimit-remaining-requests': String(Math.max(0, this.requests.remaining(now))),
      'x-ratelimit-remaining-tokens': String(Math.max(0, this.tokens.remaining(now))),
      'x-ratelimit-reset-requests': formatResetDuration(this.requests.msUntilFull(now)),
      'x-ratelimit-reset-tokens': formatResetDuration(this.tokens.msUntilFull(now)),
    };
  }
}

/**
 * Formats a duration as OpenAI does in `x-ratelimit-reset-*` and in rate-limit messages:
 * `0s`, `12ms`, `1.5s`, `6m0s`.
 */
export function formatResetDuration(ms: number): string {
  if (ms <= 0) {
    return '0s';
  }
  if (ms < 1000) {
    return `${Math.ceil(ms)}ms`;
  }

  const totalSeconds = Math.ceil(ms) / 1000;
  const minutes = Math.floor(totalSeconds / 60);
  const seconds = Number((totalSeconds - minutes * 60).toFixed(3));
  return minutes > 0 ? `${minutes}m${seconds}s` : `${seconds}s`;
}
