import type { FlowDefinition, OutputDefinition } from './definition';

/** A variable of a flow: one output of an AI Inference node. */
export interface FlowVariable {
  name: string;
  type: OutputDefinition['type'];
  /** The AI Inference node that sets it. */
  nodeId: string;
  /** The allowed values of a picklist output. */
  values?: string[];
}

/**
 * Lists the outputs of all AI Inference nodes, in node order. Output names must be unique
 * across the flow; when they are not, the first definition of a name is listed.
 */
export function listFlowVariables(definition: FlowDefinition): FlowVariable[] {
  const variables = new Map<string, FlowVariable>();

  for (const node of definition.nodes) {
    if (node.type !== 'ai_inference') {
      continue;
    }
    for (const output of node.config.outputs) {
      if (variables.has(output.name)) {
        continue;
      }
      const variable: FlowVariable = { name: output.name, type: output.type, nodeId: node.id };
      if (output.values !== undefined) {
        variable.values = output.values;
      }
      variables.set(output.name, variable);
    }
  }

  return [...variables.values()];
}
