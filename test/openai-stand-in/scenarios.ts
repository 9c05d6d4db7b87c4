/**
 * How a request gets a scenario, and the replies of the error scenarios.
 *
 * A request plays at most one scenario, taken from the first of these that yields one:
 * 1. the `x-stand-in-scenario` request header (with optional `x-stand-in-delay-ms` and
 *    `x-stand-in-retry-after-ms`);
 * 2. the queue filled by `enqueueScenarios()` or `POST /_stand-in/scenarios`: the first
 *    entry that applies to the request is removed and played;
 * 3. the first scenario rule whose text appears in the user message.
 */

import type { IncomingHttpHeaders } from 'node:http';

import { errorReply, insufficientQuota, invalidApiKey, mismatchedOrganization, modelNotFound, permissionDenied, rateLimitExceeded, serverError } from './errors.ts';
import type { StandInReply } from './errors.ts';
import { SCENARIO_NAMES } from './types.ts';
import type { ScenarioName, ScenarioRule, ScenarioSpec } from './types.ts';

/** Scenarios that shape a 200 reply and so apply only to generation endpoints. */
export const CONTENT_SCENARIOS: ReadonlySet<ScenarioName> = new Set(['truncated', 'refusal', 'invalid_json', 'content_filter']);

const GENERATION_ONLY_SCENARIOS: ReadonlySet<ScenarioName> = new Set([...CONTENT_SCENARIOS, 'schema_rejected']);

/** Defaults announced by the rate_limited scenarios, in ms. */
export const DEFAULT_RETRY_AFTER_MS = 2000;
export const DEFAULT_RETRY_AFTER_MS_HEADER_MS = 1500;
export const DEFAULT_RETRY_AFTER_DATE_MS = 3000;

/** The API key sent with an invalid_api_key scenario is not known, so its message quotes this placeholder. */
const SCENARIO_KEY_PLACEHOLDER = 'sk-test-scenario-placeholder-key';

export const SCENARIO_HEADER = 'x-stand-in-scenario';
export const SCENARIO_DELAY_HEADER = 'x-stand-in-delay-ms';
export const SCENARIO_RETRY_AFTER_HEADER = 'x-stand-in-retry-after-ms';

/** Validates a scenario given by name or as a spec; throws an Error naming the problem. */
export function normalizeScenario(value: unknown): ScenarioSpec {
  const spec: unknown = typeof value === 'string' ? { name: value } : value;
  if (typeof spec !== 'object' || spec === null) {
    throw new Error(`Invalid stand-in scenario ${JSON.stringify(value)}: expected a scenario name or an object with "name".`);
  }

  const { name, delayMs, retryAfterMs, path } = spec as Record<string, unknown>;
  if (typeof name !== 'string' || !(SCENARIO_NAMES as readonly string[]).includes(name)) {
    throw new Error(`Unknown stand-in scenario ${JSON.stringify(name)}. Expected one of: ${SCENARIO_NAMES.join(', ')}.`);
  }
  for (const [field, fieldValue] of [['delayMs', delayMs], ['retryAfterMs', retryAfterMs]] as const) {
    if (fieldValue !== undefined && (typeof fieldValue !== 'number' || !Number.isFinite(fieldValue) || fieldValue < 0)) {
      throw new Error(`Invalid ${field} ${JSON.stringify(fieldValue)} for stand-in scenario "${name}": expected a number of ms >= 0.`);
    }
  }
  if (path !== undefined && (typeof path !== 'string' || !path.startsWith('/'))) {
    throw new Error(`Invalid path ${JSON.stringify(path)} for stand-in scenario "${name}": expected a path such as "/v1/models".`);
  }

  const result: ScenarioSpec = { name: name as ScenarioName };
  if (delayMs !== undefined) result.delayMs = delayMs as number;
  if (retryAfterMs !== undefined) result.retryAfterMs = retryAfterMs as number;
  if (path !== undefined) result.path = path as string;
  return result;
}

/** Returns whether a scenario can be played by a request to `path`. */
export function scenarioAppliesTo(spec: ScenarioSpec, path: string, isGeneration: boolean): boolean {
  if (spec.path !== undefined && spec.path !== path) {
    return false;
  }
  return isGeneration || !GENERATION_ONLY_SCENARIOS.has(spec.name);
}

/** The scenarios queued by a test, played in order by the requests they apply to. */
export class ScenarioQueue {
  private entries: ScenarioSpec[] = [];

  push(specs: ScenarioSpec[]): void {
    this.entries.push(...specs);
  }

  size(): number {
    return this.entries.length;
  }

  clear(): void {
    this.entries = [];
  }

  /** Removes and returns the first entry that applies to the request, if any. */
  take(path: string, isGeneration: boolean): ScenarioSpec | undefined {
    const index = this.entries.findIndex((spec) => scenarioAppliesTo(spec, path, isGeneration));
    if (index === -1) {
      return undefined;
    }
    return this.entries.splice(index, 1)[0];
  }
}

/** Reads the scenario headers of a request; throws an Error naming the problem. */
export function scenarioFromHeaders(headers: IncomingHttpHeaders): ScenarioSpec | undefined {
  const name = headers[SCENARIO_HEADER];
  if (typeof name !== 'string') {
    return undefined;
  }

  const spec: Record<string, unknown> = { name };
  const delay = headers[SCENARIO_DELAY_HEADER];
  if (typeof delay === 'string') {
    spec.delayMs = Number(delay);
  }
  const retryAfter = headers[SCENARIO_RETRY_AFTER_HEADER];
  if (typeof retryAfter === 'string') {
    spec.retryAfterMs = Number(retryAfter);
  }
  return normalizeScenario(spec);
}

/** Returns the scenario of the first rule whose text appears in `input`. */
export function scenarioFromRules(rules: ReadonlyArray<{ rule: ScenarioRule; spec: ScenarioSpec }>, input: string): ScenarioSpec | undefined {
  return rules.find(({ rule }) => input.includes(rule.inputIncludes))?.spec;
}

/** What an error scenario needs to know about the request it replaces. */
export interface ScenarioRequestContext {
  endpoint: 'chat.completions' | 'responses' | 'models';
  model: string;
  schemaName: string;
}

/** Builds the reply of an error scenario; returns null for content, transport and `normal` scenarios. */
export function errorScenarioReply(spec: ScenarioSpec, context: ScenarioRequestContext): StandInReply | null {
  switch (spec.name) {
    case 'schema_rejected':
      return schemaRejected(context);
    case 'invalid_api_key':
      return invalidApiKey(SCENARIO_KEY_PLACEHOLDER);
    case 'mismatched_organization':
      return mismatchedOrganization();
    case 'permission_denied':
      return permissionDenied();
    case 'model_not_found':
      return modelNotFound(context.model);
    case 'rate_limited': {
      const retryAfterMs = spec.retryAfterMs ?? DEFAULT_RETRY_AFTER_MS;
      return scenarioRateLimit(context.model, retryAfterMs, { 'retry-after': String(wholeSeconds(retryAfterMs)) });
    }
    case 'rate_limited_retry_after_ms': {
      const retryAfterMs = spec.retryAfterMs ?? DEFAULT_RETRY_AFTER_MS_HEADER_MS;
      return scenarioRateLimit(context.model, retryAfterMs, {
        'retry-after-ms': String(retryAfterMs),
        'retry-after': String(wholeSeconds(retryAfterMs)),
      });
    }
    case 'rate_limited_retry_after_date': {
      const retryAfterMs = spec.retryAfterMs ?? DEFAULT_RETRY_AFTER_DATE_MS;
      return scenarioRateLimit(context.model, retryAfterMs, { 'retry-after': new Date(Date.now() + retryAfterMs).toUTCString() });
    }
    case 'rate_limited_without_retry_after':
      return scenarioRateLimit(context.model, null, {});
    case 'insufficient_quota':
      return insufficientQuota();
    case 'server_error_500':
      return serverError(500);
    case 'server_error_500_no_retry':
      return serverError(500, { 'x-should-retry': 'false' });
    case 'bad_gateway_502':
      return serverError(502);
    case 'service_unavailable_503':
      return serverError(503);
    case 'gateway_timeout_504':
      return serverError(504);
    default:
      return null;
  }
}

function schemaRejected(context: ScenarioRequestContext): StandInReply {
  const message = `Invalid schema for response_format '${context.schemaName}': In context=(), 'additionalProperties' is required to be supplied and to be false.`;
  if (context.endpoint === 'responses') {
    return errorReply(400, 'invalid_request_error', message, 'text.format.schema', 'invalid_json_schema');
  }
  return errorReply(400, 'invalid_request_error', message, 'response_format', null);
}

function scenarioRateLimit(model: string, retryAfterMs: number | null, headers: Record<string, string>): StandInReply {
  const wait = retryAfterMs === null ? '' : ` Please try again in ${wholeSeconds(retryAfterMs)}s.`;
  return rateLimitExceeded('requests', model, `Limit 500, Used 500, Requested 1.${wait}`, headers);
}

/** Seconds for a `retry-after` header: rounded up and at least 1, as OpenAI's API description requires. */
export function wholeSeconds(ms: number): number {
  return Math.max(1, Math.ceil(ms / 1000));
}
