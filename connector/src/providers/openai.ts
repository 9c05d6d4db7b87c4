import OpenAI, { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from 'openai';
import type { ChatCompletion } from 'openai/resources/chat/completions';

import { createNodeHttpFetch } from './node-http-fetch';
import { ProviderError } from './provider';
import type { ModelInfo, ProviderAdapter, RateLimitSnapshot, StructuredRequest, StructuredResponse } from './provider';

/**
 * The OpenAI adapter, built on the official `openai` client.
 *
 * One client serves every org: each call sends the key it receives in its own
 * Authorization header, so keys are never stored here, and no client is built per call.
 * The client never retries (`maxRetries: 0`) because the inference layer owns the retry
 * policy, and it never logs (`logLevel: 'off'`) because OpenAI's error messages quote a
 * masked form of the key. Errors become ProviderError with a message written here: the
 * provider's own message is never relayed.
 */

export interface OpenAiAdapterOptions {
  /** Base URL of the API, such as `https://api.openai.com/v1`; the connector's configuration supplies it. */
  baseUrl: string;
  /** Upper bound in ms of one HTTP attempt, headers and body, on top of the caller's signal. Default 60000. */
  attemptTimeoutMs?: number;
}

const DEFAULT_ATTEMPT_TIMEOUT_MS = 60_000;

/** A key goes into an HTTP header, so it must be printable ASCII without spaces. */
const API_KEY_PATTERN = /^[\x21-\x7e]+$/;

/** A `param` from an OpenAI error is quoted in messages only when it looks like a parameter path. */
const SAFE_PARAM_PATTERN = /^[A-Za-z0-9_.[\]]{1,64}$/;

/**
 * The client's own key, which the client requires. It never reaches OpenAI because every
 * request replaces the Authorization header with the caller's key (see authorization()).
 */
const CLIENT_PLACEHOLDER_KEY = 'unused-every-request-sends-its-own-key';

/**
 * One attempt: its signal, aborted by the caller's signal or by the adapter's deadline.
 * `finish` clears the deadline timer and the listener on the caller's signal. An attempt
 * that left them behind would keep its request and response in memory until the deadline.
 */
interface Attempt {
  signal: AbortSignal;
  callerSignal: AbortSignal;
  deadlineReached: () => boolean;
  timeoutMs: number;
  finish: () => void;
}

export class OpenAiAdapter implements ProviderAdapter {
  readonly id = 'openai' as const;
  readonly displayName = 'OpenAI';

  private readonly attemptTimeoutMs: number;
  private readonly client: OpenAI;

  constructor(options: OpenAiAdapterOptions) {
    if (!/^https?:\/\/[^\s]+$/.test(options.baseUrl)) {
      throw new Error(`Invalid OpenAI base URL ${JSON.stringify(options.baseUrl)}: expected an http(s) URL such as https://api.openai.com/v1.`);
    }
    const timeoutMs = options.attemptTimeoutMs ?? DEFAULT_ATTEMPT_TIMEOUT_MS;
    if (!Number.isInteger(timeoutMs) || timeoutMs <= 0) {
      throw new Error(`Invalid OpenAI attempt timeout ${JSON.stringify(timeoutMs)}: expected a positive integer of ms.`);
    }

    this.attemptTimeoutMs = timeoutMs;
    // Every option that the client would otherwise read from OPENAI_* environment variables is set here.
    this.client = new OpenAI({
      apiKey: CLIENT_PLACEHOLDER_KEY,
      baseURL: options.baseUrl,
      organization: null,
      project: null,
      adminAPIKey: null,
      webhookSecret: null,
      maxRetries: 0,
      timeout: timeoutMs,
      logLevel: 'off',
      fetch: createNodeHttpFetch(),
    });
  }

  async listModels(apiKey: string, signal: AbortSignal): Promise<ModelInfo[]> {
    const headers = authorization(apiKey);
    const attempt = this.startAttempt(signal);

    try {
      const page = await this.client.models.list({ signal: attempt.signal, headers });
      return page.data.map((model) => ({ id: model.id, ownedBy: model.owned_by }));
    } catch (error) {
      throw toProviderError(error, attempt, null);
    } finally {
      attempt.finish();
    }
  }

  async createStructured(request: StructuredRequest): Promise<StructuredResponse> {
    const headers = authorization(request.apiKey);
    const attempt = this.startAttempt(request.signal);

    let completion: ChatCompletion;
    let response: Response;
    let providerRequestId: string | null;
    try {
      ({ data: completion, response, request_id: providerRequestId } = await this.client.chat.completions
        .create(
          {
          model: request.model,
          messages: [
            { role: 'system', content: request.instructions },
            { role: 'user', content: request.input },
          ],
            response_format: {
              type: 'json_schema',
              json_schema: { name: request.schemaName, schema: request.jsonSchema, strict: true },
            },
            temperature: request.temperature,
            max_completion_tokens: request.maxOutputTokens,
          },
          { signal: attempt.signal, headers },
        )
        .withResponse());
    } catch (error) {
      throw toProviderError(error, attempt, request.model);
    } finally {
      attempt.finish();
    }

    return toStructuredResponse(completion, providerRequestId ?? undefined, parseRateLimit(response.headers));
  }

  /**
   * Combines the caller's signal with the adapter's deadline. The client's own `timeout`
   * stops only the wait for headers, so the deadline timer is what bounds a stalled body.
   * A plain timer and listener are used instead of AbortSignal.timeout and AbortSignal.any,
   * whose signals stay alive, with the request they reference, until the timeout fires.
   */
  private startAttempt(callerSignal: AbortSignal): Attempt {
    const controller = new AbortController();
    let deadlineReached = false;
    const onCallerAbort = (): void => controller.abort(callerSignal.reason);
    if (callerSignal.aborted) {
      controller.abort(callerSignal.reason);
    } else {
      callerSignal.addEventListener('abort', onCallerAbort, { once: true });
    }
    const timer = setTimeout(() => {
      deadlineReached = true;
      controller.abort(new Error(`The attempt reached the adapter's deadline of ${this.attemptTimeoutMs} ms.`));
    }, this.attemptTimeoutMs);

    return {
      signal: controller.signal,
      callerSignal,
      deadlineReached: () => deadlineReached,
      timeoutMs: this.attemptTimeoutMs,
      finish: () => {
        clearTimeout(timer);
        callerSignal.removeEventListener('abort', onCallerAbort);
      },
    };
  }
}

/** Builds the Authorization header of one request. Raises invalid_key for a key that cannot go into a header. */
function authorization(apiKey: string): { Authorization: string } {
  if (!API_KEY_PATTERN.test(apiKey)) {
    throw new ProviderError('invalid_key', 'The API key is empty or contains spaces or non-ASCII characters.', { shouldRetry: false });
  }
  return { Authorization: `Bearer ${apiKey}` };
}

function toStructuredResponse(
  completion: ChatCompletion,
  providerRequestId: string | undefined,
  rateLimit: RateLimitSnapshot | undefined,
): StructuredResponse {
  const choice = completion.choices?.[0];
  if (!choice) {
    throw new ProviderError('provider_unavailable', 'OpenAI returned a completion without choices.', { providerRequestId });
  }

  const usage = {
    promptTokens: completion.usage?.prompt_tokens ?? 0,
    completionTokens: completion.usage?.completion_tokens ?? 0,
    totalTokens: completion.usage?.total_tokens ?? 0,
  };
  const base = { model: completion.model, usage, providerRequestId, ...(rateLimit === undefined ? {} : { rateLimit }) };
  const content = choice.message.content ?? null;
  const refusal = choice.message.refusal ?? null;

  if (refusal !== null) {
    return { ...base, finish: 'refused', content: null, refusal };
  }
  if (choice.finish_reason === 'length') {
    return { ...base, finish: 'truncated', content, refusal: null };
  }
  if (choice.finish_reason === 'content_filter') {
    return { ...base, finish: 'content_filter', content, refusal: null };
  }
  if (content === null) {
    throw new ProviderError('provider_unavailable', `OpenAI returned no content (finish_reason ${choice.finish_reason}).`, { providerRequestId });
  }

  // `complete` means the model finished; whether the text is valid JSON is for the caller to check.
  return { ...base, finish: 'complete', content, refusal: null };
}

/** Maps anything the client throws to a ProviderError whose message never quotes OpenAI's. */
function toProviderError(error: unknown, attempt: Attempt, model: string | null): ProviderError {
  if (error instanceof ProviderError) {
    return error;
  }

  if (attempt.callerSignal.aborted) {
    return new ProviderError('timeout', 'The request to OpenAI was cancelled at its deadline before a complete response arrived.');
  }
  if (attempt.deadlineReached() || error instanceof APIConnectionTimeoutError || error instanceof APIUserAbortError) {
    return new ProviderError('timeout', `OpenAI did not send a complete response within ${attempt.timeoutMs} ms.`);
  }

  if (error instanceof APIConnectionError) {
    return new ProviderError('provider_unavailable', 'Could not reach OpenAI: the connection failed or was reset.');
  }
  if (error instanceof APIError && typeof error.status === 'number') {
    return fromHttpError(error, error.status, model);
  }

  // Failures while reading a 200 body: a connection cut mid-body or a body that is not JSON.
  return new ProviderError('provider_unavailable', 'The response from OpenAI could not be read: the connection was cut or the body was not valid JSON.');
}

function fromHttpError(error: APIError, status: number, model: string | null): ProviderError {
  const rateLimit = parseRateLimit(error.headers);
  const details = {
    status,
    providerRequestId: error.requestID ?? undefined,
    shouldRetry: parseShouldRetry(error.headers),
    ...(rateLimit === undefined ? {} : { rateLimit }),
  };
  const code = typeof error.code === 'string' ? error.code : null;

  if (status === 401) {
    if (code === 'mismatched_organization') {
      return new ProviderError('invalid_key', 'OpenAI rejected the request: the organization does not match the API key (HTTP 401).', details);
    }
    return new ProviderError('invalid_key', 'OpenAI rejected the API key as incorrect or revoked (HTTP 401).', details);
  }

  if (status === 403) {
    return new ProviderError('invalid_key', 'OpenAI denied this API key access (HTTP 403): the key may lack a permission or the region may not be supported.', details);
  }

  if (status === 404) {
    // listModels names no model, so there a 404 points at a wrong base URL.
    if (model === null) {
      return new ProviderError('model_unavailable', 'OpenAI returned 404 Not Found: check the configured base URL.', details);
    }
    return new ProviderError('model_unavailable', `The model "${model}" does not exist or this API key may not use it (HTTP 404).`, details);
  }

  if (status === 429) {
    if (code === 'insufficient_quota' || error.type === 'insufficient_quota') {
      return new ProviderError('quota', 'The OpenAI account of this API key has no quota left (HTTP 429): check its plan and billing.', details);
    }
    const retryAfterMs = parseRetryAfterMs(error.headers);
    const wait = retryAfterMs === undefined ? '' : ` OpenAI asked to wait ${retryAfterMs} ms.`;
    return new ProviderError('rate_limited', `OpenAI rate limit reached (HTTP 429).${wait}`, { ...details, retryAfterMs });
  }

  if (status === 408) {
    return new ProviderError('timeout', 'OpenAI timed out while processing the request (HTTP 408).', details);
  }

  if (status >= 500 || status === 409) {
    return new ProviderError('provider_unavailable', `OpenAI is unavailable (HTTP ${status}).`, details);
  }

  const param = typeof error.param === 'string' && SAFE_PARAM_PATTERN.test(error.param) ? error.param : null;
  if (param !== null && (param.startsWith('response_format') || param.startsWith('text.format'))) {
    return new ProviderError('bad_request', `OpenAI rejected the output JSON schema (HTTP ${status}, param ${param}).`, details);
  }
  const paramText = param === null ? '' : `, param ${param}`;
  return new ProviderError('bad_request', `OpenAI rejected the request as invalid (HTTP ${status}${paramText}).`, details);
}

/**
 * Reads the delay OpenAI requests: `retry-after-ms` first, then `retry-after` as seconds
 * or as an HTTP date. Returns undefined without a usable header.
 */
export function parseRetryAfterMs(headers: Headers | undefined, now: number = Date.now()): number | undefined {
  const milliseconds = headers?.get('retry-after-ms');
  if (milliseconds) {
    const value = Number(milliseconds);
    if (Number.isFinite(value) && value >= 0) {
      return value;
    }
  }

  const retryAfter = headers?.get('retry-after')?.trim();
  if (!retryAfter) {
    return undefined;
  }
  const seconds = Number(retryAfter);
  if (Number.isFinite(seconds) && seconds >= 0) {
    return seconds * 1000;
  }
  const date = Date.parse(retryAfter);
  if (Number.isNaN(date)) {
    return undefined;
  }
  return Math.max(0, date - now);
}

/**
 * Reads OpenAI's `x-ratelimit-limit-*` and `x-ratelimit-remaining-*` headers for requests
 * and tokens. Returns undefined when none of the four is a non-negative integer.
 */
export function parseRateLimit(headers: Headers | undefined): RateLimitSnapshot | undefined {
  const read = (name: string): number | undefined => {
    const text = headers?.get(name)?.trim();
    if (!text || !/^\d+$/.test(text)) {
      return undefined;
    }
    const value = Number(text);
    return Number.isSafeInteger(value) ? value : undefined;
  };
  const snapshot: RateLimitSnapshot = {};
  const fields = [
    ['limitRequests', 'x-ratelimit-limit-requests'],
    ['remainingRequests', 'x-ratelimit-remaining-requests'],
    ['limitTokens', 'x-ratelimit-limit-tokens'],
    ['remainingTokens', 'x-ratelimit-remaining-tokens'],
  ] as const;
  for (const [field, header] of fields) {
    const value = read(header);
    if (value !== undefined) {
      snapshot[field] = value;
    }
  }
  return Object.keys(snapshot).length === 0 ? undefined : snapshot;
}

function parseShouldRetry(headers: Headers | undefined): boolean | undefined {
  const value = headers?.get('x-should-retry');
  if (value === 'true') return true;
  if (value === 'false') return false;
  return undefined;
}
