import type { FastifyBaseLogger } from 'fastify';
import { orgScope, type Database, type InferenceLogEntry } from '../store';

interface PendingAppend {
  orgId: string;
  entries: InferenceLogEntry[];
  /** The logger of the request that produced the entries, for a failed write. */
  log: FastifyBaseLogger;
}

export interface InferenceLogWriterOptions {
  /** How long entries may wait for others before they are written, in ms. */
  delayMs?: number;
  /** Pending entries that trigger a write at once. */
  maxPendingEntries?: number;
}

/**
 * Writes inference-log rows in the background, batching the rows of concurrent requests
 * into one transaction. One commit per request would cost a disk flush each: on the
 * embedded store that blocked the event loop for about a millisecond per request, the
 * largest item of the connector's profile under load.
 *
 * Routing results do not wait for the write, and a failed write is logged, never
 * returned. Readers of usage call `flush` first, so this process's reads see every row.
 *
 * NOTE: rows still pending when the process dies are lost (at most `delayMs` worth, 50 ms
 * by default); a graceful stop writes them (see ConnectorServices.close). Another
 * instance's usage reads see this instance's rows up to `delayMs` late.
 */
export class InferenceLogWriter {
  private pending: PendingAppend[] = [];
  private pendingEntries = 0;
  private writing: Promise<void> | null = null;
  private timer: NodeJS.Timeout | null = null;
  private readonly delayMs: number;
  private readonly maxPendingEntries: number;

  constructor(
    private readonly database: Database,
    options: InferenceLogWriterOptions = {},
  ) {
    this.delayMs = options.delayMs ?? 50;
    this.maxPendingEntries = options.maxPendingEntries ?? 2_000;
  }

  /** Queues the entries of one request; they are written within `delayMs`. */
  append(orgId: string, entries: InferenceLogEntry[], log: FastifyBaseLogger): void {
    if (entries.length === 0) {
      return;
    }
    this.pending.push({ orgId, entries, log });
    this.pendingEntries += entries.length;

    if (this.pendingEntries >= this.maxPendingEntries) {
      void this.flush();
    } else if (this.timer === null) {
      this.timer = setTimeout(() => void this.flush(), this.delayMs);
      // A pending write alone does not keep the process alive; a graceful stop flushes.
      this.timer.unref();
    }
  }

  /** Writes every entry appended so far and resolves once they are stored or their failure is logged. */
  async flush(): Promise<void> {
    if (this.timer !== null) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    // A write in progress does not contain the entries appended since it started.
    while (this.writing !== null) {
      await this.writing;
    }
    if (this.pending.length === 0) {
      return;
    }

    const batch = this.pending;
    this.pending = [];
    this.pendingEntries = 0;
    this.writing = this.write(batch).finally(() => {
      this.writing = null;
    });
    await this.writing;
  }

  /**
   * Writes the batch in one transaction. When that fails, for example because an org was
   * removed meanwhile, each org's rows are retried on their own so that the others are kept.
   */
  private async write(batch: PendingAppend[]): Promise<void> {
    const byOrg = new Map<string, PendingAppend[]>();
    for (const append of batch) {
      const list = byOrg.get(append.orgId) ?? [];
      list.push(append);
      byOrg.set(append.orgId, list);
    }

    try {
      await this.database.transaction(async (tx) => {
        for (const [orgId, appends] of byOrg) {
          await orgScope(tx, orgId).inferenceLog.append(appends.flatMap((append) => append.entries));
        }
      });
      return;
    } catch {
      // Retried per org below, where the failure is logged with the requests it concerns.
    }

    for (const [orgId, appends] of byOrg) {
      try {
        await orgScope(this.database, orgId).inferenceLog.append(appends.flatMap((append) => append.entries));
      } catch (error) {
        for (const append of appends) {
          append.log.error({ err: error, entries: append.entries.length }, 'failed to write the inference log; routing results were returned');
        }
      }
    }
  }
}
