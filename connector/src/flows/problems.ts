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

/** Joins values for a message: `pricing, support, other`. */
export function listValues(values: readonly unknown[]): string {
  return values.map((value) => String(value)).join(', ');
}
