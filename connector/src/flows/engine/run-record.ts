import type { TokenUsage } from '../../providers/provider';
import type { FlowAction, InferenceOutcome, RecordResult, RoutedRecord } from '../../schemas/flows';
import { addUsage, emptyUsage, type InferenceResult, type VariableValue } from '../../inference/types';
import type { AiInferenceNode, BranchNode, FlowDefinition, FlowNode } from '../definition';
import { describeEdge, listEdges, type FlowEdge, type IndexedNode } from '../graph';
import { evaluateConditionGroup } from './evaluate-conditions';
import type { InferenceSession } from './inference-session';

/** Everything a record's run reads besides the record. */
export interface RecordRunInput {
  definition: FlowDefinition;
  nodesById: Map<string, IndexedNode>;
  session: InferenceSession;
}

/** The state of one record as it moves through the flow. */
interface RecordState {
  path: string[];
  variables: Record<string, VariableValue>;
  actions: FlowAction[];
  inferences: InferenceOutcome[];
  usage: TokenUsage;
}

/**
 * Runs one record from the entry to an End node. The caller decides whether an update
 * enters the flow at all, because only Salesforce can compare old and new values. Here only
 * `entry.conditions` are applied.
 */
export async function runRecord(record: RoutedRecord, input: RecordRunInput): Promise<RecordResult> {
  const { definition, nodesById, session } = input;
  const state: RecordState = { path: [], variables: {}, actions: [], inferences: [], usage: emptyUsage() };

  const entryConditions = definition.entry.conditions;
  if (
    entryConditions !== undefined &&
    !evaluateConditionGroup(entryConditions, { fields: record.fields, variables: {} })
  ) {
    return finish(record, state, 'skipped', null);
  }

  // A valid flow has no loops, so no record can pass more nodes than the flow has. The
  // limit still stops a definition that skipped validation.
  const stepLimit = definition.nodes.length;
  let nodeId: string = definition.entry.startNodeId;

  for (;;) {
    const node = nodesById.get(nodeId)?.node;
    if (node === undefined) {
      return finish(record, state, 'failed', {
        code: 'unknown_node',
        message: `The flow has no node "${nodeId}", so the run stopped.`,
      });
    }
    if (state.path.length >= stepLimit) {
      return finish(record, state, 'failed', {
        code: 'step_limit_exceeded',
        message: `The run passed ${stepLimit} nodes without reaching an End node, so the flow contains a loop. It stopped before node "${node.id}".`,
      });
    }
    state.path.push(node.id);

    if (node.type === 'end') {
      return finish(record, state, 'routed', null);
    }

    const edge = await executeNode(node, record, state, session);
    if (edge.target === undefined) {
      return finish(record, state, 'failed', {
        code: 'missing_edge',
        message: `Node "${node.id}" has no ${describeEdge(edge)} to follow, so the run stopped.`,
      });
    }
    nodeId = edge.target;
  }
}

/** Runs a node's work on the record and returns the edge to follow. */
async function executeNode(
  node: Exclude<FlowNode, { type: 'end' }>,
  record: RoutedRecord,
  state: RecordState,
  session: InferenceSession,
): Promise<FlowEdge> {
  switch (node.type) {
    case 'ai_inference': {
      const result = await session.infer(node.config, record, node.id);
      recordInference(node, result, state);
      return pickEdge(node, result.outcome === 'ok' ? 'success' : result.outcome);
    }

    case 'branch':
      return chooseBranchEdge(node, record, state);

    case 'assign_owner':
      state.actions.push({ type: 'assign_owner', nodeId: node.id, ownerId: node.ownerId });
      return pickEdge(node, 'next');

    case 'update_record':
      for (const update of node.fields) {
        const value =
          'literal' in update.value ? update.value.literal : (state.variables[update.value.variable] ?? null);
        state.actions.push({ type: 'update_field', nodeId: node.id, field: update.field, value });
      }
      return pickEdge(node, 'next');
  }
}

/** Stores the outcome; after a timeout or an error the node's outputs are null. */
function recordInference(node: AiInferenceNode, result: InferenceResult, state: RecordState): void {
  for (const output of node.config.outputs) {
    state.variables[output.name] = result.variables?.[output.name] ?? null;
  }
  state.usage = addUsage(state.usage, result.usage);
  state.inferences.push({
    nodeId: node.id,
    outcome: result.outcome,
    errorCode: result.errorCode,
    errorMessage: result.errorMessage,
    model: result.model,
    latencyMs: result.latencyMs,
    attempts: result.attempts,
    usage: result.usage,
  });
}

/** Tries the rules in order and follows the first that matches, or `otherwise` when none does. */
function chooseBranchEdge(node: BranchNode, record: RoutedRecord, state: RecordState): FlowEdge {
  const edges = listEdges(node);
  const scope = { fields: record.fields, variables: state.variables };
  const ruleIndex = node.rules.findIndex((rule) => evaluateConditionGroup(rule.when, scope));
  return ruleIndex === -1 ? (edges[edges.length - 1] as FlowEdge) : (edges[ruleIndex] as FlowEdge);
}

function pickEdge(node: FlowNode, kind: FlowEdge['kind']): FlowEdge {
  return listEdges(node).find((edge) => edge.kind === kind) as FlowEdge;
}

function finish(
  record: RoutedRecord,
  state: RecordState,
  status: RecordResult['status'],
  error: RecordResult['error'],
): RecordResult {
  return {
    recordId: record.id,
    status,
    path: state.path,
    variables: state.variables,
    actions: state.actions,
    inferences: state.inferences,
    usage: state.usage,
    error,
  };
}
