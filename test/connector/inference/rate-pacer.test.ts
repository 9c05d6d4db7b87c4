import { aiInferenceConfigSchema, type AiInferenceConfig } from '../../../connector/src/flows/definition';
import { ProviderError, type RateLimitSnapshot } from '../../../connector/src/providers/provider';
import { PacerRegistry, RatePacer, estimateRequestTokens, type RequestPacer } from '../../../connector/src/inference/rate-pacer';
import { runInference } from '../../../connector/src/inference/run-inference';
import type { InferenceResult } from '../../../connector/src/inference/types';
import { complete, FAKE_API_KEY, FakeAdapter, networkDelay } from './support/fake-adapter';
import { FakeClock } from './support/fake-clock';

const START = 1_000_000;
const FAR = START + 3_600_000;

/** Acquires and returns the virtual times at which each acquisition resolved, and its verdict. */
async function acquireAll(clock: FakeClock, pacer: RatePacer, requests: Array<{ tokens: number; deadlineAt: number }>) {
  const granted: Array<{ index: number; at: number; admitted: boolean }> = [];
  await clock.run(
    Promise.all(
      requests.map((request, index) =>
        pacer.acquire(request.tokens, request.deadlineAt).then((admitted) => granted.push({ index, at: clock.now() - START, admitted })),
      ),
    ),
  );
  return granted;
}

describe('RatePacer', () => {
  it('admits calls at once before any limit is known', async () => {
    const clock = new FakeClock(START);
    const pacer = new RatePacer(clock);

    const granted = await acquireAll(clock, pacer, Array.from({ length: 50 }, () => ({ tokens: 500, deadlineAt: FAR })));

    expect(granted.every((entry) => entry.admitted && entry.at === 0)).toBe(true);
  });

  it('spaces calls at the learned request rate', async () => {
    const clock = new FakeClock(START);
    const pacer = new RatePacer(clock);
    pacer.observe({ limitRequests: 60, remainingRequests: 0 });

    const granted = await acquireAll(clock, pacer, [
      { tokens: 1, deadlineAt: FAR },
      { tokens: 1, deadlineAt: FAR },
      { tokens: 1, deadlineAt: FAR },
    ]);

    expect(granted).toEqual([
      { index: 0, at: 1_000, admitted: true },
      { index: 1, at: 2_000, admitted: true },
      { index: 2, at: 3_000, admitted: true },
    ]);
  });

  it('uses the remaining requests at once', async () => {
    const clock = new FakeClock(START);
    const pacer = new RatePacer(clock);
    pacer.observe({ limitRequests: 600, remainingRequests: 2 });

    const granted = await acquireAll(clock, pacer, [
      { tokens: 1, deadlineAt: FAR },
      { tokens: 1, deadlineAt: FAR },
      { tokens: 1, deadlineAt: FAR },
    ]);

    expect(granted.map((entry) => entry.at)).toEqual([0, 0, 100]);
  });

  it('lowers its level to what the provider reports', async () => {
    const clock = new FakeClock(START);
    const pacer = new RatePacer(clock);
    pacer.observe({ limitRequests: 600, remainingRequests: 600 });
    pacer.observe({ remainingRequests: 0 });

    const granted = await acquireAll(clock, pacer, [{ tokens: 1, deadlineAt: FAR }]);

    expect(granted).toEqual([{ index: 0, at: 100, admitted: true }]);
  });

  it('ignores a report within one request of its level', async () => {
    const clock = new FakeClock(START);
    const pacer = new RatePacer(clock);
    pacer.observe({ limitRequests: 600, remainingRequests: 2 });
    // The provider rounds down: 1 remaining may mean 1.9, so the copy keeps its 2.
    pacer.observe({ remainingRequests: 1 });

    const granted = await acquireAll(clock, pacer, [
      { tokens: 1, deadlineAt: FAR },
      { tokens: 1, deadlineAt: FAR },
      { tokens: 1, deadlineAt: FAR },
    ]);

    expect(granted.map((entry) => entry.at)).toEqual([0, 0, 100]);
  });

  it('keeps its own count when a report is stale', async () => {
    const clock = new FakeClock(START);
    const pacer = new RatePacer(clock);
    pacer.observe({ limitRequests: 60, remainingRequests: 2 });
    await acquireAll(clock, pacer, [
      { tokens: 1, deadlineAt: FAR },
      { tokens: 1, deadlineAt: FAR },
    ]);
    // A response sent before those two reports more room than is left.
    pacer.observe({ limitRequests: 60, remainingRequests: 2 });

    const granted = await acquireAll(clock, pacer, [{ tokens: 1, deadlineAt: FAR }]);

    expect(granted).toEqual([{ index: 0, at: 1_000, admitted: true }]);
  });

  it('paces by estimated tokens', async () => {
    const clock = new FakeClock(START);
    const pacer = new RatePacer(clock);
    pacer.observe({ limitTokens: 6_000, remainingTokens: 6_000 });

    const granted = await acquireAll(clock, pacer, [
      { tokens: 3_000, deadlineAt: FAR },
      { tokens: 3_000, deadlineAt: FAR },
      { tokens: 3_000, deadlineAt: FAR },
    ]);

    // 6,000 tokens per minute refill 100 per second: 3,000 more take 30 s.
    expect(granted.map((entry) => entry.at)).toEqual([0, 0, 30_000]);
  });

  it('lets a call larger than the token limit through', async () => {
    const clock = new FakeClock(START);
    const pacer = new RatePacer(clock);
    pacer.observe({ limitTokens: 1_000, remainingTokens: 1_000 });

    const granted = await acquireAll(clock, pacer, [{ tokens: 5_000, deadlineAt: FAR }]);

    expect(granted).toEqual([{ index: 0, at: 0, admitted: true }]);
  });

  it('admits waiters in arrival order', async () => {
    const clock = new FakeClock(START);
    const pacer = new RatePacer(clock);
    pacer.observe({ limitTokens: 6_000, remainingTokens: 0 });

    const granted = await acquireAll(clock, pacer, [
      { tokens: 5_000, deadlineAt: FAR },
      { tokens: 10, deadlineAt: FAR },
    ]);

    // The small call does not overtake the large one, though its tokens are there after 0.1 s.
    expect(granted).toEqual([
      { index: 0, at: 50_000, admitted: true },
      { index: 1, at: 50_100, admitted: true },
    ]);
  });

  it('rejects a waiter whose deadline comes first', async () => {
    const clock = new FakeClock(START);
    const pacer = new RatePacer(clock);
    pacer.observe({ limitRequests: 60, remainingRequests: 0 });

    const granted = await acquireAll(clock, pacer, [
      { tokens: 1, deadlineAt: START + 1_500 },
      { tokens: 1, deadlineAt: START + 1_500 },
      { tokens: 1, deadlineAt: FAR },
    ]);

    expect(granted).toEqual([
      { index: 0, at: 1_000, admitted: true },
      { index: 1, at: 1_500, admitted: false },
      { index: 2, at: 2_000, admitted: true },
    ]);
    expect(pacer.waiting).toBe(0);
  });

  it('rejects at once when the deadline has passed', async () => {
    const clock = new FakeClock(START);
    const pacer = new RatePacer(clock);
    pacer.observe({ limitRequests: 60, remainingRequests: 0 });

    const granted = await acquireAll(clock, pacer, [{ tokens: 1, deadlineAt: START }]);

    expect(granted).toEqual([{ index: 0, at: 0, admitted: false }]);
  });

  it('pauses for Retry-After after an unexplained 429', async () => {
    const clock = new FakeClock(START);
    const pacer = new RatePacer(clock);
    pacer.observeRateLimited(2_000, undefined);

    const granted = await acquireAll(clock, pacer, [
      { tokens: 1, deadlineAt: FAR },
      { tokens: 1, deadlineAt: FAR },
    ]);

    expect(granted.map((entry) => entry.at)).toEqual([2_000, 2_000]);
  });

  it('pauses a second without Retry-After', async () => {
    const clock = new FakeClock(START);
    const pacer = new RatePacer(clock);
    pacer.observeRateLimited(undefined, { limitRequests: 600, remainingRequests: 5 });

    const granted = await acquireAll(clock, pacer, [{ tokens: 1, deadlineAt: FAR }]);

    expect(granted.map((entry) => entry.at)).toEqual([1_000]);
  });

  it('follows the refill after a 429 its headers explain', async () => {
    const clock = new FakeClock(START);
    const pacer = new RatePacer(clock);
    // OpenAI rounds Retry-After up to whole seconds; the learned rate admits the next call sooner.
    pacer.observeRateLimited(1_000, { limitRequests: 600, remainingRequests: 0 });

    const granted = await acquireAll(clock, pacer, [{ tokens: 1, deadlineAt: FAR }]);

    expect(granted.map((entry) => entry.at)).toEqual([100]);
  });

  it('starts over when the limit changes', async () => {
    const clock = new FakeClock(START);
    const pacer = new RatePacer(clock);
    pacer.observe({ limitRequests: 60, remainingRequests: 0 });
    pacer.observe({ limitRequests: 6_000, remainingRequests: 10 });

    const granted = await acquireAll(clock, pacer, [{ tokens: 1, deadlineAt: FAR }]);

    expect(granted.map((entry) => entry.at)).toEqual([0]);
  });
});

describe('PacerRegistry', () => {
  it('shares one pacer per org, provider and key', () => {
    const registry = new PacerRegistry(new FakeClock(START));

    const first = registry.forKey('org-1', 'openai', 'key-1');

    expect(registry.forKey('org-1', 'openai', 'key-1')).toBe(first);
    expect(registry.forKey('org-1', 'openai', 'key-2')).not.toBe(first);
    expect(registry.forKey('org-2', 'openai', 'key-1')).not.toBe(first);
  });

  it('drops the least recently used pacers', () => {
    const registry = new PacerRegistry(new FakeClock(START), 2);
    const first = registry.forKey('org-1', 'openai', 'key');
    registry.forKey('org-2', 'openai', 'key');
    registry.forKey('org-1', 'openai', 'key');

    registry.forKey('org-3', 'openai', 'key');

    expect(registry.size).toBe(2);
    expect(registry.forKey('org-1', 'openai', 'key')).toBe(first);
  });
});

describe('estimateRequestTokens', () => {
  it('adds prompt characters / 4 and output tokens', () => {
    expect(estimateRequestTokens(401, 300)).toBe(401);
  });
});

describe('runInference with a pacer', () => {
  const config: AiInferenceConfig = aiInferenceConfigSchema.parse({
    prompt: 'Classify {!Record.Description}.',
    outputs: [{ name: 'intent', type: 'picklist', values: ['complaint', 'question'] }],
    maxOutputTokens: 100,
    timeoutMs: 60_000,
  });
  const answer = { intent: 'question' };

  /** A pacer that records what runInference tells it. */
  class RecordingPacer implements RequestPacer {
    readonly calls: Array<{ method: string; args: unknown[] }> = [];

    constructor(private readonly admit: boolean) {}

    async acquire(tokens: number, deadlineAt: number): Promise<boolean> {
      this.calls.push({ method: 'acquire', args: [tokens, deadlineAt] });
      return this.admit;
    }

    observe(snapshot: RateLimitSnapshot | undefined): void {
      this.calls.push({ method: 'observe', args: [snapshot] });
    }

    observeRateLimited(retryAfterMs: number | undefined, snapshot: RateLimitSnapshot | undefined): void {
      this.calls.push({ method: 'observeRateLimited', args: [retryAfterMs, snapshot] });
    }
  }

  it('acquires before each attempt and reports every response', async () => {
    const clock = new FakeClock(START);
    const snapshot = { limitRequests: 60, remainingRequests: 0 };
    const adapter = new FakeAdapter(async (_request, callIndex) => {
      if (callIndex === 0) {
        throw new ProviderError('rate_limited', 'limited', { status: 429, retryAfterMs: 1_000, rateLimit: snapshot });
      }
      return { ...complete(answer), rateLimit: { limitRequests: 60, remainingRequests: 3 } };
    });
    const pacer = new RecordingPacer(true);

    const result = await clock.run(
      runInference({
        config,
        record: { fields: { Description: 'How do I reset my card PIN?' } },
        access: { adapter, apiKey: FAKE_API_KEY, defaultModel: 'gpt-test', pacer },
        clock,
        random: () => 0,
      }),
    );

    expect(result.outcome).toBe('ok');
    expect(result.attempts).toBe(2);
    const request = adapter.requests[0]!;
    const tokens = estimateRequestTokens(request.instructions.length + request.input.length, 100);
    expect(pacer.calls).toEqual([
      { method: 'acquire', args: [tokens, START + 60_000] },
      { method: 'observeRateLimited', args: [1_000, snapshot] },
      { method: 'acquire', args: [tokens, START + 60_000] },
      { method: 'observe', args: [{ limitRequests: 60, remainingRequests: 3 }] },
    ]);
  });

  it('fails rate_limited without a call when the pacer has no room', async () => {
    const clock = new FakeClock(START);
    const adapter = new FakeAdapter(async () => complete(answer));

    const result: InferenceResult = await clock.run(
      runInference({
        config,
        record: { fields: { Description: 'How do I reset my card PIN?' } },
        access: { adapter, apiKey: FAKE_API_KEY, defaultModel: 'gpt-test', pacer: new RecordingPacer(false) },
        clock,
      }),
    );

    expect(result.outcome).toBe('error');
    expect(result.errorCode).toBe('rate_limited');
    expect(result.attempts).toBe(0);
    expect(result.errorMessage).toBe(
      "The org's provider rate limit left no room for this record within the node's time limit of 60 s (0 attempts made): more records were waiting than the limit admits. Send fewer records at a time or ask the provider for a higher rate limit.",
    );
    expect(adapter.requests).toHaveLength(0);
  });

  it('keeps concurrent records under the ceiling without 429s', async () => {
    const clock = new FakeClock(START);
    // A provider bucket of 6 requests per minute that starts full, as OpenAI's does.
    const limit = 6;
    let level = limit;
    let updatedAt = START;
    let rejections = 0;
    const callTimes: number[] = [];
    const adapter = new FakeAdapter(async (request) => {
      level = Math.min(limit, level + ((clock.now() - updatedAt) * limit) / 60_000);
      updatedAt = clock.now();
      if (level < 1) {
        rejections += 1;
        const rateLimit = { limitRequests: limit, remainingRequests: 0 };
        throw new ProviderError('rate_limited', 'limited', { status: 429, retryAfterMs: 10_000, rateLimit });
      }
      level -= 1;
      callTimes.push(clock.now() - START);
      const rateLimit = { limitRequests: limit, remainingRequests: Math.floor(level) };
      await networkDelay(clock, 300, request.signal);
      return { ...complete(answer), rateLimit };
    });
    const pacer = new RatePacer(clock);
    const infer = (): Promise<InferenceResult> =>
      runInference({
        config,
        record: { fields: { Description: 'Where is my card?' } },
        access: { adapter, apiKey: FAKE_API_KEY, defaultModel: 'gpt-test', pacer },
        clock,
      });

    // The first response teaches the pacer the limit; the next 8 records run at once.
    const first = await clock.run(infer());
    const results = await clock.run(Promise.all(Array.from({ length: 8 }, infer)));

    expect([first, ...results].every((result) => result.outcome === 'ok')).toBe(true);
    expect(rejections).toBe(0);
    // 5 requests were left in the bucket; the refill admits one more every 10 s.
    expect(callTimes).toEqual([0, 300, 300, 300, 300, 300, 10_300, 20_300, 30_300]);
  });
});
