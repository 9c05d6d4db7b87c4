import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseCsv } from '../../scripts/demo/csv.ts';

const ROOT = join(__dirname, '..', '..');

/**
 * Runs the README's main job (the demo) as a user would, on the stand-in, and checks the
 * outcomes it wrote for the real sample inquiries.
 */
describe('demo on the sample inquiries', () => {
  let stdout: string;
  let outcomes: Record<string, string>[];

  beforeAll(() => {
    if (!existsSync(join(ROOT, 'connector', 'dist', 'server.js'))) {
      throw new Error('connector/dist is missing: run "npm run build" before the tests (npm test does).');
    }
    const env = { ...process.env };
    delete env.OPENAI_API_KEY;
    const run = spawnSync(process.execPath, [join(ROOT, 'scripts', 'demo', 'run-demo.ts')], { cwd: ROOT, env, encoding: 'utf8', timeout: 60_000 });
    stdout = run.stdout;
    if (run.status !== 0) {
      throw new Error(`demo exited with ${run.status}: ${run.stderr}`);
    }
    outcomes = parseCsv(readFileSync(join(ROOT, 'out', 'demo', 'outcomes.csv'), 'utf8'));
  }, 90_000);

  it('says plainly that it runs on the stand-in', () => {
    expect(stdout).toContain('OPENAI_API_KEY is not set: inference runs on the local OpenAI stand-in');
  });

  it('routes every sample lead', () => {
    const sample = parseCsv(readFileSync(join(ROOT, 'examples', 'leads', 'inquiries.csv'), 'utf8'));
    expect(outcomes).toHaveLength(sample.length);
    expect(outcomes.map((row) => row.RecordId)).toEqual(sample.map((row) => row.RecordId));
    expect(outcomes.filter((row) => row.Status !== 'routed')).toEqual([]);
    expect(stdout).toContain(`Routed ${sample.length}, skipped 0, failed 0 of ${sample.length} leads`);
  });

  it('assigns the owner queue that the intent branch names', () => {
    const queueByIntent: Record<string, string> = {
      complaint: '00G000000000001AAA',
      question: '00G000000000002AAA',
      request: '00G000000000003AAA',
      other: '00G000000000004AAA',
    };
    for (const row of outcomes) {
      expect({ record: row.RecordId, owner: row.OwnerId }).toEqual({ record: row.RecordId, owner: queueByIntent[row.Intent!] });
    }
  });

  it('classifies known inquiries by the stand-in keyword rules', () => {
    const byId = new Map(outcomes.map((row) => [row.RecordId, row]));
    // "How do I locate my card?": "how" is a question keyword.
    expect(byId.get('B77-00001')?.Intent).toBe('question');
    // "...is harassing me claiming I have a loan...": "harassing" is a complaint keyword.
    expect(byId.get('CFPB-00158')?.Intent).toBe('complaint');
    expect(byId.get('CFPB-00158')?.Sentiment).toBe('negative');
  });

  it('sets the classification fields and rates complaints Hot', () => {
    for (const row of outcomes) {
      expect(row.FieldsSet).toContain(`Lead_Intent__c=${row.Intent}`);
      expect(row.FieldsSet).toContain(`Lead_Sentiment__c=${row.Sentiment}`);
      expect((row.FieldsSet ?? '').includes('Rating=Hot')).toBe(row.Intent === 'complaint');
    }
  });

  it('reports token usage that the connector recorded', () => {
    const tokens = outcomes.reduce((sum, row) => sum + Number(row.Tokens), 0);
    expect(tokens).toBeGreaterThan(0);
    expect(stdout).toContain(`gpt-4o-mini: ${outcomes.length} requests, ${tokens} tokens.`);
  });
});
