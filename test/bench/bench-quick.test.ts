import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');
const TARGETS = ['direct', 'keyroute-inference', 'portkey', 'keyroute-flow-run'];
const PHASES = ['overhead', 'throughput'];
const CONNECTIONS = [1, 10, 100];
const PACED_TARGETS = ['direct', 'keyroute-inference', 'portkey'];

interface Cell {
  phase: string;
  target: string;
  connections: number;
  offeredRatePerSec: number | null;
  requests: number;
  requestsPerSec: number;
  recordsPerSec: number;
  latencyMs: { p50: number; p99: number; max: number };
  errors: { non2xx: number; socket: number; timeouts: number; badBodies: number };
  peakRssMb: number | null;
}

interface QuickResult {
  schemaVersion: number;
  mode: string;
  machine: { cpus: number; node: string };
  portkeyCheck: {
    traced: boolean;
    requestsSent: number;
    repliesFromStandIn: number;
    standInRequests: number;
    nonLoopbackDestinations: unknown[];
  };
  cells: Cell[];
  derived: Array<Record<string, number | string | null>>;
  pacedDerived: Array<{
    phase: string;
    upstreamDelayMs: number;
    connections: number;
    offeredRatePerSec: number;
    offeredRateBasis: { target: string; requestsPerSec: number } | null;
    achievedRequestsPerSec: Record<string, number>;
    keyrouteAddedP50Ms: number;
    keyrouteAddedP99Ms: number;
    portkeyAddedP50Ms: number;
    portkeyAddedP99Ms: number;
    keyrouteAddedLatencyVsPortkey: number | null;
  }>;
  rateCeiling: {
    records: number;
    recordsRouted: number;
    recordsFailed: number;
    httpErrors: number;
    upstreamRequests: number;
    achievedRpm: number;
    totalSec: number;
  };
  targets: Array<{ name: string; target: string; value: string; met: boolean }>;
}

/**
 * Runs the benchmark's short version (`npm run bench:quick`) through every code path of
 * the full one and checks the structure and sanity of its figures. Timings are never
 * asserted: the machine is shared and the counts are small.
 */
describe('benchmark quick run', () => {
  let outputDir: string;
  let stdout: string;
  let result: QuickResult;

  beforeAll(() => {
    if (!existsSync(join(ROOT, 'connector', 'dist', 'server.js'))) {
      throw new Error('connector/dist is missing: run "npm run build" before the tests (npm test does).');
    }
    outputDir = mkdtempSync(join(tmpdir(), 'keyroute-bench-'));
    const output = join(outputDir, 'quick.json');
    const run = spawnSync(process.execPath, [join(ROOT, 'bench', 'run.ts'), '--quick', '--output', output], {
      cwd: ROOT,
      encoding: 'utf8',
      timeout: 180_000,
    });
    stdout = run.stdout;
    if (run.status !== 0) {
      throw new Error(`bench:quick exited with ${run.status}: ${run.stderr}`);
    }
    result = JSON.parse(readFileSync(output, 'utf8')) as QuickResult;
  }, 200_000);

  afterAll(() => {
    if (outputDir !== undefined) rmSync(outputDir, { recursive: true, force: true });
  });

  it('writes the quick result format', () => {
    expect(result.schemaVersion).toBe(1);
    expect(result.mode).toBe('quick');
    expect(result.machine.cpus).toBeGreaterThan(0);
    expect(result.machine.node).toMatch(/^v\d+\./);
  });

  it('measures every target at every concurrency', () => {
    const expected = PHASES.flatMap((phase) => CONNECTIONS.flatMap((connections) => TARGETS.map((target) => `${phase} ${target} ${connections}`)));
    const measured = result.cells.filter((cell) => cell.offeredRatePerSec === null).map((cell) => `${cell.phase} ${cell.target} ${cell.connections}`);

    expect(measured.sort()).toEqual(expected.sort());
  });

  it('paces three targets in the overhead phase', () => {
    const topConnections = Math.max(...CONNECTIONS);
    const paced = result.cells.filter((cell) => cell.offeredRatePerSec !== null);

    expect(paced.map((cell) => `${cell.phase} ${cell.target} ${cell.connections}`)).toEqual(
      PACED_TARGETS.map((target) => `overhead ${target} ${topConnections}`),
    );
    expect(new Set(paced.map((cell) => cell.offeredRatePerSec)).size).toBe(1);
  });

  it('derives the offered rate from closed-loop cells', () => {
    const topConnections = Math.max(...CONNECTIONS);
    const closedLoopRate = (target: string): number =>
      result.cells.find((cell) => cell.phase === 'overhead' && cell.connections === topConnections && cell.target === target && cell.offeredRatePerSec === null)!
        .requestsPerSec;
    const lowerRate = Math.min(closedLoopRate('keyroute-inference'), closedLoopRate('portkey'));
    const offered = result.cells.find((cell) => cell.offeredRatePerSec !== null)!.offeredRatePerSec!;

    expect(offered).toBe(Math.max(10, Math.floor(lowerRate / 2 / 10) * 10));
    expect(offered % 10).toBe(0);
    expect(stdout).toContain(`paced: ${topConnections} connections with ${offered} req/s offered`);
  });

  it('has no errors in any cell', () => {
    for (const cell of result.cells) {
      const name = `${cell.phase} ${cell.target} ${cell.connections}`;
      expect({ name, errors: cell.errors }).toEqual({ name, errors: { non2xx: 0, socket: 0, timeouts: 0, badBodies: 0 } });
    }
  });

  it('has positive rates in every cell', () => {
    for (const cell of result.cells) {
      const name = `${cell.phase} ${cell.target} ${cell.connections}`;
      expect({ name, requestsPositive: cell.requests > 0 }).toEqual({ name, requestsPositive: true });
      expect({ name, ratePositive: cell.requestsPerSec > 0 }).toEqual({ name, ratePositive: true });
      expect({ name, recordRatePositive: cell.recordsPerSec > 0 }).toEqual({ name, recordRatePositive: true });
    }
  });

  it('has ordered latency percentiles', () => {
    for (const cell of result.cells) {
      const name = `${cell.phase} ${cell.target} ${cell.connections}`;
      const { p50, p99, max } = cell.latencyMs;
      expect({ name, p50Positive: p50 > 0 }).toEqual({ name, p50Positive: true });
      expect({ name, p50AtMostP99: p50 <= p99 }).toEqual({ name, p50AtMostP99: true });
      expect({ name, p99AtMostMax: p99 <= max }).toEqual({ name, p99AtMostMax: true });
    }
  });

  it('reads the peak memory of each gateway', () => {
    for (const cell of result.cells) {
      const name = `${cell.phase} ${cell.target} ${cell.connections}`;
      if (cell.target === 'direct') {
        expect({ name, peak: cell.peakRssMb }).toEqual({ name, peak: null });
      } else {
        expect({ name, positive: (cell.peakRssMb ?? 0) > 0 }).toEqual({ name, positive: true });
      }
    }
  });

  it('derives the ratios for each phase and concurrency', () => {
    expect(result.derived).toHaveLength(PHASES.length * CONNECTIONS.length);
    for (const entry of result.derived) {
      expect(Number.isFinite(entry.keyrouteAddedP50Ms)).toBe(true);
      expect(entry.keyrouteThroughputVsDirect).toBeGreaterThan(0);
      expect(entry.keyrouteThroughputVsPortkey).toBeGreaterThan(0);
    }
  });

  it('derives the paced added latency', () => {
    const offered = result.cells.find((cell) => cell.offeredRatePerSec !== null)!.offeredRatePerSec;

    expect(result.pacedDerived).toHaveLength(1);
    const [entry] = result.pacedDerived;
    expect(entry!.phase).toBe('overhead');
    expect(entry!.upstreamDelayMs).toBe(0);
    expect(entry!.connections).toBe(Math.max(...CONNECTIONS));
    expect(entry!.offeredRatePerSec).toBe(offered);
    expect(['keyroute-inference', 'portkey']).toContain(entry!.offeredRateBasis?.target);
    expect(Object.keys(entry!.achievedRequestsPerSec).sort()).toEqual([...PACED_TARGETS].sort());
    for (const figure of [entry!.keyrouteAddedP50Ms, entry!.keyrouteAddedP99Ms, entry!.portkeyAddedP50Ms, entry!.portkeyAddedP99Ms]) {
      expect(Number.isFinite(figure)).toBe(true);
    }
    const ratio = entry!.keyrouteAddedLatencyVsPortkey;
    expect(ratio === null || Number.isFinite(ratio)).toBe(true);
  });

  it('checks that Portkey forwards to the stand-in only', () => {
    const check = result.portkeyCheck;
    expect(check.repliesFromStandIn).toBe(check.requestsSent);
    expect(check.standInRequests).toBe(check.requestsSent);
    expect(check.nonLoopbackDestinations).toEqual([]);
  });

  it('routes every record at the rate ceiling', () => {
    const rate = result.rateCeiling;
    expect(rate.recordsRouted).toBe(rate.records);
    expect(rate.recordsFailed).toBe(0);
    expect(rate.httpErrors).toBe(0);
    expect(rate.upstreamRequests).toBeGreaterThanOrEqual(rate.records);
    expect(rate.achievedRpm).toBeGreaterThan(0);
    expect(rate.totalSec).toBeGreaterThan(0);
  });

  it('reports every target beside its figure', () => {
    expect(result.targets.map((check) => check.target)).toEqual(['<= 1 ms', '<= 5 ms', '<= 1 ms', '<= 5 ms', '>= 90 %', '>= 100 %', '<= 150 MB', '>= 95 %', '0', '0']);
    expect(result.targets[0]!.name).toContain('closed loop (saturated)');
    expect(result.targets[1]!.name).toContain('closed loop (saturated)');
    expect(result.targets[2]!.name).toContain(`paced at ${result.pacedDerived[0]?.offeredRatePerSec} req/s`);
    expect(result.targets[3]!.name).toContain(`paced at ${result.pacedDerived[0]?.offeredRatePerSec} req/s`);
    for (const check of result.targets) {
      expect(typeof check.met).toBe('boolean');
      expect(stdout).toContain(check.name);
    }
  });

  it('prints the tables', () => {
    expect(stdout).toContain('== overhead: stand-in delay 0 ms');
    expect(stdout).toContain('== Derived');
    expect(stdout).toContain('== Paced latency');
    expect(stdout).toContain('== Routing against a rate ceiling');
    expect(stdout).toContain('== Targets (reported, not enforced)');
  });
});
