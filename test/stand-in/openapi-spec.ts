/**
 * Validates JSON bodies against the schemas of OpenAI's published OpenAPI 3.1 description,
 * so that tests can prove the stand-in (and what the connector sends) matches the real API.
 *
 * Each call of `loadOpenApiSpec` parses the 3 MB file again, which takes over a second,
 * so call it once per test file.
 */

import { existsSync, readFileSync } from 'node:fs';

import Ajv2020 from 'ajv/dist/2020';
import type { ErrorObject, ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { parse as parseYaml } from 'yaml';

const SPEC_ID = 'https://openai-stand-in.test/openapi.json';

export interface OpenApiSpec {
  /** The parsed document, after the normalization described in `normalizeNullable`. */
  document: Record<string, unknown>;
  /** Validates `value` against `components.schemas[schemaName]`; returns one line per error, none when valid. */
  validate(schemaName: string, value: unknown): string[];
  /** The schema of a response header declared under `components.responses[responseName]`. */
  responseHeaderSchema(responseName: string, headerName: string): Record<string, unknown> | undefined;
}

/** Loads the OpenAPI file at `specPath`; throws a clear Error when the file is missing. */
export function loadOpenApiSpec(specPath: string): OpenApiSpec {
  if (!existsSync(specPath)) {
    throw new Error(
      `OpenAI's OpenAPI description was not found at ${specPath}. ` +
        'The stand-in conformance tests expect shared/openai/openapi.yaml in the folder that contains the repository.',
    );
  }

  const document = parseYaml(readFileSync(specPath, 'utf8')) as Record<string, unknown>;
  normalizeNullable(document);

  // strict: false makes ajv ignore OpenAPI-only keywords (discriminator, x-*, example).
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  for (const numberFormat of ['unixtime', 'int64', 'double', 'float']) {
    ajv.addFormat(numberFormat, { type: 'number', validate: (value: number) => Number.isFinite(value) });
  }
  ajv.addFormat('binary', { type: 'string', validate: () => true });
  ajv.addSchema({ $id: SPEC_ID, components: document.components });

  const validators = new Map<string, ValidateFunction>();

  return {
    document,

    validate(schemaName: string, value: unknown): string[] {
      let validator = validators.get(schemaName);
      if (!validator) {
        validator = ajv.getSchema(`${SPEC_ID}#/components/schemas/${schemaName}`);
        if (!validator) {
          throw new Error(`The OpenAPI description has no schema named ${schemaName}.`);
        }
        validators.set(schemaName, validator);
      }

      if (validator(value)) {
        return [];
      }
      return (validator.errors ?? []).map(formatError);
    },

    responseHeaderSchema(responseName: string, headerName: string): Record<string, unknown> | undefined {
      const responses = (document.components as Record<string, Record<string, unknown>>).responses ?? {};
      const response = responses[responseName] as { headers?: Record<string, { schema?: Record<string, unknown> }> } | undefined;
      return response?.headers?.[headerName]?.schema;
    },
  };
}

/**
 * Rewrites the OpenAPI 3.0 keyword `nullable: true`, which some schemas of this 3.1
 * document still use and JSON Schema 2020-12 ignores, as a type list that includes null.
 */
function normalizeNullable(node: unknown): void {
  if (Array.isArray(node)) {
    node.forEach(normalizeNullable);
    return;
  }
  if (typeof node !== 'object' || node === null) {
    return;
  }

  const schema = node as Record<string, unknown>;
  if (schema.nullable === true) {
    delete schema.nullable;
    if (typeof schema.type === 'string') {
      schema.type = [schema.type, 'null'];
    }
    if (Array.isArray(schema.enum) && !schema.enum.includes(null)) {
      schema.enum = [...schema.enum, null];
    }
  }
  for (const value of Object.values(schema)) {
    normalizeNullable(value);
  }
}

function formatError(error: ErrorObject): string {
  return `${error.instancePath || '(root)'} ${error.message ?? 'is invalid'} ${JSON.stringify(error.params)}`;
}
