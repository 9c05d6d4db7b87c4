/**
 * The interface the connector needs from an LLM provider. OpenAI is the first implementation;
 * another provider (Azure OpenAI, Anthropic...) adds a module with the same shape and an
 * entry in the provider registry.
 */

export const PROVIDER_IDS = ['openai'] as const;
export type ProviderId = (typeof PROVIDER_IDS)[number];

/**
 * Why a provider call failed, as the rest of the connector branches on it.
 * - invalid_key: the provider rejected the key (401, or 403 for a key without access).
 * - quota: the key is valid but its account has no credit (429 insufficient_quota).
 * - rate_limited: 429 rate_limit_exceeded; `retryAfterMs` gives when to try again.
 * - model_unavailable: the model does not exist or the key may not use it (404).
 * - bad_request: the provider rejected the request itself (400), for example the schema.
 * - provider_unavailable: 5xx, a connection failure or a reset.
 * - timeout: no complete answer before the deadline.
 */
export type ProviderErrorCode =
  | 'invalid_key'
  | 'quota'
  | 'rate_limited'
  | 'model_unavailable'
  | 'bad_request'
  | 'provider_unavailable'
  | 'timeout';

export class ProviderError extends Error {
  override readonly name = 'ProviderError';

  constructor(
    readonly code: ProviderErrorCode,
    /** A message safe to show an admin and to log: it never quotes the key. */
    message: string,
    readonly details: {
      status?: number;
      /** Delay the provider asked for before the next attempt, from retry-after-ms or retry-after. */
      retryAfterMs?: number;
      /** False when the provider's response forbids a retry (x-should-retry: false). */
      shouldRetry?: boolean;
      providerRequestId?: string;
      /** The rate-limit headers of the error response, when it had any. */
      rateLimit?: RateLimitSnapshot;
    } = {},
  ) {
    super(message);
  }
}

/**
 * The provider's rate-limit state as the headers of one response reported it (OpenAI's
 * `x-ratelimit-*`). Each field is absent when its header was missing or unreadable.
 */
export interface RateLimitSnapshot {
  /** Requests allowed per window (per minute at OpenAI). */
  limitRequests?: number;
  remainingRequests?: number;
  limitTokens?: number;
  remainingTokens?: number;
}

export interface ModelInfo {
  id: string;
  ownedBy: string;
}

export interface TokenUsage {
  promptTokens: number;
  completionTokens: number;
  totalTokens: number;
}

export interface StructuredRequest {
  apiKey: string;
  model: string;
  /** Instructions (system message). */
  instructions: string;
  /** The record data (user message). */
  input: string;
  /** Name of the JSON schema sent to the provider, [A-Za-z0-9_-]{1,64}. */
  schemaName: string;
  /** A JSON schema in the strict subset that structured outputs accept. */
  jsonSchema: Record<string, unknown>;
  temperature: number;
  maxOutputTokens: number;
  /** Aborts the single HTTP attempt; retries are the caller's business. */
  signal: AbortSignal;
}

/**
 * The response of one structured-output call. `finish` tells whether `content` can be
 * trusted: only `complete` carries a full JSON text.
 */
export interface StructuredResponse {
  finish: 'complete' | 'truncated' | 'refused' | 'content_filter';
  /** The JSON text the model produced (null when refused). */
  content: string | null;
  /** The model's refusal message, when `finish` is `refused`. */
  refusal: string | null;
  model: string;
  usage: TokenUsage;
  providerRequestId?: string;
  /** The response's rate-limit headers, for pacing the org's later calls. */
  rateLimit?: RateLimitSnapshot;
}

export interface ProviderAdapter {
  readonly id: ProviderId;
  readonly displayName: string;

  /**
   * Checks the key live with the provider and returns the models it can use.
   * Throws ProviderError (invalid_key, quota, provider_unavailable, timeout...).
   */
  listModels(apiKey: string, signal: AbortSignal): Promise<ModelInfo[]>;

  /** Runs one structured-output attempt. Throws ProviderError; never retries. */
  createStructured(request: StructuredRequest): Promise<StructuredResponse>;
}
