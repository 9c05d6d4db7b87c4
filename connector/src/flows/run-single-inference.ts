import type { z } from 'zod';
import type { inferenceResponseSchema, RoutedRecord } from '../schemas/flows';
import type { VariableValue } from '../inference/types';
import type { AiInferenceConfig } from './definition';
import { InferenceSession } from './engine/inference-session';
import type { InferenceContext } from './engine/run-context';

export type InferenceResponse = z.infer<typeof inferenceResponseSchema>;

export interface SingleInferenceContext extends InferenceContext {
  /** The flow and node that requested the inference, when a Salesforce Flow calls; used in the inference event. */
  source?: { flowId?: string; nodeId?: string };
}

/** The node id reported when the caller names none. */
export const SINGLE_INFERENCE_NODE_ID = 'inference';

/**
 * Runs one AI Inference configuration on one record, for callers outside a routing flow.
 * Check the configuration with `validateInferenceConfig` first. On a timeout or an error
 * every output is null.
 */
export async function runSingleInference(
  config: AiInferenceConfig,
  record: RoutedRecord,
  context: SingleInferenceContext,
): Promise<InferenceResponse> {
  const session = new InferenceSession(context, { flowId: context.source?.flowId ?? null, flowVersion: null });
  const nodeId = context.source?.nodeId ?? null;
  const result = await session.infer(config, record, nodeId);

  const variables: Record<string, VariableValue> = {};
  for (const output of config.outputs) {
    variables[output.name] = result.variables?.[output.name] ?? null;
  }

  return {
    recordId: record.id,
    variables,
    inference: {
      nodeId: nodeId ?? SINGLE_INFERENCE_NODE_ID,
      outcome: result.outcome,
      errorCode: result.errorCode,
      errorMessage: result.errorMessage,
      model: result.model,
      latencyMs: result.latencyMs,
      attempts: result.attempts,
      usage: result.usage,
    },
  };
}
