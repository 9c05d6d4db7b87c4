import type { Queryable, Row, SqlValue } from './database';
import { readActor, readInt, readOptionalText, readText, toTimestamp } from './rows';
import { checkOrgId, type Actor } from './types';

export interface AuditEvent {
  id: number;
  at: string;
  /** Event name, like `provider.authorized` or `settings.saved`. */
  action: string;
  actor: Actor | null;
  provider: string | null;
  details: Record<string, unknown>;
}

export interface AppendAuditEventInput {
  action: string;
  actor?: Actor | null;
  provider?: string | null;
  /** Facts about the action (a masked key, the changed settings); never a secret. */
  details?: Record<string, unknown>;
  at?: Date;
}

export const MAX_AUDIT_PAGE_SIZE = 500;

/**
 * Text that looks like a provider API key (`sk-` followed by 20 or more key characters)
 * or an org token. A masked key such as `sk-proj-...x7Qa` does not match.
 */
const SECRET_PATTERNS = [/sk-[A-Za-z0-9_-]{20,}/, /kr_[A-Za-z0-9_-]{43}/];

const COLUMNS = 'id, at, action, actor_user_id, actor_name, provider, details';

/** One org's audit trail: append-only, read newest first. */
export class AuditRepository {
  constructor(
    private readonly db: Queryable,
    readonly orgId: string,
  ) {
    checkOrgId(orgId);
  }

  /**
   * Appends an event and returns it with its id. Raises an error when a string in
   * `details` looks like an API key or an org token, so a coding mistake cannot store one.
   */
  async append(input: AppendAuditEventInput): Promise<AuditEvent> {
    const details = input.details ?? {};
    rejectSecrets(details, 'details');

    const rows = await this.db.query(
      `INSERT INTO audit_events (org_id, at, action, actor_user_id, actor_name, provider, details)
       VALUES ($1, $2, $3, $4, $5, $6, $7)
       RETURNING ${COLUMNS}`,
      [
        this.orgId,
        toTimestamp(input.at ?? new Date()),
        input.action,
        input.actor?.userId ?? null,
        input.actor?.name ?? null,
        input.provider ?? null,
        JSON.stringify(details),
      ],
    );
    return toEvent(rows[0]!);
  }

  /** Lists events newest first: at most `limit`, with ids below `before` when given (the id of the last event of the previous page). */
  async list(page: { limit: number; before?: number }): Promise<AuditEvent[]> {
    if (!Number.isSafeInteger(page.limit) || page.limit < 1 || page.limit > MAX_AUDIT_PAGE_SIZE) {
      throw new RangeError(`limit: expected an integer from 1 to ${MAX_AUDIT_PAGE_SIZE}`);
    }
    if (page.before !== undefined && (!Number.isSafeInteger(page.before) || page.before < 1)) {
      throw new RangeError('before: expected a positive integer event id');
    }

    const params: SqlValue[] = [this.orgId, page.limit];
    let cursor = '';
    if (page.before !== undefined) {
      cursor = ' AND id < $3';
      params.push(page.before);
    }
    const rows = await this.db.query(
      `SELECT ${COLUMNS} FROM audit_events WHERE org_id = $1${cursor} ORDER BY id DESC LIMIT $2`,
      params,
    );
    return rows.map(toEvent);
  }
}

function rejectSecrets(value: unknown, path: string): void {
  if (typeof value === 'string') {
    if (SECRET_PATTERNS.some((pattern) => pattern.test(value))) {
      throw new Error(`${path}: looks like an API key or org token; audit details must never contain secrets`);
    }
  } else if (Array.isArray(value)) {
    value.forEach((item, index) => rejectSecrets(item, `${path}[${index}]`));
  } else if (typeof value === 'object' && value !== null) {
    for (const [key, item] of Object.entries(value)) {
      rejectSecrets(item, `${path}.${key}`);
    }
  }
}

function toEvent(row: Row): AuditEvent {
  return {
    id: readInt(row, 'id'),
    at: readText(row, 'at'),
    action: readText(row, 'action'),
    actor: readActor(row, 'actor_user_id', 'actor_name'),
    provider: readOptionalText(row, 'provider'),
    details: JSON.parse(readText(row, 'details')) as Record<string, unknown>,
  };
}
