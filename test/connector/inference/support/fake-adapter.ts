import {
  ProviderError,
  type ModelInfo,
  type ProviderAdapter,
  type StructuredRequest,
  type StructuredResponse,
  type TokenUsage,
} from '../../../../connector/src/providers/provider';
import type { FakeClock } from './fake-clock';

/** A key that is obviously fake, to check that it never leaks into messages. */
export const FAKE_API_KEY = 'sk-test-not-a-real-key-0000';

export type StructuredHandler = (request: StructuredRequest, callIndex: number) => Promise<StructuredResponse>;

/**
 * A provider adapter that returns the handler's responses and records each request and the
 * maximum number of calls in flight.
 */
export class FakeAdapter implements ProviderAdapter {
  readonly id = 'openai' as const;
  readonly displayName = 'Fake provider';
  readonly requests: StructuredRequest[] = [];
  inFlight = 0;
  maxInFlight = 0;

  constructor(private readonly handler: StructuredHandler) {}

  async listModels(_apiKey: string, _signal: AbortSignal): Promise<ModelInfo[]> {
    throw new Error('listModels is not used by these tests.');
  }

  async createStructured(request: StructuredRequest): Promise<StructuredResponse> {
    const callIndex = this.requests.length;
    this.requests.push(request);
    this.inFlight += 1;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    try {
      return await this.handler(request, callIndex);
    } finally {
      this.inFlight -= 1;
    }
  }
}

export function usage(promptTokens: number, completionTokens: number): TokenUsage {
  return { promptTokens, completionTokens, totalTokens: promptTokens + completionTokens };
}

export function complete(
  answer: unknown,
  tokens: TokenUsage = usage(100, 20),
  model = 'gpt-test-mini',
): StructuredResponse {
  return { finish: 'complete', content: JSON.stringify(answer), refusal: null, model, usage: tokens };
}

/** Waits like a network call and fails as the OpenAI adapter does when its signal aborts. */
export async function networkDelay(clock: FakeClock, ms: number, signal: AbortSignal): Promise<void> {
  try {
    await clock.sleep(ms, signal);
  } catch {
    throw new ProviderError('timeout', 'The request was aborted.');
  }
}
