import { z } from 'zod';

/**
 * Request validation messages that say what was expected in plain words, for every zod
 * schema without its own message. The error handler puts the field path in front, which
 * gives for example `body.actor.name: required: expected text`.
 */
export function describeIssue(issue: z.core.$ZodRawIssue): string | undefined {
  switch (issue.code) {
    case 'invalid_type':
      return issue.input === undefined
        ? `required: expected ${describeType(issue.expected)}`
        : `expected ${describeType(issue.expected)}, got ${describeValue(issue.input)}`;

    case 'too_small':
      return `expected ${describeBound(issue.origin, 'at least', issue.minimum, issue.inclusive)}`;

    case 'too_big':
      return `expected ${describeBound(issue.origin, 'at most', issue.maximum, issue.inclusive)}`;

    case 'invalid_value':
      return issue.values.length === 1
        ? `expected ${JSON.stringify(issue.values[0])}`
        : `expected one of ${issue.values.map((value) => JSON.stringify(value)).join(', ')}`;

    case 'unrecognized_keys':
      return `unknown field${issue.keys.length === 1 ? '' : 's'} ${issue.keys.map((key) => `"${key}"`).join(', ')}: remove ${issue.keys.length === 1 ? 'it' : 'them'}`;

    default:
      return undefined;
  }
}

function describeType(expected: string): string {
  const names: Record<string, string> = {
    string: 'text',
    number: 'a number',
    int: 'a whole number',
    boolean: 'true or false',
    array: 'a list',
    object: 'an object',
    null: 'null',
  };
  return names[expected] ?? expected;
}

function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'string') return 'text';
  if (typeof value === 'object') return 'an object';
  return `a ${typeof value}`;
}

function describeBound(origin: string, relation: string, bound: number | bigint, inclusive: boolean | undefined): string {
  const limit = inclusive === false ? `${relation === 'at least' ? 'more than' : 'less than'} ${bound}` : `${relation} ${bound}`;
  switch (origin) {
    case 'string':
      return `${limit} character${bound === 1 ? '' : 's'}`;
    case 'array':
    case 'set':
      return `${limit} item${bound === 1 ? '' : 's'}`;
    default:
      return `a value ${limit}`;
  }
}

z.config({ customError: describeIssue });
