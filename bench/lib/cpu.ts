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

/** CPU time the whole machine has spent busy so far (every core; /proc/stat's first line less idle and iowait), in ms. */
function machineBusyMs(): number {
  try {
    const fields = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0].trim().split(/\s+/).slice(1, 9).map(Number);
    // user nice system idle iowait irq softirq steal
    const busy = fields[0] + fields[1] + fields[2] + fields[5] + fields[6] + fields[7];
    return (busy * 1000) / clockTicks();
  } catch {
    return Number.NaN;
  }
}

/**
 * How many cores the whole machine kept busy on average between `start()` and `stop()` (load generator, servers,
 * databases and anything else): how much of the machine a measured run took, so what more instances could add.
 */
export function machineCoresMeter(): { stop(): number } {
  const busy0 = machineBusyMs();
  const t0 = performance.now();
  return {
    stop() {
      return (machineBusyMs() - busy0) / (performance.now() - t0);
    },
  };
}

/**
 * Waits (at most `maxMs`) until the whole machine keeps fewer than `cores` busy over a `windowMs` window: what a
 * measured run left running (PostgreSQL's checkpoints and autovacuum after the write rows, the kernel writing pages
 * back) finishes first. Returns the cores the last window kept busy and how long it waited.
 */
export async function machineSettled(cores = 0.3, windowMs = 500, maxMs = 15_000): Promise<{ busyCores: number; waitedMs: number }> {
  const t0 = performance.now();
  for (;;) {
    const meter = machineCoresMeter();
    await new Promise((r) => setTimeout(r, windowMs));
    const busyCores = meter.stop();
    const waitedMs = performance.now() - t0;
    if (!(busyCores >= cores) || waitedMs >= maxMs) return { busyCores, waitedMs };
  }
}
