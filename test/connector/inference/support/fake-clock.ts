import type { Clock } from '../../../../connector/src/inference/clock';

interface Timer {
  at: number;
  order: number;
  fire: () => void;
}

/**
 * A clock in virtual time. `run(promise)` lets all pending work proceed and, whenever
 * nothing else can happen, moves time to the next timer, so that retries and deadlines of
 * seconds take microseconds and can be asserted exactly.
 */
export class FakeClock implements Clock {
  private current: number;
  private timers: Timer[] = [];
  private nextOrder = 0;

  constructor(start = 1_000_000) {
    this.current = start;
  }

  now(): number {
    return this.current;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      if (signal?.aborted) {
        reject(signal.reason);
        return;
      }
      const onAbort = (): void => {
        this.timers = this.timers.filter((timer) => timer !== entry);
        reject(signal?.reason);
      };
      const entry: Timer = {
        at: this.current + Math.max(0, ms),
        order: this.nextOrder++,
        fire: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.timers.push(entry);
    });
  }

  schedule(ms: number, callback: () => void): () => void {
    const entry: Timer = { at: this.current + Math.max(0, ms), order: this.nextOrder++, fire: callback };
    this.timers.push(entry);
    return () => {
      this.timers = this.timers.filter((timer) => timer !== entry);
    };
  }

  /** Settles the promise, advancing virtual time one timer at a time while it is pending. */
  async run<T>(promise: Promise<T>): Promise<T> {
    let settled = false;
    promise.then(
      () => (settled = true),
      () => (settled = true),
    );

    for (;;) {
      await new Promise((resolve) => setImmediate(resolve));
      if (settled) {
        return promise;
      }
      const next = [...this.timers].sort((a, b) => a.at - b.at || a.order - b.order)[0];
      if (next === undefined) {
        throw new Error(
          'The promise is still pending, but no timer is scheduled: the code under test waits for something that never happens.',
        );
      }
      this.timers = this.timers.filter((timer) => timer !== next);
      this.current = Math.max(this.current, next.at);
      next.fire();
    }
  }
}
