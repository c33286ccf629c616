// Spot comparisons between full runs of `npm run bench` (docs/benchmarks.md, "Running it"): this checkout's server,
// optionally another built checkout's and the bare single-query server, answering many distinct lookups of one kind
// (first pages of liked_tweets of many users, liking_users of many Tweets, or the realistic benchmark's mix: first and
// deep pages of both listings, app-only and user bearers; `mix` its default-fields part, `whole-mix` all of it) over a
// seeded SQLite dataset, in alternating rounds. Every connection draws the next request of one shuffled order, so no
// two ask the same page at once. Reports req/s, the server process's CPU per request (utime + stime,
// /proc/<pid>/stat) and its peak RSS for each round.
//
//   likes-api seed --likes 1M --users 20000 --tweets 200000 --seed 1 --quiet   (with LIKES_API_DATA_DIR=<dir>)
//   node --import tsx bench/spot.ts --data <dir> [--against <checkout>] [--bare] [--listing liked|liking|mix|whole-mix]
//        [--kind first|deep|liking] [--auth app|user] [--query <query string>] [--cache on|off] [--distinct 3000]
//        [--rounds 3] [--seconds 5] [--writes] [--cpu-prof <dir>]
//
// `--writes`: every 10th request a like or unlike by a token holder, as the realistic benchmark's write mix (each server
// toggles pairs of its own, and unlikes what it liked after each run: the data keeps its likes, its outbox grows).
// `--kind`, `--auth`: only the mix's requests of that kind (first pages, deep pages, liking_users) or bearer.
// `--against`: a checkout whose `npm run build` has been run (its bin/ and dist/); `--bare`: bench/bare-sqlite-server.mjs
// over the same file (default fields only, so not with --query); `--cpu-prof`: every server runs under V8's profiler
// (its profile in a folder of <dir> named after it), and each profile is summarised at the end (areas and heaviest
// functions, by source file through the bundle's source map). Servers run as the bench's do: limits off, no demo.
import Database from 'better-sqlite3';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Prng } from '../src/demo/prng.ts';
import { freePort } from '../test/support/net.ts';
import { cpuMeter } from './lib/cpu.ts';
import { readCreds, sqliteProbe } from './lib/data.ts';
import { optionsOf } from './lib/options.ts';
import { runLoad } from './lib/load.ts';
import { summariseProfile } from './lib/profile.ts';
import { ROOT, sampleRss, startLikesServer, startProc, stopAllSync, type Proc } from './lib/proc.ts';
import { buildMix, MixCursor, requestsOf, Toggler, unlikedPairs } from './lib/realisticMix.ts';
import { likedPath, likingPath } from './lib/requests.ts';

const opts = optionsOf('bench/spot.ts', {
  data: { type: 'string' },
  against: { type: 'string' },
  bare: { type: 'boolean', default: false },
  listing: { type: 'string', default: 'liked' },
  query: { type: 'string', default: '' },
  cache: { type: 'string', default: 'off' },
  distinct: { type: 'string', default: '3000' },
  rounds: { type: 'string', default: '3' },
  seconds: { type: 'string', default: '5' },
  kind: { type: 'string' },
  auth: { type: 'string' },
  writes: { type: 'boolean', default: false },
  'cpu-prof': { type: 'string' },
});
const usage = (why: string): never => {
  console.error(`bench/spot.ts: ${why}`);
  process.exit(2);
};
if (!opts.data) usage('--data <dir>: a directory seeded by `likes-api seed` (likes.db, bench-credentials.json)');
const mixed = opts.listing === 'mix' || opts.listing === 'whole-mix';
if (!['liked', 'liking', 'mix', 'whole-mix'].includes(opts.listing!)) usage('--listing is liked, liking, mix or whole-mix');
if (mixed && opts.query) usage('--listing mix and whole-mix are the realistic mix\'s requests: not with --query');
if (opts.kind && !['first', 'deep', 'liking'].includes(opts.kind)) usage('--kind is first, deep or liking');
if (opts.auth && !['app', 'user'].includes(opts.auth)) usage('--auth is app or user');
if ((opts.kind || opts.auth) && !mixed) usage('--kind and --auth choose among the realistic mix\'s requests: with --listing mix or whole-mix');
if (opts.listing === 'whole-mix' && opts.bare) usage('--bare answers default fields only: not with --listing whole-mix');
if (opts.bare && opts.query) usage('--bare answers default fields only: not with --query');
if (opts.bare && opts.writes) usage('--bare answers lookups only: not with --writes');
const dataDir = opts.data!;
const dbFile = join(dataDir, 'likes.db');
const creds = readCreds(dataDir);
const distinct = Number(opts.distinct);

// The keys of the lookups: users who liked something, or Tweets with a few likes at least.
const db = new Database(dbFile, { readonly: true });
const keys = (
  opts.listing === 'liking'
    ? db.prepare('SELECT id FROM tweets WHERE like_count > 5 AND deleted = 0 LIMIT ?')
    : db.prepare('SELECT DISTINCT user_id FROM likes LIMIT ?')
)
  .pluck()
  .all(distinct) as string[];
db.close();
const prng = new Prng(1);
for (let i = keys.length - 1; i > 0; i--) {
  const j = prng.int(0, i);
  [keys[i], keys[j]] = [keys[j], keys[i]];
}
const paths = keys.map((k) => (opts.listing === 'liking' ? `${likingPath(k)}${opts.query ? `&${opts.query}` : ''}` : likedPath(k, opts.query)));
const headers = { authorization: `Bearer ${creds.app.bearerToken}` };
// With `--listing mix` or `whole-mix`, replaced by the realistic mix's requests once this checkout's server runs (its
// deep pages are reached by walking listings on it).
let items = paths.map((path) => ({ path, headers }));
const probePath = paths[0];

const env = { LIKES_API_CACHE: opts.cache };
const profileDir = (server: string) => join(resolve(opts['cpu-prof']!), server);
const profiling = (server: string): string[] => (opts['cpu-prof'] ? ['--cpu-prof', '--cpu-prof-dir', profileDir(server)] : []);
const servers: { label: string; proc: Proc }[] = [];
process.once('SIGINT', () => {
  stopAllSync();
  process.exit(130);
});
try {
  servers.push({ label: 'this checkout', proc: await startLikesServer({ name: 'spot-this', dataDir, probePath, bearer: creds.app.bearerToken, env, nodeArgs: profiling('this') }) });
  if (opts.against) {
    servers.push({ label: opts.against, proc: await startLikesServer({ name: 'spot-against', checkout: resolve(opts.against), dataDir, probePath, bearer: creds.app.bearerToken, env, nodeArgs: profiling('against') }) });
  }
  if (mixed) {
    const mix = await buildMix(dbFile, servers[0].proc.baseUrl, creds, (line) => console.log(line.trim()));
    const chosen = mix.filter(
      (it) =>
        (opts.listing === 'whole-mix' || it.fields === 'default') &&
        (!opts.kind || it.kind === opts.kind) &&
        (!opts.auth || (opts.auth === 'app') === (it.auth === 'app')),
    );
    items = requestsOf(creds, chosen);
  }
  if (opts.bare) {
    const port = await freePort();
    servers.push({ label: 'bare single-query', proc: await startProc({ name: 'spot-bare', command: process.execPath, args: [...profiling('bare'), join(ROOT, 'bench', 'bare-sqlite-server.mjs'), String(port), dbFile], port, probePath }) });
  }
  const what = { liked: 'liked_tweets', liking: 'liking_users', mix: 'default-fields mix', 'whole-mix': 'mix' }[opts.listing!];
  console.log(`${items.length} distinct ${what} lookups${opts.query ? ` (${opts.query})` : ''}, cache ${opts.cache}, 16 connections`);
  // Each server's writes toggle pairs of their own (they share the file).
  const togglers = new Map<string, Toggler>();
  if (opts.writes) {
    const pairs = await unlikedPairs(sqliteProbe(dbFile), creds);
    const share = Math.floor(pairs.length / servers.length);
    servers.forEach((s, i) => togglers.set(s.label, new Toggler(creds, pairs.slice(i * share, (i + 1) * share))));
    console.log('every 10th request a like or unlike');
  }
  const results = new Map<string, { rps: number; cpuUs: number; rssMiB: number }[]>(servers.map((s) => [s.label, []]));
  for (let round = 0; round < Number(opts.rounds); round++) {
    // Each round starts with another server, so that none always runs first or last.
    const order = servers.map((_, i) => servers[(i + round) % servers.length]);
    for (const { label, proc } of order) {
      const toggler = togglers.get(label);
      const cursor = new MixCursor(items, toggler);
      await runLoad({ urls: [proc.baseUrl], connections: 16, durationS: 1, requests: cursor.requests() });
      const cpu = cpuMeter([proc.pid]);
      const rss = sampleRss([proc.pid]);
      const r = await runLoad({ urls: [proc.baseUrl], connections: 16, durationS: Number(opts.seconds), requests: cursor.requests() });
      const cpuUs = Math.round((cpu.stop() * 1000) / r.requests);
      const [rssMiB] = rss.stop();
      if (r.non2xx) throw new Error(`${label}: ${r.non2xx} answers not 2xx (${JSON.stringify(r.statusCodes)})`);
      await toggler?.drain(proc.baseUrl);
      results.get(label)!.push({ rps: r.rps, cpuUs, rssMiB });
      console.log(`round ${round + 1}  ${label.padEnd(20)} ${String(r.rps).padStart(7)} req/s  ${String(cpuUs).padStart(6)} µs CPU/req  ${rssMiB.toFixed(1).padStart(6)} MiB RSS`);
    }
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
  for (const [label, rs] of results) {
    console.log(`median  ${label.padEnd(20)} ${String(median(rs.map((r) => r.rps))).padStart(7)} req/s  ${String(median(rs.map((r) => r.cpuUs))).padStart(6)} µs CPU/req  ${Math.max(...rs.map((r) => r.rssMiB)).toFixed(1).padStart(6)} MiB RSS (peak)`);
  }
} finally {
  await Promise.all(servers.map((s) => s.proc.stop()));
}
// Each server's newest profile (the folder may hold older runs').
for (const server of opts['cpu-prof'] ? ['this', 'against', 'bare'] : []) {
  const dir = profileDir(server);
  if (!existsSync(dir)) continue;
  const newest = readdirSync(dir).filter((f) => f.endsWith('.cpuprofile')).map((f) => join(dir, f)).sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs)[0];
  const p = summariseProfile(newest, 30);
  console.log(`\n${newest}: ${p.busyMs} ms busy`);
  for (const a of p.areas) console.log(`  ${String(a.pct).padStart(5)} %  ${a.area}`);
  console.log('self:');
  for (const r of p.topSelf) console.log(`  ${String(r.selfPct).padStart(5)} %  ${r.name}  ${r.where}`);
  console.log('inclusive:');
  for (const r of p.topTotal) console.log(`  ${String(r.totalPct).padStart(5)} %  ${r.name}  ${r.where}`);
}
