import type { AiInferenceConfig } from '../definition';
import type { RoutedRecord } from '../../schemas/flows';
import { describeInferenceError } from '../../inference/error-messages';
import { runInference } from '../../inference/run-inference';
import { emptyUsage, type InferenceErrorCode, type InferenceResult } from '../../inference/types';
import type { InferenceAccessResult, InferenceContext } from './run-context';

/** Errors that concern the key's account rather than one request, so every later call would fail alike. */
const ACCOUNT_ERROR_CODES: ReadonlySet<InferenceErrorCode> = new Set(['invalid_key', 'quota']);

export interface InferenceSource {
  flowId: string | null;
  flowVersion: number | null;
}

/**
 * Runs the inferences of one flow run. It resolves the org's provider access once, on first
 * use, and reports each inference to `onInference`. After the provider rejects the key or
 * the account's quota, later records get the same error at once, without a call.
 */
export class InferenceSession {
  private access: Promise<InferenceAccessResult> | undefined;
  private accountError: { code: InferenceErrorCode; message: string } | undefined;

  constructor(
    private readonly context: InferenceContext,
    private readonly source: InferenceSource,
  ) {}

  async infer(config: AiInferenceConfig, record: RoutedRecord, nodeId: string | null): Promise<InferenceResult> {
    const result = await this.runOrShortCircuit(config, record);

    await this.context.onInference?.({
      flowId: this.source.flowId,
      flowVersion: this.source.flowVersion,
      nodeId,
      recordId: record.id,
      model: result.model,
      usage: result.usage,
      latencyMs: result.latencyMs,
      attempts: result.attempts,
      outcome: result.outcome,
      errorCode: result.errorCode,
    });

    return result;
  }

  private async runOrShortCircuit(config: AiInferenceConfig, record: RoutedRecord): Promise<InferenceResult> {
    this.access ??= this.context.resolveInference();
    const access = await this.access;

    if (!access.ok) {
      return failWithoutCall(
        config.model ?? null,
        access.code,
        access.message ?? describeFailure(access.code, config, config.model ?? null),
      );
    }
    const model = config.model ?? access.defaultModel;
    if (this.accountError !== undefined) {
      return failWithoutCall(model, this.accountError.code, this.accountError.message);
    }

    const result = await runInference({
      config,
      record,
      access,
      clock: this.context.clock,
      random: this.context.random,
      retryPolicy: this.context.retryPolicy,
    });

    if (result.errorCode !== null && ACCOUNT_ERROR_CODES.has(result.errorCode) && this.accountError === undefined) {
      this.accountError = {
        code: result.errorCode,
        message: result.errorMessage ?? describeFailure(result.errorCode, config, model),
      };
    }
    return result;
  }
}

function describeFailure(code: InferenceErrorCode, config: AiInferenceConfig, model: string | null): string {
  return describeInferenceError(code, {
    model,
    attempts: 0,
    timeoutMs: config.timeoutMs,
    maxOutputTokens: config.maxOutputTokens,
  });
}

function failWithoutCall(model: string | null, code: InferenceErrorCode, message: string): InferenceResult {
  return {
    outcome: code === 'timeout' ? 'timeout' : 'error',
    variables: null,
    errorCode: code,
    errorMessage: message,
    model,
    attempts: 0,
    latencyMs: 0,
    usage: emptyUsage(),
  };
}
