// "Scaling": page latency at each dataset size (first, middle and deepest keyset page; liking_users), then load.
import type { BenchResults } from '../results.ts';
import { f2, n0, table } from './format.ts';

export function renderScaling(r: BenchResults, svg: string): string[] {
  const out: string[] = [];
  out.push('## Scaling');
  out.push('');
  out.push(
    `Sequential requests (one at a time, keep-alive; ${r.settings.latency.warmup} warm-up, then up to ${r.settings.latency.count} or ${r.settings.latency.maxMs / 1000} s), ` +
      'app bearer, default fields, pages of 100 of the heaviest liker reached with a pagination_token (keyset), and liking_users of the ' +
      'most-liked Tweet, on servers with the response cache off (so each request runs the keyset query). Then, on a server as ' +
      `configured by default, ${r.settings.loadS} s of liked_tweets under load (the same page) for throughput and RSS; at the ` +
      'largest size also every page of the heaviest liker in turn (cache misses; the cache fills to its budget).',
  );
  out.push('');
  out.push(`![Scaling curves](${svg})`);
  out.push('');
  out.push(
    table(
      ['store', 'likes', 'heavy liker', 'first p50/p99 ms', 'middle p50/p99 ms (page)', 'deepest p50/p99 ms (page)', 'liking_users p50/p99 ms', 'same page: req/s, RSS MiB', 'all pages in turn: req/s, p50 ms, RSS MiB'],
      r.scaling.map((p) => {
        const pg = (name: string) => {
          const x = p.pages.find((q) => q.name === name);
          return x ? `${f2(x.p50)} / ${f2(x.p99)}${name === 'first' ? '' : ` (#${x.index})`}` : '–';
        };
        return [
          p.store === 'sqlite' ? 'SQLite' : 'PostgreSQL + Redis',
          p.label,
          n0(p.heavyLikerLikes),
          pg('first'),
          pg('middle'),
          pg('deepest'),
          p.likingUsers ? `${f2(p.likingUsers.p50)} / ${f2(p.likingUsers.p99)}` : '–',
          p.load ? `${n0(p.load.rps)}, ${p.load.rssMiB.toFixed(0)}` : '–',
          p.varied ? `${n0(p.varied.rps)}, ${f2(p.varied.p50)}, ${p.varied.rssMiB.toFixed(0)} (${n0(p.varied.pages)} pages)` : '–',
        ];
      }),
      [':--', '--:', '--:', '--:', '--:', '--:', '--:', '--:', '--:'],
    ),
  );
  out.push('');
  return out;
}
