import { z } from 'zod';
import type { OutputDefinition } from '../flows/definition';

/**
 * Builds the JSON schema of a node's outputs for structured outputs in strict mode: every
 * property is required and no other property is allowed, as strict mode demands.
 */
export function buildOutputSchema(outputs: readonly OutputDefinition[]): Record<string, unknown> {
  const properties: Record<string, Record<string, unknown>> = {};
  for (const output of outputs) {
    const property = jsonSchemaType(output);
    if (output.description !== undefined) {
      property.description = output.description;
    }
    properties[output.name] = property;
  }

  return {
    type: 'object',
    properties,
    required: outputs.map((output) => output.name),
    additionalProperties: false,
  };
}

function jsonSchemaType(output: OutputDefinition): Record<string, unknown> {
  switch (output.type) {
    case 'text':
      return { type: 'string' };
    case 'number':
      return { type: 'number' };
    case 'boolean':
      return { type: 'boolean' };
    case 'picklist':
      // A picklist without values only reaches here from an unvalidated definition; plain text is the safe reading.
      return output.values === undefined ? { type: 'string' } : { type: 'string', enum: [...output.values] };
  }
}

/** Builds the zod schema that checks a model's response against the same outputs. */
export function buildOutputValidator(
  outputs: readonly OutputDefinition[],
): z.ZodType<Record<string, string | number | boolean>> {
  const shape: Record<string, z.ZodType<string | number | boolean>> = {};
  for (const output of outputs) {
    shape[output.name] = outputValidator(output);
  }
  return z.strictObject(shape);
}

function outputValidator(output: OutputDefinition): z.ZodType<string | number | boolean> {
  switch (output.type) {
    case 'text':
      return z.string();
    case 'number':
      return z.number();
    case 'boolean':
      return z.boolean();
    case 'picklist': {
      const [first, ...rest] = output.values ?? [];
      return first === undefined ? z.string() : z.enum([first, ...rest]);
    }
  }
}
