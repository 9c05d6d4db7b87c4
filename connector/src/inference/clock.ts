import { setTimeout as sleepFor } from 'node:timers/promises';

/** Time source and timer, injected so that tests run retries and deadlines in virtual time. */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  /** Resolves after `ms` milliseconds; rejects with the signal's reason when `signal` aborts first. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
  /**
   * Calls `callback` after `ms` milliseconds and returns a function that cancels the call.
   * Unlike an aborted `sleep`, cancelling creates no error object, which matters on the
   * per-attempt path where almost every timer is cancelled.
   */
  schedule(ms: number, callback: () => void): () => void;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: async (ms, signal) => {
    await sleepFor(ms, undefined, signal === undefined ? undefined : { signal });
  },
  schedule: (ms, callback) => {
    const timer = setTimeout(callback, ms);
    return () => clearTimeout(timer);
  },
};
