import type { RateLimitSnapshot } from '../providers/provider';
import { systemClock, type Clock } from './clock';

/**
 * Client-side pacing of one org key's provider calls, shared by every run in the process.
 *
 * The provider limits requests and tokens per minute with buckets that refill continuously
 * (OpenAI documents its limits per minute and reports them in `x-ratelimit-*` headers).
 * The pacer keeps a copy of each bucket: it learns the limit from the headers, takes one
 * request and the request's estimated tokens before each call, refills at limit / 60 s,
 * lowers its level when a response reports clearly less `remaining` (another client using
 * the same key), and empties it on a 429.
 * Calls wait in one FIFO queue until the copy has room, so concurrent runs of an org stay
 * just under the ceiling instead of each record meeting 429s and retrying on its own.
 *
 * Until the first response reports a limit, calls are not held back. A 429 whose headers
 * do not explain it (no limit known, nothing at zero) pauses all calls for its Retry-After.
 *
 * NOTE: each connector instance paces on its own. Instances sharing a key also lower their
 * levels to the provider's `remaining`, but together they can exceed the ceiling by up to
 * one instance's refill; the 429s this causes go through the same pacing.
 */

/** Wait after a 429 that names no Retry-After and that the learned limits do not explain. */
const DEFAULT_PAUSE_MS = 1_000;
/** Length of the provider's rate-limit window: limits are per minute. */
const WINDOW_MS = 60_000;

export interface RequestPacer {
  /**
   * Waits until one more request of `tokens` estimated tokens fits under the learned limits.
   * Resolves true when the caller may send it, or false when no room comes before
   * `deadlineAt` (ms since the epoch), in which case nothing was taken.
   */
  acquire(tokens: number, deadlineAt: number): Promise<boolean>;
  /** Updates the limits from the headers of any response, failed ones included. */
  observe(snapshot: RateLimitSnapshot | undefined): void;
  /** Updates the limits after a 429 rate_limit_exceeded response. */
  observeRateLimited(retryAfterMs: number | undefined, snapshot: RateLimitSnapshot | undefined): void;
}

/** A copy of one provider bucket. Unknown until a response reports its limit. */
class BucketCopy {
  private capacity = 0;
  private refillPerMs = 0;
  private level = 0;
  private updatedAt = 0;

  get known(): boolean {
    return this.capacity > 0;
  }

  /** Milliseconds until `amount` is available; 0 when the limit is unknown or `amount` exceeds it. */
  waitMs(amount: number, now: number): number {
    // A request larger than the whole bucket can never fit; the provider answers it with an error.
    if (!this.known || amount > this.capacity) {
      return 0;
    }
    this.refill(now);
    return this.level >= amount ? 0 : Math.ceil((amount - this.level) / this.refillPerMs);
  }

  take(amount: number, now: number): void {
    if (this.known) {
      this.refill(now);
      this.level -= amount;
    }
  }

  /**
   * Learns the limit, and corrects a level above what the provider reports. `remaining` is
   * rounded down, so the provider's level lies in [remaining, remaining + 1): only a level
   * above that range is lowered, or the copy would lose the fraction on every response.
   */
  observe(limit: number | undefined, remaining: number | undefined, now: number): void {
    if (limit !== undefined && limit > 0 && limit !== this.capacity) {
      this.capacity = limit;
      this.refillPerMs = limit / WINDOW_MS;
      this.level = remaining ?? limit;
      this.updatedAt = now;
      return;
    }
    if (this.known && remaining !== undefined) {
      this.refill(now);
      if (this.level > remaining + 1) {
        this.level = remaining;
      }
    }
  }

  /** Empties the copy after the provider rejected a call for lack of room. */
  exhaust(now: number): void {
    if (this.known) {
      this.refill(now);
      this.level = Math.min(this.level, 0);
    }
  }

  private refill(now: number): void {
    const elapsed = now - this.updatedAt;
    if (elapsed > 0) {
      this.level = Math.min(this.capacity, this.level + elapsed * this.refillPerMs);
      this.updatedAt = now;
    }
  }
}

interface Waiter {
  tokens: number;
  resolve: (admitted: boolean) => void;
  cancelDeadline: () => void;
}

export class RatePacer implements RequestPacer {
  private readonly requests = new BucketCopy();
  private readonly tokens = new BucketCopy();
  private readonly waiters: Waiter[] = [];
  private pausedUntil = 0;
  private cancelWake: (() => void) | undefined;

  constructor(private readonly clock: Clock = systemClock) {}

  /** Requests waiting for room, for tests and for the registry's eviction. */
  get waiting(): number {
    return this.waiters.length;
  }

  acquire(tokens: number, deadlineAt: number): Promise<boolean> {
    const now = this.clock.now();
    if (this.waiters.length === 0 && this.waitMs(tokens, now) === 0) {
      this.take(tokens, now);
      return Promise.resolve(true);
    }
    if (deadlineAt <= now) {
      return Promise.resolve(false);
    }

    return new Promise<boolean>((resolve) => {
      const waiter: Waiter = { tokens, resolve, cancelDeadline: () => undefined };
      waiter.cancelDeadline = this.clock.schedule(deadlineAt - now, () => {
        const index = this.waiters.indexOf(waiter);
        if (index >= 0) {
          this.waiters.splice(index, 1);
          resolve(false);
          // The head may have changed, and with it the wait.
          this.pump();
        }
      });
      this.waiters.push(waiter);
      this.pump();
    });
  }

  observe(snapshot: RateLimitSnapshot | undefined): void {
    if (snapshot === undefined) {
      return;
    }
    const now = this.clock.now();
    this.requests.observe(snapshot.limitRequests, snapshot.remainingRequests, now);
    this.tokens.observe(snapshot.limitTokens, snapshot.remainingTokens, now);
    this.pump();
  }

  observeRateLimited(retryAfterMs: number | undefined, snapshot: RateLimitSnapshot | undefined): void {
    this.observe(snapshot);
    const now = this.clock.now();
    let explained = false;
    if (this.requests.known && snapshot?.remainingRequests === 0) {
      this.requests.exhaust(now);
      explained = true;
    }
    if (this.tokens.known && snapshot?.remainingTokens === 0) {
      this.tokens.exhaust(now);
      explained = true;
    }
    if (!explained) {
      this.pausedUntil = Math.max(this.pausedUntil, now + (retryAfterMs ?? DEFAULT_PAUSE_MS));
    }
    this.pump();
  }

  /** Admits waiters from the head of the queue while they fit, then sleeps until the head fits. */
  private pump(): void {
    this.cancelWake?.();
    this.cancelWake = undefined;

    const now = this.clock.now();
    while (this.waiters.length > 0) {
      const head = this.waiters[0]!;
      const waitMs = this.waitMs(head.tokens, now);
      if (waitMs > 0) {
        this.cancelWake = this.clock.schedule(waitMs, () => {
          this.cancelWake = undefined;
          this.pump();
        });
        return;
      }
      this.waiters.shift();
      head.cancelDeadline();
      this.take(head.tokens, now);
      head.resolve(true);
    }
  }

  private waitMs(tokens: number, now: number): number {
    return Math.max(0, this.pausedUntil - now, this.requests.waitMs(1, now), this.tokens.waitMs(tokens, now));
  }

  private take(tokens: number, now: number): void {
    this.requests.take(1, now);
    this.tokens.take(tokens, now);
  }
}

/**
 * The pacers of the process, one per org, provider and authorized key: a new key may
 * belong to another provider account with other limits, so it starts without learned
 * limits. The least recently used idle pacers are dropped beyond `maxPacers`.
 */
export class PacerRegistry {
  private readonly pacers = new Map<string, RatePacer>();

  constructor(
    private readonly clock: Clock = systemClock,
    private readonly maxPacers = 10_000,
  ) {}

  get size(): number {
    return this.pacers.size;
  }

  forKey(orgId: string, provider: string, keyId: string | undefined): RatePacer {
    const key = `${orgId}\u0000${provider}\u0000${keyId ?? ''}`;
    const existing = this.pacers.get(key);
    if (existing !== undefined) {
      // Map keeps insertion order: re-inserting marks the pacer as most recently used.
      this.pacers.delete(key);
      this.pacers.set(key, existing);
      return existing;
    }

    const pacer = new RatePacer(this.clock);
    this.pacers.set(key, pacer);
    this.evictIdle();
    return pacer;
  }

  private evictIdle(): void {
    for (const [key, pacer] of this.pacers) {
      if (this.pacers.size <= this.maxPacers) {
        return;
      }
      if (pacer.waiting === 0) {
        this.pacers.delete(key);
      }
    }
  }
}

/**
 * Estimates the tokens a provider counts against the limit before the call: the prompt's
 * characters / 4 (a rough English average) plus the most output tokens the call may use,
 * which OpenAI also reserves up front.
 */
export function estimateRequestTokens(promptCharacters: number, maxOutputTokens: number): number {
  return Math.ceil(promptCharacters / 4) + maxOutputTokens;
}
