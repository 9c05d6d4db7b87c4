/**
 * Merge fields in AI Inference prompts. The only supported form is `{!Record.FieldApiName}`,
 * which names a field of the routed record itself. Relationship paths (`{!Record.Owner.Name}`)
 * and other objects (`{!Account.Name}`) are not supported, because Salesforce sends the
 * connector only the routed record's own fields.
 */

/** The field API name rule of definition.ts, repeated here so that prompt parsing needs no zod. */
const FIELD_API_NAME = /^[A-Za-z][A-Za-z0-9_]{0,79}$/;

const MERGE_FIELD_OPENING = '{!';

export type MergeField =
  | { kind: 'field'; text: string; start: number; end: number; field: string }
  | { kind: 'unsupported'; text: string; start: number; end: number }
  | { kind: 'unclosed'; text: string; start: number; end: number };

/**
 * Finds every merge field in a prompt, in order. `start` and `end` are string offsets
 * (`end` exclusive) so that callers can replace the tokens. A `{!` without a closing `}`
 * before the next `{` or the end of the prompt is reported as `unclosed`.
 */
export function scanMergeFields(prompt: string): MergeField[] {
  const found: MergeField[] = [];
  let searchFrom = 0;

  while (searchFrom < prompt.length) {
    const start = prompt.indexOf(MERGE_FIELD_OPENING, searchFrom);
    if (start === -1) {
      break;
    }

    const bodyStart = start + MERGE_FIELD_OPENING.length;
    const closing = prompt.indexOf('}', bodyStart);
    const nextOpening = prompt.indexOf('{', bodyStart);

    if (closing === -1 || (nextOpening !== -1 && nextOpening < closing)) {
      const end = nextOpening === -1 ? prompt.length : nextOpening;
      found.push({ kind: 'unclosed', text: prompt.slice(start, end), start, end });
      searchFrom = end;
      continue;
    }

    const end = closing + 1;
    const text = prompt.slice(start, end);
    const field = parseRecordField(prompt.slice(bodyStart, closing));
    found.push(field === null ? { kind: 'unsupported', text, start, end } : { kind: 'field', text, start, end, field });
    searchFrom = end;
  }

  return found;
}

/** Returns the field API name of `Record.FieldApiName`, or null for any other body. */
function parseRecordField(body: string): string | null {
  const prefix = 'Record.';
  if (!body.startsWith(prefix)) {
    return null;
  }
  const field = body.slice(prefix.length);
  return FIELD_API_NAME.test(field) ? field : null;
}

/** Lists the distinct fields a prompt reads, in order of first use. */
export function listPromptFields(prompt: string): string[] {
  const fields = new Set<string>();
  for (const mergeField of scanMergeFields(prompt)) {
    if (mergeField.kind === 'field') {
      fields.add(mergeField.field);
    }
  }
  return [...fields];
}
