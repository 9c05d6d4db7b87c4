import type { z } from 'zod';
import type { runFlowResponseSchema, RoutedRecord } from '../schemas/flows';
import { addUsage, emptyUsage } from '../inference/types';
import { MAX_RECORDS_PER_RUN, type FlowDefinition } from './definition';
import { InferenceSession } from './engine/inference-session';
import { mapWithConcurrency } from './engine/map-with-concurrency';
import { DEFAULT_CONCURRENCY, type FlowRunContext } from './engine/run-context';
import { runRecord } from './engine/run-record';
import { indexNodes } from './graph';

export type RunFlowResponse = z.infer<typeof runFlowResponseSchema>;

/**
 * Runs a validated flow on up to 200 records, at most `context.concurrency` records at a
 * time, and returns one result per record in input order.
 *
 * Only `entry.conditions` decide entry. Whether an update enters at all is for the caller
 * to decide, because only Salesforce can compare old and new values. Provider failures do
 * not reject the run, because they take the AI Inference node's timeout or error edge. The
 * run rejects only when `resolveInference` or `onInference` rejects.
 */
export async function runFlow(
  definition: FlowDefinition,
  records: readonly RoutedRecord[],
  context: FlowRunContext,
): Promise<RunFlowResponse> {
  if (records.length > MAX_RECORDS_PER_RUN) {
    throw new RangeError(`A run takes at most ${MAX_RECORDS_PER_RUN} records, not ${records.length}.`);
  }
  const concurrency = context.concurrency ?? DEFAULT_CONCURRENCY;
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw new RangeError(`The concurrency must be a whole number of at least 1, not ${concurrency}.`);
  }

  const session = new InferenceSession(context, { flowId: definition.flowId ?? null, flowVersion: definition.version });
  const input = { definition, nodesById: indexNodes(definition.nodes), session };
  const results = await mapWithConcurrency(records, concurrency, (record) => runRecord(record, input));

  return {
    flow: { name: definition.name, version: definition.version, flowId: definition.flowId ?? null },
    results,
    usage: results.reduce((total, result) => addUsage(total, result.usage), emptyUsage()),
  };
}
