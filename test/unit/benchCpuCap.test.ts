// bench/lib/cpuCap.ts on the machine's real cgroups: a process held to a CPU share is in a cgroup of its own whose
// quota is that share, and comes out of it (the cgroup removed) when released. The benchmark's held PostgreSQL rows
// rely on it; this machine kind runs as root with cgroup v1's cpu controller, so the suite runs, never skips.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { test } from 'node:test';
import { capCpu, cpuCapUnavailable } from '../../bench/lib/cpuCap.ts';

/** The cgroup paths a process is in, by controller list (/proc/<pid>/cgroup). */
const cgroupsOf = (pid: number) => readFileSync(`/proc/${pid}/cgroup`, 'utf8');

test('a process held to a CPU share runs in a cgroup of its own with that quota, and leaves it when released', async (t) => {
  assert.equal(cpuCapUnavailable(), null, 'this machine kind lets root make cgroups with a CPU quota');
  const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
  t.after(() => child.kill('SIGKILL'));
  const pid = child.pid!;
  const cap = capCpu(pid, 0.35);
  const name = `likes-bench-${pid}`;
  const dir = ['/sys/fs/cgroup/cpu', '/sys/fs/cgroup'].map((root) => `${root}/${name}`).find(existsSync);
  assert.ok(dir, `a cgroup named ${name}`);
  assert.ok(cgroupsOf(pid).includes(`/${name}\n`), cgroupsOf(pid));
  if (existsSync(`${dir}/cpu.cfs_quota_us`)) {
    const quota = Number(readFileSync(`${dir}/cpu.cfs_quota_us`, 'utf8'));
    const period = Number(readFileSync(`${dir}/cpu.cfs_period_us`, 'utf8'));
    assert.equal(quota / period, 0.35);
  } else {
    const [quota, period] = readFileSync(`${dir}/cpu.max`, 'utf8').trim().split(' ').map(Number);
    assert.equal(quota / period, 0.35);
  }
  cap.release();
  assert.ok(!cgroupsOf(pid).includes(name), cgroupsOf(pid));
  assert.equal(existsSync(dir), false);
});
