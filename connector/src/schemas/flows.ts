import { z } from 'zod';
import { flowDefinitionSchema, MAX_RECORDS_PER_RUN, aiInferenceConfigSchema } from '../flows/definition';
import { tokenUsageSchema } from './common';

/** A record value as Salesforce serializes it in JSON. */
export const fieldValueSchema = z.union([z.string().max(131_072), z.number(), z.boolean(), z.null()], {
  error: 'expected text (at most 131072 characters), a number, true, false or null',
});

/** Fields one record may carry: far more than a flow reads, far fewer than could exhaust the heap. */
export const MAX_FIELDS_PER_RECORD = 200;

/**
 * A record's fields by API name. The number of fields is checked before zod copies the
 * object, because a body of many tiny fields takes ten times its size in heap.
 */
const recordFieldsSchema = z.preprocess(
  (value, context) => {
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
      let count = 0;
      for (const key in value) {
        if (Object.hasOwn(value, key) && ++count > MAX_FIELDS_PER_RECORD) {
          context.issues.push({
            code: 'custom',
            message: `expected at most ${MAX_FIELDS_PER_RECORD} fields; send only the fields the flow reads`,
            input: value,
          });
          return z.NEVER;
        }
      }
    }
    return value;
  },
  z.record(z.string(), fieldValueSchema),
);

export const routedRecordSchema = z
  .object({
    /** The Salesforce record id (15 or 18 characters). */
    id: z.string().regex(/^[A-Za-z0-9]{15}([A-Za-z0-9]{3})?$/, 'expected a 15- or 18-character Salesforce record id'),
    /** Only the fields the flow reads, by API name. */
    fields: recordFieldsSchema,
  })
  .strict();
export type RoutedRecord = z.infer<typeof routedRecordSchema>;

export const validateFlowRequestSchema = z.object({ definition: z.unknown() }).strict();

export const flowProblemSchema = z.object({
  /** The node the problem concerns; null for problems of the flow as a whole. */
  nodeId: z.string().nullable(),
  /** JSON path inside the definition, like `nodes[2].config.outputs[0].values`. */
  path: z.string(),
  code: z.string(),
  message: z.string(),
});
export type FlowProblem = z.infer<typeof flowProblemSchema>;

export const validateFlowResponseSchema = z.object({
  valid: z.boolean(),
  problems: z.array(flowProblemSchema),
  /** Fields of the routed object the flow reads: what Salesforce must send per record. */
  fieldsRead: z.array(z.string()),
  /** Variables that AI Inference nodes set, with their types. */
  variables: z.array(z.object({ name: z.string(), type: z.string(), nodeId: z.string() })),
});

export const runFlowRequestSchema = z
  .object({
    definition: z.unknown(),
    records: z.array(routedRecordSchema).min(1).max(MAX_RECORDS_PER_RUN),
  })
  .strict();
export type RunFlowRequest = z.infer<typeof runFlowRequestSchema>;

export const inferenceOutcomeSchema = z.object({
  nodeId: z.string(),
  outcome: z.enum(['ok', 'timeout', 'error']),
  errorCode: z.string().nullable(),
  errorMessage: z.string().nullable(),
  model: z.string().nullable(),
  latencyMs: z.number().int(),
  attempts: z.number().int(),
  usage: tokenUsageSchema,
});
export type InferenceOutcome = z.infer<typeof inferenceOutcomeSchema>;

export const flowActionSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('assign_owner'), nodeId: z.string(), ownerId: z.string() }),
  z.object({
    type: z.literal('update_field'),
    nodeId: z.string(),
    field: z.string(),
    value: z.union([z.string(), z.number(), z.boolean(), z.null()]),
  }),
]);
export type FlowAction = z.infer<typeof flowActionSchema>;

export const recordResultSchema = z.object({
  recordId: z.string(),
  /** routed: the flow reached an end; skipped: the entry conditions did not hold; failed: the run stopped. */
  status: z.enum(['routed', 'skipped', 'failed']),
  path: z.array(z.string()),
  variables: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])),
  actions: z.array(flowActionSchema),
  inferences: z.array(inferenceOutcomeSchema),
  usage: tokenUsageSchema,
  error: z.object({ code: z.string(), message: z.string() }).nullable(),
});
export type RecordResult = z.infer<typeof recordResultSchema>;

export const runFlowResponseSchema = z.object({
  flow: z.object({ name: z.string(), version: z.number().int(), flowId: z.string().nullable() }),
  results: z.array(recordResultSchema),
  usage: tokenUsageSchema,
});

export const inferenceRequestSchema = z
  .object({
    config: aiInferenceConfigSchema,
    record: routedRecordSchema,
    /** For the audit trail: which flow and node asked, when called from a Salesforce Flow. */
    source: z.object({ flowId: z.string().max(64).optional(), nodeId: z.string().max(64).optional() }).strict().optional(),
  })
  .strict();

export const inferenceResponseSchema = z.object({
  recordId: z.string(),
  variables: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])),
  inference: inferenceOutcomeSchema,
});

export { flowDefinitionSchema };
