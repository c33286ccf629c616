// "Profiles": where the server's CPU time went under each profiled workload (absent when none was profiled).
import type { BenchResults } from '../results.ts';
import { n0, table } from './format.ts';

export function renderProfiles(r: BenchResults): string[] {
  if (!r.profiles.length) return [];
  const out: string[] = [];
  out.push('## Profiles');
  out.push('');
  out.push(
    '`node --cpu-prof` of the SQLite server (started as users start it: `bin/likes-api.mjs serve`, node with the environment and flags of its first line) while autocannon ran the ' +
      'workload; only the samples of the measured seconds are counted (start-up and warm-up left out). Percentages are of busy ' +
      '(non-idle) time of the main thread. Line numbers of .ts files are those of tsx\'s output, so only the file is shown.',
  );
  out.push('');
  for (const pr of r.profiles) {
    out.push(`### ${pr.label}`);
    out.push('');
    out.push(`${n0(pr.rps)} req/s under the profiler; ${n0(pr.busyMs)} ms of busy samples. Profile: \`${pr.file}\` (git-ignored).`);
    out.push('');
    out.push(table(['area (self time)', 'ms', '%'], pr.areas.map((a) => [a.area, n0(a.ms), `${a.pct}%`]), [':--', '--:', '--:']));
    out.push('');
    out.push('Heaviest functions by self time (native work, such as SQLite stepping and row decoding, counts as self time of the JS function that called it):');
    out.push('');
    out.push(table(['function', 'where', 'self %', 'incl. %'], pr.topSelf.slice(0, 15).map((x) => [`\`${x.name}\``, x.where, `${x.selfPct}%`, `${x.totalPct}%`]), [':--', ':--', '--:', '--:']));
    out.push('');
    out.push('Heaviest application and library functions by inclusive time (the function and all it calls):');
    out.push('');
    out.push(table(['function', 'where', 'incl. %', 'self %'], pr.topTotal.slice(0, 20).map((x) => [`\`${x.name}\``, x.where, `${x.totalPct}%`, `${x.selfPct}%`]), [':--', ':--', '--:', '--:']));
    out.push('');
  }
  return out;
}
