import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LightMyRequestResponse } from 'fastify';
import { normalizeSalesforceOrgId } from '../../../connector/src/orgs';
import type { Row } from '../../../connector/src/store';
import type { TestConnector } from '../../helpers/connector-app';

/** Shared helpers of the HTTP-level connector tests. */

export { TEST_ACTOR } from '../../helpers/connector-app';

/** A second admin, for tests that check who did what. */
export const OTHER_ACTOR = { userId: '005000000000002AAA', name: 'Bo Builder' };

/** The model the tests choose as the org's default; the stand-in serves it. */
export const TEST_MODEL = 'gpt-4o-mini';

const EXAMPLE_FLOW_PATH = join(__dirname, '..', '..', '..', 'examples', 'flows', 'inquiry-triage.json');

/** Returns a fresh copy of the example flow `examples/flows/inquiry-triage.json`. */
export function loadExampleFlow(): Record<string, unknown> & { nodes: Array<Record<string, unknown>> } {
  return JSON.parse(readFileSync(EXAMPLE_FLOW_PATH, 'utf8')) as Record<string, unknown> & {
    nodes: Array<Record<string, unknown>>;
  };
}

/**
 * Keywords that make the stand-in's default answer predictable for the example flow: an
 * enum output takes the first value whose keyword appears in the record data. None of them
 * appears in the JSON keys of the record data.
 */
export const EXAMPLE_FLOW_KEYWORDS: Record<string, string[]> = {
  complaint: ['refund'],
  question: ['how'],
  request: ['meeting'],
  other: ['thanks'],
  negative: ['angry'],
  neutral: ['okay'],
  positive: ['great'],
};

/** Returns a new, valid 15-character Salesforce org id. */
export function newSalesforceOrgId(): string {
  return `00D${randomBytes(6).toString('hex')}`;
}

/** Returns a 15-character lead id made from a number, like `00Q000000000007`. */
export function leadId(n: number): string {
  return `00Q${String(n).padStart(12, '0')}`;
}

/** Registers a new org on the connector and returns its token with its Salesforce org id. */
export async function addNewOrg(
  connector: TestConnector,
  name = 'Test org',
): Promise<{ token: string; salesforceOrgId: string }> {
  const salesforceOrgId = newSalesforceOrgId();
  const token = await connector.addOrg(salesforceOrgId, name);
  return { token, salesforceOrgId };
}

/** Turns AI inference on with OpenAI and the test model as the default model. */
export async function enableAiWithDefaultModel(connector: TestConnector, token: string): Promise<void> {
  await connector.connectOpenAi(token);
  const saved = await connector.call(token, 'PUT', '/v1/settings/ai', {
    aiInferenceEnabled: true,
    provider: 'openai',
    defaultModel: TEST_MODEL,
    actor: { userId: '005000000000001AAA', name: 'Ada Admin' },
  });
  if (saved.statusCode !== 200) throw new Error(`saving the default model failed: ${saved.body}`);
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function body(response: LightMyRequestResponse): any {
  return JSON.parse(response.body);
}

/** Asserts the API's error shape with the exact status, code and message. */
export function expectError(response: LightMyRequestResponse, status: number, code: string, message: string): void {
  expect({ status: response.statusCode, code: body(response).error?.code }).toEqual({ status, code });
  expect(body(response).error.message).toBe(message);
  expect(typeof body(response).error.requestId).toBe('string');
}

/** Returns today's date in UTC as YYYY-MM-DD. */
export function todayUtc(): string {
  return new Date().toISOString().slice(0, 10);
}

/** Reads one org's provider_credentials row as stored, ciphertext included. */
export async function readCredentialRow(connector: TestConnector, salesforceOrgId: string): Promise<Row | undefined> {
  const rows = await connector.database.db.query(
    `SELECT c.* FROM provider_credentials c JOIN orgs o ON o.id = c.org_id
     WHERE o.salesforce_org_id = $1 AND c.provider = 'openai'`,
    [normalizeSalesforceOrgId(salesforceOrgId)],
  );
  return rows[0];
}
