// Durability under SIGKILL: a like/unlike storm against a real `likes-api serve`, killed at random moments many
// times and restarted on the same data (SQLite file; PostgreSQL database + Redis). After every restart each
// (user, Tweet) pair must hold its last ACKNOWLEDGED state (a 200 whose body says liked true/false); a request
// still in flight at the kill may land either way. Every Tweet's and user's like_count must equal its rows.
// At most one request per pair is in flight, so the order of acknowledgements is the order of commits.
// The PRNG seed is printed (LIKES_API_CRASH_SEED replays it; timing still varies); LIKES_API_CRASH_KILLS changes
// the number of kills (default 24). Counts are printed, never timed.
import assert from 'node:assert/strict';
import { randomBytes, randomInt } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import pg from 'pg';
import { buildDemoWorld, type DemoCredentials } from '../../src/demo/demoSeed.ts';
import { Prng } from '../../src/demo/prng.ts';
import {
  REDIS_URL, bearer, cleanup, createDatabase, deleteByPrefix, requireRedis, startInstance, stopAll, stopInstance, tempDir,
  uniquePrefix, waitHealthy, type Instance, type TestDatabase,
} from '../support/processes.ts';
import { acknowledges, pairKey, sendLikeOp, walkListing, type LikeOp } from '../support/likeTraffic.ts';

const KILLS = Number(process.env.LIKES_API_CRASH_KILLS) || 24;
const SEED = Number(process.env.LIKES_API_CRASH_SEED) || randomInt(1, 2 ** 31);
/** Tweets of the demo world the storm likes and unlikes (the 5 demo token holders like them). */
const TWEETS = 30;
const IN_FLIGHT = 16;
/** A kill comes this many acknowledgements into a run at the earliest, then after a random 0..KILL_SPREAD_MS. */
const MIN_ACKS_BEFORE_KILL = 10;
const KILL_SPREAD_MS = 700;

interface Pair {
  userIndex: number;
  tweetId: string;
  /** The last acknowledged state (or the one the store was seen to hold after a restart). */
  liked: boolean;
  /** The other state a request with no answer may have left (cleared once the store has been read). */
  unsure: boolean | null;
  busy: boolean;
}

interface Tally {
  kills: number;
  acknowledged: number;
  /** Pair states checked after restarts: the last acknowledged state of pairs written since the previous check. */
  checked: number;
  kept: number;
  lost: string[];
  inFlight: number;
  landed: number;
  failures: string[];
}

interface StoreUnderTest {
  label: string;
  dataDir: string;
  env: Record<string, string>;
  /** Tweets and users whose like_count differs from their rows (empty when all agree). */
  counterMismatches(): Promise<string[]>;
  /** Resolves once nothing the killed process started can still commit. */
  settled(): Promise<void>;
}

/** Likeable Tweets of the demo world (not deleted, author neither protected nor suspended), the popular one first. */
function stormTweets(): string[] {
  const world = buildDemoWorld();
  const visible = world.tweets.filter(world.likeable).map((t) => t.id).filter((id) => id !== world.popular.id);
  return [world.popular.id, ...Array.from({ length: TWEETS - 1 }, (_, i) => visible[(i * 37) % visible.length])];
}

async function crashRun(store: StoreUnderTest): Promise<Tally> {
  console.log(`crash (${store.label}): seed ${SEED} (LIKES_API_CRASH_SEED=${SEED} replays the choices), ${KILLS} kills`);
  const rng = new Prng(SEED);
  const started = performance.now();
  const start = async (n: number): Promise<Instance> => {
    const inst = await startInstance({ name: `${store.label}#${n}`, dataDir: store.dataDir, env: store.env });
    assert.ok(await waitHealthy(inst.baseUrl), inst.output());
    return inst;
  };
  let inst = await start(0);
  const creds = JSON.parse(readFileSync(join(store.dataDir, 'demo-credentials.json'), 'utf8')) as DemoCredentials;
  const users = creds.users;
  const pairs: Pair[] = users.flatMap((_, userIndex) =>
    stormTweets().map((tweetId) => ({ userIndex, tweetId, liked: false, unsure: null, busy: false })),
  );
  const byKey = new Map(pairs.map((p) => [pairKey(users[p.userIndex].id, p.tweetId), p]));
  const tally: Tally = { kills: 0, acknowledged: 0, checked: 0, kept: 0, lost: [], inFlight: 0, landed: 0, failures: [] };
  const written = new Set<Pair>();

  /** What the running instance says each pair holds: every user's own liked_tweets, walked to the end. */
  const readPairs = async (): Promise<Map<Pair, boolean>> => {
    const seen = new Map<Pair, boolean>(pairs.map((p) => [p, false]));
    await Promise.all(
      users.map(async (u) => {
        const { items } = await walkListing(inst.baseUrl, `/2/users/${u.id}/liked_tweets?max_results=100`, bearer(u.oauth2AccessToken));
        for (const t of items) {
          const p = byKey.get(pairKey(u.id, t.id));
          if (p) seen.set(p, true);
        }
      }),
    );
    return seen;
  };

  /** After a restart: every pair written since the last check holds its acknowledged state, or an unsure one. */
  const check = async (when: string) => {
    const seen = await readPairs();
    for (const p of pairs) {
      const held = seen.get(p)!;
      if (written.has(p)) {
        tally.checked++;
        if (held === p.liked) tally.kept++;
        else if (held === p.unsure) tally.landed++;
        else tally.lost.push(`${when}: ${users[p.userIndex].id} / ${p.tweetId} acknowledged ${p.liked ? 'liked' : 'unliked'}, store holds ${held ? 'liked' : 'unliked'}`);
      } else if (held !== p.liked) {
        tally.lost.push(`${when}: untouched ${users[p.userIndex].id} / ${p.tweetId} changed to ${held ? 'liked' : 'unliked'}`);
      }
      // From here on the store's state is the known one (an unsure request has settled one way or the other).
      p.liked = held;
      p.unsure = null;
    }
    written.clear();
    const counters = await store.counterMismatches();
    assert.deepEqual(counters.slice(0, 10), [], `${when}: ${counters.length} like_counts differ from their rows`);
  };

  // The starting state, as the store holds it.
  for (const [p, held] of await readPairs()) p.liked = held;
  assert.ok(pairs.some((p) => p.liked), 'the demo world starts with some of these pairs liked');

  const freePair = (): Pair | undefined => {
    for (let tries = 0; tries < 50; tries++) {
      const p = pairs[rng.int(0, pairs.length - 1)];
      if (!p.busy) return p;
    }
    return undefined;
  };

  for (let k = 1; k <= KILLS; k++) {
    let stopping = false;
    let acks = 0;
    let firstAcks!: () => void;
    const enoughAcks = new Promise<void>((resolve) => (firstAcks = resolve));
    const baseUrl = inst.baseUrl;
    const worker = async () => {
      while (!stopping) {
        const p = freePair();
        if (!p) {
          await sleep(1);
          continue;
        }
        p.busy = true;
        written.add(p);
        // Mostly toggles (writes that change rows and counters), some repeats (which must change nothing).
        const op: LikeOp = rng.chance(0.8) !== p.liked ? 'like' : 'unlike';
        const u = users[p.userIndex];
        try {
          const r = await sendLikeOp(baseUrl, u.oauth2AccessToken, u.id, p.tweetId, op);
          if (acknowledges(r, op)) {
            p.liked = op === 'like';
            tally.acknowledged++;
            if (++acks === MIN_ACKS_BEFORE_KILL) firstAcks();
          } else {
            tally.failures.push(`${op} ${u.id} / ${p.tweetId}: ${r.status} ${r.text}`);
            stopping = true;
          }
        } catch {
          // No answer: the kill came while this request was in flight; it may or may not have landed.
          tally.inFlight++;
          p.unsure = op === 'like';
          if (!stopping) tally.failures.push(`${op} ${u.id} / ${p.tweetId}: no answer before the kill`);
        } finally {
          p.busy = false;
        }
      }
    };
    const workers = Array.from({ length: IN_FLIGHT }, worker);
    await Promise.race([enoughAcks, Promise.all(workers)]);
    await sleep(rng.int(0, KILL_SPREAD_MS));
    // New requests stop before the kill, so every request without an answer really was in flight at the kill.
    stopping = true;
    inst.child.kill('SIGKILL');
    assert.deepEqual(await inst.exited, { code: null, signal: 'SIGKILL' });
    tally.kills++;
    await Promise.all(workers);
    assert.deepEqual(tally.failures.slice(0, 10), [], `${tally.failures.length} unexpected replies`);
    await store.settled();
    inst = await start(k);
    await check(`after kill ${k}`);
  }
  // And a clean stop at the end, whose restart also shows every acknowledged write.
  assert.deepEqual(await stopInstance(inst), { code: 0, signal: null }, inst.output());
  inst = await start(KILLS + 1);
  await check('after a clean stop');
  assert.deepEqual(await stopInstance(inst), { code: 0, signal: null }, inst.output());

  const seconds = ((performance.now() - started) / 1000).toFixed(0);
  console.log(
    `crash (${store.label}): ${tally.kills} SIGKILLs survived; ${tally.acknowledged} writes acknowledged; ` +
      `${tally.checked} last-acknowledged pair states checked after restarts: ${tally.kept} kept, ${tally.landed} ` +
      `changed by an unanswered request, ${tally.lost.length} lost; ${tally.inFlight} requests in flight at a kill; ` +
      `like_count = rows after every restart; seed ${SEED}; ${seconds} s`,
  );
  return tally;
}

function assertDurable(t: Tally): void {
  assert.deepEqual(t.lost.slice(0, 10), [], `${t.lost.length} acknowledged writes lost`);
  assert.equal(t.kills, KILLS);
  assert.equal(t.kept + t.landed, t.checked);
  assert.ok(t.acknowledged >= t.kills * MIN_ACKS_BEFORE_KILL, `${t.acknowledged} writes acknowledged`);
  // The kills came under load: some requests had no answer, and each of those is allowed either outcome.
  assert.ok(t.inFlight > 0, 'requests were in flight at the kills');
}

const COUNTERS_SQL = `
  SELECT 'tweet ' || t.id AS what, t.like_count AS counter, (SELECT count(*) FROM likes l WHERE l.tweet_id = t.id) AS n FROM tweets t
  UNION ALL
  SELECT 'user ' || u.id, u.like_count, (SELECT count(*) FROM likes l WHERE l.user_id = u.id) FROM users u`;

const mismatches = (rows: { what: string; counter: unknown; n: unknown }[]) =>
  rows.filter((r) => Number(r.counter) !== Number(r.n)).map((r) => `${r.what}: like_count ${r.counter}, ${r.n} rows`);

describe('SIGKILL during a like/unlike storm on SQLite loses no acknowledged write', () => {
  const dir = tempDir('crash-sqlite');
  after(() => cleanup(stopAll, () => dir.remove()), { timeout: 60_000 });

  it(`survives ${KILLS} kills with every acknowledged write kept and counters equal to rows`, { timeout: 300_000 }, async () => {
    const tally = await crashRun({
      label: 'sqlite',
      dataDir: dir.path,
      env: { LIKES_API_LIMITS: 'off' },
      async counterMismatches() {
        // A second connection while the server holds the file: it reads the committed WAL without checkpointing it.
        const db = new Database(join(dir.path, 'likes.db'), { readonly: true, fileMustExist: true });
        try {
          return mismatches(db.prepare(COUNTERS_SQL).all() as any[]);
        } finally {
          db.close();
        }
      },
      // A dead process holds no transaction: SQLite ignores its uncommitted WAL frames on the next open.
      async settled() {},
    });
    assertDurable(tally);
  });
});

describe('SIGKILL during a like/unlike storm on PostgreSQL + Redis loses no acknowledged write', () => {
  const prefix = uniquePrefix('crash');
  const dir = tempDir('crash-pg');
  let db: TestDatabase | undefined;
  let watcher: pg.Client | undefined;

  before(async () => {
    await requireRedis();
    db = await createDatabase('crash');
    watcher = new pg.Client({ connectionString: db.url, application_name: 'crash-test', connectionTimeoutMillis: 5000 });
    watcher.on('error', () => {});
    await watcher.connect();
  }, { timeout: 60_000 });

  after(
    () => cleanup(stopAll, () => watcher?.end(), () => db?.drop(), () => deleteByPrefix(REDIS_URL, prefix), () => dir.remove()),
    { timeout: 60_000 },
  );

  it(`survives ${KILLS} kills with every acknowledged write kept and counters equal to rows`, { timeout: 300_000 }, async () => {
    const tally = await crashRun({
      label: 'postgres+redis',
      dataDir: dir.path,
      env: {
        LIKES_API_DATABASE_URL: db!.url,
        LIKES_API_REDIS_URL: REDIS_URL,
        LIKES_API_REDIS_PREFIX: prefix,
        LIKES_API_SECRET_KEY: randomBytes(32).toString('hex'),
        LIKES_API_LIMITS: 'off',
      },
      async counterMismatches() {
        return mismatches((await watcher!.query(COUNTERS_SQL)).rows);
      },
      // A backend of the killed process may still be finishing a statement it had received; once every one of
      // them has gone, nothing it sent can commit any more.
      async settled() {
        for (let i = 0; i < 200; i++) {
          const { rows } = await watcher!.query(
            `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'likes-api'`,
          );
          if (rows[0].n === 0) return;
          await sleep(50);
        }
        throw new Error('backends of the killed instance still connected after 10 s');
      },
    });
    assertDurable(tally);
  });
});
