import { RunAdmission, type Admission } from '../../../connector/src/routing/run-admission';
import { activeRunBytesBudget } from '../../../connector/src/services';

function admitted(admission: Admission) {
  if (!admission.admitted) throw new Error(`expected a place, got ${admission.reason}`);
  return admission.place;
}

describe('RunAdmission', () => {
  beforeEach(() => {
    jest.useFakeTimers();
  });

  afterEach(() => {
    jest.useRealTimers();
  });

  it('admits runs up to the limit', async () => {
    const admission = new RunAdmission({ maxActiveRuns: 2, maxActiveBytes: 1_000, maxWaitMs: 1_000, maxWaiting: 10 });

    const first = await admission.admit(1);
    const second = await admission.admit(1);

    expect(first).toMatchObject({ admitted: true, waitedMs: 0 });
    expect(second).toMatchObject({ admitted: true, waitedMs: 0 });
    expect(admission.load()).toEqual({ activeRuns: 2, activeBytes: 2, waitingRuns: 0, maxActiveRuns: 2, maxActiveBytes: 1_000 });
  });

  it('admits waiting runs in arrival order', async () => {
    const admission = new RunAdmission({ maxActiveRuns: 1, maxActiveBytes: 1_000, maxWaitMs: 10_000, maxWaiting: 10 });
    const running = admitted(await admission.admit(1));
    const order: string[] = [];
    const second = admission.admit(1).then((result) => (order.push('second'), result));
    const third = admission.admit(1).then((result) => (order.push('third'), result));
    expect(admission.load().waitingRuns).toBe(2);

    running.release();
    const secondPlace = admitted(await second);
    expect(order).toEqual(['second']);
    secondPlace.release();
    admitted(await third);

    expect(order).toEqual(['second', 'third']);
    expect(admission.load()).toMatchObject({ activeRuns: 1, activeBytes: 1, waitingRuns: 0 });
  });

  it('frees a place after the last release', async () => {
    const admission = new RunAdmission({ maxActiveRuns: 1, maxActiveBytes: 1_000, maxWaitMs: 10_000, maxWaiting: 10 });
    const place = admitted(await admission.admit(1));
    place.retain();

    place.release();
    expect(admission.load().activeRuns).toBe(1);
    place.release();
    expect(admission.load().activeRuns).toBe(0);
    // A further release after the place is free changes nothing.
    place.release();
    expect(admission.load().activeRuns).toBe(0);
    expect(() => place.retain()).toThrow('This run place was already freed.');
  });

  it('rejects a run after maxWaitMs', async () => {
    const admission = new RunAdmission({ maxActiveRuns: 1, maxActiveBytes: 1_000, maxWaitMs: 500, maxWaiting: 10 }, () => Date.now());
    await admission.admit(1);
    const waiting = admission.admit(1);

    jest.advanceTimersByTime(500);

    expect(await waiting).toEqual({ admitted: false, reason: 'wait_timeout', waitedMs: 500 });
    expect(admission.load().waitingRuns).toBe(0);
  });

  it('rejects at once without waiting room', async () => {
    const queueOfOne = new RunAdmission({ maxActiveRuns: 1, maxActiveBytes: 1_000, maxWaitMs: 1_000, maxWaiting: 1 });
    await queueOfOne.admit(1);
    void queueOfOne.admit(1);
    expect(await queueOfOne.admit(1)).toEqual({ admitted: false, reason: 'queue_full', waitedMs: 0 });

    const noWaiting = new RunAdmission({ maxActiveRuns: 1, maxActiveBytes: 1_000, maxWaitMs: 0, maxWaiting: 10 });
    await noWaiting.admit(1);
    expect(await noWaiting.admit(1)).toEqual({ admitted: false, reason: 'queue_full', waitedMs: 0 });
  });

  it('passes a disconnected caller\'s turn on', async () => {
    const admission = new RunAdmission({ maxActiveRuns: 1, maxActiveBytes: 1_000, maxWaitMs: 10_000, maxWaiting: 10 });
    const running = admitted(await admission.admit(1));
    let callerGone = (): void => undefined;
    const disconnected = admission.admit(1, (cancel) => (callerGone = cancel));
    const next = admission.admit(1);

    callerGone();
    expect(await disconnected).toMatchObject({ admitted: false, reason: 'caller_gone' });
    running.release();

    expect(await next).toMatchObject({ admitted: true });
    expect(admission.load()).toMatchObject({ activeRuns: 1, activeBytes: 1, waitingRuns: 0 });
  });

  it('keeps new runs behind waiting ones', async () => {
    const admission = new RunAdmission({ maxActiveRuns: 1, maxActiveBytes: 1_000, maxWaitMs: 10_000, maxWaiting: 10 });
    const running = admitted(await admission.admit(1));
    const waiting = admission.admit(1);

    running.release();
    const late = admission.admit(1);

    expect(await waiting).toMatchObject({ admitted: true });
    expect(admission.load()).toMatchObject({ activeRuns: 1, waitingRuns: 1 });
    jest.advanceTimersByTime(10_000);
    expect(await late).toMatchObject({ admitted: false, reason: 'wait_timeout' });
  });

  it('keeps active request bytes within budget', async () => {
    const admission = new RunAdmission({ maxActiveRuns: 10, maxActiveBytes: 1_000, maxWaiting: 10, maxWaitMs: 10_000 });
    const small = admitted(await admission.admit(600));
    const second = admission.admit(600);
    const huge = admission.admit(5_000);
    expect(admission.load()).toMatchObject({ activeRuns: 1, activeBytes: 600, waitingRuns: 2 });

    small.release();
    const secondPlace = admitted(await second);
    expect(admission.load()).toMatchObject({ activeRuns: 1, activeBytes: 600, waitingRuns: 1 });
    secondPlace.release();
    const hugePlace = admitted(await huge);

    expect(admission.load()).toMatchObject({ activeRuns: 1, activeBytes: 5_000, waitingRuns: 0 });
    const afterHuge = admission.admit(10);
    expect(admission.load().waitingRuns).toBe(1);
    hugePlace.release();
    expect(await afterHuge).toMatchObject({ admitted: true });
  });

  it('rejects waiting and new runs once closed', async () => {
    const admission = new RunAdmission({ maxActiveRuns: 1, maxActiveBytes: 1_000, maxWaiting: 10, maxWaitMs: 10_000 });
    const running = admitted(await admission.admit(1));
    const waiting = admission.admit(1);

    admission.close();

    expect(await waiting).toMatchObject({ admitted: false, reason: 'stopping' });
    expect(await admission.admit(1)).toEqual({ admitted: false, reason: 'stopping', waitedMs: 0 });
    running.release();
    expect(admission.load()).toMatchObject({ activeRuns: 0, waitingRuns: 0 });
  });

  it('admits small runs after a large one leaves', async () => {
    const admission = new RunAdmission({ maxActiveRuns: 10, maxActiveBytes: 1_000, maxWaiting: 10, maxWaitMs: 10_000 });
    admitted(await admission.admit(500));
    let largeGone = (): void => undefined;
    const large = admission.admit(900, (cancel) => (largeGone = cancel));
    const small = admission.admit(400);

    largeGone();

    expect(await large).toMatchObject({ admitted: false, reason: 'caller_gone' });
    expect(await small).toMatchObject({ admitted: true });
    expect(admission.load()).toMatchObject({ activeRuns: 2, activeBytes: 900 });
  });
});

describe('activeRunBytesBudget', () => {
  it('is a sixteenth of the heap limit', () => {
    expect(activeRunBytesBudget(80 * 1024 * 1024)).toBe(5 * 1024 * 1024);
    expect(activeRunBytesBudget(1_601)).toBe(100);
  });
});
