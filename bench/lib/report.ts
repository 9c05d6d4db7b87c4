/** Derived figures, targets and the printed table of a benchmark run. */

import type { CellResult, OfferedRate, Target } from './matrix.ts';
import { chooseOfferedRate, PACED_TARGETS, TARGET_DESCRIPTIONS, TARGETS } from './matrix.ts';
import type { PortkeyCheck } from './portkey-check.ts';
import type { RateCeilingResult } from './rate-ceiling.ts';

export interface Derived {
  phase: string;
  upstreamDelayMs: number;
  connections: number;
  /** Keyroute /v1/inference latency minus direct latency, in ms. */
  keyrouteAddedP50Ms: number;
  keyrouteAddedP99Ms: number;
  portkeyAddedP50Ms: number;
  portkeyAddedP99Ms: number;
  /** Keyroute /v1/inference requests per second over direct requests per second. */
  keyrouteThroughputVsDirect: number;
  keyrouteThroughputVsPortkey: number;
  /** Keyroute's added p50 latency over Portkey's; null when Portkey added under 0.05 ms, where the ratio is noise. */
  keyrouteAddedLatencyVsPortkey: number | null;
  /** Records processed per second through /v1/flows/run (upstream calls per second) over direct requests per second. */
  flowRunCallsVsDirect: number;
  /** Connector CPU per /v1/inference call over Portkey CPU per call; null when either is unknown. */
  keyrouteCpuVsPortkey: number | null;
}

/** Added latency of the gateways in the paced cells of one phase, all at the same offered rate. */
export interface PacedDerived {
  phase: string;
  upstreamDelayMs: number;
  connections: number;
  offeredRatePerSec: number;
  /** The closed-loop cell the offered rate was derived from, or null when that cell is missing from the results. */
  offeredRateBasis: { target: Target; requestsPerSec: number } | null;
  /** 2xx responses per second that each paced target achieved. */
  achievedRequestsPerSec: Record<(typeof PACED_TARGETS)[number], number>;
  /** Keyroute /v1/inference latency minus direct latency at the same offered rate, in ms. */
  keyrouteAddedP50Ms: number;
  keyrouteAddedP99Ms: number;
  portkeyAddedP50Ms: number;
  portkeyAddedP99Ms: number;
  /** Keyroute's added p50 latency over Portkey's, or null when Portkey added under 0.05 ms, where the ratio is noise. */
  keyrouteAddedLatencyVsPortkey: number | null;
}

export interface TargetCheck {
  name: string;
  target: string;
  value: string;
  met: boolean;
}

export interface BenchmarkPhaseInfo {
  name: string;
  upstreamDelayMs: number;
  durationSec: number;
  flowRunDurationSec: number;
  warmupSec: number;
  /** Whether the phase ends with paced cells at its highest concurrency (bench/lib/matrix.ts). */
  pacedCells: boolean;
}

/** Derives the ratios of the closed-loop cells per phase and concurrency. derivePaced covers the paced cells. */
export function derive(cells: CellResult[]): Derived[] {
  const derived: Derived[] = [];
  const closedLoopCells = cells.filter((cell) => cell.offeredRatePerSec === null);
  const keys = new Set(closedLoopCells.map((cell) => `${cell.phase}|${cell.connections}`));
  for (const key of keys) {
    const [phase, connectionsText] = key.split('|') as [string, string];
    const connections = Number(connectionsText);
    const find = (target: Target): CellResult | undefined =>
      closedLoopCells.find((cell) => cell.phase === phase && cell.connections === connections && cell.target === target);
    const direct = find('direct');
    const keyroute = find('keyroute-inference');
    const portkey = find('portkey');
    const flowRun = find('keyroute-flow-run');
    if (!direct || !keyroute || !portkey || !flowRun) continue;

    const portkeyAddedP50Ms = portkey.latencyMs.p50 - direct.latencyMs.p50;
    const keyrouteAddedP50Ms = keyroute.latencyMs.p50 - direct.latencyMs.p50;
    derived.push({
      phase,
      upstreamDelayMs: direct.upstreamDelayMs,
      connections,
      keyrouteAddedP50Ms,
      keyrouteAddedP99Ms: keyroute.latencyMs.p99 - direct.latencyMs.p99,
      portkeyAddedP50Ms,
      portkeyAddedP99Ms: portkey.latencyMs.p99 - direct.latencyMs.p99,
      keyrouteThroughputVsDirect: ratio(keyroute.requestsPerSec, direct.requestsPerSec),
      keyrouteThroughputVsPortkey: ratio(keyroute.requestsPerSec, portkey.requestsPerSec),
      keyrouteAddedLatencyVsPortkey: addedLatencyRatio(keyrouteAddedP50Ms, portkeyAddedP50Ms),
      flowRunCallsVsDirect: ratio(flowRun.upstreamCallsPerSec, direct.requestsPerSec),
      keyrouteCpuVsPortkey:
        keyroute.gatewayCpuMsPerCall === null || portkey.gatewayCpuMsPerCall === null || portkey.gatewayCpuMsPerCall === 0
          ? null
          : keyroute.gatewayCpuMsPerCall / portkey.gatewayCpuMsPerCall,
    });
  }
  return derived;
}

/** Derives the gateways' added latency from the paced cells, per phase, concurrency and offered rate. */
export function derivePaced(cells: CellResult[]): PacedDerived[] {
  const derived: PacedDerived[] = [];
  const pacedCells = cells.filter((cell) => cell.offeredRatePerSec !== null);
  const keys = new Set(pacedCells.map((cell) => `${cell.phase}|${cell.connections}|${cell.offeredRatePerSec}`));
  for (const key of keys) {
    const [phase, connectionsText, rateText] = key.split('|') as [string, string, string];
    const connections = Number(connectionsText);
    const offeredRatePerSec = Number(rateText);
    const find = (target: Target): CellResult | undefined =>
      pacedCells.find((cell) => cell.phase === phase && cell.connections === connections && cell.offeredRatePerSec === offeredRatePerSec && cell.target === target);
    const direct = find('direct');
    const keyroute = find('keyroute-inference');
    const portkey = find('portkey');
    if (!direct || !keyroute || !portkey) continue;

    const basis = chooseOfferedRate(cells, phase, connections);
    const keyrouteAddedP50Ms = keyroute.latencyMs.p50 - direct.latencyMs.p50;
    const portkeyAddedP50Ms = portkey.latencyMs.p50 - direct.latencyMs.p50;
    derived.push({
      phase,
      upstreamDelayMs: direct.upstreamDelayMs,
      connections,
      offeredRatePerSec,
      offeredRateBasis: basis === null ? null : { target: basis.basisTarget, requestsPerSec: basis.basisRequestsPerSec },
      achievedRequestsPerSec: { direct: direct.requestsPerSec, 'keyroute-inference': keyroute.requestsPerSec, portkey: portkey.requestsPerSec },
      keyrouteAddedP50Ms,
      keyrouteAddedP99Ms: keyroute.latencyMs.p99 - direct.latencyMs.p99,
      portkeyAddedP50Ms,
      portkeyAddedP99Ms: portkey.latencyMs.p99 - direct.latencyMs.p99,
      keyrouteAddedLatencyVsPortkey: addedLatencyRatio(keyrouteAddedP50Ms, portkeyAddedP50Ms),
    });
  }
  return derived;
}

function ratio(a: number, b: number): number {
  return b > 0 ? a / b : 0;
}

function addedLatencyRatio(keyrouteAddedMs: number, portkeyAddedMs: number): number | null {
  return portkeyAddedMs < 0.05 ? null : keyrouteAddedMs / portkeyAddedMs;
}

/**
 * Compares the figures with the targets, which are printed beside them and fail nothing.
 * Overhead targets read the phase with 0 ms upstream delay, in closed loop and paced,
 * throughput targets the phase with the long delay, all at the highest concurrency.
 */
export function checkTargets(cells: CellResult[], derived: Derived[], pacedDerived: PacedDerived[], rate: RateCeilingResult): TargetCheck[] {
  const topConnections = Math.max(...derived.map((entry) => entry.connections));
  const overhead = derived.find((entry) => entry.phase === 'overhead' && entry.connections === topConnections);
  const overheadPaced = pacedDerived.find((entry) => entry.phase === 'overhead' && entry.connections === topConnections);
  const throughput = derived.find((entry) => entry.phase === 'throughput' && entry.connections === topConnections);
  const connectorPeaks = cells
    .filter((cell) => cell.target.startsWith('keyroute'))
    .map((cell) => cell.peakRssMb ?? 0)
    .concat(rate.connectorPeakRssMb ?? 0);
  const connectorPeak = Math.max(...connectorPeaks);
  const errors = cells.reduce((sum, cell) => sum + cell.errors.non2xx + cell.errors.socket + cell.errors.timeouts + cell.errors.badBodies, 0);
  const checks: TargetCheck[] = [];

  if (overhead) {
    checks.push({
      name: `added latency p50, ${topConnections} connections, ${overhead.upstreamDelayMs} ms upstream, closed loop (saturated)`,
      target: '<= 1 ms',
      value: `${fixed(overhead.keyrouteAddedP50Ms, 2)} ms`,
      met: overhead.keyrouteAddedP50Ms <= 1,
    });
    checks.push({
      name: `added latency p99, ${topConnections} connections, ${overhead.upstreamDelayMs} ms upstream, closed loop (saturated)`,
      target: '<= 5 ms',
      value: `${fixed(overhead.keyrouteAddedP99Ms, 2)} ms`,
      met: overhead.keyrouteAddedP99Ms <= 5,
    });
  }
  if (overheadPaced) {
    const condition = `${topConnections} connections, ${overheadPaced.upstreamDelayMs} ms upstream, paced at ${overheadPaced.offeredRatePerSec} req/s`;
    checks.push({
      name: `added latency p50, ${condition}`,
      target: '<= 1 ms',
      value: `${fixed(overheadPaced.keyrouteAddedP50Ms, 2)} ms`,
      met: overheadPaced.keyrouteAddedP50Ms <= 1,
    });
    checks.push({
      name: `added latency p99, ${condition}`,
      target: '<= 5 ms',
      value: `${fixed(overheadPaced.keyrouteAddedP99Ms, 2)} ms`,
      met: overheadPaced.keyrouteAddedP99Ms <= 5,
    });
  }
  if (throughput) {
    checks.push({
      name: `throughput / direct, ${topConnections} connections, ${throughput.upstreamDelayMs} ms upstream`,
      target: '>= 90 %',
      value: percent(throughput.keyrouteThroughputVsDirect),
      met: throughput.keyrouteThroughputVsDirect >= 0.9,
    });
    checks.push({
      name: `throughput / Portkey, ${topConnections} connections, ${throughput.upstreamDelayMs} ms upstream`,
      target: '>= 100 %',
      value: percent(throughput.keyrouteThroughputVsPortkey),
      met: throughput.keyrouteThroughputVsPortkey >= 1,
    });
  }
  checks.push({ name: 'connector peak RSS, all cells and the routing run', target: '<= 150 MB', value: `${fixed(connectorPeak, 1)} MB`, met: connectorPeak <= 150 });
  checks.push({
    name: `routing at a ${rate.ceilingRpm} rpm ceiling, share of the ceiling after the burst`,
    target: '>= 95 %',
    value: rate.shareOfCeiling === null ? 'ceiling never bound' : percent(rate.shareOfCeiling),
    met: rate.shareOfCeiling !== null && rate.shareOfCeiling >= 0.95,
  });
  checks.push({ name: 'routing at the ceiling, records failed', target: '0', value: String(rate.recordsFailed), met: rate.recordsFailed === 0 });
  checks.push({ name: 'request matrix, errors of any kind', target: '0', value: String(errors), met: errors === 0 });
  return checks;
}

export function fixed(value: number, digits: number): string {
  return value.toFixed(digits);
}

export function percent(value: number): string {
  return `${(value * 100).toFixed(1)} %`;
}

function pad(text: string, width: number, alignRight = true): string {
  return alignRight ? text.padStart(width) : text.padEnd(width);
}

export function formatCell(cell: CellResult): string {
  const errors = cell.errors.non2xx + cell.errors.socket + cell.errors.timeouts + cell.errors.badBodies;
  return [
    pad(cell.target, 19, false),
    pad(String(cell.connections), 5),
    pad(fixed(cell.requestsPerSec, 1), 9),
    pad(fixed(cell.recordsPerSec, 1), 10),
    pad(fixed(cell.upstreamCallsPerSec, 1), 9),
    pad(fixed(cell.latencyMs.p50, 2), 9),
    pad(fixed(cell.latencyMs.p99, 2), 9),
    pad(fixed(cell.latencyMs.max, 2), 9),
    pad(String(cell.requests), 7),
    pad(String(errors), 6),
    pad(cell.peakRssMb === null ? '-' : fixed(cell.peakRssMb, 1), 8),
    pad(cell.gatewayCpuMsPerCall === null ? '-' : fixed(cell.gatewayCpuMsPerCall, 3), 9),
    cell.gatewayExited ? '  the gateway process ENDED during this cell; the rest of the phase is skipped' : '',
    cell.offeredRatePerSec === null ? '' : describeAchievedRate(cell.requestsPerSec, cell.offeredRatePerSec),
  ].join('  ');
}

/** Below 90 % of the offered rate, the gateway or the load generator could not keep up, and the cell measured queueing. */
function describeAchievedRate(requestsPerSec: number, offeredRatePerSec: number): string {
  const share = requestsPerSec / offeredRatePerSec;
  const warning = share < 0.9 ? ', BELOW the offered rate: latency includes queueing' : '';
  return `  paced: ${percent(share)} of ${offeredRatePerSec} req/s offered${warning}`;
}

export const CELL_HEADER = [
  pad('target', 19, false),
  pad('conns', 5),
  pad('req/s', 9),
  pad('records/s', 10),
  pad('calls/s', 9),
  pad('p50 ms', 9),
  pad('p99 ms', 9),
  pad('max ms', 9),
  pad('ok', 7),
  pad('errors', 6),
  pad('RSS MB', 8),
  pad('CPU ms/call', 9),
].join('  ');

export function printPhaseHeader(phase: BenchmarkPhaseInfo): void {
  console.log(
    `\n== ${phase.name}: stand-in delay ${phase.upstreamDelayMs} ms; ${phase.durationSec} s per cell ` +
      `(${phase.flowRunDurationSec} s for flow runs) after ${phase.warmupSec} s of warm-up`,
  );
  console.log(CELL_HEADER);
}

export function printOfferedRate(rate: OfferedRate): void {
  console.log(
    `\n-- ${rate.phase}, paced: ${rate.connections} connections with ${rate.ratePerSec} req/s offered over all of them, ` +
      'sent at evenly spaced times (same warm-up and duration per cell)',
  );
  console.log(
    `   ${rate.ratePerSec} req/s = half of ${rate.basisTarget}'s ${fixed(rate.basisRequestsPerSec, 1)} req/s, the lower closed-loop rate of ` +
      `keyroute-inference and portkey at ${rate.connections} connections, rounded down to a multiple of 10 (at least 10)`,
  );
  console.log(CELL_HEADER);
}

export function printDescriptions(): void {
  console.log('What each target measures:');
  for (const target of TARGETS) {
    console.log(`  ${target.padEnd(19)} ${TARGET_DESCRIPTIONS[target]}`);
  }
  console.log('  records/s counts records of finished requests; calls/s counts the chat completions the stand-in received meanwhile,');
  console.log('  unfinished requests included (all 200-record runs progress together, so runs finish in waves).');
  console.log('  RSS MB is the peak resident memory (VmHWM) of the gateway process (connector or Portkey) during the cell;');
  console.log('  CPU ms/call is its CPU time per upstream call (per record), from the start of the cell until the stand-in is idle.');
}

export function printDerived(derived: Derived[]): void {
  console.log('\n== Derived (Keyroute = POST /v1/inference; added = gateway latency minus direct latency)');
  console.log(
    [
      pad('phase', 10, false),
      pad('conns', 5),
      pad('KR +p50', 8),
      pad('KR +p99', 8),
      pad('PK +p50', 8),
      pad('PK +p99', 8),
      pad('KR/direct', 9),
      pad('KR/PK rps', 9),
      pad('KR+/PK+', 8),
      pad('flow calls/s / direct', 21),
      pad('KR/PK CPU', 9),
    ].join('  '),
  );
  for (const entry of derived) {
    console.log(
      [
        pad(entry.phase, 10, false),
        pad(String(entry.connections), 5),
        pad(fixed(entry.keyrouteAddedP50Ms, 2), 8),
        pad(fixed(entry.keyrouteAddedP99Ms, 2), 8),
        pad(fixed(entry.portkeyAddedP50Ms, 2), 8),
        pad(fixed(entry.portkeyAddedP99Ms, 2), 8),
        pad(percent(entry.keyrouteThroughputVsDirect), 9),
        pad(percent(entry.keyrouteThroughputVsPortkey), 9),
        pad(entry.keyrouteAddedLatencyVsPortkey === null ? 'n/a' : fixed(entry.keyrouteAddedLatencyVsPortkey, 2), 8),
        pad(percent(entry.flowRunCallsVsDirect), 21),
        pad(entry.keyrouteCpuVsPortkey === null ? 'n/a' : fixed(entry.keyrouteCpuVsPortkey, 2), 9),
      ].join('  '),
    );
  }
}

export function printPacedDerived(derived: PacedDerived[]): void {
  console.log('\n== Paced latency (Keyroute = POST /v1/inference; added = gateway latency minus direct latency at the same offered rate)');
  console.log(
    [
      pad('phase', 10, false),
      pad('conns', 5),
      pad('offered', 7),
      pad('achieved direct / KR / PK', 25),
      pad('KR +p50', 8),
      pad('KR +p99', 8),
      pad('PK +p50', 8),
      pad('PK +p99', 8),
      pad('KR+/PK+', 8),
    ].join('  '),
  );
  for (const entry of derived) {
    const achieved = PACED_TARGETS.map((target) => fixed(entry.achievedRequestsPerSec[target], 1)).join(' / ');
    console.log(
      [
        pad(entry.phase, 10, false),
        pad(String(entry.connections), 5),
        pad(String(entry.offeredRatePerSec), 7),
        pad(achieved, 25),
        pad(fixed(entry.keyrouteAddedP50Ms, 2), 8),
        pad(fixed(entry.keyrouteAddedP99Ms, 2), 8),
        pad(fixed(entry.portkeyAddedP50Ms, 2), 8),
        pad(fixed(entry.portkeyAddedP99Ms, 2), 8),
        pad(entry.keyrouteAddedLatencyVsPortkey === null ? 'n/a' : fixed(entry.keyrouteAddedLatencyVsPortkey, 2), 8),
      ].join('  '),
    );
  }
}

export function printRateCeiling(rate: RateCeilingResult): void {
  console.log(`\n== Routing against a rate ceiling: ${rate.ceilingRpm} requests/min, stand-in delay ${rate.upstreamDelayMs} ms`);
  console.log(
    `  ${rate.records} records in ${Math.ceil(rate.records / rate.callSize)} calls of POST /v1/flows/run (${rate.callSize} records each, ${rate.parallelCalls} at a time)`,
  );
  console.log(`  total time           ${fixed(rate.totalSec, 1)} s`);
  console.log(`  achieved rate        ${fixed(rate.achievedRpm, 0)} requests/min over the whole run (first ${rate.burstRequests} pass at once: the bucket starts full)`);
  console.log(
    `  share of ceiling     ${rate.shareOfCeiling === null ? 'n/a (the run fit in the initial burst)' : percent(rate.shareOfCeiling)} of the ceiling's rate after the burst`,
  );
  console.log(`  upstream requests    ${rate.upstreamRequests}, of which 429: ${rate.upstream429}; retries by the connector: ${rate.retries}`);
  const errorList = Object.entries(rate.inferenceErrors)
    .map(([code, count]) => `${code} ${count}`)
    .join(', ');
  console.log(`  records routed       ${rate.recordsRouted}; failed ${rate.recordsFailed}${errorList === '' ? '' : ` (${errorList})`}; HTTP errors ${rate.httpErrors}`);
  console.log(`  connector peak RSS   ${rate.connectorPeakRssMb === null ? '-' : `${fixed(rate.connectorPeakRssMb, 1)} MB`}`);
}

export function printTargets(checks: TargetCheck[]): void {
  console.log('\n== Targets (reported, not enforced)');
  for (const check of checks) {
    console.log(`  ${check.met ? 'met   ' : 'MISSED'}  ${check.name.padEnd(84)} ${check.value.padStart(20)}  (target ${check.target})`);
  }
}

export function printPortkeyCheck(check: PortkeyCheck): void {
  console.log(`\nPortkey check (${check.passed ? 'passed' : 'FAILED'}, ${fixed(check.observedSec, 1)} s under strace): ${check.summary}`);
}
