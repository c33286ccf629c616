// "Peers": Stoplight Prism and json-server on the same request, against the Likes API's SQLite row.
import { sqliteLikedRow, type BenchResults } from '../results.ts';
import { f2, fx, mib, n0, ratio, table } from './format.ts';

export function renderPeers(r: BenchResults): string[] {
  const ours = sqliteLikedRow(r, true);
  const cold = sqliteLikedRow(r, false);
  const out: string[] = [];
  out.push('## Peers');
  out.push('');
  out.push(
    'Same machine, same load, same liked_tweets request. Prism (`@stoplight/prism-cli`, logging silenced) mocks ' +
      '`x-openapi-likes-v2.159.json` as it is (its own small example) and, second row, a copy whose example is our exact page. ' +
      'json-server serves the same Tweet objects (the heavy liker\'s first 1000 liked Tweets), 100 per page. ' +
      `"ours ÷ peer" uses the SQLite liked_tweets row (app bearer): ${n0(ours?.rps ?? 0)} req/s as configured by default, ` +
      `${n0(cold?.rps ?? 0)} req/s with the response cache off.`,
  );
  out.push('');
  out.push(
    table(
      ['peer', 'req/s', 'p50 ms', 'p99 ms', 'RSS MiB', 'body bytes', 'ours ÷ peer', 'ours, cache off ÷ peer'],
      r.peers.map((p) =>
        p.error !== undefined
          ? [p.label, '–', '–', '–', '–', '–', `not measured: ${p.error}`, '–']
          : [
              p.label, n0(p.rps), f2(p.p50), f2(p.p99), mib(p.rssMiB),
              `${n0(p.bodyBytes)}${p.sameBytes ? ' (same)' : ''}`, fx(ratio(ours?.rps, p.rps)), fx(ratio(cold?.rps, p.rps)),
            ],
      ),
      [':--', '--:', '--:', '--:', '--:', '--:', '--:', '--:'],
    ),
  );
  out.push('');
  return out;
}
