// `likes-api seed`: small deterministic seeds into a real SQLite file and into a fresh PostgreSQL database (created
// for this file and dropped after it, like test/contract/store.postgres.test.ts). Same seed → same likes, whatever
// the store; like_count equals the rows; the likes indexes are back; keyset listings walk the seeded likes.
// Needs PostgreSQL at LIKES_API_TEST_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/test).
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import pg from 'pg';
import { PostgresStore } from '../../src/adapters/postgres/postgresStore.ts';
import { SqliteStore } from '../../src/adapters/sqlite/sqliteStore.ts';
import { parseCount, parseSeedArgs } from '../../src/cli/seed.ts';
import { loadConfig, type Config } from '../../src/config.ts';
import type { DemoCredentials } from '../../src/demo/demoSeed.ts';
import type { LikeRow } from '../../src/domain/model.ts';
import { StoreNotEmptyError, type BulkLoader } from '../../src/ports/bulkLoader.ts';
import type { LikesStore } from '../../src/ports/store.ts';
import { openBulkLoader } from '../../src/seed/openBulkLoader.ts';
import { createProgress } from '../../src/seed/progress.ts';
import { runSeed, type SeedSpec } from '../../src/seed/seed.ts';
import { SEED_NOW, SeedWorld } from '../../src/seed/world.ts';
import { createDatabase, type TestDatabase } from '../support/postgres.ts';

const SPEC: SeedSpec = { users: 60, tweets: 300, likes: 3000, seed: 42 };
const tmp = mkdtempSync(join(tmpdir(), 'likes-seed-test-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

let dirs = 0;
const sqliteConfig = (): Config => loadConfig({ LIKES_API_DATA_DIR: join(tmp, `store-${++dirs}`), LIKES_API_DEMO: '0' });

// ---- PostgreSQL: fresh databases for this file, dropped after ----
const PG_DBS: TestDatabase[] = [];

async function pgConfig(): Promise<Config> {
  const db = await createDatabase('seed_test');
  PG_DBS.push(db);
  // PostgreSQL without the demo needs the sealing key from the environment.
  return loadConfig({ LIKES_API_DATA_DIR: join(tmp, `pg-${db.name}`), LIKES_API_DATABASE_URL: db.url, LIKES_API_DEMO: '0', LIKES_API_SECRET_KEY: 'c'.repeat(64) });
}

after(async () => {
  for (const db of PG_DBS) await db.drop();
});

// ---- Reading a seeded store back ----

interface Snapshot {
  likes: LikeRow[];
  tweetCounts: Map<string, number>;
  userCounts: Map<string, number>;
  tweetCreated: Map<string, number>;
  likeIndexes: string[];
}

function readSqlite(config: Config): Snapshot {
  const db = new Database(join(config.dataDir, 'likes.db'), { readonly: true });
  try {
    const likes = (db.prepare('SELECT user_id, tweet_id, liked_at FROM likes ORDER BY user_id, tweet_id').all() as any[]).map(
      (r) => ({ userId: r.user_id, tweetId: r.tweet_id, likedAt: r.liked_at }),
    );
    const tweets = db.prepare('SELECT id, like_count, created_at FROM tweets').all() as any[];
    const users = db.prepare('SELECT id, like_count FROM users').all() as any[];
    const likeIndexes = (db.prepare(`SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'likes' AND sql IS NOT NULL ORDER BY name`).all() as any[]).map((r) => r.name);
    return {
      likes,
      tweetCounts: new Map(tweets.map((t) => [t.id, t.like_count])),
      userCounts: new Map(users.map((u) => [u.id, u.like_count])),
      tweetCreated: new Map(tweets.map((t) => [t.id, t.created_at])),
      likeIndexes,
    };
  } finally {
    db.close();
  }
}

async function readPostgres(config: Config): Promise<Snapshot> {
  const client = new pg.Client({ connectionString: config.databaseUrl! });
  await client.connect();
  try {
    const likes = (await client.query('SELECT user_id, tweet_id, liked_at::float8 AS liked_at FROM likes ORDER BY user_id, tweet_id')).rows.map(
      (r) => ({ userId: r.user_id, tweetId: r.tweet_id, likedAt: Number(r.liked_at) }),
    );
    const tweets = (await client.query('SELECT id, like_count::int AS like_count, created_at::float8 AS created_at FROM tweets')).rows;
    const users = (await client.query('SELECT id, like_count::int AS like_count FROM users')).rows;
    const likeIndexes = (await client.query(
      `SELECT indexname FROM pg_indexes WHERE tablename = 'likes' AND indexname <> 'likes_pkey' ORDER BY indexname`,
    )).rows.map((r) => r.indexname);
    return {
      likes,
      tweetCounts: new Map(tweets.map((t) => [t.id, Number(t.like_count)])),
      userCounts: new Map(users.map((u) => [u.id, Number(u.like_count)])),
      tweetCreated: new Map(tweets.map((t) => [t.id, Number(t.created_at)])),
      likeIndexes,
    };
  } finally {
    await client.end();
  }
}

/** like_count of every tweet and user equals its rows; every like is after its Tweet and before SEED_NOW. */
function assertConsistent(s: Snapshot, spec: SeedSpec): void {
  assert.equal(s.likes.length, spec.likes);
  assert.equal(s.tweetCounts.size, spec.tweets);
  assert.equal(s.userCounts.size, spec.users);
  const perTweet = new Map<string, number>();
  const perUser = new Map<string, number>();
  for (const l of s.likes) {
    perTweet.set(l.tweetId, (perTweet.get(l.tweetId) ?? 0) + 1);
    perUser.set(l.userId, (perUser.get(l.userId) ?? 0) + 1);
    const created = s.tweetCreated.get(l.tweetId);
    assert.ok(created !== undefined, `like of an unknown tweet ${l.tweetId}`);
    assert.ok(l.likedAt > created && l.likedAt < SEED_NOW, `like at ${l.likedAt} not after its tweet (${created})`);
  }
  for (const [id, n] of s.tweetCounts) assert.equal(n, perTweet.get(id) ?? 0, `tweet ${id} like_count`);
  for (const [id, n] of s.userCounts) assert.equal(n, perUser.get(id) ?? 0, `user ${id} like_count`);
  assert.deepEqual(s.likeIndexes, ['likes_by_tweet', 'likes_by_user']);
}

/** Walks every page of a listing through the store's keyset API and compares with the rows sorted newest first. */
async function assertKeysetWalk(store: LikesStore, s: Snapshot, userId: string, tweetId: string): Promise<void> {
  const newestFirst = (a: { likedAt: number; id: string }, b: { likedAt: number; id: string }) =>
    b.likedAt - a.likedAt || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);
  const walk = async (read: typeof store.likesByUser, key: string, idOf: (r: LikeRow) => string) => {
    const out: LikeRow[] = [];
    let from: { likedAt: number; id: string } | undefined;
    for (let page = 0; page < 10_000; page++) {
      const rows = await read.call(store, key, { limit: 7, direction: 'older', from });
      out.push(...rows);
      if (rows.length < 7) break;
      const last = rows[rows.length - 1];
      from = { likedAt: last.likedAt, id: idOf(last) };
    }
    return out;
  };
  const byUser = await walk(store.likesByUser, userId, (r) => r.tweetId);
  const expectedByUser = s.likes.filter((l) => l.userId === userId).map((l) => ({ ...l, id: l.tweetId })).sort(newestFirst);
  assert.ok(expectedByUser.length > 7, 'the heavy liker spans several pages');
  assert.deepEqual(byUser.map((r) => r.tweetId), expectedByUser.map((r) => r.tweetId));

  const ofTweet = await walk(store.likesOfTweet, tweetId, (r) => r.userId);
  const expectedOfTweet = s.likes.filter((l) => l.tweetId === tweetId).map((l) => ({ ...l, id: l.userId })).sort(newestFirst);
  assert.ok(expectedOfTweet.length > 7, 'the most liked tweet spans several pages');
  assert.deepEqual(ofTweet.map((r) => r.userId), expectedOfTweet.map((r) => r.userId));
}

describe('seed world', () => {
  it('is deterministic and skewed: a few tweets and users with far more likes than the median', () => {
    const spec = { users: 2000, tweets: 20_000, likes: 200_000, seed: 9 };
    const rows = (w: SeedWorld) => {
      const out: string[] = [];
      for (const b of w.likeBatches(4096)) for (let i = 0; i < b.length; i++) out.push(`${b.userIds[i]} ${b.tweetIds[i]} ${b.likedAt[i]}`);
      return out;
    };
    const counts = new Int32Array(spec.tweets);
    const world = new SeedWorld(spec);
    const a = [] as string[];
    for (const b of world.likeBatches(4096, counts)) for (let i = 0; i < b.length; i++) a.push(`${b.userIds[i]} ${b.tweetIds[i]} ${b.likedAt[i]}`);
    assert.deepEqual(rows(new SeedWorld(spec)), a);
    assert.notDeepEqual(rows(new SeedWorld({ ...spec, seed: 10 })).slice(0, 100), a.slice(0, 100));
    assert.equal(new Set(a.map((r) => r.split(' ').slice(0, 2).join(' '))).size, spec.likes, 'no like twice');
    // Primary-key order: user id, then tweet id (ids have 19 digits, so text order is numeric order).
    const keys = a.map((r) => r.split(' ').slice(0, 2).join(' '));
    assert.deepEqual([...keys].sort(), keys);
    const tweetCounts = [...counts].sort((x, y) => y - x);
    const median = tweetCounts[Math.floor(spec.tweets / 2)];
    assert.ok(tweetCounts[0] > 20 * Math.max(1, median), `most liked tweet ${tweetCounts[0]} vs median ${median}`);
    const userCounts = [...world.userLikeCounts].sort((x, y) => y - x);
    assert.ok(userCounts[0] > 20 * userCounts[Math.floor(spec.users / 2)], 'heaviest liker far above the median');
    assert.equal(world.userLikeCounts[world.heavyLiker], userCounts[0]);
  });

  it('refuses impossible specs', () => {
    assert.throws(() => new SeedWorld({ users: 2, tweets: 3, likes: 7, seed: 1 }), RangeError);
    assert.throws(() => new SeedWorld({ users: 0, tweets: 3, likes: 0, seed: 1 }), RangeError);
    assert.throws(() => new SeedWorld({ users: 1, tweets: 1, likes: 1, seed: -1 }), RangeError);
    // Exactly every possible like is fine.
    assert.equal(new SeedWorld({ users: 3, tweets: 4, likes: 12, seed: 1 }).userLikeCounts.reduce((x, y) => x + y, 0), 12);
  });

  it('parses counts as the CLI takes them', () => {
    assert.equal(parseCount('10000'), 10_000);
    assert.equal(parseCount('10_000'), 10_000);
    assert.equal(parseCount('10k'), 10_000);
    assert.equal(parseCount('1.5M'), 1_500_000);
    assert.equal(parseCount('1e6'), 1_000_000);
    assert.ok(Number.isNaN(parseCount('ten')));
    assert.ok(Number.isNaN(parseCount('1.5')));
  });

  it('reads its options: defaults from --likes, = or a space before values, the last of a repeated option', () => {
    assert.deepEqual(parseSeedArgs(['--likes', '10k']), { likes: 10_000, users: 100, tweets: 1000, seed: 1, reset: false, json: false, quiet: false });
    assert.deepEqual(
      parseSeedArgs(['--likes=1M', '--users', '5k', '--tweets=20k', '--seed', '7', '--seed', '9', '--reset', '--json', '--quiet']),
      { likes: 1_000_000, users: 5000, tweets: 20_000, seed: 9, reset: true, json: true, quiet: true },
    );
  });

  it('says what is wrong with a command line', () => {
    const cases: [string[], string][] = [
      [[], '--likes is required'],
      [['--likes', '10', '--bogus'], 'unknown option "--bogus"'],
      [['--likes', '10', '--bogus=1'], 'unknown option "--bogus=1"'],
      [['--likes', '10', 'extra'], 'unknown option "extra"'],
      [['--likes'], '--likes needs a value'],
      [['--likes', 'ten'], '--likes must be a whole number (got "ten")'],
      [['--likes', '10', '--seed', '1.5'], '--seed must be a whole number (got "1.5")'],
    ];
    for (const [args, message] of cases) assert.equal(parseSeedArgs(args), message, args.join(' '));
  });
});

describe('seed progress', () => {
  it('prints plain lines every few seconds when not a terminal, and one redrawn line on a terminal', () => {
    let t = 0;
    const plain: string[] = [];
    const p = createProgress({ stream: { write: (s: string) => plain.push(s) > 0 }, tty: false, everySeconds: 5, now: () => t });
    p.start('likes', 1000);
    for (let i = 1; i <= 10; i++) {
      t = i * 1000;
      p.update(i * 100);
    }
    p.end();
    assert.equal(plain.length, 3, plain.join(''));
    assert.ok(plain.every((l) => l.endsWith('\n') && !l.includes('\r')));
    assert.match(plain[0], /likes\s+50\.0%\s+500\/1000\s+100\/s\s+ETA 0:05/);
    assert.match(plain[2], /likes: 1000 in 10\.0 s \(100\/s\)/);

    const screen: string[] = [];
    t = 0;
    const q = createProgress({ stream: { write: (s: string) => screen.push(s) > 0, columns: 100 }, tty: true, redrawMs: 100, now: () => t });
    q.start('likes', 1000);
    t = 50;
    q.update(10); // too soon to redraw
    t = 1000;
    q.update(500);
    q.end();
    assert.equal(screen.length, 3);
    assert.ok(screen.slice(0, 2).every((l) => l.startsWith('\r') && !l.includes('\n')));
    assert.match(screen[1], /\[#{5,}\.+\] likes\s+50\.0%/);
    assert.match(screen[2], /^\rlikes: 500 in 1\.0 s/);
  });
});

for (const kind of ['sqlite', 'postgres'] as const) {
  describe(`seed into ${kind}`, () => {
    const configOf = () => (kind === 'sqlite' ? Promise.resolve(sqliteConfig()) : pgConfig());
    const read = (c: Config) => (kind === 'sqlite' ? Promise.resolve(readSqlite(c)) : readPostgres(c));
    const openStore = (c: Config): LikesStore => (kind === 'sqlite' ? new SqliteStore(join(c.dataDir, 'likes.db')) : new PostgresStore(c.databaseUrl!, { max: 2 }));
    const snapshots: Snapshot[] = [];

    it('writes the same likes for the same seed, keeps like_count equal to the rows, and keyset listings work', async () => {
      const first = await configOf();
      const report = await runSeed(first, SPEC);
      const second = await configOf();
      await runSeed(second, SPEC);
      const a = await read(first);
      const b = await read(second);
      assert.deepEqual(b.likes, a.likes);
      assertConsistent(a, SPEC);
      snapshots.push(a);

      assert.equal(report.store, kind);
      assert.equal(Math.max(...a.userCounts.values()), a.userCounts.get(report.heavyLikerUserId));
      assert.equal(Math.max(...a.tweetCounts.values()), a.tweetCounts.get(report.popularTweetId));
      const store = openStore(first);
      try {
        await store.migrate();
        await assertKeysetWalk(store, a, report.heavyLikerUserId, report.popularTweetId);
      } finally {
        await store.close();
      }

      // bench-credentials.json: the demo shape, with working tokens for the heaviest liker first.
      const file = join(first.dataDir, 'bench-credentials.json');
      assert.equal(report.credentialsFile, file);
      const creds = JSON.parse(readFileSync(file, 'utf8')) as DemoCredentials;
      assert.equal(creds.heavyLikerUserId, report.heavyLikerUserId);
      assert.equal(creds.users[0].id, report.heavyLikerUserId);
      assert.equal(creds.users.length, 5);
      assert.ok(creds.users.every((u) => u.username && u.accessToken.startsWith(`${u.id}-`) && u.oauth2AccessToken));
      assert.ok(creds.app.bearerToken && creds.app.consumerKey && creds.project.id);
      assert.ok(creds.tweets.length > 0 && creds.tweets.length <= 1000);
    });

    it('refuses a store that holds data unless reset, and a reset load replaces it', async () => {
      const config = await configOf();
      await runSeed(config, { ...SPEC, likes: 500 }, { credentials: false });
      await assert.rejects(runSeed(config, SPEC, { credentials: false }), StoreNotEmptyError);
      await runSeed(config, SPEC, { reset: true });
      assertConsistent(await read(config), SPEC);
      assert.deepEqual((await read(config)).likes, snapshots[0]?.likes ?? (await read(config)).likes);
    });

    it('a load that fails half-way leaves the store as it was (one transaction)', async () => {
      const config = await configOf();
      const inner = await openBulkLoader(config);
      let batches = 0;
      const failing: BulkLoader = {
        kind: inner.kind,
        target: inner.target,
        begin: (o) => inner.begin(o),
        appendUsers: (u) => inner.appendUsers(u),
        appendTweets: (t) => inner.appendTweets(t),
        appendLikes: async (l) => {
          if (++batches === 2) throw new Error('disk full (simulated)');
          await inner.appendLikes(l);
        },
        finish: (s) => inner.finish(s),
        abort: () => inner.abort(),
        close: () => inner.close(),
      };
      try {
        await assert.rejects(runSeed(config, { ...SPEC, likes: 25_000, tweets: 1000 }, { loader: failing }), /disk full/);
      } finally {
        await inner.close();
      }
      const s = await read(config);
      assert.equal(s.likes.length, 0);
      assert.equal(s.tweetCounts.size, 0);
      assert.equal(s.userCounts.size, 0);
      assert.deepEqual(s.likeIndexes, ['likes_by_tweet', 'likes_by_user'], 'dropped indexes are back after the rollback');
      assert.ok(!existsSync(join(config.dataDir, 'bench-credentials.json')));
      // And the store takes a full load afterwards.
      await runSeed(config, SPEC, { credentials: false });
      assertConsistent(await read(config), SPEC);
    });
  });
}

describe('seed across stores', () => {
  it('SQLite and PostgreSQL receive the same likes for the same seed', async () => {
    const a = sqliteConfig();
    const b = await pgConfig();
    await runSeed(a, SPEC, { credentials: false });
    await runSeed(b, SPEC, { credentials: false });
    assert.deepEqual((await readPostgres(b)).likes, readSqlite(a).likes);
  });
});
