// Section "events" (issue #13: a like reaches a webhook in p99 ≤ 50 ms on loopback): how fast likes become webhook
// deliveries. Real server processes on a fresh demo store, a webhook receiver in the bench process, one like.create
// subscription per demo user; likes made through the API by every user on many different Tweets (each preceded by an
// unlike, so every like is new). Measured: from sending the like request to its signed delivery arriving, one like
// at a time (the latency), then many at once (deliveries per second, and the latency with the queue in front). Two
// set-ups: one instance on SQLite, and two on PostgreSQL + Redis with likes sent round-robin through both (each event
// delivered by whichever holds the webhook's lease).
import { createHmac } from 'node:crypto';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DemoCredentials } from '../../src/demo/demoCredentials.ts';
import { freePort } from '../../test/support/net.ts';
import { urlWithDatabase, withAdmin } from '../../test/support/postgres.ts';
import type { BenchContext } from '../lib/context.ts';
import { LIKES_BIN, LIKES_COMMAND, BENCH_PG_SECRET_KEY, startProc, type Proc } from '../lib/proc.ts';
import type { BenchResults, EventDeliveryRow } from '../lib/results.ts';

/** The receiver: when each (user, Tweet) like arrived. */
function receiver() {
  const arrived = new Map<string, number>();
  let posts = 0;
  let crc: (token: string) => string = () => '';
  const server = createServer((req, res) => {
    if (req.method === 'GET') {
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
        posts++;
        const key = `${body.data.filter.user_id}/${p.liked_tweet_id}`;
        if (!arrived.has(key)) arrived.set(key, performance.now());
      }
      res.writeHead(200);
      res.end();
    });
  });
  return {
    arrived,
    get posts() {
      return posts;
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
    name, command: process.execPath, args: [...LIKES_COMMAND.flags, LIKES_BIN, 'serve'], port, probePath: '/healthz',
    env: { ...LIKES_COMMAND.env, PORT: String(port), HOST: '127.0.0.1', LIKES_API_DATA_DIR: dataDir, LIKES_API_LIMITS: 'off', LIKES_API_LOG: 'warn', ...env },
  });
}

const pct = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor(q * s.length))] : Number.NaN;
};
const ms1 = (x: number) => Math.round(x * 10) / 10;

async function measure(
  ctx: BenchContext, setup: Pick<EventDeliveryRow, 'store' | 'instances' | 'label'>, servers: Proc[], credsDir: string, sizes: { quiet: number; likes: number; concurrency: number },
): Promise<EventDeliveryRow> {
  const creds = JSON.parse(readFileSync(join(credsDir, 'demo-credentials.json'), 'utf8')) as DemoCredentials;
  const rx = receiver();
  rx.setSecret(creds.app.consumerSecret);
  const url = await rx.listen();
  try {
    const base = servers[0].baseUrl;
    const hook = await call(base, 'POST', '/2/webhooks', creds.app.bearerToken, { url });
    for (const u of creds.users) {
      await call(base, 'POST', '/2/activity/subscriptions', u.oauth2AccessToken, {
        event_type: 'like.create', filter: { user_id: u.id, direction: 'outbound' }, webhook_id: hook.data.id,
      });
    }
    // Many different likes: every (user, Tweet) pair at most once, Tweets taken round-robin.
    const jobs: { user: DemoCredentials['users'][number]; tweet: string }[] = [];
    for (let i = 0; jobs.length < sizes.likes + sizes.quiet; i++) {
      const user = creds.users[i % creds.users.length];
      const tweet = creds.tweets[Math.floor(i / creds.users.length) % creds.tweets.length];
      if (tweet.authorId !== user.id) jobs.push({ user, tweet: tweet.id });
    }
    // Unloaded: one like at a time, each waited for until delivered, the instances taking turns.
    const quiet: number[] = [];
    for (const [i, { user, tweet }] of jobs.splice(0, sizes.quiet).entries()) {
      const server = servers[i % servers.length].baseUrl;
      await call(server, 'DELETE', `/2/users/${user.id}/likes/${tweet}`, user.oauth2AccessToken);
      const at = performance.now();
      await call(server, 'POST', `/2/users/${user.id}/likes`, user.oauth2AccessToken, { tweet_id: tweet });
      const key = `${user.id}/${tweet}`;
      const deadline = at + 10_000;
      while (!rx.arrived.has(key) && performance.now() < deadline) await new Promise((r) => setImmediate(r));
      if (!rx.arrived.has(key)) throw new Error(`${setup.label}: the like ${key} was not delivered within 10 s`);
      quiet.push(rx.arrived.get(key)! - at);
    }
    rx.arrived.clear();
    // Loaded: many at once.
    const sent = new Map<string, number>();
    let next = 0;
    const t0 = performance.now();
    await Promise.all(Array.from({ length: sizes.concurrency }, async () => {
      while (next < jobs.length) {
        const i = next++;
        const { user, tweet } = jobs[i];
        const server = servers[i % servers.length].baseUrl;
        await call(server, 'DELETE', `/2/users/${user.id}/likes/${tweet}`, user.oauth2AccessToken);
        sent.set(`${user.id}/${tweet}`, performance.now());
        await call(server, 'POST', `/2/users/${user.id}/likes`, user.oauth2AccessToken, { tweet_id: tweet });
      }
    }));
    const deadline = performance.now() + 60_000;
    while (rx.arrived.size < jobs.length && performance.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    const lastAt = Math.max(...rx.arrived.values());
    const latencies = [...sent].filter(([k]) => rx.arrived.has(k)).map(([k, at]) => rx.arrived.get(k)! - at);
    const row: EventDeliveryRow = {
      ...setup,
      quiet: { likes: quiet.length, p50: ms1(pct(quiet, 0.5)), p99: ms1(pct(quiet, 0.99)) },
      loaded: {
        likes: jobs.length, concurrency: sizes.concurrency, delivered: rx.arrived.size, posts: rx.posts,
        deliveriesPerSecond: Math.round(rx.arrived.size / ((lastAt - t0) / 1000)),
        p50: ms1(pct(latencies, 0.5)), p99: ms1(pct(latencies, 0.99)), max: ms1(pct(latencies, 1)),
      },
    };
    ctx.log(
      `  ${setup.label}: one like at a time ×${row.quiet.likes}: p50 ${row.quiet.p50} ms, p99 ${row.quiet.p99} ms; ` +
        `${row.loaded.likes} at concurrency ${row.loaded.concurrency}: ${row.loaded.delivered} delivered (${row.loaded.posts} posts), ` +
        `${row.loaded.deliveriesPerSecond} deliveries/s, p50 ${row.loaded.p50} ms, p99 ${row.loaded.p99} ms`,
    );
    return row;
  } finally {
    await rx.close();
  }
}

/** `pgAdmin`: a PostgreSQL URL to create the second set-up's database from (null: SQLite only). */
export async function eventDelivery(ctx: BenchContext, results: BenchResults, pgAdmin: string | null): Promise<void> {
  ctx.log(`[${ctx.elapsed()}] Like → webhook delivery`);
  const sizes = ctx.quick ? { quiet: 50, likes: 500, concurrency: 16 } : { quiet: 200, likes: 2000, concurrency: 16 };
  results.events = [];
  const dir = mkdtempSync(join(tmpdir(), 'likes-events-bench-'));
  try {
    const sqlite = await serve('events-sqlite', dir, {});
    try {
      results.events.push(await measure(ctx, { store: 'sqlite', instances: 1, label: 'SQLite, 1 instance' }, [sqlite], dir, sizes));
    } finally {
      await sqlite.stop();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  if (!pgAdmin) return;
  const db = `likes_events_bench_${process.pid}`;
  await withAdmin((c) => c.query(`CREATE DATABASE ${db}`), pgAdmin);
  const dirs = [mkdtempSync(join(tmpdir(), 'likes-events-pg-a-')), mkdtempSync(join(tmpdir(), 'likes-events-pg-b-'))];
  try {
    const env = {
      LIKES_API_DATABASE_URL: urlWithDatabase(pgAdmin, db), LIKES_API_REDIS_URL: ctx.redisUrl, LIKES_API_REDIS_PREFIX: `${ctx.redisPrefix}events:`,
      LIKES_API_SECRET_KEY: BENCH_PG_SECRET_KEY,
    };
    const a = await serve('events-pg-a', dirs[0], env);
    const b = await serve('events-pg-b', dirs[1], env);
    try {
      results.events.push(await measure(ctx, { store: 'postgres', instances: 2, label: 'PostgreSQL + Redis, 2 instances' }, [a, b], dirs[0], sizes));
    } finally {
      await a.stop();
      await b.stop();
    }
  } finally {
    await withAdmin((c) => c.query(`DROP DATABASE IF EXISTS ${db} WITH (FORCE)`), pgAdmin);
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  }
}
