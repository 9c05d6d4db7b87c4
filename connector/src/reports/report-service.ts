import { orgScope, type AuditEvent, type DailyModelUsage, type Database, type Org } from '../store';
import { ApiError } from '../errors';

const DEFAULT_USAGE_DAYS = 30;
/** Maximum number of days one usage request may sum, to keep the query bounded. */
const MAX_USAGE_DAYS = 366;
const DAY_MS = 24 * 60 * 60 * 1000;

/** Usage sums and the audit trail, read-only views of one org's logs. */
export class ReportService {
  constructor(
    private readonly database: Database,
    private readonly now: () => Date = () => new Date(),
    /** Writes inference-log rows still queued in this process, so that usage includes them. */
    private readonly pendingInferenceLog?: { flush(): Promise<void> },
  ) {}

  async summarizeUsage(
    org: Org,
    query: { from?: string | undefined; to?: string | undefined },
  ): Promise<{ from: string; to: string; days: DailyModelUsage[] }> {
    const to = query.to ?? isoDay(this.now());
    const from = query.from ?? isoDay(new Date(Date.parse(to) - (DEFAULT_USAGE_DAYS - 1) * DAY_MS));

    const span = (Date.parse(to) - Date.parse(from)) / DAY_MS + 1;
    if (span < 1) {
      throw new ApiError(400, 'invalid_request', `Invalid request. querystring.from: expected a day on or before "to" (${to}).`, [
        { field: 'querystring.from', message: `expected a day on or before "to" (${to})` },
      ]);
    }
    if (span > MAX_USAGE_DAYS) {
      throw new ApiError(400, 'invalid_request', `Invalid request. querystring.from: expected at most ${MAX_USAGE_DAYS} days between "from" and "to".`, [
        { field: 'querystring.from', message: `expected at most ${MAX_USAGE_DAYS} days between "from" and "to"` },
      ]);
    }

    await this.pendingInferenceLog?.flush();
    const days = await orgScope(this.database, org.id).inferenceLog.summarizeUsage(from, to);
    return { from, to, days };
  }

  async listAuditEvents(org: Org, page: { limit: number; before?: number | undefined }): Promise<AuditEvent[]> {
    return orgScope(this.database, org.id).audit.list({
      limit: page.limit,
      ...(page.before === undefined ? {} : { before: page.before }),
    });
  }
}

function isoDay(date: Date): string {
  return date.toISOString().slice(0, 10);
}
