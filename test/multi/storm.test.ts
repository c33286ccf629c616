// A like/unlike storm over two `likes-api serve` processes sharing one fresh PostgreSQL database and one Redis
// prefix: afterwards every counter equals its rows, and every page walked over alternating instances lists exactly
// the rows in the database. Then, with limits on, the per-user like window is one window across both instances.
// Needs PostgreSQL and Redis (see instances.test.ts): the suite fails without them.
// Throughput (likes/s, pages/s) is printed, never asserted.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { PostgresStore } from '../../src/adapters/postgres/postgresStore.ts';
import { CredentialIssuer, type AppSecrets } from '../../src/auth/credentials.ts';
import { SecretSealer } from '../../src/auth/secrets.ts';
import { Prng } from '../../src/demo/prng.ts';
import { SnowflakeIds, snowflakeAt, workerOfClaim } from '../../src/domain/ids.ts';
import type { LikeRow, TweetRecord, UserRecord } from '../../src/domain/model.ts';
import { systemClock } from '../../src/ports/clock.ts';
import {
  REDIS_URL, bearer, call, cleanup, createDatabase, deleteByPrefix, requireRedis, startHealthyInstances, stopAll,
  stopInstance, tempDir, uniquePrefix, type Instance, type Reply, type TestDatabase,
} from '../support/processes.ts';
import { acknowledges, pairKey, pool, sendLikeOp, type LikeOp as Op } from '../support/likeTraffic.ts';

const SECRET_KEY = randomBytes(32).toString('hex');
const USERS = 300;
const TWEETS = 200;
/** Tweets 0..2 start with more than 100 likers, so a listing with the cap off has to go past 100. */
const HOT_LIKERS = [150, 200, 250];
const T0 = Date.UTC(2026, 0, 1);

function userAt(i: number): UserRecord {
  return {
    id: snowflakeAt(T0 - (USERS - i) * 60_000, 7, i),
    username: `storm_${i}`,
    name: `Storm ${i}`,
    createdAt: T0 - (USERS - i) * 60_000,
    description: '',
    location: null,
    url: null,
    profileImageUrl: `https://pbs.twimg.com/profile_images/storm/${i}_normal.jpg`,
    protected: false,
    verified: false,
    suspended: false,
    pinnedTweetId: null,
    metrics: { followers_count: 0, following_count: 0, tweet_count: 0, listed_count: 0, like_count: 0 },
  };
}

function tweetAt(i: number, authorId: string): TweetRecord {
  const id = snowflakeAt(T0 + i * 1000, 8, i);
  return {
    id, authorId, text: `Storm tweet ${i}`, createdAt: T0 + i * 1000, lang: 'en', source: 'Likes API storm', conversationId: id,
    inReplyToUserId: null, referencedTweets: [], mediaKeys: [], pollIds: [], placeId: null, entities: null,
    possiblySensitive: false, replySettings: 'everyone', deleted: false, retweetCount: 0, replyCount: 0, quoteCount: 0,
    impressionCount: 0, bookmarkCount: 0, likeCount: 0,
  };
}

type Page = { data?: { id: string; public_metrics?: { like_count: number } }[]; meta: { result_count: number; next_token?: string } };

interface Fixture {
  db: TestDatabase;
  users: UserRecord[];
  tweets: TweetRecord[];
  tokens: string[];
  initial: LikeRow[];
  app: AppSecrets;
}

/** Users, Tweets, seeded likes, a Project with the liker cap off, and one OAuth 2.0 user token per user, via the store. */
async function seed(db: TestDatabase): Promise<Fixture> {
  const store = new PostgresStore(db.url, { max: 8 });
  try {
    await store.migrate();
    const users = Array.from({ length: USERS }, (_, i) => userAt(i));
    const tweets = Array.from({ length: TWEETS }, (_, i) => tweetAt(i, users[(i * 7) % USERS].id));
    await store.insertUsers(users);
    await store.insertTweets(tweets);
    // Seeded likes: hot Tweets with many likers, then random ones; many share a millisecond, to exercise the
    // keyset's tie-break on ids.
    const rng = new Prng(424242);
    const initial: LikeRow[] = [];
    const seen = new Set<string>();
    const add = (u: UserRecord, t: TweetRecord, likedAt: number) => {
      const k = pairKey(u.id, t.id);
      if (seen.has(k)) return;
      seen.add(k);
      initial.push({ userId: u.id, tweetId: t.id, likedAt });
    };
    HOT_LIKERS.forEach((n, ti) => {
      for (let u = 0; u < n; u++) add(users[(u * 3 + ti) % USERS], tweets[ti], T0 + 100_000 + (u % 40));
    });
    for (let i = 0; i < 3000; i++) add(users[rng.int(0, USERS - 1)], tweets[rng.int(0, TWEETS - 1)], T0 + 200_000 + rng.int(0, 500));
    await store.insertLikes(initial);

    const issuer = new CredentialIssuer(store, new SecretSealer(SECRET_KEY), new SnowflakeIds(systemClock, workerOfClaim(await store.claimIdWorker())), systemClock);
    const project = await issuer.createProject('Storm Project', { policy: { likingUsersCap: false } });
    const app = await issuer.createApp('Storm App', project.id, 'read-write');
    const tokens: string[] = new Array(USERS);
    for (let i = 0; i < USERS; i += 25) {
      await Promise.all(
        users.slice(i, i + 25).map(async (u, j) => {
          tokens[i + j] = (await issuer.mintUserTokens(app.app, u.id)).oauth2AccessToken;
        }),
      );
    }
    return { db, users, tweets, tokens, initial, app };
  } finally {
    await store.close();
  }
}

const rate = (n: number, ms: number) => (n / (ms / 1000)).toFixed(0);

describe('a like/unlike storm over two instances (limits off)', () => {
  const prefix = uniquePrefix('storm');
  const dirs = [tempDir('storm-a'), tempDir('storm-b')];
  let fx: Fixture;
  let db: TestDatabase | undefined;
  let a: Instance;
  let b: Instance;
  /** Every op sent per (user, tweet) pair, and any unexpected reply. */
  const ops = new Map<string, Set<Op>>();
  const failures: string[] = [];

  before(async () => {
    await requireRedis();
    db = await createDatabase('storm');
    fx = await seed(db);
    const env = {
      LIKES_API_DATABASE_URL: db.url,
      LIKES_API_REDIS_URL: REDIS_URL,
      LIKES_API_REDIS_PREFIX: prefix,
      LIKES_API_SECRET_KEY: SECRET_KEY,
      LIKES_API_LIMITS: 'off',
      LIKES_API_DEMO: '0',
    };
    [a, b] = await startHealthyInstances(dirs, env);
  }, { timeout: 180_000 });

  after(
    () => cleanup(stopAll, () => db?.drop(), () => deleteByPrefix(REDIS_URL, prefix), () => dirs.forEach((d) => d.remove())),
    { timeout: 120_000 },
  );

  /** `total` random likes/unlikes, 32 in flight, sent to `pick(i)`; returns requests per second. */
  async function storm(rngSeed: number, total: number, pick: (i: number) => Instance): Promise<number> {
    const rng = new Prng(rngSeed);
    const plan = Array.from({ length: total }, () => ({
      user: rng.skewed(USERS, 0.6),
      tweet: rng.skewed(TWEETS, 0.8),
      op: (rng.chance(0.55) ? 'like' : 'unlike') as Op,
    }));
    const started = performance.now();
    await pool(total, 32, async (i) => {
      const { user, tweet, op } = plan[i];
      const u = fx.users[user];
      const t = fx.tweets[tweet];
      const k = pairKey(u.id, t.id);
      if (!ops.has(k)) ops.set(k, new Set());
      ops.get(k)!.add(op);
      const inst = pick(i);
      let r: Reply;
      try {
        r = await sendLikeOp(inst.baseUrl, fx.tokens[user], u.id, t.id, op);
      } catch (err) {
        failures.push(`${op} ${k} on ${inst.name}: ${String(err)}`);
        return;
      }
      if (!acknowledges(r, op)) failures.push(`${op} ${k} on ${inst.name}: ${r.status} ${r.text}`);
    });
    return total / ((performance.now() - started) / 1000);
  }

  it('answers every like and unlike, and leaves counters equal to the rows', { timeout: 300_000 }, async () => {
    const one = await storm(1, 2000, () => a);
    const two = await storm(2, 4000, (i) => (i % 2 === 0 ? a : b));
    console.log(`storm: ${rate(one, 1000)} likes/s with 1 instance (2,000 requests), ${rate(two, 1000)} likes/s with 2 instances (4,000 requests), 32 in flight`);
    assert.deepEqual(failures.slice(0, 10), [], `${failures.length} unexpected replies`);

    const tweetCounts = await db!.query<{ id: string; like_count: string; n: string }>(
      `SELECT t.id, t.like_count, count(l.user_id) AS n FROM tweets t LEFT JOIN likes l ON l.tweet_id = t.id GROUP BY t.id, t.like_count`,
    );
    assert.equal(tweetCounts.length, TWEETS);
    const badTweets = tweetCounts.filter((r) => Number(r.like_count) !== Number(r.n) || Number(r.like_count) < 0);
    assert.deepEqual(badTweets, [], 'tweets.like_count = number of like rows, never negative');
    const userCounts = await db!.query<{ id: string; like_count: string; n: string }>(
      `SELECT u.id, u.like_count, count(l.tweet_id) AS n FROM users u LEFT JOIN likes l ON l.user_id = u.id GROUP BY u.id, u.like_count`,
    );
    const badUsers = userCounts.filter((r) => Number(r.like_count) !== Number(r.n) || Number(r.like_count) < 0);
    assert.deepEqual(badUsers, [], 'users.like_count = number of like rows, never negative');

    // Each pair ends as its requests say: untouched pairs as seeded, pairs that only got likes (unlikes) liked (not).
    const rows = new Set((await db!.query<{ k: string }>(`SELECT user_id || '/' || tweet_id AS k FROM likes`)).map((r) => r.k));
    const seeded = new Set(fx.initial.map((l) => pairKey(l.userId, l.tweetId)));
    const wrong: string[] = [];
    for (const k of new Set([...rows, ...seeded, ...ops.keys()])) {
      const sent = ops.get(k);
      const expected = !sent ? seeded.has(k) : sent.size === 1 ? sent.has('like') : null;
      if (expected !== null && rows.has(k) !== expected) wrong.push(`${k}: ${sent ? [...sent].join('+') : 'untouched'}, row ${rows.has(k) ? 'present' : 'absent'}`);
    }
    assert.deepEqual(wrong.slice(0, 10), [], `${wrong.length} pairs in the wrong state`);
    // The storm did change things, or the checks above prove little.
    assert.ok(ops.size > 1000, `${ops.size} pairs touched`);
    assert.ok([...ops.values()].some((s) => s.size === 2), 'some pairs got both likes and unlikes');
  });

  it('pages over alternating instances list exactly the rows in the database (liker cap off)', { timeout: 300_000 }, async () => {
    // Every user's and every Tweet's listing (empty ones included).
    const userIds = fx.users.map((u) => u.id);
    const tweetIds = fx.tweets.map((t) => t.id);
    const likeCounts = new Map(
      (await db!.query<{ id: string; n: string }>(`SELECT tweet_id AS id, count(*) AS n FROM likes GROUP BY tweet_id`)).map((r) => [r.id, Number(r.n)]),
    );
    const maxLikers = Math.max(...tweetIds.map((id) => likeCounts.get(id) ?? 0));
    assert.ok(maxLikers > 100, `a listing longer than the 100-liker cap (longest: ${maxLikers})`);

    const listings = [
      ...userIds.map((id) => ({
        what: `liked_tweets of ${id}`,
        path: `/2/users/${id}/liked_tweets?max_results=5&tweet.fields=public_metrics`,
        sql: 'SELECT tweet_id AS id FROM likes WHERE user_id = $1 ORDER BY liked_at DESC, tweet_id DESC',
        key: id,
      })),
      ...tweetIds.map((id) => ({
        what: `liking_users of ${id}`,
        path: `/2/tweets/${id}/liking_users?max_results=10`,
        sql: 'SELECT user_id AS id FROM likes WHERE tweet_id = $1 ORDER BY liked_at DESC, user_id DESC',
        key: id,
      })),
    ];
    const expected = new Map<string, string[]>();
    for (const l of listings) expected.set(l.what, (await db!.query<{ id: string }>(l.sql, [l.key])).map((r) => r.id));

    const walkAll = async (pick: (page: number) => Instance): Promise<{ pages: number; ms: number }> => {
      let pages = 0;
      const started = performance.now();
      await pool(listings.length, 32, async (n) => {
        const l = listings[n];
        const ids: string[] = [];
        let token: string | undefined;
        for (let i = 0; i < 1000; i++) {
          const inst = pick(i);
          const r = await call(`${inst.baseUrl}${l.path}${token ? `&pagination_token=${token}` : ''}`, { headers: bearer(fx.app.bearerToken) });
          pages++;
          assert.equal(r.status, 200, `${l.what}, page ${i + 1} on ${inst.name}: ${r.text}`);
          const page = r.body as Page;
          for (const d of page.data ?? []) {
            ids.push(d.id);
            if (d.public_metrics) assert.equal(d.public_metrics.like_count, likeCounts.get(d.id) ?? 0, `like_count of ${d.id}`);
          }
          token = page.meta.next_token;
          if (!token) break;
        }
        assert.equal(token, undefined, `${l.what}: walk ended`);
        assert.equal(new Set(ids).size, ids.length, `${l.what}: no duplicates`);
        assert.deepEqual(ids, expected.get(l.what), `${l.what}: exactly the rows in the database, in order`);
      });
      return { pages, ms: performance.now() - started };
    };
    const one = await walkAll(() => a);
    const two = await walkAll((i) => (i % 2 === 0 ? b : a));
    console.log(
      `storm pages: ${rate(one.pages, one.ms)} pages/s with 1 instance (${one.pages} pages), ` +
        `${rate(two.pages, two.ms)} pages/s alternating over 2 instances (${two.pages} pages), ${listings.length} listings, 32 walked at a time`,
    );
  });
});

describe('rate limits across instances (limits on)', () => {
  const prefix = uniquePrefix('storm-limits');
  const dirs = [tempDir('limits-a'), tempDir('limits-b')];
  let db: TestDatabase | undefined;
  let a: Instance;
  let b: Instance;
  let users: UserRecord[];
  let tweets: TweetRecord[];
  let tokens: string[];

  before(async () => {
    await requireRedis();
    db = await createDatabase('limits');
    const store = new PostgresStore(db.url, { max: 4 });
    try {
      await store.migrate();
      users = Array.from({ length: 3 }, (_, i) => userAt(i));
      tweets = Array.from({ length: 60 }, (_, i) => tweetAt(i, users[0].id));
      await store.insertUsers(users);
      await store.insertTweets(tweets);
      const issuer = new CredentialIssuer(store, new SecretSealer(SECRET_KEY), new SnowflakeIds(systemClock, workerOfClaim(await store.claimIdWorker())), systemClock);
      const project = await issuer.createProject('Limits Project');
      const app = await issuer.createApp('Limits App', project.id, 'read-write');
      tokens = [];
      for (const u of users) tokens.push((await issuer.mintUserTokens(app.app, u.id)).oauth2AccessToken);
    } finally {
      await store.close();
    }
    const env = {
      LIKES_API_DATABASE_URL: db.url,
      LIKES_API_REDIS_URL: REDIS_URL,
      LIKES_API_REDIS_PREFIX: prefix,
      LIKES_API_SECRET_KEY: SECRET_KEY,
      LIKES_API_DEMO: '0',
    };
    [a, b] = await startHealthyInstances(dirs, env);
  }, { timeout: 180_000 });

  after(
    () => cleanup(stopAll, () => db?.drop(), () => deleteByPrefix(REDIS_URL, prefix), () => dirs.forEach((d) => d.remove())),
    { timeout: 120_000 },
  );

  const like = (inst: Instance, user: number, tweet: number) =>
    call(`${inst.baseUrl}/2/users/${users[user].id}/likes`, {
      method: 'POST',
      headers: { ...bearer(tokens[user]), 'content-type': 'application/json' },
      body: JSON.stringify({ tweet_id: tweets[tweet].id }),
    });

  it('50 likes spread over A and B succeed; the 51st is 429 on either', async () => {
    const replies: Reply[] = [];
    // Concurrently, 8 at a time, alternating instances: the window must count each request exactly once.
    await pool(50, 8, async (i) => {
      replies[i] = await like(i % 2 === 0 ? a : b, 1, i);
    });
    assert.deepEqual(replies.map((r) => r.status), new Array(50).fill(200), replies.filter((r) => r.status !== 200).map((r) => r.text).join('\n'));
    const remaining = replies.map((r) => Number(r.headers.get('x-rate-limit-remaining'))).sort((x, y) => x - y);
    assert.deepEqual(remaining, Array.from({ length: 50 }, (_, i) => i), 'each of 49..0 remaining exactly once');
    assert.equal(new Set(replies.map((r) => r.headers.get('x-rate-limit-reset'))).size, 1);

    for (const inst of [a, b]) {
      const refused = await like(inst, 1, 50);
      assert.equal(refused.status, 429, `${inst.name}: ${refused.text}`);
      assert.deepEqual(refused.body, { title: 'Too Many Requests', type: 'about:blank', status: 429, detail: 'Too Many Requests' });
      assert.equal(refused.headers.get('x-rate-limit-limit'), '50');
      assert.equal(refused.headers.get('x-rate-limit-remaining'), '0');
      assert.equal(refused.headers.get('x-user-limit-24hour-remaining'), '950');
    }
    const stored = await db!.query<{ n: string }>('SELECT count(*) AS n FROM likes WHERE user_id = $1', [users[1].id]);
    assert.equal(Number(stored[0].n), 50, 'the refused likes were not stored');
    // Another user's window is untouched.
    const other = await like(b, 2, 0);
    assert.equal(other.status, 200, other.text);
    assert.equal(other.headers.get('x-rate-limit-remaining'), '49');
  });

  it('stops cleanly', async () => {
    for (const inst of [a, b]) assert.deepEqual(await stopInstance(inst), { code: 0, signal: null }, inst.output());
  });
});
