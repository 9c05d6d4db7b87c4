/**
 * One phase of the request matrix: a stand-in with a fixed delay, the connector and
 * Portkey's gateway in front of it, and every target at every concurrency. Cells of one
 * concurrency run back to back, so that drift of the shared machine hits all targets alike.
 * A phase may end with paced cells, which send at a fixed rate below the gateways' capacity.
 */

import type { ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { runLoad, type LatencySummary, type LoadRequest } from './load.ts';
import { readCpuSeconds } from './cpu.ts';
import { readPeakRssMb, resetPeakRss } from './memory.ts';
import { FLOW_JSON } from './paths.ts';
import { portkeyHeaders } from './portkey-check.ts';
import { buildRecords, medianRow, type RoutedRecord } from './data.ts';
import { hasExited, STAND_IN_KEY, type ConnectorProcess, type GatewayProcess, type StandInProcess } from './servers.ts';

export const TARGETS = ['direct', 'keyroute-inference', 'portkey', 'keyroute-flow-run'] as const;
export type Target = (typeof TARGETS)[number];

/** Targets of the paced cells: the two gateways and direct, the baseline of their added latency. */
export const PACED_TARGETS = ['direct', 'keyroute-inference', 'portkey'] as const satisfies readonly Target[];

export const TARGET_DESCRIPTIONS: Record<Target, string> = {
  direct: 'autocannon -> stand-in: the chat completion the connector sends for the example AI node, sent straight upstream',
  'keyroute-inference': 'autocannon -> Keyroute POST /v1/inference (one record, example AI node config, org token) -> stand-in',
  portkey: 'autocannon -> Portkey gateway (provider openai, custom host = stand-in) -> stand-in, same body as direct',
  'keyroute-flow-run': 'autocannon -> Keyroute POST /v1/flows/run (200 records of real inquiries through the example flow) -> one stand-in call per record',
};

export interface CellResult {
  phase: string;
  upstreamDelayMs: number;
  target: Target;
  connections: number;
  durationSec: number;
  /**
   * Offered rate of a paced cell over all its connections, in requests per second, sent
   * at evenly spaced times. Null for a closed-loop cell, where each connection sends its
   * next request as soon as the previous response arrives.
   */
  offeredRatePerSec: number | null;
  /** 2xx responses in the measured time. */
  requests: number;
  requestsPerSec: number;
  /** Records routed per second: requests per second times records per request. */
  recordsPerSec: number;
  /**
   * Chat completions the stand-in received per second while the load ran: the records the
   * gateway processed, counting those of requests that had not finished when the cell ended.
   * For /v1/flows/run at high concurrency this is the steadier figure, because all runs
   * progress together and finish in waves.
   */
  upstreamCallsPerSec: number;
  latencyMs: LatencySummary;
  errors: { non2xx: number; socket: number; timeouts: number; badBodies: number };
  /** Peak RSS of the gateway process during the cell (connector or Portkey), in MB; null for direct. */
  peakRssMb: number | null;
  /**
   * CPU time of the gateway process per upstream call, in ms: its CPU from the start of
   * the cell until the stand-in is idle, over the chat completions the stand-in received
   * meanwhile (one per record). Null for direct.
   */
  gatewayCpuMsPerCall: number | null;
  /** True when the gateway process had ended by the end of the cell (a crash); the phase stops there. */
  gatewayExited: boolean;
}

export interface PhaseOptions {
  name: string;
  upstreamDelayMs: number;
  concurrencies: number[];
  durationSec: number;
  /** Cells of /v1/flows/run last longer: one request routes many records, so fewer finish per second. */
  flowRunDurationSec: number;
  warmupSec: number;
  flowRunRecords: number;
  rows: Record<string, string>[];
  standIn: StandInProcess;
  connector: ConnectorProcess;
  portkey: GatewayProcess;
  /** Whether the phase ends with paced cells of PACED_TARGETS at its highest concurrency. */
  pacedCells: boolean;
  onCell?: (cell: CellResult) => void;
  /** Called with the chosen rate before the first paced cell. */
  onOfferedRate?: (rate: OfferedRate) => void;
}

/** The offered rate of a phase's paced cells and the closed-loop cell it was derived from. */
export interface OfferedRate {
  phase: string;
  connections: number;
  ratePerSec: number;
  /** The slower of Keyroute /v1/inference and Portkey in the closed-loop cells at `connections`. */
  basisTarget: Target;
  basisRequestsPerSec: number;
}

export interface PreparedRequests {
  /** Every target but Portkey, whose request runPhase derives from the direct one. */
  requests: Record<Exclude<Target, 'portkey'>, LoadRequest>;
  /** The captured upstream body, for the Portkey check. */
  directBody: string;
}

/**
 * Builds the four requests. The direct body is the one the connector itself sent for the
 * single record, read back from the stand-in's recorded requests, so all targets carry
 * the same chat completion.
 */
export async function prepareRequests(
  options: Pick<PhaseOptions, 'rows' | 'standIn' | 'connector' | 'flowRunRecords'>,
): Promise<PreparedRequests> {
  const { connector, standIn } = options;
  const flow = JSON.parse(readFileSync(FLOW_JSON, 'utf8')) as { nodes: Array<{ id: string; type: string; config?: unknown }> };
  const aiNode = flow.nodes.find((node) => node.type === 'ai_inference');
  if (aiNode === undefined) {
    throw new Error(`${FLOW_JSON} has no ai_inference node to benchmark.`);
  }

  const validation = await connector.client.send<{ valid: boolean; fieldsRead: string[] }>('POST', '/v1/flows/validate', { definition: flow });
  if (!validation.valid) {
    throw new Error(`The example flow ${FLOW_JSON} is invalid; run POST /v1/flows/validate for its problems.`);
  }
  const [single] = buildRecords([medianRow(options.rows)], validation.fieldsRead, 1);
  const inferenceBody = JSON.stringify({ config: aiNode.config, record: single as RoutedRecord, source: { nodeId: aiNode.id } });
  const flowRunBody = JSON.stringify({ definition: flow, records: buildRecords(options.rows, validation.fieldsRead, options.flowRunRecords) });

  const probe = await connector.client.send<{ inference: { outcome: string; errorCode: string | null } }>('POST', '/v1/inference', JSON.parse(inferenceBody));
  if (probe.inference.outcome !== 'ok') {
    throw new Error(`The probe inference through the connector failed with ${probe.inference.errorCode}; see ${connector.logPath}.`);
  }
  const captured = (await standIn.recordedChatBodies()).at(-1);
  if (captured === undefined || (captured.response_format as { type?: string } | undefined)?.type !== 'json_schema') {
    throw new Error('The stand-in recorded no structured-output chat completion from the connector.');
  }
  const directBody = JSON.stringify(captured);

  return {
    directBody,
    requests: {
      direct: {
        url: `${standIn.baseUrl}/chat/completions`,
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${STAND_IN_KEY}` },
        body: directBody,
        verifyBody: (body) => body.includes('"finish_reason":"stop"'),
      },
      'keyroute-inference': {
        url: new URL('/v1/inference', connector.url).href,
        method: 'POST',
        headers: connector.client.headers(),
        body: inferenceBody,
        verifyBody: (body) => body.includes('"outcome":"ok"'),
      },
      'keyroute-flow-run': {
        url: new URL('/v1/flows/run', connector.url).href,
        method: 'POST',
        headers: connector.client.headers(),
        body: flowRunBody,
        // Every record must reach the AI node's success edge.
        verifyBody: (body) => !body.includes('"outcome":"error"') && !body.includes('"outcome":"timeout"') && !body.includes('"status":"failed"'),
      },
    },
  };
}

/**
 * Runs every target at every concurrency of the phase in closed loop, then, with
 * `pacedCells`, the paced cells. It stops after a cell whose gateway process ended.
 */
export async function runPhase(options: PhaseOptions, prepared: PreparedRequests): Promise<CellResult[]> {
  const cells: CellResult[] = [];
  const processes = describeTargets(options, prepared);
  // Returns whether the gateway process still runs after the cell.
  const measureCell = async (target: Target, connections: number, offeredRatePerSec: number | null): Promise<boolean> => {
    const cell = await runCell(options, processes, target, connections, offeredRatePerSec);
    cells.push(cell);
    options.onCell?.(cell);
    return !cell.gatewayExited;
  };

  for (const connections of options.concurrencies) {
    for (const target of TARGETS) {
      const gatewayRunning = await measureCell(target, connections, null);
      if (!gatewayRunning) return cells;
    }
  }

  if (!options.pacedCells) return cells;
  const offeredRate = chooseOfferedRate(cells, options.name, Math.max(...options.concurrencies));
  if (offeredRate === null) {
    throw new Error(`Cannot derive the paced rate of phase ${options.name}: its closed-loop cells of keyroute-inference and portkey are missing.`);
  }
  options.onOfferedRate?.(offeredRate);
  await waitUpstreamQuiet(options.standIn);
  for (const target of PACED_TARGETS) {
    const gatewayRunning = await measureCell(target, offeredRate.connections, offeredRate.ratePerSec);
    if (!gatewayRunning) return cells;
  }
  return cells;
}

/**
 * Chooses the offered rate of a phase's paced cells: half of the lower closed-loop rate of
 * Keyroute /v1/inference and Portkey at `connections`, rounded down to a multiple of 10 and
 * at least 10. Both gateways then run at about half their capacity or less, whatever the
 * machine. Returns null when either closed-loop cell is missing.
 */
export function chooseOfferedRate(cells: CellResult[], phase: string, connections: number): OfferedRate | null {
  const basisCells = (['keyroute-inference', 'portkey'] as const).map((target) =>
    cells.find((cell) => cell.phase === phase && cell.connections === connections && cell.target === target && cell.offeredRatePerSec === null),
  );
  if (basisCells.some((cell) => cell === undefined)) return null;

  const slowest = (basisCells as CellResult[]).reduce((slower, cell) => (cell.requestsPerSec < slower.requestsPerSec ? cell : slower));
  return {
    phase,
    connections,
    ratePerSec: Math.max(10, Math.floor(slowest.requestsPerSec / 2 / 10) * 10),
    basisTarget: slowest.target,
    basisRequestsPerSec: slowest.requestsPerSec,
  };
}

/** The request of each target and the gateway process that serves it (none for direct). */
interface TargetProcesses {
  requests: Record<Target, LoadRequest>;
  gatewayChild: Record<Target, ChildProcess | null>;
  gatewayPid: Record<Target, number | null>;
}

function describeTargets(options: PhaseOptions, prepared: PreparedRequests): TargetProcesses {
  return {
    requests: {
      ...prepared.requests,
      portkey: {
        ...prepared.requests.direct,
        url: `${options.portkey.url}/v1/chat/completions`,
        headers: portkeyHeaders(options.standIn, STAND_IN_KEY),
      },
    },
    gatewayChild: {
      direct: null,
      'keyroute-inference': options.connector.process.child,
      'keyroute-flow-run': options.connector.process.child,
      portkey: options.portkey.child,
    },
    gatewayPid: {
      direct: null,
      'keyroute-inference': options.connector.pid,
      'keyroute-flow-run': options.connector.pid,
      portkey: options.portkey.pid,
    },
  };
}

/**
 * Runs one cell: warm-up with the same settings, then the measured load, with the gateway's
 * peak RSS and its CPU time until the stand-in is idle. `offeredRatePerSec` null is a
 * closed loop.
 */
async function runCell(
  options: PhaseOptions,
  processes: TargetProcesses,
  target: Target,
  connections: number,
  offeredRatePerSec: number | null,
): Promise<CellResult> {
  const request = processes.requests[target];
  const isFlowRun = target === 'keyroute-flow-run';
  const durationSec = isFlowRun ? options.flowRunDurationSec : options.durationSec;
  // A 200-record run at 100 connections queues 20,000 upstream calls, so it gets a long timeout.
  const timeoutSec = isFlowRun ? 300 : 60;
  const pacing = offeredRatePerSec === null ? {} : { ratePerSec: offeredRatePerSec };

  if (options.warmupSec > 0) {
    await runLoad(request, { connections, durationSec: options.warmupSec, timeoutSec, ...pacing });
    await options.standIn.waitIdle();
  }

  const pid = processes.gatewayPid[target];
  if (pid !== null) resetPeakRss(pid);
  const callsBefore = chatCompletions(await options.standIn.stats());
  const cpuBefore = pid === null ? null : readCpuSeconds(pid);
  const load = await runLoad(request, { connections, durationSec, timeoutSec, ...pacing });
  const peakRssMb = pid === null ? null : readPeakRssMb(pid);
  const callsDuringLoad = chatCompletions(await options.standIn.stats()) - callsBefore;
  // Requests cut off at the end of the cell still run upstream; the next cell starts after them.
  await options.standIn.waitIdle();
  const cpuAfter = pid === null ? null : readCpuSeconds(pid);
  const calls = chatCompletions(await options.standIn.stats()) - callsBefore;
  const gatewayCpuMsPerCall = cpuBefore === null || cpuAfter === null || calls === 0 ? null : ((cpuAfter - cpuBefore) * 1000) / calls;

  const recordsPerRequest = isFlowRun ? options.flowRunRecords : 1;
  const gatewayChild = processes.gatewayChild[target];
  return {
    phase: options.name,
    upstreamDelayMs: options.upstreamDelayMs,
    target,
    connections,
    durationSec,
    offeredRatePerSec,
    requests: load.requests,
    requestsPerSec: load.requestsPerSec,
    recordsPerSec: load.requestsPerSec * recordsPerRequest,
    upstreamCallsPerSec: load.elapsedSec > 0 ? callsDuringLoad / load.elapsedSec : 0,
    latencyMs: load.latencyMs,
    errors: { non2xx: load.non2xx, socket: load.socketErrors, timeouts: load.timeouts, badBodies: load.badBodies },
    peakRssMb,
    gatewayCpuMsPerCall,
    gatewayExited: gatewayChild !== null && hasExited(gatewayChild),
  };
}

/**
 * Waits until the stand-in has received no chat completion for `quietMs`. The connector
 * keeps working through the flow runs that the previous closed-loop cell cut off, and
 * between their calls the stand-in can look idle to `waitIdle`. Those calls would count
 * in the next cell's calls/s and compete with it for CPU.
 */
async function waitUpstreamQuiet(standIn: StandInProcess, quietMs = 500, timeoutMs = 300_000): Promise<void> {
  const pollMs = 100;
  const deadline = Date.now() + timeoutMs;
  let lastCount = chatCompletions(await standIn.stats());
  let quietSinceMs = Date.now();
  while (Date.now() - quietSinceMs < quietMs) {
    if (Date.now() > deadline) {
      throw new Error(`Timed out after ${timeoutMs / 1000} s waiting for the stand-in to stop receiving chat completions before the paced cells.`);
    }
    await sleep(pollMs);
    const count = chatCompletions(await standIn.stats());
    if (count !== lastCount) {
      lastCount = count;
      quietSinceMs = Date.now();
    }
  }
  await standIn.waitIdle();
}

function chatCompletions(stats: Awaited<ReturnType<StandInProcess['stats']>>): number {
  return stats.byPath['POST /v1/chat/completions']?.requests ?? 0;
}
