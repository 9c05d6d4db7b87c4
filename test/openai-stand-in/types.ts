/**
 * Public types of the OpenAI stand-in: its options, the handle a test gets back, its
 * counters and the scenarios it can play.
 *
 * Every file under this folder is written so that Node 24 can run it with its built-in
 * type stripping (`node test/openai-stand-in/cli.ts`): no enums, namespaces or parameter
 * properties, type-only imports marked `import type`, and relative imports with `.ts`.
 */

/** A JSON Schema as sent in `response_format.json_schema.schema`. */
export type JsonSchema = { [keyword: string]: unknown };

/**
 * Every scenario the stand-in can play instead of a normal reply.
 *
 * Content scenarios apply only to generation endpoints (`POST /v1/chat/completions` and
 * `POST /v1/responses`) and shape an otherwise normal 200 reply:
 * - truncated: the output is cut in the middle of the JSON (finish_reason `length`,
 *   Responses status `incomplete`).
 * - refusal: the model refuses (`message.refusal` is set, content is null).
 * - invalid_json: the content is text that is not valid JSON.
 * - content_filter: finish_reason `content_filter` with null content.
 *
 * Error scenarios replace the reply with the error OpenAI sends for that case. They apply
 * to every `/v1` endpoint, except schema_rejected, which applies to generation only.
 *
 * Transport scenarios:
 * - slow_headers: the normal reply, sent after `delayMs` (first-byte delay).
 * - stalled_body: the status line, headers and half of the body, then `delayMs` of
 *   silence, then the rest.
 * - connection_reset: the TCP connection is reset before any byte is written.
 *
 * `normal` plays nothing special, which lets a queue let one request through.
 */
export const SCENARIO_NAMES = [
  'normal',
  'truncated',
  'refusal',
  'invalid_json',
  'content_filter',
  'schema_rejected',
  'invalid_api_key',
  'mismatched_organization',
  'permission_denied',
  'model_not_found',
  'rate_limited',
  'rate_limited_retry_after_ms',
  'rate_limited_retry_after_date',
  'rate_limited_without_retry_after',
  'insufficient_quota',
  'server_error_500',
  'server_error_500_no_retry',
  'bad_gateway_502',
  'service_unavailable_503',
  'gateway_timeout_504',
  'slow_headers',
  'stalled_body',
  'connection_reset',
] as const;

export type ScenarioName = (typeof SCENARIO_NAMES)[number];

/** A scenario with its optional parameters. */
export interface ScenarioSpec {
  name: ScenarioName;
  /** For slow_headers and stalled_body: how long the stand-in waits, in ms. Default: the `stallMs` option. */
  delayMs?: number;
  /**
   * For the rate_limited scenarios: the delay to announce, in ms. rate_limited sends it as
   * `retry-after` in whole seconds (rounded up, at least 1); rate_limited_retry_after_ms
   * sends it as `retry-after-ms` and, rounded up to seconds, as `retry-after`.
   */
  retryAfterMs?: number;
  /** Queue only: the request path this entry waits for, such as `/v1/models`; any `/v1` path when absent. */
  path?: string;
}

/** Plays a scenario for every generation request whose user message contains `inputIncludes`. */
export interface ScenarioRule {
  /** Case-sensitive text searched in the user message (chat) or the input (Responses). */
  inputIncludes: string;
  scenario: ScenarioName | ScenarioSpec;
}

/** An API key the stand-in accepts. */
export interface StandInKey {
  key: string;
  /** `exhausted` makes every request with this key fail with 429 insufficient_quota. Default `available`. */
  quota?: 'available' | 'exhausted';
  /** Models this key may use; all configured models when absent. Others get 404 model_not_found. */
  models?: string[];
  /** When set, a request whose `OpenAI-Organization` header names another organization gets 401 mismatched_organization. */
  organization?: string;
}

/** What a custom answer function receives for one generation request. */
export interface AnswerContext {
  endpoint: 'chat.completions' | 'responses';
  model: string;
  /** Text of the system and developer messages (chat) or `instructions` (Responses), joined by newlines. */
  instructions: string;
  /** Text of the user messages (chat) or the input (Responses), joined by newlines. */
  input: string;
  /** Name of the requested JSON schema; null for plain-text requests. */
  schemaName: string | null;
  /** The requested JSON schema; null for plain-text requests. */
  schema: JsonSchema | null;
}

/**
 * Computes the JSON value the model outputs. Returning undefined falls back to the
 * default rules. The stand-in does not check the value against the schema: a function
 * that returns a non-conforming value produces a non-conforming reply.
 */
export type AnswerFunction = (context: AnswerContext) => unknown;

export interface OpenAiStandInOptions {
  /** Interface to listen on. Default `127.0.0.1`. */
  host?: string;
  /** TCP port; 0 (the default) picks a free one. */
  port?: number;
  /** Accepted keys. Default: STAND_IN_KEY (available) and STAND_IN_NO_QUOTA_KEY (exhausted). */
  keys?: Array<string | StandInKey>;
  /** Model ids the stand-in serves. Default: DEFAULT_STAND_IN_MODELS. */
  models?: string[];
  /** Fixed delay in ms before every `/v1` reply, errors included. Default 0. */
  responseDelayMs?: number;
  /** Requests-per-minute ceiling per key on generation endpoints; over it, 429 rate_limit_exceeded. Unlimited when absent. */
  requestsPerMinute?: number;
  /** Tokens-per-minute ceiling per key on generation endpoints, charged as estimated prompt tokens plus the requested maximum output tokens. Unlimited when absent. */
  tokensPerMinute?: number;
  /** Custom answer; see AnswerFunction. */
  answer?: AnswerFunction;
  /**
   * Keywords per enum value for the default answer. A string enum value without an entry
   * matches its own text. Matching is case-insensitive and on whole words.
   */
  enumKeywords?: Record<string, string[]>;
  /** Scenarios triggered by the content of the user message. */
  scenarioRules?: ScenarioRule[];
  /** Default wait of slow_headers and stalled_body, in ms. Default 60000. */
  stallMs?: number;
  /** How many recent requests `recordedRequests()` keeps. Default 100. */
  recordedRequestLimit?: number;
}

/** Counters since start or the last `reset()`. Paths are route templates such as `POST /v1/chat/completions`. */
export interface StandInStats {
  /** Every `/v1` request received, control requests excluded. */
  requests: number;
  byPath: Record<string, { requests: number; byStatus: Record<string, number> }>;
  /** Replies by HTTP status; a connection reset counts under `reset`. */
  byStatus: Record<string, number>;
  /** 429 replies sent because a ceiling was reached (scenarios excluded). */
  rateLimitRejections: { requests: number; tokens: number };
  /** Scenarios played, by name (`normal` excluded). */
  scenarios: Record<string, number>;
  /** Tokens reported in the usage of 200 generation replies. */
  tokens: { prompt: number; completion: number; total: number };
  /** Generation requests received and usage tokens reported during the last 60 seconds. */
  lastMinute: { requests: number; tokens: number };
  /** Requests being handled now, and the maximum seen at once. */
  inFlight: number;
  maxInFlight: number;
}

/** One request as the stand-in received it. */
export interface RecordedRequest {
  method: string;
  /** Path without the query string. */
  path: string;
  /** Headers with lowercase names; `authorization` is left out (see `apiKey`). */
  headers: Record<string, string | string[] | undefined>;
  /** The bearer token, or null without one. Only fake test keys ever reach the stand-in. */
  apiKey: string | null;
  /** The parsed JSON body; the raw text when it is not JSON; null without a body. */
  body: unknown;
}

export interface OpenAiStandIn {
  /** Base URL to give an OpenAI client, like `http://127.0.0.1:PORT/v1`. */
  readonly baseUrl: string;
  /** `http://127.0.0.1:PORT`, for the control endpoints under `/_stand-in/`. */
  readonly origin: string;
  readonly port: number;
  /** Appends scenarios to the queue; each is played once, by the first request it applies to. */
  enqueueScenarios(...scenarios: Array<ScenarioName | ScenarioSpec>): void;
  /** Number of queued scenarios not played yet. */
  pendingScenarios(): number;
  stats(): StandInStats;
  /** The most recent requests, oldest first. */
  recordedRequests(): RecordedRequest[];
  /** Clears counters, the scenario queue, rate-limit state and recorded requests. */
  reset(): void;
  /** Stops listening, cancels pending delays and destroys open connections. */
  close(): Promise<void>;
}

/** A fake key that the default configuration accepts. */
export const STAND_IN_KEY = 'sk-test-stand-in-valid-key-0000';

/** A fake key that the default configuration recognizes but rejects with 429 insufficient_quota. */
export const STAND_IN_NO_QUOTA_KEY = 'sk-test-stand-in-no-quota-key-0000';

export const DEFAULT_STAND_IN_MODELS: readonly string[] = ['gpt-4o-mini', 'gpt-4o', 'gpt-4.1-mini', 'gpt-4.1'];
