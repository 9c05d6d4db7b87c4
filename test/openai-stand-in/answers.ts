/**
 * The default answer of the stand-in: a value built from the requested JSON schema alone,
 * so that a test can predict it.
 *
 * Rules, applied recursively:
 * - enum: the first value, in schema order, whose keywords appear in the input as whole
 *   words (case-insensitive); the first value when none does. A string value without
 *   configured keywords is its own keyword.
 * - const: the constant.
 * - object: every property, in schema order.
 * - array: `minItems` items (none by default).
 * - string: "" (padded with "x" up to minLength); a fixed valid value for the formats
 *   strict mode supports (date-time, date, time, duration, email, hostname, ipv4, ipv6, uuid).
 * - number and integer: 0, moved inside minimum/maximum bounds.
 * - boolean: false. null: null.
 * - anyOf and type lists: the first branch or type that is not null.
 * NOTE: `pattern` and `multipleOf` are not honoured, so a schema using them may get a
 * value that does not match.
 */

import type { JsonSchema } from './types.ts';

/**
 * Recursion limits for self-referencing schemas: from NULL_PREFERRED_DEPTH on, a nullable
 * schema gets null so that the recursion ends; beyond MAX_DEPTH every value is null.
 */
const NULL_PREFERRED_DEPTH = 16;
const MAX_DEPTH = 32;

const FORMAT_EXAMPLES: Record<string, string> = {
  'date-time': '2025-01-01T00:00:00Z',
  date: '2025-01-01',
  time: '00:00:00Z',
  duration: 'P1D',
  email: 'stand-in@example.com',
  hostname: 'example.com',
  ipv4: '192.0.2.1',
  ipv6: '2001:db8::1',
  uuid: '00000000-0000-4000-8000-000000000000',
};

/** Compiled keyword patterns, shared by every request; the set of keywords in use is small. */
const keywordPatterns = new Map<string, RegExp>();
const MAX_CACHED_PATTERNS = 10_000;

interface GenerationContext {
  root: JsonSchema;
  input: string;
  enumKeywords: Record<string, string[]>;
}

/** Builds the default answer for `schema` given the text of the user input. */
export function buildDefaultAnswer(schema: JsonSchema, input: string, enumKeywords: Record<string, string[]> = {}): unknown {
  return valueFor(schema, { root: schema, input, enumKeywords }, 0);
}

/** Returns whether `keyword` appears in `text` as a whole word, ignoring case. */
export function containsKeyword(text: string, keyword: string): boolean {
  let pattern = keywordPatterns.get(keyword);
  if (!pattern) {
    if (keywordPatterns.size >= MAX_CACHED_PATTERNS) {
      keywordPatterns.clear();
    }
    const escaped = keyword.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    pattern = new RegExp(`(?<![\\p{L}\\p{N}_])${escaped}(?![\\p{L}\\p{N}_])`, 'iu');
    keywordPatterns.set(keyword, pattern);
  }
  return pattern.test(text);
}

function valueFor(schema: unknown, context: GenerationContext, depth: number): unknown {
  if (depth > MAX_DEPTH || !isSchemaObject(schema)) {
    return null;
  }

  if (typeof schema.$ref === 'string') {
    return valueFor(resolveReference(schema.$ref, context.root), context, depth + 1);
  }

  if ('const' in schema) {
    return schema.const;
  }

  if (Array.isArray(schema.enum) && schema.enum.length > 0) {
    return pickEnumValue(schema.enum, context);
  }

  const preferNull = depth >= NULL_PREFERRED_DEPTH;

  if (Array.isArray(schema.anyOf)) {
    const nullBranch = schema.anyOf.find(isNullSchema);
    const branch = preferNull && nullBranch ? nullBranch : (schema.anyOf.find((candidate) => !isNullSchema(candidate)) ?? schema.anyOf[0]);
    return valueFor(branch, context, depth + 1);
  }

  const types = Array.isArray(schema.type) ? schema.type : [schema.type];
  if (preferNull && types.includes('null')) {
    return null;
  }
  const type = types.find((candidate) => candidate !== 'null') ?? types[0];

  switch (type) {
    case 'object':
      return objectValue(schema, context, depth);
    case 'array':
      return arrayValue(schema, context, depth);
    case 'string':
      return stringValue(schema);
    case 'number':
    case 'integer':
      return numberValue(schema, type === 'integer');
    case 'boolean':
      return false;
    default:
      return null;
  }
}

function pickEnumValue(values: unknown[], context: GenerationContext): unknown {
  for (const value of values) {
    const key = String(value);
    const keywords = context.enumKeywords[key] ?? (typeof value === 'string' && value !== '' ? [value] : []);
    if (keywords.some((keyword) => containsKeyword(context.input, keyword))) {
      return value;
    }
  }
  return values[0];
}

function objectValue(schema: JsonSchema, context: GenerationContext, depth: number): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  const properties = isSchemaObject(schema.properties) ? schema.properties : {};
  for (const [key, propertySchema] of Object.entries(properties)) {
    result[key] = valueFor(propertySchema, context, depth + 1);
  }
  return result;
}

function arrayValue(schema: JsonSchema, context: GenerationContext, depth: number): unknown[] {
  const count = typeof schema.minItems === 'number' ? schema.minItems : 0;
  const items: unknown[] = [];
  for (let index = 0; index < count; index += 1) {
    items.push(valueFor(schema.items, context, depth + 1));
  }
  return items;
}

function stringValue(schema: JsonSchema): string {
  const example = typeof schema.format === 'string' ? FORMAT_EXAMPLES[schema.format] : undefined;
  if (example !== undefined) {
    return example;
  }
  const minLength = typeof schema.minLength === 'number' ? schema.minLength : 0;
  return 'x'.repeat(minLength);
}

function numberValue(schema: JsonSchema, integer: boolean): number {
  let value = 0;

  if (typeof schema.minimum === 'number' && value < schema.minimum) {
    value = integer ? Math.ceil(schema.minimum) : schema.minimum;
  }
  if (typeof schema.exclusiveMinimum === 'number' && value <= schema.exclusiveMinimum) {
    value = integer ? Math.floor(schema.exclusiveMinimum) + 1 : schema.exclusiveMinimum + 1;
  }
  if (typeof schema.maximum === 'number' && value > schema.maximum) {
    value = integer ? Math.floor(schema.maximum) : schema.maximum;
  }
  if (typeof schema.exclusiveMaximum === 'number' && value >= schema.exclusiveMaximum) {
    value = integer ? Math.ceil(schema.exclusiveMaximum) - 1 : schema.exclusiveMaximum - 1;
  }

  return value;
}

/** Resolves a local reference (`#`, `#/$defs/Name`); anything else resolves to nothing. */
function resolveReference(reference: string, root: JsonSchema): unknown {
  if (!reference.startsWith('#')) {
    return undefined;
  }

  let target: unknown = root;
  const pointer = reference.slice(1);
  if (pointer === '') {
    return target;
  }

  for (const rawSegment of pointer.split('/').slice(1)) {
    const segment = decodeURIComponent(rawSegment).replace(/~1/g, '/').replace(/~0/g, '~');
    if (!isSchemaObject(target)) {
      return undefined;
    }
    target = target[segment];
  }
  return target;
}

function isNullSchema(schema: unknown): boolean {
  return isSchemaObject(schema) && schema.type === 'null';
}

function isSchemaObject(value: unknown): value is JsonSchema {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
