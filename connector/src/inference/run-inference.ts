import type { AiInferenceConfig } from '../flows/definition';
import type { RecordFields } from '../flows/record-fields';
import {
  ProviderError,
  type ProviderAdapter,
  type StructuredRequest,
  type StructuredResponse,
  type TokenUsage,
} from '../providers/provider';
import { systemClock, type Clock } from './clock';
import { describeInferenceError, formatSeconds } from './error-messages';
import { buildOutputSchema } from './output-schema';
import { parseOutput } from './parse-output';
import { buildPrompt } from './prompt';
import { estimateRequestTokens, type RequestPacer } from './rate-pacer';
import { computeRetryDelay, DEFAULT_RETRY_POLICY, isRetryable, type RetryPolicy } from './retry-policy';
import { addUsage, emptyUsage, type InferenceErrorCode, type InferenceResult, type VariableValue } from './types';

/** The name of the response schema sent to the provider. */
export const OUTPUT_SCHEMA_NAME = 'routing_outputs';

/** Provider access of one org: the adapter, the key and the default model. */
export interface InferenceAccess {
  adapter: ProviderAdapter;
  apiKey: string;
  /** The org's default model, used by nodes that name none. */
  defaultModel: string | null;
  /** Paces the org key's calls under its provider rate limit; every attempt waits for it. */
  pacer?: RequestPacer;
}

export interface RunInferenceOptions {
  config: AiInferenceConfig;
  record: { fields: RecordFields };
  access: InferenceAccess;
  clock?: Clock;
  /** Random numbers in [0, 1) for backoff jitter. */
  random?: () => number;
  retryPolicy?: RetryPolicy;
}

type AttemptResult =
  { kind: 'response'; response: StructuredResponse } | { kind: 'failure'; error: ProviderError } | { kind: 'deadline' };

/**
 * Runs one AI Inference node on one record. All attempts together must finish within the
 * node's `timeoutMs`: each attempt is aborted at that deadline, and a retry is made only
 * when its wait ends before it. Provider failures, including exceptions of the adapter, do
 * not reject the promise: they return an `error` or `timeout` outcome with a typed code.
 */
export async function runInference(options: RunInferenceOptions): Promise<InferenceResult> {
  const { config, record, access } = options;
  const clock = options.clock ?? systemClock;
  const random = options.random ?? Math.random;
  const policy = options.retryPolicy ?? DEFAULT_RETRY_POLICY;

  const startedAt = clock.now();
  const deadlineAt = startedAt + config.timeoutMs;
  const model = config.model ?? access.defaultModel;
  let attempts = 0;
  let usage: TokenUsage = emptyUsage();

  const elapsedMs = (): number => Math.max(0, Math.round(clock.now() - startedAt));

  const succeed = (variables: Record<string, VariableValue>): InferenceResult => ({
    outcome: 'ok',
    variables,
    errorCode: null,
    errorMessage: null,
    model,
    attempts,
    latencyMs: elapsedMs(),
    usage,
  });

  const fail = (code: InferenceErrorCode, details: { status?: number; message?: string } = {}): InferenceResult => {
    const facts = {
      model,
      attempts,
      timeoutMs: config.timeoutMs,
      maxOutputTokens: config.maxOutputTokens,
      status: details.status,
    };
    return {
      outcome: code === 'timeout' ? 'timeout' : 'error',
      variables: null,
      errorCode: code,
      errorMessage: details.message ?? describeInferenceError(code, facts),
      model,
      attempts,
      latencyMs: elapsedMs(),
      usage,
    };
  };

  if (model === null) {
    return fail('model_unavailable');
  }

  const prompt = buildPrompt(config, record);
  const request: Omit<StructuredRequest, 'signal'> = {
    apiKey: access.apiKey,
    model,
    instructions: prompt.instructions,
    input: prompt.input,
    schemaName: OUTPUT_SCHEMA_NAME,
    jsonSchema: buildOutputSchema(config.outputs),
    temperature: config.temperature,
    maxOutputTokens: config.maxOutputTokens,
  };

  const pacer = access.pacer;
  const estimatedTokens = estimateRequestTokens(request.instructions.length + request.input.length, request.maxOutputTokens);

  for (;;) {
    if (deadlineAt - clock.now() <= 0) {
      return fail('timeout');
    }
    if (pacer !== undefined && !(await pacer.acquire(estimatedTokens, deadlineAt))) {
      return fail('rate_limited', { message: pacerTimeoutMessage(config.timeoutMs, attempts) });
    }
    const remainingMs = deadlineAt - clock.now();
    if (remainingMs <= 0) {
      return fail('timeout');
    }

    attempts += 1;
    const attempt = await attemptOnce(access.adapter, request, remainingMs, clock);

    if (attempt.kind === 'deadline') {
      return fail('timeout');
    }

    if (attempt.kind === 'response') {
      pacer?.observe(attempt.response.rateLimit);
      usage = addUsage(usage, attempt.response.usage);
      const outcome = interpretResponse(attempt.response, config);
      return outcome.ok ? succeed(outcome.variables) : fail(outcome.code, { message: outcome.message });
    }

    // A failed attempt: retry only passing conditions, and only when the wait ends before the deadline.
    const error = attempt.error;
    const status = error.details.status;
    if (error.code === 'rate_limited') {
      pacer?.observeRateLimited(error.details.retryAfterMs, error.details.rateLimit);
    } else {
      pacer?.observe(error.details.rateLimit);
    }
    if (!isRetryable(error) || attempts >= policy.maxAttempts) {
      return fail(error.code, { status });
    }
    const delayMs = computeRetryDelay(error, attempts, policy, random);
    if (clock.now() + delayMs >= deadlineAt) {
      return fail(error.code, { status });
    }
    await clock.sleep(delayMs);
  }
}

/**
 * Makes one provider call, aborted when the remaining time runs out. The race against the
 * timer also covers an adapter that ignores its abort signal.
 */
async function attemptOnce(
  adapter: ProviderAdapter,
  request: Omit<StructuredRequest, 'signal'>,
  remainingMs: number,
  clock: Clock,
): Promise<AttemptResult> {
  const callController = new AbortController();
  let cancelDeadline = (): void => undefined;
  // When the call finishes first, the timer is cancelled and this promise never settles.
  const deadline = new Promise<AttemptResult>((resolve) => {
    cancelDeadline = clock.schedule(remainingMs, () => {
      callController.abort(new ProviderError('timeout', 'The attempt reached the deadline.'));
      resolve({ kind: 'deadline' });
    });
  });

  const call = Promise.resolve()
    .then(() => adapter.createStructured({ ...request, signal: callController.signal }))
    .then(
      (response): AttemptResult => ({ kind: 'response', response }),
      (error: unknown): AttemptResult => ({ kind: 'failure', error: toProviderError(error) }),
    );

  try {
    return await Promise.race([call, deadline]);
  } finally {
    cancelDeadline();
  }
}

function pacerTimeoutMessage(timeoutMs: number, attempts: number): string {
  const made = attempts === 1 ? '1 attempt' : `${attempts} attempts`;
  return (
    `The org's provider rate limit left no room for this record within the node's time limit of ${formatSeconds(timeoutMs)} ` +
    `(${made} made): more records were waiting than the limit admits. Send fewer records at a time or ask the provider for a higher rate limit.`
  );
}

/** Adapters throw only ProviderError; anything else is a defect, reported without its text and not retried. */
function toProviderError(error: unknown): ProviderError {
  if (error instanceof ProviderError) {
    return error;
  }
  return new ProviderError('provider_unavailable', 'The provider adapter failed unexpectedly.', { shouldRetry: false });
}

type ResponseOutcome =
  { ok: true; variables: Record<string, VariableValue> } | { ok: false; code: InferenceErrorCode; message?: string };

function interpretResponse(response: StructuredResponse, config: AiInferenceConfig): ResponseOutcome {
  switch (response.finish) {
    case 'truncated':
      return { ok: false, code: 'truncated' };
    case 'refused':
      return { ok: false, code: 'refused' };
    case 'content_filter':
      return {
        ok: false,
        code: 'refused',
        message: "The provider's content filter blocked the response for this record.",
      };
    case 'complete':
      break;
  }

  if (response.content === null) {
    return { ok: false, code: 'invalid_output', message: 'The model returned an empty response.' };
  }
  const parsed = parseOutput(response.content, config.outputs);
  return parsed.ok
    ? { ok: true, variables: parsed.variables }
    : { ok: false, code: 'invalid_output', message: parsed.message };
}
