import type { TokenUsage } from '../../providers/provider';
import type { Clock } from '../../inference/clock';
import type { RetryPolicy } from '../../inference/retry-policy';
import type { InferenceAccess } from '../../inference/run-inference';
import type { InferenceErrorCode } from '../../inference/types';

/** The org's provider access, or why the org may not run inference now. */
export type InferenceAccessResult =
  | ({ ok: true } & InferenceAccess)
  | {
      ok: false;
      /** Usually ai_disabled or not_authorized; any inference error code is accepted. */
      code: InferenceErrorCode;
      /** A message for the admin; a standard message for the code is used when absent. */
      message?: string;
    };

/**
 * One inference, for the inference log. It carries no org and no record values: the
 * caller adds the org it is serving.
 */
export interface InferenceEvent {
  flowId: string | null;
  flowVersion: number | null;
  nodeId: string | null;
  recordId: string;
  model: string | null;
  usage: TokenUsage;
  latencyMs: number;
  /** 0 when no provider call was made, for example because AI inference is disabled. */
  attempts: number;
  outcome: 'ok' | 'timeout' | 'error';
  errorCode: InferenceErrorCode | null;
}

/** Callbacks and options for running inferences. */
export interface InferenceContext {
  /**
   * Loads the org's provider access. Called at most once per run, and only when a record
   * reaches an AI Inference node. A rejection rejects the whole run.
   */
  resolveInference(): Promise<InferenceAccessResult>;
  /** Receives one event per AI Inference node executed, after it finishes. A rejection rejects the run. */
  onInference?(event: InferenceEvent): void | Promise<void>;
  clock?: Clock;
  /** Random numbers in [0, 1) for backoff jitter. */
  random?: () => number;
  retryPolicy?: RetryPolicy;
}

export interface FlowRunContext extends InferenceContext {
  /** Records processed at the same time, and so the most provider calls in flight. Default 16. */
  concurrency?: number;
}

export const DEFAULT_CONCURRENCY = 16;
