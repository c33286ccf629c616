import pg from 'pg';
import type {
  AppRecord, BearerRecord, DeveloperRecord, OAuth2Scope, LikeRow, MediaRecord, OAuth1TokenRecord, PlaceRecord, PollRecord, ProjectRecord,
  TweetRecord, UserRecord,
} from '../../domain/model.ts';
import type { Logger } from '../../ports/logger.ts';
import type { KeysetPage, LikedTweetsPage, LikeKey, LikesStore } from '../../ports/store.ts';
import {
  TWEET_ATTRIBUTES, USER_ATTRIBUTES, attributeMask, type AccountFlags, type LikingUserRow, type TweetCore, type WrittenTweetCore,
  type WrittenUserCore,
} from '../../ports/contentStore.ts';
import {
  MEDIA_COLUMNS, PLACE_COLUMNS, POLL_COLUMNS, TWEET_COLUMNS, USER_COLUMNS, appFromRow, appToRow, bearerFromRow,
  bearerToRow, grantedScopes, mediaFromRow, mediaToRow, oauth1TokenFromRow, oauth1TokenToRow, placeFromRow, placeToRow, pollFromRow,
  developerFromRow, developerToRow, pollToRow, projectFromRow, projectToRow, tweetToRow, userFromRow, userToRow,
  TWEET_CORE_COLUMNS, tweetCoreFromValues, accountFlagsFromValues, likedTweetCoreFromValues, LIKED_TWEET_CORE_COLUMNS, likingUserCoreFromValues, likedTweetFromValues, likedTweetWidth, ownerFlagsOf, pageOwner,
  likingUserFromValues, tweetOfValues, userOfValues, TWEET_LAYOUTS, USER_LAYOUTS, type Layout, type Layouts,
} from '../rows.ts';
import { MetaSettings } from '../metaSettings.ts';
import { PG_MIGRATION_LOCK_KEY, PG_MIGRATIONS, PG_SCHEMA_MIGRATIONS_TABLE } from './migrations.ts';
import { DEPENDENCY, isPostgresUnavailable, isRetryable, MAX_ATTEMPTS, wrapUnavailable } from './postgresErrors.ts';
import { S, likedTweetsWalk, likingUsersWalk, tweetsByIds, usersByIds, usersByUsernames, type Stmt, type Walk } from './postgresStatements.ts';
import { perLayout } from '../perLayout.ts';
import { LikeWriteQueue, type LikeWrite, type LikeWriteOutcome } from '../likeWriteQueue.ts';
import { TurnBatcher } from '../../perTurn.ts';
import { ServiceUnavailableError } from '../../ports/unavailable.ts';
import type { EventStore } from '../../ports/eventStore.ts';
import { PostgresEventStore } from './postgresEventStore.ts';

export interface PostgresStoreOptions {
  /** Pool size (default 10). */
  max?: number;
  /** Giving up on opening a connection, or on waiting for a free pooled one (default 3000 ms). */
  connectionTimeoutMillis?: number;
  /** Server-side statement_timeout of ordinary queries (default 5000 ms). */
  statementTimeoutMillis?: number;
  /** Client-side read timeout of ordinary queries, for a server that stopped answering (default statement + 2000 ms). */
  queryTimeoutMillis?: number;
  /** statement_timeout of the bulk writes (insertUsers, insertLikes, ...) and of migrations (default 120000 ms). */
  bulkTimeoutMillis?: number;
  applicationName?: string;
  /** Where errors of idle pooled connections are reported (a server restart, a dropped connection). */
  log?: Logger;
  /** The schema the store's tables live in (a sandbox world's); the connection's default search_path when absent. */
  schema?: string;
  /** How long an unused pooled connection stays open (default 30000 ms). */
  idleTimeoutMillis?: number;
}

/** An identifier quoted for SQL text (schema names are built by us, but quoted all the same). */
export const quoteIdent = (name: string): string => `"${name.replace(/"/g, '""')}"`;

type Row = Record<string, any>;
/** A row of a statement with rowMode 'array': its columns in order. */
type Values = any[];
/** Runs one prepared statement on the transaction's connection. */
type Run = (stmt: Stmt, values?: unknown[]) => Promise<Row[]>;

/** Rows per statement of the bulk paths (every column is one array parameter, so this only bounds statement size). */
const CHUNK = 5000;
/**
 * Like batches committed at once per store. One: batches of one instance mostly touch the same user rows, so a second
 * would wait for the first's locks anyway, and the writes it would take make the next batch larger instead (measured
 * with 5 writing users, 2 instances: 1 batch 1,750 likes/s, 2 batches 1,380, 4 batches 1,270).
 */
const WRITE_BATCHES_IN_FLIGHT = 1;

// int8 (BIGINT, count(*)) as JS numbers: epoch ms and counts fit in 2^53. Scoped to this store's pool.
const parseInt8 = (v: string): number => Number(v);
const TYPES: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === 20 && format !== 'binary' ? parseInt8 : pg.types.getTypeParser(oid, format as 'text')) as pg.CustomTypesConfig['getTypeParser'],
};


// ---- Small helpers ----

const identity = (b: boolean): boolean => b;
/** Lower-cases A-Z only: SQLite's NOCASE and PostgreSQL's lower() under COLLATE "C". */
const asciiLower = (s: string): string => s.replace(/[A-Z]+/g, (m) => m.toLowerCase());
/** PostgreSQL text cannot hold NUL; such a key cannot be stored, so it matches nothing. */
const storable = (s: string): boolean => !s.includes('\u0000');

function chunks<T>(items: readonly T[], size = CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** Byte order of the UTF-8 encodings (= code point order), the order of COLLATE "C". */
function byteOrder(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

/** Keeps the last item for each key, in order of last appearance (what a run of upserts by that key leaves). */
function lastWins<T>(items: readonly T[], key: (t: T) => string): T[] {
  const m = new Map<string, T>();
  for (const item of items) {
    const k = key(item);
    m.delete(k);
    m.set(k, item);
  }
  return [...m.values()];
}

/**
 * Cuts `items` into consecutive runs of at most `size` in which no key repeats: one INSERT ... ON CONFLICT DO UPDATE
 * cannot touch a row twice, and running the runs one after the other keeps the order of the rows.
 */
function runsWithoutRepeats<T>(items: readonly T[], key: (t: T) => string, size = CHUNK): T[][] {
  const out: T[][] = [];
  let run: T[] = [];
  let keys = new Set<string>();
  for (const item of items) {
    const k = key(item);
    if (keys.has(k) || run.length >= size) {
      out.push(run);
      run = [];
      keys = new Set();
    }
    run.push(item);
    keys.add(k);
  }
  if (run.length > 0) out.push(run);
  return out;
}

/** A users/tweets row for `upsertKeepingLikeCount`: the record's values without its like_count. */
function rowWithoutLikeCount(cols: readonly string[], row: unknown[]): unknown[] {
  return row.filter((_, i) => cols[i] !== 'like_count');
}

/** Column-major arrays for `unnest($1::t1[], $2::t2[], ...)`. */
function columns(rows: readonly unknown[][], width: number): unknown[][] {
  const cols: unknown[][] = Array.from({ length: width }, () => []);
  for (const r of rows) for (let i = 0; i < width; i++) cols[i].push(r[i] === undefined ? null : r[i]);
  return cols;
}

const TWO_63 = 2 ** 63;
const BIGINT_MAX = '9223372036854775807';
const BIGINT_MIN = '-9223372036854775808';

/**
 * A keyset bound as (bigint, text) parameters comparing exactly like SQLite compares (INTEGER column, JS number):
 * a fractional likedAt x becomes (ceil(x), '') (no id sorts below ''), out-of-range values clamp, NaN becomes NULL
 * (SQLite binds NaN as NULL: the comparison is unknown and nothing matches).
 */
function bound(k: LikeKey): [number | string | null, string] {
  const t = k.likedAt;
  if (Number.isNaN(t)) return [null, k.id];
  if (t >= TWO_63) return [BIGINT_MAX, k.id];
  if (t < -TWO_63) return [BIGINT_MIN, k.id];
  if (!Number.isInteger(t)) return [Math.ceil(t), ''];
  return [Number.isSafeInteger(t) ? t : BigInt(t).toString(), k.id];
}

const likeFromRow = (r: Row): LikeRow => ({ userId: r.user_id, tweetId: r.tweet_id, likedAt: Number(r.liked_at) });
/** A Tweet's core, from a row with TWEET_CORE_COLUMNS. */
const coreOfRow = (r: Row): TweetCore => tweetCoreFromValues(TWEET_CORE_COLUMNS.map((c) => r[c]));
/** The author's flags, from a row with author_id_seen, author_protected, author_suspended (null: no such author). */
const authorOfRow = (r: Row): AccountFlags | null =>
  r.author_id_seen === null ? null : accountFlagsFromValues([r.author_id_seen, r.author_protected, r.author_suspended]);

/**
 * The statement(s) reading each attribute set of `layouts` (`make`; `whole` for every column): those perLayout keeps
 * are prepared as `${name}_<mask>` on each connection that uses them, the others parsed on every use.
 */
function preparedPerLayout<R, Read>(
  layouts: Layouts<R>,
  whole: Read,
  make: (layout: Layout<R>, name: string | null) => Read,
  name: string,
): (mask: number) => { layout: Layout<R>; read: Read } {
  return perLayout(layouts, (layout, kept, mask) => (layout === layouts.full ? whole : make(layout, kept ? `${name}_${mask.toString(36)}` : null)));
}

/**
 * The server store: PostgreSQL through a `pg.Pool`. Every query is a named prepared statement, likes and unlikes
 * are group-committed (one atomic statement per batch that also moves both counters), bulk writes go through UNNEST
 * in chunks, and a database that cannot be reached or does not answer in time surfaces as ServiceUnavailableError
 * within a few seconds.
 */
export class PostgresStore extends MetaSettings implements LikesStore {
  readonly kind = 'postgres';
  readonly localDir = null;
  private readonly pool: pg.Pool;
  private readonly config: pg.PoolConfig;
  private readonly bulkTimeout: number;
  private ended = false;
  /** Group commit of likes and unlikes: the writes asked for while a batch commits form the next. */
  private readonly writes = new LikeWriteQueue((batch) => this.writeLikes(batch), { maxInFlight: WRITE_BATCHES_IN_FLIGHT, maxBatch: 500, distinctPairs: true });
  /** The events tables, through this store's pool and transactions. */
  readonly events: EventStore = new PostgresEventStore((stmt, values) => this.q(stmt, values), (fn) => this.tx(fn));
  // The reads of the layouts asked for, by attributeMask (preparedPerLayout).
  private readonly likedTweetWalks = preparedPerLayout(TWEET_LAYOUTS, S.likedTweets, likedTweetsWalk, 'likes_liked_tweets');
  private readonly tweetsByIdsOf = preparedPerLayout(TWEET_LAYOUTS, S.tweets, tweetsByIds, 'likes_tweets_by_ids');
  private readonly usersByIdsOf = preparedPerLayout(USER_LAYOUTS, S.users, usersByIds, 'likes_users_by_ids');
  private readonly usersByUsernamesOf = preparedPerLayout(USER_LAYOUTS, S.usersByUsername, usersByUsernames, 'likes_users_by_usernames');
  private readonly likingUserWalks = preparedPerLayout(USER_LAYOUTS, S.likingUsers, likingUsersWalk, 'likes_liking_users');

  constructor(readonly connectionString: string, options: PostgresStoreOptions = {}) {
    super();
    const statementTimeout = options.statementTimeoutMillis ?? 5000;
    this.bulkTimeout = options.bulkTimeoutMillis ?? 120_000;
    this.config = {
      connectionString,
      max: options.max ?? 10,
      connectionTimeoutMillis: options.connectionTimeoutMillis ?? 3000,
      statement_timeout: statementTimeout,
      query_timeout: options.queryTimeoutMillis ?? statementTimeout + 2000,
      idle_in_transaction_session_timeout: 60_000,
      idleTimeoutMillis: options.idleTimeoutMillis ?? 30_000,
      ...(options.schema ? { options: `-c search_path=${quoteIdent(options.schema)}` } : {}),
      keepAlive: true,
      application_name: options.applicationName ?? 'likes-api',
      types: TYPES,
    };
    this.pool = new pg.Pool(this.config);
    // An idle client losing its connection (server restart, 57P01) is reported here; the next query reconnects.
    this.pool.on('error', (err) => options.log?.warn({ dependency: DEPENDENCY, err }, 'postgres: an idle pooled connection failed; the next query reconnects'));
  }

  // ---- plumbing ----

  /** `R`: Row for a statement read as records, `Values` for one with rowMode 'array'. */
  private async q<R = Row>(stmt: Stmt, values: unknown[] = []): Promise<R[]> {
    for (let attempt = 1; ; attempt++) {
      try {
        // A statement with rowMode 'array' gives arrays (read by the rows.ts reader of its layout), not records.
        const config = { name: stmt.name, text: stmt.text, values, rowMode: stmt.rowMode } as pg.QueryConfig;
        return (await this.pool.query(config)).rows as R[];
      } catch (err) {
        if (isRetryable(err) && attempt < MAX_ATTEMPTS) continue;
        throw wrapUnavailable(err);
      }
    }
  }

  /** Runs `fn` in one transaction on one pooled connection; retried from scratch on 40001/40P01. */
  private async tx<T>(fn: (run: Run) => Promise<T>, bulk = false, begin: Stmt = S.begin): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      let client: pg.PoolClient;
      try {
        client = await this.pool.connect();
      } catch (err) {
        throw wrapUnavailable(err);
      }
      // A connection lost between two statements is emitted as 'error' on the checked-out client.
      let broken: Error | undefined;
      const onError = (err: Error) => {
        broken = err;
      };
      client.on('error', onError);
      const timeout = bulk ? { query_timeout: this.bulkTimeout + 2000 } : {};
      const run: Run = async (stmt, values = []) =>
        (await client.query<Row>({ name: stmt.name, text: stmt.text, values, ...timeout } as pg.QueryConfig)).rows;
      try {
        await run(begin);
        if (bulk) await run(S.localTimeout, [`${this.bulkTimeout}ms`]);
        const result = await fn(run);
        await run(S.commit);
        return result;
      } catch (err) {
        if (isPostgresUnavailable(err)) {
          broken = err as Error;
          throw wrapUnavailable(err);
        }
        try {
          await run(S.rollback);
        } catch (rollbackErr) {
          broken = rollbackErr as Error;
        }
        if (!(isRetryable(err) && attempt < MAX_ATTEMPTS)) throw err;
      } finally {
        client.removeListener('error', onError);
        client.release(broken);
      }
    }
  }

  async migrate(): Promise<void> {
    // A dedicated session: the advisory lock is session-level, and waiting for another process's migration may
    // take longer than an ordinary statement is allowed to.
    const client = new pg.Client({
      ...this.config,
      statement_timeout: this.bulkTimeout,
      query_timeout: this.bulkTimeout + 2000,
    });
    client.on('error', () => {});
    try {
      await client.connect();
    } catch (err) {
      await client.end().catch(() => {});
      throw wrapUnavailable(err);
    }
    try {
      const run = (stmt: Stmt, values: unknown[] = []) => client.query({ ...stmt, values });
      await run(S.lock, [PG_MIGRATION_LOCK_KEY]);
      try {
        // DDL: multi-statement scripts cannot be prepared statements; they run as simple queries under the lock.
        await client.query(PG_SCHEMA_MIGRATIONS_TABLE);
        const version = Number((await run(S.schemaVersion)).rows[0].version);
        for (let v = version; v < PG_MIGRATIONS.length; v++) {
          await run(S.begin);
          try {
            await client.query(PG_MIGRATIONS[v]);
            await run(S.recordVersion, [v + 1, Date.now()]);
            await run(S.commit);
          } catch (err) {
            await run(S.rollback).catch(() => {});
            throw err;
          }
        }
      } finally {
        await run(S.unlock, [PG_MIGRATION_LOCK_KEY]).catch(() => {});
      }
    } catch (err) {
      throw wrapUnavailable(err);
    } finally {
      await client.end().catch(() => {});
    }
  }

  async close(): Promise<void> {
    if (this.ended) return;
    this.ended = true;
    await this.pool.end();
  }

  /** The tables a world's contents are, in the store's schema (the migrations' own table is not content). */
  private async contentTables(run: Run): Promise<string[]> {
    const rows = await run(S.contentTables);
    return rows.map((r) => r.tablename as string);
  }

  /** A consistent copy of every table into the new schema `target` (dropped first if it exists): a snapshot. */
  async copyTo(target: string): Promise<void> {
    await this.tx(async (run) => {
      // Two copies to one name at once (instances starting together) would race on the schema's name: one waits.
      await run(S.lockName, [target]);
      const tables = await this.contentTables(run);
      await run({ name: '', text: `DROP SCHEMA IF EXISTS ${quoteIdent(target)} CASCADE` });
      await run({ name: '', text: `CREATE SCHEMA ${quoteIdent(target)}` });
      for (const t of tables) await run({ name: '', text: `CREATE TABLE ${quoteIdent(target)}.${quoteIdent(t)} AS TABLE ${quoteIdent(t)}` });
    }, true, S.beginRepeatableRead);
  }

  /**
   * Replaces every table's rows with those of schema `source` (a snapshot or a template), in one transaction:
   * readers see the old world or the new one, never a mix.
   */
  async replaceContentsFrom(source: string): Promise<void> {
    await this.tx(async (run) => {
      const tables = await this.contentTables(run);
      await run({ name: '', text: `TRUNCATE ${tables.map(quoteIdent).join(', ')}` });
      for (const t of tables) await run({ name: '', text: `INSERT INTO ${quoteIdent(t)} SELECT * FROM ${quoteIdent(source)}.${quoteIdent(t)}` });
    }, true);
  }

  /** PostgreSQL offers no cheap signal of other sessions' commits. */
  async foreignWriteToken(): Promise<string | null> {
    return null;
  }

  async isEmpty(): Promise<boolean> {
    return (await this.q(S.isEmpty))[0].empty === true;
  }

  // ---- lookups ----

  private async many<T, R = Row>(stmt: Stmt, keys: readonly string[], map: (r: R) => T): Promise<T[]> {
    const wanted = keys.filter(storable);
    if (wanted.length === 0) return [];
    return (await this.q<R>(stmt, [wanted])).map(map);
  }

  usersByIds(ids: readonly string[], attributes = USER_ATTRIBUTES): Promise<UserRecord[]> {
    const { layout, read } = this.usersByIdsOf(attributeMask(USER_ATTRIBUTES, attributes));
    return this.many<UserRecord, Values>(read, ids, (v) => userOfValues(v, layout, 0));
  }
  async accountFlags(id: string): Promise<AccountFlags | null> {
    return storable(id) ? this.flagsOf.get(id) : null;
  }
  async tweetCoreWithAuthor(id: string): Promise<{ tweet: TweetCore; author: AccountFlags | null } | null> {
    return storable(id) ? this.tweetCoresOf.get(id) : null;
  }
  // The owner checks and the liked Tweets' lookups of concurrent requests: one statement per event-loop turn.
  private readonly flagsOf = new TurnBatcher<string, AccountFlags>(async (ids) => {
    const rows = await this.q(S.accountFlags, [ids]);
    return new Map(rows.map((r) => [r.id as string, accountFlagsFromValues([r.id, r.protected, r.suspended])]));
  });
  private readonly tweetCoresOf = new TurnBatcher<string, { tweet: TweetCore; author: AccountFlags | null }>(async (ids) => {
    const rows = await this.q(S.tweetCoreWithAuthor, [ids]);
    return new Map(rows.map((r) => [r.id as string, { tweet: coreOfRow(r), author: authorOfRow(r) }]));
  });
  usersByUsernames(usernames: readonly string[], attributes = USER_ATTRIBUTES): Promise<UserRecord[]> {
    const { layout, read } = this.usersByUsernamesOf(attributeMask(USER_ATTRIBUTES, attributes));
    return this.many<UserRecord, Values>(read, usernames.map(asciiLower), (v) => userOfValues(v, layout, 0));
  }
  tweetsByIds(ids: readonly string[], attributes = TWEET_ATTRIBUTES): Promise<TweetRecord[]> {
    const { layout, read } = this.tweetsByIdsOf(attributeMask(TWEET_ATTRIBUTES, attributes));
    return this.many<TweetRecord, Values>(read, ids, (v) => tweetOfValues(v, layout, 0));
  }
  mediaByKeys(keys: readonly string[]): Promise<MediaRecord[]> {
    return this.many(S.media, keys, mediaFromRow);
  }
  pollsByIds(ids: readonly string[]): Promise<PollRecord[]> {
    return this.many(S.polls, ids, pollFromRow);
  }
  placesByIds(ids: readonly string[]): Promise<PlaceRecord[]> {
    return this.many(S.places, ids, placeFromRow);
  }

  private async walk<R = Row>(w: Walk, key: string, page: KeysetPage): Promise<R[]> {
    const { from, newest } = page;
    if (!storable(key) || (newest !== undefined && !(newest >= 1))) return [];
    const args: unknown[] = [key];
    if (from) args.push(...bound(from));
    if (newest !== undefined) args.push(Math.ceil(newest) - 1);
    args.push(page.limit < 0 ? null : page.limit); // LIMIT -1 is "no limit" in SQLite, LIMIT NULL here
    const s = newest === undefined ? w.all : w.capped;
    if (!from) return this.q<R>(s.first, args);
    if (page.direction === 'older') return this.q<R>(s.older, args);
    return (await this.q<R>(s.newer, args)).reverse();
  }

  async likesByUser(userId: string, page: KeysetPage): Promise<LikeRow[]> {
    return (await this.walk(S.byUser, userId, page)).map(likeFromRow);
  }
  async likedTweetsByUser(userId: string, page: KeysetPage, attributes = TWEET_ATTRIBUTES): Promise<LikedTweetsPage> {
    const { layout, read } = this.likedTweetWalks(attributeMask(TWEET_ATTRIBUTES, attributes));
    const values = await this.walk<Values>(read, userId, page);
    return { owner: await pageOwner(userId, ownerFlagsOf(values), (id) => this.accountFlags(id)), rows: values.map((v) => likedTweetFromValues(v, layout, v[likedTweetWidth(layout)])) };
  }
  async likedTweetCoresByUser(userId: string, page: KeysetPage): Promise<LikedTweetsPage<WrittenTweetCore>> {
    const values = await this.walk<Values>(S.likedTweetCores, userId, page);
    return { owner: await pageOwner(userId, ownerFlagsOf(values), (id) => this.accountFlags(id)), rows: values.map((r) => likedTweetCoreFromValues(userId, r, 0, r[LIKED_TWEET_CORE_COLUMNS.length])) };
  }
  async likesOfTweet(tweetId: string, page: KeysetPage): Promise<LikeRow[]> {
    return (await this.walk(S.ofTweet, tweetId, page)).map(likeFromRow);
  }
  async likingUserCoresOfTweet(tweetId: string, page: KeysetPage): Promise<LikingUserRow<WrittenUserCore>[]> {
    return (await this.walk<Values>(S.likingUserCores, tweetId, page)).map((r) => likingUserCoreFromValues(tweetId, r));
  }
  async likingUsersOfTweet(tweetId: string, page: KeysetPage, attributes = USER_ATTRIBUTES): Promise<LikingUserRow[]> {
    const { layout, read } = this.likingUserWalks(attributeMask(USER_ATTRIBUTES, attributes));
    return (await this.walk<Values>(read, tweetId, page)).map((v) => likingUserFromValues(v, layout));
  }

  // ---- likes ----

  async like(userId: string, tweetId: string, likedAt: number): Promise<boolean> {
    if (!storable(userId) || !storable(tweetId)) return false;
    return this.writes.write({ kind: 'like', userId, tweetId, at: likedAt });
  }

  async unlike(userId: string, tweetId: string, at: number): Promise<boolean> {
    if (!storable(userId) || !storable(tweetId)) return false;
    return this.writes.write({ kind: 'unlike', userId, tweetId, at });
  }

  /**
   * One statement per batch. When it fails for a reason of its own (not an unreachable database), each write is tried
   * alone, so a failing write fails alone, as in SQLite's savepoints.
   */
  private async writeLikes(batch: readonly LikeWrite[]): Promise<LikeWriteOutcome[]> {
    try {
      const rows = await this.q(S.writeLikes, [batch.map((w) => w.userId), batch.map((w) => w.tweetId), batch.map((w) => w.at), batch.map((w) => w.kind === 'like')]);
      const changed = new Set(rows.map((r) => Number(r.n)));
      return batch.map((_, i) => ({ ok: changed.has(i + 1) }));
    } catch (error) {
      if (batch.length === 1 || error instanceof ServiceUnavailableError) throw error;
      return Promise.all(batch.map((w) => this.writeLikes([w]).then(([outcome]) => outcome, (e: unknown) => ({ error: e }))));
    }
  }

  async insertLikes(likes: readonly LikeRow[]): Promise<void> {
    if (likes.length === 0) return;
    // A stable sort: concurrent bulk loads take the like rows' index locks in the same order, and the first of
    // duplicate likes still wins, as in SQLite.
    const sorted = [...likes].sort((a, b) =>
      a.userId < b.userId ? -1 : a.userId > b.userId ? 1 : a.tweetId < b.tweetId ? -1 : a.tweetId > b.tweetId ? 1 : 0,
    );
    await this.tx(async (run) => {
      const tweets = new Set<string>();
      const users = new Set<string>();
      for (const part of chunks(sorted)) {
        const inserted = await run(S.insertLikes, [
          part.map((l) => l.userId), part.map((l) => l.tweetId), part.map((l) => l.likedAt),
        ]);
        for (const r of inserted) {
          tweets.add(r.tweet_id);
          users.add(r.user_id);
        }
      }
      // Lock the counters' rows (tweets before users, each in id order, like like/unlike do), then recount in
      // later statements, whose snapshot therefore includes every like committed by whoever held those locks.
      const tweetIds = [...tweets].sort(byteOrder);
      const userIds = [...users].sort(byteOrder);
      for (const part of chunks(tweetIds)) await run(S.lockTweets, [part]);
      for (const part of chunks(userIds)) await run(S.lockUsers, [part]);
      for (const part of chunks(tweetIds)) await run(S.recountTweets, [part]);
      for (const part of chunks(userIds)) await run(S.recountUsers, [part]);
    }, true);
  }

  // ---- bulk writes ----

  private async upsertMany<T>(stmt: Stmt, items: readonly T[], key: (t: T) => string, toRow: (t: T) => unknown[], width: number) {
    if (items.length === 0) return;
    const rows = lastWins(items, key).map(toRow);
    await this.tx(async (run) => {
      for (const part of chunks(rows)) await run(stmt, columns(part, width));
    }, true);
  }

  async insertUsers(users: readonly UserRecord[]): Promise<void> {
    if (users.length === 0) return;
    // Every row in order, as SQLite runs them one by one: not deduplicated by id (an earlier row of an id may free or
    // take a username that matters to the rows between), but cut where an id repeats. A clash aborts the transaction.
    const width = USER_COLUMNS.length - 1;
    await this.tx(async (run) => {
      for (const part of runsWithoutRepeats(users, (u) => u.id)) {
        await run(S.insertUsers, columns(part.map((u) => rowWithoutLikeCount(USER_COLUMNS, userToRow(u, identity))), width));
      }
    }, true);
  }
  insertTweets(tweets: readonly TweetRecord[]): Promise<void> {
    // Tweets have no other unique key, so keeping the last row of each id is the same as running them in order.
    return this.upsertMany(
      S.insertTweets, tweets, (t) => t.id, (t) => rowWithoutLikeCount(TWEET_COLUMNS, tweetToRow(t, identity)), TWEET_COLUMNS.length - 1,
    );
  }
  insertMedia(media: readonly MediaRecord[]): Promise<void> {
    return this.upsertMany(S.insertMedia, media, (m) => m.mediaKey, mediaToRow, MEDIA_COLUMNS.length);
  }
  insertPolls(polls: readonly PollRecord[]): Promise<void> {
    return this.upsertMany(S.insertPolls, polls, (p) => p.id, pollToRow, POLL_COLUMNS.length);
  }
  insertPlaces(places: readonly PlaceRecord[]): Promise<void> {
    return this.upsertMany(S.insertPlaces, places, (p) => p.id, placeToRow, PLACE_COLUMNS.length);
  }

  async setTweetDeleted(tweetId: string, deleted: boolean): Promise<void> {
    await this.q(S.setDeleted, [tweetId, deleted]);
  }
  async setUserFlags(userId: string, flags: { protected?: boolean; suspended?: boolean }): Promise<void> {
    if (flags.protected === undefined && flags.suspended === undefined) return;
    await this.q(S.setUserFlags, [userId, flags.protected ?? null, flags.suspended ?? null]);
  }

  // ---- developer portal records ----

  private async one<T>(stmt: Stmt, key: string, map: (r: Row) => T): Promise<T | null> {
    if (!storable(key)) return null;
    const rows = await this.q(stmt, [key]);
    return rows.length ? map(rows[0]) : null;
  }

  projectById(id: string): Promise<ProjectRecord | null> {
    return this.one(S.project, id, projectFromRow);
  }
  appById(id: string): Promise<AppRecord | null> {
    return this.one(S.app, id, appFromRow);
  }
  appByConsumerKey(consumerKey: string): Promise<AppRecord | null> {
    return this.one(S.appByConsumerKey, consumerKey, appFromRow);
  }
  appByClientId(clientId: string): Promise<AppRecord | null> {
    return this.one(S.appByClientId, clientId, appFromRow);
  }
  oauth1Token(token: string): Promise<OAuth1TokenRecord | null> {
    return this.one(S.oauth1Token, token, oauth1TokenFromRow);
  }
  bearerByHash(tokenHash: string): Promise<BearerRecord | null> {
    return this.one(S.bearer, tokenHash, bearerFromRow);
  }
  async userGrantScopes(appId: string, userId: string): Promise<OAuth2Scope[]> {
    return grantedScopes((await this.q(S.grantScopes, [appId, userId])).map((r) => r.scopes));
  }
  async listProjects(): Promise<ProjectRecord[]> {
    return (await this.q(S.projects)).map(projectFromRow);
  }
  async listApps(): Promise<AppRecord[]> {
    return (await this.q(S.apps)).map(appFromRow);
  }
  async listUsers(limit: number): Promise<UserRecord[]> {
    return (await this.q(S.listUsers, [limit < 0 ? null : limit])).map(userFromRow);
  }

  async putProject(project: ProjectRecord): Promise<void> {
    await this.q(S.putProject, projectToRow(project));
  }
  async projectsOfDeveloper(developerId: string): Promise<ProjectRecord[]> {
    if (!storable(developerId)) return [];
    return (await this.q(S.projectsOfDeveloper, [developerId])).map(projectFromRow);
  }
  async putDeveloper(developer: DeveloperRecord): Promise<void> {
    await this.q(S.putDeveloper, developerToRow(developer));
  }
  developerById(id: string): Promise<DeveloperRecord | null> {
    return this.one(S.developer, id, developerFromRow);
  }
  developerByUsername(username: string): Promise<DeveloperRecord | null> {
    return this.one(S.developerByUsername, asciiLower(username), developerFromRow);
  }
  async listDevelopers(): Promise<DeveloperRecord[]> {
    return (await this.q(S.developers)).map(developerFromRow);
  }
  async putApp(app: AppRecord): Promise<void> {
    await this.q(S.putApp, appToRow(app, identity));
  }
  async putOAuth1Token(token: OAuth1TokenRecord): Promise<void> {
    await this.q(S.putOAuth1Token, oauth1TokenToRow(token));
  }
  async deleteOAuth1Token(token: string): Promise<void> {
    if (!storable(token)) return;
    await this.q(S.deleteOAuth1Token, [token]);
  }
  async deleteOAuth1TokensOfApp(appId: string): Promise<void> {
    await this.q(S.deleteOAuth1TokensOfApp, [appId]);
  }
  async putBearer(bearer: BearerRecord): Promise<void> {
    await this.q(S.putBearer, bearerToRow(bearer));
  }
  async deleteBearer(tokenHash: string): Promise<void> {
    if (!storable(tokenHash)) return;
    await this.q(S.deleteBearer, [tokenHash]);
  }
  async deleteBearersOfApp(appId: string, kind: BearerRecord['kind']): Promise<void> {
    await this.q(S.deleteBearersOfApp, [appId, kind]);
  }
  async deleteBearersExpiredBy(at: number, limit: number): Promise<number> {
    return Number((await this.q(S.deleteBearersExpiredBy, [at, limit]))[0].n);
  }

  // ---- passwords ----

  async setUserPassword(userId: string, hash: string | null): Promise<void> {
    if (hash === null) {
      if (storable(userId)) await this.q(S.deletePassword, [userId]);
      return;
    }
    await this.q(S.setPassword, [userId, hash]);
  }
  userPasswordHash(userId: string): Promise<string | null> {
    return this.one(S.passwordHash, userId, (r) => r.password_hash as string);
  }

  // ---- meta ----

  async getMeta(key: string): Promise<string | null> {
    return this.one(S.getMeta, key, (r) => r.value as string);
  }
  async setMetaIfAbsent(key: string, value: string): Promise<string> {
    return (await this.q(S.setMetaIfAbsent, [key, value]))[0].value;
  }
  async setMeta(key: string, value: string): Promise<void> {
    await this.q(S.setMeta, [key, value]);
  }
  async deleteMeta(key: string): Promise<void> {
    await this.q(S.deleteMeta, [key]);
  }
  async incrementMeta(key: string): Promise<number> {
    return Number((await this.q(S.incrementMeta, [key]))[0].value);
  }
}
