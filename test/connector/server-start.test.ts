import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { PRODUCTION_NODE_OPTIONS } from '../../bench/lib/servers.ts';

const ROOT = join(__dirname, '..', '..');
const SERVER = join(ROOT, 'connector', 'dist', 'server.js');

interface ReadyLine {
  msg: string;
  heapLimitMb: number;
  flowRuns: { maxActive: number; maxActiveRequestMb: number };
  inferences: { maxActive: number };
  queueWaitMs: number;
}

/** Starts the built server as the README does, returns its ready line, and stops it with SIGTERM. */
async function startAndStop(env: Record<string, string>): Promise<{ ready: ReadyLine; warnings: string[]; exitCode: number | null }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'keyroute-server-start-'));
  const child = spawn(process.execPath, [...PRODUCTION_NODE_OPTIONS, SERVER], {
    env: { PATH: process.env.PATH ?? '', HOST: '127.0.0.1', PORT: '0', KEYROUTE_DATA_DIR: dataDir, OPENAI_BASE_URL: 'http://127.0.0.1:9/v1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  try {
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    let ready: ReadyLine | undefined;
    const warnings: string[] = [];
    for await (const line of createInterface({ input: child.stdout })) {
      const parsed = JSON.parse(line) as ReadyLine & { level: number };
      if (parsed.level >= 40) warnings.push(parsed.msg);
      if (parsed.msg === 'keyroute connector ready') {
        ready = parsed;
        break;
      }
    }
    if (ready === undefined) throw new Error('The server ended before it was ready.');
    child.kill('SIGTERM');
    return { ready, warnings, exitCode: await exited };
  } finally {
    child.kill('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  }
}

describe('connector server started as the README says', () => {
  beforeAll(() => {
    if (!existsSync(SERVER)) throw new Error('connector/dist is missing: run "npm run build" before the tests (npm test does).');
  });

  it('logs its limits and stops cleanly', async () => {
    const { ready, warnings, exitCode } = await startAndStop({ KEYROUTE_MAX_ACTIVE_RUNS: '4', KEYROUTE_MAX_ACTIVE_INFERENCES: '40' });

    expect(warnings).toEqual([]);

    // V8 adds its young generation and some reserve to the old-space cap.
    expect(ready.heapLimitMb).toBeGreaterThanOrEqual(64);
    expect(ready.heapLimitMb).toBeLessThan(96);
    expect(ready.flowRuns.maxActive).toBe(4);
    expect(ready.inferences.maxActive).toBe(40);
    expect(ready.queueWaitMs).toBe(20_000);
    // A sixteenth of the heap limit; both figures are rounded to whole MB.
    expect(Math.abs(ready.flowRuns.maxActiveRequestMb - ready.heapLimitMb / 16)).toBeLessThanOrEqual(1);
    expect(exitCode).toBe(0);
  }, 20_000);

  it('warns when the body limit is large for the heap', async () => {
    const { warnings } = await startAndStop({ KEYROUTE_BODY_LIMIT_BYTES: String(32 * 1024 * 1024) });

    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(
      /^KEYROUTE_BODY_LIMIT_BYTES \(33554432\) is more than an eighth of the heap limit \(\d+ bytes\): one request of that size may exhaust the heap and stop the connector\. Lower it, or raise --max-old-space-size\.$/,
    );
  }, 20_000);
});
