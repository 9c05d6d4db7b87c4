/**
 * A paced cell: sends requests at a fixed rate, evenly spaced, whatever the responses do
 * (an open loop), over at most `connections` keep-alive connections. Below a gateway's
 * saturation this measures what the gateway adds to one request; a closed loop at the same
 * concurrency would measure its queue instead (latency = connections / throughput).
 *
 * autocannon's `overallRate` does not fit: it gives each connection a quota per second, and
 * the one-second windows of all connections start together, so every second opens with a
 * burst at full concurrency.
 *
 * Latency runs from the moment a request is due, so a request that had to wait for a free
 * connection is charged for its wait.
 */

import http from 'node:http';
import type { LoadOptions, LoadRequest, LoadResult } from './load.ts';
import { summarize } from './load.ts';

/** How often the scheduler looks for due requests; the spacing is kept on average. */
const TICK_MS = 1;

export async function runPacedLoad(request: LoadRequest, options: LoadOptions & { ratePerSec: number }): Promise<LoadResult> {
  const { ratePerSec, connections, durationSec, timeoutSec } = options;
  if (!(ratePerSec > 0) || !(durationSec > 0)) {
    throw new Error(`Invalid paced load: rate ${ratePerSec} requests/s for ${durationSec} s; both must be above 0.`);
  }

  const url = new URL(request.url);
  const agent = new http.Agent({ keepAlive: true, maxSockets: connections });
  const body = request.body === undefined ? undefined : Buffer.from(request.body);
  const headers = { ...request.headers, ...(body === undefined ? {} : { 'content-length': String(body.length) }) };

  const latencies: number[] = [];
  const statusCodes: Record<string, number> = {};
  let non2xx = 0;
  let badBodies = 0;
  let socketErrors = 0;
  let timeouts = 0;

  const total = Math.max(1, Math.round(ratePerSec * durationSec));
  const startedAt = performance.now();
  const inFlight = new Set<Promise<void>>();

  const send = (dueAt: number): Promise<void> =>
    new Promise<void>((resolve) => {
      const call = http.request(url, { method: request.method, headers, agent, timeout: timeoutSec * 1000 }, (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => {
          const status = response.statusCode ?? 0;
          statusCodes[String(status)] = (statusCodes[String(status)] ?? 0) + 1;
          if (status < 200 || status >= 300) {
            non2xx += 1;
          } else if (request.verifyBody !== undefined && !request.verifyBody(Buffer.concat(chunks).toString('utf8'))) {
            badBodies += 1;
          } else {
            latencies.push(performance.now() - dueAt);
          }
          resolve();
        });
        response.on('error', () => {
          socketErrors += 1;
          resolve();
        });
      });
      call.on('timeout', () => {
        timeouts += 1;
        call.destroy(new Error('timeout'));
      });
      call.on('error', (error) => {
        if (error.message !== 'timeout') socketErrors += 1;
        resolve();
      });
      call.end(body);
    });

  // Each tick sends every request whose time has come, so a late tick catches up at once.
  let sent = 0;
  await new Promise<void>((done) => {
    const tick = (): void => {
      const now = performance.now();
      while (sent < total && startedAt + (sent * 1000) / ratePerSec <= now) {
        const dueAt = startedAt + (sent * 1000) / ratePerSec;
        const pending = send(dueAt).finally(() => inFlight.delete(pending));
        inFlight.add(pending);
        sent += 1;
      }
      if (sent < total) {
        setTimeout(tick, TICK_MS);
      } else {
        done();
      }
    };
    tick();
  });
  const sendingSec = (performance.now() - startedAt) / 1000;
  await Promise.all(inFlight);
  const elapsedSec = (performance.now() - startedAt) / 1000;
  agent.destroy();

  return {
    requests: latencies.length,
    // Over the sending time, so the figure compares with the offered rate.
    requestsPerSec: sendingSec > 0 ? latencies.length / sendingSec : 0,
    latencyMs: summarize(latencies),
    non2xx,
    badBodies,
    socketErrors,
    timeouts,
    statusCodes,
    elapsedSec,
  };
}
