/** Records for the benchmark, built from the real inquiry CSV files in the shared data folder. */

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseCsv } from '../../scripts/demo/csv.ts';
import { sharedDataDir } from './paths.ts';

export interface RoutedRecord {
  id: string;
  fields: Record<string, string | null>;
}

/**
 * Reads every CSV file of the shared data folder that has a Description column, keeping
 * each RecordId once (the small sample file repeats rows of the others), in file order.
 */
export function loadInquiryRows(): Record<string, string>[] {
  const dir = sharedDataDir();
  const files = readdirSync(dir)
    .filter((name) => name.endsWith('.csv'))
    .sort();
  const seen = new Set<string>();
  const rows: Record<string, string>[] = [];
  for (const file of files) {
    for (const row of parseCsv(readFileSync(join(dir, file), 'utf8'))) {
      const id = row.RecordId ?? '';
      if (row.Description === undefined || row.Description.trim() === '' || seen.has(id)) {
        continue;
      }
      seen.add(id);
      rows.push(row);
    }
  }
  if (rows.length === 0) {
    throw new Error(`No CSV file in ${dir} has rows with a Description; the routing run needs real inquiry texts.`);
  }
  return rows;
}

/** An 18-character Lead id for the n-th benchmark record; the connector checks only the id format. */
export function leadId(n: number): string {
  return `00Q${String(n).padStart(12, '0')}AAA`;
}

/** Builds `count` records with the fields the flow reads, cycling through the rows. */
export function buildRecords(rows: Record<string, string>[], fieldsRead: string[], count: number, firstNumber = 1): RoutedRecord[] {
  return Array.from({ length: count }, (_, index) => {
    const row = rows[index % rows.length]!;
    const fields = Object.fromEntries(fieldsRead.map((field) => [field, row[field] === undefined || row[field] === '' ? null : row[field]!]));
    return { id: leadId(firstNumber + index), fields };
  });
}

/** The row whose Description has the median length: the single record of the per-request cells. */
export function medianRow(rows: Record<string, string>[]): Record<string, string> {
  const sorted = [...rows].sort((a, b) => (a.Description ?? '').length - (b.Description ?? '').length);
  return sorted[Math.floor(sorted.length / 2)]!;
}
