// CPU time of server processes, read from /proc/<pid>/stat (utime + stime of every thread, in clock ticks), so a
// measured run can report CPU per request beside requests per second.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

let ticksPerSecond: number | null = null;

/** Clock ticks per second of /proc's times (`getconf CLK_TCK`, 100 on Linux). */
export function clockTicks(): number {
  if (ticksPerSecond === null) {
    try {
      ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;
    } catch {
      ticksPerSecond = 100;
    }
  }
  return ticksPerSecond;
}

/** User + system CPU time a process has used so far, in milliseconds (NaN when it cannot be read). */
export function cpuMs(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces and parentheses): state is field 3, utime 14, stime 15.
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(rest[11]) + Number(rest[12])) * 1000) / clockTicks();
  } catch {
    return Number.NaN;
  }
}

/** CPU milliseconds all of `pids` used between `start()` and `stop()`. */
export function cpuMeter(pids: number[]): { stop(): number } {
  const before = pids.map(cpuMs);
  return {
    stop() {
      return pids.reduce((sum, pid, i) => sum + (cpuMs(pid) - before[i]), 0);
    },
  };
}

/**
 * CPU milliseconds PostgreSQL's processes used between `start()` and `stop()` (those of the user running the server,
 * `postgres`, alive at the end; backends that ended in between are missed). NaN when there are none to read.
 */
export function postgresCpuMeter(): { stop(): number } {
  const pids = () => {
    try {
      return execFileSync('pgrep', ['-u', 'postgres']).toString().trim().split('\n').map(Number).filter(Boolean);
    } catch {
      return [];
    }
  };
  const before = new Map(pids().map((pid) => [pid, cpuMs(pid)]));
  return {
    stop() {
      const now = pids();
      return now.length ? now.reduce((sum, pid) => sum + (cpuMs(pid) - (before.get(pid) ?? 0)), 0) : Number.NaN;
    },
  };
}
