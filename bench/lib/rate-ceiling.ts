/**
 * Routing throughput against a provider rate ceiling: real inquiry records go through the
 * example flow in 200-record calls of POST /v1/flows/run, several calls at once as
 * Salesforce's queueable jobs would send them, to a stand-in that enforces a
 * requests-per-minute ceiling and answers after a fixed delay.
 */

import { readFileSync } from 'node:fs';
import { readPeakRssMb, resetPeakRss } from './memory.ts';
import { FLOW_JSON } from './paths.ts';
import { buildRecords, type RoutedRecord } from './data.ts';
import type { ConnectorProcess, StandInProcess } from './servers.ts';

export interface RateCeilingOptions {
  ceilingRpm: number;
  upstreamDelayMs: number;
  records: number;
  callSize: number;
  parallelCalls: number;
  rows: Record<string, string>[];
  standIn: StandInProcess;
  connector: ConnectorProcess;
}

export interface RateCeilingResult {
  ceilingRpm: number;
  upstreamDelayMs: number;
  records: number;
  callSize: number;
  parallelCalls: number;
  totalSec: number;
  /** Successful upstream calls per minute over the whole run. */
  achievedRpm: number;
  /**
   * The stand-in's bucket starts full with one minute's worth of requests (as OpenAI's
   * does), so that many pass at once before the ceiling binds.
   */
  burstRequests: number;
  /**
   * Successful upstream calls beyond the initial burst, over what the ceiling's rate admits
   * in the run's time: (ok - burst) / (rate x time). 1 means the ceiling was used fully;
   * null when the run fit inside the burst, so the ceiling never bound.
   */
  shareOfCeiling: number | null;
  upstreamRequests: number;
  upstream429: number;
  recordsRouted: number;
  /** Records whose run failed, or whose AI node took its error or timeout edge. */
  recordsFailed: number;
  inferenceErrors: Record<string, number>;
  /** Upstream attempts beyond the first, summed over records. */
  retries: number;
  httpErrors: number;
  connectorPeakRssMb: number | null;
}

interface RunResponse {
  results: Array<{ status: string; inferences: Array<{ outcome: string; errorCode: string | null; attempts: number }> }>;
}

export async function runRateCeiling(options: RateCeilingOptions): Promise<RateCeilingResult> {
  const { connector, standIn } = options;
  const flow = JSON.parse(readFileSync(FLOW_JSON, 'utf8')) as unknown;
  const validation = await connector.client.send<{ fieldsRead: string[] }>('POST', '/v1/flows/validate', { definition: flow });
  const records = buildRecords(options.rows, validation.fieldsRead, options.records);
  const calls: RoutedRecord[][] = [];
  for (let offset = 0; offset < records.length; offset += options.callSize) {
    calls.push(records.slice(offset, offset + options.callSize));
  }

  // A fresh stand-in state: full rate-limit bucket, zero counters.
  const reset = await fetch(`${standIn.origin}/_stand-in/reset`, { method: 'POST' });
  await reset.text();
  resetPeakRss(connector.pid);

  let recordsRouted = 0;
  let recordsFailed = 0;
  let retries = 0;
  let httpErrors = 0;
  const inferenceErrors: Record<string, number> = {};
  let nextCall = 0;

  const worker = async (): Promise<void> => {
    while (nextCall < calls.length) {
      const batch = calls[nextCall]!;
      nextCall += 1;
      const response = await fetch(new URL('/v1/flows/run', connector.url), {
        method: 'POST',
        headers: connector.client.headers(),
        body: JSON.stringify({ definition: flow, records: batch }),
      });
      if (!response.ok) {
        httpErrors += 1;
        recordsFailed += batch.length;
        await response.text();
        continue;
      }
      const run = (await response.json()) as RunResponse;
      for (const result of run.results) {
        const failedInference = result.inferences.find((inference) => inference.outcome !== 'ok');
        for (const inference of result.inferences) {
          retries += Math.max(0, inference.attempts - 1);
        }
        if (result.status === 'failed' || failedInference !== undefined) {
          recordsFailed += 1;
          const code = failedInference?.errorCode ?? result.status;
          inferenceErrors[code] = (inferenceErrors[code] ?? 0) + 1;
        } else if (result.status === 'routed') {
          recordsRouted += 1;
        }
      }
    }
  };

  const startedAt = process.hrtime.bigint();
  await Promise.all(Array.from({ length: Math.min(options.parallelCalls, calls.length) }, () => worker()));
  const totalSec = Number(process.hrtime.bigint() - startedAt) / 1e9;
  const connectorPeakRssMb = readPeakRssMb(connector.pid);

  const stats = await standIn.stats();
  const chat = stats.byPath['POST /v1/chat/completions'];
  const upstreamOk = chat?.byStatus['200'] ?? 0;
  const burstRequests = options.ceilingRpm;

  return {
    ceilingRpm: options.ceilingRpm,
    upstreamDelayMs: options.upstreamDelayMs,
    records: records.length,
    callSize: options.callSize,
    parallelCalls: options.parallelCalls,
    totalSec,
    achievedRpm: (upstreamOk / totalSec) * 60,
    burstRequests,
    shareOfCeiling: upstreamOk > burstRequests ? (upstreamOk - burstRequests) / ((options.ceilingRpm / 60) * totalSec) : null,
    upstreamRequests: chat?.requests ?? 0,
    upstream429: chat?.byStatus['429'] ?? 0,
    recordsRouted,
    recordsFailed,
    inferenceErrors,
    retries,
    httpErrors,
    connectorPeakRssMb,
  };
}
