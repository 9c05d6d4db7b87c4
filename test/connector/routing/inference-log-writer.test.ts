import type { FastifyBaseLogger } from 'fastify';
import { registerOrg } from '../../../connector/src/orgs/index';
import { InferenceLogWriter } from '../../../connector/src/routing/inference-log-writer';
import { orgScope, type InferenceLogEntry } from '../../../connector/src/store';
import { createTestDatabase, DATABASE_BACKENDS, type TestDatabase } from '../../helpers/databases';

const DAY = '2026-03-02';

function entry(recordId: string, totalTokens = 30): InferenceLogEntry {
  return {
    at: new Date(`${DAY}T10:00:00Z`),
    flowId: null,
    flowVersion: 1,
    nodeId: 'classify',
    recordId,
    provider: 'openai',
    model: 'gpt-4o-mini',
    promptTokens: totalTokens - 10,
    completionTokens: 10,
    totalTokens,
    latencyMs: 5,
    outcome: 'ok',
    errorCode: null,
  };
}

/** Builds a logger that records its error calls. */
function recordingLog(): { log: FastifyBaseLogger; errors: Array<{ details: unknown; message: string }> } {
  const errors: Array<{ details: unknown; message: string }> = [];
  const log = { error: (details: unknown, message: string) => errors.push({ details, message }) } as unknown as FastifyBaseLogger;
  return { log, errors };
}

describe.each(DATABASE_BACKENDS)('InferenceLogWriter (%s)', (kind) => {
  let database: TestDatabase;

  beforeEach(async () => {
    database = await createTestDatabase(kind);
  });

  afterEach(async () => {
    await database.cleanup();
  });

  async function requestsOn(orgId: string): Promise<number> {
    const days = await orgScope(database.db, orgId).inferenceLog.summarizeUsage(DAY, DAY);
    return days.reduce((sum, day) => sum + day.requests, 0);
  }

  it('writes nothing before flush or its delay', async () => {
    const { org } = await registerOrg(database.db, '00D000000000001EAA', 'Acme');
    const writer = new InferenceLogWriter(database.db, { delayMs: 60_000 });

    writer.append(org.id, [entry('00Q000000000001AAA')], recordingLog().log);

    expect(await requestsOn(org.id)).toBe(0);
    await writer.flush();
    expect(await requestsOn(org.id)).toBe(1);
  });

  it('writes after its delay without a flush', async () => {
    const { org } = await registerOrg(database.db, '00D000000000001EAA', 'Acme');
    const writer = new InferenceLogWriter(database.db, { delayMs: 10 });

    writer.append(org.id, [entry('00Q000000000001AAA'), entry('00Q000000000002AAA')], recordingLog().log);
    await new Promise((resolve) => setTimeout(resolve, 200));

    expect(await requestsOn(org.id)).toBe(2);
  });

  it('writes at once when many entries wait', async () => {
    const { org } = await registerOrg(database.db, '00D000000000001EAA', 'Acme');
    const writer = new InferenceLogWriter(database.db, { delayMs: 60_000, maxPendingEntries: 3 });
    const { log } = recordingLog();

    writer.append(org.id, [entry('00Q000000000001AAA'), entry('00Q000000000002AAA')], log);
    writer.append(org.id, [entry('00Q000000000003AAA')], log);
    // The threshold started a write; a flush waits for it.
    await writer.flush();

    expect(await requestsOn(org.id)).toBe(3);
  });

  it('batches several orgs and keeps each org apart', async () => {
    const first = await registerOrg(database.db, '00D000000000001EAA', 'Acme');
    const second = await registerOrg(database.db, '00D000000000002EAA', 'Globex');
    const writer = new InferenceLogWriter(database.db, { delayMs: 60_000 });
    const { log } = recordingLog();

    writer.append(first.org.id, [entry('00Q000000000001AAA')], log);
    writer.append(second.org.id, [entry('00Q000000000002AAA'), entry('00Q000000000003AAA')], log);
    writer.append(first.org.id, [entry('00Q000000000004AAA')], log);
    await writer.flush();

    expect(await requestsOn(first.org.id)).toBe(2);
    expect(await requestsOn(second.org.id)).toBe(2);
  });

  it('keeps other orgs rows when one org write fails', async () => {
    const { org } = await registerOrg(database.db, '00D000000000001EAA', 'Acme');
    const writer = new InferenceLogWriter(database.db, { delayMs: 60_000 });
    const good = recordingLog();
    const bad = recordingLog();

    // No org has this id, so its rows break the foreign key.
    writer.append('00000000-0000-4000-8000-000000000000', [entry('00Q000000000001AAA')], bad.log);
    writer.append(org.id, [entry('00Q000000000002AAA')], good.log);
    await writer.flush();

    expect(await requestsOn(org.id)).toBe(1);
    expect(good.errors).toEqual([]);
    expect(bad.errors).toHaveLength(1);
    expect(bad.errors[0]!.message).toBe('failed to write the inference log; routing results were returned');
    expect(bad.errors[0]!.details).toMatchObject({ entries: 1 });
  });

  it('flushes entries appended during a write', async () => {
    const { org } = await registerOrg(database.db, '00D000000000001EAA', 'Acme');
    const writer = new InferenceLogWriter(database.db, { delayMs: 60_000 });
    const { log } = recordingLog();

    writer.append(org.id, [entry('00Q000000000001AAA')], log);
    const firstFlush = writer.flush();
    writer.append(org.id, [entry('00Q000000000002AAA')], log);
    await writer.flush();
    await firstFlush;

    expect(await requestsOn(org.id)).toBe(2);
  });
});
