// "Side by side": the ceiling, the Likes API on SQLite and on PostgreSQL + Redis, under the same load.
import type { BenchResults } from '../results.ts';
import { f2, fx, mib, n0, ratio, table } from './format.ts';

const storeName = (m: { store: string; instances: number; cache?: boolean }) =>
  (m.store === 'sqlite' ? 'SQLite, 1 process' : m.store.startsWith('postgres') ? `PostgreSQL + Redis, ${m.instances} instance${m.instances > 1 ? 's' : ''}` : m.store) +
  (m.cache === false ? ', **cache off**' : '');

export function renderSideBySide(r: BenchResults): string[] {
  const ceiling = r.main.find((m) => m.store === 'ceiling');
  const out: string[] = [];
  out.push(`## Side by side (${r.mainLabel} likes)`);
  out.push('');
  out.push(
    `The page is the heaviest liker's first liked_tweets page of 100 (${n0(r.pageBytes ?? 0)} bytes of JSON, sha256 ${r.pageSha ?? '?'}` +
      `${r.pgPageSha ? (r.pgPageSha === r.pageSha ? '; PostgreSQL serves the identical bytes' : `; PostgreSQL serves ${r.pgPageSha}`) : ''}). ` +
      'The ceiling is a bare `node:http` server (bench/ceiling-server.mjs) sending those bytes with the same headers, pre-serialised. ' +
      'like + unlike alternates POST and DELETE of the same like (each request changes a row). The Likes API runs as ' +
      'configured by default, response cache on: a repeated identical lookup is served from the cache until a write ' +
      'changes the data version; the rows marked **cache off** (LIKES_API_CACHE=off) compute every page, which is what ' +
      'a cache miss costs.',
  );
  out.push('');
  const rows = [...r.main].map((m) => [
    m.store === 'ceiling' ? '**ceiling**' : storeName(m),
    m.label,
    n0(m.rps),
    f2(m.p50),
    f2(m.p99),
    mib(m.rssMiB),
    n0(m.bytesPerResponse),
    m.store === 'ceiling' ? '1.00×' : fx(ratio(m.rps, ceiling?.rps)),
    m.non2xx + m.errors ? `${m.non2xx + m.errors} ⚠` : '0',
  ]);
  out.push(table(['server', 'workload', 'req/s', 'p50 ms', 'p99 ms', 'RSS MiB', 'bytes/resp', '÷ ceiling', 'non-2xx'], rows, [':--', ':--', '--:', '--:', '--:', '--:', '--:', '--:', '--:']));
  out.push('');
  return out;
}
