/**
 * Profiles the connector under load: starts the stand-in and the built connector with
 * `node --cpu-prof`, keeps one target busy, stops the connector so that V8 writes the
 * profile, and prints the functions and the files with the most self time.
 *
 *   node bench/profile.ts [--target inference|flow-run] [--connections N] [--seconds S] [--delay-ms MS]
 *
 * The profile is kept in out/bench/profile/ for Chrome DevTools (Performance > Load profile).
 */

import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parseArgs } from 'node:util';
import { loadInquiryRows } from './lib/data.ts';
import { runLoad } from './lib/load.ts';
import { prepareRequests } from './lib/matrix.ts';
import { OUT_DIR, ROOT } from './lib/paths.ts';
import { ensureDir, startConnector, startStandIn } from './lib/servers.ts';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      target: { type: 'string', default: 'inference' },
      connections: { type: 'string', default: '10' },
      seconds: { type: 'string', default: '10' },
      'delay-ms': { type: 'string', default: '0' },
    },
    strict: true,
  });
  if (values.target !== 'inference' && values.target !== 'flow-run') {
    throw new Error(`Invalid --target ${JSON.stringify(values.target)}: expected inference or flow-run.`);
  }
  const connections = positiveNumber('--connections', values.connections);
  const seconds = positiveNumber('--seconds', values.seconds);
  const delayMs = positiveNumber('--delay-ms', values['delay-ms'], true);

  const logDir = ensureDir(join(OUT_DIR, 'profile'));
  const profileDir = join(logDir, 'cpu');
  rmSync(profileDir, { recursive: true, force: true });

  const standIn = await startStandIn({ delayMs, logDir, name: 'profile' });
  const connector = await startConnector({
    openAiBaseUrl: standIn.baseUrl,
    logDir,
    name: 'profile',
    extraNodeArgs: ['--cpu-prof', `--cpu-prof-dir=${profileDir}`],
  });
  try {
    const prepared = await prepareRequests({ rows: loadInquiryRows(), standIn, connector, flowRunRecords: 200 });
    const request = prepared.requests[values.target === 'inference' ? 'keyroute-inference' : 'keyroute-flow-run'];
    await runLoad(request, { connections, durationSec: 2, timeoutSec: 300 });
    const load = await runLoad(request, { connections, durationSec: seconds, timeoutSec: 300 });
    console.log(
      `${values.target} at ${connections} connections, stand-in delay ${delayMs} ms: ${load.requestsPerSec.toFixed(1)} req/s, ` +
        `p50 ${load.latencyMs.p50.toFixed(2)} ms, p99 ${load.latencyMs.p99.toFixed(2)} ms, errors ${load.non2xx + load.socketErrors + load.badBodies}`,
    );
    await standIn.waitIdle();
  } finally {
    await connector.stop();
    await standIn.stop();
  }

  const file = readdirSync(profileDir).find((name) => name.endsWith('.cpuprofile'));
  if (file === undefined) {
    throw new Error(`The connector wrote no profile into ${profileDir}; see ${connector.logPath}.`);
  }
  const profile = JSON.parse(readFileSync(join(profileDir, file), 'utf8')) as CpuProfile;
  printSelfTime(profile);
  console.log(`\nProfile: ${relative(ROOT, join(profileDir, file))}`);
}

/** Prints the top functions and files by self time, excluding idle time. */
function printSelfTime(profile: CpuProfile): void {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const selfByFunction = new Map<string, number>();
  const selfByFile = new Map<string, number>();
  let total = 0;

  profile.samples.forEach((id, index) => {
    const node = byId.get(id);
    const delta = profile.timeDeltas[index] ?? 0;
    if (node === undefined || node.callFrame.functionName === '(idle)') return;
    total += delta;
    const file = shortenUrl(node.callFrame.url);
    const key = `${node.callFrame.functionName || '(anonymous)'}  ${file}:${node.callFrame.lineNumber + 1}`;
    selfByFunction.set(key, (selfByFunction.get(key) ?? 0) + delta);
    const fileKey = file === '' ? node.callFrame.functionName : file;
    selfByFile.set(fileKey, (selfByFile.get(fileKey) ?? 0) + delta);
  });

  const print = (title: string, entries: Map<string, number>, limit: number): void => {
    console.log(`\n${title} (of ${(total / 1000).toFixed(0)} ms busy):`);
    for (const [name, micros] of [...entries].sort((a, b) => b[1] - a[1]).slice(0, limit)) {
      console.log(`  ${((micros / total) * 100).toFixed(1).padStart(5)} %  ${name}`);
    }
  };
  print('Top functions by self time', selfByFunction, 30);
  print('Top files by self time', selfByFile, 20);
}

function shortenUrl(url: string): string {
  return url.replace(/^file:\/\//, '').replace(`${ROOT}/`, '');
}

function positiveNumber(flag: string, text: string | undefined, allowZero = false): number {
  const value = Number(text);
  if (text === undefined || !Number.isFinite(value) || value < 0 || (!allowZero && value === 0)) {
    throw new Error(`Invalid ${flag} ${JSON.stringify(text)}: expected a number ${allowZero ? '>= 0' : '> 0'}.`);
  }
  return value;
}

main().catch((error: unknown) => {
  console.error(`Profile failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});
