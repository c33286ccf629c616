// `npm run soak [-- --minutes N] [--store sqlite|postgres] [--rate R] [--concurrency C] [--out FILE]`: a bounded
// soak on loopback. Starts `likes-api serve` on the demo world (SQLite by default; PostgreSQL + Redis on a throwaway
// database and Redis prefix), drives a steady mix of reads (liked_tweets, liking_users; bearer, OAuth 2.0 user and
// OAuth 1.0a tokens from the demo credentials; various fields, page sizes and pagination tokens) and writes
// (likes/unlikes) at a fixed rate and concurrency, and samples the server every few seconds: RSS, V8 heap used,
// external memory (cached response Buffers), p50/p99 latency, server CPU per request, open file descriptors,
// established TCP connections, errors. It ends with a start/end table and a verdict per metric (flat = the end is
// within a tolerance of the start, after warm-up), printed and written as a markdown section. Bounded: at most `rate × seconds` requests (and MAX_REQUESTS), at most 60 minutes.
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { buildDemoWorld, type DemoCredentials } from '../src/demo/demoSeed.ts';
import { Prng } from '../src/demo/prng.ts';
import { urlWithDatabase, withAdmin } from '../test/support/postgres.ts';
import { oauth1Header, percentile } from './lib/load.ts';
import { ROOT, rssKiB, startLikesServer, stopAllSync, type Proc } from './lib/proc.ts';

// ---- Options ----

const argv = process.argv.slice(2);
const opt = (name: string, envName: string, fallback: string): string => {
  const i = argv.indexOf(`--${name}`);
  return (i >= 0 ? argv[i + 1] : undefined) ?? process.env[envName] ?? fallback;
};
if (argv.includes('--help') || argv.includes('-h')) {
  console.log(`Usage: npm run soak [-- options]
  --minutes N        how long to drive load (default 3, at most 60; env LIKES_API_SOAK_MINUTES)
  --store KIND       sqlite (default) or postgres (PostgreSQL + Redis; env LIKES_API_SOAK_STORE)
  --rate R           requests per second, steady (default 300; env LIKES_API_SOAK_RATE)
  --concurrency C    requests in flight at most (default 8; env LIKES_API_SOAK_CONCURRENCY)
  --sample S         seconds between samples (default 5)
  --out FILE         where the markdown section goes (default bench/results/soak-<store>.md)`);
  process.exit(0);
}
const MINUTES = Math.min(60, Math.max(0.25, Number(opt('minutes', 'LIKES_API_SOAK_MINUTES', '3'))));
const STORE = opt('store', 'LIKES_API_SOAK_STORE', 'sqlite');
if (STORE !== 'sqlite' && STORE !== 'postgres') throw new Error(`--store must be sqlite or postgres (got ${STORE})`);
const RATE = Math.max(1, Number(opt('rate', 'LIKES_API_SOAK_RATE', '300')));
const CONCURRENCY = Math.max(1, Number(opt('concurrency', 'LIKES_API_SOAK_CONCURRENCY', '8')));
const SAMPLE_S = Math.max(1, Number(opt('sample', 'LIKES_API_SOAK_SAMPLE', '5')));
const OUT = opt('out', 'LIKES_API_SOAK_OUT', join(ROOT, 'bench', 'results', `soak-${STORE}.md`));
const DURATION_MS = MINUTES * 60_000;
/** Samples before this point are warm-up: JIT, caches and pools filling; verdicts compare what comes after. */
const WARMUP_MS = Math.min(60_000, Math.max(2 * SAMPLE_S * 1000, DURATION_MS * 0.2));
const MAX_REQUESTS = 2_000_000;
/** Writes among requests, and requests that open a fresh connection (to exercise socket set-up and teardown). */
const WRITE_SHARE = 0.2;
const FRESH_CONNECTION_SHARE = 0.05;
const PG_ADMIN = process.env.LIKES_API_BENCH_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test';
const REDIS_URL = process.env.LIKES_API_BENCH_REDIS_URL || 'redis://127.0.0.1:6379';

process.on('exit', stopAllSync);
for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.once(sig, () => {
    stopAllSync();
    process.exit(130);
  });
}

// ---- The server and what it is made of ----

interface Sample {
  atS: number;
  rssMiB: number;
  heapMiB: number;
  externalMiB: number;
  p50: number;
  p99: number;
  requests: number;
  /** Server CPU time (user + system) per request answered in the window. */
  cpuMsPerReq: number;
  /** The machine's 1-minute load average: latency on a shared machine follows it. */
  load: number;
  fds: number;
  tcp: number;
  errors: number;
}

const mib = (bytes: number) => Math.round((bytes / 1024 / 1024) * 10) / 10;

/** The server's last heap line (from bench/lib/heapProbe.mjs): used and external, in MiB. */
function heapMiB(proc: Proc): { used: number; external: number } {
  const lines = proc.output().match(/soak-heap \d+ \d+ \d+/g);
  if (!lines) return { used: Number.NaN, external: Number.NaN };
  const f = lines[lines.length - 1].split(' ');
  return { used: mib(Number(f[1])), external: mib(Number(f[3])) };
}

/** CPU time the process has used (user + system), in ms; clock ticks are 10 ms on Linux (CLK_TCK = 100). */
function cpuMs(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(f[11]) + Number(f[12])) * 10;
  } catch {
    return Number.NaN;
  }
}

function fdCount(pid: number): number {
  try {
    return readdirSync(`/proc/${pid}/fd`).length;
  } catch {
    return Number.NaN;
  }
}

/** Established TCP connections of the process: its socket inodes matched against /proc/net/tcp{,6}. */
function establishedTcp(pid: number): number {
  const inodes = new Set<string>();
  try {
    for (const fd of readdirSync(`/proc/${pid}/fd`)) {
      try {
        const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
        if (m) inodes.add(m[1]);
      } catch {
        /* closed meanwhile */
      }
    }
  } catch {
    return Number.NaN;
  }
  let n = 0;
  for (const table of ['tcp', 'tcp6']) {
    let text = '';
    try {
      text = readFileSync(`/proc/${pid}/net/${table}`, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const f = line.trim().split(/\s+/);
      // f[3] is the state (01 = ESTABLISHED), f[9] the inode.
      if (f.length > 9 && f[3] === '01' && inodes.has(f[9])) n++;
    }
  }
  return n;
}

// ---- Load ----

const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });

function send(baseUrl: string, method: string, path: string, headers: Record<string, string>, body: string | undefined, fresh: boolean) {
  return new Promise<{ status: number; text: string }>((resolve, reject) => {
    const req = request(
      `${baseUrl}${path}`,
      { method, headers: body ? { ...headers, 'content-type': 'application/json' } : headers, agent: fresh ? false : agent, timeout: 10_000 },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end(body);
  });
}

interface Shape {
  method: 'GET' | 'POST' | 'DELETE';
  path: string;
  headers: Record<string, string>;
  body?: string;
  /** For reads: where next_tokens seen for this exact listing are kept, to be used again later. */
  tokens?: string[];
}

function makeMix(creds: DemoCredentials) {
  const rng = new Prng(20260101);
  const world = buildDemoWorld();
  const likeable = world.tweets.filter(world.likeable).map((t) => t.id);
  const writeTweets = Array.from({ length: 60 }, (_, i) => likeable[(i * 53) % likeable.length]);
  const readTweets = [creds.popularTweetId, ...Array.from({ length: 20 }, (_, i) => likeable[likeable.length - 1 - ((i * 11) % 200)])];
  const readUsers = [creds.heavyLikerUserId, ...creds.users.map((u) => u.id)];
  const userFields = ['', '&user.fields=created_at,description,public_metrics,verified', '&expansions=pinned_tweet_id&tweet.fields=created_at'];
  const tweetFields = [
    '',
    '&tweet.fields=public_metrics,created_at,lang',
    '&expansions=author_id,attachments.media_keys&media.fields=url,type&user.fields=username',
    '&expansions=referenced_tweets.id,attachments.poll_ids&tweet.fields=entities,conversation_id',
  ];
  const sizes = [5, 10, 50, 100];
  // Who reads: the app's bearer, a user's OAuth 2.0 token, or a user's OAuth 1.0a token (signed per request).
  const auth = (method: string, pathWithQuery: string): Record<string, string> => {
    const who = rng.int(0, 2);
    const u = rng.pick(creds.users);
    if (who === 0) return { authorization: `Bearer ${creds.app.bearerToken}` };
    if (who === 1) return { authorization: `Bearer ${u.oauth2AccessToken}` };
    return {
      authorization: oauth1Header(
        { consumerKey: creds.app.consumerKey, consumerSecret: creds.app.consumerSecret, token: u.accessToken, tokenSecret: u.accessTokenSecret },
        method,
        pathWithQuery,
      ),
    };
  };
  const listings = new Map<string, string[]>();
  const readPaths = [
    ...readUsers.flatMap((id) => sizes.map((n, i) => `/2/users/${id}/liked_tweets?max_results=${n}${tweetFields[i % tweetFields.length]}`)),
    ...readTweets.flatMap((id) => sizes.map((n, i) => `/2/tweets/${id}/liking_users?max_results=${n}${userFields[i % userFields.length]}`)),
  ];
  for (const p of readPaths) listings.set(p, []);
  return {
    next(): Shape {
      if (rng.chance(WRITE_SHARE)) {
        const u = rng.pick(creds.users);
        const tweetId = rng.pick(writeTweets);
        const bearer = { authorization: `Bearer ${u.oauth2AccessToken}` };
        return rng.chance(0.55)
          ? { method: 'POST', path: `/2/users/${u.id}/likes`, headers: bearer, body: JSON.stringify({ tweet_id: tweetId }) }
          : { method: 'DELETE', path: `/2/users/${u.id}/likes/${tweetId}`, headers: bearer };
      }
      const base = rng.pick(readPaths);
      const tokens = listings.get(base)!;
      const path = tokens.length && rng.chance(0.4) ? `${base}&pagination_token=${rng.pick(tokens)}` : base;
      return { method: 'GET', path, headers: auth('GET', path), tokens };
    },
  };
}

// ---- Verdicts ----

interface Metric {
  key: keyof Sample;
  label: string;
  /** Flat when |end - start| <= max(relative × start, absolute). */
  relative: number;
  absolute: number;
}

const METRICS: Metric[] = [
  { key: 'rssMiB', label: 'RSS (MiB)', relative: 0.15, absolute: 16 },
  { key: 'heapMiB', label: 'heap used (MiB)', relative: 0.25, absolute: 8 },
  { key: 'externalMiB', label: 'external memory (MiB)', relative: 0.25, absolute: 8 },
  { key: 'p50', label: 'p50 latency (ms)', relative: 0.5, absolute: 1 },
  { key: 'p99', label: 'p99 latency (ms)', relative: 1, absolute: 5 },
  { key: 'cpuMsPerReq', label: 'server CPU per request (ms)', relative: 0.3, absolute: 0.1 },
  { key: 'fds', label: 'open file descriptors', relative: 0, absolute: 4 },
  { key: 'tcp', label: 'established TCP connections', relative: 0, absolute: 4 },
];

const median = (xs: number[]) => {
  const s = xs.filter((x) => !Number.isNaN(x)).sort((a, b) => a - b);
  return s.length ? s[Math.floor((s.length - 1) / 2)] : Number.NaN;
};
/** Least-squares slope of y over time, per minute. */
function slopePerMinute(points: { atS: number; y: number }[]): number {
  const p = points.filter((q) => !Number.isNaN(q.y));
  if (p.length < 2) return Number.NaN;
  const mx = p.reduce((a, q) => a + q.atS, 0) / p.length;
  const my = p.reduce((a, q) => a + q.y, 0) / p.length;
  const sxy = p.reduce((a, q) => a + (q.atS - mx) * (q.y - my), 0);
  const sxx = p.reduce((a, q) => a + (q.atS - mx) ** 2, 0);
  return sxx ? (sxy / sxx) * 60 : Number.NaN;
}
const fmt = (x: number) => (Number.isNaN(x) ? '–' : Number.isInteger(x) ? String(x) : x.toFixed(x < 10 ? 2 : 1));

// ---- Run ----

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'likes-soak-'));
  const database = STORE === 'postgres' ? `likes_soak_${randomBytes(5).toString('hex')}` : null;
  const redisPrefix = `likes-soak-${process.pid}-${randomBytes(3).toString('hex')}:`;
  let server: Proc | null = null;
  try {
    if (database) await withAdmin((c) => c.query(`CREATE DATABASE ${database}`), PG_ADMIN);
    const t0 = performance.now();
    server = await startLikesServer({
      name: `likes-soak-${STORE}`,
      dataDir,
      nodeArgs: ['--import', join(ROOT, 'bench', 'lib', 'heapProbe.mjs')],
      ...(database ? { databaseUrl: urlWithDatabase(PG_ADMIN, database), redisUrl: REDIS_URL, redisPrefix } : {}),
      probePath: '/healthz',
      bearer: '',
      env: { LIKES_API_DEMO: '1', ...(database ? { LIKES_API_SECRET_KEY: randomBytes(32).toString('hex') } : {}) },
    });
    const creds = JSON.parse(readFileSync(join(dataDir, 'demo-credentials.json'), 'utf8')) as DemoCredentials;
    console.log(
      `soak: ${STORE === 'postgres' ? 'PostgreSQL + Redis' : 'SQLite'}, pid ${server.pid}, ready in ${Math.round(performance.now() - t0)} ms; ` +
        `${MINUTES} min at ${RATE} requests/s, ${CONCURRENCY} in flight at most, ${WRITE_SHARE * 100}% writes, samples every ${SAMPLE_S} s, warm-up ${Math.round(WARMUP_MS / 1000)} s`,
    );

    const mix = makeMix(creds);
    const baseUrl = server.baseUrl;
    const pid = server.pid;
    const started = performance.now();
    const deadline = started + DURATION_MS;
    const intervalMs = 1000 / RATE;
    let nextSlot = started;
    let sent = 0;
    let window: number[] = [];
    let windowErrors = 0;
    let errors = 0;
    const errorKinds = new Map<string, number>();
    const noteError = (what: string) => {
      errors++;
      windowErrors++;
      errorKinds.set(what, (errorKinds.get(what) ?? 0) + 1);
    };

    // Closed loop at a fixed rate: each worker takes the next send slot, waits for it, sends, waits for the answer.
    const worker = async () => {
      while (sent < MAX_REQUESTS) {
        const slot = nextSlot;
        nextSlot += intervalMs;
        if (slot >= deadline) return;
        const wait = slot - performance.now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        sent++;
        const shape = mix.next();
        const t = performance.now();
        try {
          const r = await send(baseUrl, shape.method, shape.path, shape.headers, shape.body, Math.random() < FRESH_CONNECTION_SHARE);
          window.push(performance.now() - t);
          if (r.status !== 200) noteError(`${shape.method} ${r.status}`);
          else if (shape.tokens) {
            const token = (JSON.parse(r.text) as { meta?: { next_token?: string } }).meta?.next_token;
            if (token && shape.tokens.length < 20) shape.tokens.push(token);
          }
        } catch (err) {
          noteError(`${shape.method} ${(err as Error).message}`);
        }
      }
    };

    const samples: Sample[] = [];
    let cpuBefore = cpuMs(pid);
    const sample = () => {
      const lat = Float64Array.from(window).sort();
      const heap = heapMiB(server!);
      const cpu = cpuMs(pid);
      samples.push({
        atS: Math.round((performance.now() - started) / 1000),
        rssMiB: Math.round((rssKiB(pid) / 1024) * 10) / 10,
        heapMiB: heap.used,
        externalMiB: heap.external,
        p50: Math.round(percentile(lat, 50) * 100) / 100,
        p99: Math.round(percentile(lat, 99) * 100) / 100,
        requests: lat.length,
        cpuMsPerReq: lat.length ? Math.round(((cpu - cpuBefore) / lat.length) * 100) / 100 : Number.NaN,
        load: Math.round(loadavg()[0] * 100) / 100,
        fds: fdCount(pid),
        tcp: establishedTcp(pid),
        errors: windowErrors,
      });
      window = [];
      windowErrors = 0;
      cpuBefore = cpu;
      const s = samples[samples.length - 1];
      console.log(
        `  ${String(s.atS).padStart(4)} s  rss ${fmt(s.rssMiB)} MiB  heap ${fmt(s.heapMiB)} MiB  ext ${fmt(s.externalMiB)} MiB  ` +
          `p50 ${fmt(s.p50)} ms  p99 ${fmt(s.p99)} ms  ${s.requests} req  cpu ${fmt(s.cpuMsPerReq)} ms/req  load ${fmt(s.load)}  ` +
          `fds ${s.fds}  tcp ${s.tcp}  errors ${s.errors}`,
      );
    };
    const timer = setInterval(sample, SAMPLE_S * 1000);
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    clearInterval(timer);
    // A last sample only when its window is long enough to be compared with the others.
    if (performance.now() - started - (samples.at(-1)?.atS ?? 0) * 1000 >= (SAMPLE_S * 1000) / 2) sample();
    const seconds = (performance.now() - started) / 1000;

    // ---- Verdicts: the median of the first third of the samples after warm-up against that of the last third
    // (medians, so one sample disturbed by a neighbour on a shared machine does not decide) ----
    const warm = samples.filter((s) => s.atS * 1000 >= WARMUP_MS && s.requests > 0);
    const third = Math.max(1, Math.floor(warm.length / 3));
    const head = warm.slice(0, third);
    const tail = warm.slice(-third);
    const rows = METRICS.map((m) => {
      const start = median(head.map((s) => s[m.key] as number));
      const end = median(tail.map((s) => s[m.key] as number));
      const max = Math.max(...warm.map((s) => s[m.key] as number).filter((x) => !Number.isNaN(x)));
      const slope = slopePerMinute(warm.map((s) => ({ atS: s.atS, y: s[m.key] as number })));
      const tolerance = Math.max(m.relative * start, m.absolute);
      const verdict = Number.isNaN(start) || Number.isNaN(end) ? 'unknown' : end - start > tolerance ? 'GROWING' : start - end > tolerance ? 'falling' : 'flat';
      return { label: m.label, start, end, max, slope, tolerance: `±${fmt(tolerance)}`, verdict };
    });
    const load = { start: median(head.map((s) => s.load)), end: median(tail.map((s) => s.load)) };
    rows.push({
      label: 'machine load (1 min)', start: load.start, end: load.end, max: Math.max(...warm.map((s) => s.load)),
      slope: slopePerMinute(warm.map((s) => ({ atS: s.atS, y: s.load }))), tolerance: '–', verdict: 'context',
    });
    rows.push({
      label: 'errors', start: head.reduce((a, s) => a + s.errors, 0), end: tail.reduce((a, s) => a + s.errors, 0), max: errors,
      slope: Number.NaN, tolerance: '–', verdict: errors === 0 ? 'none' : `${errors} in all`,
    });
    const verdicts = rows.map((r) => r.verdict);
    const ok = warm.length >= 4 && !verdicts.includes('GROWING') && !verdicts.includes('unknown') && errors === 0;

    const lines = [
      `### Soak: ${STORE === 'postgres' ? 'PostgreSQL + Redis' : 'SQLite'}, ${MINUTES} min (${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC)`,
      '',
      `${sent.toLocaleString('en-US')} requests in ${seconds.toFixed(0)} s (${Math.round(sent / seconds)}/s asked ${RATE}/s; ${CONCURRENCY} in flight at most; ` +
        `${WRITE_SHARE * 100}% likes/unlikes, the rest liked_tweets and liking_users with bearer, OAuth 2.0 and OAuth 1.0a tokens, ` +
        `page sizes 5–100, fields, expansions and pagination tokens; ${FRESH_CONNECTION_SHARE * 100}% on a fresh connection). ` +
        `Samples every ${SAMPLE_S} s; after a ${Math.round(WARMUP_MS / 1000)} s warm-up, start = median of the first third of the ` +
        `${warm.length} samples, end = median of the last third; trend = least-squares slope over all of them.`,
      '',
      '| metric | start | end | max after warm-up | trend per minute | flat within | verdict |',
      '|---|---:|---:|---:|---:|---:|---|',
      ...rows.map((r) => `| ${r.label} | ${fmt(r.start)} | ${fmt(r.end)} | ${fmt(r.max)} | ${fmt(r.slope)} | ${r.tolerance} | ${r.verdict} |`),
      '',
      errorKinds.size ? `Errors: ${[...errorKinds].map(([k, n]) => `${k} ×${n}`).join(', ')}.` : 'No errors.',
      '',
      `Overall: ${ok ? 'flat — nothing grows with time' : 'NOT flat — see the rows above'}.`,
      '',
    ];
    const md = lines.join('\n');
    console.log(`\n${md}`);
    mkdirSync(join(OUT, '..'), { recursive: true });
    writeFileSync(OUT, `${md}\n<details><summary>Samples</summary>\n\n| s | RSS MiB | heap MiB | external MiB | p50 ms | p99 ms | requests | CPU ms/req | load | fds | tcp | errors |\n|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n${samples
      .map((s) => `| ${s.atS} | ${fmt(s.rssMiB)} | ${fmt(s.heapMiB)} | ${fmt(s.externalMiB)} | ${fmt(s.p50)} | ${fmt(s.p99)} | ${s.requests} | ${fmt(s.cpuMsPerReq)} | ${fmt(s.load)} | ${s.fds} | ${s.tcp} | ${s.errors} |`)
      .join('\n')}\n\n</details>\n`);
    console.log(`written to ${OUT}`);
    agent.destroy();
    await server.stop('SIGTERM');
    const exit = server.child.exitCode;
    if (exit !== 0) console.log(`server exited with ${exit ?? server.child.signalCode} on SIGTERM:\n${server.output().slice(-2000)}`);
    process.exitCode = ok && exit === 0 ? 0 : 1;
  } finally {
    agent.destroy();
    await server?.stop('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
    if (database) await withAdmin((c) => c.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`), PG_ADMIN);
    if (STORE === 'postgres') await deleteRedisPrefix(redisPrefix);
  }
}

async function deleteRedisPrefix(prefix: string): Promise<void> {
  const r = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
  try {
    let cursor = '0';
    for (let i = 0; i < 10_000; i++) {
      const [next, keys] = await r.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      if (keys.length) await r.del(...keys);
      cursor = next;
      if (cursor === '0') break;
    }
  } finally {
    r.disconnect();
  }
}

await main();
