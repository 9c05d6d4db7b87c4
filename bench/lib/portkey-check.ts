/**
 * Checks, before Portkey's gateway is measured, that it forwards the benchmark request to
 * the stand-in and that it opens no connection and sends no datagram to any address but
 * loopback, at start-up or per request. The gateway runs under `strace -f` for the check
 * only, because tracing slows every system call.
 */

import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { startPortkey, type StandInProcess } from './servers.ts';

export interface PortkeyCheck {
  /** False when strace is not installed; then the outbound check did not run. */
  traced: boolean;
  requestsSent: number;
  /** 200 replies whose body carries the stand-in's system_fingerprint. */
  repliesFromStandIn: number;
  /** Chat completion requests the stand-in received during the check. */
  standInRequests: number;
  /** Every address the gateway connected or sent to, with the number of system calls. */
  destinations: Array<{ family: string; address: string; port: number; calls: number }>;
  nonLoopbackDestinations: Array<{ family: string; address: string; port: number; calls: number }>;
  /** Seconds the traced gateway ran, start-up included. */
  observedSec: number;
  passed: boolean;
  summary: string;
}

export function portkeyHeaders(standIn: StandInProcess, apiKey: string): Record<string, string> {
  return {
    'content-type': 'application/json',
    authorization: `Bearer ${apiKey}`,
    'x-portkey-provider': 'openai',
    'x-portkey-custom-host': standIn.baseUrl,
  };
}

export async function checkPortkey(options: {
  standIn: StandInProcess;
  body: string;
  apiKey: string;
  logDir: string;
  requests: number;
  idleMs: number;
}): Promise<PortkeyCheck> {
  const traced = spawnSync('strace', ['-V'], { stdio: 'ignore' }).status === 0;
  const straceLog = join(options.logDir, 'portkey-strace.log');
  const startedAt = Date.now();
  const gateway = await startPortkey({ logDir: options.logDir, name: 'check', ...(traced ? { straceLog } : {}) });

  let repliesFromStandIn = 0;
  let standInRequests = 0;
  try {
    // Time for anything the gateway does after start-up on its own, such as fetching a price list.
    await sleep(options.idleMs);
    const before = await options.standIn.stats();
    for (let index = 0; index < options.requests; index += 1) {
      const response = await fetch(`${gateway.url}/v1/chat/completions`, {
        method: 'POST',
        headers: portkeyHeaders(options.standIn, options.apiKey),
        body: options.body,
      });
      const payload = (await response.json()) as { system_fingerprint?: string };
      if (response.status === 200 && payload.system_fingerprint === 'fp_stand_in') {
        repliesFromStandIn += 1;
      }
    }
    await sleep(options.idleMs);
    const after = await options.standIn.stats();
    standInRequests = chatRequests(after) - chatRequests(before);
  } finally {
    await gateway.stop();
  }

  const destinations = traced ? parseStraceDestinations(readFileSync(straceLog, 'utf8')) : [];
  const nonLoopbackDestinations = destinations.filter((destination) => !isLoopback(destination.address));
  const passed =
    repliesFromStandIn === options.requests && standInRequests === options.requests && traced && nonLoopbackDestinations.length === 0;
  const summary = !traced
    ? `forwarding checked (${repliesFromStandIn}/${options.requests} replies from the stand-in); outbound traffic NOT checked because strace is not installed`
    : nonLoopbackDestinations.length > 0
      ? `Portkey contacted non-loopback addresses: ${nonLoopbackDestinations.map((d) => `${d.address}:${d.port} (${d.calls}x)`).join(', ')}`
      : `forwarded ${standInRequests} of ${options.requests} requests to the stand-in; strace saw connections only to ${destinations.map((d) => `${d.address}:${d.port}`).join(', ') || 'nothing'}`;

  return {
    traced,
    requestsSent: options.requests,
    repliesFromStandIn,
    standInRequests,
    destinations,
    nonLoopbackDestinations,
    observedSec: (Date.now() - startedAt) / 1000,
    passed,
    summary,
  };
}

function chatRequests(stats: Awaited<ReturnType<StandInProcess['stats']>>): number {
  return stats.byPath['POST /v1/chat/completions']?.requests ?? 0;
}

/** Reads the IPv4 and IPv6 destinations of connect, sendto and sendmsg calls from strace output. */
export function parseStraceDestinations(log: string): PortkeyCheck['destinations'] {
  const counts = new Map<string, { family: string; address: string; port: number; calls: number }>();
  const ipv4 = /sa_family=AF_INET, sin_port=htons\((\d+)\), sin_addr=inet_addr\("([^"]+)"\)/g;
  const ipv6 = /sa_family=AF_INET6, sin6_port=htons\((\d+)\),.*?inet_pton\(AF_INET6, "([^"]+)"/g;
  for (const [pattern, family] of [
    [ipv4, 'IPv4'],
    [ipv6, 'IPv6'],
  ] as const) {
    for (const match of log.matchAll(pattern)) {
      const port = Number(match[1]);
      const address = match[2]!;
      const key = `${family} ${address} ${port}`;
      const entry = counts.get(key) ?? { family, address, port, calls: 0 };
      entry.calls += 1;
      counts.set(key, entry);
    }
  }
  return [...counts.values()].sort((a, b) => b.calls - a.calls);
}

function isLoopback(address: string): boolean {
  return address.startsWith('127.') || address === '::1' || address.startsWith('::ffff:127.');
}
