import type { FlowDefinition } from '../definition';
import { listEdges, type IndexedNode } from '../graph';
import { describeNode, describeRoute, problem, type FlowProblem } from '../problems';

/** Loops reported at most: each is one edge to remove, and the first ones are enough to start. */
export const MAX_CYCLE_PROBLEMS = 20;

/**
 * Reports every loop, once per edge that closes it, with the nodes of the loop in order.
 * Flows must be acyclic so that each record passes each node at most once.
 */
export function checkCycles(definition: FlowDefinition, nodesById: Map<string, IndexedNode>): FlowProblem[] {
  const problems: FlowProblem[] = [];
  const state = new Map<string, 'active' | 'done'>();
  const stack: string[] = [];

  // Depth-first search from every node, so that loops among unreachable nodes are found too.
  // Flows have at most 100 nodes, so recursion depth is no concern.
  const visit = (nodeId: string): void => {
    const entry = nodesById.get(nodeId);
    if (entry === undefined) {
      return;
    }
    state.set(nodeId, 'active');
    stack.push(nodeId);

    for (const edge of listEdges(entry.node)) {
      if (edge.target === undefined || !nodesById.has(edge.target)) {
        continue;
      }
      const targetState = state.get(edge.target);
      if (targetState === 'active') {
        if (problems.length >= MAX_CYCLE_PROBLEMS) continue;
        const loop = [...stack.slice(stack.indexOf(edge.target)), edge.target];
        problems.push(
          problem(
            nodeId,
            ['nodes', entry.index, ...edge.path],
            'cycle',
            `The flow loops through ${describeRoute(loop.map((id) => `"${id}"`))}. A flow must not lead back to a node it has already passed.`,
          ),
        );
      } else if (targetState === undefined) {
        visit(edge.target);
      }
    }

    stack.pop();
    state.set(nodeId, 'done');
  };

  const startNodeId = definition.entry.startNodeId;
  if (nodesById.has(startNodeId)) {
    visit(startNodeId);
  }
  for (const nodeId of nodesById.keys()) {
    if (!state.has(nodeId)) {
      visit(nodeId);
    }
  }

  return problems;
}

/** Lists the ids of the nodes reachable from the start node, start included. */
export function findReachableNodes(definition: FlowDefinition, nodesById: Map<string, IndexedNode>): Set<string> {
  const reachable = new Set<string>();
  const pending = nodesById.has(definition.entry.startNodeId) ? [definition.entry.startNodeId] : [];

  while (pending.length > 0) {
    const nodeId = pending.pop() as string;
    if (reachable.has(nodeId)) {
      continue;
    }
    reachable.add(nodeId);
    const entry = nodesById.get(nodeId);
    for (const edge of entry === undefined ? [] : listEdges(entry.node)) {
      if (edge.target !== undefined && nodesById.has(edge.target)) {
        pending.push(edge.target);
      }
    }
  }

  return reachable;
}

/** Reports nodes that no path from the start node reaches; skipped when the start node is unknown. */
export function checkReachability(definition: FlowDefinition, nodesById: Map<string, IndexedNode>): FlowProblem[] {
  const startNodeId = definition.entry.startNodeId;
  if (!nodesById.has(startNodeId)) {
    return [];
  }

  const reachable = findReachableNodes(definition, nodesById);
  const problems: FlowProblem[] = [];
  for (const [nodeId, { node, index }] of nodesById) {
    if (!reachable.has(nodeId)) {
      problems.push(
        problem(
          nodeId,
          ['nodes', index],
          'unreachable_node',
          `${describeNode(node)} cannot be reached from the start node "${startNodeId}". Connect it to the flow or remove it.`,
        ),
      );
    }
  }
  return problems;
}
