// Spot comparisons between full runs of `npm run bench` (docs/benchmarks.md, "Running it"): this checkout's server,
// optionally another built checkout's and the bare single-query server, answering many distinct lookups of one kind
// (first pages of liked_tweets of many users, or liking_users of many Tweets) over a seeded SQLite dataset, in
// alternating rounds. Every connection draws the next request of one shuffled order, so no two ask the same page at
// once. Reports req/s and the server process's CPU per request (utime + stime, /proc/<pid>/stat) for each round.
//
//   likes-api seed --likes 1M --users 20000 --tweets 200000 --seed 1 --quiet   (with LIKES_API_DATA_DIR=<dir>)
//   node --import tsx bench/spot.ts --data <dir> [--against <checkout>] [--bare] [--listing liked|liking]
//        [--query <query string>] [--cache on|off] [--distinct 3000] [--rounds 3] [--seconds 5]
//
// `--against`: a checkout whose `npm run build` has been run (its bin/ and dist/); `--bare`: bench/bare-sqlite-server.mjs
// over the same file (default fields only, so not with --query). Servers run as the bench's do: limits off, no demo.
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Prng } from '../src/demo/prng.ts';
import { freePort } from '../test/support/net.ts';
import { cpuMeter } from './lib/cpu.ts';
import { readCreds } from './lib/data.ts';
import { runLoad } from './lib/load.ts';
import { ROOT, startLikesServer, startProc, stopAllSync, type Proc } from './lib/proc.ts';
import { MixCursor } from './lib/realisticMix.ts';
import { likedPath, likingPath } from './lib/requests.ts';

const { values: opts } = parseArgs({
  options: {
    data: { type: 'string' },
    against: { type: 'string' },
    bare: { type: 'boolean', default: false },
    listing: { type: 'string', default: 'liked' },
    query: { type: 'string', default: '' },
    cache: { type: 'string', default: 'off' },
    distinct: { type: 'string', default: '3000' },
    rounds: { type: 'string', default: '3' },
    seconds: { type: 'string', default: '5' },
  },
});
const usage = (why: string): never => {
  console.error(`bench/spot.ts: ${why}`);
  process.exit(2);
};
if (!opts.data) usage('--data <dir>: a directory seeded by `likes-api seed` (likes.db, bench-credentials.json)');
if (opts.listing !== 'liked' && opts.listing !== 'liking') usage('--listing is liked or liking');
if (opts.bare && opts.query) usage('--bare answers default fields only: not with --query');
const dataDir = opts.data!;
const dbFile = join(dataDir, 'likes.db');
const creds = readCreds(dataDir);
const distinct = Number(opts.distinct);

// The keys of the lookups: users who liked something, or Tweets with a few likes at least.
const db = new Database(dbFile, { readonly: true });
const keys = (
  opts.listing === 'liked'
    ? db.prepare('SELECT DISTINCT user_id FROM likes LIMIT ?')
    : db.prepare('SELECT id FROM tweets WHERE like_count > 5 AND deleted = 0 LIMIT ?')
)
  .pluck()
  .all(distinct) as string[];
db.close();
const prng = new Prng(1);
for (let i = keys.length - 1; i > 0; i--) {
  const j = prng.int(0, i);
  [keys[i], keys[j]] = [keys[j], keys[i]];
}
const paths = keys.map((k) => (opts.listing === 'liked' ? likedPath(k, opts.query) : `${likingPath(k)}${opts.query ? `&${opts.query}` : ''}`));
const headers = { authorization: `Bearer ${creds.app.bearerToken}` };
const items = paths.map((path) => ({ path, headers }));
const probePath = paths[0];

const env = { LIKES_API_CACHE: opts.cache };
const servers: { label: string; proc: Proc }[] = [];
process.once('SIGINT', () => {
  stopAllSync();
  process.exit(130);
});
try {
  servers.push({ label: 'this checkout', proc: await startLikesServer({ name: 'spot-this', dataDir, probePath, bearer: creds.app.bearerToken, env }) });
  if (opts.against) {
    servers.push({ label: opts.against, proc: await startLikesServer({ name: 'spot-against', checkout: opts.against, dataDir, probePath, bearer: creds.app.bearerToken, env }) });
  }
  if (opts.bare) {
    const port = await freePort();
    servers.push({ label: 'bare single-query', proc: await startProc({ name: 'spot-bare', command: process.execPath, args: [join(ROOT, 'bench', 'bare-sqlite-server.mjs'), String(port), dbFile], port, probePath }) });
  }
  console.log(`${items.length} distinct ${opts.listing === 'liked' ? 'liked_tweets' : 'liking_users'} lookups${opts.query ? ` (${opts.query})` : ''}, cache ${opts.cache}, 16 connections`);
  const results = new Map<string, { rps: number; cpuUs: number }[]>(servers.map((s) => [s.label, []]));
  for (let round = 0; round < Number(opts.rounds); round++) {
    // Each round starts with another server, so that none always runs first or last.
    const order = servers.map((_, i) => servers[(i + round) % servers.length]);
    for (const { label, proc } of order) {
      const cursor = new MixCursor(items);
      await runLoad({ urls: [proc.baseUrl], connections: 16, durationS: 1, requests: cursor.requests() });
      const cpu = cpuMeter([proc.pid]);
      const r = await runLoad({ urls: [proc.baseUrl], connections: 16, durationS: Number(opts.seconds), requests: cursor.requests() });
      const cpuUs = Math.round((cpu.stop() * 1000) / r.requests);
      if (r.non2xx) throw new Error(`${label}: ${r.non2xx} answers not 2xx (${JSON.stringify(r.statusCodes)})`);
      results.get(label)!.push({ rps: r.rps, cpuUs });
      console.log(`round ${round + 1}  ${label.padEnd(20)} ${String(r.rps).padStart(7)} req/s  ${String(cpuUs).padStart(6)} µs CPU/req`);
    }
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
  for (const [label, rs] of results) {
    console.log(`median  ${label.padEnd(20)} ${String(median(rs.map((r) => r.rps))).padStart(7)} req/s  ${String(median(rs.map((r) => r.cpuUs))).padStart(6)} µs CPU/req`);
  }
} finally {
  await Promise.all(servers.map((s) => s.proc.stop()));
}
