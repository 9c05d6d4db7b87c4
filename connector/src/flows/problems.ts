import type { FlowProblem } from '../schemas/flows';
import type { FlowNode } from './definition';

export type { FlowProblem };

/** A step of a JSON path: an object key or an array index. */
export type PathSegment = string | number;

/** Formats a path the way admins and FlowBuilder read it: `nodes[2].config.outputs[0].values`. */
export function formatPath(segments: readonly PathSegment[]): string {
  let text = '';
  for (const segment of segments) {
    if (typeof segment === 'number') {
      text += `[${segment}]`;
    } else {
      text += text === '' ? segment : `.${segment}`;
    }
  }
  return text;
}

export function problem(
  nodeId: string | null,
  path: readonly PathSegment[],
  code: string,
  message: string,
): FlowProblem {
  return { nodeId, path: formatPath(path), code, message };
}

const NODE_TYPE_NAMES: Record<FlowNode['type'], string> = {
  ai_inference: 'AI Inference',
  branch: 'Branch',
  assign_owner: 'Assign Owner',
  update_record: 'Update Record',
  end: 'End',
};

/** Names a node as the FlowBuilder palette does, such as `AI Inference node "classify"`. */
export function describeNode(node: Pick<FlowNode, 'type' | 'id'>): string {
  return `${NODE_TYPE_NAMES[node.type]} node "${node.id}"`;
}

/** Node ids a route shows at most in a message; longer routes keep their ends. */
const MAX_ROUTE_NODES = 8;

/**
 * Joins the steps of a route for a message: `"a" → "b" → "c"`. A long route shows its first
 * and last steps around the number left out, so one message stays short however long the route.
 */
export function describeRoute(steps: readonly string[]): string {
  if (steps.length <= MAX_ROUTE_NODES) {
    return steps.join(' → ');
  }
  const head = steps.slice(0, MAX_ROUTE_NODES / 2);
  const tail = steps.slice(-(MAX_ROUTE_NODES / 2 - 1));
  return [...head, `(${steps.length - head.length - tail.length} more nodes)`, ...tail].join(' → ');
}

/** Joins values for a message: `pricing, support, other`. */
export function listValues(values: readonly unknown[]): string {
  return values.map((value) => String(value)).join(', ');
}
