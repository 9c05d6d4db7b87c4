import { withTransaction, type Queryable, type SqlValue } from './database';
import { readInt, readText, toTimestamp } from './rows';
import { checkOrgId, type ProviderId } from './types';

/** One inference (all attempts of one AI node on one record). No prompt, output or field value. */
export interface InferenceLogEntry {
  at: Date;
  flowId: string | null;
  flowVersion: number | null;
  nodeId: string | null;
  recordId: string | null;
  provider: ProviderId;
  /** The model requested, also when the call failed before the provider named one. */
  model: string;
  promptTokens: number;
  completionTokens: number;
  totalTokens: number;
  latencyMs: number;
  outcome: 'ok' | 'timeout' | 'error';
  errorCode: string | null;
}

export interface DailyModelUsage {
  /** UTC date, YYYY-MM-DD. */
  day: string;
  model: string;
  requests: number;
  promptTokens: number;
  completionTokens: number;
  totalTokens: number;
}

/** Rows per INSERT statement: 15 parameters each, far below both backends' parameter limits. */
export const INFERENCE_LOG_ROWS_PER_STATEMENT = 100;

const COLUMN_COUNT = 15;

const DATE_PATTERN = /^\d{4}-\d{2}-\d{2}$/;

/** One org's inference log and the usage summary read from it. */
export class InferenceLogRepository {
  constructor(
    private readonly db: Queryable,
    readonly orgId: string,
  ) {
    checkOrgId(orgId);
  }

  /**
   * Appends entries with multi-row INSERTs of up to INFERENCE_LOG_ROWS_PER_STATEMENT rows,
   * all in one transaction (or in the caller's). Returns the number of rows written.
   */
  async append(entries: readonly InferenceLogEntry[]): Promise<number> {
    if (entries.length === 0) {
      return 0;
    }
    entries.forEach(checkEntry);
    return withTransaction(this.db, async (tx) => {
      let written = 0;
      for (let start = 0; start < entries.length; start += INFERENCE_LOG_ROWS_PER_STATEMENT) {
        const chunk = entries.slice(start, start + INFERENCE_LOG_ROWS_PER_STATEMENT);
        written += await tx.execute(
          insertStatement(chunk.length),
          chunk.flatMap((entry) => this.toParams(entry)),
        );
      }
      return written;
    });
  }

  /**
   * Sums requests and tokens per UTC day and model, from `from` to `to` inclusive
   * (YYYY-MM-DD), ordered by day then model. Days without inferences are absent.
   */
  async summarizeUsage(from: string, to: string): Promise<DailyModelUsage[]> {
    checkDate(from, 'from');
    checkDate(to, 'to');
    if (from > to) {
      throw new RangeError(`from: ${from} is after to (${to})`);
    }

    const rows = await this.db.query(
      `SELECT day, model, COUNT(*) AS requests, SUM(prompt_tokens) AS prompt_tokens,
              SUM(completion_tokens) AS completion_tokens, SUM(total_tokens) AS total_tokens
       FROM inference_log
       WHERE org_id = $1 AND day >= $2 AND day <= $3
       GROUP BY day, model
       ORDER BY day, model`,
      [this.orgId, from, to],
    );
    return rows.map((row) => ({
      day: readText(row, 'day'),
      model: readText(row, 'model'),
      requests: readInt(row, 'requests'),
      promptTokens: readInt(row, 'prompt_tokens'),
      completionTokens: readInt(row, 'completion_tokens'),
      totalTokens: readInt(row, 'total_tokens'),
    }));
  }

  private toParams(entry: InferenceLogEntry): SqlValue[] {
    const at = toTimestamp(entry.at);
    return [
      this.orgId,
      at,
      at.slice(0, 10),
      entry.flowId,
      entry.flowVersion,
      entry.nodeId,
      entry.recordId,
      entry.provider,
      entry.model,
      entry.promptTokens,
      entry.completionTokens,
      entry.totalTokens,
      entry.latencyMs,
      entry.outcome,
      entry.errorCode,
    ];
  }
}

function insertStatement(rowCount: number): string {
  const rows: string[] = [];
  for (let row = 0; row < rowCount; row += 1) {
    const placeholders = Array.from({ length: COLUMN_COUNT }, (_, column) => `$${row * COLUMN_COUNT + column + 1}`);
    rows.push(`(${placeholders.join(', ')})`);
  }
  return `INSERT INTO inference_log (org_id, at, day, flow_id, flow_version, node_id, record_id, provider, model,
    prompt_tokens, completion_tokens, total_tokens, latency_ms, outcome, error_code)
    VALUES ${rows.join(', ')}`;
}

const COUNT_FIELDS = ['promptTokens', 'completionTokens', 'totalTokens', 'latencyMs'] as const;

function checkEntry(entry: InferenceLogEntry, index: number): void {
  for (const field of COUNT_FIELDS) {
    const value = entry[field];
    if (!Number.isSafeInteger(value) || value < 0) {
      throw new RangeError(`entries[${index}].${field}: expected a non-negative integer, got ${String(value)}`);
    }
  }
  if (entry.flowVersion !== null && !Number.isSafeInteger(entry.flowVersion)) {
    throw new RangeError(
      `entries[${index}].flowVersion: expected an integer or null, got ${String(entry.flowVersion)}`,
    );
  }
}

function checkDate(value: string, field: string): void {
  const parsed = new Date(`${value}T00:00:00Z`);
  if (!DATE_PATTERN.test(value) || Number.isNaN(parsed.getTime()) || parsed.toISOString().slice(0, 10) !== value) {
    throw new RangeError(`${field}: expected a date as YYYY-MM-DD, got ${JSON.stringify(value)}`);
  }
}
