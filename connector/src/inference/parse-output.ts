import type { z } from 'zod';
import type { OutputDefinition } from '../flows/definition';
import { listValues } from '../flows/problems';
import { buildOutputValidator } from './output-schema';
import type { VariableValue } from './types';

export type ParsedOutput =
  { ok: true; variables: Record<string, VariableValue> } | { ok: false; code: 'invalid_output'; message: string };

/** At most this many mismatches are named in one message. */
const MAX_REPORTED_MISMATCHES = 3;

/** Distinct output lists whose validators are kept; the oldest is dropped beyond it. */
const MAX_CACHED_VALIDATORS = 256;

/**
 * Validators by the outputs they check. Building a zod schema is cheap, but zod compiles
 * each new object schema on its first parse, which cost more than the rest of parsing a
 * response. A flow run checks the same outputs for every record, so one compile serves all.
 */
const validators = new Map<string, ReturnType<typeof buildOutputValidator>>();

function validatorFor(outputs: readonly OutputDefinition[]): ReturnType<typeof buildOutputValidator> {
  // Only names, types and values decide validity; descriptions and labels do not.
  const key = JSON.stringify(outputs.map((output) => [output.name, output.type, output.values ?? null]));
  let validator = validators.get(key);
  if (validator === undefined) {
    validator = buildOutputValidator(outputs);
    validators.set(key, validator);
    if (validators.size > MAX_CACHED_VALIDATORS) {
      validators.delete(validators.keys().next().value!);
    }
  }
  return validator;
}

/**
 * Parses the model's JSON response and checks it against the node's outputs: every output
 * present with its exact type, picklist values from the list, nothing else. Messages name
 * outputs but never quote the response, which may repeat record data.
 */
export function parseOutput(content: string, outputs: readonly OutputDefinition[]): ParsedOutput {
  let parsed: unknown;
  try {
    parsed = JSON.parse(content);
  } catch {
    return invalid("The model's response is not valid JSON.");
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    return invalid("The model's response is not a JSON object.");
  }

  const result = validatorFor(outputs).safeParse(parsed);
  if (result.success) {
    return { ok: true, variables: result.data };
  }

  const outputsByName = new Map(outputs.map((output) => [output.name, output]));
  const mismatches = result.error.issues
    .slice(0, MAX_REPORTED_MISMATCHES)
    .map((issue) => describeMismatch(issue, outputsByName, parsed));
  return invalid(`The model's response does not match the outputs. ${mismatches.join(' ')}`);
}

function invalid(message: string): ParsedOutput {
  return { ok: false, code: 'invalid_output', message };
}

function describeMismatch(
  issue: z.core.$ZodIssue,
  outputsByName: Map<string, OutputDefinition>,
  response: object,
): string {
  if (issue.code === 'unrecognized_keys') {
    // The key names come from the model, so they are counted rather than quoted.
    return issue.keys.length === 1
      ? 'It contains 1 property that is not an output.'
      : `It contains ${issue.keys.length} properties that are not outputs.`;
  }

  const name = String(issue.path[0]);
  const output = outputsByName.get(name);
  if (output === undefined) {
    return `The output "${name}" is invalid.`;
  }
  if (!Object.hasOwn(response, name)) {
    return `The output "${name}" is missing.`;
  }
  switch (output.type) {
    case 'text':
      return `The output "${name}" is not text.`;
    case 'picklist':
      return output.values === undefined
        ? `The output "${name}" is not text.`
        : `The output "${name}" is not one of ${listValues(output.values)}.`;
    case 'number':
      return `The output "${name}" is not a number.`;
    case 'boolean':
      return `The output "${name}" is not true or false.`;
  }
}
