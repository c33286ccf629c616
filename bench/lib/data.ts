// Datasets of a benchmark run: seeded through the real `likes-api seed` CLI (so its rate is measured as users see
// it), read back directly from SQLite or PostgreSQL for what the load needs (deep-page keys, Tweets a user has not
// liked yet, like counts).
import Database from 'better-sqlite3';
import { cpSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import type { DemoCredentials } from '../../src/demo/demoSeed.ts';
import { BENCH_PG_SECRET_KEY, LIKES_BIN, runToEnd } from './proc.ts';

export interface SizeSpec {
  label: string;
  users: number;
  tweets: number;
  likes: number;
}

export const SEED = 1;

export interface SeedOutcome {
  label: string;
  store: 'sqlite' | 'postgres';
  spec: SizeSpec;
  /** From the seed CLI's --json report. */
  report: {
    ms: Record<string, number>;
    finishSteps: { step: string; ms: number }[];
    likesPerSecond: number;
    heavyLikerUserId: string;
    heavyLikerLikes: number;
    popularTweetId: string;
    popularTweetLikes: number;
  };
  /** Wall time of the whole CLI process (start of node to exit). */
  wallMs: number;
  reused: boolean;
  dataDir: string;
  databaseUrl?: string;
  creds: DemoCredentials;
}

/** Seeds `spec` into a store through the CLI; a SQLite directory already seeded with the same spec is reused. */
export async function seedStore(o: {
  spec: SizeSpec;
  dataDir: string;
  databaseUrl?: string;
  reuse: boolean;
  log: (s: string) => void;
}): Promise<SeedOutcome> {
  const marker = join(o.dataDir, 'bench-seed.json');
  const store = o.databaseUrl ? 'postgres' : 'sqlite';
  if (o.reuse && !o.databaseUrl && existsSync(marker)) {
    const previous = JSON.parse(readFileSync(marker, 'utf8')) as SeedOutcome;
    if (JSON.stringify(previous.spec) === JSON.stringify(o.spec)) {
      o.log(`  reusing ${o.dataDir} (seeded ${previous.spec.likes} likes earlier; --reseed to seed again)`);
      return { ...previous, reused: true, creds: readCreds(o.dataDir) };
    }
  }
  if (!o.databaseUrl) rmSync(o.dataDir, { recursive: true, force: true });
  const t0 = performance.now();
  const out = await runToEnd(
    process.execPath,
    [LIKES_BIN, 'seed', '--users', String(o.spec.users), '--tweets', String(o.spec.tweets), '--likes', String(o.spec.likes), '--seed', String(SEED), '--json', '--quiet'],
    {
      env: {
        LIKES_API_DATA_DIR: o.dataDir, LIKES_API_DATABASE_URL: o.databaseUrl ?? '', LIKES_API_REDIS_URL: '',
        ...(o.databaseUrl ? { LIKES_API_SECRET_KEY: BENCH_PG_SECRET_KEY } : {}),
      },
      timeoutMs: 20 * 60_000,
    },
  );
  const wallMs = Math.round(performance.now() - t0);
  const report = JSON.parse(out.trim().split('\n').pop()!) as SeedOutcome['report'];
  const outcome: SeedOutcome = {
    label: o.spec.label, store, spec: o.spec, report, wallMs, reused: false, dataDir: o.dataDir, databaseUrl: o.databaseUrl,
    creds: readCreds(o.dataDir),
  };
  if (!o.databaseUrl) writeFileSync(marker, JSON.stringify({ ...outcome, creds: undefined }, null, 2));
  return outcome;
}

export function readCreds(dataDir: string): DemoCredentials {
  return JSON.parse(readFileSync(join(dataDir, 'bench-credentials.json'), 'utf8')) as DemoCredentials;
}

/** Read access to a seeded store, whichever kind. */
/** A copy of a SQLite dataset, in `dataRoot`/work-sqlite, for workloads that write (the seeded originals stay as seeded). */
export function workCopy(dataRoot: string, seed: SeedOutcome): string {
  const dir = join(dataRoot, 'work-sqlite');
  rmSync(dir, { recursive: true, force: true });
  cpSync(seed.dataDir, dir, { recursive: true });
  return dir;
}

export interface StoreProbe {
  /** The (likedAt, tweetId) of the heavy liker's like at 0-based position `offset`, newest first. */
  likeKeyAt(userId: string, offset: number): Promise<{ likedAt: number; id: string }>;
  likesOf(userId: string): Promise<number>;
  /** The keys that start each page of `pageSize` after the first (the last like of the page before), newest first. */
  pageKeys(userId: string, pageSize: number, maxPages: number): Promise<{ likedAt: number; id: string }[]>;
  likesOfUsers(userIds: string[]): Promise<number>;
  /** Up to `limit` Tweets the user has not liked, in id order. */
  unlikedTweets(userId: string, limit: number): Promise<string[]>;
  version(): Promise<string>;
  close(): Promise<void>;
}

export function sqliteProbe(file: string): StoreProbe {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  db.pragma('busy_timeout = 5000');
  return {
    async likeKeyAt(userId, offset) {
      const r = db
        .prepare('SELECT liked_at, tweet_id FROM likes WHERE user_id = ? ORDER BY liked_at DESC, tweet_id DESC LIMIT 1 OFFSET ?')
        .get(userId, offset) as { liked_at: number; tweet_id: string };
      return { likedAt: r.liked_at, id: r.tweet_id };
    },
    async likesOf(userId) {
      return (db.prepare('SELECT count(*) AS n FROM likes WHERE user_id = ?').get(userId) as { n: number }).n;
    },
    async pageKeys(userId, pageSize, maxPages) {
      return (db
        .prepare(
          `SELECT liked_at, tweet_id FROM (SELECT liked_at, tweet_id, row_number() OVER (ORDER BY liked_at DESC, tweet_id DESC) AS rn
           FROM likes WHERE user_id = ?) WHERE rn % ? = 0 ORDER BY rn LIMIT ?`,
        )
        .all(userId, pageSize, maxPages) as { liked_at: number; tweet_id: string }[]).map((r) => ({ likedAt: r.liked_at, id: r.tweet_id }));
    },
    async likesOfUsers(userIds) {
      return (db.prepare('SELECT count(*) AS n FROM likes WHERE user_id IN (SELECT value FROM json_each(?))').get(JSON.stringify(userIds)) as { n: number }).n;
    },
    async unlikedTweets(userId, limit) {
      return (db
        .prepare('SELECT id FROM tweets WHERE NOT EXISTS (SELECT 1 FROM likes WHERE user_id = ? AND tweet_id = tweets.id) ORDER BY id LIMIT ?')
        .all(userId, limit) as { id: string }[]).map((r) => r.id);
    },
    async version() {
      return (db.prepare('SELECT sqlite_version() AS v').get() as { v: string }).v;
    },
    async close() {
      db.close();
    },
  };
}

export async function postgresProbe(url: string): Promise<StoreProbe> {
  const client = new pg.Client({ connectionString: url });
  client.on('error', () => {});
  await client.connect();
  return {
    async likeKeyAt(userId, offset) {
      const { rows } = await client.query(
        'SELECT liked_at::float8 AS liked_at, tweet_id FROM likes WHERE user_id = $1 ORDER BY liked_at DESC, tweet_id DESC LIMIT 1 OFFSET $2',
        [userId, offset],
      );
      return { likedAt: Number(rows[0].liked_at), id: rows[0].tweet_id };
    },
    async likesOf(userId) {
      return Number((await client.query('SELECT count(*) AS n FROM likes WHERE user_id = $1', [userId])).rows[0].n);
    },
    async pageKeys(userId, pageSize, maxPages) {
      const { rows } = await client.query(
        `SELECT liked_at::float8 AS liked_at, tweet_id FROM (SELECT liked_at, tweet_id, row_number() OVER (ORDER BY liked_at DESC, tweet_id DESC) AS rn
         FROM likes WHERE user_id = $1) AS x WHERE rn % $2 = 0 ORDER BY rn LIMIT $3`,
        [userId, pageSize, maxPages],
      );
      return rows.map((r) => ({ likedAt: Number(r.liked_at), id: r.tweet_id as string }));
    },
    async likesOfUsers(userIds) {
      return Number((await client.query('SELECT count(*) AS n FROM likes WHERE user_id = ANY($1::text[])', [userIds])).rows[0].n);
    },
    async unlikedTweets(userId, limit) {
      const { rows } = await client.query(
        'SELECT id FROM tweets t WHERE NOT EXISTS (SELECT 1 FROM likes l WHERE l.user_id = $1 AND l.tweet_id = t.id) ORDER BY id LIMIT $2',
        [userId, limit],
      );
      return rows.map((r) => r.id as string);
    },
    async version() {
      return String((await client.query('SHOW server_version')).rows[0].server_version);
    },
    async close() {
      await client.end();
    },
  };
}

