// "Durable like writes": new likes per second that are in the store afterwards.
import type { BenchResults } from '../results.ts';
import { f2, mib, n0, table } from './format.ts';

export function renderWrites(r: BenchResults): string[] {
  const out: string[] = [];
  out.push('## Durable like writes');
  out.push('');
  out.push(
    'Each request a POST like of a Tweet the user had not liked (OAuth 2.0 user bearer, 5 users interleaved); "likes/s" counts the rows ' +
      'that are in the store afterwards (not the 200s). SQLite group-commits: the likes requested in one turn of the event loop ' +
      'commit together in one transaction (a savepoint each), in WAL mode with synchronous=FULL, so every acknowledged like ' +
      'has been fsynced to the WAL; PostgreSQL commits each like on its own with synchronous_commit on.',
  );
  out.push('');
  out.push(
    table(
      ['store', 'instances', 'new likes', 'seconds', 'likes/s', 'p50 ms', 'p99 ms', 'RSS MiB', 'non-2xx'],
      r.writes.map((w) => [w.store, w.instances, n0(w.likesCreated), w.seconds, n0(w.likesPerSecond), f2(w.p50), f2(w.p99), mib(w.rssMiB), w.non2xx + w.errors]),
      [':--', '--:', '--:', '--:', '--:', '--:', '--:', '--:', '--:'],
    ),
  );
  out.push('');
  return out;
}
