import { z } from 'zod';

/**
 * The routing flow definition: the JSON document that FlowBuilder in Salesforce saves
 * and that the connector validates and runs. The shape is versioned by `schemaVersion`
 * so that stored flows keep working when the format grows.
 */

export const FLOW_SCHEMA_VERSION = 1;

/** Largest batch the engine accepts in one call: one Salesforce trigger chunk. */
export const MAX_RECORDS_PER_RUN = 200;

const identifier = z
  .string()
  .regex(/^[A-Za-z][A-Za-z0-9_]{0,39}$/, 'expected a name that starts with a letter and has only letters, digits and underscores (at most 40 characters)');

/** Node ids are chosen by FlowBuilder; they only need to be unique within a flow. */
export const nodeIdSchema = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,64}$/, 'expected 1 to 64 letters, digits, underscores or hyphens');

/** A Salesforce field API name such as `Description` or `Lead_Score__c`. */
export const fieldNameSchema = z
  .string()
  .regex(/^[A-Za-z][A-Za-z0-9_]{0,79}$/, 'expected a Salesforce field API name such as Description or Lead_Score__c');

export const routedObjectSchema = z.enum(['Lead', 'Contact']);
export type RoutedObject = z.infer<typeof routedObjectSchema>;

// ---------------------------------------------------------------------------
// AI Inference node

export const outputTypeSchema = z.enum(['text', 'number', 'boolean', 'picklist']);
export type OutputType = z.infer<typeof outputTypeSchema>;

export const outputDefinitionSchema = z
  .object({
    name: identifier,
    type: outputTypeSchema,
    description: z.string().max(500).optional(),
    /** Allowed values; required for `picklist`, not allowed for the other types. */
    values: z.array(z.string().min(1).max(255)).min(1).max(100).optional(),
  })
  .strict();
export type OutputDefinition = z.infer<typeof outputDefinitionSchema>;

export const aiInferenceConfigSchema = z
  .object({
    /** Instructions with merge fields such as `{!Record.Description}`. */
    prompt: z.string().min(1).max(20_000),
    outputs: z.array(outputDefinitionSchema).min(1).max(20),
    /** Model id; when absent, the org's default model from its AI settings is used. */
    model: z.string().min(1).max(100).optional(),
    temperature: z.number().min(0).max(2).default(0),
    maxOutputTokens: z.number().int().min(16).max(16_384).default(500),
    /** Total time for this node on one record, retries included. */
    timeoutMs: z.number().int().min(1_000).max(120_000).default(30_000),
  })
  .strict();
export type AiInferenceConfig = z.infer<typeof aiInferenceConfigSchema>;

// ---------------------------------------------------------------------------
// Conditions shared by Branch rules and the entry criteria

/** A value read while the flow runs: a field of the record or a variable set by an AI node. */
export const operandSchema = z.union(
  [z.object({ field: fieldNameSchema }).strict(), z.object({ variable: identifier }).strict()],
  { error: 'expected {"field": "FieldApiName"} or {"variable": "outputName"}' },
);
export type Operand = z.infer<typeof operandSchema>;

export const literalSchema = z.union([z.string().max(1_000), z.number(), z.boolean(), z.null()], {
  error: 'expected text, a number, true, false or null',
});
export type Literal = z.infer<typeof literalSchema>;

export const comparisonOperatorSchema = z.enum([
  'equals',
  'not_equals',
  'contains',
  'not_contains',
  'starts_with',
  'greater_than',
  'greater_or_equal',
  'less_than',
  'less_or_equal',
  'is_blank',
  'is_not_blank',
  'in',
  'not_in',
]);
export type ComparisonOperator = z.infer<typeof comparisonOperatorSchema>;

export const conditionSchema = z
  .object({
    left: operandSchema,
    operator: comparisonOperatorSchema,
    /** Absent for `is_blank` and `is_not_blank`; a list for `in` and `not_in`. */
    value: z
      .union([literalSchema, z.array(literalSchema).max(100)], {
        error: 'expected text, a number, true, false, null or a list of these',
      })
      .optional(),
  })
  .strict();
export type Condition = z.infer<typeof conditionSchema>;

export const conditionGroupSchema = z
  .object({
    /** `all`: every condition must hold; `any`: at least one. */
    match: z.enum(['all', 'any']).default('all'),
    conditions: z.array(conditionSchema).min(1).max(50),
  })
  .strict();
export type ConditionGroup = z.infer<typeof conditionGroupSchema>;

// ---------------------------------------------------------------------------
// Nodes

const nodeBase = {
  id: nodeIdSchema,
  label: z.string().max(255).optional(),
};

export const aiInferenceNodeSchema = z
  .object({
    ...nodeBase,
    type: z.literal('ai_inference'),
    config: aiInferenceConfigSchema,
    next: z
      .object({
        success: nodeIdSchema.optional(),
        timeout: nodeIdSchema.optional(),
        error: nodeIdSchema.optional(),
      })
      .strict(),
  })
  .strict();

export const branchRuleSchema = z
  .object({
    label: z.string().max(255).optional(),
    when: conditionGroupSchema,
    next: nodeIdSchema.optional(),
  })
  .strict();
export type BranchRule = z.infer<typeof branchRuleSchema>;

export const branchNodeSchema = z
  .object({
    ...nodeBase,
    type: z.literal('branch'),
    /** Evaluated in order; the first rule that holds decides the edge. */
    rules: z.array(branchRuleSchema).min(1).max(50),
    otherwise: nodeIdSchema.optional(),
  })
  .strict();

export const assignOwnerNodeSchema = z
  .object({
    ...nodeBase,
    type: z.literal('assign_owner'),
    /** A Salesforce user id (005...) or queue id (00G...); Salesforce checks it when applying. */
    ownerId: z.string().regex(/^(005|00G)[A-Za-z0-9]{12}([A-Za-z0-9]{3})?$/, 'expected a 15- or 18-character user (005...) or queue (00G...) id'),
    next: nodeIdSchema.optional(),
  })
  .strict();

export const valueSourceSchema = z.union(
  [z.object({ literal: literalSchema }).strict(), z.object({ variable: identifier }).strict()],
  { error: 'expected {"literal": value} or {"variable": "outputName"}' },
);
export type ValueSource = z.infer<typeof valueSourceSchema>;

export const updateRecordNodeSchema = z
  .object({
    ...nodeBase,
    type: z.literal('update_record'),
    fields: z
      .array(z.object({ field: fieldNameSchema, value: valueSourceSchema }).strict())
      .min(1)
      .max(50),
    next: nodeIdSchema.optional(),
  })
  .strict();

export const endNodeSchema = z
  .object({
    ...nodeBase,
    type: z.literal('end'),
  })
  .strict();

export const flowNodeSchema = z.discriminatedUnion('type', [
  aiInferenceNodeSchema,
  branchNodeSchema,
  assignOwnerNodeSchema,
  updateRecordNodeSchema,
  endNodeSchema,
]);
export type FlowNode = z.infer<typeof flowNodeSchema>;
export type AiInferenceNode = z.infer<typeof aiInferenceNodeSchema>;
export type BranchNode = z.infer<typeof branchNodeSchema>;
export type AssignOwnerNode = z.infer<typeof assignOwnerNodeSchema>;
export type UpdateRecordNode = z.infer<typeof updateRecordNodeSchema>;
export type EndNode = z.infer<typeof endNodeSchema>;
export type FlowNodeType = FlowNode['type'];

// ---------------------------------------------------------------------------
// The flow

export const flowEntrySchema = z
  .object({
    /** The first node to run. */
    startNodeId: nodeIdSchema,
    /**
     * Fields whose change on update makes a record enter the flow again. An empty list
     * means updates never enter; inserts always do (subject to `conditions`).
     */
    updateFields: z.array(fieldNameSchema).max(50).default([]),
    /** Records that do not meet these conditions are skipped. */
    conditions: conditionGroupSchema.optional(),
  })
  .strict();
export type FlowEntry = z.infer<typeof flowEntrySchema>;

export const flowDefinitionSchema = z
  .object({
    schemaVersion: z.literal(FLOW_SCHEMA_VERSION),
    /** The Salesforce record id of the routing flow, for the audit trail. */
    flowId: z.string().min(1).max(64).optional(),
    name: z.string().min(1).max(255),
    object: routedObjectSchema,
    version: z.number().int().min(1).default(1),
    entry: flowEntrySchema,
    nodes: z.array(flowNodeSchema).min(1).max(100),
  })
  .strict();
export type FlowDefinition = z.infer<typeof flowDefinitionSchema>;
/** The definition as a caller sends it, before defaults are applied. */
export type FlowDefinitionInput = z.input<typeof flowDefinitionSchema>;
