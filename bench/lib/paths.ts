import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** The repository root. */
export const ROOT = resolve(import.meta.dirname, '..', '..');

/** Logs and connector data of benchmark runs (gitignored). */
export const OUT_DIR = join(ROOT, 'out', 'bench');

export const RESULTS_DIR = join(ROOT, 'bench', 'results');

export const FLOW_JSON = join(ROOT, 'examples', 'flows', 'inquiry-triage.json');

/**
 * The folder of real inquiry CSV files, `../shared/data` beside the repository. Raises an
 * error that names the path when it is missing, because the routing run needs its rows.
 */
export function sharedDataDir(): string {
  const dir = resolve(ROOT, '..', 'shared', 'data');
  if (!existsSync(dir)) {
    throw new Error(
      `The shared data folder ${dir} is missing: the routing run draws its records from the CSV files there (../shared/data beside the repository).`,
    );
  }
  return dir;
}
