// A process held to a share of the machine's cores by a Linux cgroup's CPU quota, as a container's CPU limit holds a
// service instance in production. On a machine whose cores the instances, PostgreSQL, Redis and the load generator
// all share, this is how a run can give each instance cores of its own: then one instance and two differ only in how
// many instances there are, and their ratio shows whether the shared parts (PostgreSQL, Redis) let a second one add
// its share. Needs root and either cgroup v1's `cpu` controller or cgroup v2 with `cpu` enabled for children.
import { existsSync, mkdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** The scheduler's accounting period: short, so that a held process waits at most a few ms when its quota runs out. */
const PERIOD_US = 20_000;

export interface CpuCap {
  /** Takes the process out of the cgroup (if it still runs) and removes the cgroup. */
  release(): void;
}

type Hierarchy = { kind: 'v1' | 'v2'; root: string };

function hierarchy(): Hierarchy | string {
  const v1 = '/sys/fs/cgroup/cpu';
  if (existsSync(join(v1, 'cpu.cfs_quota_us'))) return { kind: 'v1', root: v1 };
  const v2 = '/sys/fs/cgroup';
  try {
    if (readFileSync(join(v2, 'cgroup.subtree_control'), 'utf8').split(/\s+/).includes('cpu')) return { kind: 'v2', root: v2 };
    return 'cgroup v2 without the cpu controller enabled for child groups';
  } catch {
    return 'no cgroup CPU controller found (/sys/fs/cgroup/cpu or /sys/fs/cgroup/cgroup.subtree_control)';
  }
}

/** Why processes cannot be held to a CPU share here, or null when they can (tried on a throwaway cgroup). */
export function cpuCapUnavailable(): string | null {
  const h = hierarchy();
  if (typeof h === 'string') return h;
  const probe = join(h.root, `likes-bench-probe-${process.pid}`);
  try {
    mkdirSync(probe);
    rmdirSync(probe);
    return null;
  } catch (e) {
    return `cannot make a cgroup in ${h.root}: ${(e as Error).message}`;
  }
}

/** Holds process `pid` (all its threads, and those it starts later) to `cores` of CPU time per second. */
export function capCpu(pid: number, cores: number): CpuCap {
  const h = hierarchy();
  if (typeof h === 'string') throw new Error(`cannot hold a process to a CPU share: ${h}`);
  const dir = join(h.root, `likes-bench-${pid}`);
  if (!existsSync(dir)) mkdirSync(dir);
  const quota = Math.round(cores * PERIOD_US);
  if (h.kind === 'v1') {
    writeFileSync(join(dir, 'cpu.cfs_period_us'), String(PERIOD_US));
    writeFileSync(join(dir, 'cpu.cfs_quota_us'), String(quota));
  } else {
    writeFileSync(join(dir, 'cpu.max'), `${quota} ${PERIOD_US}`);
  }
  writeFileSync(join(dir, 'cgroup.procs'), String(pid));
  return {
    release() {
      try {
        writeFileSync(join(h.root, 'cgroup.procs'), String(pid));
      } catch {
        // The process has ended: nothing to move.
      }
      try {
        rmdirSync(dir);
      } catch {
        // A thread of the process is still leaving it: the empty cgroup stays behind, harmless (named after the pid).
      }
    },
  };
}
