// The statements of PostgresStore: every query is a named prepared statement, built once from the column lists of
// rows.ts.
import {
  APP_COLUMNS, BEARER_COLUMNS, DEVELOPER_COLUMNS, MEDIA_COLUMNS, OAUTH1_TOKEN_COLUMNS, PLACE_COLUMNS, POLL_COLUMNS, PROJECT_COLUMNS,
  TWEET_COLUMNS, TWEET_CORE_COLUMNS, USER_COLUMNS, columnList, LIKED_TWEET_CORE_COLUMNS, LIKING_USER_CORE_COLUMNS, type PageColumn,
  likedTweetColumns, likingUserColumns, TWEET_LAYOUTS, USER_LAYOUTS, type Layout,
} from '../rows.ts';
import type { TweetRecord, UserRecord } from '../../domain/model.ts';

export interface Stmt {
  /** Absent: parsed on every use (a statement among too many to keep prepared on every connection). */
  name?: string;
  text: string;
  /** 'array': rows come as arrays of the columns in order (read by the rows.ts readers of that layout). */
  rowMode?: 'array';
}

const cols = columnList;
const byKeys = (name: string | null, table: string, c: readonly string[], key: string, rowMode?: 'array'): Stmt => ({
  name: name ?? undefined,
  text: `SELECT ${cols(c)} FROM ${table} WHERE ${key} = ANY($1::text[]) ORDER BY ${key}`,
  rowMode,
});
/** `unnest($1::text[], $2::bigint[], ...)` for the given column types. */
const unnestOf = (types: readonly string[]): string =>
  `unnest(${types.map((t, i) => `$${i + 1}::${t}[]`).join(', ')})`;
const upsertMany = (name: string, table: string, c: readonly string[], types: readonly string[], key: string): Stmt => ({
  name,
  text: `INSERT INTO ${table} (${cols(c)}) SELECT * FROM ${unnestOf(types)}
    ON CONFLICT (${key}) DO UPDATE SET ${c.filter((x) => x !== key).map((x) => `${x} = excluded.${x}`).join(', ')}`,
});
const upsertOne = (name: string, table: string, c: readonly string[], key: string): Stmt => ({
  name,
  text: `INSERT INTO ${table} (${cols(c)}) VALUES (${c.map((_, i) => `$${i + 1}`).join(', ')})
    ON CONFLICT (${key}) DO UPDATE SET ${c.filter((x) => x !== key).map((x) => `${x} = excluded.${x}`).join(', ')}`,
});

// Column types for the UNNEST bulk paths, aligned with the *_COLUMNS lists of rows.ts.
const PG_TYPES: Record<string, 'text' | 'bigint' | 'boolean'> = {
  created_at: 'bigint', protected: 'boolean', verified: 'boolean', suspended: 'boolean', followers_count: 'bigint',
  following_count: 'bigint', tweet_count: 'bigint', listed_count: 'bigint', like_count: 'bigint',
  possibly_sensitive: 'boolean', deleted: 'boolean', retweet_count: 'bigint', reply_count: 'bigint',
  quote_count: 'bigint', impression_count: 'bigint', bookmark_count: 'bigint', width: 'bigint', height: 'bigint',
  duration_ms: 'bigint', view_count: 'bigint', duration_minutes: 'bigint', end_at: 'bigint',
};
const typesOf = (c: readonly string[]): string[] => c.map((x) => PG_TYPES[x] ?? 'text');

/**
 * insertUsers / insertTweets: insert, or update the row with the same id in place, row after row in array order (a
 * unique index is checked as each row is written, so a username held by another id at that point is a 23505).
 * like_count belongs to like/unlike/insertLikes: never written on update; a new row starts with the number of likes
 * rows that already reference it. The parameters are the columns without like_count.
 */
const upsertKeepingLikeCount = (name: string, table: 'users' | 'tweets', c: readonly string[], likesKey: 'user_id' | 'tweet_id'): Stmt => {
  const written = c.filter((x) => x !== 'like_count');
  return {
    name,
    text: `INSERT INTO ${table} (${cols(written)}, like_count)
      SELECT ${written.map((x) => `v.${x}`).join(', ')}, (SELECT count(*) FROM likes WHERE likes.${likesKey} = v.id)
      FROM ${unnestOf(typesOf(written))} WITH ORDINALITY AS v(${cols(written)}, ord) ORDER BY v.ord
      ON CONFLICT (id) DO UPDATE SET ${written.filter((x) => x !== 'id').map((x) => `${x} = excluded.${x}`).join(', ')}`,
  };
};

// Keyset walks over one of the two likes indexes; `newer` reads upwards from the cursor and is reversed in code.
// The rows are `select`'s columns from likes l (default: user_id, tweet_id, liked_at) and whatever it joins; as
// records, or as arrays with rowMode 'array'. `capped` walks only the key's newest likes (KeysetPage.newest): the
// oldest of them is the later of the like at that rank and the key's oldest like, an InitPlan the index scan is
// bounded by.
const walk = (
  key: 'user_id' | 'tweet_id',
  other: 'tweet_id' | 'user_id',
  select = 'SELECT l.user_id, l.tweet_id, l.liked_at FROM likes l',
  name: string | null = `likes_walk_${key}`,
  rowMode?: 'array',
) => {
  // $1 is the key; `rank` the parameter holding the rank of the oldest like kept.
  const oldestKept = (rank: number) => `(SELECT m.liked_at, m.${other} FROM (
      (SELECT liked_at, ${other} FROM likes WHERE ${key} = $1 ORDER BY liked_at DESC, ${other} DESC LIMIT 1 OFFSET $${rank})
      UNION ALL (SELECT liked_at, ${other} FROM likes WHERE ${key} = $1 ORDER BY liked_at, ${other} LIMIT 1)
    ) m ORDER BY m.liked_at DESC, m.${other} DESC LIMIT 1)`;
  const statements = (capped: boolean) => {
    const prefix = name === null ? null : capped ? `${name}_capped` : name;
    const named = (suffix: string) => (prefix === null ? undefined : `${prefix}_${suffix}`);
    const cap = (rank: number) => (capped ? ` AND (l.liked_at, l.${other}) >= ${oldestKept(rank)}` : '');
    const limit = (n: number) => `LIMIT $${capped ? n + 1 : n}`;
    return {
      first: {
        name: named('first'),
        rowMode,
        text: `${select} WHERE l.${key} = $1${cap(2)} ORDER BY l.liked_at DESC, l.${other} DESC ${limit(2)}`,
      },
      older: {
        name: named('older'),
        rowMode,
        text: `${select} WHERE l.${key} = $1 AND (l.liked_at, l.${other}) < ($2::bigint, $3::text)${cap(4)}
          ORDER BY l.liked_at DESC, l.${other} DESC ${limit(4)}`,
      },
      newer: {
        name: named('newer'),
        rowMode,
        text: `${select} WHERE l.${key} = $1 AND (l.liked_at, l.${other}) > ($2::bigint, $3::text)${cap(4)}
          ORDER BY l.liked_at ASC, l.${other} ASC ${limit(4)}`,
      },
    };
  };
  return { all: statements(false), capped: statements(true) };
};
export type Walk = ReturnType<typeof walk>;

/** A page's columns as a select list: each written one as to_json writes it (the same bytes as JSON.stringify). */
const pageColumns = (columns: readonly PageColumn[]): string =>
  columns.map((c) => (typeof c === 'string' ? c : `to_json(${c.written})::text`)).join(', ');

/** The likes of a liked_tweets page with their Tweets (t) and the Tweets' authors (u). */
const LIKED_TWEETS_FROM = 'FROM likes l LEFT JOIN tweets t ON t.id = l.tweet_id LEFT JOIN users u ON u.id = t.author_id';
/**
 * The flags of the user whose likes a liked_tweets page walks ($1), after the page's columns (pageOwner):
 * an InitPlan, run once per page, so that the owner check needs no query of its own.
 */
const OWNER_FLAGS = '(SELECT o.protected::int + 2 * o.suspended::int FROM users o WHERE o.id = $1)';
/** The flags of a liked_tweets row's author, after its columns (accountOfFlags; NULL without an author). */
const AUTHOR_FLAGS = 'u.protected::int + 2 * u.suspended::int';
/** The likes of a liking_users page with their likers (u). */
const LIKING_USERS_FROM = 'FROM likes l LEFT JOIN users u ON u.id = l.user_id';

/**
 * The liked_tweets walks with each Tweet laid out as `layout` (TWEET_LAYOUTS), prepared under `name` (null: parsed
 * on every use).
 */
export const likedTweetsWalk = (layout: Layout<TweetRecord>, name: string | null): Walk =>
  walk('user_id', 'tweet_id', `SELECT ${likedTweetColumns(layout)}, ${AUTHOR_FLAGS}, ${OWNER_FLAGS} ${LIKED_TWEETS_FROM}`, name, 'array');

/** The liking_users walks with each liker laid out as `layout` (USER_LAYOUTS), prepared under `name` (null: parsed on every use). */
export const likingUsersWalk = (layout: Layout<UserRecord>, name: string | null): Walk =>
  walk('tweet_id', 'user_id', `SELECT ${likingUserColumns(layout)} ${LIKING_USERS_FROM}`, name, 'array');

/** Tweets by ids ($1) read laid out as `layout` (TWEET_LAYOUTS), prepared under `name` (null: parsed on every use). */
export const tweetsByIds = (layout: Layout<TweetRecord>, name: string | null): Stmt => byKeys(name, 'tweets', layout.columns, 'id', 'array');

/** Users by ids ($1) read laid out as `layout` (USER_LAYOUTS), prepared under `name` (null: parsed on every use). */
export const usersByIds = (layout: Layout<UserRecord>, name: string | null): Stmt => byKeys(name, 'users', layout.columns, 'id', 'array');

/** Users by usernames ($1, lowercased) read laid out as `layout`, prepared under `name` (null: parsed on every use). */
export const usersByUsernames = (layout: Layout<UserRecord>, name: string | null): Stmt => ({
  name: name ?? undefined,
  text: `SELECT ${cols(layout.columns)} FROM users WHERE lower(username) = ANY($1::text[]) ORDER BY lower(username)`,
  rowMode: 'array',
});

/** Every statement of PostgresStore, by what it does. */
export const S = {
  begin: { name: 'likes_begin', text: 'BEGIN' },
  commit: { name: 'likes_commit', text: 'COMMIT' },
  rollback: { name: 'likes_rollback', text: 'ROLLBACK' },
  /** A transaction-long lock on a name (a schema being made): hashtext, so any name maps to a lock key. */
  lockName: { name: 'likes_lock_name', text: 'SELECT pg_advisory_xact_lock(hashtext($1))' },
  /** One snapshot of every table for the whole transaction (a world copied table by table). */
  beginRepeatableRead: { name: 'likes_begin_repeatable_read', text: 'BEGIN ISOLATION LEVEL REPEATABLE READ' },
  contentTables: {
    name: 'likes_content_tables',
    text: `SELECT tablename FROM pg_tables WHERE schemaname = current_schema() AND tablename <> 'schema_migrations' ORDER BY tablename`,
  },
  localTimeout: { name: 'likes_local_timeout', text: `SELECT set_config('statement_timeout', $1, true)` },

  lock: { name: 'likes_migrate_lock', text: 'SELECT pg_advisory_lock($1::bigint)' },
  unlock: { name: 'likes_migrate_unlock', text: 'SELECT pg_advisory_unlock($1::bigint)' },
  schemaVersion: { name: 'likes_schema_version', text: 'SELECT coalesce(max(version), 0) AS version FROM schema_migrations' },
  recordVersion: {
    name: 'likes_schema_record',
    text: 'INSERT INTO schema_migrations (version, applied_at) VALUES ($1, $2)',
  },

  isEmpty: { name: 'likes_is_empty', text: 'SELECT NOT EXISTS (SELECT 1 FROM users) AS empty' },
  users: usersByIds(USER_LAYOUTS.full, 'likes_users_by_ids'),
  usersByUsername: usersByUsernames(USER_LAYOUTS.full, 'likes_users_by_usernames'),
  tweets: tweetsByIds(TWEET_LAYOUTS.full, 'likes_tweets_by_ids'),
  media: byKeys('likes_media_by_keys', 'media', MEDIA_COLUMNS, 'media_key'),
  polls: byKeys('likes_polls_by_ids', 'polls', POLL_COLUMNS, 'id'),
  places: byKeys('likes_places_by_ids', 'places', PLACE_COLUMNS, 'id'),
  byUser: walk('user_id', 'tweet_id'),
  likedTweets: likedTweetsWalk(TWEET_LAYOUTS.full, 'likes_liked_tweets'),
  // Default fields: each Tweet's core only.
  likedTweetCores: walk(
    'user_id', 'tweet_id',
    `SELECT ${pageColumns(LIKED_TWEET_CORE_COLUMNS)}, ${AUTHOR_FLAGS}, ${OWNER_FLAGS} ${LIKED_TWEETS_FROM}`,
    'likes_liked_tweet_cores', 'array',
  ),
  ofTweet: walk('tweet_id', 'user_id'),
  likingUsers: likingUsersWalk(USER_LAYOUTS.full, 'likes_liking_users'),
  likingUserCores: walk(
    'tweet_id', 'user_id', `SELECT ${pageColumns(LIKING_USER_CORE_COLUMNS)} ${LIKING_USERS_FROM}`, 'likes_liking_user_cores', 'array',
  ),
  // By many ids at once: the lookups of one event-loop turn share the statement (src/perTurn.ts).
  accountFlags: { name: 'likes_account_flags', text: 'SELECT id, protected, suspended FROM users WHERE id = ANY($1::text[])' },
  tweetCoreWithAuthor: {
    name: 'likes_tweet_core_with_author',
    text: `SELECT ${TWEET_CORE_COLUMNS.map((c) => `t.${c}`).join(', ')}, u.id AS author_id_seen, u.protected AS author_protected,
      u.suspended AS author_suspended FROM tweets t LEFT JOIN users u ON u.id = t.author_id WHERE t.id = ANY($1::text[])`,
  },

  // One statement for a batch of likes and unlikes (src/adapters/likeWriteQueue.ts; never the same pair twice): the
  // rows, both counters and the outbox events commit together. The Tweet rows are locked first, then the users, each
  // in id order, before any like row is touched, the same order as insertLikes, so concurrent batches (from other
  // instances too) cannot deadlock; each counter moves once per batch by its net change, relative to its latest
  // committed value (an UPDATE re-reads a row changed concurrently), so no increment is lost.
  writeLikes: {
    name: 'likes_write_likes',
    text: `WITH input AS (
        SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[], $4::boolean[]) WITH ORDINALITY AS i(user_id, tweet_id, at, liking, n)
      ), lt AS (
        SELECT id FROM tweets WHERE id IN (SELECT tweet_id FROM input) ORDER BY id FOR UPDATE
      ), lu AS (
        SELECT id FROM users WHERE id IN (SELECT user_id FROM input) AND (SELECT count(*) FROM lt) >= 0 ORDER BY id FOR UPDATE
      ), ins AS (
        INSERT INTO likes (user_id, tweet_id, liked_at)
        SELECT user_id, tweet_id, at FROM input WHERE liking AND (SELECT count(*) FROM lu) >= 0 ORDER BY n
        ON CONFLICT DO NOTHING RETURNING user_id, tweet_id, 1 AS delta
      ), del AS (
        DELETE FROM likes l USING input i
        WHERE NOT i.liking AND l.user_id = i.user_id AND l.tweet_id = i.tweet_id AND (SELECT count(*) FROM lu) >= 0
        RETURNING l.user_id, l.tweet_id, -1 AS delta
      ), changed AS (
        SELECT * FROM ins UNION ALL SELECT * FROM del
      ), t AS (
        UPDATE tweets SET like_count = like_count + c.delta
        FROM (SELECT tweet_id, sum(delta) AS delta FROM changed GROUP BY tweet_id) c WHERE tweets.id = c.tweet_id AND c.delta <> 0 RETURNING 1
      ), u AS (
        UPDATE users SET like_count = like_count + c.delta
        FROM (SELECT user_id, sum(delta) AS delta FROM changed GROUP BY user_id) c
        WHERE users.id = c.user_id AND c.delta <> 0 AND (SELECT count(*) FROM t) >= 0 RETURNING 1
      ), e AS (
        INSERT INTO like_events (kind, user_id, tweet_id, author_id, at)
        SELECT CASE WHEN c.delta > 0 THEN 'like' ELSE 'unlike' END, c.user_id, c.tweet_id, coalesce(tw.author_id, ''), i.at
        FROM changed c JOIN input i ON i.user_id = c.user_id AND i.tweet_id = c.tweet_id LEFT JOIN tweets tw ON tw.id = c.tweet_id
        ORDER BY i.n
      )
      SELECT n FROM input i JOIN changed c ON c.user_id = i.user_id AND c.tweet_id = i.tweet_id`,
  },

  insertLikes: {
    name: 'likes_insert_likes',
    text: `INSERT INTO likes (user_id, tweet_id, liked_at) SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[])
      ON CONFLICT DO NOTHING RETURNING user_id, tweet_id`,
  },
  lockTweets: { name: 'likes_lock_tweets', text: 'SELECT id FROM tweets WHERE id = ANY($1::text[]) ORDER BY id FOR UPDATE' },
  lockUsers: { name: 'likes_lock_users', text: 'SELECT id FROM users WHERE id = ANY($1::text[]) ORDER BY id FOR UPDATE' },
  recountTweets: {
    name: 'likes_recount_tweets',
    text: `UPDATE tweets SET like_count = (SELECT count(*) FROM likes WHERE likes.tweet_id = tweets.id)
      WHERE id = ANY($1::text[])`,
  },
  recountUsers: {
    name: 'likes_recount_users',
    text: `UPDATE users SET like_count = (SELECT count(*) FROM likes WHERE likes.user_id = users.id)
      WHERE id = ANY($1::text[])`,
  },

  insertUsers: upsertKeepingLikeCount('likes_users_upsert', 'users', USER_COLUMNS, 'user_id'),
  insertTweets: upsertKeepingLikeCount('likes_tweets_upsert_keeping_like_count', 'tweets', TWEET_COLUMNS, 'tweet_id'),
  insertMedia: upsertMany('likes_media_upsert', 'media', MEDIA_COLUMNS, typesOf(MEDIA_COLUMNS), 'media_key'),
  insertPolls: upsertMany('likes_polls_upsert', 'polls', POLL_COLUMNS, typesOf(POLL_COLUMNS), 'id'),
  insertPlaces: upsertMany('likes_places_upsert', 'places', PLACE_COLUMNS, typesOf(PLACE_COLUMNS), 'id'),

  setDeleted: { name: 'likes_set_deleted', text: 'UPDATE tweets SET deleted = $2 WHERE id = $1' },
  setUserFlags: {
    name: 'likes_set_user_flags',
    text: `UPDATE users SET protected = coalesce($2::boolean, protected), suspended = coalesce($3::boolean, suspended)
      WHERE id = $1`,
  },

  project: { name: 'likes_project', text: `SELECT ${cols(PROJECT_COLUMNS)} FROM projects WHERE id = $1` },
  projects: { name: 'likes_projects', text: `SELECT ${cols(PROJECT_COLUMNS)} FROM projects ORDER BY id` },
  app: { name: 'likes_app', text: `SELECT ${cols(APP_COLUMNS)} FROM apps WHERE id = $1` },
  apps: { name: 'likes_apps', text: `SELECT ${cols(APP_COLUMNS)} FROM apps ORDER BY id` },
  appByConsumerKey: { name: 'likes_app_by_consumer_key', text: `SELECT ${cols(APP_COLUMNS)} FROM apps WHERE consumer_key = $1` },
  appByClientId: { name: 'likes_app_by_client_id', text: `SELECT ${cols(APP_COLUMNS)} FROM apps WHERE client_id = $1` },
  listUsers: {
    name: 'likes_list_users',
    text: `SELECT ${cols(USER_COLUMNS)} FROM users ORDER BY length(id) DESC, id DESC LIMIT $1`,
  },
  putProject: upsertOne('likes_put_project', 'projects', PROJECT_COLUMNS, 'id'),
  projectsOfDeveloper: {
    name: 'likes_projects_of_developer',
    text: `SELECT ${cols(PROJECT_COLUMNS)} FROM projects WHERE developer_id = $1 ORDER BY id`,
  },
  putDeveloper: upsertOne('likes_put_developer', 'developers', DEVELOPER_COLUMNS, 'id'),
  developer: { name: 'likes_developer', text: `SELECT ${cols(DEVELOPER_COLUMNS)} FROM developers WHERE id = $1` },
  // $1 arrives folded (asciiLower), so the lower(username) index serves it.
  developerByUsername: {
    name: 'likes_developer_by_username',
    text: `SELECT ${cols(DEVELOPER_COLUMNS)} FROM developers WHERE lower(username) = $1`,
  },
  developers: { name: 'likes_developers', text: `SELECT ${cols(DEVELOPER_COLUMNS)} FROM developers ORDER BY id` },
  putApp: upsertOne('likes_put_app', 'apps', APP_COLUMNS, 'id'),
  oauth1Token: { name: 'likes_oauth1_token', text: `SELECT ${cols(OAUTH1_TOKEN_COLUMNS)} FROM oauth1_tokens WHERE token = $1` },
  putOAuth1Token: upsertOne('likes_put_oauth1_token', 'oauth1_tokens', OAUTH1_TOKEN_COLUMNS, 'token'),
  deleteOAuth1Token: { name: 'likes_delete_oauth1_token', text: 'DELETE FROM oauth1_tokens WHERE token = $1' },
  deleteOAuth1TokensOfApp: { name: 'likes_delete_oauth1_of_app', text: 'DELETE FROM oauth1_tokens WHERE app_id = $1' },
  bearer: { name: 'likes_bearer', text: `SELECT ${cols(BEARER_COLUMNS)} FROM bearers WHERE token_hash = $1` },
  putBearer: upsertOne('likes_put_bearer', 'bearers', BEARER_COLUMNS, 'token_hash'),
  grantScopes: { name: 'likes_grant_scopes', text: `SELECT scopes FROM bearers WHERE app_id = $1 AND kind = 'user' AND user_id = $2` },
  deleteBearer: { name: 'likes_delete_bearer', text: 'DELETE FROM bearers WHERE token_hash = $1' },
  deleteBearersOfApp: { name: 'likes_delete_bearers_of_app', text: 'DELETE FROM bearers WHERE app_id = $1 AND kind = $2' },
  deleteBearersExpiredBy: {
    name: 'likes_delete_bearers_expired_by',
    text: `WITH d AS (DELETE FROM bearers WHERE token_hash IN (
             SELECT token_hash FROM bearers WHERE expires_at IS NOT NULL AND expires_at <= $1 ORDER BY expires_at LIMIT $2)
           RETURNING 1) SELECT count(*) AS n FROM d`,
  },

  setPassword: {
    name: 'likes_set_password',
    text: `INSERT INTO user_passwords (user_id, password_hash) VALUES ($1, $2)
      ON CONFLICT (user_id) DO UPDATE SET password_hash = excluded.password_hash`,
  },
  deletePassword: { name: 'likes_delete_password', text: 'DELETE FROM user_passwords WHERE user_id = $1' },
  passwordHash: { name: 'likes_password_hash', text: 'SELECT password_hash FROM user_passwords WHERE user_id = $1' },

  getMeta: { name: 'likes_get_meta', text: 'SELECT value FROM meta WHERE key = $1' },
  // First writer wins: on conflict the row is locked (waiting for an in-flight insert to commit) and its committed
  // value returned, in one statement.
  setMetaIfAbsent: {
    name: 'likes_set_meta_if_absent',
    text: `INSERT INTO meta (key, value) VALUES ($1, $2)
      ON CONFLICT (key) DO UPDATE SET value = meta.value RETURNING value`,
  },
  setMeta: {
    name: 'likes_set_meta',
    text: 'INSERT INTO meta (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
  },
  deleteMeta: { name: 'likes_delete_meta', text: 'DELETE FROM meta WHERE key = $1' },
  incrementMeta: {
    name: 'likes_increment_meta',
    text: `INSERT INTO meta (key, value) VALUES ($1, '1')
      ON CONFLICT (key) DO UPDATE SET value = (meta.value::bigint + 1)::text RETURNING value`,
  },
} satisfies Record<string, Stmt | Walk>;
