// `likes-api serve` when its Redis goes away and comes back: rate-limited endpoints answer X's 503 at once (no hang),
// /healthz answers 503, the process stays up, and once Redis is back on the same port requests succeed again
// without a restart. Plus: the database number and prefix of LIKES_API_REDIS_URL / LIKES_API_REDIS_PREFIX are where
// the rate-limit keys go. The first part uses a private redis-server child (killed and restarted by the test); the
// second needs the shared Redis (LIKES_API_TEST_REDIS_URL, default redis://127.0.0.1:6379/0): it fails without it.
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { DemoCredentials } from '../../src/demo/demoSeed.ts';
import {
  FETCH_TIMEOUT_MS, REDIS_URL, bearer, call, cleanup, deleteByPrefix, freePort, keysWithPrefix, oauth1Authorization, rawRedis,
  requireRedis, scanKeys, startInstance, startRedisServer, stopAll, stopInstance, stopRedisServer, tempDir, uniquePrefix,
  waitHealthy, type Instance, type Reply,
} from '../support/processes.ts';

const UNAVAILABLE = { title: 'Service Unavailable', type: 'about:blank', status: 503, detail: 'Service Unavailable' };

/** A request that must get an answer: a fetch that hit its 10 s deadline fails the assertion instead of throwing. */
async function answered(url: string, init: RequestInit = {}): Promise<Reply> {
  let aborted: unknown = null;
  const reply = await call(url, init).catch((err: unknown) => {
    aborted = err;
    return null;
  });
  assert.equal(aborted, null, `${init.method ?? 'GET'} ${url} got no answer within ${FETCH_TIMEOUT_MS} ms: ${String(aborted)}`);
  return reply!;
}

function urlWithDb(url: string, db: number): string {
  const u = new URL(url);
  u.pathname = `/${db}`;
  return u.toString();
}

describe('an instance whose Redis goes away', () => {
  const prefix = uniquePrefix('redis-down');
  const dir = tempDir('redis-down');
  let port: number;
  let redis: ChildProcess;
  let inst: Instance;
  let creds: DemoCredentials;

  before(async () => {
    port = await freePort();
    redis = await startRedisServer(port);
    // SQLite store in its own data dir; only the shared state is in (the private) Redis.
    inst = await startInstance({
      name: 'solo',
      dataDir: dir.path,
      env: { LIKES_API_REDIS_URL: `redis://127.0.0.1:${port}/0`, LIKES_API_REDIS_PREFIX: prefix },
    });
    assert.ok(await waitHealthy(inst.baseUrl), inst.output());
    creds = JSON.parse(readFileSync(join(dir.path, 'demo-credentials.json'), 'utf8'));
  }, { timeout: 120_000 });

  after(() => cleanup(stopAll, () => dir.remove()), { timeout: 60_000 });

  /** One request per rate-limited endpoint and per kind of credential. */
  function requests(): { what: string; url: string; init: RequestInit }[] {
    const base = inst.baseUrl;
    const user = creds.users[1];
    const tweet = creds.tweets[700].id;
    const path = `/2/users/${user.id}/liked_tweets?max_results=5`;
    return [
      { what: 'liked_tweets, app-only Bearer', url: `${base}/2/users/${creds.heavyLikerUserId}/liked_tweets?max_results=5`, init: { headers: bearer(creds.app.bearerToken) } },
      { what: 'liking_users, OAuth 2.0 user', url: `${base}/2/tweets/${creds.popularTweetId}/liking_users?max_results=5`, init: { headers: bearer(user.oauth2AccessToken) } },
      {
        what: 'POST likes',
        url: `${base}/2/users/${user.id}/likes`,
        init: { method: 'POST', headers: { ...bearer(user.oauth2AccessToken), 'content-type': 'application/json' }, body: JSON.stringify({ tweet_id: tweet }) },
      },
      { what: 'DELETE likes', url: `${base}/2/users/${user.id}/likes/${tweet}`, init: { method: 'DELETE', headers: bearer(user.oauth2AccessToken) } },
      { what: 'usage/tweets', url: `${base}/2/usage/tweets`, init: { headers: bearer(creds.app.bearerToken) } },
      {
        what: 'liked_tweets, OAuth 1.0a',
        url: `${base}${path}`,
        init: {
          headers: {
            authorization: oauth1Authorization('GET', `https://api.x.com${path}`, {
              consumerKey: creds.app.consumerKey,
              consumerSecret: creds.app.consumerSecret,
              token: user.accessToken,
              tokenSecret: user.accessTokenSecret,
            }),
          },
        },
      },
    ];
  }

  it('serves, answers 503 while Redis is down, and recovers on the same port without a restart', { timeout: 120_000 }, async () => {
    const pid = inst.child.pid;
    for (const r of requests()) {
      const reply = await answered(r.url, r.init);
      assert.equal(reply.status, 200, `${r.what} with Redis up: ${reply.text}`);
    }

    await stopRedisServer(redis, 'SIGKILL');

    for (const r of requests()) {
      const reply = await answered(r.url, r.init);
      assert.equal(reply.status, 503, `${r.what} with Redis down: ${reply.status} ${reply.text}`);
      assert.match(reply.headers.get('content-type') ?? '', /json/);
      assert.deepEqual(reply.body, UNAVAILABLE, r.what);
    }
    const health = await answered(`${inst.baseUrl}/healthz`);
    assert.equal(health.status, 503, health.text);
    assert.deepEqual(health.body, UNAVAILABLE);
    // Still up, and what does not need Redis still works.
    assert.ok(inst.alive(), inst.output());
    assert.equal((await answered(`${inst.baseUrl}/openapi.json`)).status, 200);
    // A second round is refused as quickly: nothing piles up while Redis stays away.
    for (const r of requests()) assert.equal((await answered(r.url, r.init)).status, 503, r.what);

    redis = await startRedisServer(port);

    // The connection comes back on its own (bounded wait: ~30 s).
    assert.ok(await waitHealthy(inst.baseUrl), `/healthz never answered 200 again:\n${inst.output()}`);
    for (const r of requests()) {
      const reply = await answered(r.url, r.init);
      assert.equal(reply.status, 200, `${r.what} after Redis came back: ${reply.text}`);
    }
    // The new Redis kept nothing, so windows started over; the headers come from it.
    const again = await answered(requests()[0].url, requests()[0].init);
    assert.equal(again.headers.get('x-rate-limit-remaining'), '73');
    assert.ok(inst.alive());
    assert.equal(inst.child.pid, pid, 'the same process throughout');
  });

  it('answers 503 rather than hanging while Redis accepts connections but does not answer, and recovers', { timeout: 120_000 }, async () => {
    assert.ok(await waitHealthy(inst.baseUrl), inst.output());
    redis.kill('SIGSTOP');
    try {
      for (const r of requests()) {
        const reply = await answered(r.url, r.init);
        assert.equal(reply.status, 503, `${r.what} with Redis stopped: ${reply.status} ${reply.text}`);
        assert.deepEqual(reply.body, UNAVAILABLE, r.what);
      }
      const health = await answered(`${inst.baseUrl}/healthz`);
      assert.equal(health.status, 503, health.text);
      assert.ok(inst.alive(), inst.output());
    } finally {
      redis.kill('SIGCONT');
    }
    assert.ok(await waitHealthy(inst.baseUrl), `/healthz never answered 200 again:\n${inst.output()}`);
    for (const r of requests()) {
      const reply = await answered(r.url, r.init);
      assert.equal(reply.status, 200, `${r.what} after Redis resumed: ${reply.text}`);
    }
  });

  it('stops cleanly', async () => {
    assert.deepEqual(await stopInstance(inst), { code: 0, signal: null }, inst.output());
    await stopRedisServer(redis);
  });
});

describe('the Redis database number and prefix', () => {
  const prefix = uniquePrefix('redis-db5');
  const db5 = urlWithDb(REDIS_URL, 5);
  const dir = tempDir('redis-db5');
  let inst: Instance | undefined;

  before(async () => {
    await requireRedis(db5);
  });

  after(() => cleanup(stopAll, () => deleteByPrefix(db5, prefix), () => dir.remove()), { timeout: 60_000 });

  it('writes the rate-limit keys only in database 5, under the prefix', { timeout: 120_000 }, async () => {
    inst = await startInstance({ name: 'db5', dataDir: dir.path, env: { LIKES_API_REDIS_URL: db5, LIKES_API_REDIS_PREFIX: prefix } });
    assert.ok(await waitHealthy(inst.baseUrl), inst.output());
    const creds: DemoCredentials = JSON.parse(readFileSync(join(dir.path, 'demo-credentials.json'), 'utf8'));
    const user = creds.users[0];
    const appId = creds.app.id;
    const replies = [
      await answered(`${inst.baseUrl}/2/users/${user.id}/liked_tweets?max_results=5`, { headers: bearer(creds.app.bearerToken) }),
      await answered(`${inst.baseUrl}/2/users/${user.id}/liked_tweets?max_results=5`, { headers: bearer(user.oauth2AccessToken) }),
      await answered(`${inst.baseUrl}/2/users/${user.id}/likes`, {
        method: 'POST',
        headers: { ...bearer(user.oauth2AccessToken), 'content-type': 'application/json' },
        body: JSON.stringify({ tweet_id: creds.tweets[3].id }),
      }),
    ];
    for (const r of replies) assert.equal(r.status, 200, r.text);

    const client = rawRedis(db5);
    try {
      const keys = await keysWithPrefix(client, prefix);
      for (const k of keys) assert.ok(k.startsWith(prefix), k);
      const rateKeys = keys.filter((k) => k.slice(prefix.length).startsWith('rl:'));
      // One bucket per window counted: app-only and user liked_tweets, the like's 15-minute and 24-hour windows.
      for (const suffix of [`liked_tweets:900000:${appId}`, `liked_tweets:900000:${appId}:${user.id}`, `like:900000:${appId}:${user.id}`, `likes-24h:86400000:${appId}:${user.id}`]) {
        const found = rateKeys.filter((k) => k.endsWith(`:${suffix}`));
        assert.equal(found.length, 1, `one key for ${suffix} among ${rateKeys.join(', ')}`);
        assert.equal(await client.hget(found[0], 'c'), '1', `${found[0]} counted one request`);
      }
      assert.equal(rateKeys.length, 4, rateKeys.join(', '));
      // Nothing of this App's windows anywhere in db 5 without the prefix.
      const unprefixed = (await scanKeys(client, `*${appId}*`)).filter((k) => !k.startsWith(prefix));
      assert.deepEqual(unprefixed, []);

      // No other database holds anything under the prefix.
      const databases = Number((await client.config('GET', 'databases') as string[])[1] ?? 16);
      for (let n = 0; n < Math.min(databases, 64); n++) {
        if (n === 5) continue;
        const other = rawRedis(urlWithDb(REDIS_URL, n));
        try {
          assert.deepEqual(await keysWithPrefix(other, prefix), [], `database ${n}`);
        } finally {
          other.disconnect();
        }
      }
    } finally {
      client.disconnect();
    }
    assert.deepEqual(await stopInstance(inst), { code: 0, signal: null }, inst.output());
  });
});
