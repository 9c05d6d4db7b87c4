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
  TEST_ACTOR,
  TEST_MODEL,
  todayUtc,
} from './support';

const DAY_MS = 24 * 60 * 60 * 1000;

function daysBefore(day: string, days: number): string {
  return new Date(Date.parse(day) - days * DAY_MS).toISOString().slice(0, 10);
}

describe.each(DATABASE_BACKENDS)('usage and audit API (%s)', (kind) => {
  let connector: TestConnector;

  beforeAll(async () => {
    connector = await startTestConnector(kind, { standIn: { enumKeywords: EXAMPLE_FLOW_KEYWORDS } });
  });

  afterAll(async () => {
    await connector.close();
  });

  describe('usage', () => {
    it('sums the tokens of a run per day and model', async () => {
      const { token } = await addNewOrg(connector);
      await enableAiWithDefaultModel(connector, token);
      const run = body(
        await connector.call(token, 'POST', '/v1/flows/run', {
          definition: loadExampleFlow(),
          records: [
            { id: leadId(1), fields: { Description: 'I want a refund', LeadSource: 'Web' } },
            { id: leadId(2), fields: { Description: 'How does it work?', LeadSource: 'Web' } },
            { id: leadId(3), fields: { Description: '', LeadSource: 'Web' } },
          ],
        }),
      );

      const response = await connector.call(token, 'GET', '/v1/usage');

      expect(response.statusCode).toBe(200);
      const today = todayUtc();
      expect(body(response)).toEqual({
        from: daysBefore(today, 29),
        to: today,
        days: [
          {
            day: today,
            model: TEST_MODEL,
            requests: 2,
            promptTokens: run.usage.promptTokens,
            completionTokens: run.usage.completionTokens,
            totalTokens: run.usage.totalTokens,
          },
        ],
      });
      expect(run.usage.totalTokens).toBeGreaterThan(0);
    });

    it('adds single inferences and separates models', async () => {
      const { token } = await addNewOrg(connector);
      await enableAiWithDefaultModel(connector, token);
      const config = { prompt: 'Classify {!Record.Description}.', outputs: [{ name: 'urgent', type: 'boolean' }] };
      const record = { id: leadId(1), fields: { Description: 'Call me back' } };
      const first = body(await connector.call(token, 'POST', '/v1/inference', { config, record }));
      const second = body(
        await connector.call(token, 'POST', '/v1/inference', { config: { ...config, model: 'gpt-4o' }, record }),
      );
      const third = body(await connector.call(token, 'POST', '/v1/inference', { config, record }));

      const response = await connector.call(token, 'GET', `/v1/usage?from=${todayUtc()}&to=${todayUtc()}`);

      expect(body(response).days).toEqual([
        {
          day: todayUtc(),
          model: 'gpt-4o',
          requests: 1,
          promptTokens: second.inference.usage.promptTokens,
          completionTokens: second.inference.usage.completionTokens,
          totalTokens: second.inference.usage.totalTokens,
        },
        {
          day: todayUtc(),
          model: TEST_MODEL,
          requests: 2,
          promptTokens: first.inference.usage.promptTokens + third.inference.usage.promptTokens,
          completionTokens: first.inference.usage.completionTokens + third.inference.usage.completionTokens,
          totalTokens: first.inference.usage.totalTokens + third.inference.usage.totalTokens,
        },
      ]);
    });

    it('counts no usage while AI is turned off', async () => {
      const { token } = await addNewOrg(connector);
      await connector.call(token, 'POST', '/v1/flows/run', {
        definition: loadExampleFlow(),
        records: [{ id: leadId(1), fields: { Description: 'I want a refund' } }],
      });

      const response = await connector.call(token, 'GET', '/v1/usage');

      expect(body(response).days).toEqual([]);
    });

    it('starts 30 days before a given end', async () => {
      const { token } = await addNewOrg(connector);

      const response = await connector.call(token, 'GET', '/v1/usage?to=2025-03-31');

      expect(body(response)).toEqual({ from: '2025-03-02', to: '2025-03-31', days: [] });
    });

    it('accepts a period of 366 days', async () => {
      const { token } = await addNewOrg(connector);

      const response = await connector.call(token, 'GET', '/v1/usage?from=2024-01-01&to=2024-12-31');

      expect(response.statusCode).toBe(200);
      expect(body(response)).toEqual({ from: '2024-01-01', to: '2024-12-31', days: [] });
    });

    it('rejects a start after the end', async () => {
      const { token } = await addNewOrg(connector);

      const response = await connector.call(token, 'GET', '/v1/usage?from=2025-02-02&to=2025-02-01');

      expectError(
        response,
        400,
        'invalid_request',
        'Invalid request. querystring.from: expected a day on or before "to" (2025-02-01).',
      );
      expect(body(response).error.fields).toEqual([
        { field: 'querystring.from', message: 'expected a day on or before "to" (2025-02-01)' },
      ]);
    });

    it('rejects more than 366 days', async () => {
      const { token } = await addNewOrg(connector);

      const response = await connector.call(token, 'GET', '/v1/usage?from=2024-01-01&to=2025-01-01');

      expectError(
        response,
        400,
        'invalid_request',
        'Invalid request. querystring.from: expected at most 366 days between "from" and "to".',
      );
    });

    it.each([
      ['a day-first date', 'from=31/01/2025', 'querystring.from'],
      ['a month 13', 'to=2025-13-01', 'querystring.to'],
      ['a timestamp', 'from=2025-01-01T00:00:00Z', 'querystring.from'],
    ])('rejects %s', async (_case, query, field) => {
      const { token } = await addNewOrg(connector);

      const response = await connector.call(token, 'GET', `/v1/usage?${query}`);

      expectError(response, 400, 'invalid_request', `Invalid request. ${field}: expected a date as YYYY-MM-DD`);
    });

    it('rejects an unknown query parameter', async () => {
      const { token } = await addNewOrg(connector);

      const response = await connector.call(token, 'GET', '/v1/usage?day=2025-01-01');

      expectError(response, 400, 'invalid_request', 'Invalid request. querystring: unknown field "day": remove it');
    });
  });

  describe('audit events', () => {
    async function orgWithFiveEvents(): Promise<string> {
      const { token } = await addNewOrg(connector);
      for (const defaultModel of ['m1', 'm2', 'm3', 'm4', 'm5']) {
        await connector.call(token, 'PUT', '/v1/settings/ai', {
          aiInferenceEnabled: false,
          provider: null,
          defaultModel,
          actor: TEST_ACTOR,
        });
      }
      return token;
    }

    const modelsOf = (events: Array<{ details: { defaultModel: { to: string } } }>) =>
      events.map((event) => event.details.defaultModel.to);

    it('lists events newest first', async () => {
      const token = await orgWithFiveEvents();

      const response = await connector.call(token, 'GET', '/v1/audit-events');

      expect(response.statusCode).toBe(200);
      expect(modelsOf(body(response).events)).toEqual(['m5', 'm4', 'm3', 'm2', 'm1']);
    });

    it('pages with limit and before', async () => {
      const token = await orgWithFiveEvents();

      const first = body(await connector.call(token, 'GET', '/v1/audit-events?limit=2')).events;
      const second = body(await connector.call(token, 'GET', `/v1/audit-events?limit=2&before=${first[1].id}`)).events;
      const third = body(await connector.call(token, 'GET', `/v1/audit-events?limit=2&before=${second[1].id}`)).events;
      const fourth = body(await connector.call(token, 'GET', `/v1/audit-events?limit=2&before=${third[0].id}`)).events;

      expect(modelsOf(first)).toEqual(['m5', 'm4']);
      expect(modelsOf(second)).toEqual(['m3', 'm2']);
      expect(modelsOf(third)).toEqual(['m1']);
      expect(fourth).toEqual([]);
    });

    it.each([
      ['limit=0', 'querystring.limit: expected a value at least 1'],
      ['limit=501', 'querystring.limit: expected a value at most 500'],
      ['limit=2.5', 'querystring.limit: expected a whole number, got a number'],
      ['limit=ten', 'querystring.limit: expected a number, got text that is not a number'],
      ['before=0', 'querystring.before: expected a value at least 1'],
      ['after=5', 'querystring: unknown field "after": remove it'],
    ])('rejects %s', async (query, detail) => {
      const { token } = await addNewOrg(connector);

      const response = await connector.call(token, 'GET', `/v1/audit-events?${query}`);

      expectError(response, 400, 'invalid_request', `Invalid request. ${detail}`);
    });
  });
});
