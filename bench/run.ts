/**
 * The connector's benchmark: `npm run bench` (about 8 minutes) or `npm run bench:quick`
 * (small counts and short cells through the same code paths, for the test suite).
 *
 *   node bench/run.ts [--quick] [--output FILE] [--connector-node-options="FLAGS"] [--connector-dist DIR]
 *
 * --connector-node-options replaces the Node flags of the connector process. By default
 * they are those of the README's start command (PRODUCTION_NODE_OPTIONS). With "", the
 * connector runs with Node's default heap sizing.
 * --connector-dist starts another build of the connector (its server.js and cli.js), for
 * example an older commit built elsewhere, to compare it on the same machine.
 *
 * It measures the OpenAI stand-in directly, through the connector and through Portkey's
 * gateway (request matrix: closed-loop cells, then paced cells at a fixed rate below
 * saturation in the overhead phase), then routes real inquiries against a rate ceiling. It prints
 * tables and writes the figures as JSON to bench/results/latest.json (quick.json with
 * --quick). See docs/performance.md for the method and the latest figures.
 */

import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, release } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { loadInquiryRows } from './lib/data.ts';
import { prepareRequests, runPhase, type CellResult } from './lib/matrix.ts';
import { OUT_DIR, RESULTS_DIR, ROOT } from './lib/paths.ts';
import { checkPortkey, type PortkeyCheck } from './lib/portkey-check.ts';
import { runRateCeiling, type RateCeilingResult } from './lib/rate-ceiling.ts';
import {
  checkTargets,
  derive,
  derivePaced,
  formatCell,
  printDerived,
  printDescriptions,
  printOfferedRate,
  printPacedDerived,
  printPhaseHeader,
  printPortkeyCheck,
  printRateCeiling,
  printTargets,
  type BenchmarkPhaseInfo,
} from './lib/report.ts';
import { ensureDir, PRODUCTION_NODE_OPTIONS, startConnector, startPortkey, startStandIn, STAND_IN_KEY } from './lib/servers.ts';

interface Settings {
  mode: 'full' | 'quick';
  concurrencies: number[];
  phases: BenchmarkPhaseInfo[];
  flowRunRecords: number;
  rateCeiling: { ceilingRpm: number; upstreamDelayMs: number; records: number; callSize: number; parallelCalls: number };
  portkeyCheckRequests: number;
  /** Time the traced gateway gets on its own after start-up and after the requests, for calls it makes unprompted. */
  portkeyCheckIdleMs: number;
  /** Node flags of the connector process; empty to run it as `npm start` does. */
  connectorNodeOptions: string[];
  /** The connector build under test. */
  connectorDist: string;
}

/** The settings of `npm run bench` and `npm run bench:quick`; the command line adds the rest. */
type Preset = Omit<Settings, 'connectorNodeOptions' | 'connectorDist'>;

const FULL: Preset = {
  mode: 'full',
  concurrencies: [1, 10, 100],
  phases: [
    { name: 'overhead', upstreamDelayMs: 0, durationSec: 6, flowRunDurationSec: 15, warmupSec: 2, pacedCells: true },
    { name: 'throughput', upstreamDelayMs: 300, durationSec: 6, flowRunDurationSec: 15, warmupSec: 2, pacedCells: false },
  ],
  flowRunRecords: 200,
  // 10,000 records at 3,000 requests/min: 3,000 pass in the initial burst, the other 7,000
  // need at least 140 s at the ceiling.
  rateCeiling: { ceilingRpm: 3_000, upstreamDelayMs: 300, records: 10_000, callSize: 200, parallelCalls: 5 },
  portkeyCheckRequests: 20,
  portkeyCheckIdleMs: 2_000,
};

const QUICK: Preset = {
  mode: 'quick',
  concurrencies: [1, 10, 100],
  phases: [
    { name: 'overhead', upstreamDelayMs: 0, durationSec: 0.3, flowRunDurationSec: 0.6, warmupSec: 0.1, pacedCells: true },
    { name: 'throughput', upstreamDelayMs: 50, durationSec: 0.3, flowRunDurationSec: 0.6, warmupSec: 0.1, pacedCells: false },
  ],
  // Small runs, so that 100 connections finish some within a 0.6 s cell.
  flowRunRecords: 5,
  // 1,260 records at 1,200 requests/min: the ceiling binds for the last 60 (3 s).
  rateCeiling: { ceilingRpm: 1_200, upstreamDelayMs: 50, records: 1_260, callSize: 200, parallelCalls: 5 },
  portkeyCheckRequests: 3,
  portkeyCheckIdleMs: 200,
};

export interface BenchmarkResult {
  schemaVersion: 1;
  mode: 'full' | 'quick';
  startedAt: string;
  finishedAt: string;
  machine: Machine;
  settings: Settings;
  portkeyCheck: PortkeyCheck;
  cells: CellResult[];
  derived: ReturnType<typeof derive>;
  pacedDerived: ReturnType<typeof derivePaced>;
  rateCeiling: RateCeilingResult;
  targets: ReturnType<typeof checkTargets>;
}

interface Machine {
  cpus: number;
  cpuModel: string;
  node: string;
  kernel: string;
  /** CPU busy share of the whole machine over one second before the run: how quiet it was. */
  busyBeforeStart: number;
  loadAverageAtStart: number[];
  loadAverageAtEnd: number[];
  portkeyVersion: string;
  autocannonVersion: string;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      quick: { type: 'boolean' },
      output: { type: 'string' },
      'connector-node-options': { type: 'string' },
      'connector-dist': { type: 'string' },
    },
    strict: true,
  });
  const settings: Settings = {
    ...(values.quick ? QUICK : FULL),
    connectorNodeOptions:
      values['connector-node-options'] === undefined
        ? PRODUCTION_NODE_OPTIONS
        : values['connector-node-options'].split(/\s+/).filter((flag) => flag !== ''),
    connectorDist: resolve(values['connector-dist'] ?? join(ROOT, 'connector', 'dist')),
  };
  if (!existsSync(join(settings.connectorDist, 'server.js'))) {
    throw new Error(`${join(settings.connectorDist, 'server.js')} is missing: run "npm run build" first, or point --connector-dist at a built connector.`);
  }
  const invalidFlag = settings.connectorNodeOptions.find((flag) => !flag.startsWith('--'));
  if (invalidFlag !== undefined) {
    throw new Error(`Invalid --connector-node-options entry ${JSON.stringify(invalidFlag)}: expected Node flags such as --max-old-space-size=128.`);
  }
  const output = values.output ?? join(RESULTS_DIR, settings.mode === 'quick' ? 'quick.json' : 'latest.json');
  const logDir = ensureDir(join(OUT_DIR, settings.mode));
  const startedAt = new Date();
  const loadAverageAtStart = loadavg();
  const rows = loadInquiryRows();

  const busyBeforeStart = await measureBusyShare(1_000);
  console.log(
    `Keyroute benchmark (${settings.mode}) on ${cpus().length} CPUs, Node ${process.version}; ` +
      `machine ${(busyBeforeStart * 100).toFixed(0)} % busy before start, load average ${loadavg().map((v) => v.toFixed(2)).join(' ')}.`,
  );
  console.log(`Real inquiry rows: ${rows.length}. Logs in ${displayPath(logDir)}.`);
  console.log(
    settings.connectorNodeOptions.length === 0
      ? 'Connector started without Node flags: V8 sizes its heap from the machine\'s memory.'
      : `Connector started with Node flags ${settings.connectorNodeOptions.join(' ')}` +
          (settings.connectorNodeOptions.join(' ') === PRODUCTION_NODE_OPTIONS.join(' ') ? ', as the README starts it.' : '.'),
  );
  console.log(`Connector build: ${displayPath(settings.connectorDist)}.`);
  printDescriptions();

  const cells: CellResult[] = [];
  let portkeyCheck: PortkeyCheck | undefined;
  for (const phase of settings.phases) {
    const standIn = await startStandIn({ delayMs: phase.upstreamDelayMs, logDir, name: phase.name });
    const connector = await startConnector({
      openAiBaseUrl: standIn.baseUrl,
      logDir,
      name: phase.name,
      extraNodeArgs: settings.connectorNodeOptions,
      distDir: settings.connectorDist,
    });
    const portkey = await startPortkey({ logDir, name: phase.name });
    try {
      const prepared = await prepareRequests({ rows, standIn, connector, flowRunRecords: settings.flowRunRecords });
      if (portkeyCheck === undefined) {
        portkeyCheck = await checkPortkey({
          standIn,
          body: prepared.directBody,
          apiKey: STAND_IN_KEY,
          logDir,
          requests: settings.portkeyCheckRequests,
          idleMs: settings.portkeyCheckIdleMs,
        });
        printPortkeyCheck(portkeyCheck);
      }
      printPhaseHeader(phase);
      const phaseCells = await runPhase(
        {
          name: phase.name,
          upstreamDelayMs: phase.upstreamDelayMs,
          concurrencies: settings.concurrencies,
          durationSec: phase.durationSec,
          flowRunDurationSec: phase.flowRunDurationSec,
          warmupSec: phase.warmupSec,
          flowRunRecords: settings.flowRunRecords,
          rows,
          standIn,
          connector,
          portkey,
          pacedCells: phase.pacedCells,
          onCell: (cell) => console.log(formatCell(cell)),
          onOfferedRate: printOfferedRate,
        },
        prepared,
      );
      cells.push(...phaseCells);
    } finally {
      await portkey.stop();
      await connector.stop();
      await standIn.stop();
    }
  }

  const derived = derive(cells);
  printDerived(derived);
  const pacedDerived = derivePaced(cells);
  printPacedDerived(pacedDerived);

  const rate = settings.rateCeiling;
  const standIn = await startStandIn({ delayMs: rate.upstreamDelayMs, rpm: rate.ceilingRpm, logDir, name: 'rate-ceiling' });
  const connector = await startConnector({
    openAiBaseUrl: standIn.baseUrl,
    logDir,
    name: 'rate-ceiling',
    extraNodeArgs: settings.connectorNodeOptions,
    distDir: settings.connectorDist,
  });
  let rateCeiling: RateCeilingResult;
  try {
    rateCeiling = await runRateCeiling({ ...rate, rows, standIn, connector });
  } finally {
    await connector.stop();
    await standIn.stop();
  }
  printRateCeiling(rateCeiling);

  const targets = checkTargets(cells, derived, pacedDerived, rateCeiling);
  printTargets(targets);

  const result: BenchmarkResult = {
    schemaVersion: 1,
    mode: settings.mode,
    startedAt: startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    machine: {
      cpus: cpus().length,
      cpuModel: cpus()[0]?.model ?? 'unknown',
      node: process.version,
      kernel: release(),
      busyBeforeStart,
      loadAverageAtStart,
      loadAverageAtEnd: loadavg(),
      portkeyVersion: packageVersion('@portkey-ai/gateway'),
      autocannonVersion: packageVersion('autocannon'),
    },
    settings,
    portkeyCheck: portkeyCheck!,
    cells,
    derived,
    pacedDerived,
    rateCeiling,
    targets,
  };
  mkdirSync(dirname(output), { recursive: true });
  writeFileSync(output, `${JSON.stringify(result, null, 2)}\n`);
  console.log(`\nFigures written to ${displayPath(output)}; ${((Date.now() - startedAt.getTime()) / 1000).toFixed(0)} s in all.`);
}

/** Returns the path relative to the repository when it lies inside it, else the absolute path. */
function displayPath(path: string): string {
  const inside = relative(ROOT, path);
  return inside === '' || inside.startsWith('..') ? resolve(path) : inside;
}

/** Share of time all CPUs were busy over `ms`, from /proc/stat; 0 when it cannot be read. */
async function measureBusyShare(ms: number): Promise<number> {
  const read = (): { busy: number; total: number } | null => {
    try {
      const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
      const idle = (fields[3] ?? 0) + (fields[4] ?? 0);
      const total = fields.reduce((sum, value) => sum + value, 0);
      return { busy: total - idle, total };
    } catch {
      return null;
    }
  };
  const before = read();
  await sleep(ms);
  const after = read();
  if (before === null || after === null || after.total === before.total) {
    return 0;
  }
  return (after.busy - before.busy) / (after.total - before.total);
}

function packageVersion(name: string): string {
  const manifest = JSON.parse(readFileSync(join(ROOT, 'node_modules', name, 'package.json'), 'utf8')) as { version: string };
  return manifest.version;
}

main().catch((error: unknown) => {
  console.error(`Benchmark failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});
