// Two `likes-api serve` processes started together on one fresh PostgreSQL database and one Redis prefix: one demo
// seed, every credential and pagination token good on either instance, rate limits and OAuth 1.0a nonces shared,
// and restarting an instance never reseeds. Needs PostgreSQL (LIKES_API_TEST_DATABASE_URL, default
// postgres://postgres@127.0.0.1:5432/test) and Redis (LIKES_API_TEST_REDIS_URL, default redis://127.0.0.1:6379/0):
// the suite fails without them.
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { PostgresStore } from '../../src/adapters/postgres/postgresStore.ts';
import { CredentialIssuer } from '../../src/auth/credentials.ts';
import { SecretSealer } from '../../src/auth/secrets.ts';
import { buildDemoWorld, type DemoCredentials } from '../../src/demo/demoSeed.ts';
import { SnowflakeIds, workerOfClaim } from '../../src/domain/ids.ts';
import { systemClock } from '../../src/ports/clock.ts';
import {
  REDIS_URL, bearer, call, cleanup, createDatabase, deleteByPrefix, oauth1Authorization, requireRedis,
  startHealthyInstances, startInstance, stopAll, stopInstance, tempDir, uniquePrefix, waitHealthy, type Instance,
  type Reply, type TestDatabase,
} from '../support/processes.ts';

const SECRET_KEY = randomBytes(32).toString('hex');
const WORLD = buildDemoWorld();
/** X's public host: OAuth 1.0a headers signed for it verify on every instance, whatever port it listens on. */
const SIGNED_BASE = 'https://api.x.com';

type Page = { data?: { id: string }[]; meta: { result_count: number; next_token?: string; previous_token?: string } };

const withoutBaseUrl = ({ baseUrl: _ignored, ...rest }: DemoCredentials) => rest;
const readCreds = (dir: string): DemoCredentials => JSON.parse(readFileSync(join(dir, 'demo-credentials.json'), 'utf8'));

describe('two instances on one PostgreSQL database and one Redis prefix', () => {
  const prefix = uniquePrefix('multi');
  const dirs = [tempDir('multi-a'), tempDir('multi-b'), tempDir('multi-c')];
  let db: TestDatabase | undefined;
  let a: Instance;
  let b: Instance;
  let creds: DemoCredentials;

  const env = (): Record<string, string> => ({
    LIKES_API_DATABASE_URL: db!.url,
    LIKES_API_REDIS_URL: REDIS_URL,
    LIKES_API_REDIS_PREFIX: prefix,
    LIKES_API_SECRET_KEY: SECRET_KEY,
  });

  const count = async (sql: string, values: unknown[] = []): Promise<number> =>
    Number((await db!.query<{ n: string }>(sql, values))[0].n);

  /** What the demo seed writes, counted in the database. */
  const seedCounts = async () => ({
    users: await count('SELECT count(*) AS n FROM users'),
    tweets: await count('SELECT count(*) AS n FROM tweets'),
    likes: await count('SELECT count(*) AS n FROM likes'),
    media: await count('SELECT count(*) AS n FROM media'),
    polls: await count('SELECT count(*) AS n FROM polls'),
    places: await count('SELECT count(*) AS n FROM places'),
    demoProjects: await count(`SELECT count(*) AS n FROM projects WHERE name = 'Demo Project'`),
    demoApps: await count(`SELECT count(*) AS n FROM apps WHERE name IN ('Demo App', 'App outside any Project')`),
    seedOwner: (await db!.query<{ value: string }>(`SELECT value FROM meta WHERE key = 'demo-seed-owner'`)).map((r) => r.value),
  });

  before(async () => {
    await requireRedis();
    db = await createDatabase('multi');
    // Both at once: they race for the migration lock and for the demo seed.
    [a, b] = await startHealthyInstances(dirs.slice(0, 2), env());
    creds = readCreds(a.dataDir);
  }, { timeout: 180_000 });

  after(
    () => cleanup(stopAll, () => db?.drop(), () => deleteByPrefix(REDIS_URL, prefix), () => dirs.forEach((d) => d.remove())),
    { timeout: 120_000 },
  );

  it('uses a passwordless postgres:// URL and reports the PostgreSQL store on /healthz', async () => {
    const url = new URL(db!.url);
    assert.equal(url.protocol, 'postgres:');
    assert.equal(url.password, '');
    for (const inst of [a, b]) {
      const health = await call(`${inst.baseUrl}/healthz`);
      assert.equal(health.status, 200, `${inst.name}: ${health.text}`);
      assert.deepEqual(health.body, { status: 'ok', store: 'postgres' });
      assert.match(inst.output(), /PostgreSQL; shared state: Redis; limits on/);
    }
  });

  it('seeds the demo world exactly once: identical credentials files, only the demo rows in the store', async () => {
    const ca = readCreds(a.dataDir);
    const cb = readCreds(b.dataDir);
    assert.equal(ca.baseUrl, a.baseUrl);
    assert.equal(cb.baseUrl, b.baseUrl);
    assert.notEqual(ca.baseUrl, cb.baseUrl);
    assert.deepEqual(withoutBaseUrl(cb), withoutBaseUrl(ca));

    const { seedOwner, ...counts } = await seedCounts();
    assert.equal(seedOwner.length, 1, 'one instance claimed the seed');
    assert.deepEqual(counts, {
      users: WORLD.users.length,
      tweets: WORLD.tweets.length,
      likes: WORLD.likes.length,
      media: WORLD.media.length,
      polls: WORLD.polls.length,
      places: WORLD.places.length,
      demoProjects: 1,
      demoApps: 2,
    });
    // Every credential minted by the seed exists once: 5 OAuth 1.0a tokens, 2 app-only Bearers, 5 user Bearers.
    assert.equal(await count('SELECT count(*) AS n FROM oauth1_tokens'), ca.users.length);
    assert.equal(await count(`SELECT count(*) AS n FROM bearers WHERE kind = 'app'`), 2);
    assert.equal(await count(`SELECT count(*) AS n FROM bearers WHERE kind = 'user'`), ca.users.length);
    // The counters agree with the rows (a second, concurrent seed would have recounted over the first).
    assert.equal(await count('SELECT coalesce(sum(like_count), 0) AS n FROM tweets'), WORLD.likes.length);
    // And the API on either instance shows the seeded world: the popular Tweet's 100 (capped) likers.
    for (const inst of [a, b]) {
      const likers = await call(`${inst.baseUrl}/2/tweets/${ca.popularTweetId}/liking_users`, { headers: bearer(ca.app.bearerToken) });
      assert.equal(likers.status, 200, likers.text);
      assert.equal(likers.body.meta.result_count, 100);
    }
  });

  it('accepts every credential on either instance', async () => {
    for (const inst of [a, b]) {
      const heavy = `${inst.baseUrl}/2/users/${creds.heavyLikerUserId}/liked_tweets?max_results=5`;
      const app = await call(heavy, { headers: bearer(creds.app.bearerToken) });
      assert.equal(app.status, 200, `${inst.name} app bearer: ${app.text}`);
      // The App outside any Project authenticates, and is then refused for not being enrolled.
      const orphan = await call(heavy, { headers: bearer(creds.appWithoutProject.bearerToken) });
      assert.equal(orphan.status, 403, `${inst.name} orphan bearer: ${orphan.text}`);
      assert.equal(orphan.body.reason, 'client-not-enrolled');
      // Consumer key and secret: /oauth2/token hands out the seeded Bearer on both.
      const basic = Buffer.from(`${encodeURIComponent(creds.app.consumerKey)}:${encodeURIComponent(creds.app.consumerSecret)}`).toString('base64');
      const token = await call(`${inst.baseUrl}/oauth2/token`, {
        method: 'POST',
        headers: { authorization: `Basic ${basic}`, 'content-type': 'application/x-www-form-urlencoded;charset=UTF-8' },
        body: 'grant_type=client_credentials',
      });
      assert.equal(token.status, 200, `${inst.name} /oauth2/token: ${token.text}`);
      assert.deepEqual(token.body, { token_type: 'bearer', access_token: creds.app.bearerToken });

      for (const user of creds.users) {
        const path = `/2/users/${user.id}/liked_tweets?max_results=5`;
        const oauth2 = await call(`${inst.baseUrl}${path}`, { headers: bearer(user.oauth2AccessToken) });
        assert.equal(oauth2.status, 200, `${inst.name} ${user.username} OAuth 2.0: ${oauth2.text}`);
        const authorization = oauth1Authorization('GET', `${SIGNED_BASE}${path}`, {
          consumerKey: creds.app.consumerKey,
          consumerSecret: creds.app.consumerSecret,
          token: user.accessToken,
          tokenSecret: user.accessTokenSecret,
        });
        const oauth1 = await call(`${inst.baseUrl}${path}`, { headers: { authorization } });
        assert.equal(oauth1.status, 200, `${inst.name} ${user.username} OAuth 1.0a: ${oauth1.text}`);
        assert.deepEqual(oauth1.body, oauth2.body);
      }
    }
  });

  it('a pagination token from one instance gives the same page on the other', async () => {
    const get = (inst: Instance, path: string, token?: string) =>
      call(`${inst.baseUrl}${path}${token ? `&pagination_token=${token}` : ''}`, { headers: bearer(creds.app.bearerToken) });
    const listings = [
      `/2/users/${creds.heavyLikerUserId}/liked_tweets?max_results=100&tweet.fields=created_at,public_metrics`,
      `/2/tweets/${creds.popularTweetId}/liking_users?max_results=30`,
    ];
    for (const path of listings) {
      const first = await get(a, path);
      assert.equal(first.status, 200, first.text);
      const next = (first.body as Page).meta.next_token;
      assert.ok(next, `${path}: page 1 has a next_token`);
      const onB = await get(b, path, next);
      const onA = await get(a, path, next);
      assert.equal(onB.status, 200, onB.text);
      assert.deepEqual(onB.body, onA.body, `${path}: page 2 from B with A's token equals page 2 from A`);
      // Back again with B's previous_token on A: page 1's rows.
      const previous = (onB.body as Page).meta.previous_token;
      assert.ok(previous);
      const back = await get(a, path, previous);
      assert.deepEqual((back.body as Page).data, (first.body as Page).data, `${path}: previous_token of B's page 2 on A`);

      // The whole listing walked alternately over B and A equals the walk on A alone.
      const walk = async (pick: (i: number) => Instance): Promise<string[]> => {
        const ids: string[] = [];
        let token: string | undefined;
        for (let i = 0; i < 50; i++) {
          const page = await get(pick(i), path, token);
          assert.equal(page.status, 200, page.text);
          ids.push(...((page.body as Page).data ?? []).map((d) => d.id));
          token = (page.body as Page).meta.next_token;
          if (!token) return ids;
        }
        assert.fail(`${path}: more than 50 pages`);
      };
      const alternating = await walk((i) => (i % 2 === 0 ? b : a));
      assert.deepEqual(alternating, await walk(() => a));
      assert.equal(new Set(alternating).size, alternating.length, 'no duplicates');
    }
  });

  it('counts rate limits in shared windows: 74, 73, 72, 71, 70 remaining over A, B, A, B, A', async () => {
    // A fresh App (minted by this test process through the store) gives windows nobody has counted yet.
    const store = new PostgresStore(db!.url, { max: 2 });
    let tokens: { oauth2AccessToken: string };
    try {
      const issuer = new CredentialIssuer(store, new SecretSealer(SECRET_KEY), new SnowflakeIds(systemClock, workerOfClaim(await store.claimIdWorker())), systemClock);
      const probe = await issuer.createApp('Rate-limit probe', creds.project.id, 'read-write');
      tokens = await issuer.mintUserTokens(probe.app, creds.users[0].id);
    } finally {
      await store.close();
    }
    const user = creds.users[0];
    const order = [a, b, a, b, a];
    const reads: Reply[] = [];
    for (const inst of order) {
      reads.push(await call(`${inst.baseUrl}/2/users/${user.id}/liked_tweets?max_results=5`, { headers: bearer(tokens.oauth2AccessToken) }));
    }
    for (const r of reads) assert.equal(r.status, 200, r.text);
    assert.deepEqual(reads.map((r) => r.headers.get('x-rate-limit-limit')), ['75', '75', '75', '75', '75']);
    assert.deepEqual(reads.map((r) => r.headers.get('x-rate-limit-remaining')), ['74', '73', '72', '71', '70']);
    const resets = new Set(reads.map((r) => r.headers.get('x-rate-limit-reset')));
    assert.equal(resets.size, 1, `one window, one reset: ${[...resets].join(', ')}`);
    assert.match([...resets][0]!, /^\d{10}$/);

    // Writes: POST and DELETE have their own 15-minute windows and share the 24-hour one, across instances.
    const tweet = creds.tweets[500].id;
    const writes: Reply[] = [];
    for (const [i, inst] of [a, b, a, b].entries()) {
      const like = i % 2 === 0;
      writes.push(
        await call(`${inst.baseUrl}/2/users/${user.id}/likes${like ? '' : `/${tweet}`}`, {
          method: like ? 'POST' : 'DELETE',
          headers: { ...bearer(tokens.oauth2AccessToken), ...(like ? { 'content-type': 'application/json' } : {}) },
          body: like ? JSON.stringify({ tweet_id: tweet }) : undefined,
        }),
      );
    }
    for (const w of writes) assert.equal(w.status, 200, w.text);
    assert.deepEqual(writes.map((w) => w.headers.get('x-rate-limit-remaining')), ['49', '49', '48', '48']);
    assert.deepEqual(writes.map((w) => w.headers.get('x-user-limit-24hour-remaining')), ['999', '998', '997', '996']);
    assert.equal(new Set(writes.map((w) => w.headers.get('x-user-limit-24hour-reset'))).size, 1);
  });

  it('refuses on B an OAuth 1.0a request A accepted (shared nonces), and the other way round', async () => {
    const user = creds.users[1];
    const path = `/2/users/${user.id}/liked_tweets?max_results=5`;
    const oauthCreds = {
      consumerKey: creds.app.consumerKey,
      consumerSecret: creds.app.consumerSecret,
      token: user.accessToken,
      tokenSecret: user.accessTokenSecret,
    };
    for (const [first, second] of [[a, b], [b, a]] as const) {
      const authorization = oauth1Authorization('GET', `${SIGNED_BASE}${path}`, oauthCreds);
      const accepted = await call(`${first.baseUrl}${path}`, { headers: { authorization } });
      assert.equal(accepted.status, 200, `${first.name}: ${accepted.text}`);
      const replayed = await call(`${second.baseUrl}${path}`, { headers: { authorization } });
      assert.equal(replayed.status, 401, `${second.name} accepted a replay: ${replayed.text}`);
      assert.deepEqual(replayed.body, { title: 'Unauthorized', type: 'about:blank', status: 401, detail: 'Unauthorized' });
      // The same request with a fresh nonce is fine there: the refusal was the replay, not the signature.
      const fresh = await call(`${second.baseUrl}${path}`, {
        headers: { authorization: oauth1Authorization('GET', `${SIGNED_BASE}${path}`, oauthCreds) },
      });
      assert.equal(fresh.status, 200, `${second.name}: ${fresh.text}`);
    }
  });

  it('restarting an instance (and adding a third) never reseeds', { timeout: 180_000 }, async () => {
    // A like made before the restart, through B.
    const user = creds.users[3];
    const liked = await db!.query<{ tweet_id: string }>('SELECT tweet_id FROM likes WHERE user_id = $1', [user.id]);
    const tweet = creds.tweets.find((t) => !liked.some((l) => l.tweet_id === t.id))!.id;
    const like = await call(`${b.baseUrl}/2/users/${user.id}/likes`, {
      method: 'POST',
      headers: { ...bearer(user.oauth2AccessToken), 'content-type': 'application/json' },
      body: JSON.stringify({ tweet_id: tweet }),
    });
    assert.equal(like.status, 200, like.text);

    const before = await seedCounts();
    const credsBefore = readCreds(a.dataDir);
    const stopped = await stopInstance(a);
    assert.deepEqual(stopped, { code: 0, signal: null }, a.output());

    // A again on its own data dir, and a third instance with a fresh one, both at once.
    const [a2, c] = await Promise.all([
      startInstance({ name: 'A (restarted)', dataDir: a.dataDir, env: env() }),
      startInstance({ name: 'C', dataDir: dirs[2].path, env: env() }),
    ]);
    a = a2;
    assert.ok(await waitHealthy(a2.baseUrl), a2.output());
    assert.ok(await waitHealthy(c.baseUrl), c.output());

    assert.deepEqual(await seedCounts(), before);
    for (const inst of [a2, c]) {
      const doc = readCreds(inst.dataDir);
      assert.equal(doc.baseUrl, inst.baseUrl);
      assert.deepEqual(withoutBaseUrl(doc), withoutBaseUrl(credsBefore));
      const page = await call(`${inst.baseUrl}/2/users/${user.id}/liked_tweets?max_results=5`, { headers: bearer(user.oauth2AccessToken) });
      assert.equal(page.status, 200, page.text);
      assert.equal((page.body as Page).data?.[0]?.id, tweet, `${inst.name}: the like made through B before the restart is the newest`);
    }
    assert.ok(await waitHealthy(b.baseUrl), 'B kept serving');
    assert.ok(b.alive());
  });
});

describe('an instance killed while it seeds the demo world', () => {
  const prefix = uniquePrefix('multi-crash');
  const dirs = [tempDir('crash-a'), tempDir('crash-b')];
  let db: TestDatabase | undefined;

  after(
    () => cleanup(stopAll, () => db?.drop(), () => deleteByPrefix(REDIS_URL, prefix), () => dirs.forEach((d) => d.remove())),
    { timeout: 120_000 },
  );

  it('does not keep the next instance from starting: it comes up with one complete demo world', { timeout: 240_000 }, async () => {
    await requireRedis();
    db = await createDatabase('crash');
    const env = {
      LIKES_API_DATABASE_URL: db.url,
      LIKES_API_REDIS_URL: REDIS_URL,
      LIKES_API_REDIS_PREFIX: prefix,
      LIKES_API_SECRET_KEY: SECRET_KEY,
    };
    let seederChild: ChildProcess | undefined;
    const seeder = startInstance({ name: 'seeder', dataDir: dirs[0].path, env, onSpawn: (c) => (seederChild = c) }).catch(() => null);
    const killSeeder = async () => {
      if (seederChild && seederChild.exitCode === null && seederChild.signalCode === null) {
        const exited = once(seederChild, 'exit');
        seederChild.kill('SIGKILL');
        await exited;
      }
    };
    // SIGKILL it as soon as it has written anything (the seed claim comes first), or once it is up.
    let killedMidSeed = false;
    for (let i = 0; i < 6000; i++) {
      const started = await db.query<{ n: string; done: string }>(
        `SELECT (SELECT count(*) FROM meta) AS n, (SELECT count(*) FROM meta WHERE key = 'demo-credentials') AS done`,
      ).catch(() => [{ n: '0', done: '0' }]);
      if (Number(started[0].n) > 0) {
        await killSeeder();
        killedMidSeed = Number(started[0].done) === 0;
        break;
      }
      await new Promise((r) => setTimeout(r, 5));
    }
    await killSeeder();
    await seeder;
    console.log(`crash test: seeder killed ${killedMidSeed ? 'mid-seed' : 'after seeding (nothing to prove this run)'}`);

    // Supervisors restart what died: the next instance must serve, not wait for a seeder that is gone.
    const next = await startInstance({ name: 'after the crash', dataDir: dirs[1].path, env, timeoutMs: 90_000 });
    assert.ok(await waitHealthy(next.baseUrl), next.output());
    const doc = readCreds(next.dataDir);
    const users = await db.query<{ n: string }>('SELECT count(*) AS n FROM users');
    assert.equal(Number(users[0].n), WORLD.users.length);
    assert.equal(Number((await db.query<{ n: string }>('SELECT count(*) AS n FROM likes'))[0].n), WORLD.likes.length);
    assert.equal(Number((await db.query<{ n: string }>(`SELECT count(*) AS n FROM apps WHERE name = 'Demo App'`))[0].n), 1);
    const page = await call(`${next.baseUrl}/2/users/${doc.heavyLikerUserId}/liked_tweets?max_results=5`, { headers: bearer(doc.app.bearerToken) });
    assert.equal(page.status, 200, page.text);
  });
});
