// "Durable like writes": new likes per second that are in the store afterwards.
import type { BenchResults } from '../results.ts';
import { f2, mib, n0, table } from './format.ts';

const cpuPerLike = (w: BenchResults['writes'][number]): string => {
  const us = (x: number | null | undefined) => (x == null || Number.isNaN(x) ? null : n0(x));
  const own = us(w.cpuUsPerLike);
  const pg = us(w.postgresCpuUsPerLike);
  return own === null ? '–' : pg === null ? own : `${own} + ${pg}`;
};

export function renderWrites(r: BenchResults): string[] {
  const out: string[] = [];
  out.push('## Durable like writes');
  out.push('');
  out.push(
    'Each request a POST like of a Tweet the user had not liked (OAuth 2.0 user bearer, 5 users interleaved); "likes/s" counts the rows ' +
      'that are in the store afterwards (not the 200s). SQLite group-commits: the likes requested in one turn of the event loop, ' +
      'or while the batch before was being synced, commit together in one transaction (a savepoint each), in WAL mode; the WAL is ' +
      'then synced (fdatasync, in libuv\'s thread pool rather than inside the commit) before any of them is answered, so every ' +
      'acknowledged like is on disk. PostgreSQL group-commits too (synchronous_commit on): the likes asked for while a batch commits ' +
      'form the next (one batch at a time per instance: batches of one instance would only queue for the same user rows), each one statement that inserts the rows, moves both counters by their ' +
      'net change and appends the outbox events. Beside it, in alternating rounds, a bare `pg` script (bench/bare-pg-likes.mjs) does ' +
      'one like per transaction (insert the row, bump the Tweet\'s and the user\'s counters; no outbox event) at the same concurrency ' +
      'on the same database: the instances column says 0. Each row runs a warm-up round first (its servers or script just started), ' +
      'not counted.',
  );
  out.push('');
  out.push(
    table(
      ['store', 'instances', 'new likes', 'seconds', 'likes/s', 'rounds (likes/s)', 'CPU µs/like: servers (script) + PostgreSQL', 'p50 ms', 'p99 ms', 'RSS MiB', 'non-2xx'],
      r.writes.map((w) => [
        w.instances ? w.store : `${w.store}, **bare \`pg\` script**`, w.instances, n0(w.likesCreated), w.seconds, n0(w.likesPerSecond),
        w.rounds ? w.rounds.map(n0).join(', ') : '–', cpuPerLike(w), f2(w.p50), f2(w.p99), w.rssMiB.length ? mib(w.rssMiB) : '–', w.non2xx + w.errors,
      ]),
      [':--', '--:', '--:', '--:', '--:', '--:', '--:', '--:', '--:', '--:', '--:'],
    ),
  );
  out.push('');
  return out;
}
