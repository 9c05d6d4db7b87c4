import type { FlowDefinition, FlowNode } from '../definition';
import { describeEdge, listEdges, type FlowEdge, type IndexedNode } from '../graph';
import { describeRoute, problem, type FlowProblem, type PathSegment } from '../problems';
import type { FlowVariable } from '../variables';
import { findReachableNodes } from './graph-checks';

interface VariableUse {
  variable: string;
  path: PathSegment[];
}

interface IncomingEdge {
  from: FlowNode;
  edge: FlowEdge;
}

/**
 * Reports variables that a Branch condition or an Update Record node reads but that are
 * not set on every path leading there. An AI Inference node sets its outputs only on its
 * success edge: after a timeout or an error they are null.
 *
 * This is a must-be-set data-flow analysis over the nodes reachable from the start:
 * the set of variables known at a node is the intersection over all incoming edges.
 */
export function checkVariableUses(
  definition: FlowDefinition,
  nodesById: Map<string, IndexedNode>,
  variables: readonly FlowVariable[],
): FlowProblem[] {
  const known = new Set(variables.map((variable) => variable.name));
  const setOnEveryPath = computeVariablesSetOnEveryPath(definition, nodesById, known);
  const incoming = collectIncomingEdges(nodesById, setOnEveryPath);
  const problems: FlowProblem[] = [];

  definition.nodes.forEach((node, index) => {
    if (nodesById.get(node.id)?.node !== node) {
      return; // A duplicate id: reported on its own.
    }

    for (const use of listVariableUses(node)) {
      const path = ['nodes', index, ...use.path];

      if (!known.has(use.variable)) {
        problems.push(
          problem(
            node.id,
            path,
            'unknown_variable',
            `Node "${node.id}" uses the variable "${use.variable}", but no AI Inference node has an output with that name.`,
          ),
        );
        continue;
      }

      const available = setOnEveryPath.get(node.id);
      if (available === undefined || available.has(use.variable)) {
        continue; // Unreachable nodes are reported on their own.
      }
      const route = explainMissingPath(node.id, use.variable, definition.entry.startNodeId, incoming, setOnEveryPath);
      const reason =
        route.length > 1
          ? `no earlier AI Inference node sets it on the path through ${describeRoute(route)}`
          : 'no AI Inference node runs before it';
      problems.push(
        problem(
          node.id,
          path,
          'variable_not_always_set',
          `Node "${node.id}" uses the variable "${use.variable}", but ${reason}.`,
        ),
      );
    }
  });

  return problems;
}

function listVariableUses(node: FlowNode): VariableUse[] {
  const uses: VariableUse[] = [];
  if (node.type === 'branch') {
    node.rules.forEach((rule, ruleIndex) => {
      rule.when.conditions.forEach((condition, conditionIndex) => {
        if ('variable' in condition.left) {
          uses.push({
            variable: condition.left.variable,
            path: ['rules', ruleIndex, 'when', 'conditions', conditionIndex, 'left', 'variable'],
          });
        }
      });
    });
  }
  if (node.type === 'update_record') {
    node.fields.forEach((update, fieldIndex) => {
      if ('variable' in update.value) {
        uses.push({ variable: update.value.variable, path: ['fields', fieldIndex, 'value', 'variable'] });
      }
    });
  }
  return uses;
}

/** Returns the variables an edge carries out of its node. A success edge adds the node's outputs. */
function variablesAfterEdge(from: FlowNode, edge: FlowEdge, before: ReadonlySet<string>): Set<string> {
  const after = new Set(before);
  if (from.type === 'ai_inference' && edge.kind === 'success') {
    for (const output of from.config.outputs) {
      after.add(output.name);
    }
  }
  return after;
}

/**
 * Computes, for each reachable node, the variables set on every path from the start to it.
 * Sets start full (except at the start node) and only shrink, so the loop ends even when
 * the flow has a cycle.
 */
function computeVariablesSetOnEveryPath(
  definition: FlowDefinition,
  nodesById: Map<string, IndexedNode>,
  allVariables: ReadonlySet<string>,
): Map<string, Set<string>> {
  const reachable = findReachableNodes(definition, nodesById);
  const setAt = new Map<string, Set<string>>();
  for (const nodeId of reachable) {
    setAt.set(nodeId, nodeId === definition.entry.startNodeId ? new Set() : new Set(allVariables));
  }

  let changed = true;
  while (changed) {
    changed = false;
    for (const nodeId of reachable) {
      const from = (nodesById.get(nodeId) as IndexedNode).node;
      const before = setAt.get(nodeId) as Set<string>;

      for (const edge of listEdges(from)) {
        const target = edge.target === undefined ? undefined : setAt.get(edge.target);
        if (target === undefined) {
          continue;
        }
        const carried = variablesAfterEdge(from, edge, before);
        for (const name of [...target]) {
          if (!carried.has(name)) {
            target.delete(name);
            changed = true;
          }
        }
      }
    }
  }

  return setAt;
}

function collectIncomingEdges(
  nodesById: Map<string, IndexedNode>,
  reachableSets: Map<string, Set<string>>,
): Map<string, IncomingEdge[]> {
  const incoming = new Map<string, IncomingEdge[]>();
  for (const nodeId of reachableSets.keys()) {
    const from = (nodesById.get(nodeId) as IndexedNode).node;
    for (const edge of listEdges(from)) {
      if (edge.target !== undefined && reachableSets.has(edge.target)) {
        const list = incoming.get(edge.target) ?? [];
        list.push({ from, edge });
        incoming.set(edge.target, list);
      }
    }
  }
  return incoming;
}

/**
 * Walks back from the node that uses the variable along edges that do not carry it, up to
 * the start node, and names the nodes of that path: `"classify" (timeout edge)`, `"fallback"`, `"route"`.
 */
function explainMissingPath(
  useNodeId: string,
  variable: string,
  startNodeId: string,
  incoming: Map<string, IncomingEdge[]>,
  setAt: Map<string, Set<string>>,
): string[] {
  const steps: string[] = [`"${useNodeId}"`];
  const visited = new Set([useNodeId]);
  let current = useNodeId;

  while (current !== startNodeId) {
    const culprit = (incoming.get(current) ?? []).find(({ from, edge }) => {
      const before = setAt.get(from.id) ?? new Set<string>();
      return !variablesAfterEdge(from, edge, before).has(variable);
    });
    if (culprit === undefined || visited.has(culprit.from.id)) {
      break;
    }
    const label =
      culprit.from.type === 'ai_inference' || culprit.from.type === 'branch' ? ` (${describeEdge(culprit.edge)})` : '';
    steps.unshift(`"${culprit.from.id}"${label}`);
    visited.add(culprit.from.id);
    current = culprit.from.id;
  }

  return steps;
}
