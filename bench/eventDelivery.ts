// `npm run build && node --import tsx bench/eventDelivery.ts [--likes N] [--concurrency C] [--pg URL] [--redis URL]`:
// how fast likes become webhook deliveries. Real server processes (built dist/), a webhook receiver in this process,
// one like.create subscription per demo user; likes made through the API by every user on many different Tweets
// (each like preceded by an unlike, so every like is new), concurrently. Measured: latency from sending the like
// request to the signed delivery arriving (p50/p99), and deliveries per second over the run. Two set-ups: one
// instance on SQLite, and two instances on PostgreSQL + Redis with likes sent round-robin through both (each event
// delivered by whichever holds the webhook's lease). Not part of npm test; results in docs/benchmarks.md.
import { createHmac } from 'node:crypto';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { DemoCredentials } from '../src/demo/demoCredentials.ts';
import { freePort } from '../test/support/net.ts';
import { LIKES_BIN, BENCH_PG_SECRET_KEY, startProc, stopAllSync, type Proc } from './lib/proc.ts';

const argv = process.argv.slice(2);
const opt = (name: string, fallback: string) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1] : fallback;
};
const LIKES = Number(opt('likes', '2000'));
const CONCURRENCY = Number(opt('concurrency', '16'));
const QUIET = Number(opt('quiet', '200'));
const PG_BASE = opt('pg', 'postgres://postgres@127.0.0.1:5432');
const REDIS = opt('redis', 'redis://127.0.0.1:6379');

process.on('exit', stopAllSync);

/** The receiver: when each (user, Tweet) like arrived. */
function receiver() {
  const arrived = new Map<string, number>();
  let total = 0;
  const server = createServer((req, res) => {
    if (req.method === 'GET') {
      // The CRC is answered by whoever registers (see below): the secret is known once credentials are read.
      const token = new URL(req.url ?? '/', 'http://x').searchParams.get('crc_token') ?? '';
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ response_token: crc(token) }));
      return;
    }
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      const p = body.data?.payload;
      if (p) {
        total++;
        const key = `${body.data.filter.user_id}/${p.liked_tweet_id}`;
        if (!arrived.has(key)) arrived.set(key, performance.now());
      }
      res.writeHead(200);
      res.end();
    });
  });
  let crc: (token: string) => string = () => '';
  return {
    arrived,
    get total() {
      return total;
    },
    setSecret(secret: string) {
      crc = (token) => `sha256=${createHmac('sha256', secret).update(token).digest('base64')}`;
    },
    async listen(): Promise<string> {
      server.listen(0, '127.0.0.1');
      await once(server, 'listening');
      return `http://127.0.0.1:${(server.address() as { port: number }).port}/hook`;
    },
    close: () => new Promise((r) => server.close(r)),
  };
}

async function call(base: string, method: string, path: string, token: string, body?: unknown) {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  if (res.status !== 200) throw new Error(`${method} ${path}: ${res.status} ${text}`);
  return JSON.parse(text);
}

async function serve(name: string, dataDir: string, env: Record<string, string>): Promise<Proc> {
  const port = await freePort();
  return startProc({
    name, command: process.execPath, args: [LIKES_BIN, 'serve'], port, probePath: '/healthz',
    env: { PORT: String(port), HOST: '127.0.0.1', LIKES_API_DATA_DIR: dataDir, LIKES_API_LIMITS: 'off', LIKES_API_LOG_LEVEL: 'warn', ...env },
  });
}

const pct = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))];
};

async function run(label: string, servers: Proc[], credsDir: string): Promise<void> {
  const creds = JSON.parse(readFileSync(join(credsDir, 'demo-credentials.json'), 'utf8')) as DemoCredentials;
  const rx = receiver();
  rx.setSecret(creds.app.consumerSecret);
  const url = await rx.listen();
  const base = servers[0].baseUrl;
  const hook = await call(base, 'POST', '/2/webhooks', creds.app.bearerToken, { url });
  for (const u of creds.users) {
    await call(base, 'POST', '/2/activity/subscriptions', u.oauth2AccessToken, {
      event_type: 'like.create', filter: { user_id: u.id, direction: 'outbound' }, webhook_id: hook.data.id,
    });
  }
  // Many different likes: every (user, Tweet) pair at most once, Tweets taken round-robin.
  const jobs: { user: DemoCredentials['users'][number]; tweet: string }[] = [];
  for (let i = 0; jobs.length < LIKES + QUIET; i++) {
    const user = creds.users[i % creds.users.length];
    const tweet = creds.tweets[Math.floor(i / creds.users.length) % creds.tweets.length];
    if (tweet.authorId !== user.id) jobs.push({ user, tweet: tweet.id });
  }
  // Unloaded: one like at a time, each waited for until delivered.
  const quiet: number[] = [];
  for (const { user, tweet } of jobs.splice(0, QUIET)) {
    await call(base, 'DELETE', `/2/users/${user.id}/likes/${tweet}`, user.oauth2AccessToken);
    const at = performance.now();
    await call(base, 'POST', `/2/users/${user.id}/likes`, user.oauth2AccessToken, { tweet_id: tweet });
    const key = `${user.id}/${tweet}`;
    while (!rx.arrived.has(key)) await new Promise((r) => setImmediate(r));
    quiet.push(rx.arrived.get(key)! - at);
  }
  console.log(
    `${label}: one like at a time ×${quiet.length}: like→delivery p50 ${pct(quiet, 0.5).toFixed(1)} ms, ` +
      `p99 ${pct(quiet, 0.99).toFixed(1)} ms`,
  );
  rx.arrived.clear();
  const sent = new Map<string, number>();
  let next = 0;
  const t0 = performance.now();
  await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
    while (next < jobs.length) {
      const i = next++;
      const { user, tweet } = jobs[i];
      const server = servers[i % servers.length].baseUrl;
      await call(server, 'DELETE', `/2/users/${user.id}/likes/${tweet}`, user.oauth2AccessToken);
      const key = `${user.id}/${tweet}`;
      sent.set(key, performance.now());
      await call(server, 'POST', `/2/users/${user.id}/likes`, user.oauth2AccessToken, { tweet_id: tweet });
    }
  }));
  const sentAll = performance.now() - t0;
  const deadline = performance.now() + 60_000;
  while (rx.arrived.size < jobs.length && performance.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  const lastAt = Math.max(...rx.arrived.values());
  const latencies = [...sent].filter(([k]) => rx.arrived.has(k)).map(([k, at]) => rx.arrived.get(k)! - at);
  console.log(
    `${label}: ${jobs.length} likes sent in ${(sentAll / 1000).toFixed(1)} s at concurrency ${CONCURRENCY}; ` +
      `${rx.arrived.size} delivered (${rx.total} posts), ${(rx.arrived.size / ((lastAt - t0) / 1000)).toFixed(0)} deliveries/s; ` +
      `like→delivery p50 ${pct(latencies, 0.5).toFixed(1)} ms, p99 ${pct(latencies, 0.99).toFixed(1)} ms, max ${pct(latencies, 1).toFixed(1)} ms`,
  );
  await rx.close();
}

const dir = mkdtempSync(join(tmpdir(), 'likes-events-bench-'));
try {
  const sqlite = await serve('sqlite', dir, {});
  try {
    await run('SQLite, 1 instance', [sqlite], dir);
  } finally {
    await sqlite.stop();
  }
  const db = `likes_events_bench_${process.pid}`;
  const admin = new pg.Client({ connectionString: `${PG_BASE}/postgres` });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${db}`);
  const dirs = [mkdtempSync(join(tmpdir(), 'likes-events-pg-a-')), mkdtempSync(join(tmpdir(), 'likes-events-pg-b-'))];
  try {
    const env = {
      LIKES_API_DATABASE_URL: `${PG_BASE}/${db}`, LIKES_API_REDIS_URL: REDIS, LIKES_API_REDIS_PREFIX: `events-bench-${process.pid}:`,
      LIKES_API_SECRET_KEY: BENCH_PG_SECRET_KEY,
    };
    const a = await serve('pg-a', dirs[0], env);
    const b = await serve('pg-b', dirs[1], env);
    try {
      await run('PostgreSQL + Redis, 2 instances', [a, b], dirs[0]);
    } finally {
      await a.stop();
      await b.stop();
    }
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS ${db} WITH (FORCE)`);
    await admin.end();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
