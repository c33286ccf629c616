// `npm run bench [-- --quick] [--reseed] [--no-pg] [--no-peers] [--keep-data]`: one run that measures, on this
// machine and side by side, the ceiling (a bare node:http server sending the same liked_tweets bytes), the Likes API
// (SQLite; PostgreSQL + Redis with 1 and 2 instances; bearer and OAuth 1.0a), its peers (Prism, json-server), the
// scaling curves at 10 k / 1 M / 10 M likes, durable like writes, and a CPU profile of the hot path. Results go to
// bench/results/ (git-ignored); a full run also writes docs/benchmarks.md and docs/benchmarks-scaling.svg.
import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { encodeCursor } from '../src/domain/cursor.ts';
import type { DemoCredentials } from '../src/demo/demoSeed.ts';
import {
  SEED, postgresProbe, seedStore, sqliteProbe, type SeedOutcome, type SizeSpec, type StoreProbe,
} from './lib/data.ts';
import { oauth1Header, runLoad, sequentialLatency, type AcRequest, type LoadResult, type OAuth1Keys } from './lib/load.ts';
import { peerBin, startJsonServer, startPrism } from './lib/peers.ts';
import { ROOT, runToEnd, sampleRss, startLikesServer, startProc, stopAllSync, type Proc } from './lib/proc.ts';
import { readArgs } from '../src/cli/args.ts';
import { freePort } from '../test/support/net.ts';
import { urlWithDatabase, withAdmin } from '../test/support/postgres.ts';
import { summariseProfile, type ProfileSummary } from './lib/profile.ts';
import { renderMarkdown, type BenchResults, type MainRow, type ScalingPoint } from './lib/report.ts';

// ---- Options ----

const argv = process.argv.slice(2);
if (argv.includes('--help') || argv.includes('-h')) {
  console.log(`Usage: npm run bench [-- options]
  --quick       smaller datasets (10k/100k/1M likes) and 3 s loads: a few minutes
  --reseed      seed the SQLite datasets again even when bench/results/data has them
  --no-pg       skip PostgreSQL + Redis
  --no-peers    skip Prism and json-server
  --keep-data   keep the PostgreSQL databases (dropped by default)
  --only LIST   run only some sections (comma separated: main, peers, scaling, writes, profile); results go to
                bench/results/ only, docs/ is left as it is`);
  process.exit(0);
}
const options = (() => {
  try {
    return readArgs(argv, { quick: 'boolean', reseed: 'boolean', 'no-pg': 'boolean', 'no-peers': 'boolean', 'keep-data': 'boolean', only: 'string' }, { lastWins: true }).values;
  } catch (error) {
    console.error(`npm run bench: ${(error as Error).message} (see --help)`);
    process.exit(2);
  }
})();
const has = (f: string) => options.has(f.replace(/^--/, ''));
const QUICK = has('--quick');
const SECTIONS = ['main', 'peers', 'scaling', 'writes', 'profile'] as const;
type Section = (typeof SECTIONS)[number];
const onlyArg = (options.get('only') as string | undefined) ?? null;
const ONLY = onlyArg === null ? null : new Set(onlyArg.split(',').map((x) => x.trim()).filter(Boolean));
if (ONLY) {
  for (const x of ONLY) {
    if (!(SECTIONS as readonly string[]).includes(x)) {
      console.error(`--only: unknown section "${x}" (sections: ${SECTIONS.join(', ')})`);
      process.exit(2);
    }
  }
}
const run = (section: Section) => !ONLY || ONLY.has(section);
/** Only a complete full run rewrites docs/benchmarks.md and the chart. */
const WRITES_DOCS = !QUICK && !ONLY;
const RESULTS = join(ROOT, 'bench', 'results');
const DATA = join(RESULTS, 'data');
const STAMP = new Date().toISOString().replace(/[:.]/g, '-');
const RUN_DIR = join(RESULTS, `run-${STAMP}`);
const PG_ADMIN = process.env.LIKES_API_BENCH_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test';
const REDIS_URL = process.env.LIKES_API_BENCH_REDIS_URL || 'redis://127.0.0.1:6379';
const REDIS_PREFIX = `likes-bench-${process.pid}-${randomBytes(3).toString('hex')}:`;
const SPEC_FILE = join(ROOT, 'test', 'fixtures', 'x', 'x-openapi-likes-v2.159.json');

const SIZES: SizeSpec[] = QUICK
  ? [
      { label: '10k', users: 1_000, tweets: 10_000, likes: 10_000 },
      { label: '100k', users: 5_000, tweets: 50_000, likes: 100_000 },
      { label: '1M', users: 20_000, tweets: 200_000, likes: 1_000_000 },
    ]
  : [
      { label: '10k', users: 1_000, tweets: 10_000, likes: 10_000 },
      { label: '1M', users: 20_000, tweets: 200_000, likes: 1_000_000 },
      { label: '10M', users: 100_000, tweets: 1_000_000, likes: 10_000_000 },
    ];
/** The dataset of the side-by-side table. */
const MAIN = SIZES[1];
const LARGEST = SIZES[SIZES.length - 1];
const WARM_S = QUICK ? 1 : 2;
const LOAD_S = QUICK ? 3 : 8;
const CONNECTIONS = 16;
const LATENCY = { count: QUICK ? 150 : 400, maxMs: QUICK ? 2000 : 5000, warmup: 30 };
const PAGE = 100;

const log = (s: string) => console.log(s);
const started = performance.now();
const elapsed = () => `${((performance.now() - started) / 1000).toFixed(0)} s`;
const seconds = () => Math.round((performance.now() - started) / 1000);

// The machine may be shared: the 1-minute load average is sampled every 5 s and reported per section, so that a
// section measured while other work ran can be told apart from one measured on a quiet machine.
const loadSamples: { atS: number; load1: number }[] = [];
const loadTimer = setInterval(() => loadSamples.push({ atS: seconds(), load1: loadavg()[0] }), 5000);
loadTimer.unref();
const sectionSpans: { section: string; fromS: number; toS: number }[] = [];
async function timed<T>(section: string, work: () => Promise<T>): Promise<T> {
  const fromS = seconds();
  loadSamples.push({ atS: fromS, load1: loadavg()[0] });
  try {
    return await work();
  } finally {
    sectionSpans.push({ section, fromS, toS: seconds() });
  }
}

/** The commit the servers ran from, with "+dirty" when src/, bin/ or package.json had uncommitted changes. */
function gitState(): string {
  try {
    const head = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT }).toString().trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--', 'src', 'bin', 'package.json'], { cwd: ROOT }).toString().trim();
    return `${head}${dirty ? '+dirty' : ''}`;
  } catch {
    return 'unknown';
  }
}

process.on('exit', stopAllSync);
for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.once(sig, () => {
    stopAllSync();
    process.exit(130);
  });
}

// ---- Request shapes ----

const EXPANDED = 'expansions=author_id,referenced_tweets.id&tweet.fields=created_at,public_metrics,author_id';
const likedPath = (userId: string, extra = '') => `/2/users/${userId}/liked_tweets?max_results=${PAGE}${extra ? `&${extra}` : ''}`;
const likingPath = (tweetId: string) => `/2/tweets/${tweetId}/liking_users?max_results=${PAGE}`;

function oauth1Keys(creds: DemoCredentials, user: number): OAuth1Keys {
  const u = creds.users[user];
  return { consumerKey: creds.app.consumerKey, consumerSecret: creds.app.consumerSecret, token: u.accessToken, tokenSecret: u.accessTokenSecret };
}

type Auth = 'bearer' | 'oauth1';

function readRequests(path: string, auth: Auth, creds: DemoCredentials): AcRequest[] {
  if (auth === 'bearer') return [{ method: 'GET', path, headers: { authorization: `Bearer ${creds.app.bearerToken}` } }];
  // OAuth 1.0a as the second token holder (an ordinary user reading someone's public likes).
  const keys = oauth1Keys(creds, 1);
  return [
    {
      method: 'GET',
      path,
      setupRequest: (req) => ({ ...req, headers: { authorization: oauth1Header(keys, 'GET', path) } }),
    },
  ];
}

/** (holder, tweet) pairs the holder has not liked, handed out round robin. */
class PairPool {
  private next = 0;
  constructor(readonly pairs: { user: number; tweet: string }[]) {}
  take() {
    const p = this.pairs[this.next % this.pairs.length];
    this.next++;
    return p;
  }
  get used() {
    return this.next;
  }
}

function userAuthHeader(creds: DemoCredentials, auth: Auth, user: number, method: string, path: string): string {
  return auth === 'bearer' ? `Bearer ${creds.users[user].oauth2AccessToken}` : oauth1Header(oauth1Keys(creds, user), method, path);
}

/** POST like then DELETE the same like, per connection, on pairs from the pool (each pair toggles back). */
function toggleRequests(creds: DemoCredentials, auth: Auth, pool: PairPool): AcRequest[] {
  return [
    {
      method: 'POST',
      path: '/',
      setupRequest: (req, ctx) => {
        const p = pool.take();
        ctx.pair = p;
        const path = `/2/users/${creds.users[p.user].id}/likes`;
        return {
          ...req,
          path,
          headers: { authorization: userAuthHeader(creds, auth, p.user, 'POST', path), 'content-type': 'application/json' },
          body: JSON.stringify({ tweet_id: p.tweet }),
        };
      },
    },
    {
      method: 'DELETE',
      path: '/',
      setupRequest: (req, ctx) => {
        const p = ctx.pair as { user: number; tweet: string };
        const path = `/2/users/${creds.users[p.user].id}/likes/${p.tweet}`;
        return { ...req, path, headers: { authorization: userAuthHeader(creds, auth, p.user, 'DELETE', path) } };
      },
    },
  ];
}

/** POST like of a pair never liked before: every request is one new durable like. */
function likeRequests(creds: DemoCredentials, pool: PairPool): AcRequest[] {
  return [
    {
      method: 'POST',
      path: '/',
      setupRequest: (req) => {
        const p = pool.take();
        const path = `/2/users/${creds.users[p.user].id}/likes`;
        return {
          ...req,
          path,
          headers: { authorization: `Bearer ${creds.users[p.user].oauth2AccessToken}`, 'content-type': 'application/json' },
          body: JSON.stringify({ tweet_id: p.tweet }),
        };
      },
    },
  ];
}

async function pairPools(probe: StoreProbe, creds: DemoCredentials, perUser: number): Promise<{ toggle: PairPool; durable: PairPool }> {
  const toggle: { user: number; tweet: string }[] = [];
  const durable: { user: number; tweet: string }[] = [];
  const lists = [];
  for (let u = 0; u < creds.users.length; u++) lists.push(await probe.unlikedTweets(creds.users[u].id, perUser));
  // Interleave users so that consecutive requests write to different users' index ranges, as real traffic does.
  for (let i = 0; i < perUser; i++) {
    for (let u = 0; u < lists.length; u++) {
      const t = lists[u][i];
      if (t === undefined) continue;
      (i % 8 === 0 ? toggle : durable).push({ user: u, tweet: t });
    }
  }
  return { toggle: new PairPool(toggle), durable: new PairPool(durable) };
}

// ---- Measuring ----

async function measure(label: string, urls: string[], connections: number, requests: AcRequest[], pids: number[]): Promise<LoadResult & { rssMiB: number[] }> {
  await runLoad({ urls, connections, durationS: WARM_S, requests });
  const rss = sampleRss(pids);
  const r = await runLoad({ urls, connections, durationS: LOAD_S, requests });
  const rssMiB = rss.stop();
  const bad = r.non2xx + r.errors;
  log(
    `  ${label.padEnd(52)} ${String(r.rps).padStart(7)} req/s  p50 ${r.p50.toFixed(2).padStart(6)} ms  p99 ${r.p99.toFixed(2).padStart(6)} ms  ` +
      `RSS ${rssMiB.join('+')} MiB${bad ? `  (${r.non2xx} non-2xx, ${r.errors} errors: ${JSON.stringify(r.statusCodes)})` : ''}`,
  );
  return { ...r, rssMiB };
}

async function capture(url: string, headers: Record<string, string>): Promise<{ status: number; headers: Record<string, string>; body: string }> {
  const res = await fetch(url, { headers });
  const body = await res.text();
  const out: Record<string, string> = {};
  res.headers.forEach((v, k) => {
    if (!['date', 'connection', 'keep-alive', 'content-length', 'transfer-encoding'].includes(k)) out[k] = v;
  });
  return { status: res.status, headers: out, body };
}

const sha = (s: string) => createHash('sha256').update(s).digest('hex').slice(0, 16);

function versions(): Record<string, string> {
  const v = (file: string) => {
    try {
      return (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version;
    } catch {
      return 'not installed';
    }
  };
  return {
    node: process.version,
    'likes-api': v(join(ROOT, 'package.json')),
    fastify: v(join(ROOT, 'node_modules/fastify/package.json')),
    'better-sqlite3': v(join(ROOT, 'node_modules/better-sqlite3/package.json')),
    pg: v(join(ROOT, 'node_modules/pg/package.json')),
    ioredis: v(join(ROOT, 'node_modules/ioredis/package.json')),
    autocannon: v(join(ROOT, 'bench/node_modules/autocannon/package.json')),
    '@stoplight/prism-cli': v(join(ROOT, 'bench/node_modules/@stoplight/prism-cli/package.json')),
    'json-server': v(join(ROOT, 'bench/node_modules/json-server/package.json')),
  };
}

function ensureBenchDeps(): void {
  if (existsSync(join(ROOT, 'bench', 'node_modules', 'autocannon'))) return;
  log('Installing benchmark tools (npm ci --prefix bench)...');
  try {
    execFileSync('npm', ['ci', '--prefix', join(ROOT, 'bench'), '--no-audit', '--no-fund'], { stdio: 'inherit', timeout: 10 * 60_000 });
  } catch (error) {
    // A peer that cannot be installed is recorded, not fatal; autocannon is needed for any load at all.
    log(`npm ci --prefix bench failed: ${(error as Error).message}`);
    if (!existsSync(join(ROOT, 'bench', 'node_modules', 'autocannon'))) {
      execFileSync('npm', ['install', '--prefix', join(ROOT, 'bench'), '--no-audit', '--no-fund', '--no-save', 'autocannon@8.0.0'], { stdio: 'inherit', timeout: 10 * 60_000 });
    }
  }
}

async function reachable(what: 'pg' | 'redis'): Promise<string | null> {
  try {
    if (what === 'pg') await withAdmin((c) => c.query('SELECT 1'), PG_ADMIN);
    else {
      const r = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1, connectTimeout: 2000 });
      try {
        await r.connect();
        await r.ping();
      } finally {
        r.disconnect();
      }
    }
    return null;
  } catch (error) {
    return (error as Error).message;
  }
}

async function redisVersion(): Promise<string> {
  const r = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
  try {
    const info = await r.info('server');
    return /redis_version:(\S+)/.exec(info)?.[1] ?? '?';
  } finally {
    r.disconnect();
  }
}

async function cleanRedis(): Promise<void> {
  const r = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
  try {
    let cursor = '0';
    let rounds = 0;
    do {
      const [next, keys] = await r.scan(cursor, 'MATCH', `${REDIS_PREFIX}*`, 'COUNT', 1000);
      if (keys.length) await r.del(...keys);
      cursor = next;
    } while (cursor !== '0' && ++rounds < 100_000);
  } finally {
    r.disconnect();
  }
}

// ---- The run ----

async function main(): Promise<void> {
  mkdirSync(RUN_DIR, { recursive: true });
  mkdirSync(DATA, { recursive: true });
  ensureBenchDeps();
  const results: BenchResults = {
    mode: QUICK ? 'quick' : 'full',
    date: new Date().toISOString(),
    machine: {
      cpu: cpus()[0]?.model ?? '?',
      cores: cpus().length,
      memoryGiB: Math.round(totalmem() / 2 ** 30),
      kernel: (() => {
        try {
          return execFileSync('uname', ['-sr']).toString().trim();
        } catch {
          return '?';
        }
      })(),
      loadavgStart: loadavg().map((x) => Math.round(x * 100) / 100),
      loadavgEnd: [],
    },
    versions: { ...versions(), commit: gitState() },
    settings: { warmS: WARM_S, loadS: LOAD_S, connections: CONNECTIONS, page: PAGE, latency: LATENCY, seed: SEED },
    sizes: SIZES,
    mainLabel: MAIN.label,
    seeds: [],
    main: [],
    peers: [],
    scaling: [],
    startup: [],
    writes: [],
    profiles: [],
    notes: [],
    durationS: 0,
  };
  const pgProblem = has('--no-pg') ? 'skipped (--no-pg)' : (await reachable('pg')) ?? (await reachable('redis'));
  if (pgProblem) results.notes.push(`PostgreSQL + Redis rows not measured: ${pgProblem}`);

  // 1. Datasets
  log(`[${elapsed()}] Seeding SQLite datasets`);
  const sqliteSeeds = new Map<string, SeedOutcome>();
  const seedingFrom = seconds();
  for (const size of run('scaling') ? SIZES : [MAIN]) {
    const s = await seedStore({ spec: size, dataDir: join(DATA, `sqlite-${size.label}`), reuse: !has('--reseed'), log });
    sqliteSeeds.set(size.label, s);
    results.seeds.push(seedRow(s));
    log(`  sqlite ${size.label}: ${s.report.likesPerSecond} likes/s (${(s.wallMs / 1000).toFixed(1)} s wall)${s.reused ? ' [reused]' : ''}`);
  }
  const pgDbs: string[] = [];
  const pgSeeds = new Map<string, SeedOutcome>();
  const needsPg = run('main') || run('scaling') || run('writes');
  if (!pgProblem && needsPg) {
    log(`[${elapsed()}] Seeding PostgreSQL datasets`);
    results.versions.postgresql = await withAdmin(async (c) => String((await c.query('SHOW server_version')).rows[0].server_version), PG_ADMIN);
    results.versions.redis = await redisVersion();
    for (const size of QUICK || !run('scaling') ? [MAIN] : [MAIN, LARGEST]) {
      const db = `likes_bench_${size.label.toLowerCase()}_${process.pid}`;
      await withAdmin(async (c) => {
        await c.query(`DROP DATABASE IF EXISTS ${db} WITH (FORCE)`);
        await c.query(`CREATE DATABASE ${db}`);
      }, PG_ADMIN);
      pgDbs.push(db);
      const s = await seedStore({ spec: size, dataDir: join(RUN_DIR, `pg-${size.label}`), databaseUrl: urlWithDatabase(PG_ADMIN, db), reuse: false, log });
      pgSeeds.set(size.label, s);
      results.seeds.push(seedRow(s));
      log(`  postgres ${size.label}: ${s.report.likesPerSecond} likes/s (${(s.wallMs / 1000).toFixed(1)} s wall)`);
    }
  }
  sectionSpans.push({ section: 'seeding', fromS: seedingFrom, toS: seconds() });

  try {
    if (run('main') || run('peers')) {
      await timed('side by side', () => mainTable(results, sqliteSeeds.get(MAIN.label)!, run('main') ? pgSeeds.get(MAIN.label) : undefined, run('main')));
    }
    if (run('peers') && !has('--no-peers')) await timed('peers', () => peers(results, sqliteSeeds.get(MAIN.label)!));
    if (run('scaling')) await timed('scaling', () => scaling(results, sqliteSeeds, pgSeeds));
    if (run('writes')) await timed('writes', () => writes(results, sqliteSeeds.get(MAIN.label)!, pgSeeds.get(MAIN.label)));
    if (run('profile')) results.profiles = await timed('profiles', () => profiles(sqliteSeeds.get(MAIN.label)!));
  } finally {
    stopAllSync();
    if (!pgProblem) await cleanRedis().catch(() => {});
    if (!has('--keep-data') && pgDbs.length) {
      await withAdmin(async (c) => {
        for (const db of pgDbs) await c.query(`DROP DATABASE IF EXISTS ${db} WITH (FORCE)`);
      }, PG_ADMIN).catch((e) => log(`could not drop ${pgDbs.join(', ')}: ${(e as Error).message}`));
    }
    rmSync(join(DATA, 'work-sqlite'), { recursive: true, force: true });
  }

  results.machine.loadavgEnd = loadavg().map((x) => Math.round(x * 100) / 100);
  clearInterval(loadTimer);
  results.machine.loadBySection = sectionSpans.map(({ section, fromS, toS }) => {
    const inside = loadSamples.filter((x) => x.atS >= fromS && x.atS <= toS).map((x) => x.load1);
    const r2 = (x: number) => Math.round(x * 100) / 100;
    return { section, fromS, toS, min: inside.length ? r2(Math.min(...inside)) : null, max: inside.length ? r2(Math.max(...inside)) : null };
  });
  const commitAtEnd = gitState();
  if (commitAtEnd !== results.versions.commit) {
    results.notes.push(`the working tree changed during the run (${results.versions.commit} at the start, ${commitAtEnd} at the end): servers started later ran the newer code`);
  }
  results.durationS = Math.round((performance.now() - started) / 1000);
  const json = join(RESULTS, `bench-${STAMP}.json`);
  writeFileSync(json, JSON.stringify(results, null, 2));
  const kind = WRITES_DOCS ? '' : QUICK ? '-quick' : '-partial';
  writeFileSync(join(RESULTS, `latest${kind}.json`), JSON.stringify(results, null, 2));
  const markdownTarget = WRITES_DOCS ? join(ROOT, 'docs', 'benchmarks.md') : join(RESULTS, `benchmarks${kind}.md`);
  const svgTarget = WRITES_DOCS ? join(ROOT, 'docs', 'benchmarks-scaling.svg') : join(RESULTS, `benchmarks-scaling${kind}.svg`);
  const previous = existsSync(markdownTarget) ? readFileSync(markdownTarget, 'utf8') : existsSync(join(ROOT, 'docs', 'benchmarks.md')) ? readFileSync(join(ROOT, 'docs', 'benchmarks.md'), 'utf8') : '';
  mkdirSync(join(ROOT, 'docs'), { recursive: true });
  writeFileSync(markdownTarget, renderMarkdown(results, previous, svgTarget.slice(svgTarget.lastIndexOf('/') + 1)));
  if (results.scaling.length) await runToEnd(process.execPath, [join(ROOT, 'scripts', 'bench-chart.mjs'), json, svgTarget], { timeoutMs: 60_000 });
  log(`[${elapsed()}] Done in ${results.durationS} s. Results: ${json}\n  ${markdownTarget}\n  ${svgTarget}`);
}

function seedRow(s: SeedOutcome) {
  return {
    store: s.store,
    label: s.label,
    spec: s.spec,
    likesPerSecond: s.report.likesPerSecond,
    ms: s.report.ms,
    finishSteps: s.report.finishSteps,
    wallMs: s.wallMs,
    reused: s.reused,
    heavyLikerLikes: s.report.heavyLikerLikes,
    popularTweetLikes: s.report.popularTweetLikes,
  };
}

/** A copy of a SQLite dataset for workloads that write (the seeded originals stay as seeded). */
function workCopy(seed: SeedOutcome): string {
  const dir = join(DATA, 'work-sqlite');
  rmSync(dir, { recursive: true, force: true });
  cpSync(seed.dataDir, dir, { recursive: true });
  return dir;
}

interface Scenario {
  id: string;
  label: string;
  auth: Auth;
  requests: (creds: DemoCredentials, pools: { toggle: PairPool }) => AcRequest[];
}

function scenarios(seed: SeedOutcome): Scenario[] {
  const heavy = seed.creds.heavyLikerUserId;
  const popular = seed.creds.popularTweetId;
  const list: Scenario[] = [];
  for (const auth of ['bearer', 'oauth1'] as const) {
    const how = auth === 'bearer' ? 'app bearer' : 'OAuth 1.0a';
    list.push(
      { id: `liked_tweets:${auth}`, label: `liked_tweets page of 100, default fields (${how})`, auth, requests: (c) => readRequests(likedPath(heavy), auth, c) },
      { id: `liked_tweets_expanded:${auth}`, label: `liked_tweets page of 100, expansions + fields (${how})`, auth, requests: (c) => readRequests(likedPath(heavy, EXPANDED), auth, c) },
      { id: `liking_users:${auth}`, label: `liking_users page of 100, most liked Tweet (${how})`, auth, requests: (c) => readRequests(likingPath(popular), auth, c) },
      {
        id: `like_unlike:${auth}`,
        label: `like + unlike (${auth === 'bearer' ? 'OAuth 2.0 user bearer' : 'OAuth 1.0a'})`,
        auth,
        requests: (c, pools) => toggleRequests(c, auth, pools.toggle),
      },
    );
  }
  return list;
}

async function mainTable(results: BenchResults, sqlite: SeedOutcome, pgSeed: SeedOutcome | undefined, measureOurs: boolean): Promise<void> {
  const creds = sqlite.creds;
  const probePath = likedPath(creds.heavyLikerUserId);
  const workDir = workCopy(sqlite);
  const probe = sqliteProbe(join(workDir, 'likes.db'));
  results.versions.sqlite = await probe.version();
  const pools = await pairPools(probe, creds, QUICK ? 20_000 : 40_000);
  await probe.close();

  log(`[${elapsed()}] Side by side on ${MAIN.label} likes (${CONNECTIONS} connections per instance, ${LOAD_S} s after ${WARM_S} s warm-up)`);
  const server = await startLikesServer({ name: 'likes-sqlite', dataDir: workDir, probePath, bearer: creds.app.bearerToken });
  const page = await capture(`${server.baseUrl}${probePath}`, { authorization: `Bearer ${creds.app.bearerToken}` });
  if (page.status !== 200) throw new Error(`liked_tweets answered ${page.status}: ${page.body.slice(0, 300)}`);
  writeFileSync(join(RUN_DIR, 'liked-page.json'), JSON.stringify(page));
  results.pageBytes = Buffer.byteLength(page.body);
  results.pageSha = sha(page.body);
  // The heavy liker's first 1000 liked Tweets (10 pages), the data json-server serves.
  const tweets: unknown[] = [];
  let next: string | undefined;
  for (let i = 0; i < 10; i++) {
    const p = await capture(`${server.baseUrl}${probePath}${next ? `&pagination_token=${next}` : ''}`, { authorization: `Bearer ${creds.app.bearerToken}` });
    const doc = JSON.parse(p.body) as { data?: unknown[]; meta: { next_token?: string } };
    tweets.push(...(doc.data ?? []));
    next = doc.meta.next_token;
    if (!next) break;
  }
  writeFileSync(join(RUN_DIR, 'liked-tweets-1000.json'), JSON.stringify(tweets));

  // Ceiling: the same headers and body bytes from a bare node:http server in its own process.
  const ceilingPort = await freePort();
  const ceiling = await startProc({
    name: 'ceiling',
    command: process.execPath,
    args: [join(ROOT, 'bench', 'ceiling-server.mjs'), String(ceilingPort), join(RUN_DIR, 'liked-page.json')],
    port: ceilingPort,
    probePath,
  });
  if (!measureOurs) {
    // Peers only: the page and the 1000 Tweets are captured; the ceiling still anchors the ratios.
    await server.stop();
  }
  const ceilingRow = await measure('ceiling: node:http, pre-serialised page', [ceiling.baseUrl], CONNECTIONS, [{ method: 'GET', path: probePath }], [ceiling.pid]);
  await ceiling.stop();
  results.main.push(row('ceiling', 'ceiling', 'ceiling: bare node:http sending the same page bytes', 1, ceilingRow));

  if (!measureOurs) return;
  for (const s of scenarios(sqlite)) {
    const r = await measure(`sqlite: ${s.label}`, [server.baseUrl], CONNECTIONS, s.requests(creds, pools), [server.pid]);
    results.main.push(row('sqlite', s.id, s.label, 1, r));
  }
  await server.stop();
  // The same reads with the response cache off: every request computes its page (what a cache miss costs).
  const uncached = await startLikesServer({ name: 'likes-sqlite-nocache', dataDir: workDir, probePath, bearer: creds.app.bearerToken, env: { LIKES_API_CACHE: 'off' } });
  for (const s of scenarios(sqlite).filter((x) => x.auth === 'bearer' && !x.id.startsWith('like_unlike'))) {
    const r = await measure(`sqlite, cache off: ${s.label}`, [uncached.baseUrl], CONNECTIONS, s.requests(creds, pools), [uncached.pid]);
    results.main.push(row('sqlite', s.id, s.label, 1, r, false));
  }
  await uncached.stop();

  if (!pgSeed) return;
  const pgCreds = pgSeed.creds;
  const pgProbe = await postgresProbe(pgSeed.databaseUrl!);
  const pgPools = await pairPools(pgProbe, pgCreds, QUICK ? 20_000 : 40_000);
  await pgProbe.close();
  for (const instances of [1, 2]) {
    const servers: Proc[] = [];
    for (let i = 0; i < instances; i++) {
      servers.push(
        await startLikesServer({
          name: `likes-pg-${i}`, dataDir: pgSeed.dataDir, databaseUrl: pgSeed.databaseUrl, redisUrl: REDIS_URL, redisPrefix: REDIS_PREFIX,
          probePath, bearer: pgCreds.app.bearerToken,
        }),
      );
    }
    if (instances === 1) {
      const pgPage = await capture(`${servers[0].baseUrl}${likedPath(pgCreds.heavyLikerUserId)}`, { authorization: `Bearer ${pgCreds.app.bearerToken}` });
      results.pgPageSha = sha(pgPage.body);
      if (results.pgPageSha !== results.pageSha) results.notes.push('The liked_tweets page from PostgreSQL differs from the SQLite one (same seed): check the stores.');
    }
    const store = `postgres-${instances}`;
    for (const s of scenarios(pgSeed)) {
      const r = await measure(`pg+redis ×${instances}: ${s.label}`, servers.map((x) => x.baseUrl), CONNECTIONS * instances, s.requests(pgCreds, pgPools), servers.map((x) => x.pid));
      results.main.push(row(store, s.id, s.label, instances, r));
    }
    for (const x of servers) await x.stop();
  }
  // One instance with the response cache off: the cost of computing a page on PostgreSQL.
  const pgUncached = await startLikesServer({
    name: 'likes-pg-nocache', dataDir: pgSeed.dataDir, databaseUrl: pgSeed.databaseUrl, redisUrl: REDIS_URL, redisPrefix: REDIS_PREFIX,
    probePath, bearer: pgCreds.app.bearerToken, env: { LIKES_API_CACHE: 'off' },
  });
  for (const s of scenarios(pgSeed).filter((x) => x.id === 'liked_tweets:bearer')) {
    const r = await measure(`pg+redis ×1, cache off: ${s.label}`, [pgUncached.baseUrl], CONNECTIONS, s.requests(pgCreds, pgPools), [pgUncached.pid]);
    results.main.push(row('postgres-1', s.id, s.label, 1, r, false));
  }
  await pgUncached.stop();
}

function row(store: string, id: string, label: string, instances: number, r: LoadResult & { rssMiB: number[] }, cache = true): MainRow {
  return {
    store, id, label, instances, cache, rps: r.rps, p50: r.p50, p90: r.p90, p99: r.p99, rssMiB: r.rssMiB, bytesPerResponse: r.bytesPerResponse,
    requests: r.requests, non2xx: r.non2xx, errors: r.errors, statusCodes: r.statusCodes,
  };
}

async function peers(results: BenchResults, sqlite: SeedOutcome): Promise<void> {
  const creds = sqlite.creds;
  const path = likedPath(creds.heavyLikerUserId);
  log(`[${elapsed()}] Peers`);
  const page = JSON.parse(readFileSync(join(RUN_DIR, 'liked-page.json'), 'utf8')) as { body: string };

  // Prism on X's OpenAPI document as it is, and on a copy whose liked_tweets example is our exact page.
  const spec = JSON.parse(readFileSync(SPEC_FILE, 'utf8'));
  const withPage = structuredClone(spec);
  withPage.paths['/2/users/{id}/liked_tweets'].get.responses['200'].content['application/json'].example = JSON.parse(page.body);
  const withPageFile = join(RUN_DIR, 'x-openapi-with-our-page.json');
  writeFileSync(withPageFile, JSON.stringify(withPage));
  const prismVersion = peerBin('@stoplight/prism-cli', 'prism')?.version;
  for (const [id, file, label] of [
    ['prism', SPEC_FILE, `Stoplight Prism ${prismVersion ?? ''} mock of x-openapi-likes-v2.159.json (its own example)`],
    ['prism-our-page', withPageFile, `Stoplight Prism ${prismVersion ?? ''} mock, our page as the example (same bytes)`],
  ] as const) {
    try {
      const prism = await startPrism(file, path, creds.app.bearerToken);
      const sample = await capture(`${prism.baseUrl}${path}`, { authorization: `Bearer ${creds.app.bearerToken}` });
      const r = await measure(`peer: ${label}`, [prism.baseUrl], CONNECTIONS, readRequests(path, 'bearer', creds), [prism.pid]);
      await prism.stop();
      results.peers.push({ ...row(id, id, label, 1, r), sameBytes: sha(sample.body) === results.pageSha, bodyBytes: Buffer.byteLength(sample.body) });
    } catch (error) {
      log(`  ${id}: not measured: ${(error as Error).message.split('\n')[0]}`);
      results.peers.push({ store: id, id, label, error: (error as Error).message.split('\n')[0] });
    }
  }

  // json-server on the same Tweets: the heavy liker's first 1000 liked Tweets, paged 100 at a time.
  try {
    const tweets = JSON.parse(readFileSync(join(RUN_DIR, 'liked-tweets-1000.json'), 'utf8')) as unknown[];
    const db = join(RUN_DIR, 'json-server');
    mkdirSync(db, { recursive: true });
    writeFileSync(join(db, 'db.json'), JSON.stringify({ liked_tweets: tweets.slice(0, 1000) }));
    const jsPath = '/liked_tweets?_page=1&_limit=100';
    const js = await startJsonServer(join(db, 'db.json'), jsPath);
    const sample = await capture(`${js.baseUrl}${jsPath}`, {});
    const label = `json-server ${peerBin('json-server', 'json-server')?.version ?? ''}: the same 100 Tweets (GET ${jsPath})`;
    const r = await measure(`peer: ${label}`, [js.baseUrl], CONNECTIONS, [{ method: 'GET', path: jsPath }], [js.pid]);
    await js.stop();
    results.peers.push({ ...row('json-server', 'json-server', label, 1, r), sameBytes: false, bodyBytes: Buffer.byteLength(sample.body) });
  } catch (error) {
    log(`  json-server: not measured: ${(error as Error).message.split('\n')[0]}`);
    results.peers.push({ store: 'json-server', id: 'json-server', label: 'json-server', error: (error as Error).message.split('\n')[0] });
  }
}

async function scaling(results: BenchResults, sqliteSeeds: Map<string, SeedOutcome>, pgSeeds: Map<string, SeedOutcome>): Promise<void> {
  log(`[${elapsed()}] Scaling curves (sequential requests: p50/p99 of ${LATENCY.count} after ${LATENCY.warmup} warm-up)`);
  const targets: { store: 'sqlite' | 'postgres'; seed: SeedOutcome }[] = [
    ...SIZES.map((s) => ({ store: 'sqlite' as const, seed: sqliteSeeds.get(s.label)! })),
    ...[...pgSeeds.values()].map((seed) => ({ store: 'postgres' as const, seed })),
  ];
  for (const { store, seed } of targets) {
    const creds = seed.creds;
    const heavy = creds.heavyLikerUserId;
    const probePath = likedPath(heavy);
    const bearer = { authorization: `Bearer ${creds.app.bearerToken}` };
    const probe = store === 'sqlite' ? sqliteProbe(join(seed.dataDir, 'likes.db')) : await postgresProbe(seed.databaseUrl!);
    const likes = await probe.likesOf(heavy);
    const fullPages = Math.floor(likes / PAGE);
    const tokenAt = async (pageIndex: number) => {
      if (pageIndex === 0) return null;
      const key = await probe.likeKeyAt(heavy, pageIndex * PAGE - 1);
      return encodeCursor({ direction: 'older', key });
    };
    const pages: { name: string; index: number }[] = [
      { name: 'first', index: 0 },
      { name: 'middle', index: Math.floor((fullPages - 1) / 2) },
      { name: 'deepest', index: Math.max(0, fullPages - 1) },
    ];
    const tokens = await Promise.all(pages.map((p) => tokenAt(p.index)));
    await probe.close();

    const starts: number[] = [];
    let server: Proc | null = null;
    const env = store === 'postgres' ? { databaseUrl: seed.databaseUrl, redisUrl: REDIS_URL, redisPrefix: REDIS_PREFIX } : {};
    // Start to first answer, three times (the first also warms the OS file cache). These servers run with the
    // response cache off, so that the latencies below are those of the keyset queries, not of cache hits.
    for (let i = 0; i < 3; i++) {
      if (server) await server.stop();
      server = await startLikesServer({
        name: `likes-${store}-${seed.label}`, dataDir: seed.dataDir, probePath, bearer: creds.app.bearerToken, ...env, env: { LIKES_API_CACHE: 'off' },
      });
      starts.push(server.readyMs);
    }
    results.startup.push({ store, label: seed.label, likes: seed.spec.likes, ms: starts });
    const point: ScalingPoint = { store, label: seed.label, likes: seed.spec.likes, heavyLikerLikes: likes, pages: [], likingUsers: null, load: null };
    for (let i = 0; i < pages.length; i++) {
      const url = `${server!.baseUrl}${probePath}${tokens[i] ? `&pagination_token=${tokens[i]}` : ''}`;
      const r = await sequentialLatency(url, bearer, LATENCY);
      point.pages.push({ name: pages[i].name, index: pages[i].index, ...r });
    }
    point.likingUsers = await sequentialLatency(`${server!.baseUrl}${likingPath(creds.popularTweetId)}`, bearer, LATENCY);
    await server!.stop();
    // Throughput and memory while serving this dataset, as configured by default (response cache on).
    server = await startLikesServer({ name: `likes-${store}-${seed.label}-cached`, dataDir: seed.dataDir, probePath, bearer: creds.app.bearerToken, ...env });
    const load = await measure(`${store} ${seed.label}: liked_tweets, same page (app bearer)`, [server.baseUrl], CONNECTIONS, readRequests(probePath, 'bearer', creds), [server.pid]);
    point.load = { rps: load.rps, p50: load.p50, p99: load.p99, rssMiB: load.rssMiB[0] };
    if (store === 'sqlite' && seed.label === LARGEST.label) {
      // Every page of the heaviest liker in turn: mostly cache misses, and the cache filling up to its budget.
      const keys = await varyProbe(seed, heavy);
      const paths = [probePath, ...keys.map((k) => `${probePath}&pagination_token=${encodeCursor({ direction: 'older', key: k })}`)];
      let i = 0;
      const requests: AcRequest[] = [
        { method: 'GET', path: probePath, headers: bearer, setupRequest: (req) => ({ ...req, path: paths[i++ % paths.length] }) },
      ];
      const varied = await measure(`${store} ${seed.label}: liked_tweets, ${paths.length} pages in turn`, [server.baseUrl], CONNECTIONS, requests, [server.pid]);
      point.varied = { pages: paths.length, rps: varied.rps, p50: varied.p50, p99: varied.p99, rssMiB: varied.rssMiB[0] };
    }
    await server.stop();
    results.scaling.push(point);
    const f = (x: number) => x.toFixed(2);
    log(
      `  ${store} ${seed.label.padEnd(4)} start ${starts.join('/')} ms; pages p50 ${point.pages.map((p) => `${p.name}#${p.index} ${f(p.p50)}`).join(', ')} ms; ` +
        `liking_users p50 ${f(point.likingUsers.p50)} ms`,
    );
  }
}

/** Start keys of the heaviest liker's pages after the first (up to 5000 pages). */
async function varyProbe(seed: SeedOutcome, userId: string): Promise<{ likedAt: number; id: string }[]> {
  const probe = seed.store === 'sqlite' ? sqliteProbe(join(seed.dataDir, 'likes.db')) : await postgresProbe(seed.databaseUrl!);
  try {
    return await probe.pageKeys(userId, PAGE, 4999);
  } finally {
    await probe.close();
  }
}

async function writes(results: BenchResults, sqlite: SeedOutcome, pgSeed: SeedOutcome | undefined): Promise<void> {
  log(`[${elapsed()}] Durable like writes (each request a new like, OAuth 2.0 user bearer)`);
  const runs: { store: string; instances: number; seed: SeedOutcome; dataDir: string }[] = [
    { store: 'sqlite', instances: 1, seed: sqlite, dataDir: workCopy(sqlite) },
  ];
  if (pgSeed) runs.push({ store: 'postgres', instances: 2, seed: pgSeed, dataDir: pgSeed.dataDir });
  for (const run of runs) {
    const creds = run.seed.creds;
    const probe = run.store === 'sqlite' ? sqliteProbe(join(run.dataDir, 'likes.db')) : await postgresProbe(run.seed.databaseUrl!);
    const { durable } = await pairPools(probe, creds, QUICK ? 20_000 : 60_000);
    const holders = creds.users.map((u) => u.id);
    const before = await probe.likesOfUsers(holders);
    const servers: Proc[] = [];
    for (let i = 0; i < run.instances; i++) {
      servers.push(
        await startLikesServer({
          name: `likes-${run.store}-writes-${i}`, dataDir: run.dataDir, probePath: likedPath(creds.heavyLikerUserId), bearer: creds.app.bearerToken,
          ...(run.store === 'postgres' ? { databaseUrl: run.seed.databaseUrl, redisUrl: REDIS_URL, redisPrefix: REDIS_PREFIX } : {}),
        }),
      );
    }
    const rss = sampleRss(servers.map((s) => s.pid));
    const r = await runLoad({ urls: servers.map((s) => s.baseUrl), connections: CONNECTIONS * run.instances, durationS: LOAD_S, requests: likeRequests(creds, durable) });
    const rssMiB = rss.stop();
    for (const s of servers) await s.stop();
    const after = await probe.likesOfUsers(holders);
    await probe.close();
    const created = after - before;
    const perSecond = Math.round(created / r.seconds);
    results.writes.push({
      store: run.store, instances: run.instances, likesCreated: created, seconds: r.seconds, likesPerSecond: perSecond, rps: r.rps,
      p50: r.p50, p99: r.p99, rssMiB, non2xx: r.non2xx, errors: r.errors, poolExhausted: durable.used > durable.pairs.length,
    });
    log(`  ${run.store} ×${run.instances}: ${created} new likes in ${r.seconds} s = ${perSecond} likes/s (p50 ${r.p50} ms, p99 ${r.p99} ms)`);
  }
}

type Profiled = ProfileSummary & { id: string; label: string; rps: number };

/** One CPU profile of a SQLite server under one workload; only the samples of the measured load are summarised. */
async function profileOne(
  id: string, label: string, dataDir: string, creds: DemoCredentials, requests: AcRequest[], env: Record<string, string> = {},
): Promise<Profiled> {
  log(`[${elapsed()}] CPU profile: ${label}`);
  const dir = join(RUN_DIR, `profile-${id}`);
  mkdirSync(dir, { recursive: true });
  const path = likedPath(creds.heavyLikerUserId);
  const server = await startLikesServer({
    name: `likes-profiled-${id}`, dataDir, probePath: path, bearer: creds.app.bearerToken, env,
    nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${dir}`],
  });
  await runLoad({ urls: [server.baseUrl], connections: CONNECTIONS, durationS: WARM_S, requests });
  const r = await runLoad({ urls: [server.baseUrl], connections: CONNECTIONS, durationS: LOAD_S, requests });
  const loadEnded = performance.now();
  await server.stop();
  // Samples of the measured load only: from its start to its end, counted back from when the profile ended.
  const tailMs = performance.now() - loadEnded;
  // One profile per thread (tsx's module loader runs in a worker): the main thread's is CPU.<date>.<time>.<pid>.0.<n>.
  const files = readdirSync(dir).filter((f) => f.endsWith('.cpuprofile')).map((f) => join(dir, f));
  if (files.length === 0) throw new Error(`no .cpuprofile written in ${dir}:\n${server.output()}`);
  const mainThread = files.filter((f) => /\.\d+\.0\.\d+\.cpuprofile$/.test(f));
  const chosen = (mainThread.length ? mainThread : files).sort((a, b) => statSync(b).size - statSync(a).size)[0];
  const summary = summariseProfile(chosen, 20, { fromEndMs: tailMs + r.seconds * 1000, toEndMs: tailMs });
  log(`  ${r.rps} req/s under the profiler; top areas: ${summary.areas.slice(0, 5).map((a) => `${a.area} ${a.pct}%`).join(', ')}`);
  return { ...summary, id, label, file: chosen.replace(`${ROOT}/`, ''), rps: r.rps };
}

async function profiles(sqlite: SeedOutcome): Promise<Profiled[]> {
  const creds = sqlite.creds;
  const out: Profiled[] = [];
  // The hot path: the liked_tweets page of 100 with the app bearer (read-only: the seeded dataset itself), as
  // served by default (the same page again: response cache hits) and computed every time (cache off).
  const liked = readRequests(likedPath(creds.heavyLikerUserId), 'bearer', creds);
  out.push(await profileOne('liked_tweets', `liked_tweets page of 100, app bearer, SQLite ${MAIN.label} (default: response cache on)`, sqlite.dataDir, creds, liked));
  out.push(
    await profileOne('liked_tweets_nocache', `liked_tweets page of 100, app bearer, SQLite ${MAIN.label}, response cache off`, sqlite.dataDir, creds, liked, { LIKES_API_CACHE: 'off' }),
  );
  // The write path: new likes (on a copy of the dataset).
  const work = workCopy(sqlite);
  const probe = sqliteProbe(join(work, 'likes.db'));
  const { durable } = await pairPools(probe, creds, QUICK ? 20_000 : 60_000);
  await probe.close();
  out.push(await profileOne('like', `POST like (a new like each time), OAuth 2.0 user bearer, SQLite ${MAIN.label}`, work, creds, likeRequests(creds, durable)));
  return out;
}

main().catch((error) => {
  stopAllSync();
  console.error(error);
  process.exit(1);
});
