import { STAND_IN_KEY } from '../../openai-stand-in/index.ts';
import { startTestConnector, type TestConnector } from '../../helpers/connector-app';
import { DATABASE_BACKENDS } from '../../helpers/databases';
import {
  addNewOrg,
  body,
  enableAiWithDefaultModel,
  EXAMPLE_FLOW_KEYWORDS,
  leadId,
  loadExampleFlow,
  TEST_ACTOR,
  todayUtc,
} from './support';

const RECORDS = [{ id: leadId(1), fields: { Description: 'I want a refund', LeadSource: 'Web' } }];

describe.each(DATABASE_BACKENDS)('tenant isolation (%s)', (kind) => {
  let connector: TestConnector;
  let orgA: string;
  let orgB: string;

  beforeAll(async () => {
    connector = await startTestConnector(kind, { standIn: { enumKeywords: EXAMPLE_FLOW_KEYWORDS } });
    orgA = (await addNewOrg(connector, 'Org A')).token;
    orgB = (await addNewOrg(connector, 'Org B')).token;

    // Org A has a key, settings, usage and audit events.
    await enableAiWithDefaultModel(connector, orgA);
    const run = await connector.call(orgA, 'POST', '/v1/flows/run', {
      definition: loadExampleFlow(),
      records: RECORDS,
    });
    if (body(run).results[0].inferences[0].outcome !== 'ok') throw new Error(`org A's run failed: ${run.body}`);
  });

  afterAll(async () => {
    await connector.close();
  });

  beforeEach(() => {
    connector.standIn.reset();
  });

  it('shows each token its own org', async () => {
    expect(body(await connector.call(orgA, 'GET', '/v1/org')).name).toBe('Org A');
    expect(body(await connector.call(orgB, 'GET', '/v1/org')).name).toBe('Org B');
  });

  it("hides org A's key from org B", async () => {
    const statusA = body(await connector.call(orgA, 'GET', '/v1/providers/openai'));
    const statusB = body(await connector.call(orgB, 'GET', '/v1/providers/openai'));

    expect(statusA.status).toBe('connected');
    expect(statusB).toMatchObject({ status: 'not_connected', maskedKey: null, authorizedBy: null });
  });

  it("hides org A's settings from org B", async () => {
    expect(body(await connector.call(orgA, 'GET', '/v1/settings/ai')).aiInferenceEnabled).toBe(true);
    expect(body(await connector.call(orgB, 'GET', '/v1/settings/ai'))).toEqual({
      aiInferenceEnabled: false,
      provider: null,
      defaultModel: null,
      updatedBy: null,
      updatedAt: null,
    });
  });

  it("hides org A's usage and audit trail", async () => {
    const usageA = body(await connector.call(orgA, 'GET', `/v1/usage?from=${todayUtc()}`));
    const usageB = body(await connector.call(orgB, 'GET', `/v1/usage?from=${todayUtc()}`));
    const auditA = body(await connector.call(orgA, 'GET', '/v1/audit-events'));
    const auditB = body(await connector.call(orgB, 'GET', '/v1/audit-events'));

    expect(usageA.days).toHaveLength(1);
    expect(usageB.days).toEqual([]);
    expect(auditA.events.length).toBeGreaterThan(0);
    expect(auditB.events).toEqual([]);
  });

  it("keeps org A's events out of pages", async () => {
    const auditA = body(await connector.call(orgA, 'GET', '/v1/audit-events')).events;
    const newest = Math.max(...auditA.map((event: { id: number }) => event.id));

    const pageB = await connector.call(orgB, 'GET', `/v1/audit-events?before=${newest + 1}`);

    expect(body(pageB).events).toEqual([]);
  });

  it("runs org B's flow without org A's key", async () => {
    const run = await connector.call(orgB, 'POST', '/v1/flows/run', {
      definition: loadExampleFlow(),
      records: RECORDS,
    });

    expect(body(run).results[0].inferences[0]).toMatchObject({ errorCode: 'ai_disabled', attempts: 0 });
    expect(connector.standIn.stats().requests).toBe(0);
  });

  it('answers not_authorized without a key', async () => {
    const { token } = await addNewOrg(connector, 'Org C');
    await enableAiWithDefaultModel(connector, token);
    await connector.call(token, 'POST', '/v1/providers/openai/disable', { actor: TEST_ACTOR });
    connector.standIn.reset();

    const run = await connector.call(token, 'POST', '/v1/flows/run', {
      definition: loadExampleFlow(),
      records: RECORDS,
    });

    expect(body(run).results[0].inferences[0]).toMatchObject({
      errorCode: 'not_authorized',
      errorMessage: 'No OpenAI key is authorized for this org. Authorize one on the Integrations page.',
      attempts: 0,
    });
    expect(connector.standIn.stats().requests).toBe(0);
    expect(body(await connector.call(orgA, 'GET', '/v1/providers/openai')).status).toBe('connected');
  });

  it("keeps org A's key on org B's disable", async () => {
    const disable = await connector.call(orgB, 'POST', '/v1/providers/openai/disable', { actor: TEST_ACTOR });

    expect(disable.statusCode).toBe(409);
    expect(body(await connector.call(orgA, 'GET', '/v1/providers/openai')).status).toBe('connected');
  });

  it("keeps org A's key on org B's authorize", async () => {
    const before = body(await connector.call(orgA, 'GET', '/v1/providers/openai'));
    const { token } = await addNewOrg(connector, 'Org D');

    await connector.call(token, 'POST', '/v1/providers/openai/authorize', { apiKey: STAND_IN_KEY, actor: TEST_ACTOR });

    expect(body(await connector.call(orgA, 'GET', '/v1/providers/openai'))).toEqual(before);
  });
});
