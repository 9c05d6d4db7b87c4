import { startTestConnector, type TestConnector } from '../../helpers/connector-app';
import { DATABASE_BACKENDS } from '../../helpers/databases';
import {
  addNewOrg,
  body,
  enableAiWithDefaultModel,
  EXAMPLE_FLOW_KEYWORDS,
  expectError,
  leadId,
  loadExampleFlow,
  readCredentialRow,
  TEST_ACTOR,
  TEST_MODEL,
} from './support';

const AI_DISABLED_MESSAGE =
  'The AI Inference node is turned off for this org. Turn it on in Admin Settings > AI Tools.';

const COMPLAINT = { Description: 'I am angry: you charged me twice and I want a refund.', LeadSource: 'Web' };
const QUESTION = { Description: 'Okay, how do I reset the card PIN?', LeadSource: 'Phone Inquiry' };
const REQUEST = { Description: 'Great product, can we set up a meeting next week?', LeadSource: 'Web' };

/** Returns the example flow with an edge to a node that does not exist. */
function flowWithMissingNode(): Record<string, unknown> {
  const flow = loadExampleFlow();
  const markHot = flow.nodes.find((node) => node.id === 'mark_hot')!;
  markHot.next = 'no_such_node';
  return flow;
}

const EMPTY_USAGE = { promptTokens: 0, completionTokens: 0, totalTokens: 0 };

describe.each(DATABASE_BACKENDS)('flows API (%s)', (kind) => {
  let connector: TestConnector;

  beforeAll(async () => {
    connector = await startTestConnector(kind, { standIn: { enumKeywords: EXAMPLE_FLOW_KEYWORDS } });
  });

  afterAll(async () => {
    await connector.close();
  });

  beforeEach(() => {
    connector.standIn.reset();
  });

  const run = (
    token: string,
    records: Array<{ id: string; fields: Record<string, unknown> }>,
    definition: unknown = loadExampleFlow(),
  ) => connector.call(token, 'POST', '/v1/flows/run', { definition, records });

  describe('validate', () => {
    it('accepts the example flow', async () => {
      const { token } = await addNewOrg(connector);

      const response = await connector.call(token, 'POST', '/v1/flows/validate', { definition: loadExampleFlow() });

      expect(response.statusCode).toBe(200);
      expect(body(response)).toEqual({
        valid: true,
        problems: [],
        fieldsRead: ['Description', 'LeadSource'],
        variables: [
          { name: 'intent', type: 'picklist', nodeId: 'classify' },
          { name: 'sentiment', type: 'picklist', nodeId: 'classify' },
          { name: 'summary', type: 'text', nodeId: 'classify' },
        ],
      });
    });

    it('lists the problems of an invalid flow', async () => {
      const { token } = await addNewOrg(connector);

      const response = await connector.call(token, 'POST', '/v1/flows/validate', { definition: flowWithMissingNode() });

      expect(response.statusCode).toBe(200);
      const validation = body(response);
      expect(validation.valid).toBe(false);
      expect(validation.problems).toEqual([
        {
          nodeId: 'mark_hot',
          path: 'nodes[4].next',
          code: 'unknown_edge_target',
          message: expect.stringContaining('no_such_node'),
        },
      ]);
    });

    it('lists schema problems with their paths', async () => {
      const { token } = await addNewOrg(connector);
      const flow = loadExampleFlow();
      flow.object = 'Account';
      delete flow.name;

      const response = await connector.call(token, 'POST', '/v1/flows/validate', { definition: flow });

      const validation = body(response);
      expect(validation.valid).toBe(false);
      expect(validation.problems.map((problem: { path: string }) => problem.path).sort()).toEqual(['name', 'object']);
      expect(validation.fieldsRead).toEqual([]);
    });

    it('rejects a body without definition', async () => {
      const { token } = await addNewOrg(connector);

      const response = await connector.call(token, 'POST', '/v1/flows/validate', { flow: {} });

      expectError(
        response,
        400,
        'invalid_request',
        'Invalid request. body.definition: required: expected a value; body: unknown field "flow": remove it',
      );
    });
  });

  describe('run', () => {
    it('takes the error edge while AI is turned off', async () => {
      const { token } = await addNewOrg(connector);

      const response = await run(token, [
        { id: leadId(1), fields: COMPLAINT },
        { id: leadId(2), fields: QUESTION },
      ]);

      expect(response.statusCode).toBe(200);
      const result = body(response);
      expect(result.flow).toEqual({ name: 'Inquiry triage', version: 1, flowId: null });
      expect(result.usage).toEqual(EMPTY_USAGE);
      for (const [index, record] of result.results.entries()) {
        expect(record).toEqual({
          recordId: leadId(index + 1),
          status: 'routed',
          path: ['classify', 'assign_fallback', 'done'],
          variables: { intent: null, sentiment: null, summary: null },
          actions: [{ type: 'assign_owner', nodeId: 'assign_fallback', ownerId: '00G000000000005AAA' }],
          inferences: [
            {
              nodeId: 'classify',
              outcome: 'error',
              errorCode: 'ai_disabled',
              errorMessage: AI_DISABLED_MESSAGE,
              model: null,
              latencyMs: 0,
              attempts: 0,
              usage: EMPTY_USAGE,
            },
          ],
          usage: EMPTY_USAGE,
          error: null,
        });
      }
      expect(connector.standIn.stats().requests).toBe(0);
    });

    it('skips records failing entry conditions', async () => {
      const { token } = await addNewOrg(connector);

      const response = await run(token, [{ id: leadId(1), fields: { Description: '   ', LeadSource: 'Web' } }]);

      expect(body(response).results[0]).toMatchObject({ status: 'skipped', path: [], actions: [], inferences: [] });
    });

    it('routes by the model outputs', async () => {
      const { token } = await addNewOrg(connector);
      await enableAiWithDefaultModel(connector, token);

      const response = await run(token, [
        { id: leadId(1), fields: COMPLAINT },
        { id: leadId(2), fields: QUESTION },
        { id: leadId(3), fields: REQUEST },
      ]);

      expect(response.statusCode).toBe(200);
      const [complaint, question, request] = body(response).results;
      expect(complaint).toMatchObject({
        status: 'routed',
        path: ['classify', 'save_classification', 'route_by_intent', 'assign_complaints', 'mark_hot', 'done'],
        variables: { intent: 'complaint', sentiment: 'negative', summary: '' },
        actions: [
          { type: 'update_field', nodeId: 'save_classification', field: 'Lead_Intent__c', value: 'complaint' },
          { type: 'update_field', nodeId: 'save_classification', field: 'Lead_Sentiment__c', value: 'negative' },
          { type: 'update_field', nodeId: 'save_classification', field: 'Lead_Summary__c', value: '' },
          { type: 'assign_owner', nodeId: 'assign_complaints', ownerId: '00G000000000001AAA' },
          { type: 'update_field', nodeId: 'mark_hot', field: 'Rating', value: 'Hot' },
        ],
        error: null,
      });
      expect(question).toMatchObject({
        path: ['classify', 'save_classification', 'route_by_intent', 'assign_service', 'done'],
        variables: { intent: 'question', sentiment: 'neutral', summary: '' },
      });
      expect(request).toMatchObject({
        path: ['classify', 'save_classification', 'route_by_intent', 'assign_sales', 'done'],
        variables: { intent: 'request', sentiment: 'positive', summary: '' },
      });
    });

    it('reports usage per inference and run', async () => {
      const { token } = await addNewOrg(connector);
      await enableAiWithDefaultModel(connector, token);

      const response = await run(token, [
        { id: leadId(1), fields: COMPLAINT },
        { id: leadId(2), fields: QUESTION },
      ]);

      const result = body(response);
      const recordUsages = result.results.map((record: { usage: { totalTokens: number } }) => record.usage);
      for (const record of result.results) {
        expect(record.inferences).toEqual([
          {
            nodeId: 'classify',
            outcome: 'ok',
            errorCode: null,
            errorMessage: null,
            model: TEST_MODEL,
            latencyMs: expect.any(Number),
            attempts: 1,
            usage: record.usage,
          },
        ]);
        expect(record.usage.totalTokens).toBeGreaterThan(0);
        expect(record.usage.totalTokens).toBe(record.usage.promptTokens + record.usage.completionTokens);
      }
      expect(result.usage.totalTokens).toBe(recordUsages[0].totalTokens + recordUsages[1].totalTokens);
      expect(result.usage.totalTokens).toBe(connector.standIn.stats().tokens.total);
    });

    it('sends record data and default model', async () => {
      const { token, salesforceOrgId } = await addNewOrg(connector);
      await enableAiWithDefaultModel(connector, token);
      connector.standIn.reset();

      await run(token, [{ id: leadId(1), fields: COMPLAINT }]);

      const [request] = connector.standIn.recordedRequests();
      expect(request?.path).toBe('/v1/chat/completions');
      expect((request?.body as { model: string }).model).toBe(TEST_MODEL);
      expect(JSON.stringify(request?.body)).toContain(COMPLAINT.Description.replace(/"/g, '\\"').slice(0, 20));
      expect(await readCredentialRow(connector, salesforceOrgId)).toMatchObject({ status: 'connected' });
    });

    it('rejects an invalid flow with 422', async () => {
      const { token } = await addNewOrg(connector);

      const response = await run(token, [{ id: leadId(1), fields: COMPLAINT }], flowWithMissingNode());

      expect({ status: response.statusCode, code: body(response).error.code }).toEqual({
        status: 422,
        code: 'invalid_flow',
      });
      const error = body(response).error;
      expect(error.fields).toEqual([
        { field: 'body.definition.nodes[4].next', message: expect.stringMatching(/^node mark_hot: .*no_such_node/) },
      ]);
      expect(error.message).toBe(
        `The flow definition has 1 problem; validate it with POST /v1/flows/validate. First: ${error.fields[0].message}`,
      );
      expect(connector.standIn.stats().requests).toBe(0);
    });

    it('rejects more than 200 records', async () => {
      const { token } = await addNewOrg(connector);
      const records = Array.from({ length: 201 }, (_, index) => ({ id: leadId(index + 1), fields: COMPLAINT }));

      const response = await run(token, records);

      expectError(response, 400, 'invalid_request', 'Invalid request. body.records: expected at most 200 items');
      expect(body(response).error.fields).toEqual([{ field: 'body.records', message: 'expected at most 200 items' }]);
    });

    it('rejects an empty record list', async () => {
      const { token } = await addNewOrg(connector);

      const response = await run(token, []);

      expectError(response, 400, 'invalid_request', 'Invalid request. body.records: expected at least 1 item');
    });

    it('rejects a malformed record id', async () => {
      const { token } = await addNewOrg(connector);

      const response = await run(token, [{ id: '00Q-bad', fields: COMPLAINT }]);

      expectError(
        response,
        400,
        'invalid_request',
        'Invalid request. body.records[0].id: expected a 15- or 18-character Salesforce record id',
      );
    });

    it('rejects a record sent twice', async () => {
      const { token } = await addNewOrg(connector);
      const id15 = leadId(7);

      const response = await run(token, [
        { id: leadId(6), fields: COMPLAINT },
        { id: id15, fields: COMPLAINT },
        { id: `${id15}AAA`, fields: QUESTION },
      ]);

      expectError(
        response,
        400,
        'invalid_request',
        `Invalid request. body.records[2].id: record ${id15}AAA appears twice (first at records[1]); send each record once per run.`,
      );
      expect(body(response).error.fields).toEqual([
        { field: 'body.records[2].id', message: `record ${id15}AAA appears twice (first at records[1])` },
      ]);
    });

    it('marks a key rejected mid-run invalid', async () => {
      const { token } = await addNewOrg(connector);
      await enableAiWithDefaultModel(connector, token);
      connector.standIn.enqueueScenarios({ name: 'invalid_api_key', path: '/v1/chat/completions' });

      const response = await run(token, [{ id: leadId(1), fields: COMPLAINT }]);

      expect(response.statusCode).toBe(200);
      const [record] = body(response).results;
      expect(record).toMatchObject({
        status: 'routed',
        path: ['classify', 'assign_fallback', 'done'],
        inferences: [{ outcome: 'error', errorCode: 'invalid_key', attempts: 1 }],
      });
      const status = body(await connector.call(token, 'GET', '/v1/providers/openai'));
      expect(status).toMatchObject({
        status: 'invalid',
        lastErrorCode: 'invalid_key',
        lastErrorMessage: 'The provider rejected the key during routing.',
      });
    });

    it('stops calling after a rejected key', async () => {
      const { token } = await addNewOrg(connector);
      await enableAiWithDefaultModel(connector, token);
      connector.standIn.enqueueScenarios({ name: 'invalid_api_key', path: '/v1/chat/completions' });
      await run(token, [{ id: leadId(1), fields: COMPLAINT }]);
      connector.standIn.reset();

      const response = await run(token, [{ id: leadId(2), fields: QUESTION }]);

      expect(body(response).results[0].inferences[0]).toMatchObject({
        errorCode: 'invalid_key',
        errorMessage: "OpenAI rejected the org's key at its last check. Authorize a new key on the Integrations page.",
        attempts: 0,
      });
      expect(connector.standIn.stats().requests).toBe(0);
    });

    it('keeps the status after a quota error', async () => {
      const { token } = await addNewOrg(connector);
      await enableAiWithDefaultModel(connector, token);
      connector.standIn.enqueueScenarios({ name: 'insufficient_quota', path: '/v1/chat/completions' });

      const response = await run(token, [{ id: leadId(1), fields: COMPLAINT }]);

      expect(body(response).results[0].inferences[0]).toMatchObject({ errorCode: 'quota' });
      expect(body(await connector.call(token, 'GET', '/v1/providers/openai'))).toMatchObject({
        status: 'connected',
        lastErrorCode: 'quota',
      });
    });

    it('takes the error edge without a model', async () => {
      const { token } = await addNewOrg(connector);
      await connector.connectOpenAi(token);
      connector.standIn.reset();

      const response = await run(token, [{ id: leadId(1), fields: COMPLAINT }]);

      expect(body(response).results[0]).toMatchObject({
        path: ['classify', 'assign_fallback', 'done'],
        inferences: [
          {
            errorCode: 'model_unavailable',
            errorMessage: 'No model is chosen. Choose a model in the node or a default model in the AI settings.',
            attempts: 0,
          },
        ],
      });
      expect(connector.standIn.stats().requests).toBe(0);
    });
  });

  describe('single inference', () => {
    const config = {
      prompt: 'Classify the inquiry in {!Record.Description}.',
      outputs: [
        { name: 'intent', type: 'picklist', values: ['complaint', 'question', 'request', 'other'] },
        { name: 'urgent', type: 'boolean' },
      ],
    };

    const infer = (token: string, request: Record<string, unknown>) =>
      connector.call(token, 'POST', '/v1/inference', request);

    it('returns the outputs for one record', async () => {
      const { token } = await addNewOrg(connector);
      await enableAiWithDefaultModel(connector, token);

      const response = await infer(token, {
        config,
        record: { id: leadId(1), fields: COMPLAINT },
        source: { flowId: '300000000000001', nodeId: 'classify_inquiry' },
      });

      expect(response.statusCode).toBe(200);
      expect(body(response)).toEqual({
        recordId: leadId(1),
        variables: { intent: 'complaint', urgent: false },
        inference: {
          nodeId: 'classify_inquiry',
          outcome: 'ok',
          errorCode: null,
          errorMessage: null,
          model: TEST_MODEL,
          latencyMs: expect.any(Number),
          attempts: 1,
          usage: {
            promptTokens: expect.any(Number),
            completionTokens: expect.any(Number),
            totalTokens: connector.standIn.stats().tokens.total,
          },
        },
      });
    });

    it('rejects a non-record merge field', async () => {
      const { token } = await addNewOrg(connector);

      const response = await infer(token, {
        config: { ...config, prompt: 'Classify {!Record.Description} from {!Account.Name}.' },
        record: { id: leadId(1), fields: COMPLAINT },
      });

      expect({ status: response.statusCode, code: body(response).error.code }).toEqual({
        status: 400,
        code: 'invalid_request',
      });
      const error = body(response).error;
      expect(error.fields).toEqual([
        { field: 'body.config.prompt', message: expect.stringContaining('{!Account.Name}') },
      ]);
      expect(error.message).toBe(`Invalid request. body.config.prompt: ${error.fields[0].message}`);
    });

    it('rejects a picklist output without values', async () => {
      const { token } = await addNewOrg(connector);

      const response = await infer(token, {
        config: { ...config, outputs: [{ name: 'intent', type: 'picklist' }] },
        record: { id: leadId(1), fields: COMPLAINT },
      });

      expect({ status: response.statusCode, code: body(response).error.code }).toEqual({
        status: 400,
        code: 'invalid_request',
      });
      expect(body(response).error.fields).toEqual([
        { field: 'body.config.outputs[0].values', message: expect.any(String) },
      ]);
    });

    it('answers not_authorized after the key was disabled', async () => {
      const { token } = await addNewOrg(connector);
      await enableAiWithDefaultModel(connector, token);
      await connector.call(token, 'POST', '/v1/providers/openai/disable', { actor: TEST_ACTOR });
      connector.standIn.reset();

      const response = await infer(token, { config, record: { id: leadId(1), fields: COMPLAINT } });

      expect(response.statusCode).toBe(200);
      expect(body(response)).toEqual({
        recordId: leadId(1),
        variables: { intent: null, urgent: null },
        inference: {
          nodeId: 'inference',
          outcome: 'error',
          errorCode: 'not_authorized',
          errorMessage: 'No OpenAI key is authorized for this org. Authorize one on the Integrations page.',
          model: null,
          latencyMs: 0,
          attempts: 0,
          usage: EMPTY_USAGE,
        },
      });
      expect(connector.standIn.stats().requests).toBe(0);
    });

    it('answers ai_disabled while AI is turned off', async () => {
      const { token } = await addNewOrg(connector);

      const response = await infer(token, { config, record: { id: leadId(1), fields: COMPLAINT } });

      expect(body(response).inference).toMatchObject({ errorCode: 'ai_disabled', errorMessage: AI_DISABLED_MESSAGE });
    });
  });
});
