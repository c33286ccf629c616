// Column <-> record mapping shared by the SQL adapters (SQLite and PostgreSQL use the same column names).
import type {
  AppRecord, BearerRecord, DeveloperRecord, LikeRow, MediaRecord, OAuth1TokenRecord, OAuth2Scope, PlaceRecord, PollRecord, ProjectRecord,
  TweetRecord, UserRecord,
} from '../domain/model.ts';
import {
  TWEET_ATTRIBUTES, USER_ATTRIBUTES, attributeMask, type AccountFlags, type LikedTweetRow, type LikingUserRow, type TweetAttribute,
  type TweetCore, type UserAttribute, type WrittenTweetCore, type WrittenUserCore,
} from '../ports/contentStore.ts';

type Row = Record<string, any>;

/** A number read as a number, or as its decimal text (pg's bigints, SQLite's field rows). */
const num = (v: unknown): number => (typeof v === 'number' ? v : typeof v === 'string' ? decimal(v) : Number(v));
const bool = (v: unknown): boolean => v === true || v === 1 || v === '1' || v === 't';
/**
 * Whether a value read is SQL NULL: null as pg and JSON give it, '' in SQLite's field rows (concat writes NULL as
 * nothing). Only for columns that never hold an empty string: ids, flags, numbers.
 */
const isNull = (v: unknown): boolean => v === null || v === '';

/**
 * The number a decimal text of up to 15 digits writes, digit by digit: V8's general parser (Number) takes about four
 * times as long for a 13-digit time, read 100 times a page. Anything else goes to Number.
 */
function decimal(text: string): number {
  const n = text.length;
  if (n === 0 || n > 15) return Number(text);
  let value = 0;
  for (let i = 0; i < n; i++) {
    const digit = text.charCodeAt(i) - 48;
    if (digit < 0 || digit > 9) return Number(text);
    value = value * 10 + digit;
  }
  return value;
}
// '[]' is most Tweets' references, media and polls: a new empty array without JSON.parse.
const json = <T>(v: unknown, fallback: T): T =>
  v == null ? fallback : typeof v === 'string' ? (v === '[]' ? ([] as T) : (JSON.parse(v) as T)) : (v as T);

/**
 * Which columns a read of a record selects, in order, and where each member of the record starts among them (-1:
 * not read, and the record has it undefined). A member may span several columns (a user's metrics).
 */
export interface Layout<R> {
  columns: readonly string[];
  at: Readonly<Record<keyof R, number>>;
}

/**
 * The layouts of reads of one kind of record: `full` reads every column (`all`, in that order); `of(mask)` the
 * core's columns and those of the attributes in `mask` (attributeMask over `attributes`), in that order.
 */
export interface Layouts<R> {
  full: Layout<R>;
  of(mask: number): Layout<R>;
}

function layouts<R, A extends keyof R & string>(
  all: readonly string[],
  core: Readonly<Record<Exclude<keyof R, A>, string>>,
  attributes: readonly A[],
  columnsOf: Readonly<Record<A, readonly string[]>>,
): Layouts<R> {
  const layoutOf = (columns: readonly string[]): Layout<R> => {
    const at = {} as Record<keyof R, number>;
    for (const [member, column] of Object.entries(core) as [keyof R, string][]) at[member] = columns.indexOf(column);
    for (const a of attributes) at[a] = columns.indexOf(columnsOf[a][0]);
    return { columns, at };
  };
  const full = layoutOf(all);
  const everything = attributeMask(attributes, attributes);
  const coreColumns = Object.values(core) as string[];
  return {
    full,
    of: (mask) =>
      (mask & everything) === everything
        ? full
        : layoutOf([...coreColumns, ...attributes.filter((_, i) => (mask & (1 << i)) !== 0).flatMap((a) => columnsOf[a])]),
  };
}

/** An attribute a read left out (Layout): undefined, typed as whatever the record holds there. */
const unread = undefined as never;

export const USER_COLUMNS = [
  'id', 'username', 'name', 'created_at', 'description', 'location', 'url', 'profile_image_url', 'protected',
  'verified', 'suspended', 'pinned_tweet_id', 'followers_count', 'following_count', 'tweet_count', 'listed_count',
  'like_count',
] as const;

/** Object rows (PostgreSQL) to the positional form the hot mappers read. */
const valuesOf = (cols: readonly string[], r: Row): unknown[] => cols.map((c) => r[c]);

/** The columns of each UserAttribute (a user's core is id, name, username and suspended); metrics spans five, in order. */
const USER_ATTRIBUTE_COLUMNS: Readonly<Record<UserAttribute, readonly (typeof USER_COLUMNS)[number][]>> = {
  createdAt: ['created_at'], description: ['description'], location: ['location'], url: ['url'],
  profileImageUrl: ['profile_image_url'], protected: ['protected'], verified: ['verified'], pinnedTweetId: ['pinned_tweet_id'],
  metrics: ['followers_count', 'following_count', 'tweet_count', 'listed_count', 'like_count'],
};

/** The layouts of reads of users (userOfValues). */
export const USER_LAYOUTS = layouts<UserRecord, UserAttribute>(
  USER_COLUMNS, { id: 'id', name: 'name', username: 'username', suspended: 'suspended' }, USER_ATTRIBUTES, USER_ATTRIBUTE_COLUMNS,
);

/** A user from the values of a read laid out as `layout`, starting at `at`; one shape whatever was read. */
export function userOfValues(v: readonly any[], layout: Layout<UserRecord>, at: number): UserRecord {
  const p = layout.at;
  const m = at + p.metrics;
  return {
    id: v[at + p.id],
    username: v[at + p.username],
    name: v[at + p.name],
    createdAt: p.createdAt < 0 ? unread : num(v[at + p.createdAt]),
    description: p.description < 0 ? unread : v[at + p.description],
    location: p.location < 0 ? unread : (v[at + p.location] ?? null),
    url: p.url < 0 ? unread : (v[at + p.url] ?? null),
    profileImageUrl: p.profileImageUrl < 0 ? unread : v[at + p.profileImageUrl],
    protected: p.protected < 0 ? unread : bool(v[at + p.protected]),
    verified: p.verified < 0 ? unread : bool(v[at + p.verified]),
    suspended: bool(v[at + p.suspended]),
    pinnedTweetId: p.pinnedTweetId < 0 ? unread : (v[at + p.pinnedTweetId] ?? null),
    metrics: p.metrics < 0
      ? unread
      : {
          followers_count: num(v[m]),
          following_count: num(v[m + 1]),
          tweet_count: num(v[m + 2]),
          listed_count: num(v[m + 3]),
          like_count: num(v[m + 4]),
        },
  };
}

/** A whole user from an object row (the listing of users; pages read array rows, which SQLite builds at half the cost). */
export const userFromRow = (r: Row): UserRecord => userOfValues(valuesOf(USER_COLUMNS, r), USER_LAYOUTS.full, 0);

export function userToRow(u: UserRecord, boolean: (b: boolean) => unknown): unknown[] {
  return [
    u.id, u.username, u.name, u.createdAt, u.description, u.location, u.url, u.profileImageUrl,
    boolean(u.protected), boolean(u.verified), boolean(u.suspended), u.pinnedTweetId, u.metrics.followers_count,
    u.metrics.following_count, u.metrics.tweet_count, u.metrics.listed_count, u.metrics.like_count,
  ];
}

export const TWEET_COLUMNS = [
  'id', 'author_id', 'text', 'created_at', 'lang', 'source', 'conversation_id', 'in_reply_to_user_id',
  'referenced_tweets', 'media_keys', 'poll_ids', 'place_id', 'entities', 'possibly_sensitive', 'reply_settings',
  'deleted', 'retweet_count', 'reply_count', 'quote_count', 'impression_count', 'bookmark_count', 'like_count',
] as const;

/** The columns of a Tweet's core (TweetCore), in this order. */
export const TWEET_CORE_COLUMNS = ['id', 'author_id', 'text', 'deleted'] as const;

/** The column of each TweetAttribute (a Tweet's core is id, author_id, text and deleted). */
const TWEET_ATTRIBUTE_COLUMNS: Readonly<Record<TweetAttribute, readonly (typeof TWEET_COLUMNS)[number][]>> = {
  createdAt: ['created_at'], lang: ['lang'], source: ['source'], conversationId: ['conversation_id'],
  inReplyToUserId: ['in_reply_to_user_id'], referencedTweets: ['referenced_tweets'], mediaKeys: ['media_keys'],
  pollIds: ['poll_ids'], placeId: ['place_id'], entities: ['entities'], possiblySensitive: ['possibly_sensitive'],
  replySettings: ['reply_settings'], retweetCount: ['retweet_count'], replyCount: ['reply_count'], quoteCount: ['quote_count'],
  impressionCount: ['impression_count'], bookmarkCount: ['bookmark_count'], likeCount: ['like_count'],
};

/** The layouts of reads of Tweets (tweetOfValues). */
export const TWEET_LAYOUTS = layouts<TweetRecord, TweetAttribute>(
  TWEET_COLUMNS, { id: 'id', authorId: 'author_id', text: 'text', deleted: 'deleted' }, TWEET_ATTRIBUTES, TWEET_ATTRIBUTE_COLUMNS,
);

/** A Tweet from the values of a read laid out as `layout`, starting at `at`; one shape whatever was read. */
export function tweetOfValues(v: readonly any[], layout: Layout<TweetRecord>, at: number): TweetRecord {
  const p = layout.at;
  return {
    id: v[at + p.id],
    authorId: v[at + p.authorId],
    text: v[at + p.text],
    createdAt: p.createdAt < 0 ? unread : num(v[at + p.createdAt]),
    lang: p.lang < 0 ? unread : v[at + p.lang],
    source: p.source < 0 ? unread : v[at + p.source],
    conversationId: p.conversationId < 0 ? unread : v[at + p.conversationId],
    inReplyToUserId: p.inReplyToUserId < 0 ? unread : (v[at + p.inReplyToUserId] ?? null),
    referencedTweets: p.referencedTweets < 0 ? unread : json(v[at + p.referencedTweets], []),
    mediaKeys: p.mediaKeys < 0 ? unread : json(v[at + p.mediaKeys], []),
    pollIds: p.pollIds < 0 ? unread : json(v[at + p.pollIds], []),
    placeId: p.placeId < 0 ? unread : (v[at + p.placeId] ?? null),
    entities: p.entities < 0 ? unread : json(v[at + p.entities], null),
    possiblySensitive: p.possiblySensitive < 0 ? unread : bool(v[at + p.possiblySensitive]),
    replySettings: p.replySettings < 0 ? unread : v[at + p.replySettings],
    deleted: bool(v[at + p.deleted]),
    retweetCount: p.retweetCount < 0 ? unread : num(v[at + p.retweetCount]),
    replyCount: p.replyCount < 0 ? unread : num(v[at + p.replyCount]),
    quoteCount: p.quoteCount < 0 ? unread : num(v[at + p.quoteCount]),
    impressionCount: p.impressionCount < 0 ? unread : num(v[at + p.impressionCount]),
    bookmarkCount: p.bookmarkCount < 0 ? unread : num(v[at + p.bookmarkCount]),
    likeCount: p.likeCount < 0 ? unread : num(v[at + p.likeCount]),
  };
}

/** A Tweet's core from the values of TWEET_CORE_COLUMNS, starting at `at`. */
export const tweetCoreFromValues = (v: readonly any[], at = 0): TweetCore => ({
  id: v[at],
  authorId: v[at + 1],
  text: v[at + 2],
  deleted: bool(v[at + 3]),
});

/** An account's visibility flags from the values id, protected, suspended, starting at `at`. */
export const accountFlagsFromValues = (v: readonly any[], at = 0): AccountFlags => ({
  id: v[at],
  protected: bool(v[at + 1]),
  suspended: bool(v[at + 2]),
});

/**
 * The account `id` from its flags as one value, protected + 2 × suspended (OWNER_FLAGS, AUTHOR_FLAGS), NULL when
 * there is no such account.
 */
export const accountOfFlags = (id: string, flags: unknown): AccountFlags | null =>
  isNull(flags) ? null : { id, protected: (num(flags) & 1) === 1, suspended: (num(flags) & 2) === 2 };

/**
 * The owner of a liked_tweets page (`userId`, whose likes they are) from `flags`, the value its rows carry after their
 * columns: the owner's flags (accountOfFlags), read by the page's own statement so that the owner check needs no
 * statement of its own. A page without rows (`flags` undefined) asks `flagsOf`.
 */
export async function pageOwner(userId: string, flags: unknown, flagsOf: (id: string) => Promise<AccountFlags | null>): Promise<AccountFlags | null> {
  return flags === undefined ? flagsOf(userId) : accountOfFlags(userId, flags);
}

/** The value after the columns of a page's first row (pageOwner's `flags`), undefined when the page has no rows. */
export const ownerFlagsOf = (rows: readonly (readonly unknown[])[]): unknown => rows[0]?.[rows[0].length - 1];

/** The like a walk's row starts with (likes l): a walk of bare likes reads only these. */
export const LIKE_COLUMNS: readonly string[] = ['l.user_id', 'l.tweet_id', 'l.liked_at'];
const LIKE_WIDTH = LIKE_COLUMNS.length;

/** The like of a row that starts with LIKE_COLUMNS. */
export const likeOfValues = (v: readonly any[]): LikeRow => ({ userId: v[0], tweetId: v[1], likedAt: num(v[2]) });

/**
 * The columns of a liked_tweets page with each Tweet laid out as `layout`: the like, the Tweet. Likes l, Tweets t. The
 * author's flags come as for default fields (LIKED_TWEET_CORE_COLUMNS): after these columns, or remembered.
 */
export const likedTweetColumns = (layout: Layout<TweetRecord>): string =>
  [...LIKE_COLUMNS, ...layout.columns.map((c) => `t.${c}`)].join(', ');

/** How many values a likedTweetColumns(layout) row has. */
export const likedTweetWidth = (layout: Layout<TweetRecord>): number => LIKE_WIDTH + layout.columns.length;

/** Where a likedTweetColumns(layout) row holds its Tweet's author's id (NULL without a Tweet). */
export const likedTweetAuthorAt = (layout: Layout<TweetRecord>): number => LIKE_WIDTH + layout.at.authorId;

/** A row of likedTweetColumns(layout), and `authorFlags`, its Tweet's author's (accountOfFlags). */
export const likedTweetFromValues = (v: readonly any[], layout: Layout<TweetRecord>, authorFlags: unknown): LikedTweetRow => ({
  like: likeOfValues(v),
  tweet: v[LIKE_WIDTH + layout.at.id] === null ? null : tweetOfValues(v, layout, LIKE_WIDTH),
  author: accountOfFlags(v[likedTweetAuthorAt(layout)], authorFlags),
});

/** The columns of a liking_users page with each liker laid out as `layout`: the like, the liker. Likes l, likers u. */
export const likingUserColumns = (layout: Layout<UserRecord>): string =>
  [...LIKE_COLUMNS, ...layout.columns.map((c) => `u.${c}`)].join(', ');

/** A row of likingUserColumns(layout). */
export const likingUserFromValues = (v: readonly any[], layout: Layout<UserRecord>): LikingUserRow => ({
  like: likeOfValues(v),
  user: v[LIKE_WIDTH + layout.at.id] === null ? null : userOfValues(v, layout, LIKE_WIDTH),
});

/**
 * A column of a default-fields page that the store reads written as a JSON string literal, as JSON.stringify writes
 * it (WrittenTweetCore): each store writes it with its own SQL, in the column's place in the row.
 */
export interface WrittenColumn {
  written: string;
}
/**
 * A column of a page: an SQL expression (or several, comma-separated, in a page without written columns: SQLite makes a
 * page with them of field rows, one value an expression), or one read written as JSON.
 */
export type PageColumn = string | WrittenColumn;

/**
 * The columns of a liked_tweets page with default fields, each once (each is a string made per row): the Tweet's core
 * (its id is the like's, its text written), liked_at. Then the author's flags (the author's id is the core's
 * author_id): PostgreSQL joins the authors u for them (AUTHOR_FLAGS), the SQLite store remembers them
 * (src/adapters/sqlite/rememberedAccountFlags.ts); both do so for wide pages too (likedTweetColumns). The likes table
 * is aliased l, the Tweets t; PostgreSQL reads each row as an array, SQLite a page as field rows
 * (src/adapters/sqlite/sqliteStore.ts).
 */
export const LIKED_TWEET_CORE_COLUMNS: readonly PageColumn[] = ['l.tweet_id', 't.author_id', { written: 't.text' }, 't.deleted', 'l.liked_at'];

/** Where a LIKED_TWEET_CORE_COLUMNS row holds its Tweet's author's id. */
export const AUTHOR_ID_AT = LIKED_TWEET_CORE_COLUMNS.indexOf('t.author_id');

/**
 * A row of LIKED_TWEET_CORE_COLUMNS, of `userId`'s likes: the values from `at` (a row's array, or a page's fields),
 * and `authorFlags`, its author's (accountOfFlags).
 */
export const likedTweetCoreFromValues = (userId: string, v: readonly any[], at: number, authorFlags: unknown): LikedTweetRow<WrittenTweetCore> => ({
  like: { userId, tweetId: v[at], likedAt: num(v[at + 4]) },
  tweet: isNull(v[at + 3]) ? null : { id: v[at], authorId: v[at + 1], textJson: v[at + 2], deleted: bool(v[at + 3]) },
  author: accountOfFlags(v[at + 1], authorFlags),
});

/**
 * The columns of a liking_users page with default fields: the liker's core (its id is the like's, name and username
 * written), liked_at. Likes l, likers u.
 */
export const LIKING_USER_CORE_COLUMNS: readonly PageColumn[] = [
  'l.user_id', { written: 'u.name' }, { written: 'u.username' }, 'u.suspended', 'l.liked_at',
];

/** A row of LIKING_USER_CORE_COLUMNS, of `tweetId`'s likes: the values from `at` (a row's array, or a page's fields). */
export const likingUserCoreFromValues = (tweetId: string, v: readonly any[], at = 0): LikingUserRow<WrittenUserCore> => ({
  like: { userId: v[at], tweetId, likedAt: num(v[at + 4]) },
  user: isNull(v[at + 3]) ? null : { id: v[at], nameJson: v[at + 1], usernameJson: v[at + 2], suspended: bool(v[at + 3]) },
});

export function tweetToRow(t: TweetRecord, boolean: (b: boolean) => unknown): unknown[] {
  return [
    t.id, t.authorId, t.text, t.createdAt, t.lang, t.source, t.conversationId, t.inReplyToUserId,
    JSON.stringify(t.referencedTweets), JSON.stringify(t.mediaKeys), JSON.stringify(t.pollIds), t.placeId,
    t.entities ? JSON.stringify(t.entities) : null, boolean(t.possiblySensitive), t.replySettings, boolean(t.deleted),
    t.retweetCount, t.replyCount, t.quoteCount, t.impressionCount, t.bookmarkCount, t.likeCount,
  ];
}

export const MEDIA_COLUMNS = [
  'media_key', 'type', 'url', 'preview_image_url', 'width', 'height', 'alt_text', 'duration_ms', 'view_count',
] as const;

export function mediaFromRow(r: Row): MediaRecord {
  return {
    mediaKey: r.media_key,
    type: r.type,
    url: r.url ?? null,
    previewImageUrl: r.preview_image_url ?? null,
    width: num(r.width),
    height: num(r.height),
    altText: r.alt_text ?? null,
    durationMs: r.duration_ms == null ? null : num(r.duration_ms),
    viewCount: r.view_count == null ? null : num(r.view_count),
  };
}

export function mediaToRow(m: MediaRecord): unknown[] {
  return [m.mediaKey, m.type, m.url, m.previewImageUrl, m.width, m.height, m.altText, m.durationMs, m.viewCount];
}

export const POLL_COLUMNS = ['id', 'options', 'duration_minutes', 'end_at'] as const;

export function pollFromRow(r: Row): PollRecord {
  return { id: r.id, options: json(r.options, []), durationMinutes: num(r.duration_minutes), endAt: num(r.end_at) };
}

export function pollToRow(p: PollRecord): unknown[] {
  return [p.id, JSON.stringify(p.options), p.durationMinutes, p.endAt];
}

export const PLACE_COLUMNS = ['id', 'full_name', 'name', 'country', 'country_code', 'place_type', 'bbox'] as const;

export function placeFromRow(r: Row): PlaceRecord {
  return {
    id: r.id,
    fullName: r.full_name,
    name: r.name,
    country: r.country,
    countryCode: r.country_code,
    placeType: r.place_type,
    bbox: json(r.bbox, [0, 0, 0, 0]),
  };
}

export function placeToRow(p: PlaceRecord): unknown[] {
  return [p.id, p.fullName, p.name, p.country, p.countryCode, p.placeType, JSON.stringify(p.bbox)];
}

export const PROJECT_COLUMNS = ['id', 'name', 'monthly_tweet_cap', 'cap_reset_day', 'developer_state', 'policy', 'developer_id'] as const;

export function projectFromRow(r: Row): ProjectRecord {
  return {
    id: r.id,
    name: r.name,
    monthlyTweetCap: num(r.monthly_tweet_cap),
    capResetDay: num(r.cap_reset_day),
    developerState: r.developer_state,
    developerId: r.developer_id ?? null,
    policy: json(r.policy, {}),
  };
}

export function projectToRow(p: ProjectRecord): unknown[] {
  return [p.id, p.name, p.monthlyTweetCap, p.capResetDay, p.developerState, JSON.stringify(p.policy), p.developerId];
}

export const DEVELOPER_COLUMNS = ['id', 'username', 'password_hash', 'created_at', 'user_id'] as const;

export function developerFromRow(r: Row): DeveloperRecord {
  return { id: r.id, username: r.username, passwordHash: r.password_hash, createdAt: num(r.created_at), userId: r.user_id ?? null };
}

export function developerToRow(d: DeveloperRecord): unknown[] {
  return [d.id, d.username, d.passwordHash, d.createdAt, d.userId];
}

export const APP_COLUMNS = [
  'id', 'name', 'project_id', 'permission', 'suspended', 'consumer_key', 'consumer_secret_sealed', 'client_id',
  'client_secret_hash', 'policy', 'app_type',
] as const;

export function appFromRow(r: Row): AppRecord {
  return {
    id: r.id,
    name: r.name,
    projectId: r.project_id ?? null,
    permission: r.permission,
    suspended: bool(r.suspended),
    consumerKey: r.consumer_key,
    consumerSecretSealed: r.consumer_secret_sealed,
    clientId: r.client_id,
    clientSecretHash: r.client_secret_hash,
    policy: json(r.policy, {}),
    appType: r.app_type,
  };
}

export function appToRow(a: AppRecord, boolean: (b: boolean) => unknown): unknown[] {
  return [
    a.id, a.name, a.projectId, a.permission, boolean(a.suspended), a.consumerKey, a.consumerSecretSealed, a.clientId,
    a.clientSecretHash, JSON.stringify(a.policy), a.appType,
  ];
}

export const OAUTH1_TOKEN_COLUMNS = ['token', 'app_id', 'user_id', 'secret_sealed', 'permission'] as const;

export function oauth1TokenFromRow(r: Row): OAuth1TokenRecord {
  return { token: r.token, appId: r.app_id, userId: r.user_id, secretSealed: r.secret_sealed, permission: r.permission };
}

export function oauth1TokenToRow(t: OAuth1TokenRecord): unknown[] {
  return [t.token, t.appId, t.userId, t.secretSealed, t.permission];
}

export const BEARER_COLUMNS = ['token_hash', 'kind', 'app_id', 'user_id', 'scopes', 'expires_at'] as const;

export function bearerFromRow(r: Row): BearerRecord {
  if (r.kind === 'app') return { kind: 'app', tokenHash: r.token_hash, appId: r.app_id };
  return {
    kind: 'user',
    tokenHash: r.token_hash,
    appId: r.app_id,
    userId: r.user_id,
    scopes: json(r.scopes, []),
    expiresAt: r.expires_at == null ? null : num(r.expires_at),
  };
}

export function bearerToRow(b: BearerRecord): unknown[] {
  return b.kind === 'app'
    ? [b.tokenHash, 'app', b.appId, null, null, null]
    : [b.tokenHash, 'user', b.appId, b.userId, JSON.stringify(b.scopes), b.expiresAt];
}

/** The union of the scopes columns of a user's bearers for an App (what they have granted it). */
export function grantedScopes(columns: readonly (string | null)[]): OAuth2Scope[] {
  return [...new Set(columns.flatMap((c) => json<OAuth2Scope[]>(c, [])))];
}

/** `a, b, c` */
export const columnList = (cols: readonly string[]): string => cols.join(', ');
