// Sandboxes served by two `likes-api serve` processes over one fresh PostgreSQL database and one Redis prefix: a
// sandbox made through one instance is the same world on the other (its data, its credentials, its clock, its
// faults, its request log, its usage, its rate-limit windows), snapshots, restores, resets and deletes made through
// one are seen by the other at once (no stale cached answers), and a deleted sandbox leaves no schema behind. Also
// logs how long making a sandbox takes on PostgreSQL. Needs PostgreSQL (LIKES_API_TEST_DATABASE_URL) and Redis
// (LIKES_API_TEST_REDIS_URL), and dist/ built (`npm run build`): the suite fails without them.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { ApiResponseError } from 'twitter-api-v2';
import type { DemoCredentials } from '../../src/demo/demoCredentials.ts';
import { bearerClient, oauth1Client } from '../support/clients.ts';
import {
  REDIS_URL, bearer, call as rawCall, cleanup, createDatabase, deleteByPrefix, keysWithPrefix, oauth1Authorization, rawRedis,
  requireRedis, startHealthyInstances, stopAll, tempDir, uniquePrefix, type Instance, type Reply, type TestDatabase,
} from '../support/processes.ts';

const SECRET_KEY = randomBytes(32).toString('hex');
const ADMIN_TOKEN = randomBytes(24).toString('hex');
/** OAuth 1.0a headers signed for X's host verify on every instance, whatever its port. */
const SIGNED_BASE = 'https://api.x.com';

interface Sandbox {
  id: string;
  credentials: DemoCredentials;
}
type User = DemoCredentials['users'][number];
type Page = { data?: { id: string }[]; meta: { result_count: number; next_token?: string } };

describe('sandboxes over two instances on one PostgreSQL database and one Redis prefix', () => {
  const prefix = uniquePrefix('multi-sbx');
  const dirs = [tempDir('sbx-a'), tempDir('sbx-b')];
  let db: TestDatabase | undefined;
  let a: Instance;
  let b: Instance;
  /** The default world's credentials (demo-credentials.json). */
  let defaults: DemoCredentials;

  before(async () => {
    await requireRedis();
    db = await createDatabase('sbx');
    [a, b] = await startHealthyInstances(dirs, {
      LIKES_API_DATABASE_URL: db.url,
      LIKES_API_REDIS_URL: REDIS_URL,
      LIKES_API_REDIS_PREFIX: prefix,
      LIKES_API_SECRET_KEY: SECRET_KEY,
      LIKES_API_ADMIN_TOKEN: ADMIN_TOKEN,
    });
    defaults = JSON.parse(readFileSync(join(a.dataDir, 'demo-credentials.json'), 'utf8')) as DemoCredentials;
  }, { timeout: 180_000 });

  after(
    () => cleanup(stopAll, () => db?.drop(), () => deleteByPrefix(REDIS_URL, prefix), () => dirs.forEach((d) => d.remove())),
    { timeout: 120_000 },
  );

  // ---- helpers ----

  /** fetch (support/processes.ts `call`); a request that gets no answer fails with how A and B are, and their output. */
  const call = async (url: string, init: RequestInit = {}): Promise<Reply> => {
    try {
      return await rawCall(url, init);
    } catch (err) {
      const state = (i: Instance) => `${i.name} (${i.baseUrl}) ${i.alive() ? 'running' : 'EXITED'}; its output ends with:\n${i.output().slice(-4000)}`;
      throw new Error(`${init.method ?? 'GET'} ${url}: no answer (${String(err)})\n${state(a)}\n${state(b)}`, { cause: err });
    }
  };

  /** A control API call on `inst`; `body` (when given) is sent as JSON. */
  const admin = (inst: Instance, method: string, path: string, body?: unknown): Promise<Reply> =>
    call(`${inst.baseUrl}/__admin${path}`, {
      method,
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });

  const createSandbox = async (inst: Instance, seed: 'demo' | 'empty' = 'demo'): Promise<Sandbox> => {
    const made = await admin(inst, 'POST', '/sandboxes', { seed });
    assert.equal(made.status, 201, `${inst.name}: ${made.text}`);
    return made.body as Sandbox;
  };

  const likedTweets = (inst: Instance, token: string, userId: string, query = 'max_results=5'): Promise<Reply> =>
    call(`${inst.baseUrl}/2/users/${userId}/liked_tweets?${query}`, { headers: bearer(token) });

  const likingUsers = (inst: Instance, token: string, tweetId: string, query = 'max_results=100'): Promise<Reply> =>
    call(`${inst.baseUrl}/2/tweets/${tweetId}/liking_users?${query}`, { headers: bearer(token) });

  const oauth1Header = (sb: DemoCredentials, user: User, method: string, path: string): string =>
    oauth1Authorization(method, `${SIGNED_BASE}${path}`, {
      consumerKey: sb.app.consumerKey,
      consumerSecret: sb.app.consumerSecret,
      token: user.accessToken,
      tokenSecret: user.accessTokenSecret,
    });

  /** A user of the sandbox whose likes the default visibility rules show to anyone. */
  const publicUser = (sb: Sandbox, skip = 0): User => sb.credentials.users.filter((u) => !u.protected)[skip]!;

  /** A likeable Tweet `user` has not liked in world `schema` (`public` for the default world), by the database. */
  const unlikedTweet = async (schema: string, sb: Sandbox, user: User): Promise<string> => {
    const rows = await db!.query<{ tweet_id: string }>(`SELECT tweet_id FROM "${schema}".likes WHERE user_id = $1`, [user.id]);
    const liked = new Set(rows.map((r) => r.tweet_id));
    const tweet = sb.credentials.tweets.find((t) => !liked.has(t.id) && t.authorId !== user.id);
    assert.ok(tweet, `a Tweet ${user.username} has not liked`);
    return tweet.id;
  };

  /** The newest likeable Tweet `user` has liked in the sandbox with fewer than 100 likers (all on one page), by the database. */
  const likedTweet = async (sb: Sandbox, user: User): Promise<string> => {
    const rows = await db!.query<{ tweet_id: string }>(
      `SELECT l.tweet_id FROM "likes_${sb.id}".likes l JOIN "likes_${sb.id}".tweets t ON t.id = l.tweet_id
       WHERE l.user_id = $1 AND NOT t.deleted AND t.like_count < 100 ORDER BY l.liked_at DESC`,
      [user.id],
    );
    const likeable = new Set(sb.credentials.tweets.map((t) => t.id));
    const found = rows.find((r) => likeable.has(r.tweet_id));
    assert.ok(found, `${user.username} likes a likeable Tweet`);
    return found.tweet_id;
  };

  const likerIds = (r: Reply): string[] => ((r.body as Page).data ?? []).map((u) => u.id);

  /** Requests `inst`s in turn, each with `request`; the statuses, in order. */
  const statuses = async (insts: Instance[], request: (inst: Instance) => Promise<Reply>): Promise<number[]> => {
    const out: number[] = [];
    for (const inst of insts) out.push((await request(inst)).status);
    return out;
  };

  /** Spends user-window requests of liked_tweets until the 15-minute window (75) is exhausted, alternating A and B. */
  const exhaustLikedTweets = async (token: string, userId: string): Promise<void> => {
    const remaining: string[] = [];
    for (let i = 0; i < 75; i++) {
      const r = await likedTweets(i % 2 === 0 ? a : b, token, userId, 'max_results=5');
      assert.equal(r.status, 200, `request ${i + 1}: ${r.text}`);
      remaining.push(r.headers.get('x-rate-limit-remaining')!);
    }
    assert.deepEqual(remaining, Array.from({ length: 75 }, (_, i) => String(74 - i)), 'one window counted over A and B');
    for (const inst of [a, b]) {
      const refused = await likedTweets(inst, token, userId);
      assert.equal(refused.status, 429, `${inst.name}: ${refused.text}`);
      assert.equal(refused.headers.get('x-rate-limit-remaining'), '0');
    }
  };

  // ---- 1. one world, two instances ----

  it('a sandbox made through A is the same world on B: a like made via B shows via A, and nowhere else', async () => {
    const sb = await createSandbox(a);
    const other = await createSandbox(a);
    assert.match(sb.id, /^sb[0-9a-z]{10}$/);
    assert.notEqual(sb.id, other.id);
    const c = sb.credentials;
    // Every routable credential carries the sandbox's tag; OAuth 1.0a access tokens keep X's `<user id>-…` form (a
    // request is routed by its consumer key).
    for (const credential of [c.app.bearerToken, c.app.consumerKey, c.app.clientId, c.appWithoutProject.bearerToken, ...c.users.map((u) => u.oauth2AccessToken)]) {
      assert.ok(credential.startsWith(`${sb.id}.`), `${credential} carries the sandbox's tag`);
    }
    for (const u of c.users) assert.ok(u.accessToken.startsWith(`${u.id}-`), u.accessToken);
    // B knows it at once: in its list, and by id.
    const list = await admin(b, 'GET', '/sandboxes');
    assert.equal(list.status, 200, list.text);
    const ids = (list.body.data as { id: string; default: boolean }[]).map((s) => s.id);
    assert.equal(ids[0], 'default');
    assert.ok(ids.includes(sb.id) && ids.includes(other.id), ids.join(', '));
    const one = await admin(b, 'GET', `/sandboxes/${sb.id}`);
    assert.equal(one.status, 200, one.text);
    assert.equal(one.body.data.id, sb.id);
    assert.equal(one.body.data.seed, 'demo');
    assert.equal(one.body.data.store, 'postgres');
    assert.equal(one.body.credentials.app.bearerToken, c.app.bearerToken);

    const user = publicUser(sb);
    const tweet = await unlikedTweet(`likes_${sb.id}`, sb, user);
    // The Tweet exists with the same id in the default world and in the other sandbox, not liked by that user there.
    assert.equal(Number((await db!.query('SELECT count(*) AS n FROM public.likes WHERE user_id = $1 AND tweet_id = $2', [user.id, tweet]))[0].n), 0);

    // Liked through B with X's SDK (OAuth 1.0a, signed for api.x.com) ...
    const liked = await oauth1Client(b.baseUrl, c.app, user).v2.like(user.id, tweet);
    assert.deepEqual(liked.data, { liked: true });
    // ... seen through A, with the SDK (app-only Bearer) and raw.
    const likers = await bearerClient(a.baseUrl, c.app.bearerToken).v2.tweetLikedBy(tweet, { max_results: 100 });
    assert.equal(likers.data?.[0]?.id, user.id, 'the newest liker, via A');
    const rawA = await likingUsers(a, c.app.bearerToken, tweet);
    assert.equal(rawA.status, 200, rawA.text);
    assert.equal(likerIds(rawA)[0], user.id);
    // An OAuth 1.0a user-context read through A shows it too.
    const path = `/2/users/${user.id}/liked_tweets?max_results=5`;
    const own = await call(`${a.baseUrl}${path}`, { headers: { authorization: oauth1Header(c, user, 'GET', path) } });
    assert.equal(own.status, 200, own.text);
    assert.equal((own.body as Page).data?.[0]?.id, tweet);

    // Not in the default world, nor in the other sandbox, on either instance.
    for (const inst of [a, b]) {
      const inDefault = await likingUsers(inst, defaults.app.bearerToken, tweet);
      assert.equal(inDefault.status, 200, inDefault.text);
      assert.ok(!likerIds(inDefault).includes(user.id), `${inst.name}: not in the default world`);
      const inOther = await likingUsers(inst, other.credentials.app.bearerToken, tweet);
      assert.equal(inOther.status, 200, inOther.text);
      assert.ok(!likerIds(inOther).includes(user.id), `${inst.name}: not in the other sandbox`);
      assert.deepEqual(likerIds(inOther), likerIds(inDefault), `${inst.name}: the other sandbox is the demo world as seeded`);
    }
    assert.equal(Number((await db!.query('SELECT count(*) AS n FROM public.likes WHERE user_id = $1 AND tweet_id = $2', [user.id, tweet]))[0].n), 0);
    assert.equal(Number((await db!.query(`SELECT count(*) AS n FROM "likes_${other.id}".likes WHERE user_id = $1 AND tweet_id = $2`, [user.id, tweet]))[0].n), 0);
    assert.equal(Number((await db!.query(`SELECT count(*) AS n FROM "likes_${sb.id}".likes WHERE user_id = $1 AND tweet_id = $2`, [user.id, tweet]))[0].n), 1);

    // A sandbox's credential is no key to another world: the other sandbox's tag on it gets X's 401.
    const retagged = `${other.id}.${c.app.bearerToken.slice(sb.id.length + 1)}`;
    const refused = await likingUsers(b, retagged, tweet);
    assert.equal(refused.status, 401, refused.text);
  });

  it("a page cached on A: likes via B of a Tweet it shows or of its own listing show on A at once; a like of neither leaves A's answer cached", async () => {
    const sb = await createSandbox(a);
    const c = sb.credentials;
    const schema = `likes_${sb.id}`;
    const [owner, liker] = [publicUser(sb), publicUser(sb, 1)];
    const query = 'max_results=10&tweet.fields=public_metrics';
    const cacheHits = async (inst: Instance) => {
      const text = (await call(`${inst.baseUrl}/metrics`)).text;
      return Number(/^likes_api_response_cache_lookups_total\{result="hit"\} (\d+)/m.exec(text)?.[1]);
    };
    const likeVia = async (inst: Instance, user: User, tweetId: string) => {
      const r = await call(`${inst.baseUrl}/2/users/${user.id}/likes`, {
        method: 'POST',
        headers: { ...bearer(user.oauth2AccessToken), 'content-type': 'application/json' },
        body: JSON.stringify({ tweet_id: tweetId }),
      });
      assert.equal(r.status, 200, r.text);
      assert.deepEqual(r.body, { data: { liked: true } });
    };
    type MetricsPage = { data: { id: string; public_metrics: { like_count: number } }[] };
    const page = (await likedTweets(a, c.app.bearerToken, owner.id, query)).body as MetricsPage;
    const shown = new Set(page.data.map((t) => t.id));
    const likedBy = async (user: User) => new Set((await db!.query<{ tweet_id: string }>(`SELECT tweet_id FROM "${schema}".likes WHERE user_id = $1`, [user.id])).map((r) => r.tweet_id));

    // Neither the owner's listing nor a Tweet or user the page shows: A answers from its cache, the same bytes.
    const likerLikes = await likedBy(liker);
    const elsewhere = c.tweets.find((t) => !shown.has(t.id) && !likerLikes.has(t.id) && t.authorId !== owner.id)!;
    await likeVia(b, liker, elsewhere.id);
    const hits = await cacheHits(a);
    assert.deepEqual((await likedTweets(a, c.app.bearerToken, owner.id, query)).body, page);
    assert.equal(await cacheHits(a), hits + 1, 'answered from the cache on A');

    // A Tweet the page shows: its like_count moves on A at once.
    const target = page.data.find((t) => !likerLikes.has(t.id))!;
    await likeVia(b, liker, target.id);
    const after = (await likedTweets(a, c.app.bearerToken, owner.id, query)).body as MetricsPage;
    assert.equal(after.data.find((t) => t.id === target.id)!.public_metrics.like_count, target.public_metrics.like_count + 1);

    // The owner's own listing: the new like comes first on A.
    const fresh = await unlikedTweet(schema, sb, owner);
    await likeVia(b, owner, fresh);
    assert.equal(((await likedTweets(a, c.app.bearerToken, owner.id, query)).body as MetricsPage).data[0].id, fresh);
  });

  // ---- 2. faults ----

  it('a fault set on A applies on B, times: 3 counts across both, removing it on B stops it on A', async () => {
    const sb = await createSandbox(a);
    const c = sb.credentials;
    const user = publicUser(sb);
    const read = (inst: Instance) => likedTweets(inst, user.oauth2AccessToken, user.id);

    const set = await admin(a, 'POST', `/sandboxes/${sb.id}/faults`, { endpoint: 'liked_tweets', action: 'unavailable' });
    assert.equal(set.status, 201, set.text);
    const faultId = set.body.id as string;
    const listed = await admin(b, 'GET', `/sandboxes/${sb.id}/faults`);
    assert.equal(listed.status, 200, listed.text);
    assert.deepEqual(listed.body.data.map((f: { id: string }) => f.id), [faultId]);
    for (const inst of [b, a, b]) {
      const r = await read(inst);
      assert.equal(r.status, 503, `${inst.name}: ${r.text}`);
    }
    // Only the endpoint it names: liking_users still answers on both.
    for (const inst of [a, b]) assert.equal((await likingUsers(inst, c.app.bearerToken, c.popularTweetId, 'max_results=5')).status, 200);
    // Another world is untouched: the default world's liked_tweets answers on B.
    assert.equal((await likedTweets(b, defaults.users[0].oauth2AccessToken, defaults.users[0].id)).status, 200);

    const removed = await admin(b, 'DELETE', `/sandboxes/${sb.id}/faults/${faultId}`);
    assert.equal(removed.status, 204, removed.text);
    assert.deepEqual(await statuses([a, b, a], read), [200, 200, 200]);
    assert.deepEqual((await admin(a, 'GET', `/sandboxes/${sb.id}/faults`)).body.data, []);

    // times: 3, one request at a time over A and B: exactly the first three are faulted.
    const three = await admin(a, 'POST', `/sandboxes/${sb.id}/faults`, { endpoint: 'liking_users', action: 'server_error', times: 3 });
    assert.equal(three.status, 201, three.text);
    assert.equal(three.body.times_remaining, 3);
    const inTurn = await statuses([b, a, b, a, b, a], (inst) => likingUsers(inst, c.app.bearerToken, c.popularTweetId, 'max_results=5'));
    assert.deepEqual(inTurn, [500, 500, 500, 200, 200, 200]);
    assert.deepEqual((await admin(b, 'GET', `/sandboxes/${sb.id}/faults`)).body.data, [], 'used up: gone on B');

    // times: 3 with 12 requests at once, 6 on each instance: exactly 3 faulted in total.
    const burst = await admin(b, 'POST', `/sandboxes/${sb.id}/faults`, { endpoint: '*', action: 'unavailable', times: 3 });
    assert.equal(burst.status, 201, burst.text);
    const answers = await Promise.all(
      Array.from({ length: 12 }, (_, i) => likingUsers(i % 2 === 0 ? a : b, c.app.bearerToken, c.popularTweetId, 'max_results=5')),
    );
    const counts = answers.reduce<Record<number, number>>((acc, r) => ({ ...acc, [r.status]: (acc[r.status] ?? 0) + 1 }), {});
    assert.deepEqual(counts, { 200: 9, 503: 3 }, answers.map((r) => r.status).join(' '));
    assert.deepEqual((await admin(a, 'GET', `/sandboxes/${sb.id}/faults`)).body.data, []);

    // A standing fault cleared on B (DELETE …/faults) stops on A.
    assert.equal((await admin(a, 'POST', `/sandboxes/${sb.id}/faults`, { endpoint: 'liked_tweets', action: 'rate_limit', user_id: user.id })).status, 201);
    assert.equal((await read(b)).status, 429);
    const cleared = await admin(b, 'DELETE', `/sandboxes/${sb.id}/faults`);
    assert.equal(cleared.status, 200, cleared.text);
    assert.deepEqual(cleared.body, { removed: 1 });
    assert.equal((await read(a)).status, 200);
  });

  // ---- 3. clock ----

  it('the clock advanced on A is the time on B; a rate-limit window exhausted over both ends for both after 900 s', async () => {
    const sb = await createSandbox(b);
    const user = publicUser(sb, 1);
    for (const inst of [a, b]) {
      const clock = await admin(inst, 'GET', `/sandboxes/${sb.id}/clock`);
      assert.equal(clock.status, 200, clock.text);
      assert.ok(Math.abs(Date.parse(clock.body.now) - Date.now()) < 5000, `${inst.name}: a new sandbox runs on real time: ${clock.text}`);
    }
    const moved = await admin(a, 'POST', `/sandboxes/${sb.id}/clock`, { advance_seconds: 3600 });
    assert.equal(moved.status, 200, moved.text);
    const clockB = await admin(b, 'GET', `/sandboxes/${sb.id}/clock`);
    assert.equal(clockB.status, 200, clockB.text);
    const skew = Date.parse(clockB.body.now) - Date.now() - 3_600_000;
    assert.ok(Math.abs(skew) < 5000, `B: an hour ahead (${skew} ms off): ${clockB.text}`);
    assert.ok(Date.parse(clockB.body.now) >= Date.parse(moved.body.now), 'B reads the time A set, or later');
    // The default world keeps real time.
    const defaultClock = await admin(b, 'GET', '/sandboxes/default/clock');
    assert.equal(defaultClock.status, 200, defaultClock.text);
    assert.ok(Math.abs(Date.parse(defaultClock.body.now) - Date.now()) < 5000, defaultClock.text);

    // One window of 75 over A and B, refused on both ...
    await exhaustLikedTweets(user.oauth2AccessToken, user.id);
    const refused = await likedTweets(b, user.oauth2AccessToken, user.id);
    const reset = Number(refused.headers.get('x-rate-limit-reset'));
    assert.ok(reset * 1000 > Date.now() + 3_600_000, `the reset is in sandbox time (an hour ahead): ${reset}`);
    // ... until the sandbox's clock, moved on A, passes the reset: then it is a new window on both.
    const later = await admin(b, 'POST', `/sandboxes/${sb.id}/clock`, { advance_seconds: 900 });
    assert.equal(later.status, 200, later.text);
    const again = [await likedTweets(a, user.oauth2AccessToken, user.id), await likedTweets(b, user.oauth2AccessToken, user.id)];
    assert.deepEqual(again.map((r) => r.status), [200, 200], again.map((r) => r.text).join('\n'));
    assert.deepEqual(again.map((r) => r.headers.get('x-rate-limit-remaining')), ['74', '73']);
    assert.ok(Number(again[0].headers.get('x-rate-limit-reset')) > reset, 'a later window');
  });

  // ---- 4. request inspector ----

  it("the inspector on A shows the requests B served, by transaction id, newest first", async () => {
    const sb = await createSandbox(a);
    const c = sb.credentials;
    const user = publicUser(sb);
    const sent: { inst: Instance; id: string; status: number }[] = [];
    for (const inst of [b, a, b, b, a]) {
      const r = await likedTweets(inst, user.oauth2AccessToken, user.id);
      sent.push({ inst, id: r.headers.get('x-transaction-id')!, status: r.status });
    }
    // And one refusal on B: a sandbox-tagged Bearer this world never issued.
    const bogus = await likingUsers(b, `${sb.id}.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA`, c.popularTweetId);
    assert.equal(bogus.status, 401, bogus.text);
    sent.push({ inst: b, id: bogus.headers.get('x-transaction-id')!, status: 401 });
    assert.equal(new Set(sent.map((s) => s.id)).size, sent.length, 'distinct transaction ids');

    // Entries are written after the answer: wait (bounded) until all six are in.
    type Entry = { transaction_id: string; status: number; path: string; method: string; user_id: string | null; auth: { verdict: string } };
    let entries: Entry[] = [];
    for (let i = 0; i < 100; i++) {
      const log = await admin(a, 'GET', `/sandboxes/${sb.id}/requests?limit=50`);
      assert.equal(log.status, 200, log.text);
      entries = log.body.data as Entry[];
      if (sent.every((s) => entries.some((e) => e.transaction_id === s.id))) break;
      await sleep(50);
    }
    const ours = entries.filter((e) => sent.some((s) => s.id === e.transaction_id));
    assert.equal(ours.length, sent.length, `every request is in A's inspector once: ${JSON.stringify(entries.map((e) => e.transaction_id))}`);
    // Newest first: the reverse of the order they were sent in (each was answered before the next was sent).
    assert.deepEqual(ours.map((e) => e.transaction_id), sent.map((s) => s.id).reverse());
    const servedByB = sent.filter((s) => s.inst === b).map((s) => s.id);
    assert.equal(servedByB.length, 4);
    for (const s of sent) {
      const e = ours.find((x) => x.transaction_id === s.id)!;
      assert.equal(e.status, s.status);
      if (s.status === 200) {
        assert.equal(e.path, `/2/users/${user.id}/liked_tweets`);
        assert.equal(e.user_id, user.id);
        assert.equal(e.auth.verdict, 'accepted');
      } else {
        assert.equal(e.auth.verdict, 'refused');
      }
    }
    // B shows the same log; limit=2 the newest two.
    const onB = await admin(b, 'GET', `/sandboxes/${sb.id}/requests?limit=2`);
    assert.equal(onB.status, 200, onB.text);
    assert.deepEqual(onB.body.data.map((e: Entry) => e.transaction_id), sent.slice(-2).map((s) => s.id).reverse());
    // The default world's requests are not in the sandbox's log.
    const plain = await likedTweets(a, defaults.users[0].oauth2AccessToken, defaults.users[0].id);
    await sleep(200);
    const after = await admin(b, 'GET', `/sandboxes/${sb.id}/requests?limit=50`);
    assert.ok(!after.body.data.some((e: Entry) => e.transaction_id === plain.headers.get('x-transaction-id')));
  });

  // ---- 5. usage ----

  it('usage on B counts the requests A served', async () => {
    const sb = await createSandbox(b);
    const c = sb.credentials;
    const user = publicUser(sb);
    const empty = await admin(b, 'GET', `/sandboxes/${sb.id}/usage`);
    assert.equal(empty.status, 200, empty.text);
    assert.equal(empty.body.totals.requests, 0, empty.text);

    for (let i = 0; i < 3; i++) assert.equal((await likedTweets(a, user.oauth2AccessToken, user.id)).status, 200);
    for (let i = 0; i < 2; i++) assert.equal((await likingUsers(a, c.app.bearerToken, c.popularTweetId, 'max_results=5')).status, 200);
    const tweet = await unlikedTweet(`likes_${sb.id}`, sb, user);
    const like = await call(`${a.baseUrl}/2/users/${user.id}/likes`, {
      method: 'POST',
      headers: { ...bearer(user.oauth2AccessToken), 'content-type': 'application/json' },
      body: JSON.stringify({ tweet_id: tweet }),
    });
    assert.equal(like.status, 200, like.text);

    // A writes its usage behind (within moments): wait (bounded) until B counts all six.
    let usage = await admin(b, 'GET', `/sandboxes/${sb.id}/usage`);
    for (let i = 0; i < 100 && usage.body.totals?.requests !== 6; i++) {
      await sleep(50);
      usage = await admin(b, 'GET', `/sandboxes/${sb.id}/usage`);
    }
    assert.equal(usage.status, 200, usage.text);
    const t = usage.body.totals;
    assert.equal(t.requests, 6, usage.text);
    assert.equal(t.requests_by_endpoint.liked_tweets, 3);
    assert.equal(t.requests_by_endpoint.liking_users, 2);
    assert.equal(t.requests_by_endpoint.like, 1);
    assert.equal(t.writes, 1);
    assert.ok(t.posts_read > 0 && t.users_read > 0, usage.text);
    assert.ok(t.cost_usd.total > 0, usage.text);
    assert.deepEqual(usage.body.data.map((r: { app_id: string }) => r.app_id), [c.app.id]);
    // And A reports the same.
    assert.deepEqual((await admin(a, 'GET', `/sandboxes/${sb.id}/usage`)).body, usage.body);
  });

  // ---- 6. snapshots ----

  it('a snapshot taken on A, changed via B, restored via B: both instances answer the snapshot bytes again', async () => {
    const sb = await createSandbox(a);
    const c = sb.credentials;
    const user = publicUser(sb);
    const toLike = await unlikedTweet(`likes_${sb.id}`, sb, user);
    const toUnlike = await likedTweet(sb, user);
    const reads = (inst: Instance) => [
      likedTweets(inst, c.app.bearerToken, user.id, 'max_results=100&tweet.fields=public_metrics'),
      likingUsers(inst, c.app.bearerToken, toLike),
      likingUsers(inst, c.app.bearerToken, toUnlike),
      call(`${inst.baseUrl}/2/users/${user.id}/liked_tweets?max_results=100&tweet.fields=public_metrics`, {
        headers: { authorization: oauth1Header(c, user, 'GET', `/2/users/${user.id}/liked_tweets?max_results=100&tweet.fields=public_metrics`) },
      }),
    ];
    const bytes = async (inst: Instance): Promise<string[]> => {
      const out: string[] = [];
      for (const r of reads(inst)) {
        const reply = await r;
        assert.equal(reply.status, 200, `${inst.name}: ${reply.text}`);
        out.push(reply.text);
      }
      return out;
    };
    // Both instances read (and may cache) the answers first.
    const snapshotBytes = await bytes(a);
    assert.deepEqual(await bytes(b), snapshotBytes);
    assert.deepEqual(await bytes(a), snapshotBytes);

    const snap = await admin(a, 'POST', `/sandboxes/${sb.id}/snapshots`, { name: 'before' });
    assert.equal(snap.status, 201, snap.text);
    const listed = await admin(b, 'GET', `/sandboxes/${sb.id}/snapshots`);
    assert.deepEqual(listed.body, { data: [{ name: 'before' }] }, 'B lists it (and not the seed snapshot)');

    // Changes through B: a like and an unlike (SDK, OAuth 1.0a).
    const client = oauth1Client(b.baseUrl, c.app, user);
    assert.deepEqual((await client.v2.like(user.id, toLike)).data, { liked: true });
    assert.deepEqual((await client.v2.unlike(user.id, toUnlike)).data, { liked: false });
    // Both instances see the change (no stale cached answer after a write).
    for (const inst of [a, b]) {
      const now = await bytes(inst);
      for (let i = 0; i < now.length; i++) assert.notEqual(now[i], snapshotBytes[i], `${inst.name}: read ${i} changed`);
    }

    const restored = await admin(b, 'POST', `/sandboxes/${sb.id}/snapshots/before/restore`);
    assert.equal(restored.status, 200, restored.text);
    assert.deepEqual(restored.body, { data: { name: 'before' } });
    assert.deepEqual(await bytes(a), snapshotBytes, 'A answers the snapshot bytes');
    assert.deepEqual(await bytes(b), snapshotBytes, 'B answers the snapshot bytes');

    // Restoring one that does not exist is a 404 on either.
    for (const inst of [a, b]) assert.equal((await admin(inst, 'POST', `/sandboxes/${sb.id}/snapshots/nothing/restore`)).status, 404);
  });

  // ---- 7. reset ----

  it('reset via A: credentials still work on B, the data is back to the seed, rate-limit windows and usage are gone', async () => {
    const sb = await createSandbox(b);
    const c = sb.credentials;
    const user = publicUser(sb, 2);
    const tweet = await unlikedTweet(`likes_${sb.id}`, sb, user);
    assert.deepEqual((await oauth1Client(b.baseUrl, c.app, user).v2.like(user.id, tweet)).data, { liked: true });
    assert.equal(likerIds(await likingUsers(a, c.app.bearerToken, tweet))[0], user.id);
    await exhaustLikedTweets(user.oauth2AccessToken, user.id);
    assert.ok((await admin(a, 'GET', `/sandboxes/${sb.id}/usage`)).body.totals.requests > 0);

    const reset = await admin(a, 'POST', `/sandboxes/${sb.id}/reset`);
    assert.equal(reset.status, 200, reset.text);
    assert.equal(reset.body.data.id, sb.id);
    assert.equal(reset.body.data.seed, 'demo');

    const usage = await admin(b, 'GET', `/sandboxes/${sb.id}/usage`);
    assert.equal(usage.body.totals.requests, 0, `usage forgotten: ${usage.text}`);
    // The window is gone: a fresh one on B, then A.
    const fresh = [await likedTweets(b, user.oauth2AccessToken, user.id), await likedTweets(a, user.oauth2AccessToken, user.id)];
    assert.deepEqual(fresh.map((r) => r.status), [200, 200], fresh.map((r) => r.text).join('\n'));
    assert.deepEqual(fresh.map((r) => r.headers.get('x-rate-limit-remaining')), ['74', '73']);
    // The like made before the reset is gone, on both.
    for (const inst of [a, b]) assert.ok(!likerIds(await likingUsers(inst, c.app.bearerToken, tweet)).includes(user.id), inst.name);
    // Every kind of credential the sandbox was made with still works on B.
    const sdk = await bearerClient(b.baseUrl, c.app.bearerToken).v2.tweetLikedBy(c.popularTweetId, { max_results: 10 });
    assert.equal(sdk.data.length, 10);
    const viaOauth1 = await oauth1Client(b.baseUrl, c.app, user).v2.userLikedTweets(user.id, { max_results: 5 });
    assert.ok(viaOauth1.data.data.length > 0);
    for (const u of c.users) assert.equal((await likedTweets(b, u.oauth2AccessToken, u.id)).status, 200, u.username);
    // And the like can be made again (the seed has it unliked).
    assert.deepEqual((await oauth1Client(b.baseUrl, c.app, user).v2.like(user.id, tweet)).data, { liked: true });
  });

  // ---- 8. delete ----

  it('delete on A: the credentials get 401 on B, the sandbox is a 404 on B, its schemas and shared state are gone', async () => {
    const sb = await createSandbox(a);
    const keep = await createSandbox(a);
    const c = sb.credentials;
    const user = publicUser(sb);
    assert.equal((await admin(a, 'POST', `/sandboxes/${sb.id}/snapshots`, { name: 'kept' })).status, 201);
    assert.equal((await admin(a, 'POST', `/sandboxes/${sb.id}/clock`, { advance_seconds: 60 })).status, 200);
    // B has the world open (its store, its credentials remembered) before the delete.
    const path = `/2/users/${user.id}/liked_tweets?max_results=5`;
    const oauth1 = () => call(`${b.baseUrl}${path}`, { headers: { authorization: oauth1Header(c, user, 'GET', path) } });
    const requests = () => [
      likingUsers(b, c.app.bearerToken, c.popularTweetId, 'max_results=5'),
      likedTweets(b, user.oauth2AccessToken, user.id),
      oauth1(),
      bearerClient(b.baseUrl, c.app.bearerToken).v2.tweetLikedBy(c.popularTweetId, { max_results: 10 }).then(
        () => ({ status: 200 }) as Reply,
        (err: unknown) => ({ status: err instanceof ApiResponseError ? err.code : -1 }) as Reply,
      ),
    ];
    for (const r of requests()) assert.equal((await r).status, 200);
    assert.equal((await admin(b, 'GET', `/sandboxes/${sb.id}`)).status, 200);
    assert.equal((await admin(b, 'GET', `/sandboxes/${sb.id}/clock`)).status, 200);

    const schemasOf = async (id: string): Promise<string[]> =>
      (await db!.query<{ nspname: string }>(`SELECT nspname FROM pg_namespace WHERE nspname LIKE $1 ORDER BY nspname`, [`likes\\_${id}%`])).map((r) => r.nspname);
    assert.deepEqual(await schemasOf(sb.id), [`likes_${sb.id}`, `likes_${sb.id}____seed`, `likes_${sb.id}__kept`]);

    const deleted = await admin(a, 'DELETE', `/sandboxes/${sb.id}`);
    assert.equal(deleted.status, 204, deleted.text);

    // B's control API first, before any API request there could notice the world is gone: every read is a 404.
    // Answers are collected and compared last, so that the rest is checked whatever these are.
    const controlAnswers: Record<string, number | string> = {};
    const expectedAnswers: Record<string, number | string> = {};
    const record = (inst: Instance, what: string, r: Reply, expected: number) => {
      controlAnswers[`${inst.name} ${what}`] = r.status === expected ? r.status : `${r.status} ${r.text.slice(0, 200)}`;
      expectedAnswers[`${inst.name} ${what}`] = expected;
    };
    for (const inst of [b, a]) {
      record(inst, 'GET /sandboxes/{id}', await admin(inst, 'GET', `/sandboxes/${sb.id}`), 404);
      for (const sub of ['clock', 'faults', 'requests', 'usage', 'snapshots']) {
        record(inst, `GET /sandboxes/{id}/${sub}`, await admin(inst, 'GET', `/sandboxes/${sb.id}/${sub}`), 404);
      }
    }

    // Its credentials, every kind: X's 401 on B.
    for (const r of requests()) assert.equal((await r).status, 401);
    const refused = await likedTweets(b, user.oauth2AccessToken, user.id);
    assert.deepEqual(refused.body, { title: 'Unauthorized', type: 'about:blank', status: 401, detail: 'Unauthorized' });
    assert.deepEqual(await schemasOf(sb.id), [], 'the schema and its snapshots are dropped');
    // Its part of Redis is gone too (the requests refused above were the default world's).
    const redis = rawRedis();
    try {
      assert.deepEqual(await keysWithPrefix(redis, `${prefix}world:${sb.id}:`), []);
    } finally {
      redis.disconnect();
    }

    // The control API's writes are 404s too, and the list leaves it out, on both.
    for (const inst of [b, a]) {
      record(inst, 'POST /sandboxes/{id}/faults', await admin(inst, 'POST', `/sandboxes/${sb.id}/faults`, { endpoint: '*', action: 'unavailable' }), 404);
      record(inst, 'POST /sandboxes/{id}/clock', await admin(inst, 'POST', `/sandboxes/${sb.id}/clock`, { advance_seconds: 1 }), 404);
      record(inst, 'POST /sandboxes/{id}/snapshots/kept/restore', await admin(inst, 'POST', `/sandboxes/${sb.id}/snapshots/kept/restore`), 404);
      record(inst, 'POST /sandboxes/{id}/reset', await admin(inst, 'POST', `/sandboxes/${sb.id}/reset`), 404);
      record(inst, 'DELETE /sandboxes/{id}', await admin(inst, 'DELETE', `/sandboxes/${sb.id}`), 404);
      const list = await admin(inst, 'GET', '/sandboxes');
      assert.equal(list.status, 200, `${inst.name}: ${list.text}`);
      const ids = (list.body.data as { id: string }[]).map((s) => s.id);
      assert.ok(!ids.includes(sb.id), `${inst.name}: not listed`);
      assert.ok(ids.includes(keep.id), `${inst.name}: the other sandbox is`);
    }
    // The other sandbox is untouched, on B.
    assert.equal((await likingUsers(b, keep.credentials.app.bearerToken, keep.credentials.popularTweetId, 'max_results=5')).status, 200);
    assert.deepEqual(controlAnswers, expectedAnswers, 'the control API on both instances, right after the delete');
  });

  it('a control call on B after the delete on A does not bring the deleted world back there', async () => {
    const sb = await createSandbox(a);
    const c = sb.credentials;
    // B has the world open.
    assert.equal((await likingUsers(b, c.app.bearerToken, c.popularTweetId, 'max_results=5')).status, 200);
    assert.equal((await admin(a, 'DELETE', `/sandboxes/${sb.id}`)).status, 204);
    // An operator's clock and fault calls on B, right after (whatever they answer: they should be 404s) ...
    const clock = await admin(b, 'POST', `/sandboxes/${sb.id}/clock`, { advance_seconds: 60 });
    const fault = await admin(b, 'POST', `/sandboxes/${sb.id}/faults`, { endpoint: '*', action: 'unavailable' });
    // ... and the sandbox's credentials still get X's 401 on B (not its answer from a world that is gone, not a 500).
    const after = await likingUsers(b, c.app.bearerToken, c.popularTweetId, 'max_results=5');
    const redis = rawRedis();
    let leftover: string[];
    try {
      leftover = await keysWithPrefix(redis, `${prefix}world:${sb.id}:`);
    } finally {
      redis.disconnect();
    }
    assert.deepEqual(
      { clock: clock.status, fault: fault.status, api: [after.status, JSON.parse(after.text) as unknown], leftover },
      { clock: 404, fault: 404, api: [401, { title: 'Unauthorized', type: 'about:blank', status: 401, detail: 'Unauthorized' }], leftover: [] },
      `B's output ends with:\n${b.output().slice(-2000)}`,
    );
  });

  // ---- 9. how long making a sandbox takes ----

  it('logs the time to make a sandbox on PostgreSQL (10 in a row)', { timeout: 300_000 }, async () => {
    const times: number[] = [];
    const made: string[] = [];
    for (let i = 0; i < 10; i++) {
      const started = performance.now();
      const sb = await createSandbox(i % 2 === 0 ? a : b);
      times.push(performance.now() - started);
      made.push(sb.id);
    }
    const sorted = [...times].sort((x, y) => x - y);
    const median = (sorted[4] + sorted[5]) / 2;
    console.log(
      `sandbox creation on PostgreSQL (10, demo seed): min ${sorted[0].toFixed(1)} ms, median ${median.toFixed(1)} ms, ` +
        `max ${sorted[9].toFixed(1)} ms; each: ${times.map((t) => t.toFixed(0)).join(', ')}`,
    );
    for (const id of made) assert.equal((await admin(b, 'DELETE', `/sandboxes/${id}`)).status, 204);
  });
});
