import type { TokenUsage } from '../providers/provider';

/** A variable's value: an output of an AI Inference node, or null when the node did not succeed. */
export type VariableValue = string | number | boolean | null;

/**
 * Error codes of an inference that produced no outputs. Besides the provider's own codes:
 * - ai_disabled, not_authorized: the org may not run inference (from the caller's settings).
 * - truncated: the response hit the node's output token limit.
 * - refused: the model refused, or the provider's content filter blocked the response.
 * - invalid_output: the response does not match the node's outputs.
 */
export const INFERENCE_ERROR_CODES = [
  'ai_disabled',
  'not_authorized',
  'invalid_key',
  'quota',
  'rate_limited',
  'model_unavailable',
  'truncated',
  'refused',
  'invalid_output',
  'provider_unavailable',
  'timeout',
  'bad_request',
] as const;
export type InferenceErrorCode = (typeof INFERENCE_ERROR_CODES)[number];

/** The outcome of one AI Inference node on one record. */
export interface InferenceResult {
  /** `timeout` exactly when `errorCode` is `timeout`; `error` for every other failure. */
  outcome: 'ok' | 'timeout' | 'error';
  /** The outputs by name; null unless the outcome is `ok`. */
  variables: Record<string, VariableValue> | null;
  errorCode: InferenceErrorCode | null;
  /** A message for the admin; it never contains the key or record values. */
  errorMessage: string | null;
  /** The model requested; null when none could be chosen. */
  model: string | null;
  /** Provider calls made, retries included. */
  attempts: number;
  latencyMs: number;
  /** Tokens summed over all attempts that returned a response. */
  usage: TokenUsage;
}

export function emptyUsage(): TokenUsage {
  return { promptTokens: 0, completionTokens: 0, totalTokens: 0 };
}

export function addUsage(total: TokenUsage, more: TokenUsage): TokenUsage {
  return {
    promptTokens: total.promptTokens + more.promptTokens,
    completionTokens: total.completionTokens + more.completionTokens,
    totalTokens: total.totalTokens + more.totalTokens,
  };
}
