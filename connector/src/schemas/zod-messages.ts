import { z } from 'zod';

/**
 * Request validation messages that state what was expected in plain words, for every zod
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

    case 'invalid_format':
      return describeFormat(issue.format);

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
    record: 'an object',
    null: 'null',
    // z.unknown() and z.any() fields report a missing value as expected "nonoptional".
    nonoptional: 'a value',
  };
  return names[expected] ?? expected;
}

/** Messages for the string formats the API uses; other formats keep zod's message. */
function describeFormat(format: string): string | undefined {
  switch (format) {
    case 'date':
      return 'expected a date as YYYY-MM-DD';
    case 'datetime':
      return 'expected a date and time in ISO 8601 with a time zone, such as 2025-01-31T09:15:00Z';
    default:
      return undefined;
  }
}

function describeValue(value: unknown): string {
  if (value === null) return 'null';
  // Only z.coerce.number() produces NaN, from text that is not a number such as a query parameter.
  if (typeof value === 'number' && Number.isNaN(value)) return 'text that is not a number';
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
