/**
 * One load cell: autocannon keeps `connections` keep-alive connections busy for a fixed
 * time (a closed loop), or, with `ratePerSec`, paced-load.ts sends at a fixed rate. Latencies come from autocannon's per-response events, in fractional milliseconds,
 * because its own histogram rounds to whole milliseconds, too coarse for overhead figures.
 */

import autocannon from 'autocannon';
import { runPacedLoad } from './paced-load.ts';

export interface LoadRequest {
  url: string;
  method: 'GET' | 'POST';
  headers: Record<string, string>;
  body?: string;
  /** Returns whether a response body is correct; the others count as `badBodies`. */
  verifyBody?: (body: string) => boolean;
}

export interface LoadOptions {
  connections: number;
  durationSec: number;
  /** Seconds one request may take before autocannon counts a timeout. */
  timeoutSec: number;
  /**
   * Offered rate over all connections, in requests per second, sent at evenly spaced times
   * (see paced-load.ts). Without it each connection sends its next request as soon as the
   * previous response arrives.
   */
  ratePerSec?: number;
}

export interface LatencySummary {
  p50: number;
  p99: number;
  max: number;
}

export interface LoadResult {
  /** Responses with a 2xx status. */
  requests: number;
  requestsPerSec: number;
  /** Over 2xx responses, in ms. */
  latencyMs: LatencySummary;
  non2xx: number;
  /** 2xx responses whose body `verifyBody` rejected. */
  badBodies: number;
  /** Connection errors and resets seen by the client, timeouts excluded. */
  socketErrors: number;
  timeouts: number;
  statusCodes: Record<string, number>;
  /** Wall time of the call, connection set-up included, in seconds. */
  elapsedSec: number;
}

/** Runs one cell and returns its figures. */
export async function runLoad(request: LoadRequest, options: LoadOptions): Promise<LoadResult> {
  if (options.ratePerSec !== undefined) {
    return runPacedLoad(request, { ...options, ratePerSec: options.ratePerSec });
  }
  const latencies: number[] = [];
  const statusCodes: Record<string, number> = {};

  const instance = autocannon({
    url: request.url,
    method: request.method,
    headers: request.headers,
    ...(request.body === undefined ? {} : { body: request.body }),
    ...(request.verifyBody === undefined ? {} : { verifyBody: (body: string | Buffer) => request.verifyBody!(String(body)) }),
    connections: options.connections,
    duration: options.durationSec,
    timeout: options.timeoutSec,
    pipelining: 1,
    // autocannon checks for the end of the run once per sample interval (1 s by default),
    // which would round every cell up to whole seconds.
    sampleInt: 100,
  });
  instance.on('response', (_client: unknown, statusCode: number, _bytes: number, responseTimeMs: number) => {
    const key = String(statusCode);
    statusCodes[key] = (statusCodes[key] ?? 0) + 1;
    if (statusCode >= 200 && statusCode < 300) {
      latencies.push(responseTimeMs);
    }
  });

  const startedAt = process.hrtime.bigint();
  const result = await instance;
  const elapsedSec = Number(process.hrtime.bigint() - startedAt) / 1e9;

  return {
    requests: latencies.length,
    // autocannon's duration runs from its first request to its stop, in seconds.
    requestsPerSec: result.duration > 0 ? latencies.length / result.duration : 0,
    latencyMs: summarize(latencies),
    non2xx: result.non2xx,
    badBodies: result.mismatches,
    socketErrors: Math.max(0, result.errors - result.timeouts),
    timeouts: result.timeouts,
    statusCodes,
    elapsedSec,
  };
}

/** Nearest-rank percentiles and the maximum; zeros when there is no sample. */
export function summarize(values: number[]): LatencySummary {
  if (values.length === 0) {
    return { p50: 0, p99: 0, max: 0 };
  }
  const sorted = Float64Array.from(values).sort();
  const rank = (fraction: number): number => sorted[Math.min(sorted.length - 1, Math.ceil(fraction * sorted.length) - 1)] ?? 0;
  return { p50: rank(0.5), p99: rank(0.99), max: sorted[sorted.length - 1] ?? 0 };
}
