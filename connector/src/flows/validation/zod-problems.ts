import type { z } from 'zod';
import { formatPath, listValues, problem, type FlowProblem, type PathSegment } from '../problems';

/**
 * Turns the issues of a failed `flowDefinitionSchema` parse into problems an admin can act
 * on. Each problem names the field by its path, relative to its node when it is inside one,
 * and states what was expected. Every problem has the code `invalid_value`.
 */
export function problemsFromZodIssues(issues: readonly z.core.$ZodIssue[], input: unknown): FlowProblem[] {
  return issues.flatMap((issue) => problemsFromIssue(issue, [], input));
}

function problemsFromIssue(issue: z.core.$ZodIssue, prefix: PathSegment[], input: unknown): FlowProblem[] {
  const path = [...prefix, ...issue.path.map(toSegment)];

  // A union reports one issue per alternative. When exactly one alternative has the right
  // shape (say {"literal": ...} with a bad literal inside), its own issues are the useful ones.
  if (issue.code === 'invalid_union' && issue.errors.length > 0) {
    const matching = issue.errors.filter((branchIssues) => !isShapeMismatch(branchIssues, valueAt(input, path)));
    if (matching.length === 1 && matching[0]) {
      return matching[0].flatMap((branchIssue) => problemsFromIssue(branchIssue, path, input));
    }
  }

  const location = locate(path, input);
  return [
    problem(
      location.nodeId,
      path,
      'invalid_value',
      `${location.subject} ${describeIssue(issue, valueAt(input, path))}`,
    ),
  ];
}

function toSegment(key: PropertyKey): PathSegment {
  return typeof key === 'number' ? key : String(key);
}

/** Returns whether a union alternative failed because the value has another shape altogether. */
function isShapeMismatch(branchIssues: readonly z.core.$ZodIssue[], value: unknown): boolean {
  return branchIssues.some((issue) => {
    if (issue.path.length === 0) {
      if (issue.code === 'invalid_type' || issue.code === 'unrecognized_keys') {
        return true;
      }
      if (issue.code === 'invalid_union') {
        return issue.errors.every((nested) => isShapeMismatch(nested, value));
      }
      return false;
    }

    // A required key that is absent means the object is meant as another alternative.
    return (
      issue.path.length === 1 &&
      issue.code === 'invalid_type' &&
      valueAt(value, issue.path.map(toSegment)) === undefined
    );
  });
}

interface Location {
  nodeId: string | null;
  /** The start of the message, naming the field: `In node "a", the field config.prompt`. */
  subject: string;
}

function locate(path: PathSegment[], input: unknown): Location {
  if (path.length === 0) {
    return { nodeId: null, subject: 'The flow definition' };
  }

  if (path[0] === 'nodes' && typeof path[1] === 'number') {
    const nodePath = path.slice(0, 2);
    const id = valueAt(input, [...nodePath, 'id']);
    const nodeId = typeof id === 'string' && id !== '' ? id : null;
    const inside = path.slice(2);
    const nodeName = nodeId === null ? `the node ${formatPath(nodePath)}` : `node "${nodeId}"`;

    if (inside.length === 0) {
      return { nodeId, subject: nodeId === null ? `The node ${formatPath(nodePath)}` : `Node "${nodeId}"` };
    }
    return { nodeId, subject: `In ${nodeName}, the field ${formatPath(inside)}` };
  }

  return { nodeId: null, subject: `The field ${formatPath(path)}` };
}

/** Describes what is wrong and what was expected, as the rest of the sentence after the subject. */
function describeIssue(issue: z.core.$ZodIssue, value: unknown): string {
  switch (issue.code) {
    case 'invalid_type':
      if (value === undefined) {
        return `is missing: expected ${describeExpectedType(issue.expected)}.`;
      }
      return `must be ${describeExpectedType(issue.expected)}, not ${describeReceived(value)}.`;

    case 'too_small':
      return `${describeBound(issue.origin, 'at least', issue.minimum, issue.inclusive)}.`;

    case 'too_big':
      return `${describeBound(issue.origin, 'at most', issue.maximum, issue.inclusive)}.`;

    case 'invalid_value':
      if (issue.values.length === 1) {
        return `must be ${JSON.stringify(issue.values[0])}.`;
      }
      return `must be one of ${listValues(issue.values)}.`;

    case 'unrecognized_keys': {
      const keys = issue.keys.map((key) => `"${key}"`).join(', ');
      return issue.keys.length === 1
        ? `has the unknown field ${keys}. Remove it.`
        : `has the unknown fields ${keys}. Remove them.`;
    }

    case 'invalid_union':
      if (issue.discriminator !== undefined && 'options' in issue && Array.isArray(issue.options)) {
        return `must be one of ${listValues(issue.options)}.`;
      }
      return `is invalid: ${issue.message}.`;

    default:
      // Format issues carry the message written in definition.ts, which states what is expected.
      return `is invalid: ${issue.message}.`;
  }
}

function describeExpectedType(expected: string): string {
  switch (expected) {
    case 'string':
      return 'text';
    case 'int':
      return 'a whole number';
    case 'number':
      return 'a number';
    case 'boolean':
      return 'true or false';
    case 'array':
      return 'a list';
    case 'object':
      return 'an object';
    case 'null':
      return 'null';
    default:
      return expected;
  }
}

function describeReceived(value: unknown): string {
  if (value === null) {
    return 'null';
  }
  if (Array.isArray(value)) {
    return 'a list';
  }
  switch (typeof value) {
    case 'string':
      return 'text';
    case 'number':
      return Number.isInteger(value) ? 'a number' : `the number ${value}`;
    case 'boolean':
      return `${value}`;
    case 'object':
      return 'an object';
    default:
      return typeof value;
  }
}

function describeBound(
  origin: string,
  direction: 'at least' | 'at most',
  bound: number | bigint,
  inclusive: boolean | undefined,
): string {
  const limit = Number(bound);
  switch (origin) {
    case 'string':
      if (direction === 'at least' && limit === 1) {
        return 'must not be empty';
      }
      return `must be ${direction} ${limit} ${limit === 1 ? 'character' : 'characters'} long`;
    case 'array':
      return `must have ${direction} ${limit} ${limit === 1 ? 'item' : 'items'}`;
    default:
      if (inclusive === false) {
        return `must be ${direction === 'at least' ? 'greater' : 'less'} than ${limit}`;
      }
      return `must be ${direction} ${limit}`;
  }
}

/** Reads the raw input at a path, or undefined when the path leads nowhere. */
function valueAt(root: unknown, path: readonly PathSegment[]): unknown {
  let current: unknown = root;
  for (const segment of path) {
    if (current === null || typeof current !== 'object') {
      return undefined;
    }
    current = (current as Record<PathSegment, unknown>)[segment];
  }
  return current;
}
