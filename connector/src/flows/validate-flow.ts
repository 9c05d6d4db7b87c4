import type { z } from 'zod';
import type { validateFlowResponseSchema } from '../schemas/flows';
import { flowDefinitionSchema, type FlowDefinition } from './definition';
import { indexNodes } from './graph';
import type { FlowProblem } from './problems';
import { checkConditions } from './validation/condition-checks';
import { checkDuplicateNodeIds, checkEdges, checkStartNode } from './validation/edge-checks';
import { listFieldsRead } from './validation/fields-read';
import { checkCycles, checkReachability } from './validation/graph-checks';
import { checkOutputs } from './validation/output-checks';
import { checkPrompts } from './validation/prompt-checks';
import { checkVariableUses } from './validation/variable-checks';
import { problemsFromZodIssues } from './validation/zod-problems';
import { listFlowVariables } from './variables';

export type ValidateFlowResponse = z.infer<typeof validateFlowResponseSchema>;

/** Problems listed at most; the rest are counted in a last entry, so a response stays small. */
export const MAX_LISTED_PROBLEMS = 100;

export interface FlowValidation extends ValidateFlowResponse {
  /** The parsed definition with defaults applied; present only when the flow is valid. */
  definition?: FlowDefinition;
}

/**
 * Validates a flow definition as FlowBuilder sends it and reports every problem with the
 * node it concerns. A flow is valid only when there are no problems: the connector never
 * runs a flow with a problem, so there are no mere warnings.
 *
 * The semantic checks need a well-formed definition, so they run only when the schema
 * parse succeeds. NOTE: an admin with a schema problem therefore gets the semantic
 * problems only after fixing it.
 */
export function validateFlow(input: unknown): FlowValidation {
  const parsed = flowDefinitionSchema.safeParse(input);
  if (!parsed.success) {
    return { valid: false, problems: problemsFromZodIssues(parsed.error.issues, input), fieldsRead: [], variables: [] };
  }

  const definition = parsed.data;
  const nodesById = indexNodes(definition.nodes);
  const variables = listFlowVariables(definition);

  const problems: FlowProblem[] = [
    ...checkDuplicateNodeIds(definition),
    ...checkStartNode(definition, nodesById),
    ...checkEdges(definition, nodesById),
    ...checkCycles(definition, nodesById),
    ...checkReachability(definition, nodesById),
    ...checkOutputs(definition),
    ...checkPrompts(definition),
    ...checkConditions(definition, variables),
    ...checkVariableUses(definition, nodesById, variables),
  ];

  const validation: FlowValidation = {
    valid: problems.length === 0,
    problems: limitProblems(problems),
    fieldsRead: listFieldsRead(definition),
    variables: variables.map(({ name, type, nodeId }) => ({ name, type, nodeId })),
  };
  if (validation.valid) {
    validation.definition = definition;
  }
  return validation;
}

function limitProblems(problems: FlowProblem[]): FlowProblem[] {
  if (problems.length <= MAX_LISTED_PROBLEMS) {
    return problems;
  }
  const listed = problems.slice(0, MAX_LISTED_PROBLEMS - 1);
  const more = problems.length - listed.length;
  return [
    ...listed,
    { nodeId: null, path: '', code: 'more_problems', message: `${more} more problems are not listed. Fix the ones above and validate again.` },
  ];
}
