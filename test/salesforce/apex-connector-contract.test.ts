import { join } from 'node:path';
import type { z } from 'zod';
import { actorSchema, errorResponseSchema } from '../../connector/src/schemas/common';
import { orgResponseSchema } from '../../connector/src/schemas/org';
import {
  authorizeRequestSchema,
  disableRequestSchema,
  modelListResponseSchema,
  providerListResponseSchema,
  providerStatusSchema,
} from '../../connector/src/schemas/providers';
import { aiSettingsSchema, saveAiSettingsRequestSchema } from '../../connector/src/schemas/settings';
import {
  inferenceRequestSchema,
  inferenceResponseSchema,
  routedRecordSchema,
  runFlowRequestSchema,
  runFlowResponseSchema,
  validateFlowRequestSchema,
  validateFlowResponseSchema,
} from '../../connector/src/schemas/flows';
import { CLASSES_FOLDER, readText } from './support/project';
import { ApexClassModel, readClassModelFromSource } from './support/apex';

/**
 * The Apex request and response classes in KeyrouteConnectorApi must name the same
 * fields as the connector's zod schemas, with compatible types, so that neither half can
 * change the HTTP API alone. Each root class is compared with its schema; nested objects
 * are followed through the Apex field types.
 *
 * The direction matters for values that are not one JSON type. Apex serializes an Object
 * field (zod unknown, or a union of text, number, boolean and null) but JSON.deserialize
 * rejects Object fields, so response classes carry such values as String (their JSON
 * text) and request classes as Object.
 */

const API_CLASS = 'KeyrouteConnectorApi';
const API_SOURCE = readText(join(CLASSES_FOLDER, `${API_CLASS}.cls`));

type Direction = 'request' | 'response';

const ROOTS: [string, z.ZodType, Direction][] = [
  ['Actor', actorSchema, 'request'],
  ['ProviderStatus', providerStatusSchema, 'response'],
  ['ProviderListResponse', providerListResponseSchema, 'response'],
  ['AuthorizeRequest', authorizeRequestSchema, 'request'],
  ['DisableRequest', disableRequestSchema, 'request'],
  ['ModelListResponse', modelListResponseSchema, 'response'],
  ['AiSettings', aiSettingsSchema, 'response'],
  ['SaveAiSettingsRequest', saveAiSettingsRequestSchema, 'request'],
  ['OrgResponse', orgResponseSchema, 'response'],
  ['ErrorResponse', errorResponseSchema, 'response'],
  ['RoutedRecord', routedRecordSchema, 'request'],
  ['ValidateFlowRequest', validateFlowRequestSchema, 'request'],
  ['ValidateFlowResponse', validateFlowResponseSchema, 'response'],
  ['RunFlowRequest', runFlowRequestSchema, 'request'],
  ['RunFlowResponse', runFlowResponseSchema, 'response'],
  ['InferenceRequest', inferenceRequestSchema, 'request'],
  ['InferenceResponse', inferenceResponseSchema, 'response'],
];

interface ZodDefinition {
  type: string;
  innerType?: z.ZodType;
  element?: z.ZodType;
  shape?: Record<string, z.ZodType>;
  in?: z.ZodType;
  out?: z.ZodType;
  options?: z.ZodType[];
  valueType?: z.ZodType;
  checks?: { _zod: { def: { check: string; format?: string } } }[];
}

function definitionOf(schema: z.ZodType): ZodDefinition {
  return (schema as unknown as { _zod: { def: ZodDefinition } })._zod.def;
}

/** Removes wrappers that do not change the JSON type: every Apex field can be null or missing. */
function unwrap(schema: z.ZodType): z.ZodType {
  let current = schema;
  for (;;) {
    const definition = definitionOf(current);
    if (['nullable', 'optional', 'default', 'prefault', 'readonly'].includes(definition.type) && definition.innerType) {
      current = definition.innerType;
    } else if (definition.type === 'pipe' && definition.in) {
      // A preprocess step (a transform first) checks the input; the schema after it gives its JSON type.
      current = definitionOf(definition.in).type === 'transform' && definition.out ? definition.out : definition.in;
    } else {
      return current;
    }
  }
}

function isInteger(definition: ZodDefinition): boolean {
  return (definition.checks ?? []).some((check) => ['safeint', 'int32', 'int64'].includes(check._zod.def.format ?? ''));
}

const SCALAR_TYPES = ['string', 'number', 'boolean', 'null', 'literal', 'enum'];

/**
 * Returns the fields of an object schema, or of a union of object schemas (such as a
 * discriminated union) merged into one field list, as one Apex class holds every variant.
 * Returns null for any other schema.
 */
function objectShape(schema: z.ZodType): Record<string, z.ZodType> | null {
  const definition = definitionOf(unwrap(schema));
  if (definition.type === 'object' && definition.shape) {
    return definition.shape;
  }
  if (definition.type === 'union' && definition.options) {
    const shapes = definition.options.map(objectShape);
    if (shapes.length === 0 || shapes.some((shape) => shape === null)) {
      return null;
    }
    const merged: Record<string, z.ZodType> = {};
    for (const shape of shapes) {
      for (const [key, value] of Object.entries(shape!)) {
        merged[key] ??= value;
      }
    }
    return merged;
  }
  return null;
}

/** True for a union whose options are all scalars: text, numbers, booleans, null or literals. */
function isScalarUnion(definition: ZodDefinition): boolean {
  return (
    definition.type === 'union' &&
    (definition.options ?? []).every((option) => SCALAR_TYPES.includes(definitionOf(unwrap(option)).type))
  );
}

class ContractChecker {
  readonly problems: string[] = [];
  readonly visited = new Set<string>();
  private readonly classes: Map<string, ApexClassModel>;

  constructor(api: ApexClassModel) {
    this.classes = new Map(api.innerClasses.map((inner) => [inner.name, inner]));
  }

  compareClass(className: string, schema: z.ZodType, path: string, direction: Direction): void {
    const apexClass = this.classes.get(className);
    if (!apexClass) {
      this.problems.push(`${path}: no inner class ${API_CLASS}.${className}`);
      return;
    }
    this.visited.add(className);

    const shape = objectShape(schema);
    if (!shape) {
      const definition = definitionOf(unwrap(schema));
      this.problems.push(`${path}: the schema is ${definition.type}, expected an object for class ${className}`);
      return;
    }

    const apexFields = new Map(
      apexClass.fields.filter((field) => !field.modifiers.includes('static')).map((field) => [field.name, field]),
    );
    const schemaKeys = Object.keys(shape);
    for (const key of schemaKeys) {
      if (!apexFields.has(key)) {
        this.problems.push(`${path}.${key}: in the schema but not in ${API_CLASS}.${className}`);
      }
    }
    for (const name of apexFields.keys()) {
      if (!schemaKeys.includes(name)) {
        this.problems.push(`${path}.${name}: in ${API_CLASS}.${className} but not in the schema`);
      }
    }
    for (const key of schemaKeys) {
      const field = apexFields.get(key);
      if (field) {
        this.compareType(field.type, shape[key]!, `${path}.${key}`, direction);
      }
    }
  }

  compareType(apexType: string, schema: z.ZodType, path: string, direction: Direction): void {
    const inner = unwrap(schema);
    const definition = definitionOf(inner);
    const localType = apexType.startsWith(`${API_CLASS}.`) ? apexType.slice(API_CLASS.length + 1) : apexType;
    const expect = (allowed: string[]) => {
      if (!allowed.includes(localType)) {
        this.problems.push(`${path}: Apex type ${apexType}, expected ${allowed.join(' or ')} for zod ${definition.type}`);
      }
    };

    if (isScalarUnion(definition)) {
      // Object carries text, numbers and booleans out; JSON.deserialize rejects Object, so
      // a response carries them as their JSON text.
      expect(direction === 'request' ? ['Object'] : ['String']);
      return;
    }
    if (objectShape(inner) && definition.type === 'union') {
      if (!this.classes.has(localType)) {
        this.problems.push(`${path}: Apex type ${apexType}, expected an inner class of ${API_CLASS} for a union of objects`);
        return;
      }
      this.compareClass(localType, inner, path, direction);
      return;
    }

    switch (definition.type) {
      case 'string':
      case 'enum':
      case 'literal':
        expect(['String']);
        return;
      case 'unknown':
        if (direction === 'response') {
          this.problems.push(`${path}: zod unknown in a response has no Apex type that JSON.deserialize accepts`);
          return;
        }
        expect(['Object']);
        return;
      case 'record': {
        const value = /^Map<String,(.+)>$/.exec(localType);
        if (!value) {
          this.problems.push(`${path}: Apex type ${apexType}, expected a Map<String, ...> for zod record`);
          return;
        }
        this.compareType(value[1]!, definition.valueType!, `${path}{}`, direction);
        return;
      }
      case 'boolean':
        expect(['Boolean']);
        return;
      case 'number':
        expect(isInteger(definition) ? ['Integer', 'Long'] : ['Decimal', 'Double']);
        return;
      case 'array': {
        const element = /^List<(.+)>$/.exec(localType);
        if (!element) {
          this.problems.push(`${path}: Apex type ${apexType}, expected a List for zod array`);
          return;
        }
        this.compareType(element[1]!, definition.element!, `${path}[]`, direction);
        return;
      }
      case 'object':
        if (!this.classes.has(localType)) {
          this.problems.push(`${path}: Apex type ${apexType}, expected an inner class of ${API_CLASS} for zod object`);
          return;
        }
        this.compareClass(localType, inner, path, direction);
        return;
      default:
        this.problems.push(`${path}: zod type ${definition.type} has no Apex mapping in this test`);
    }
  }
}

function checkContract(source: string): ContractChecker {
  const checker = new ContractChecker(readClassModelFromSource(source, API_CLASS));
  for (const [className, schema, direction] of ROOTS) {
    checker.compareClass(className, schema, className, direction);
  }
  return checker;
}

describe('Apex <-> connector HTTP contract', () => {
  const checker = checkContract(API_SOURCE);

  it.each(ROOTS.map(([className]) => [className]))('%s matches its zod schema', (className) => {
    const problems = checker.problems.filter(
      (problem) => problem.startsWith(`${className}.`) || problem.startsWith(`${className}:`),
    );
    expect(problems).toEqual([]);
  });

  it('reaches every inner class from a schema', () => {
    const innerClasses = readClassModelFromSource(API_SOURCE, API_CLASS).innerClasses.map((inner) => inner.name);
    expect([...checker.visited].sort()).toEqual([...innerClasses].sort());
  });

  it('finds a field that only the schema has', () => {
    const drifted = API_SOURCE.replace('public String maskedKey;', 'public String maskedKeyText;');
    expect(drifted).not.toBe(API_SOURCE);

    // ProviderStatus is checked on its own and again as the element of the provider list.
    expect(checkContract(drifted).problems).toEqual([
      'ProviderStatus.maskedKey: in the schema but not in KeyrouteConnectorApi.ProviderStatus',
      'ProviderStatus.maskedKeyText: in KeyrouteConnectorApi.ProviderStatus but not in the schema',
      'ProviderListResponse.providers[].maskedKey: in the schema but not in KeyrouteConnectorApi.ProviderStatus',
      'ProviderListResponse.providers[].maskedKeyText: in KeyrouteConnectorApi.ProviderStatus but not in the schema',
    ]);
  });

  it('finds an incompatible type', () => {
    const drifted = API_SOURCE.replace('public Boolean aiInferenceEnabled;', 'public String aiInferenceEnabled;');
    expect(drifted).not.toBe(API_SOURCE);

    expect(checkContract(drifted).problems).toEqual([
      'AiSettings.aiInferenceEnabled: Apex type String, expected Boolean for zod boolean',
    ]);
  });

  it('finds a missing variant field of a union', () => {
    const drifted = API_SOURCE.replace('public String ownerId;', 'public String owner;');
    expect(drifted).not.toBe(API_SOURCE);

    expect(checkContract(drifted).problems).toEqual([
      'RunFlowResponse.results[].actions[].ownerId: in the schema but not in KeyrouteConnectorApi.FlowAction',
      'RunFlowResponse.results[].actions[].owner: in KeyrouteConnectorApi.FlowAction but not in the schema',
    ]);
  });

  it('finds an Object field in a response', () => {
    const drifted = API_SOURCE.replace('public Map<String, String> variables;', 'public Map<String, Object> variables;');
    expect(drifted).not.toBe(API_SOURCE);

    expect(checkContract(drifted).problems).toEqual([
      'RunFlowResponse.results[].variables{}: Apex type Object, expected String for zod union',
    ]);
  });

  it('finds a record value sent as String', () => {
    const drifted = API_SOURCE.replace('public Map<String, Object> fields;', 'public Map<String, String> fields;');
    expect(drifted).not.toBe(API_SOURCE);

    // RoutedRecord is checked on its own and inside both requests that carry records.
    expect(checkContract(drifted).problems).toEqual([
      'RoutedRecord.fields{}: Apex type String, expected Object for zod union',
      'RunFlowRequest.records[].fields{}: Apex type String, expected Object for zod union',
      'InferenceRequest.record.fields{}: Apex type String, expected Object for zod union',
    ]);
  });

  it('finds a nested class of the wrong shape', () => {
    const drifted = API_SOURCE.replace('public List<FieldError> fields;', 'public List<String> fields;');
    expect(drifted).not.toBe(API_SOURCE);

    expect(checkContract(drifted).problems).toEqual([
      'ErrorResponse.error.fields[]: Apex type String, expected an inner class of KeyrouteConnectorApi for zod object',
    ]);
  });
});
