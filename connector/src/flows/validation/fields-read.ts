import { listPromptFields } from '../../inference/merge-fields';
import type { ConditionGroup, FlowDefinition } from '../definition';

/**
 * Lists the fields of the routed record that the flow reads, sorted: merge fields in
 * prompts, fields in entry and Branch conditions, and the entry's update fields. Salesforce
 * sends these fields with each record.
 */
export function listFieldsRead(definition: FlowDefinition): string[] {
  const fields = new Set<string>(definition.entry.updateFields);
  addConditionFields(definition.entry.conditions, fields);

  for (const node of definition.nodes) {
    if (node.type === 'ai_inference') {
      for (const field of listPromptFields(node.config.prompt)) {
        fields.add(field);
      }
    }
    if (node.type === 'branch') {
      for (const rule of node.rules) {
        addConditionFields(rule.when, fields);
      }
    }
  }

  return [...fields].sort();
}

function addConditionFields(group: ConditionGroup | undefined, fields: Set<string>): void {
  for (const condition of group?.conditions ?? []) {
    if ('field' in condition.left) {
      fields.add(condition.left.field);
    }
  }
}
