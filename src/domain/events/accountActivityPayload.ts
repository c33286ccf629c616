// Account Activity `favorite_events` (docs/reference/x-events.md §3.3) and the v1.1 Tweet and User objects they
// carry. X's example leaves the objects as placeholders (`<Tweet Object>`, `<User Object>`), so they follow X's
// v1.1 data dictionaries in the form X's streams and webhooks delivered them: compatibility mode (`text` of at most
// 140 characters, the whole text in `extended_tweet.full_text`), the deprecated members present with the values X
// sent for them (null, or the default theme), so strict v1.1 clients parse them.
//
// v1.1 ids are 64-bit integers beside their `*_str` twins. A snowflake is beyond 2^53, so a JavaScript number would
// come out rounded (1050118621198921728 as 1050118621198921700): X writes the exact digits, and so do we. The
// numeric ids are bigints here, which JSON.stringify refuses; `accountActivityJson` writes them as exact integer
// literals. A consumer reading them into doubles rounds them just as it would X's; `id_str` is there for that.
import type { TweetRecord, UserRecord } from '../model.ts';
import { likeIdOf, type LikeEvent } from './likeEvent.ts';

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const pad = (n: number) => String(n).padStart(2, '0');

/** v1.1's `created_at`: "Wed Oct 10 20:19:24 +0000 2018" (UTC, day of month zero-padded). */
export function v1Date(ms: number): string {
  const d = new Date(ms);
  return `${DAYS[d.getUTCDay()]} ${MONTHS[d.getUTCMonth()]} ${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} +0000 ${d.getUTCFullYear()}`;
}

export interface V1User {
  id: bigint;
  id_str: string;
  name: string;
  screen_name: string;
  location: string | null;
  url: string | null;
  description: string | null;
  translator_type: string;
  protected: boolean;
  verified: boolean;
  followers_count: number;
  friends_count: number;
  listed_count: number;
  favourites_count: number;
  statuses_count: number;
  created_at: string;
  utc_offset: null;
  time_zone: null;
  geo_enabled: boolean;
  lang: null;
  contributors_enabled: boolean;
  is_translator: boolean;
  profile_background_color: string;
  profile_background_image_url: string | null;
  profile_background_image_url_https: string | null;
  profile_background_tile: boolean;
  profile_link_color: string;
  profile_sidebar_border_color: string;
  profile_sidebar_fill_color: string;
  profile_text_color: string;
  profile_use_background_image: boolean;
  profile_image_url: string;
  profile_image_url_https: string;
  default_profile: boolean;
  default_profile_image: boolean;
  following: null;
  follow_request_sent: null;
  notifications: null;
}

export interface V1Indices {
  indices: [number, number];
}
export type V1Hashtag = { text: string } & V1Indices;
export type V1Url = { url: string; expanded_url: string; display_url: string } & V1Indices;
export type V1Mention = { screen_name: string; id?: bigint; id_str?: string } & V1Indices;

export interface V1Entities {
  hashtags: V1Hashtag[];
  urls: V1Url[];
  user_mentions: V1Mention[];
  symbols: never[];
}

export interface V1Tweet {
  created_at: string;
  id: bigint;
  id_str: string;
  text: string;
  source: string;
  truncated: boolean;
  in_reply_to_status_id: bigint | null;
  in_reply_to_status_id_str: string | null;
  in_reply_to_user_id: bigint | null;
  in_reply_to_user_id_str: string | null;
  in_reply_to_screen_name: string | null;
  user: V1User;
  geo: null;
  coordinates: null;
  place: null;
  contributors: null;
  quoted_status_id?: bigint;
  quoted_status_id_str?: string;
  is_quote_status: boolean;
  extended_tweet?: { full_text: string; display_text_range: [number, number]; entities: V1Entities };
  quote_count: number;
  reply_count: number;
  retweet_count: number;
  favorite_count: number;
  entities: V1Entities;
  favorited: boolean;
  retweeted: boolean;
  possibly_sensitive?: boolean;
  filter_level: 'low';
  lang: string;
}

/** X's default avatar lives under this path; anything else is an uploaded image. */
const DEFAULT_AVATAR = '/default_profile_images/';

export function v1User(u: UserRecord): V1User {
  return {
    id: BigInt(u.id),
    id_str: u.id,
    name: u.name,
    screen_name: u.username,
    location: u.location || null,
    url: u.url || null,
    description: u.description || null,
    translator_type: 'none',
    protected: u.protected,
    verified: u.verified,
    followers_count: u.metrics.followers_count,
    friends_count: u.metrics.following_count,
    listed_count: u.metrics.listed_count,
    favourites_count: u.metrics.like_count,
    statuses_count: u.metrics.tweet_count,
    created_at: v1Date(u.createdAt),
    // Deprecated in v1.1; X kept sending them, nulled or set to the default theme.
    utc_offset: null,
    time_zone: null,
    geo_enabled: false,
    lang: null,
    contributors_enabled: false,
    is_translator: false,
    profile_background_color: 'F5F8FA',
    profile_background_image_url: null,
    profile_background_image_url_https: null,
    profile_background_tile: false,
    profile_link_color: '1DA1F2',
    profile_sidebar_border_color: 'C0DEED',
    profile_sidebar_fill_color: 'DDEEF6',
    profile_text_color: '333333',
    profile_use_background_image: true,
    profile_image_url: u.profileImageUrl.replace(/^https:/, 'http:'),
    profile_image_url_https: u.profileImageUrl,
    default_profile: true,
    default_profile_image: u.profileImageUrl.includes(DEFAULT_AVATAR),
    following: null,
    follow_request_sent: null,
    notifications: null,
  };
}

/** Where X's own clients linked their `source` anchors; any other app is linked to twitter.com. */
const SOURCE_LINKS: Readonly<Record<string, string>> = {
  'Twitter Web App': 'https://mobile.twitter.com',
  'Twitter Web Client': 'http://twitter.com',
  'Twitter for iPhone': 'http://twitter.com/download/iphone',
  'Twitter for Android': 'http://twitter.com/download/android',
  'Twitter for iPad': 'http://twitter.com/#!/download/ipad',
  TweetDeck: 'https://about.twitter.com/products/tweetdeck',
};

const escapeHtml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** v1.1's `source` is an HTML anchor; v2 (and our records) keep just the app's name. */
export function v1Source(source: string): string {
  if (source.startsWith('<a ')) return source;
  const href = SOURCE_LINKS[source] ?? 'https://twitter.com';
  return `<a href="${href}" rel="nofollow">${escapeHtml(source)}</a>`;
}

function v1Entities(t: TweetRecord, upTo = Infinity): V1Entities {
  const within = <E extends { end: number }>(list: E[] | undefined) => (list ?? []).filter((e) => e.end <= upTo);
  return {
    hashtags: within(t.entities?.hashtags).map((h) => ({ text: h.tag, indices: [h.start, h.end] })),
    urls: within(t.entities?.urls).map((u) => ({ url: u.url, expanded_url: u.expanded_url, display_url: u.display_url, indices: [u.start, u.end] })),
    // v2 mentions carry no display name, so `name` is left out; `id` only where the record knows it.
    user_mentions: within(t.entities?.mentions).map((m) => ({
      screen_name: m.username,
      ...(m.id ? { id: BigInt(m.id), id_str: m.id } : {}),
      indices: [m.start, m.end],
    })),
    symbols: [],
  };
}

/** Compatibility mode: `text` of at most 140 characters; a longer one is cut and ends with "… " and a link to it. */
const COMPAT_LIMIT = 140;

export interface V1TweetContext {
  /** The user a reply answers, for `in_reply_to_screen_name` (the record has only their id). */
  repliedTo?: Pick<UserRecord, 'id' | 'username'>;
}

/**
 * A v1.1 Tweet as X's streams and webhooks carried it. Characters are counted in code points (X weighs some
 * characters double; our records do not say how X would). The link ending a cut text is the Tweet's
 * `/i/web/status/` permalink itself: X put a 23-character t.co link to it there, and there is no t.co here, so
 * less of the text is kept to stay within 140.
 */
export function v1Tweet(t: TweetRecord, author: UserRecord, context: V1TweetContext = {}): V1Tweet {
  const chars = [...t.text];
  const replyTo = t.referencedTweets.find((r) => r.type === 'replied_to')?.id ?? null;
  const quoted = t.referencedTweets.find((r) => r.type === 'quoted')?.id;
  const repliedToName = t.inReplyToUserId === null
    ? null
    : context.repliedTo?.id === t.inReplyToUserId ? context.repliedTo.username
      : t.inReplyToUserId === author.id ? author.username : null;

  let text = t.text;
  let entities = v1Entities(t);
  let extended: V1Tweet['extended_tweet'];
  if (chars.length > COMPAT_LIMIT) {
    const permalink = `https://twitter.com/i/web/status/${t.id}`;
    const kept = chars.slice(0, COMPAT_LIMIT - 2 - permalink.length).join('').trimEnd();
    const keptLength = [...kept].length;
    text = `${kept}… ${permalink}`;
    const linkStart = keptLength + 2;
    entities = v1Entities(t, keptLength);
    entities.urls.push({
      url: permalink,
      expanded_url: permalink,
      display_url: `twitter.com/i/web/status/${t.id.slice(0, 1)}…`,
      indices: [linkStart, linkStart + permalink.length],
    });
    extended = { full_text: t.text, display_text_range: [0, chars.length], entities: v1Entities(t) };
  }

  const out: V1Tweet = {
    created_at: v1Date(t.createdAt),
    id: BigInt(t.id),
    id_str: t.id,
    text,
    source: v1Source(t.source),
    truncated: extended !== undefined,
    in_reply_to_status_id: replyTo === null ? null : BigInt(replyTo),
    in_reply_to_status_id_str: replyTo,
    in_reply_to_user_id: t.inReplyToUserId === null ? null : BigInt(t.inReplyToUserId),
    in_reply_to_user_id_str: t.inReplyToUserId,
    in_reply_to_screen_name: repliedToName,
    user: v1User(author),
    // Our records hold a place id only; v1.1 wants the whole place, so none is given.
    geo: null,
    coordinates: null,
    place: null,
    contributors: null,
    ...(quoted ? { quoted_status_id: BigInt(quoted), quoted_status_id_str: quoted } : {}),
    is_quote_status: quoted !== undefined,
    ...(extended ? { extended_tweet: extended } : {}),
    quote_count: t.quoteCount,
    reply_count: t.replyCount,
    retweet_count: t.retweetCount,
    favorite_count: t.likeCount,
    entities,
    // Perspectival members: X's webhook objects carry them unset (no viewer).
    favorited: false,
    retweeted: false,
    // v1.1 has `possibly_sensitive` only on Tweets with links or media.
    ...((t.entities?.urls?.length ?? 0) > 0 || t.mediaKeys.length > 0 ? { possibly_sensitive: t.possiblySensitive } : {}),
    filter_level: 'low',
    lang: t.lang,
  };
  return out;
}

export interface FavoriteEvent {
  id: string;
  created_at: string;
  timestamp_ms: number;
  favorited_status: V1Tweet;
  user: V1User;
}

export interface FavoriteEventsBody {
  for_user_id: string;
  favorite_events: FavoriteEvent[];
}

/** A like with the records its v1.1 objects are made of. */
export interface LikeWithRecords {
  event: LikeEvent;
  tweet: TweetRecord;
  author: UserRecord;
  liker: UserRecord;
  repliedTo?: Pick<UserRecord, 'id' | 'username'>;
}

/**
 * One `favorite_events` body for the subscription of `forUserId` (the liker's or the liked Post's author's: the
 * same like goes to each, with its own `for_user_id`). Account Activity has no unfavorite event, so unlikes are left
 * out; `null` when nothing is left to deliver. `created_at` and `timestamp_ms` are the time of the like (equal in
 * X's example), `timestamp_ms` a number there (a string in other AAA events and in XAA).
 */
export function favoriteEvents(forUserId: string, likes: readonly LikeWithRecords[]): FavoriteEventsBody | null {
  const events = likes.filter((l) => l.event.kind === 'like').map(({ event, tweet, author, liker, repliedTo }) => {
    if (tweet.id !== event.tweetId || author.id !== event.authorId || liker.id !== event.userId) {
      throw new RangeError('the records given are not the ones the event names');
    }
    return {
      id: likeIdOf(event),
      created_at: v1Date(event.at),
      timestamp_ms: event.at,
      favorited_status: v1Tweet(tweet, author, { repliedTo }),
      user: v1User(liker),
    };
  });
  return events.length ? { for_user_id: forUserId, favorite_events: events } : null;
}

/**
 * JSON text of an Account Activity body: JSON.stringify's output, except that bigints (v1.1's numeric ids) are
 * written as exact integer literals. Members that are undefined are left out, as JSON.stringify does.
 */
export function accountActivityJson(value: unknown): string {
  if (typeof value === 'bigint') return value.toString();
  if (Array.isArray(value)) {
    return `[${value.map((v) => (v === undefined || typeof v === 'function' || typeof v === 'symbol' ? 'null' : accountActivityJson(v))).join(',')}]`;
  }
  if (value !== null && typeof value === 'object') {
    const parts: string[] = [];
    for (const [key, v] of Object.entries(value)) {
      if (v === undefined || typeof v === 'function' || typeof v === 'symbol') continue;
      parts.push(`${JSON.stringify(key)}:${accountActivityJson(v)}`);
    }
    return `{${parts.join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
