import { scanMergeFields } from '../../inference/merge-fields';
import type { FlowDefinition } from '../definition';
import { problem, type FlowProblem, type PathSegment } from '../problems';

const QUOTED_TEXT_LIMIT = 60;

/** Checks the prompts of every AI Inference node. */
export function checkPrompts(definition: FlowDefinition): FlowProblem[] {
  return definition.nodes.flatMap((node, index) =>
    node.type === 'ai_inference'
      ? checkPrompt(node.config.prompt, { nodeId: node.id, path: ['nodes', index, 'config', 'prompt'] })
      : [],
  );
}

/**
 * Checks one prompt: every merge field must have the form `{!Record.FieldApiName}`, and the
 * prompt must read at least one field, because a prompt without record data would give the
 * same outputs for every record.
 */
export function checkPrompt(prompt: string, site: { nodeId: string | null; path: PathSegment[] }): FlowProblem[] {
  const where = site.nodeId === null ? 'The prompt' : `The prompt of node "${site.nodeId}"`;
  const problems: FlowProblem[] = [];
  let readsAField = false;

  for (const mergeField of scanMergeFields(prompt)) {
    switch (mergeField.kind) {
      case 'field':
        readsAField = true;
        break;
      case 'unsupported':
        problems.push(
          problem(
            site.nodeId,
            site.path,
            'invalid_merge_field',
            `${where} contains the merge field ${quote(mergeField.text)}, which is not supported. Merge fields must have the form {!Record.FieldApiName}, such as {!Record.Description}.`,
          ),
        );
        break;
      case 'unclosed':
        problems.push(
          problem(
            site.nodeId,
            site.path,
            'unclosed_merge_field',
            `${where} contains ${quote(mergeField.text)} without a closing "}".`,
          ),
        );
        break;
    }
  }

  if (!readsAField) {
    problems.push(
      problem(
        site.nodeId,
        site.path,
        'prompt_reads_no_field',
        `${where} reads no field of the record, so the model would get no record data. Add a merge field such as {!Record.Description}.`,
      ),
    );
  }

  return problems;
}

/** Shortens long tokens so that a message stays readable. */
function quote(text: string): string {
  const trimmed = text.trim();
  return trimmed.length > QUOTED_TEXT_LIMIT ? `${trimmed.slice(0, QUOTED_TEXT_LIMIT)}…` : trimmed;
}
