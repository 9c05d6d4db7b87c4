import type { FastifyBaseLogger } from 'fastify';
import type { CredentialService } from '../credentials/credential-service';
import { ApiError } from '../errors';
import type { InferenceAccessResult, InferenceEvent } from '../flows/engine/run-context';
import { runFlow, type RunFlowResponse } from '../flows/run-flow';
import { runSingleInference, type InferenceResponse } from '../flows/run-single-inference';
import { validateFlow, type FlowValidation } from '../flows/validate-flow';
import { validateInferenceConfig } from '../flows/validate-inference-config';
import type { AiInferenceConfig } from '../flows/definition';
import type { PacerRegistry } from '../inference/rate-pacer';
import type { ProviderId } from '../providers/provider';
import type { RoutedRecord } from '../schemas/flows';
import { orgScope, type Database, type InferenceLogEntry, type Org } from '../store';
import type { InferenceAccessCache, ResolvedAccess } from './access-cache';
import type { InferenceLogWriter } from './inference-log-writer';

export interface RoutingServiceOptions {
  database: Database;
  credentials: CredentialService;
  /** Records of one run processed at the same time. */
  concurrency: number;
  accessCache: InferenceAccessCache;
  /** Paces each org key's provider calls across all runs of the process. */
  pacers: PacerRegistry;
  inferenceLog: InferenceLogWriter;
}

/**
 * Validates and runs routing flows for an org: resolves the org's AI settings and key
 * once per run (through a short-lived cache), runs the engine, and queues one
 * inference-log row per inference after the run.
 */
export class RoutingService {
  constructor(private readonly options: RoutingServiceOptions) {}

  validate(definition: unknown): FlowValidation {
    const validation = validateFlow(definition);
    // The parsed definition is internal; the response lists problems and facts only.
    const { definition: _parsed, ...response } = validation;
    return response;
  }

  async run(org: Org, request: { definition: unknown; records: RoutedRecord[] }, log: FastifyBaseLogger): Promise<RunFlowResponse> {
    const validation = validateFlow(request.definition);
    if (!validation.valid || validation.definition === undefined) {
      const problems = validation.problems.map((problem) => ({
        field: `body.definition${problem.path === '' ? '' : problem.path.startsWith('[') ? problem.path : `.${problem.path}`}`,
        message: problem.nodeId === null ? problem.message : `node ${problem.nodeId}: ${problem.message}`,
      }));
      throw new ApiError(
        422,
        'invalid_flow',
        `The flow definition has ${problems.length} problem${problems.length === 1 ? '' : 's'}; validate it with POST /v1/flows/validate. First: ${problems[0]?.message ?? 'unknown'}`,
        problems,
      );
    }

    checkDistinctRecordIds(request.records);

    const events: InferenceEvent[] = [];
    const access = new AccessResolver(org, this.options);
    const response = await runFlow(validation.definition, request.records, {
      concurrency: this.options.concurrency,
      resolveInference: () => access.resolve(),
      // Awaited so that a key rejected during the run is marked invalid before the response.
      onInference: async (event) => {
        events.push(event);
        await access.reportOutcome(event, log);
      },
    });

    this.recordInferences(org, access.provider, events, log);
    log.info(
      {
        flowId: response.flow.flowId,
        flowVersion: response.flow.version,
        records: response.results.length,
        routed: response.results.filter((result) => result.status === 'routed').length,
        failed: response.results.filter((result) => result.status === 'failed').length,
        totalTokens: response.usage.totalTokens,
      },
      'flow run finished',
    );
    return response;
  }

  async infer(
    org: Org,
    request: { config: AiInferenceConfig; record: RoutedRecord; source?: { flowId?: string | undefined; nodeId?: string | undefined } | undefined },
    log: FastifyBaseLogger,
  ): Promise<InferenceResponse> {
    const problems = validateInferenceConfig(request.config);
    if (problems.length > 0) {
      const fields = problems.map((problem) => ({ field: `body.${problem.path}`, message: problem.message }));
      throw new ApiError(400, 'invalid_request', `Invalid request. ${fields.map((f) => `${f.field}: ${f.message}`).join('; ')}`, fields);
    }

    const events: InferenceEvent[] = [];
    const access = new AccessResolver(org, this.options);
    const source: { flowId?: string; nodeId?: string } = {};
    if (request.source?.flowId !== undefined) source.flowId = request.source.flowId;
    if (request.source?.nodeId !== undefined) source.nodeId = request.source.nodeId;

    const response = await runSingleInference(request.config, request.record, {
      source,
      resolveInference: () => access.resolve(),
      // Awaited so that a key rejected during the run is marked invalid before the response.
      onInference: async (event) => {
        events.push(event);
        await access.reportOutcome(event, log);
      },
    });
    this.recordInferences(org, access.provider, events, log);
    return response;
  }

  /** Queues the run's provider calls for the inference log; a failed write is logged, never fails routing. */
  private recordInferences(org: Org, provider: ProviderId | null, events: InferenceEvent[], log: FastifyBaseLogger): void {
    const entries: InferenceLogEntry[] = events
      .filter((event) => event.attempts > 0 && provider !== null)
      .map((event) => ({
        at: new Date(),
        flowId: event.flowId,
        flowVersion: event.flowVersion,
        nodeId: event.nodeId,
        recordId: event.recordId,
        provider: provider as ProviderId,
        model: event.model ?? 'unknown',
        promptTokens: event.usage.promptTokens,
        completionTokens: event.usage.completionTokens,
        totalTokens: event.usage.totalTokens,
        latencyMs: event.latencyMs,
        outcome: event.outcome,
        errorCode: event.errorCode,
      }));
    this.options.inferenceLog.append(org.id, entries, log);
  }
}

/**
 * Loads the org's AI settings and key once per run, and turns a key the provider
 * rejects during the run into an `invalid` credential status the admin can see.
 */
class AccessResolver {
  provider: ProviderId | null = null;
  private keyId: string | undefined;
  private rejectionReported = false;

  constructor(
    private readonly org: Org,
    private readonly options: RoutingServiceOptions,
  ) {}

  async resolve(): Promise<InferenceAccessResult> {
    const resolved = await this.options.accessCache.get(this.org.id, () => this.load());
    this.provider = resolved.provider;
    this.keyId = resolved.access.keyId;
    if (!resolved.access.ok || resolved.provider === null) {
      return resolved.access;
    }
    return { ...resolved.access, pacer: this.options.pacers.forKey(this.org.id, resolved.provider, resolved.access.keyId) };
  }

  private async load(): Promise<ResolvedAccess> {
    const settings = await orgScope(this.options.database, this.org.id).settings.get();
    if (!settings.aiInferenceEnabled || settings.provider === null) {
      return {
        provider: null,
        access: {
          ok: false,
          code: 'ai_disabled',
          message: 'The AI Inference node is turned off for this org. Turn it on in Admin Settings > AI Tools.',
        },
      };
    }

    const access = await this.options.credentials.resolveForInference(this.org, settings.provider, settings.defaultModel);
    return { provider: settings.provider, access };
  }

  async reportOutcome(event: InferenceEvent, log: FastifyBaseLogger): Promise<void> {
    if (this.provider === null || this.rejectionReported) return;
    if (event.attempts === 0) return;
    if (event.errorCode !== 'invalid_key' && event.errorCode !== 'quota') return;

    this.rejectionReported = true;
    try {
      await this.options.credentials.markRejected(this.org, this.provider, this.keyId, event.errorCode);
      log.warn({ provider: this.provider, errorCode: event.errorCode }, 'provider rejected the org key during routing; status recorded');
    } catch (error) {
      log.error({ err: error }, 'failed to record the rejected key status');
    }
  }
}

function checkDistinctRecordIds(records: RoutedRecord[]): void {
  const seen = new Map<string, number>();
  records.forEach((record, index) => {
    const key = record.id.slice(0, 15);
    const first = seen.get(key);
    if (first !== undefined) {
      throw new ApiError(400, 'invalid_request', `Invalid request. body.records[${index}].id: record ${record.id} appears twice (first at records[${first}]); send each record once per run.`, [
        { field: `body.records[${index}].id`, message: `record ${record.id} appears twice (first at records[${first}])` },
      ]);
    }
    seen.set(key, index);
  });
}
