/**
 * An HTTP server on loopback that speaks enough of the OpenAI API for the connector's
 * tests, demo and benchmarks: `GET /v1/models`, `GET /v1/models/{model}`,
 * `POST /v1/chat/completions` and `POST /v1/responses`, with structured outputs,
 * deterministic outputs, rate limits and failure scenarios on demand.
 *
 *   const standIn = await startOpenAiStandIn({ models: ['gpt-4o-mini'] });
 *   new OpenAI({ apiKey: STAND_IN_KEY, baseURL: standIn.baseUrl });
 *   await standIn.close();
 *
 * Control endpoints for a stand-in running in another process (no authentication, so
 * listen on loopback only): `GET /_stand-in/stats`, `GET /_stand-in/requests`,
 * `POST /_stand-in/scenarios` (a JSON array of scenario names or specs) and
 * `POST /_stand-in/reset`.
 */

import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { IncomingHttpHeaders, IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

import { chatCompletionReply, parseChatCompletionRequest } from './chat-completions.ts';
import {
  errorReply,
  insufficientQuota,
  invalidApiKey,
  invalidUrl,
  mismatchedOrganization,
  missingApiKey,
  missingParameter,
  modelNotFound,
  rateLimitExceeded,
  unparsableJsonBody,
} from './errors.ts';
import type { StandInReply } from './errors.ts';
import { estimateTokens, generateOutput, isObject } from './generation.ts';
import type { AnswerSettings, GenerationRequest } from './generation.ts';
import { formatResetDuration, KeyRateLimiter } from './rate-limits.ts';
import { parseResponsesRequest, responseReply } from './responses.ts';
import {
  CONTENT_SCENARIOS,
  errorScenarioReply,
  normalizeScenario,
  ScenarioQueue,
  scenarioFromHeaders,
  scenarioFromRules,
  wholeSeconds,
} from './scenarios.ts';
import { StandInCounters } from './stats.ts';
import { DEFAULT_STAND_IN_MODELS, STAND_IN_KEY, STAND_IN_NO_QUOTA_KEY } from './types.ts';
import type {
  OpenAiStandIn,
  OpenAiStandInOptions,
  RecordedRequest,
  ScenarioName,
  ScenarioRule,
  ScenarioSpec,
  StandInKey,
  StandInStats,
} from './types.ts';

/** The value OpenAI sends in `openai-version`. */
const OPENAI_VERSION = '2020-10-01';
const CONTROL_PREFIX = '/_stand-in/';
const MAX_BODY_BYTES = 20 * 1024 * 1024;
const DEFAULT_STALL_MS = 60_000;
const DEFAULT_RECORDED_REQUEST_LIMIT = 100;
/** `created` of every model in `/v1/models`: a fixed time so that replies are reproducible. */
const MODEL_CREATED_AT = 1_700_000_000;

type RouteId = 'models.list' | 'models.retrieve' | 'chat.completions' | 'responses';

interface Route {
  id: RouteId;
  /** Route template used as the key of the per-path counters. */
  template: string;
  /** The `{model}` of `GET /v1/models/{model}`. */
  model?: string;
}

interface KeyAccess {
  exhausted: boolean;
  models: ReadonlySet<string> | null;
  organization: string | null;
}

type ParsedBody = { kind: 'none' } | { kind: 'json'; value: unknown } | { kind: 'invalid'; text: string };

/** A reply and the rate-limit state whose headers go with it. */
interface Outcome {
  reply: StandInReply;
  limiter: KeyRateLimiter;
}

/** Starts a stand-in and resolves once it listens. */
export async function startOpenAiStandIn(options: OpenAiStandInOptions = {}): Promise<OpenAiStandIn> {
  const standIn = new StandInServer(options);
  await standIn.listen(options.host ?? '127.0.0.1', options.port ?? 0);
  return standIn;
}

class StandInServer implements OpenAiStandIn {
  baseUrl = '';
  origin = '';
  port = 0;

  private readonly server: Server;
  private readonly keys = new Map<string, KeyAccess>();
  private readonly models: readonly string[];
  private readonly modelSet: ReadonlySet<string>;
  private readonly responseDelayMs: number;
  private readonly requestsPerMinute: number | undefined;
  private readonly tokensPerMinute: number | undefined;
  private readonly stallMs: number;
  private readonly recordedRequestLimit: number;
  private readonly answerSettings: AnswerSettings;
  private readonly rules: Array<{ rule: ScenarioRule; spec: ScenarioSpec }>;

  private readonly queue = new ScenarioQueue();
  private readonly counters = new StandInCounters();
  private limiters = new Map<string, KeyRateLimiter>();
  private recorded: RecordedRequest[] = [];
  private readonly pendingDelays = new Set<{ timer: NodeJS.Timeout; resolve: () => void }>();
  private readonly idPrefix = randomBytes(6).toString('hex');
  private sequence = 0;
  private closed = false;

  constructor(options: OpenAiStandInOptions) {
    for (const entry of options.keys ?? [STAND_IN_KEY, { key: STAND_IN_NO_QUOTA_KEY, quota: 'exhausted' }]) {
      const key: StandInKey = typeof entry === 'string' ? { key: entry } : entry;
      if (typeof key.key !== 'string' || key.key === '') {
        throw new Error(`Invalid stand-in key ${JSON.stringify(entry)}: expected a non-empty string or {"key": "..."}.`);
      }
      this.keys.set(key.key, {
        exhausted: key.quota === 'exhausted',
        models: key.models ? new Set(key.models) : null,
        organization: key.organization ?? null,
      });
    }

    this.models = options.models ?? DEFAULT_STAND_IN_MODELS;
    if (this.models.length === 0 || this.models.some((model) => typeof model !== 'string' || model === '')) {
      throw new Error(`Invalid stand-in models ${JSON.stringify(this.models)}: expected at least one non-empty model id.`);
    }
    this.modelSet = new Set(this.models);

    this.responseDelayMs = checkedMilliseconds('responseDelayMs', options.responseDelayMs, 0);
    this.stallMs = checkedMilliseconds('stallMs', options.stallMs, DEFAULT_STALL_MS);
    this.requestsPerMinute = checkedCeiling('requestsPerMinute', options.requestsPerMinute);
    this.tokensPerMinute = checkedCeiling('tokensPerMinute', options.tokensPerMinute);
    this.recordedRequestLimit = options.recordedRequestLimit ?? DEFAULT_RECORDED_REQUEST_LIMIT;
    this.answerSettings = { answer: options.answer, enumKeywords: options.enumKeywords ?? {} };
    this.rules = (options.scenarioRules ?? []).map((rule) => ({ rule, spec: normalizeScenario(rule.scenario) }));

    this.server = createServer((request, response) => {
      void this.handleRequest(request, response);
    });
  }

  async listen(host: string, port: number): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => {
        this.server.off('error', reject);
        resolve();
      });
    });

    const address = this.server.address() as AddressInfo;
    const hostInUrl = address.family === 'IPv6' ? `[${address.address}]` : address.address;
    this.port = address.port;
    this.origin = `http://${hostInUrl}:${address.port}`;
    this.baseUrl = `${this.origin}/v1`;
  }

  enqueueScenarios(...scenarios: Array<ScenarioName | ScenarioSpec>): void {
    this.queue.push(scenarios.map(normalizeScenario));
  }

  pendingScenarios(): number {
    return this.queue.size();
  }

  stats(): StandInStats {
    return this.counters.snapshot(Date.now());
  }

  recordedRequests(): RecordedRequest[] {
    return [...this.recorded];
  }

  reset(): void {
    this.counters.reset();
    this.queue.clear();
    this.limiters = new Map();
    this.recorded = [];
  }

  async close(): Promise<void> {
    if (this.closed) {
      return;
    }
    this.closed = true;

    const serverClosed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const delay of [...this.pendingDelays]) {
      delay.resolve();
    }
    this.server.closeAllConnections();
    await serverClosed;
  }

  private async handleRequest(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const startedAt = performance.now();
    const method = request.method ?? 'GET';
    const path = (request.url ?? '/').split('?', 1)[0]!;

    if (path.startsWith(CONTROL_PREFIX)) {
      await this.handleControlRequest(request, response, method, path);
      return;
    }

    const route = matchRoute(method, path);
    const template = route?.template ?? 'unknown';
    this.counters.requestStarted(template);

    try {
      const body = await readBody(request);
      this.record(request, method, path, body);

      const isGeneration = route?.id === 'chat.completions' || route?.id === 'responses';
      if (isGeneration) {
        this.counters.generationReceived(Date.now());
      }

      // Requests to unknown URLs play no scenario, so that they cannot consume a queued one.
      let scenario: ScenarioSpec | undefined;
      try {
        scenario = route ? this.scenarioFor(request.headers, path, isGeneration, body) : undefined;
      } catch (error) {
        const reply = errorReply(400, 'invalid_request_error', (error as Error).message, 'x-stand-in-scenario', 'invalid_value');
        await this.send(response, template, reply, this.limiterFor(null), startedAt, undefined);
        return;
      }
      if (scenario && scenario.name !== 'normal') {
        this.counters.scenarioPlayed(scenario.name);
      }

      if (scenario?.name === 'connection_reset') {
        this.counters.replySent(template, 'reset');
        request.socket.resetAndDestroy();
        return;
      }

      const outcome = this.buildOutcome(route, method, path, request.headers, body, scenario);
      await this.send(response, template, outcome.reply, outcome.limiter, startedAt, scenario);
    } catch (error) {
      this.replyToInternalError(response, template, error);
    } finally {
      this.counters.requestFinished();
    }
  }

  /** Picks the scenario of a request: header first, then the queue, then the rules. */
  private scenarioFor(headers: IncomingHttpHeaders, path: string, isGeneration: boolean, body: ParsedBody): ScenarioSpec | undefined {
    const fromHeader = scenarioFromHeaders(headers);
    if (fromHeader) {
      return fromHeader;
    }

    const queued = this.queue.take(path, isGeneration);
    if (queued) {
      return queued;
    }

    if (isGeneration && this.rules.length > 0 && body.kind === 'json') {
      const fromRule = scenarioFromRules(this.rules, userText(body.value));
      if (fromRule) {
        return fromRule;
      }
    }
    return undefined;
  }

  private buildOutcome(
    route: Route | null,
    method: string,
    path: string,
    headers: IncomingHttpHeaders,
    body: ParsedBody,
    scenario: ScenarioSpec | undefined,
  ): Outcome {
    if (!route) {
      return { reply: invalidUrl(method, path), limiter: this.limiterFor(null) };
    }

    // Error scenarios replace the whole reply, whatever the key and the body.
    const scenarioReply = scenario ? errorScenarioReply(scenario, scenarioContext(route, body)) : null;
    if (scenarioReply) {
      return { reply: scenarioReply, limiter: this.limiterFor(bearerToken(headers.authorization)) };
    }

    const apiKey = bearerToken(headers.authorization);
    if (apiKey === null) {
      return { reply: missingApiKey(), limiter: this.limiterFor(null) };
    }
    const access = this.keys.get(apiKey);
    if (!access) {
      return { reply: invalidApiKey(apiKey), limiter: this.limiterFor(null) };
    }

    const limiter = this.limiterFor(apiKey);
    const organization = headers['openai-organization'];
    if (access.organization !== null && typeof organization === 'string' && organization !== access.organization) {
      return { reply: mismatchedOrganization(), limiter };
    }
    if (access.exhausted) {
      return { reply: insufficientQuota(), limiter };
    }

    switch (route.id) {
      case 'models.list':
        return { reply: this.modelList(access), limiter };
      case 'models.retrieve':
        return { reply: this.modelDetails(access, route.model ?? ''), limiter };
      case 'chat.completions':
      case 'responses':
        return { reply: this.generate(route.id, access, limiter, body, scenario), limiter };
    }
  }

  private modelList(access: KeyAccess): StandInReply {
    const data = this.models.filter((model) => access.models === null || access.models.has(model)).map(modelObject);
    return { status: 200, body: { object: 'list', data } };
  }

  private modelDetails(access: KeyAccess, model: string): StandInReply {
    if (!this.mayUse(access, model)) {
      return modelNotFound(model);
    }
    return { status: 200, body: modelObject(model) };
  }

  private generate(
    endpoint: 'chat.completions' | 'responses',
    access: KeyAccess,
    limiter: KeyRateLimiter,
    body: ParsedBody,
    scenario: ScenarioSpec | undefined,
  ): StandInReply {
    if (body.kind === 'none') {
      return missingParameter('model');
    }
    if (body.kind === 'invalid') {
      return unparsableJsonBody();
    }

    const parsed = endpoint === 'chat.completions' ? parseChatCompletionRequest(body.value) : parseResponsesRequest(body.value);
    if (!parsed.ok) {
      return parsed.reply;
    }
    const request = parsed.request;

    if (!this.mayUse(access, request.model)) {
      return modelNotFound(request.model);
    }

    const now = Date.now();
    const rejection = this.admit(limiter, request, now);
    if (rejection) {
      return rejection;
    }

    const contentScenario = scenario && CONTENT_SCENARIOS.has(scenario.name) ? scenario : undefined;
    const output = generateOutput(request, contentScenario, this.answerSettings);
    this.counters.tokensReported(output.promptTokens, output.completionTokens, now);

    const id = this.nextId();
    const created = Math.floor(now / 1000);
    if (endpoint === 'chat.completions') {
      return chatCompletionReply(request, output, `chatcmpl-${id}`, created);
    }
    return responseReply(request, output, { response: `resp_${id}`, message: `msg_${id}` }, created);
  }

  /** Charges the request to the key's limits; returns the 429 reply when a ceiling is reached. */
  private admit(limiter: KeyRateLimiter, request: GenerationRequest, now: number): StandInReply | null {
    const tokenCost = estimateTokens(request.promptCharacters) + (request.maxOutputTokens ?? 0);
    const decision = limiter.admit(tokenCost, now);
    if (decision.allowed) {
      return null;
    }

    this.counters.rateLimitRejected(decision.kind);
    const detail = `Limit ${decision.limit}, Used ${decision.used}, Requested ${decision.requested}. Please try again in ${formatResetDuration(decision.retryAfterMs)}.`;
    return rateLimitExceeded(decision.kind, request.model, detail, { 'retry-after': String(wholeSeconds(decision.retryAfterMs)) });
  }

  private mayUse(access: KeyAccess, model: string): boolean {
    return this.modelSet.has(model) && (access.models === null || access.models.has(model));
  }

  /** Returns the limiter of a key. Requests without a known key share one that is never charged. */
  private limiterFor(apiKey: string | null): KeyRateLimiter {
    const name = apiKey !== null && this.keys.has(apiKey) ? apiKey : '';
    let limiter = this.limiters.get(name);
    if (!limiter) {
      limiter = new KeyRateLimiter(this.requestsPerMinute, this.tokensPerMinute, Date.now());
      this.limiters.set(name, limiter);
    }
    return limiter;
  }

  /** Writes a reply after the configured delays, in one piece or stalled halfway for stalled_body. */
  private async send(
    response: ServerResponse,
    template: string,
    reply: StandInReply,
    limiter: KeyRateLimiter,
    startedAt: number,
    scenario: ScenarioSpec | undefined,
  ): Promise<void> {
    const firstByteDelay = scenario?.name === 'slow_headers' ? (scenario.delayMs ?? this.stallMs) : 0;
    const delayMs = this.responseDelayMs + firstByteDelay;
    if (delayMs > 0) {
      await this.sleep(delayMs, response);
    }
    if (response.destroyed || this.closed) {
      return;
    }

    const text = JSON.stringify(reply.body);
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      'content-length': String(Buffer.byteLength(text)),
      'x-request-id': `req_${this.nextId()}`,
      'openai-version': OPENAI_VERSION,
      'openai-processing-ms': String(Math.round(performance.now() - startedAt)),
      ...limiter.headers(Date.now()),
      ...reply.headers,
    };
    this.counters.replySent(template, reply.status);

    if (scenario?.name !== 'stalled_body') {
      response.writeHead(reply.status, headers);
      response.end(text);
      return;
    }

    const half = Math.floor(text.length / 2);
    response.writeHead(reply.status, headers);
    response.write(text.slice(0, half));
    await this.sleep(scenario.delayMs ?? this.stallMs, response);
    if (!response.destroyed && !this.closed) {
      response.end(text.slice(half));
    }
  }

  private replyToInternalError(response: ServerResponse, template: string, error: unknown): void {
    // A client that disconnects while its body is read is normal under load and not worth a log line.
    if (response.destroyed) {
      return;
    }

    const message = error instanceof Error ? error.message : String(error);
    console.error(`OpenAI stand-in: ${template} failed inside the stand-in: ${message}`);
    if (response.headersSent) {
      response.destroy();
      return;
    }

    const text = JSON.stringify({ error: { message: `OpenAI stand-in failure: ${message}`, type: 'server_error', param: null, code: null } });
    this.counters.replySent(template, 500);
    response.writeHead(500, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(text)) });
    response.end(text);
  }

  private async handleControlRequest(request: IncomingMessage, response: ServerResponse, method: string, path: string): Promise<void> {
    const route = `${method} ${path}`;
    let status = 200;
    let body: unknown;

    if (route === 'GET /_stand-in/stats') {
      body = this.stats();
    } else if (route === 'GET /_stand-in/requests') {
      body = this.recordedRequests();
    } else if (route === 'POST /_stand-in/reset') {
      this.reset();
      body = { reset: true };
    } else if (route === 'POST /_stand-in/scenarios') {
      const parsed = await readBody(request);
      try {
        if (parsed.kind !== 'json' || !Array.isArray(parsed.value)) {
          throw new Error('Expected a JSON array of scenario names or {"name": ...} objects.');
        }
        this.queue.push(parsed.value.map(normalizeScenario));
        body = { pending: this.queue.size() };
      } catch (error) {
        status = 400;
        body = { error: { message: (error as Error).message, type: 'invalid_request_error', param: null, code: null } };
      }
    } else {
      status = 404;
      body = { error: { message: `Unknown stand-in control endpoint (${route}).`, type: 'invalid_request_error', param: null, code: null } };
    }

    const text = JSON.stringify(body);
    response.writeHead(status, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(text)) });
    response.end(text);
  }

  private record(request: IncomingMessage, method: string, path: string, body: ParsedBody): void {
    if (this.recordedRequestLimit <= 0) {
      return;
    }

    const { authorization, ...headers } = request.headers;
    const recorded: RecordedRequest = {
      method,
      path,
      headers,
      apiKey: bearerToken(authorization),
      body: recordedBody(body),
    };
    this.recorded.push(recorded);
    if (this.recorded.length > this.recordedRequestLimit) {
      this.recorded.shift();
    }
  }

  /**
   * Waits `ms`, or less when the client disconnects first or `close()` is called, so that
   * no handler outlives its connection or the server.
   */
  private sleep(ms: number, response: ServerResponse): Promise<void> {
    return new Promise((resolve) => {
      const finish = (): void => {
        clearTimeout(delay.timer);
        this.pendingDelays.delete(delay);
        response.off('close', finish);
        resolve();
      };
      const delay = { timer: setTimeout(finish, ms), resolve: finish };
      this.pendingDelays.add(delay);
      response.once('close', finish);
    });
  }

  private nextId(): string {
    this.sequence += 1;
    return this.idPrefix + this.sequence.toString(16).padStart(20, '0');
  }
}

function matchRoute(method: string, path: string): Route | null {
  if (method === 'GET' && path === '/v1/models') {
    return { id: 'models.list', template: 'GET /v1/models' };
  }
  if (method === 'GET' && path.startsWith('/v1/models/') && path.length > '/v1/models/'.length) {
    return { id: 'models.retrieve', template: 'GET /v1/models/{model}', model: decodeURIComponent(path.slice('/v1/models/'.length)) };
  }
  if (method === 'POST' && path === '/v1/chat/completions') {
    return { id: 'chat.completions', template: 'POST /v1/chat/completions' };
  }
  if (method === 'POST' && path === '/v1/responses') {
    return { id: 'responses', template: 'POST /v1/responses' };
  }
  return null;
}

function modelObject(model: string): Record<string, unknown> {
  return { id: model, object: 'model', created: MODEL_CREATED_AT, owned_by: 'system' };
}

function bearerToken(authorization: string | undefined): string | null {
  if (!authorization?.startsWith('Bearer ')) {
    return null;
  }
  const token = authorization.slice('Bearer '.length).trim();
  return token === '' ? null : token;
}

/** Extracts what error scenarios quote from the request: its model and schema name, when the body has them. */
function scenarioContext(route: Route, body: ParsedBody) {
  const value = body.kind === 'json' && isObject(body.value) ? body.value : {};
  const model = typeof value.model === 'string' ? value.model : (route.model ?? 'gpt-4o-mini');

  let schemaName = 'response';
  const responseFormat = value.response_format;
  const textFormat = isObject(value.text) ? value.text.format : undefined;
  if (isObject(responseFormat) && isObject(responseFormat.json_schema) && typeof responseFormat.json_schema.name === 'string') {
    schemaName = responseFormat.json_schema.name;
  } else if (isObject(textFormat) && typeof textFormat.name === 'string') {
    schemaName = textFormat.name;
  }

  let endpoint: 'chat.completions' | 'responses' | 'models' = 'models';
  if (route.id === 'chat.completions' || route.id === 'responses') {
    endpoint = route.id;
  }
  return { endpoint, model, schemaName };
}

/** Extracts the user text of a generation body, which scenario rules search. */
function userText(body: unknown): string {
  if (!isObject(body)) {
    return '';
  }
  if (typeof body.input === 'string') {
    return body.input;
  }

  const items = Array.isArray(body.messages) ? body.messages : Array.isArray(body.input) ? body.input : [];
  const texts: string[] = [];
  for (const item of items) {
    if (isObject(item) && item.role === 'user') {
      texts.push(typeof item.content === 'string' ? item.content : JSON.stringify(item.content));
    }
  }
  return texts.join('\n');
}

function recordedBody(body: ParsedBody): unknown {
  if (body.kind === 'json') {
    return body.value;
  }
  if (body.kind === 'invalid') {
    return body.text;
  }
  return null;
}

async function readBody(request: IncomingMessage): Promise<ParsedBody> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size <= MAX_BODY_BYTES) {
      chunks.push(chunk as Buffer);
    }
  }

  if (size === 0) {
    return { kind: 'none' };
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (size > MAX_BODY_BYTES) {
    return { kind: 'invalid', text: text.slice(0, 1000) };
  }

  try {
    return { kind: 'json', value: JSON.parse(text) };
  } catch {
    return { kind: 'invalid', text };
  }
}

function checkedMilliseconds(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) {
    return fallback;
  }
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new Error(`Invalid stand-in option ${name} ${JSON.stringify(value)}: expected a number of ms >= 0.`);
  }
  return value;
}

function checkedCeiling(name: string, value: number | undefined): number | undefined {
  if (value === undefined) {
    return undefined;
  }
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new Error(`Invalid stand-in option ${name} ${JSON.stringify(value)}: expected a number > 0.`);
  }
  return value;
}
