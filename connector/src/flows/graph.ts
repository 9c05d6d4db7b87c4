import type { FlowNode } from './definition';
import type { PathSegment } from './problems';

/** The kinds of outgoing edges: AI Inference nodes have three, Branch nodes one per rule plus `otherwise`. */
export type EdgeKind = 'success' | 'timeout' | 'error' | 'rule' | 'otherwise' | 'next';

export interface FlowEdge {
  kind: EdgeKind;
  /** The 0-based rule index, for `rule` edges. */
  ruleIndex?: number;
  /** The target node id; undefined when the admin has not connected the edge yet. */
  target: string | undefined;
  /** Location of the edge field relative to its node, such as `['rules', 1, 'next']`. */
  path: PathSegment[];
}

export interface IndexedNode {
  node: FlowNode;
  /** Position in `definition.nodes`, for problem paths. */
  index: number;
}

/**
 * Maps node ids to nodes. When an id is duplicated, the first node keeps it: validation
 * reports the duplicates, and every other check then reads one consistent graph.
 */
export function indexNodes(nodes: readonly FlowNode[]): Map<string, IndexedNode> {
  const byId = new Map<string, IndexedNode>();
  nodes.forEach((node, index) => {
    if (!byId.has(node.id)) {
      byId.set(node.id, { node, index });
    }
  });
  return byId;
}

/** Lists every edge a node of this type must have, connected or not, in a stable order. */
export function listEdges(node: FlowNode): FlowEdge[] {
  switch (node.type) {
    case 'ai_inference':
      return [
        { kind: 'success', target: node.next.success, path: ['next', 'success'] },
        { kind: 'timeout', target: node.next.timeout, path: ['next', 'timeout'] },
        { kind: 'error', target: node.next.error, path: ['next', 'error'] },
      ];
    case 'branch':
      return [
        ...node.rules.map((rule, ruleIndex): FlowEdge => ({
          kind: 'rule',
          ruleIndex,
          target: rule.next,
          path: ['rules', ruleIndex, 'next'],
        })),
        { kind: 'otherwise', target: node.otherwise, path: ['otherwise'] },
      ];
    case 'assign_owner':
    case 'update_record':
      return [{ kind: 'next', target: node.next, path: ['next'] }];
    case 'end':
      return [];
  }
}

/** Names an edge in a message: `timeout edge`, `rule 2`, `next node`. */
export function describeEdge(edge: FlowEdge): string {
  switch (edge.kind) {
    case 'rule':
      return `rule ${(edge.ruleIndex ?? 0) + 1}`;
    case 'next':
      return 'next node';
    default:
      return `${edge.kind} edge`;
  }
}
