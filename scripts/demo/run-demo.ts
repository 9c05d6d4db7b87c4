/**
 * Runs the main job end to end on real inquiry texts. It starts the connector on its
 * embedded store, registers an org, authorizes an OpenAI key and turns the AI Inference
 * node on. Then it routes the sample leads through the example flow over HTTP, the way
 * the Salesforce package calls the connector, prints a table of outcomes and writes
 * them to CSV.
 *
 * With OPENAI_API_KEY set, inference runs on OpenAI (OPENAI_BASE_URL, default
 * https://api.openai.com/v1; model KEYROUTE_DEMO_MODEL, default gpt-4o-mini). Without
 * it, a local OpenAI stand-in answers by keyword rules.
 */

import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { formatCsv, parseCsv } from './csv.ts';
import { runNodeScript, startNodeProcess, type StartedProcess } from './processes.ts';

const ROOT = resolve(import.meta.dirname, '..', '..');
const OUT_DIR = join(ROOT, 'out', 'demo');
const DATA_DIR = join(OUT_DIR, 'connector-data');
const SAMPLE_CSV = join(ROOT, 'examples', 'leads', 'inquiries.csv');
const FLOW_JSON = join(ROOT, 'examples', 'flows', 'inquiry-triage.json');
const STAND_IN_KEY = 'sk-test-stand-in-valid-key-0000';
const DEMO_ORG_ID = '00D000000000001';
const DEMO_ACTOR = { userId: '005000000000001', name: 'Demo Admin' };
/** One Salesforce trigger chunk, the most the connector takes per call. */
const CHUNK_SIZE = 200;

interface RecordResult {
  recordId: string;
  status: string;
  path: string[];
  variables: Record<string, string | number | boolean | null>;
  actions: Array<{ type: string; nodeId: string; ownerId?: string; field?: string; value?: unknown }>;
  inferences: Array<{ outcome: string; errorCode: string | null; errorMessage: string | null; model: string | null }>;
  usage: { promptTokens: number; completionTokens: number; totalTokens: number };
  error: { code: string; message: string } | null;
}

async function main(): Promise<void> {
  const realKey = process.env.OPENAI_API_KEY?.trim();
  const useOpenAi = realKey !== undefined && realKey !== '';

  rmSync(OUT_DIR, { recursive: true, force: true });
  mkdirSync(OUT_DIR, { recursive: true });

  const started: StartedProcess[] = [];
  try {
    // 1. Where inference runs: OpenAI itself, or the local stand-in.
    let openAiBaseUrl: string;
    let apiKey: string;
    let model: string;
    if (useOpenAi) {
      openAiBaseUrl = process.env.OPENAI_BASE_URL ?? 'https://api.openai.com/v1';
      apiKey = realKey;
      model = process.env.KEYROUTE_DEMO_MODEL ?? 'gpt-4o-mini';
      console.log(`OPENAI_API_KEY is set: inference runs on OpenAI (${openAiBaseUrl}, model ${model}).`);
    } else {
      const standIn = await startNodeProcess({
        name: 'OpenAI stand-in',
        args: [join(ROOT, 'test', 'openai-stand-in', 'cli.ts'), '--port', '0', '--config', join(import.meta.dirname, 'stand-in-rules.json')],
        env: { PATH: process.env.PATH ?? '' },
        logPath: join(OUT_DIR, 'stand-in.log'),
        isReady: (line) => line.event === 'listening',
      });
      started.push(standIn);
      openAiBaseUrl = String(standIn.readyLine.baseUrl);
      apiKey = STAND_IN_KEY;
      model = 'gpt-4o-mini';
      console.log(
        `OPENAI_API_KEY is not set: inference runs on the local OpenAI stand-in at ${openAiBaseUrl}.\n` +
          'The stand-in is not a language model: it picks each label by keyword rules (scripts/demo/stand-in-rules.json)\n' +
          'and leaves text outputs empty. Set OPENAI_API_KEY to classify with OpenAI.',
      );
    }

    // 2. The connector on its embedded store, as ops would start it.
    const connectorEnv = {
      PATH: process.env.PATH ?? '',
      HOST: '127.0.0.1',
      PORT: '0',
      LOG_LEVEL: 'info',
      KEYROUTE_DATA_DIR: DATA_DIR,
      OPENAI_BASE_URL: openAiBaseUrl,
    };
    const connector = await startNodeProcess({
      name: 'Keyroute connector',
      args: [join(ROOT, 'connector', 'dist', 'server.js')],
      env: connectorEnv,
      logPath: join(OUT_DIR, 'connector.log'),
      isReady: (line) => line.msg === 'keyroute connector ready',
    });
    started.push(connector);
    const baseUrl = String(connector.readyLine.url);
    console.log(`Connector listening at ${baseUrl} (embedded store in ${relative(ROOT, DATA_DIR)}).`);

    // 3. Ops register the org; the token would go into the org's Named Credential.
    const registration = JSON.parse(
      await runNodeScript(
        [join(ROOT, 'connector', 'dist', 'cli.js'), 'orgs', 'add', '--salesforce-org-id', DEMO_ORG_ID, '--name', 'Demo org', '--json'],
        connectorEnv,
      ),
    ) as { token: string };
    const connectorApi = new ConnectorClient(baseUrl, registration.token);
    console.log('Registered the demo org with "keyroute orgs add".');

    // 4. The admin authorizes the key and enables the AI Inference node.
    const status = await connectorApi.send<{ maskedKey: string; status: string }>('POST', '/v1/providers/openai/authorize', {
      apiKey,
      actor: DEMO_ACTOR,
    });
    console.log(`Authorized OpenAI: ${status.status}, key ${status.maskedKey}.`);
    await connectorApi.send('PUT', '/v1/settings/ai', { aiInferenceEnabled: true, provider: 'openai', defaultModel: model, actor: DEMO_ACTOR });
    console.log('Enabled the AI Inference node with OpenAI.');

    // 5. The flow is validated before use, as FlowBuilder does before activation.
    const flow = JSON.parse(readFileSync(FLOW_JSON, 'utf8')) as { name: string; nodes: Array<{ id: string; label?: string }> };
    const validation = await connectorApi.send<{ valid: boolean; fieldsRead: string[]; problems: Array<{ message: string }> }>(
      'POST',
      '/v1/flows/validate',
      { definition: flow },
    );
    if (!validation.valid) {
      throw new Error(`The example flow is invalid: ${validation.problems.map((problem) => problem.message).join(' ')}`);
    }
    console.log(`Flow "${flow.name}" is valid; it reads ${validation.fieldsRead.join(', ')}.`);

    // 6. Route the sample leads in trigger-sized chunks, sending only the fields the flow reads.
    const leads = parseCsv(readFileSync(SAMPLE_CSV, 'utf8'));
    const salesforceIds = new Map(leads.map((lead, index) => [lead.RecordId!, demoLeadId(index + 1)]));
    const results: RecordResult[] = [];
    const startedAt = Date.now();
    for (let offset = 0; offset < leads.length; offset += CHUNK_SIZE) {
      const chunk = leads.slice(offset, offset + CHUNK_SIZE);
      const records = chunk.map((lead) => ({
        id: salesforceIds.get(lead.RecordId!)!,
        fields: Object.fromEntries(validation.fieldsRead.map((field) => [field, lead[field] === '' ? null : (lead[field] ?? null)])),
      }));
      const run = await connectorApi.send<{ results: RecordResult[] }>('POST', '/v1/flows/run', { definition: flow, records });
      results.push(...run.results);
    }
    const elapsedMs = Date.now() - startedAt;

    // 7. Report.
    const nodeLabels = new Map(flow.nodes.map((node) => [node.id, node.label ?? node.id]));
    const rows = leads.map((lead, index) => toOutcomeRow(lead, salesforceIds.get(lead.RecordId!)!, results[index]!, nodeLabels));
    printTable(rows);
    printSummary(rows, results, elapsedMs);

    const csvPath = join(OUT_DIR, 'outcomes.csv');
    writeFileSync(csvPath, formatCsv(OUTCOME_COLUMNS, rows));
    const usage = await connectorApi.send<{ days: Array<{ day: string; model: string; requests: number; totalTokens: number }> }>('GET', '/v1/usage');
    for (const day of usage.days) {
      console.log(`Usage recorded by the connector: ${day.day}, ${day.model}: ${day.requests} requests, ${day.totalTokens} tokens.`);
    }
    console.log(`\nOutcomes written to ${relative(ROOT, csvPath)}; connector log in ${relative(ROOT, join(OUT_DIR, 'connector.log'))}.`);
  } finally {
    for (const process of started.reverse()) {
      await process.stop();
    }
  }
}

/** Calls the connector with the org token, as the Salesforce Named Credential does. */
class ConnectorClient {
  private readonly baseUrl: string;
  private readonly token: string;

  constructor(baseUrl: string, token: string) {
    this.baseUrl = baseUrl;
    this.token = token;
  }

  async send<T = unknown>(method: string, path: string, body?: unknown): Promise<T> {
    const response = await fetch(new URL(path, this.baseUrl), {
      method,
      headers: { authorization: `Bearer ${this.token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const payload = (await response.json()) as T & { error?: { code: string; message: string } };
    if (!response.ok) {
      throw new Error(`${method} ${path} failed with ${response.status} ${payload.error?.code}: ${payload.error?.message}`);
    }
    return payload;
  }
}

/** Returns an 18-character Lead id for the n-th sample row. The connector checks only the id format. */
function demoLeadId(n: number): string {
  return `00Q000000${String(n).padStart(6, '0')}AAA`;
}

const OUTCOME_COLUMNS = [
  'RecordId',
  'LeadId',
  'SourceDataset',
  'Status',
  'Intent',
  'Sentiment',
  'Summary',
  'OwnerId',
  'OwnerQueue',
  'FieldsSet',
  'Path',
  'Tokens',
  'ErrorCode',
  'ExpectedIntent',
  'ExpectedProduct',
  'ExpectedAsk',
  'Description',
];

function toOutcomeRow(
  lead: Record<string, string>,
  leadId: string,
  result: RecordResult,
  nodeLabels: Map<string, string>,
): Record<string, string | number | null> {
  const owner = result.actions.find((action) => action.type === 'assign_owner');
  const fieldsSet = result.actions
    .filter((action) => action.type === 'update_field')
    .map((action) => `${action.field}=${action.value === '' ? '""' : String(action.value)}`);
  const errorCode = result.error?.code ?? result.inferences.find((inference) => inference.errorCode !== null)?.errorCode ?? null;
  return {
    RecordId: lead.RecordId ?? '',
    LeadId: leadId,
    SourceDataset: lead.SourceDataset ?? '',
    Status: result.status,
    Intent: (result.variables.intent as string | null) ?? null,
    Sentiment: (result.variables.sentiment as string | null) ?? null,
    Summary: (result.variables.summary as string | null) ?? null,
    OwnerId: owner?.ownerId ?? null,
    OwnerQueue: owner === undefined ? null : (nodeLabels.get(owner.nodeId) ?? owner.nodeId).replace(/ \(placeholder id.*\)$/, ''),
    FieldsSet: fieldsSet.join('; '),
    Path: result.path.join(' > '),
    Tokens: result.usage.totalTokens,
    ErrorCode: errorCode,
    ExpectedIntent: lead.ExpectedIntent ?? '',
    ExpectedProduct: lead.ExpectedProduct ?? '',
    ExpectedAsk: lead.ExpectedAsk ?? '',
    Description: lead.Description ?? '',
  };
}

function printTable(rows: Record<string, string | number | null>[]): void {
  const columns: Array<{ header: string; width: number; value: (row: Record<string, string | number | null>) => string }> = [
    { header: 'Record', width: 10, value: (row) => String(row.RecordId) },
    { header: 'Inquiry', width: 44, value: (row) => String(row.Description).replace(/\s+/g, ' ') },
    { header: 'Intent', width: 9, value: (row) => String(row.Intent ?? '-') },
    { header: 'Sentiment', width: 9, value: (row) => String(row.Sentiment ?? '-') },
    { header: 'Owner queue', width: 22, value: (row) => String(row.OwnerQueue ?? '-') },
    { header: 'Status', width: 7, value: (row) => String(row.Status) },
    { header: 'Tokens', width: 6, value: (row) => String(row.Tokens) },
    {
      header: 'Human label',
      width: 24,
      value: (row) => String(row.ExpectedIntent || row.ExpectedProduct || (row.ExpectedAsk ? `ask: ${row.ExpectedAsk}` : '')),
    },
  ];
  const fit = (text: string, width: number) => (text.length > width ? `${text.slice(0, width - 1)}…` : text.padEnd(width));
  console.log('');
  console.log(columns.map((column) => fit(column.header, column.width)).join('  '));
  console.log(columns.map((column) => '-'.repeat(column.width)).join('  '));
  for (const row of rows) {
    console.log(columns.map((column) => fit(column.value(row), column.width)).join('  '));
  }
  console.log('');
}

function printSummary(rows: Record<string, string | number | null>[], results: RecordResult[], elapsedMs: number): void {
  const count = (status: string) => results.filter((result) => result.status === status).length;
  const tokens = results.reduce((sum, result) => sum + result.usage.totalTokens, 0);
  console.log(
    `Routed ${count('routed')}, skipped ${count('skipped')}, failed ${count('failed')} of ${results.length} leads in ${elapsedMs} ms; ${tokens} tokens.`,
  );

  const byQueue = new Map<string, number>();
  for (const row of rows) {
    const queue = String(row.OwnerQueue ?? 'no owner');
    byQueue.set(queue, (byQueue.get(queue) ?? 0) + 1);
  }
  console.log(`Owners: ${[...byQueue].map(([queue, leads]) => `${queue} ${leads}`).join(', ')}.`);

  // The e-mail sentences carry a human label of whether they ask the reader to act,
  // which the intent "request" should agree with.
  const asks = rows.filter((row) => row.ExpectedAsk === 'Yes' || row.ExpectedAsk === 'No');
  const agreeing = asks.filter((row) => (row.Intent === 'request') === (row.ExpectedAsk === 'Yes'));
  if (asks.length > 0) {
    console.log(`E-mail sentences: intent "request" agrees with the human ask label on ${agreeing.length} of ${asks.length}.`);
  }
}

main().catch((error: unknown) => {
  console.error(`Demo failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});
