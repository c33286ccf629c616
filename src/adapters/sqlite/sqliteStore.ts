import Database from 'better-sqlite3';
import { dirname } from 'node:path';
import type {
  AppRecord, BearerRecord, DeveloperRecord, OAuth2Scope, LikeRow, MediaRecord, OAuth1TokenRecord, PlaceRecord, PollRecord, ProjectRecord,
  TweetRecord, UserRecord,
} from '../../domain/model.ts';
import type { KeysetPage, LikedTweetsPage, LikesStore } from '../../ports/store.ts';
import {
  TWEET_ATTRIBUTES, USER_ATTRIBUTES, attributeMask, type AccountFlags, type LikingUserRow, type TweetCore, type WrittenTweetCore,
  type WrittenUserCore,
} from '../../ports/contentStore.ts';
import {
  APP_COLUMNS, BEARER_COLUMNS, DEVELOPER_COLUMNS, MEDIA_COLUMNS, OAUTH1_TOKEN_COLUMNS, PLACE_COLUMNS, POLL_COLUMNS, PROJECT_COLUMNS,
  TWEET_COLUMNS, USER_COLUMNS, appFromRow, appToRow, bearerFromRow, bearerToRow, columnList, grantedScopes, mediaFromRow, mediaToRow,
  developerFromRow, developerToRow, oauth1TokenFromRow, oauth1TokenToRow, placeFromRow, placeToRow, pollFromRow, pollToRow, projectFromRow, projectToRow,
  tweetOfValues, tweetToRow, userFromRow, userToRow, TWEET_CORE_COLUMNS, tweetCoreFromValues, accountFlagsFromValues,
  LIKE_COLUMNS, LIKED_TWEET_CORE_COLUMNS, AUTHOR_ID_AT, accountOfFlags, likeOfValues, likedTweetCoreFromValues, LIKING_USER_CORE_COLUMNS, likingUserCoreFromValues, likedTweetColumns,
  likedTweetFromValues, likedTweetAuthorAt, TWEET_LAYOUTS, USER_LAYOUTS, type Layout, likingUserColumns, likingUserFromValues, userOfValues,
  type PageColumn,
} from '../rows.ts';
import { ensurePrivateDir, restrictFile, touchPrivateFile } from '../../privateFiles.ts';
import { MetaSettings } from '../metaSettings.ts';
import { LikeWriteQueue, type LikeWrite, type LikeWriteOutcome } from '../likeWriteQueue.ts';
import type { EventStore } from '../../ports/eventStore.ts';
import { SqliteEventStore } from './sqliteEventStore.ts';
import { SQLITE_MIGRATIONS } from './migrations.ts';
import { COUNT_PARAM } from './sqlParams.ts';
import { perLayout } from '../perLayout.ts';
import { TurnQueue } from '../../perTurn.ts';
import { RememberedAccountFlags, type FlagsByte } from './rememberedAccountFlags.ts';
import { WalSync, type FileSync } from './walSync.ts';

const sqlBool = (b: boolean): number => (b ? 1 : 0);
const placeholders = (n: number): string => Array.from({ length: n }, () => '?').join(', ');

/**
 * A users/tweets row for `upsertKeepingLikeCount`: the record's values without its like_count, then the id again
 * (for counting the likes that already reference a new row).
 */
function rowKeepingLikeCount(cols: readonly string[], row: unknown[]): unknown[] {
  const out = row.filter((_, i) => cols[i] !== 'like_count');
  out.push(row[cols.indexOf('id')]);
  return out;
}

type Statement = Database.Statement<unknown[]>;

/**
 * The rows of a walk's page or of a read by keys: its one value, a JSON array of the rows (null: no rows). SQLite adds
 * the brackets (rowsJson): in JS they would make a second copy of the page's text for JSON.parse to flatten.
 */
const pageRows = (json: unknown): any[] => (json === null ? [] : JSON.parse(json as string));

/** The rows `row` (JSON text each) of a page as one JSON array, null when there are none. */
const rowsJson = (row: string): string => `'[' || group_concat(${row}, ',') || ']'`;

/** Whether a walk reads its page forwards from its cursor (newer likes), against the order of the listing. */
const readForwards = (page: KeysetPage): boolean => Boolean(page.from) && page.direction !== 'older';

/** A keyset walk's statements (SqliteStore.prepare's `walk`). */
type Walk = SqliteStore['stmts']['byUser'];

/** What separates the values of a walk's field rows: neither a decimal number nor JSON text holds it raw. */
const FIELD = '\x01';

/**
 * The values of a walk's page of field rows (a walk with written columns): every row's, one after another, in one
 * string joined by FIELD, each value a string ('' for NULL: concat writes it as nothing), read from `at` by
 * likedTweetCoreFromValues and the like. Nothing parses them: split only cuts the string.
 */
const pageFields = (joined: unknown): string[] => (joined === null ? [] : (joined as string).split(FIELD));

// The narrow indexes of migration 8, for statements that read no more of a Tweet or an account than they cover.
const tweetCores = (alias: string) => `tweets ${alias} INDEXED BY tweets_core`;
const userCores = (alias: string) => `users ${alias} INDEXED BY users_core`;
const TWEETS_CORE_INDEX = ['id', 'author_id', 'deleted', 'text'];
const USERS_CORE_INDEX = ['id', 'suspended', 'protected', 'name', 'username'];
/** Whether every column `layout` reads is in `index`. */
const coveredBy = (layout: Layout<unknown>, index: readonly string[]): boolean => layout.columns.every((c) => index.includes(c));

/**
 * The Tweets (through tweets_core when it covers what is read) of a page of likes l; not their authors, whose flags
 * the store remembers (RememberedAccountFlags).
 */
const likedTweetsJoin = (covered: boolean) => `LEFT JOIN ${covered ? tweetCores('t') : 'tweets t'} ON t.id = l.tweet_id`;
/** The likers of a page of likes l. */
const LIKING_USERS_JOINS = 'LEFT JOIN users u ON u.id = l.user_id';
const LIKING_USER_CORES_JOINS = `LEFT JOIN ${userCores('u')} ON u.id = l.user_id`;

/** SQLite's page cache per connection unless told (sqlitePageCacheBytes in src/config.ts). */
const PAGE_CACHE_BYTES = 4 * 1024 * 1024;

/** The embedded store: one SQLite file in WAL mode, every statement prepared once. */
export class SqliteStore extends MetaSettings implements LikesStore {
  readonly kind = 'sqlite';
  readonly localDir: string | null;
  private readonly db: Database.Database;
  private stmts!: ReturnType<SqliteStore['prepare']>;
  private eventStore?: SqliteEventStore;
  private writeBatch!: Database.Transaction<(batch: readonly LikeWrite[]) => LikeWriteOutcome[]>;
  /** Syncs the like batches' commits off the main thread (a file's store; in memory there is nothing to sync). */
  private readonly walSync: WalSync | null;

  /**
   * `mmapBytes`: how much of the file SQLite reads through a memory map (0: none, its default); `pageCacheBytes`: its
   * page cache (4 MiB unless told); `syncFile`: how the WAL is synced after a like batch's commit (fs.fdatasync unless
   * told: tests hold it to see what waits for it).
   */
  constructor(readonly file: string, options: { mmapBytes?: number; pageCacheBytes?: number; syncFile?: FileSync } = {}) {
    super();
    const onDisk = file !== ':memory:' && file !== '';
    this.localDir = onDisk ? dirname(file) : null;
    // The database holds hashed and sealed credentials: 0700 directory, 0600 file. SQLite gives the -wal and -shm
    // files the database file's mode when it creates them; ones left by older versions are tightened below.
    if (onDisk) {
      ensurePrivateDir(dirname(file));
      touchPrivateFile(file);
    }
    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = FULL');
    this.db.pragma('busy_timeout = 5000');
    this.db.pragma('foreign_keys = OFF');
    // Deleted or overwritten rows are zeroed where that costs no extra I/O: a secret moved out of the store (the key
    // an older version kept in meta, a plaintext copy resealed) does not linger in the file's free space.
    this.db.pragma('secure_delete = FAST');
    // 4 MiB of page cache rather than better-sqlite3's 16 unless told: the B-trees' interior pages fit (10M likes), and
    // 12-15 MiB less RSS on the realistic mix leave room for the response cache (the server's choice: src/config.ts).
    this.db.pragma(`cache_size = -${Math.trunc((options.pageCacheBytes ?? PAGE_CACHE_BYTES) / 1024)}`);
    if (options.mmapBytes) this.db.pragma(`mmap_size = ${Math.trunc(options.mmapBytes)}`);
    if (onDisk) for (const suffix of ['-wal', '-shm', '-journal']) restrictFile(`${file}${suffix}`);
    this.walSync = onDisk
      ? new WalSync(`${file}-wal`, (full) => this.db.exec(full ? 'PRAGMA synchronous = FULL' : 'PRAGMA synchronous = NORMAL'), options.syncFile)
      : null;
  }

  get events(): EventStore {
    if (!this.eventStore) throw new Error('SqliteStore: migrate() before using events');
    return this.eventStore;
  }

  async migrate(): Promise<void> {
    const apply = this.db.transaction(() => {
      const version = this.db.pragma('user_version', { simple: true }) as number;
      for (let v = version; v < SQLITE_MIGRATIONS.length; v++) {
        this.db.exec(SQLITE_MIGRATIONS[v]);
        this.db.pragma(`user_version = ${v + 1}`);
      }
    });
    apply.immediate();
    this.stmts = this.prepare();
    this.eventStore = new SqliteEventStore(this.db, () => this.walSync?.settled());
    const one = this.db.transaction(this.applyWrite);
    this.writeBatch = this.db.transaction((batch: readonly LikeWrite[]) =>
      batch.map((w): LikeWriteOutcome => {
        try {
          return { ok: one(w) };
        } catch (error) {
          return { error };
        }
      }),
    );
  }

  private prepare() {
    const db = this.db;
    // Rows by a JSON array of keys, all in one value as a walk's page is (pageRows): `array` rows are the columns'
    // values in order, `object` rows are keyed by column name.
    const byJsonKeys = (table: string, cols: readonly string[], key: string, shape: 'array' | 'object' = 'array') => {
      const row = shape === 'array' ? `json_array(${columnList(cols)})` : `json_object(${cols.map((c) => `'${c}', ${c}`).join(', ')})`;
      return db.prepare(`SELECT ${rowsJson(row)} FROM ${table} WHERE ${key} IN (SELECT value FROM json_each(?))`).pluck();
    };
    const upsert = (table: string, cols: readonly string[], key: string) =>
      db.prepare(
        `INSERT INTO ${table} (${columnList(cols)}) VALUES (${placeholders(cols.length)})
         ON CONFLICT (${key}) DO UPDATE SET ${cols.filter((c) => c !== key).map((c) => `${c} = excluded.${c}`).join(', ')}`,
      );
    // insertUsers / insertTweets: insert, or update the row with the same id in place (a username held by another id
    // violates users_username and aborts the batch). like_count belongs to like/unlike/insertLikes: never written on
    // update; a new row starts with the number of likes rows that already reference it.
    const upsertKeepingLikeCount = (table: 'users' | 'tweets', cols: readonly string[], likesKey: 'user_id' | 'tweet_id') => {
      const written = cols.filter((c) => c !== 'like_count');
      return db.prepare(
        `INSERT INTO ${table} (${columnList(written)}, like_count)
         VALUES (${placeholders(written.length)}, (SELECT count(*) FROM likes WHERE ${likesKey} = ?))
         ON CONFLICT (id) DO UPDATE SET ${written.filter((c) => c !== 'id').map((c) => `${c} = excluded.${c}`).join(', ')}`,
      );
    };
    // Keyset walks: `older` reads backwards from the cursor, `newer` forwards and is reversed in code. A row is
    // `columns` of likes l (default: user_id, tweet_id, liked_at) and of whatever `joins` adds. `capped` walks only
    // the key's newest likes (KeysetPage.newest): l is then those likes, read first (by the same index and order as
    // the walk), rather than all of the key's likes bounded by the oldest kept one, which cost a third more on full
    // pages of liking_users.
    // A page comes back as ONE value, a JSON array of its rows as JSON arrays (pageRows parses it): SQLite writes
    // JSON in C, where better-sqlite3 would make each value of each row with a call into V8 (~1,300 instructions a
    // value, a quarter of a default-fields page's statement). The rows keep the walk's order: the subquery has a LIMIT,
    // so SQLite neither flattens it into the aggregate nor drops its ORDER BY, and group_concat takes its rows as
    // they come (an ORDER BY inside group_concat would sort them again: +20 % a page).
    // A walk with written columns (PageColumn: default-fields pages) comes back as field rows instead (pageFields):
    // its values are scalars (ids, flags, times, JSON literals written by json_quote), one expression each, so concat
    // writes them as text and JS only splits them, where json_array would escape every value and JSON.parse unescape
    // and convert it again (a page of 47 rows: 95k instructions less, a third of it SQLite's; docs/benchmarks.md).
    const walk = (key: 'user_id' | 'tweet_id', other: 'tweet_id' | 'user_id', columns: readonly PageColumn[] = LIKE_COLUMNS, joins = '') => {
      const fields = columns.some((c) => typeof c !== 'string');
      const row = fields
        ? `concat(${columns.map((c) => (typeof c === 'string' ? c : `json_quote(${c.written})`)).join(`, '${FIELD}', `)})`
        : `json_array(${columns.join(', ')})`;
      const statements = (capped: boolean) => {
        const likes = capped ? `(SELECT * FROM likes WHERE ${key} = ? ORDER BY liked_at DESC, ${other} DESC LIMIT ${COUNT_PARAM}) l` : 'likes l';
        const page = (where: string, order: 'ASC' | 'DESC') =>
          db
            .prepare(
              `SELECT ${fields ? `group_concat(r, '${FIELD}')` : rowsJson('r')}
               FROM (SELECT ${row} AS r FROM ${likes} ${joins}
               WHERE l.${key} = ? ${where} ORDER BY l.liked_at ${order}, l.${other} ${order} LIMIT ${COUNT_PARAM})`,
            )
            .pluck();
        return {
          newest: page('', 'DESC'),
          older: page(`AND (l.liked_at, l.${other}) < (?, ?)`, 'DESC'),
          newer: page(`AND (l.liked_at, l.${other}) > (?, ?)`, 'ASC'),
        };
      };
      // The capped ones on first use: only liking_users pages use them, and a store (one per sandbox world) opens
      // without preparing them (~1 ms for all the walks').
      let capped: ReturnType<typeof statements> | undefined;
      return {
        /** How many values a row has: with field rows, a row's stride in its page's values. */
        width: columns.length,
        all: statements(false),
        get capped() {
          return (capped ??= statements(true));
        },
      };
    };
    return {
      isEmpty: db.prepare('SELECT NOT EXISTS (SELECT 1 FROM users) AS empty'),
      dataVersion: db.prepare('PRAGMA data_version').pluck(),
      // Users and Tweets come back as arrays: cheaper to make than objects, and read on every page. Per attribute set
      // read (attributeMask), prepared on first use (perLayout); a read of no more than users_core or tweets_core
      // covers goes through that narrow index.
      users: perLayout(USER_LAYOUTS, (layout) =>
        byJsonKeys(coveredBy(layout, USERS_CORE_INDEX) ? userCores('users') : 'users', layout.columns, 'id')),
      usersByUsername: perLayout(USER_LAYOUTS, (layout) => byJsonKeys('users', layout.columns, 'username COLLATE NOCASE')),
      tweets: perLayout(TWEET_LAYOUTS, (layout) =>
        byJsonKeys(coveredBy(layout, TWEETS_CORE_INDEX) ? tweetCores('tweets') : 'tweets', layout.columns, 'id')),
      media: byJsonKeys('media', MEDIA_COLUMNS, 'media_key', 'object'),
      polls: byJsonKeys('polls', POLL_COLUMNS, 'id', 'object'),
      places: byJsonKeys('places', PLACE_COLUMNS, 'id', 'object'),
      byUser: walk('user_id', 'tweet_id'),
      // The Tweets of a page of likes, without their authors: the authors' and the owner's flags are remembered
      // (accounts).
      likedTweets: perLayout(TWEET_LAYOUTS, (layout) =>
        walk('user_id', 'tweet_id', [likedTweetColumns(layout)], likedTweetsJoin(coveredBy(layout, TWEETS_CORE_INDEX)))),
      // Default fields: each Tweet's core only (no wide row, none of its JSON columns).
      likedTweetCores: walk('user_id', 'tweet_id', LIKED_TWEET_CORE_COLUMNS, likedTweetsJoin(true)),
      ofTweet: walk('tweet_id', 'user_id'),
      likingUsers: perLayout(USER_LAYOUTS, (layout) => walk('tweet_id', 'user_id', [likingUserColumns(layout)], LIKING_USERS_JOINS)),
      // Default fields: each liking user's core only.
      likingUserCores: walk('tweet_id', 'user_id', LIKING_USER_CORE_COLUMNS, LIKING_USER_CORES_JOINS),
      accountFlags: db.prepare(`SELECT id, protected, suspended FROM ${userCores('users')} WHERE id = ?`).raw(true),
      flagsOfAccounts: db
        .prepare(`SELECT id, protected + 2 * suspended FROM ${userCores('users')} WHERE id IN (SELECT value FROM json_each(?))`)
        .raw(true),
      tweetCoreWithAuthor: db
        .prepare(
          `SELECT ${TWEET_CORE_COLUMNS.map((c) => `t.${c}`).join(', ')}, u.id, u.protected, u.suspended
           FROM ${tweetCores('t')} LEFT JOIN ${userCores('u')} ON u.id = t.author_id WHERE t.id = ?`,
        )
        .raw(true),
      insertLike: db.prepare('INSERT INTO likes (user_id, tweet_id, liked_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING'),
      deleteLike: db.prepare('DELETE FROM likes WHERE user_id = ? AND tweet_id = ?'),
      bumpTweet: db.prepare('UPDATE tweets SET like_count = like_count + ? WHERE id = ?'),
      bumpUser: db.prepare('UPDATE users SET like_count = like_count + ? WHERE id = ?'),
      // The outbox row of a like or unlike that changed something, in the same transaction (src/ports/eventStore.ts).
      insertEvent: db.prepare(
        `INSERT INTO like_events (kind, user_id, tweet_id, author_id, at)
         VALUES (?, ?, ?, coalesce((SELECT author_id FROM tweets WHERE id = ?), ''), ?)`,
      ),
      recountTweet: db.prepare('UPDATE tweets SET like_count = (SELECT count(*) FROM likes WHERE tweet_id = tweets.id) WHERE id = ?'),
      recountUser: db.prepare('UPDATE users SET like_count = (SELECT count(*) FROM likes WHERE user_id = users.id) WHERE id = ?'),
      insertUser: upsertKeepingLikeCount('users', USER_COLUMNS, 'user_id'),
      insertTweet: upsertKeepingLikeCount('tweets', TWEET_COLUMNS, 'tweet_id'),
      insertMedia: db.prepare(`INSERT OR REPLACE INTO media (${columnList(MEDIA_COLUMNS)}) VALUES (${placeholders(MEDIA_COLUMNS.length)})`),
      insertPoll: db.prepare(`INSERT OR REPLACE INTO polls (${columnList(POLL_COLUMNS)}) VALUES (${placeholders(POLL_COLUMNS.length)})`),
      insertPlace: db.prepare(`INSERT OR REPLACE INTO places (${columnList(PLACE_COLUMNS)}) VALUES (${placeholders(PLACE_COLUMNS.length)})`),
      setDeleted: db.prepare('UPDATE tweets SET deleted = ? WHERE id = ?'),
      setProtected: db.prepare('UPDATE users SET protected = ? WHERE id = ?'),
      setSuspended: db.prepare('UPDATE users SET suspended = ? WHERE id = ?'),
      project: db.prepare(`SELECT ${columnList(PROJECT_COLUMNS)} FROM projects WHERE id = ?`),
      projects: db.prepare(`SELECT ${columnList(PROJECT_COLUMNS)} FROM projects ORDER BY id`),
      app: db.prepare(`SELECT ${columnList(APP_COLUMNS)} FROM apps WHERE id = ?`),
      apps: db.prepare(`SELECT ${columnList(APP_COLUMNS)} FROM apps ORDER BY id`),
      appByConsumerKey: db.prepare(`SELECT ${columnList(APP_COLUMNS)} FROM apps WHERE consumer_key = ?`),
      appByClientId: db.prepare(`SELECT ${columnList(APP_COLUMNS)} FROM apps WHERE client_id = ?`),
      listUsers: db.prepare(`SELECT ${columnList(USER_COLUMNS)} FROM users ORDER BY length(id) DESC, id DESC LIMIT ${COUNT_PARAM}`),
      putProject: upsert('projects', PROJECT_COLUMNS, 'id'),
      projectsOfDeveloper: db.prepare(`SELECT ${columnList(PROJECT_COLUMNS)} FROM projects WHERE developer_id = ? ORDER BY id`),
      putDeveloper: upsert('developers', DEVELOPER_COLUMNS, 'id'),
      developer: db.prepare(`SELECT ${columnList(DEVELOPER_COLUMNS)} FROM developers WHERE id = ?`),
      developerByUsername: db.prepare(`SELECT ${columnList(DEVELOPER_COLUMNS)} FROM developers WHERE username = ? COLLATE NOCASE`),
      developers: db.prepare(`SELECT ${columnList(DEVELOPER_COLUMNS)} FROM developers ORDER BY id`),
      putApp: upsert('apps', APP_COLUMNS, 'id'),
      oauth1Token: db.prepare(`SELECT ${columnList(OAUTH1_TOKEN_COLUMNS)} FROM oauth1_tokens WHERE token = ?`),
      putOAuth1Token: upsert('oauth1_tokens', OAUTH1_TOKEN_COLUMNS, 'token'),
      deleteOAuth1Token: db.prepare('DELETE FROM oauth1_tokens WHERE token = ?'),
      deleteOAuth1TokensOfApp: db.prepare('DELETE FROM oauth1_tokens WHERE app_id = ?'),
      bearer: db.prepare(`SELECT ${columnList(BEARER_COLUMNS)} FROM bearers WHERE token_hash = ?`),
      putBearer: upsert('bearers', BEARER_COLUMNS, 'token_hash'),
      grantScopes: db.prepare(`SELECT scopes FROM bearers WHERE app_id = ? AND kind = 'user' AND user_id = ?`).pluck(),
      deleteBearer: db.prepare('DELETE FROM bearers WHERE token_hash = ?'),
      deleteBearersOfApp: db.prepare('DELETE FROM bearers WHERE app_id = ? AND kind = ?'),
      deleteBearersExpiredBy: db.prepare(
        `DELETE FROM bearers WHERE token_hash IN (
           SELECT token_hash FROM bearers WHERE expires_at IS NOT NULL AND expires_at <= ? ORDER BY expires_at LIMIT ${COUNT_PARAM})`,
      ),
      setPassword: db.prepare(
        'INSERT INTO user_passwords (user_id, password_hash) VALUES (?, ?) ON CONFLICT (user_id) DO UPDATE SET password_hash = excluded.password_hash',
      ),
      deletePassword: db.prepare('DELETE FROM user_passwords WHERE user_id = ?'),
      passwordHash: db.prepare('SELECT password_hash FROM user_passwords WHERE user_id = ?'),
      getMeta: db.prepare('SELECT value FROM meta WHERE key = ?'),
      setMetaIfAbsent: db.prepare('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT DO NOTHING'),
      setMeta: db.prepare('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value'),
      deleteMeta: db.prepare('DELETE FROM meta WHERE key = ?'),
      incrementMeta: db.prepare(
        "INSERT INTO meta (key, value) VALUES (?, '1') ON CONFLICT (key) DO UPDATE SET value = CAST(value AS INTEGER) + 1 RETURNING value",
      ),
    };
  }

  async close(): Promise<void> {
    await this.walSync?.settled().catch(() => {});
    this.walSync?.close();
    if (this.db.open) this.db.close();
  }

  /** The tables a world's contents are (the schema's version lives in user_version, not in a table). */
  private contentTables(schema = 'main'): string[] {
    return (this.db.prepare(`SELECT name FROM ${schema}.sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name`).all() as { name: string }[]).map((r) => r.name);
  }

  /** A consistent copy of the whole database into `file` (which must not exist): a snapshot. */
  async copyTo(file: string): Promise<void> {
    this.db.prepare('VACUUM INTO ?').run(file);
  }

  /**
   * Replaces every table's rows with those of the database in `file` (a snapshot or a template, of the same schema
   * version), in one transaction: readers see the old world or the new one, never a mix.
   */
  async replaceContentsFrom(file: string): Promise<void> {
    this.db.prepare("ATTACH DATABASE ? AS source").run(file);
    try {
      const version = this.db.pragma('source.user_version', { simple: true });
      if (version !== this.db.pragma('user_version', { simple: true })) throw new Error(`${file} has another schema version (${version})`);
      const tables = this.contentTables();
      this.db.transaction(() => {
        for (const t of tables) {
          this.db.exec(`DELETE FROM main.${t}; INSERT INTO main.${t} SELECT * FROM source.${t}`);
        }
      }).immediate();
    } finally {
      this.accounts.forget();
      this.db.exec('DETACH DATABASE source');
    }
  }

  async foreignWriteToken(): Promise<string | null> {
    return String(this.stmts.dataVersion.get());
  }

  /**
   * The reads of default-fields pages and of the visibility checks, run with the rest of their turn's (TurnQueue).
   * Not the wide reads (more fields, expansions): every caller of the turn would hold its rows at once, and the
   * garbage collector then cost more than the CPU's caches saved (docs/benchmarks.md, session 18).
   */
  private readonly coreReads = new TurnQueue((turn) => this.accounts.oneTurn(turn));

  /** The flags of liked Tweets' authors and of the users whose likes pages walk, for liked_tweets pages. */
  private readonly accounts = new RememberedAccountFlags({
    version: () => this.stmts.dataVersion.get(),
    read: (ids) => this.stmts.flagsOfAccounts.all(JSON.stringify(ids)) as [string, FlagsByte][],
  });

  /** Also the health checks' probe: it throws once a like batch's WAL sync has failed (WalSync). */
  async isEmpty(): Promise<boolean> {
    this.walSync?.check();
    return (this.stmts.isEmpty.get() as { empty: number }).empty === 1;
  }

  private many<T>(stmt: Statement, keys: readonly string[], map: (r: any) => T): T[] {
    if (keys.length === 0) return [];
    return pageRows(stmt.get(JSON.stringify(keys))).map(map);
  }

  async usersByIds(ids: readonly string[], attributes = USER_ATTRIBUTES): Promise<UserRecord[]> {
    const { layout, read } = this.stmts.users(attributeMask(USER_ATTRIBUTES, attributes));
    return this.many(read, ids, (v) => userOfValues(v, layout, 0));
  }
  accountFlags(id: string): Promise<AccountFlags | null> {
    return this.coreReads.run(() => {
      const r = this.stmts.accountFlags.get(id) as any[] | undefined;
      return r ? accountFlagsFromValues(r) : null;
    });
  }
  tweetCoreWithAuthor(id: string): Promise<{ tweet: TweetCore; author: AccountFlags | null } | null> {
    return this.coreReads.run(() => {
      const r = this.stmts.tweetCoreWithAuthor.get(id) as any[] | undefined;
      return r ? { tweet: tweetCoreFromValues(r), author: r[4] === null ? null : accountFlagsFromValues(r, 4) } : null;
    });
  }
  async usersByUsernames(usernames: readonly string[], attributes = USER_ATTRIBUTES): Promise<UserRecord[]> {
    const { layout, read } = this.stmts.usersByUsername(attributeMask(USER_ATTRIBUTES, attributes));
    return this.many(read, usernames, (v) => userOfValues(v, layout, 0));
  }
  async tweetsByIds(ids: readonly string[], attributes = TWEET_ATTRIBUTES): Promise<TweetRecord[]> {
    const { layout, read } = this.stmts.tweets(attributeMask(TWEET_ATTRIBUTES, attributes));
    return this.many(read, ids, (v) => tweetOfValues(v, layout, 0));
  }
  async mediaByKeys(keys: readonly string[]): Promise<MediaRecord[]> {
    return this.many(this.stmts.media, keys, mediaFromRow);
  }
  async pollsByIds(ids: readonly string[]): Promise<PollRecord[]> {
    return this.many(this.stmts.polls, ids, pollFromRow);
  }
  async placesByIds(ids: readonly string[]): Promise<PlaceRecord[]> {
    return this.many(this.stmts.places, ids, placeFromRow);
  }

  /** A walk's page as its statement returns it: one value, null when the page has no rows. */
  private read(w: Walk, key: string, page: KeysetPage): unknown {
    const { from, newest } = page;
    if (newest !== undefined && !(newest >= 1)) return null;
    // In the order of the statement's parameters: the capped likes', the walk's.
    const args: unknown[] = [];
    if (newest !== undefined) args.push(key, Math.ceil(newest));
    args.push(key);
    if (from) args.push(from.likedAt, from.id);
    args.push(page.limit);
    const s = newest === undefined ? w.all : w.capped;
    if (!from) return s.newest.get(...args);
    return (page.direction === 'older' ? s.older : s.newer).get(...args);
  }

  /** The rows of a walk's page (JSON rows), in the walk's order: a page read forwards (newer) is reversed. */
  private walk(w: Walk, key: string, page: KeysetPage): any[][] {
    const rows = pageRows(this.read(w, key, page));
    return readForwards(page) ? rows.reverse() : rows;
  }

  /** The records `make` makes of each field row of a page's `fields` (pageFields), in the walk's order. */
  private fieldRecords<T>(w: Walk, page: KeysetPage, fields: readonly string[], make: (fields: readonly string[], at: number, row: number) => T): T[] {
    const records: T[] = [];
    for (let at = 0, row = 0; at < fields.length; at += w.width, row++) records.push(make(fields, at, row));
    return readForwards(page) ? records.reverse() : records;
  }

  async likesByUser(userId: string, page: KeysetPage): Promise<LikeRow[]> {
    return this.walk(this.stmts.byUser, userId, page).map(likeOfValues);
  }
  async likedTweetsByUser(userId: string, page: KeysetPage, attributes = TWEET_ATTRIBUTES): Promise<LikedTweetsPage> {
    const { layout, read } = this.stmts.likedTweets(attributeMask(TWEET_ATTRIBUTES, attributes));
    const values = this.walk(read, userId, page);
    const flags = this.accounts.ofValues(values, likedTweetAuthorAt(layout), userId);
    return { owner: accountOfFlags(userId, flags[flags.length - 1]), rows: values.map((v, k) => likedTweetFromValues(v, layout, flags[k])) };
  }
  async likedTweetCoresByUser(userId: string, page: KeysetPage): Promise<LikedTweetsPage<WrittenTweetCore>> {
    const w = this.stmts.likedTweetCores;
    const { fields, flags } = await this.coreReads.run(() => {
      const fields = pageFields(this.read(w, userId, page));
      return { fields, flags: this.accounts.ofRows(fields, w.width, AUTHOR_ID_AT, userId) };
    });
    return {
      owner: accountOfFlags(userId, flags[flags.length - 1]),
      rows: this.fieldRecords(w, page, fields, (f, at, row) => likedTweetCoreFromValues(userId, f, at, flags[row])),
    };
  }
  async likesOfTweet(tweetId: string, page: KeysetPage): Promise<LikeRow[]> {
    return this.walk(this.stmts.ofTweet, tweetId, page).map(likeOfValues);
  }
  async likingUserCoresOfTweet(tweetId: string, page: KeysetPage): Promise<LikingUserRow<WrittenUserCore>[]> {
    const w = this.stmts.likingUserCores;
    const fields = pageFields(await this.coreReads.run(() => this.read(w, tweetId, page)));
    return this.fieldRecords(w, page, fields, (f, at) => likingUserCoreFromValues(tweetId, f, at));
  }
  async likingUsersOfTweet(tweetId: string, page: KeysetPage, attributes = USER_ATTRIBUTES): Promise<LikingUserRow[]> {
    const { layout, read } = this.stmts.likingUsers(attributeMask(USER_ATTRIBUTES, attributes));
    return this.walk(read, tweetId, page).map((v) => likingUserFromValues(v, layout));
  }

  // Group commit: the likes and unlikes requested during one turn of the event loop, or while the batch before was
  // being synced, commit in one transaction (one WAL sync, off the main thread: WalSync), each in its own savepoint so
  // a failing one fails alone; every caller is answered only once the WAL holding its write is on disk.
  private readonly writes = new LikeWriteQueue(
    (batch) => (this.walSync ? this.walSync.commit(() => this.writeBatch.immediate(batch)) : this.writeBatch.immediate(batch)),
    { maxInFlight: 1, maxBatch: Infinity, distinctPairs: false },
  );

  private readonly applyWrite = (w: LikeWrite): boolean => {
    const delta = w.kind === 'like' ? 1 : -1;
    const changed =
      w.kind === 'like'
        ? this.stmts.insertLike.run(w.userId, w.tweetId, w.at).changes > 0
        : this.stmts.deleteLike.run(w.userId, w.tweetId).changes > 0;
    if (!changed) return false;
    this.stmts.bumpTweet.run(delta, w.tweetId);
    this.stmts.bumpUser.run(delta, w.userId);
    this.stmts.insertEvent.run(w.kind, w.userId, w.tweetId, w.tweetId, w.at);
    return true;
  };

  async like(userId: string, tweetId: string, likedAt: number): Promise<boolean> {
    return this.writes.write({ kind: 'like', userId, tweetId, at: likedAt });
  }

  async unlike(userId: string, tweetId: string, at: number): Promise<boolean> {
    return this.writes.write({ kind: 'unlike', userId, tweetId, at });
  }

  async projectById(id: string): Promise<ProjectRecord | null> {
    const r = this.stmts.project.get(id);
    return r ? projectFromRow(r) : null;
  }
  async appById(id: string): Promise<AppRecord | null> {
    const r = this.stmts.app.get(id);
    return r ? appFromRow(r) : null;
  }
  async appByConsumerKey(consumerKey: string): Promise<AppRecord | null> {
    const r = this.stmts.appByConsumerKey.get(consumerKey);
    return r ? appFromRow(r) : null;
  }
  async appByClientId(clientId: string): Promise<AppRecord | null> {
    const r = this.stmts.appByClientId.get(clientId);
    return r ? appFromRow(r) : null;
  }
  async oauth1Token(token: string): Promise<OAuth1TokenRecord | null> {
    const r = this.stmts.oauth1Token.get(token);
    return r ? oauth1TokenFromRow(r) : null;
  }
  async bearerByHash(tokenHash: string): Promise<BearerRecord | null> {
    const r = this.stmts.bearer.get(tokenHash);
    return r ? bearerFromRow(r) : null;
  }
  async userGrantScopes(appId: string, userId: string): Promise<OAuth2Scope[]> {
    return grantedScopes(this.stmts.grantScopes.all(appId, userId) as (string | null)[]);
  }
  async listProjects(): Promise<ProjectRecord[]> {
    return (this.stmts.projects.all() as any[]).map(projectFromRow);
  }
  async listApps(): Promise<AppRecord[]> {
    return (this.stmts.apps.all() as any[]).map(appFromRow);
  }
  async listUsers(limit: number): Promise<UserRecord[]> {
    return (this.stmts.listUsers.all(limit) as any[]).map(userFromRow);
  }

  private bulk<T>(stmt: Statement, items: readonly T[], toRow: (t: T) => unknown[]): void {
    this.db.transaction(() => {
      for (const item of items) stmt.run(...toRow(item));
    })();
  }

  /** Row by row in one transaction: a username clash throws and rolls the whole batch back. */
  async insertUsers(users: readonly UserRecord[]): Promise<void> {
    try {
      this.bulk(this.stmts.insertUser, users, (u) => rowKeepingLikeCount(USER_COLUMNS, userToRow(u, sqlBool)));
    } finally {
      this.accounts.forget();
    }
  }
  async insertTweets(tweets: readonly TweetRecord[]): Promise<void> {
    this.bulk(this.stmts.insertTweet, tweets, (t) => rowKeepingLikeCount(TWEET_COLUMNS, tweetToRow(t, sqlBool)));
  }
  async insertMedia(media: readonly MediaRecord[]): Promise<void> {
    this.bulk(this.stmts.insertMedia, media, mediaToRow);
  }
  async insertPolls(polls: readonly PollRecord[]): Promise<void> {
    this.bulk(this.stmts.insertPoll, polls, pollToRow);
  }
  async insertPlaces(places: readonly PlaceRecord[]): Promise<void> {
    this.bulk(this.stmts.insertPlace, places, placeToRow);
  }

  async insertLikes(likes: readonly LikeRow[]): Promise<void> {
    this.db.transaction(() => {
      const tweets = new Set<string>();
      const users = new Set<string>();
      for (const l of likes) {
        if (this.stmts.insertLike.run(l.userId, l.tweetId, l.likedAt).changes > 0) {
          tweets.add(l.tweetId);
          users.add(l.userId);
        }
      }
      for (const id of tweets) this.stmts.recountTweet.run(id);
      for (const id of users) this.stmts.recountUser.run(id);
    })();
  }

  async setTweetDeleted(tweetId: string, deleted: boolean): Promise<void> {
    this.stmts.setDeleted.run(sqlBool(deleted), tweetId);
  }
  async setUserFlags(userId: string, flags: { protected?: boolean; suspended?: boolean }): Promise<void> {
    try {
      if (flags.protected !== undefined) this.stmts.setProtected.run(sqlBool(flags.protected), userId);
      if (flags.suspended !== undefined) this.stmts.setSuspended.run(sqlBool(flags.suspended), userId);
    } finally {
      this.accounts.forget();
    }
  }

  async putProject(project: ProjectRecord): Promise<void> {
    this.stmts.putProject.run(...projectToRow(project));
  }
  async projectsOfDeveloper(developerId: string): Promise<ProjectRecord[]> {
    return (this.stmts.projectsOfDeveloper.all(developerId) as any[]).map(projectFromRow);
  }
  async putDeveloper(developer: DeveloperRecord): Promise<void> {
    this.stmts.putDeveloper.run(...developerToRow(developer));
  }
  async developerById(id: string): Promise<DeveloperRecord | null> {
    const r = this.stmts.developer.get(id);
    return r ? developerFromRow(r) : null;
  }
  async developerByUsername(username: string): Promise<DeveloperRecord | null> {
    const r = this.stmts.developerByUsername.get(username);
    return r ? developerFromRow(r) : null;
  }
  async listDevelopers(): Promise<DeveloperRecord[]> {
    return (this.stmts.developers.all() as any[]).map(developerFromRow);
  }
  async putApp(app: AppRecord): Promise<void> {
    this.stmts.putApp.run(...appToRow(app, sqlBool));
  }
  async putOAuth1Token(token: OAuth1TokenRecord): Promise<void> {
    this.stmts.putOAuth1Token.run(...oauth1TokenToRow(token));
  }
  async deleteOAuth1Token(token: string): Promise<void> {
    this.stmts.deleteOAuth1Token.run(token);
  }
  async deleteOAuth1TokensOfApp(appId: string): Promise<void> {
    this.stmts.deleteOAuth1TokensOfApp.run(appId);
  }
  async putBearer(bearer: BearerRecord): Promise<void> {
    this.stmts.putBearer.run(...bearerToRow(bearer));
  }
  async deleteBearer(tokenHash: string): Promise<void> {
    this.stmts.deleteBearer.run(tokenHash);
  }
  async deleteBearersOfApp(appId: string, kind: BearerRecord['kind']): Promise<void> {
    this.stmts.deleteBearersOfApp.run(appId, kind);
  }
  async deleteBearersExpiredBy(at: number, limit: number): Promise<number> {
    return this.stmts.deleteBearersExpiredBy.run(at, limit).changes;
  }

  async setUserPassword(userId: string, hash: string | null): Promise<void> {
    if (hash === null) this.stmts.deletePassword.run(userId);
    else this.stmts.setPassword.run(userId, hash);
  }
  async userPasswordHash(userId: string): Promise<string | null> {
    const r = this.stmts.passwordHash.get(userId) as { password_hash: string } | undefined;
    return r ? r.password_hash : null;
  }

  async getMeta(key: string): Promise<string | null> {
    const r = this.stmts.getMeta.get(key) as { value: string } | undefined;
    return r ? r.value : null;
  }
  async setMetaIfAbsent(key: string, value: string): Promise<string> {
    this.stmts.setMetaIfAbsent.run(key, value);
    return (await this.getMeta(key))!;
  }
  async setMeta(key: string, value: string): Promise<void> {
    this.stmts.setMeta.run(key, value);
  }
  async deleteMeta(key: string): Promise<void> {
    this.stmts.deleteMeta.run(key);
  }
  async incrementMeta(key: string): Promise<number> {
    return Number((this.stmts.incrementMeta.get(key) as { value: string }).value);
  }
}
