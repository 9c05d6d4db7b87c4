/** The stand-in's deterministic rules, tested without a server. */

import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';

import { buildDefaultAnswer, containsKeyword, findStrictSchemaViolation, formatResetDuration, maskApiKey } from '../openai-stand-in/index.ts';
import type { JsonSchema } from '../openai-stand-in/index.ts';

const ajv = new Ajv2020({ strict: false });
addFormats(ajv);

function object(properties: Record<string, unknown>, extra: Record<string, unknown> = {}): JsonSchema {
  return { type: 'object', additionalProperties: false, required: Object.keys(properties), properties, ...extra };
}

describe('buildDefaultAnswer', () => {
  test('fills every type with its default', () => {
    const schema = object({
      text: { type: 'string' },
      count: { type: 'integer' },
      ratio: { type: 'number' },
      flag: { type: 'boolean' },
      nothing: { type: 'null' },
      list: { type: 'array', items: { type: 'string' } },
      nested: object({ inner: { type: 'string' } }),
    });

    expect(buildDefaultAnswer(schema, '')).toEqual({ text: '', count: 0, ratio: 0, flag: false, nothing: null, list: [], nested: { inner: '' } });
  });

  test('moves numbers inside their bounds', () => {
    const schema = object({
      atLeastThree: { type: 'integer', minimum: 3 },
      aboveTwo: { type: 'integer', exclusiveMinimum: 2 },
      atMostMinusOne: { type: 'number', maximum: -1 },
      belowMinusHalf: { type: 'number', exclusiveMaximum: -0.5 },
      fractionalMinimum: { type: 'integer', minimum: 1.5 },
    });

    expect(buildDefaultAnswer(schema, '')).toEqual({ atLeastThree: 3, aboveTwo: 3, atMostMinusOne: -1, belowMinusHalf: -1.5, fractionalMinimum: 2 });
  });

  test('honours minLength, minItems and formats', () => {
    const schema = object({
      code: { type: 'string', minLength: 3 },
      tags: { type: 'array', minItems: 2, items: { type: 'string', enum: ['a', 'b'] } },
      when: { type: 'string', format: 'date-time' },
      day: { type: 'string', format: 'date' },
      email: { type: 'string', format: 'email' },
      id: { type: 'string', format: 'uuid' },
      address: { type: 'string', format: 'ipv6' },
    });

    const answer = buildDefaultAnswer(schema, '');

    expect(answer).toMatchObject({ code: 'xxx', tags: ['a', 'a'] });
    expect(ajv.validate(schema, answer)).toBe(true);
  });

  test('prefers the non-null branch of a nullable value', () => {
    const schema = object({
      owner: { anyOf: [{ type: 'null' }, { type: 'string' }] },
      score: { type: ['null', 'integer'] },
    });

    expect(buildDefaultAnswer(schema, '')).toEqual({ owner: '', score: 0 });
  });

  test('returns const values', () => {
    expect(buildDefaultAnswer(object({ kind: { const: 'lead' } }), '')).toEqual({ kind: 'lead' });
  });

  test('follows $defs references', () => {
    const schema = object({ owner: { $ref: '#/$defs/Owner' } }, { $defs: { Owner: object({ team: { type: 'string', enum: ['Sales', 'Support'] } }) } });

    expect(buildDefaultAnswer(schema, 'Needs Support')).toEqual({ owner: { team: 'Support' } });
  });

  test('ends a self-referencing schema with null', () => {
    const schema = object({ name: { type: 'string' }, child: { anyOf: [{ $ref: '#' }, { type: 'null' }] } });

    const answer = buildDefaultAnswer(schema, '');

    expect(ajv.validate(schema, answer)).toBe(true);
  });

  test('picks first matching enum value', () => {
    const schema = object({ tier: { type: 'string', enum: ['SMB', 'Enterprise', 'Mid-Market'] } });

    expect(buildDefaultAnswer(schema, 'mid-market or enterprise')).toEqual({ tier: 'Enterprise' });
  });

  test('uses configured keywords instead of the value text', () => {
    const schema = object({ tier: { type: 'string', enum: ['SMB', 'Enterprise'] } });
    const keywords = { Enterprise: ['5000 employees'] };

    expect(buildDefaultAnswer(schema, 'Company with 5000 employees', keywords)).toEqual({ tier: 'Enterprise' });
    expect(buildDefaultAnswer(schema, 'An Enterprise deal', keywords)).toEqual({ tier: 'SMB' });
  });
});

describe('containsKeyword', () => {
  test.each<[string, string, boolean]>([
    ['Region: EMEA', 'emea', true],
    ['EMEAN region', 'EMEA', false],
    ['US-based', 'US', true],
    ['status: busy', 'US', false],
    ['price (USD)', 'usd', true],
    ['a.b matches literally', 'a.b', true],
    ['axb does not', 'a.b', false],
    ['Zürich office', 'Zürich', true],
  ])('%s contains %s: %s', (text, keyword, expected) => {
    expect(containsKeyword(text, keyword)).toBe(expected);
  });
});

describe('findStrictSchemaViolation', () => {
  test('accepts a strict schema', () => {
    const schema = object(
      { tier: { type: 'string', enum: ['A', 'B'] }, owner: { anyOf: [{ $ref: '#/$defs/Owner' }, { type: 'null' }] } },
      { $defs: { Owner: object({ id: { type: 'string' } }) } },
    );

    expect(findStrictSchemaViolation(schema)).toBeNull();
  });

  test.each<[string, unknown, string, string]>([
    ['a root array', { type: 'array', items: { type: 'string' } }, '()', `schema must be a JSON Schema of 'type: "object"', got 'type: "array"'`],
    ['a root anyOf', { type: 'object', anyOf: [] }, '()', `schema must be a JSON Schema of 'type: "object"', got 'anyOf'`],
    ['a missing type', object({ tier: {} }), "('properties', 'tier')", "schema must have a 'type' key"],
    ['allOf', object({ tier: { type: 'string', allOf: [] } }), "('properties', 'tier')", "'allOf' is not permitted"],
    ['oneOf', object({ tier: { type: 'string', oneOf: [] } }), "('properties', 'tier')", "'oneOf' is not permitted"],
    [
      'an open object inside items',
      object({ rows: { type: 'array', items: { type: 'object', properties: {} } } }),
      "('properties', 'rows', 'items')",
      "'additionalProperties' is required to be supplied and to be false",
    ],
    [
      'an open object inside anyOf',
      object({ owner: { anyOf: [{ type: 'null' }, { type: 'object', properties: {}, required: [] }] } }),
      "('properties', 'owner', 'anyOf', 1)",
      "'additionalProperties' is required to be supplied and to be false",
    ],
    [
      'a broken definition',
      object({}, { $defs: { Owner: { type: 'object', additionalProperties: false, properties: { id: { type: 'string' } } } } }),
      "('$defs', 'Owner')",
      "'required' is required to be supplied and to be an array including every key in properties. Missing 'id'",
    ],
  ])('rejects %s', (_case, schema, context, problem) => {
    expect(findStrictSchemaViolation(schema)).toEqual({ context, problem });
  });

  test('rejects objects nested more than 10 levels deep', () => {
    let schema = object({ leaf: { type: 'string' } });
    for (let level = 0; level < 10; level += 1) {
      schema = object({ child: schema });
    }

    expect(findStrictSchemaViolation(schema)?.problem).toBe('objects are nested more than 10 levels deep');
  });
});

describe('formatResetDuration', () => {
  test.each<[number, string]>([
    [0, '0s'],
    [12, '12ms'],
    [999.2, '1000ms'],
    [1_000, '1s'],
    [1_500, '1.5s'],
    [8_640, '8.64s'],
    [60_000, '1m0s'],
    [360_000, '6m0s'],
    [61_250, '1m1.25s'],
  ])('%d ms is %s', (ms, expected) => {
    expect(formatResetDuration(ms)).toBe(expected);
  });
});

describe('maskApiKey', () => {
  test('keeps the first eight and last four characters', () => {
    expect(maskApiKey('sk-test-abcdefgh-1234')).toBe('sk-test-*********1234');
  });

  test('masks a short key entirely', () => {
    expect(maskApiKey('sk-short')).toBe('********');
  });
});
