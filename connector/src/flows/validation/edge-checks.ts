import type { FlowDefinition, FlowNode } from '../definition';
import { describeEdge, listEdges, type FlowEdge, type IndexedNode } from '../graph';
import { describeNode, problem, type FlowProblem } from '../problems';

/** Reports node ids used by more than one node. The first node with an id keeps it. */
export function checkDuplicateNodeIds(definition: FlowDefinition): FlowProblem[] {
  const firstIndexById = new Map<string, number>();
  const problems: FlowProblem[] = [];

  definition.nodes.forEach((node, index) => {
    const firstIndex = firstIndexById.get(node.id);
    if (firstIndex === undefined) {
      firstIndexById.set(node.id, index);
      return;
    }
    problems.push(
      problem(
        node.id,
        ['nodes', index, 'id'],
        'duplicate_node_id',
        `The node id "${node.id}" is used by nodes[${firstIndex}] and nodes[${index}]. Node ids must be unique within a flow.`,
      ),
    );
  });

  return problems;
}

export function checkStartNode(definition: FlowDefinition, nodesById: Map<string, IndexedNode>): FlowProblem[] {
  const startNodeId = definition.entry.startNodeId;
  if (nodesById.has(startNodeId)) {
    return [];
  }
  return [
    problem(
      null,
      ['entry', 'startNodeId'],
      'unknown_start_node',
      `The start node "${startNodeId}" is not a node of this flow. Choose one of the flow's nodes as the start node.`,
    ),
  ];
}

/** Reports edges that are not connected and edges that point to a node that does not exist. */
export function checkEdges(definition: FlowDefinition, nodesById: Map<string, IndexedNode>): FlowProblem[] {
  const problems: FlowProblem[] = [];

  definition.nodes.forEach((node, index) => {
    for (const edge of listEdges(node)) {
      const path = ['nodes', index, ...edge.path];

      if (edge.target === undefined) {
        problems.push(problem(node.id, path, 'missing_edge', describeMissingEdge(node, edge)));
      } else if (!nodesById.has(edge.target)) {
        problems.push(
          problem(
            node.id,
            path,
            'unknown_edge_target',
            `${describeNode(node)} points its ${describeEdge(edge)} to "${edge.target}", which is not a node of this flow.`,
          ),
        );
      }
    }
  });

  return problems;
}

function describeMissingEdge(node: FlowNode, edge: FlowEdge): string {
  switch (edge.kind) {
    case 'success':
      return `${describeNode(node)} has no success edge. Connect the node that runs when the model returns its outputs.`;
    case 'timeout':
      return `${describeNode(node)} has no timeout edge. Connect the node that runs when the model does not respond in time.`;
    case 'error':
      return `${describeNode(node)} has no error edge. Connect the node that runs when the inference fails.`;
    case 'rule':
      return `Rule ${(edge.ruleIndex ?? 0) + 1} of ${describeNode(node)} has no next node. Connect the node that runs when the rule matches.`;
    case 'otherwise':
      return `${describeNode(node)} has no otherwise edge. Connect the node that runs when no rule matches.`;
    case 'next':
      return `${describeNode(node)} has no next node. Connect the node that runs after it, such as an End node.`;
  }
}
