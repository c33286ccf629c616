// "Machine and versions": where and how the numbers were measured, and the run's notes.
import type { BenchResults } from '../results.ts';
import { f2, n0 } from './format.ts';

export function renderMachine(r: BenchResults): string[] {
  const out: string[] = [];
  out.push('## Machine and versions');
  out.push('');
  out.push(`- ${r.machine.cores} × ${r.machine.cpu}, ${r.machine.memoryGiB} GiB, ${r.machine.kernel}`);
  out.push(
    `- load average at start ${r.machine.loadavgStart.join(' ')}, at end ${r.machine.loadavgEnd.join(' ')}` +
      ' (the machine is shared: other work running at the same time lowers the numbers, and not evenly, so compare rows ' +
      'measured under similar load)',
  );
  if (r.machine.loadBySection?.length) {
    out.push(
      '- 1-minute load average while each section ran (lowest–highest, sampled every 5 s; the processes of the bench itself (server, load ' +
        `generator, database) account for up to about 2 of it on ${r.machine.cores} cores): ` +
        r.machine.loadBySection
          .map((x) => `${x.section} ${x.min === null || x.max === null ? '–' : x.min === x.max ? f2(x.min) : `${f2(x.min)}–${f2(x.max)}`} (${x.fromS}–${x.toS} s)`)
          .join(', '),
    );
  }
  out.push(`- ${Object.entries(r.versions).map(([k, v]) => `${k} ${v}`).join(', ')}`);
  out.push(
    `- load: autocannon, ${r.settings.connections} keep-alive connections per server instance, ${r.settings.warmS} s warm-up then ${r.settings.loadS} s measured; ` +
      'latencies are autocannon\'s per-request times at full precision; RSS is the highest VmRSS sampled every 100 ms during the measured run. ' +
      'Load generator, servers, PostgreSQL and Redis all share the same 2 cores.',
  );
  out.push(`- data: \`likes-api seed --seed ${r.settings.seed}\` with ${r.sizes.map((s) => `${s.label} likes (${n0(s.users)} users, ${n0(s.tweets)} tweets)`).join('; ')}`);
  for (const note of r.notes) out.push(`- note: ${note}`);
  out.push('');
  return out;
}
