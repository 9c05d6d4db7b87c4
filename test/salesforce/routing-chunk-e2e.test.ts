import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseCsv } from '../../scripts/demo/csv.ts';
import { TEST_ACTOR, startTestConnector, type TestConnector } from '../helpers/connector-app';
import { CLASSES_FOLDER, REPOSITORY_ROOT, readText } from './support/project';
import { type ApexClassModel, readClassModelFromSource } from './support/apex';

/**
 * Replays what KeyrouteRoutingJob sends for one 200-record chunk of real inquiries through
 * the connector app, and checks what comes back. The request JSON is built from the field
 * names of the Apex request classes (read with the Apex parser), and the response is
 * walked against the Apex response classes, so neither side can drift from this test.
 */

const API_CLASS = 'KeyrouteConnectorApi';
const DATA_FOLDER = join(REPOSITORY_ROOT, '..', 'shared', 'data');
const FLOW_FILE = join(REPOSITORY_ROOT, 'examples', 'flows', 'inquiry-triage.json');
const RULES_FILE = join(REPOSITORY_ROOT, 'scripts', 'demo', 'stand-in-rules.json');
const CHUNK_SIZE = 200;
/** A Keyroute_Routing_Flow__c record id, as the job writes it into the definition. */
const FLOW_RECORD_ID = 'a0B5g00000ABCDEFGH';
const QUEUE_BY_INTENT: Record<string, string> = {
  complaint: '00G000000000001AAA',
  question: '00G000000000002AAA',
  request: '00G000000000003AAA',
  other: '00G000000000004AAA',
};
const CLASSIFICATION_FIELDS = ['Lead_Intent__c', 'Lead_Sentiment__c', 'Lead_Summary__c'];

type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

const apiClasses = new Map(
  readClassModelFromSource(readText(join(CLASSES_FOLDER, `${API_CLASS}.cls`)), API_CLASS).innerClasses.map((inner) => [
    inner.name,
    inner,
  ]),
);

function apexClass(name: string): ApexClassModel {
  const found = apiClasses.get(name);
  if (!found) {
    throw new Error(`${API_CLASS}.${name} does not exist`);
  }
  return found;
}

/** Instance field names of an Apex class, in declaration order. */
function fieldNames(className: string): string[] {
  return apexClass(className)
    .fields.filter((field) => !field.modifiers.includes('static'))
    .map((field) => field.name);
}

/**
 * Builds a JSON object the way JSON.serialize(object, true) writes an Apex object: one key
 * per field of the class, nulls left out. Every field must have a value source, so a field
 * added to the Apex class without this test knowing fails here.
 */
function serializeLikeApex(className: string, values: Record<string, Json | undefined>): Record<string, Json> {
  const body: Record<string, Json> = {};
  for (const name of fieldNames(className)) {
    if (!(name in values)) {
      throw new Error(`${API_CLASS}.${className}.${name} has no value in this test: add it`);
    }
    const value = values[name];
    if (value !== null && value !== undefined) {
      body[name] = value;
    }
  }
  const unknown = Object.keys(values).filter((name) => !fieldNames(className).includes(name));
  if (unknown.length > 0) {
    throw new Error(`${API_CLASS}.${className} has no field ${unknown.join(', ')}`);
  }
  return body;
}

/** Lists every place where a JSON value has no Apex field or an Apex type that cannot hold it. */
function unrepresentable(value: Json, apexType: string, path: string): string[] {
  const type = apexType.startsWith(`${API_CLASS}.`) ? apexType.slice(API_CLASS.length + 1) : apexType;
  if (value === null) {
    return [];
  }
  const list = /^List<(.+)>$/.exec(type);
  if (list) {
    return Array.isArray(value) ? value.flatMap((item, index) => unrepresentable(item, list[1]!, `${path}[${index}]`)) : [`${path}: expected a list for ${apexType}`];
  }
  const map = /^Map<String,(.+)>$/.exec(type);
  if (map) {
    if (typeof value !== 'object' || Array.isArray(value)) {
      return [`${path}: expected an object for ${apexType}`];
    }
    return Object.entries(value).flatMap(([key, item]) => unrepresentable(item, map[1]!, `${path}.${key}`));
  }
  switch (type) {
    case 'String':
      // JSON.deserialize writes a number or boolean into a String field as its JSON text.
      return typeof value === 'object' ? [`${path}: ${JSON.stringify(value)} does not fit String`] : [];
    case 'Integer':
      return Number.isInteger(value) && Math.abs(value as number) <= 2_147_483_647 ? [] : [`${path}: ${String(value)} does not fit Integer`];
    case 'Decimal':
      return typeof value === 'number' ? [] : [`${path}: ${String(value)} does not fit Decimal`];
    case 'Boolean':
      return typeof value === 'boolean' ? [] : [`${path}: ${String(value)} does not fit Boolean`];
    default: {
      const model = apiClasses.get(type);
      if (!model) {
        return [`${path}: no Apex mapping for ${apexType}`];
      }
      if (typeof value !== 'object' || Array.isArray(value)) {
        return [`${path}: expected an object for ${apexType}`];
      }
      const fields = new Map(model.fields.filter((field) => !field.modifiers.includes('static')).map((field) => [field.name, field.type]));
      return Object.entries(value).flatMap(([key, item]) =>
        fields.has(key) ? unrepresentable(item, fields.get(key)!, `${path}.${key}`) : [`${path}.${key}: no field in ${API_CLASS}.${type}`],
      );
    }
  }
}

/** Reads the sample inquiries: 200 rows taken in turn from the three public data sets. */
function readChunk(): Record<string, string>[] {
  if (!existsSync(DATA_FOLDER)) {
    throw new Error(
      `The sample data folder ${DATA_FOLDER} is missing. This test reads real inquiries from shared/data beside the repository; put a copy of shared/ there.`,
    );
  }
  const sources = ['banking77-intents.csv', 'cfpb-complaints.csv', 'email-asks.csv'].map((file) =>
    parseCsv(readFileSync(join(DATA_FOLDER, file), 'utf8')),
  );
  const rows: Record<string, string>[] = [];
  for (let index = 0; rows.length < CHUNK_SIZE; index += 1) {
    const source = sources[index % sources.length]!;
    const row = source[Math.floor(index / sources.length)];
    if (row === undefined) {
      throw new Error(`The sample data in ${DATA_FOLDER} has fewer rows than a ${CHUNK_SIZE}-record chunk needs.`);
    }
    rows.push(row);
  }
  return rows;
}

/** An 18-character lead id for a row, such as 00Q5g00000000042AAA. */
function leadId(index: number): string {
  return `00Q5g0000${String(index).padStart(6, '0')}AAA`;
}

describe('routing of a 200-record chunk through the connector', () => {
  let connector: TestConnector;
  let token: string;
  let rows: Record<string, string>[];
  let fieldsRead: string[];
  let request: Record<string, Json>;
  let response: { statusCode: number; body: Record<string, Json> };

  beforeAll(async () => {
    rows = readChunk();
    const rules = JSON.parse(readFileSync(RULES_FILE, 'utf8')) as Record<string, unknown>;
    connector = await startTestConnector('sqlite', { standIn: rules });
    token = await connector.addOrg('00D5g000004ABCD', 'Acme');
    await connector.connectOpenAi(token);
    const settings = await connector.call(token, 'PUT', '/v1/settings/ai', {
      aiInferenceEnabled: true,
      provider: 'openai',
      defaultModel: 'gpt-4o-mini',
      actor: TEST_ACTOR,
    });
    expect(settings.statusCode).toBe(200);

    // KeyrouteFlowActivation stores fieldsRead from the validation as Fields_Read__c.
    const definition = JSON.parse(readFileSync(FLOW_FILE, 'utf8')) as Record<string, Json>;
    const validation = await connector.call(token, 'POST', '/v1/flows/validate', serializeLikeApex('ValidateFlowRequest', { definition }));
    expect(validation.statusCode).toBe(200);
    fieldsRead = (validation.json() as { fieldsRead: string[] }).fieldsRead;

    // KeyrouteRoutingJob: the stored definition with the flow's record id, and each record
    // with only the fields read; an empty Salesforce field is null.
    const records = rows.map((row, index) =>
      serializeLikeApex('RoutedRecord', {
        id: leadId(index),
        fields: Object.fromEntries(fieldsRead.map((field) => [field, row[field] === undefined || row[field] === '' ? null : row[field]!])),
      }),
    );
    request = serializeLikeApex('RunFlowRequest', { definition: { ...definition, flowId: FLOW_RECORD_ID }, records });
    const run = await connector.call(token, 'POST', '/v1/flows/run', request);
    response = { statusCode: run.statusCode, body: run.json() as Record<string, Json> };
  }, 120_000);

  afterAll(async () => {
    await connector?.close();
  });

  it('sends only the fields the flow reads', () => {
    expect(fieldsRead.sort()).toEqual(['Description', 'LeadSource']);
    const records = request.records as Record<string, Json>[];
    expect(records).toHaveLength(CHUNK_SIZE);
    expect(Object.keys(records[0]!).sort()).toEqual(['fields', 'id']);
    expect(Object.keys(records[0]!.fields as object).sort()).toEqual(['Description', 'LeadSource']);
    expect(Buffer.byteLength(JSON.stringify(request))).toBeLessThan(connector.config.bodyLimitBytes);
  });

  it('returns one result per record in order', () => {
    expect(response.statusCode).toBe(200);
    const results = response.body.results as Record<string, Json>[];
    expect(results).toHaveLength(CHUNK_SIZE);
    expect(results.map((result) => result.recordId)).toEqual(rows.map((_row, index) => leadId(index)));
    expect(response.body.flow).toEqual({ name: 'Inquiry triage', version: 1, flowId: FLOW_RECORD_ID });
  });

  it('routes every inquiry with a description', () => {
    const results = response.body.results as Record<string, Json>[];
    const statuses = results.map((result, index) => ({ record: rows[index]!.RecordId, status: result.status, error: result.error }));
    expect(statuses.filter((entry) => entry.status !== 'routed')).toEqual([]);
    const failedInferences = results.flatMap((result) =>
      (result.inferences as Record<string, Json>[]).filter((inference) => inference.outcome !== 'ok'),
    );
    expect(failedInferences).toEqual([]);
    expect((response.body.usage as { totalTokens: number }).totalTokens).toBeGreaterThan(0);
  });

  it('assigns the queue of the intent', () => {
    const results = response.body.results as { variables: Record<string, Json>; actions: Record<string, Json>[] }[];
    for (const [index, result] of results.entries()) {
      const owners = result.actions.filter((action) => action.type === 'assign_owner');
      expect({ record: rows[index]!.RecordId, owners: owners.map((action) => action.ownerId) }).toEqual({
        record: rows[index]!.RecordId,
        owners: [QUEUE_BY_INTENT[result.variables.intent as string]],
      });
    }
  });

  it('sets the classification fields and rates complaints Hot', () => {
    const results = response.body.results as { variables: Record<string, Json>; actions: Record<string, Json>[] }[];
    const intents = new Set<string>();
    for (const result of results) {
      const updates = Object.fromEntries(
        result.actions.filter((action) => action.type === 'update_field').map((action) => [action.field as string, action.value]),
      );
      const expected: Record<string, Json> = {
        Lead_Intent__c: result.variables.intent!,
        Lead_Sentiment__c: result.variables.sentiment!,
        Lead_Summary__c: result.variables.summary!,
      };
      if (result.variables.intent === 'complaint') {
        expected.Rating = 'Hot';
      }
      expect(updates).toEqual(expected);
      for (const field of CLASSIFICATION_FIELDS) {
        expect(typeof updates[field]).toBe('string');
      }
      // Lead_Intent__c and Lead_Sentiment__c are Text(40), Lead_Summary__c is Text Area(255).
      expect((updates.Lead_Intent__c as string).length).toBeLessThanOrEqual(40);
      expect((updates.Lead_Sentiment__c as string).length).toBeLessThanOrEqual(40);
      expect((updates.Lead_Summary__c as string).length).toBeLessThanOrEqual(255);
      intents.add(result.variables.intent as string);
    }
    // The three data sets contain questions, complaints and requests.
    expect([...intents].sort()).toEqual(expect.arrayContaining(['complaint', 'question', 'request']));
  });

  it('fits every response field into the Apex response classes', () => {
    expect(unrepresentable(response.body, 'RunFlowResponse', 'response')).toEqual([]);
  });

  it('finds a response field the Apex classes lack', () => {
    const results = response.body.results as Record<string, Json>[];
    const extended = { ...response.body, results: [{ ...results[0]!, confidence: 0.5 }] };
    expect(unrepresentable(extended, 'RunFlowResponse', 'response')).toEqual([
      `response.results[0].confidence: no field in ${API_CLASS}.RecordResult`,
    ]);
  });

  it('finds a request field the test cannot fill', () => {
    expect(() => serializeLikeApex('RunFlowRequest', { definition: {} })).toThrow(
      `${API_CLASS}.RunFlowRequest.records has no value in this test: add it`,
    );
  });
});
