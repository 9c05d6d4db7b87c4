/** Counters of the stand-in, cheap enough to update on every request of a benchmark. */

import type { StandInStats } from './types.ts';

const WINDOW_SECONDS = 60;

/** Per-second slots of the last minute, reused as a ring. */
interface SecondSlot {
  second: number;
  requests: number;
  tokens: number;
}

export class StandInCounters {
  private requests = 0;
  private byPath = new Map<string, { requests: number; byStatus: Map<string, number> }>();
  private byStatus = new Map<string, number>();
  private rateLimitRejections = { requests: 0, tokens: 0 };
  private scenarios = new Map<string, number>();
  private tokens = { prompt: 0, completion: 0 };
  private window: SecondSlot[] = [];
  private inFlight = 0;
  private maxInFlight = 0;

  constructor() {
    this.reset();
  }

  reset(): void {
    this.requests = 0;
    this.byPath = new Map();
    this.byStatus = new Map();
    this.rateLimitRejections = { requests: 0, tokens: 0 };
    this.scenarios = new Map();
    this.tokens = { prompt: 0, completion: 0 };
    this.window = Array.from({ length: WINDOW_SECONDS }, () => ({ second: -1, requests: 0, tokens: 0 }));
    this.maxInFlight = this.inFlight;
  }

  requestStarted(path: string): void {
    this.requests += 1;
    this.inFlight += 1;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    this.pathEntry(path).requests += 1;
  }

  requestFinished(): void {
    this.inFlight -= 1;
  }

  /** Counts a reply under its status, or `reset` for a connection reset. */
  replySent(path: string, status: number | 'reset'): void {
    const key = String(status);
    increment(this.byStatus, key);
    increment(this.pathEntry(path).byStatus, key);
  }

  generationReceived(now: number): void {
    this.slotFor(now).requests += 1;
  }

  tokensReported(promptTokens: number, completionTokens: number, now: number): void {
    this.tokens.prompt += promptTokens;
    this.tokens.completion += completionTokens;
    this.slotFor(now).tokens += promptTokens + completionTokens;
  }

  rateLimitRejected(kind: 'requests' | 'tokens'): void {
    this.rateLimitRejections[kind] += 1;
  }

  scenarioPlayed(name: string): void {
    increment(this.scenarios, name);
  }

  snapshot(now: number): StandInStats {
    const currentSecond = Math.floor(now / 1000);
    const lastMinute = { requests: 0, tokens: 0 };
    for (const slot of this.window) {
      if (currentSecond - slot.second < WINDOW_SECONDS) {
        lastMinute.requests += slot.requests;
        lastMinute.tokens += slot.tokens;
      }
    }

    const byPath: StandInStats['byPath'] = {};
    for (const [path, entry] of this.byPath) {
      byPath[path] = { requests: entry.requests, byStatus: Object.fromEntries(entry.byStatus) };
    }

    return {
      requests: this.requests,
      byPath,
      byStatus: Object.fromEntries(this.byStatus),
      rateLimitRejections: { ...this.rateLimitRejections },
      scenarios: Object.fromEntries(this.scenarios),
      tokens: { ...this.tokens, total: this.tokens.prompt + this.tokens.completion },
      lastMinute,
      inFlight: this.inFlight,
      maxInFlight: this.maxInFlight,
    };
  }

  private pathEntry(path: string): { requests: number; byStatus: Map<string, number> } {
    let entry = this.byPath.get(path);
    if (!entry) {
      entry = { requests: 0, byStatus: new Map() };
      this.byPath.set(path, entry);
    }
    return entry;
  }

  private slotFor(now: number): SecondSlot {
    const second = Math.floor(now / 1000);
    const slot = this.window[second % WINDOW_SECONDS]!;
    if (slot.second !== second) {
      slot.second = second;
      slot.requests = 0;
      slot.tokens = 0;
    }
    return slot;
  }
}

function increment(map: Map<string, number>, key: string): void {
  map.set(key, (map.get(key) ?? 0) + 1);
}
