/**
 * Peak resident memory of a process from Linux's /proc: VmHWM ("high water mark") in
 * /proc/PID/status. Writing 5 to /proc/PID/clear_refs resets it to the current RSS
 * (Linux 4.0 and later), so each cell can report its own peak.
 */

import { readFileSync, writeFileSync } from 'node:fs';

/** Returns VmHWM in MB, or null when /proc cannot be read (not Linux, or the process ended). */
export function readPeakRssMb(pid: number): number | null {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const match = /^VmHWM:\s+(\d+) kB$/m.exec(status);
    return match ? Number(match[1]) / 1024 : null;
  } catch {
    return null;
  }
}

/** Resets the peak to the current RSS; returns false when the kernel refused, so the peak covers the process's life. */
export function resetPeakRss(pid: number): boolean {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
    return true;
  } catch {
    return false;
  }
}
