/**
 * CPU time of a process from Linux's /proc/PID/stat (user plus system time, fields 14 and
 * 15, in clock ticks of `getconf CLK_TCK`, 100 per second on Linux builds with the usual
 * USER_HZ). Dividing a cell's CPU time by its requests gives a cost per request that
 * depends much less on the other processes of a shared machine than latency does.
 */

import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

let ticksPerSecond: number | undefined;

function clockTicks(): number {
  if (ticksPerSecond === undefined) {
    try {
      ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      ticksPerSecond = 100;
    }
  }
  return ticksPerSecond;
}

/** Returns the CPU seconds the process has used, or null when /proc cannot be read. */
export function readCpuSeconds(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name in field 2 may contain spaces; the fields after its closing parenthesis are fixed.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const userTicks = Number(fields[11]);
    const systemTicks = Number(fields[12]);
    return Number.isFinite(userTicks) && Number.isFinite(systemTicks) ? (userTicks + systemTicks) / clockTicks() : null;
  } catch {
    return null;
  }
}
