/**
 * Checks a JSON schema against the rules OpenAI applies to structured outputs in strict
 * mode, so that a request OpenAI would reject with 400 is rejected here too.
 *
 * Checked rules:
 * - the root is an object schema, not anyOf;
 * - every object schema has `additionalProperties: false` and lists every property in `required`;
 * - every schema has a `type`, `anyOf`, `enum`, `const` or `$ref`;
 * - keywords that strict mode does not support (allOf, oneOf, not, if/then/else,
 *   patternProperties, ...) are absent;
 * - objects nest at most 10 levels deep.
 * NOTE: OpenAI's other limits (5000 properties, 1000 enum values, string lengths of names
 * and enum values) are not checked.
 */

import type { JsonSchema } from './types.ts';

export interface StrictSchemaViolation {
  /** Path of the offending schema from the root, as OpenAI prints it: `('properties', 'tier')`. */
  context: string;
  /** What is wrong, as a sentence without the final period. */
  problem: string;
}

const UNSUPPORTED_KEYWORDS = [
  'allOf',
  'oneOf',
  'not',
  'if',
  'then',
  'else',
  'dependentRequired',
  'dependentSchemas',
  'patternProperties',
  'propertyNames',
  'unevaluatedProperties',
  'unevaluatedItems',
  'contains',
];

const MAX_OBJECT_NESTING = 10;

/** Returns the first violation found, or null when the schema is acceptable in strict mode. */
export function findStrictSchemaViolation(schema: unknown): StrictSchemaViolation | null {
  if (!isSchemaObject(schema)) {
    return violation([], 'schema must be a JSON Schema object');
  }

  if (schema.type !== 'object' || 'anyOf' in schema) {
    const found = 'anyOf' in schema ? 'anyOf' : `type: "${String(schema.type)}"`;
    return violation([], `schema must be a JSON Schema of 'type: "object"', got '${found}'`);
  }

  for (const definitionsKeyword of ['$defs', 'definitions']) {
    const definitions = schema[definitionsKeyword];
    if (isSchemaObject(definitions)) {
      for (const [name, definition] of Object.entries(definitions)) {
        const found = checkSchema(definition, [definitionsKeyword, name], 0);
        if (found) {
          return found;
        }
      }
    }
  }

  return checkSchema(schema, [], 0);
}

/** Formats a path like a Python tuple, which is how OpenAI prints `context=`. */
export function formatContext(path: Array<string | number>): string {
  const parts = path.map((part) => (typeof part === 'number' ? String(part) : `'${part}'`));
  if (parts.length === 1) {
    return `(${parts[0]},)`;
  }
  return `(${parts.join(', ')})`;
}

function checkSchema(schema: unknown, path: Array<string | number>, objectDepth: number): StrictSchemaViolation | null {
  if (!isSchemaObject(schema)) {
    return violation(path, 'schema must be a JSON Schema object');
  }

  // A reference is checked where it points, in $defs.
  if ('$ref' in schema) {
    return null;
  }

  for (const keyword of UNSUPPORTED_KEYWORDS) {
    if (keyword in schema) {
      return violation(path, `'${keyword}' is not permitted`);
    }
  }

  if (Array.isArray(schema.anyOf)) {
    for (const [index, branch] of schema.anyOf.entries()) {
      const found = checkSchema(branch, [...path, 'anyOf', index], objectDepth);
      if (found) {
        return found;
      }
    }
    return null;
  }

  if (!('type' in schema)) {
    if ('enum' in schema || 'const' in schema) {
      return null;
    }
    return violation(path, "schema must have a 'type' key");
  }

  const types = Array.isArray(schema.type) ? schema.type : [schema.type];

  if (types.includes('object')) {
    const found = checkObjectSchema(schema, path, objectDepth + 1);
    if (found) {
      return found;
    }
  }

  if (types.includes('array') && 'items' in schema) {
    return checkSchema(schema.items, [...path, 'items'], objectDepth);
  }

  return null;
}

function checkObjectSchema(schema: JsonSchema, path: Array<string | number>, objectDepth: number): StrictSchemaViolation | null {
  if (objectDepth > MAX_OBJECT_NESTING) {
    return violation(path, `objects are nested more than ${MAX_OBJECT_NESTING} levels deep`);
  }

  if (schema.additionalProperties !== false) {
    return violation(path, "'additionalProperties' is required to be supplied and to be false");
  }

  const properties = isSchemaObject(schema.properties) ? schema.properties : {};
  const required = Array.isArray(schema.required) ? schema.required : null;
  const missing = Object.keys(properties).filter((key) => !required?.includes(key));
  if (required === null || missing.length > 0) {
    const missingText = missing.length > 0 ? ` Missing '${missing[0]}'` : '';
    return violation(
      path,
      `'required' is required to be supplied and to be an array including every key in properties.${missingText}`,
    );
  }

  for (const [key, propertySchema] of Object.entries(properties)) {
    const found = checkSchema(propertySchema, [...path, 'properties', key], objectDepth);
    if (found) {
      return found;
    }
  }

  return null;
}

function violation(path: Array<string | number>, problem: string): StrictSchemaViolation {
  return { context: formatContext(path), problem };
}

function isSchemaObject(value: unknown): value is JsonSchema {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
