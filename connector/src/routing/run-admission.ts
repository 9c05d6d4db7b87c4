/**
 * Limits the flow runs one connector process works on at once. A run in progress keeps its
 * records, up to `KEYROUTE_FLOW_CONCURRENCY` provider calls and its results in memory: one
 * to two megabytes for 200 short inquiries, more for long texts. Without a limit a burst of
 * runs grows the heap without bound, and the runs all finish late together.
 *
 * Two limits apply: the number of runs, and the request bytes of all runs in progress, so
 * that a few runs of very long texts cannot exhaust the heap either. A run larger than the
 * byte budget is admitted alone. Runs beyond the limits wait in arrival order before their
 * body is read, so a waiting run costs a socket and not its records. A run that waits
 * longer than `maxWaitMs`, or finds `maxWaiting` runs ahead of it, is rejected, and its
 * caller sends it again later.
 *
 * NOTE: places are shared by all orgs in arrival order, with no share per org, so one org
 * that floods a route can keep the others waiting.
 */

export interface RunAdmissionOptions {
  maxActiveRuns: number;
  /** Request bytes of all runs in progress together. A larger run is admitted alone. */
  maxActiveBytes: number;
  /** Time a run may wait for its turn. With 0, a run is rejected at once when every place is taken. */
  maxWaitMs: number;
  /** Number of runs that may wait at once. One more is rejected without waiting. */
  maxWaiting: number;
}

/** Reason a run was not admitted. */
export type RejectionReason = 'queue_full' | 'wait_timeout' | 'caller_gone' | 'stopping';

export type Admission =
  | { admitted: true; place: RunPlace; waitedMs: number }
  | { admitted: false; reason: RejectionReason; waitedMs: number };

export interface AdmissionLoad {
  activeRuns: number;
  activeBytes: number;
  waitingRuns: number;
  maxActiveRuns: number;
  maxActiveBytes: number;
}

/**
 * A run's place among the active runs. It is freed when every user has released it: the
 * response (closed when sent or when the caller disconnects) and the run itself. So a run
 * whose caller has disconnected still counts until it stops.
 */
export class RunPlace {
  private users = 1;

  constructor(private readonly free: () => void) {}

  /** Adds a user, such as the run's handler while it works. */
  retain(): void {
    if (this.users === 0) {
      throw new Error('This run place was already freed.');
    }
    this.users += 1;
  }

  /** Removes a user. The last release frees the place. */
  release(): void {
    if (this.users === 0) return;
    this.users -= 1;
    if (this.users === 0) this.free();
  }
}

interface Waiter {
  bytes: number;
  enqueuedAt: number;
  timer: NodeJS.Timeout | undefined;
  settle(admission: Admission): void;
}

export class RunAdmission {
  private activeRuns = 0;
  private activeBytes = 0;
  private readonly waiting: Waiter[] = [];
  private closed = false;

  constructor(
    private readonly options: RunAdmissionOptions,
    private readonly now: () => number = () => performance.now(),
  ) {}

  load(): AdmissionLoad {
    return {
      activeRuns: this.activeRuns,
      activeBytes: this.activeBytes,
      waitingRuns: this.waiting.length,
      maxActiveRuns: this.options.maxActiveRuns,
      maxActiveBytes: this.options.maxActiveBytes,
    };
  }

  /**
   * Waits for a place for a run of `bytes` request bytes. `onCallerGone` receives a function
   * to call when the caller disconnects while waiting, so that the turn goes to the next run.
   */
  admit(bytes: number, onCallerGone?: (cancel: () => void) => void): Promise<Admission> {
    if (this.closed) {
      return Promise.resolve({ admitted: false, reason: 'stopping', waitedMs: 0 });
    }
    if (this.waiting.length === 0 && this.fits(bytes)) {
      return Promise.resolve({ admitted: true, place: this.takePlace(bytes), waitedMs: 0 });
    }
    if (this.options.maxWaitMs === 0 || this.waiting.length >= this.options.maxWaiting) {
      return Promise.resolve({ admitted: false, reason: 'queue_full', waitedMs: 0 });
    }

    return new Promise<Admission>((resolve) => {
      const waiter: Waiter = {
        bytes,
        enqueuedAt: this.now(),
        timer: undefined,
        settle: (admission) => {
          clearTimeout(waiter.timer);
          resolve(admission);
        },
      };

      const leave = (reason: RejectionReason): void => {
        const index = this.waiting.indexOf(waiter);
        if (index === -1) return;
        this.waiting.splice(index, 1);
        waiter.settle({ admitted: false, reason, waitedMs: this.waitedMs(waiter) });
        // A large run that leaves the head of the queue may have kept smaller ones waiting.
        this.admitWaiting();
      };

      waiter.timer = setTimeout(() => leave('wait_timeout'), this.options.maxWaitMs);
      this.waiting.push(waiter);
      onCallerGone?.(() => leave('caller_gone'));
    });
  }

  /** Rejects every waiting run and every later one; the active runs go on. For a graceful stop. */
  close(): void {
    this.closed = true;
    for (const waiter of this.waiting.splice(0)) {
      waiter.settle({ admitted: false, reason: 'stopping', waitedMs: this.waitedMs(waiter) });
    }
  }

  private fits(bytes: number): boolean {
    if (this.activeRuns >= this.options.maxActiveRuns) return false;
    return this.activeRuns === 0 || this.activeBytes + bytes <= this.options.maxActiveBytes;
  }

  private takePlace(bytes: number): RunPlace {
    this.activeRuns += 1;
    this.activeBytes += bytes;
    return new RunPlace(() => this.freePlace(bytes));
  }

  private freePlace(bytes: number): void {
    this.activeRuns -= 1;
    this.activeBytes -= bytes;
    if (!this.closed) this.admitWaiting();
  }

  /** Admits waiting runs from the head of the queue while they fit, so that none overtakes another. */
  private admitWaiting(): void {
    for (let next = this.waiting[0]; next !== undefined && this.fits(next.bytes); next = this.waiting[0]) {
      this.waiting.shift();
      next.settle({ admitted: true, place: this.takePlace(next.bytes), waitedMs: this.waitedMs(next) });
    }
  }

  private waitedMs(waiter: Waiter): number {
    return Math.round(this.now() - waiter.enqueuedAt);
  }
}
