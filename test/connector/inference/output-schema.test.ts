import Ajv from 'ajv';
import type { OutputDefinition } from '../../../connector/src/flows/definition';
import { buildOutputSchema, buildOutputValidator } from '../../../connector/src/inference/output-schema';

const outputs: OutputDefinition[] = [
  { name: 'intent', type: 'picklist', values: ['pricing', 'support', 'other'], description: 'What the lead wants.' },
  { name: 'summary', type: 'text' },
  { name: 'score', type: 'number', description: 'From 0 to 100.' },
  { name: 'urgent', type: 'boolean' },
];

describe('buildOutputSchema', () => {
  it('maps each output type to its JSON schema type', () => {
    const schema = buildOutputSchema(outputs);

    expect(schema).toEqual({
      type: 'object',
      properties: {
        intent: { type: 'string', enum: ['pricing', 'support', 'other'], description: 'What the lead wants.' },
        summary: { type: 'string' },
        score: { type: 'number', description: 'From 0 to 100.' },
        urgent: { type: 'boolean' },
      },
      required: ['intent', 'summary', 'score', 'urgent'],
      additionalProperties: false,
    });
  });

  it('builds a schema that a strict JSON schema validator accepts', () => {
    const ajv = new Ajv({ strict: true });
    const validate = ajv.compile(buildOutputSchema(outputs));

    expect(validate({ intent: 'support', summary: 'Card lost.', score: 80, urgent: true })).toBe(true);
    expect(validate({ intent: 'sales', summary: 'x', score: 1, urgent: false })).toBe(false);
    expect(validate({ intent: 'support', summary: 'x', score: 1 })).toBe(false);
    expect(validate({ intent: 'support', summary: 'x', score: 1, urgent: false, extra: 1 })).toBe(false);
  });

  it('does not share the picklist array with the definition', () => {
    const schema = buildOutputSchema(outputs) as { properties: { intent: { enum: string[] } } };

    schema.properties.intent.enum.push('changed');

    expect(outputs[0]?.values).toEqual(['pricing', 'support', 'other']);
  });
});

describe('buildOutputValidator', () => {
  it('accepts exact types and rejects coercible ones', () => {
    const validator = buildOutputValidator(outputs);

    expect(validator.safeParse({ intent: 'other', summary: '', score: 0.5, urgent: false }).success).toBe(true);
    expect(validator.safeParse({ intent: 'other', summary: '', score: '0.5', urgent: false }).success).toBe(false);
    expect(validator.safeParse({ intent: 'other', summary: '', score: 1, urgent: 'false' }).success).toBe(false);
    expect(validator.safeParse({ intent: 'Other', summary: '', score: 1, urgent: false }).success).toBe(false);
  });
});
