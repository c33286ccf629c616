// What the API serves: users, Tweets and what hangs off them, and the likes between them.
import type {
  LikeRow, MediaRecord, PlaceRecord, PollRecord, TweetRecord, UserRecord,
} from '../domain/model.ts';

/** A position in a likes listing: the (likedAt, id) of a row, where id is the other side of the like. */
export interface LikeKey {
  likedAt: number;
  id: string;
}

/**
 * One page of a keyset walk over likes ordered newest first by (likedAt, id).
 * `older`: the `limit` rows strictly older than `from` (or the newest rows when `from` is absent).
 * `newer`: the `limit` rows strictly newer than `from` and closest to it.
 * Either way the rows come back newest first.
 *
 * `newest` walks only the key's `newest` newest likes (X's cap on liking_users), in every direction: older ones are
 * walked as if they did not exist (below 1: none are walked). Absent: every like.
 */
export interface KeysetPage {
  limit: number;
  direction: 'older' | 'newer';
  from?: LikeKey;
  newest?: number;
}

/** What the visibility rule reads of an account. */
export type AccountFlags = Pick<UserRecord, 'id' | 'protected' | 'suspended'>;

/** What the visibility rule and a Tweet's default fields (id, text, edit_history_tweet_ids) read of a Tweet. */
export type TweetCore = Pick<TweetRecord, 'id' | 'authorId' | 'text' | 'deleted'>;

/** What the visibility rule and a user's default fields (id, name, username) read of a user. */
export type UserCore = Pick<UserRecord, 'id' | 'name' | 'username' | 'suspended'>;

/**
 * A Tweet's core as a default-fields page reads it: its text comes written as a JSON string literal, exactly as
 * JSON.stringify writes it. The page's body takes it as it is (src/domain/writtenJson.ts): a store whose engine
 * writes JSON escapes it there at a fraction of V8's cost, and nothing unescapes the text only to escape it again.
 */
export type WrittenTweetCore = Pick<TweetRecord, 'id' | 'authorId' | 'deleted'> & { textJson: string };

/** A user's core as a default-fields page reads it: name and username written as JSON string literals (WrittenTweetCore). */
export type WrittenUserCore = Pick<UserRecord, 'id' | 'suspended'> & { nameJson: string; usernameJson: string };

/** A Tweet's attributes besides its core: what a read may leave out when nothing will show it. */
export type TweetAttribute = Exclude<keyof TweetRecord, keyof TweetCore>;

/** Every TweetAttribute, in a fixed order (a set of them is a bit mask over it: attributeMask). */
export const TWEET_ATTRIBUTES: readonly TweetAttribute[] = [
  'createdAt', 'lang', 'source', 'conversationId', 'inReplyToUserId', 'referencedTweets', 'mediaKeys', 'pollIds',
  'placeId', 'entities', 'possiblySensitive', 'replySettings', 'retweetCount', 'replyCount', 'quoteCount',
  'impressionCount', 'bookmarkCount', 'likeCount',
];

/** A user's attributes besides its core: what a read may leave out when nothing will show it. */
export type UserAttribute = Exclude<keyof UserRecord, keyof UserCore>;

/** Every UserAttribute, in a fixed order (a set of them is a bit mask over it: attributeMask). */
export const USER_ATTRIBUTES: readonly UserAttribute[] = [
  'createdAt', 'description', 'location', 'url', 'profileImageUrl', 'protected', 'verified', 'pinnedTweetId', 'metrics',
];

/** The bit mask of `attributes` over `all` (one of the lists above): one number for one set, whatever the order or repeats. */
export function attributeMask<A>(all: readonly A[], attributes: readonly A[]): number {
  let mask = 0;
  for (const a of attributes) mask |= 1 << all.indexOf(a);
  return mask;
}

export interface LikedTweetRow<T extends Pick<TweetRecord, 'deleted'> = TweetRecord> {
  like: LikeRow;
  tweet: T | null;
  author: AccountFlags | null;
}

/** A page of the likes a user gave, and the visibility flags of that user (null when no such user exists). */
export interface LikedTweetsPage<T extends Pick<TweetRecord, 'deleted'> = TweetRecord> {
  owner: AccountFlags | null;
  rows: LikedTweetRow<T>[];
}

/** A like of a Tweet with the liking user (null when no such user exists). */
export interface LikingUserRow<U extends Pick<UserRecord, 'suspended'> = UserRecord> {
  like: LikeRow;
  user: U | null;
}

/**
 * Users, Tweets, media, polls, places and likes.
 *
 * Lookups by keys (usersByIds, usersByUsernames, tweetsByIds, mediaByKeys, pollsByIds, placesByIds) return each
 * stored record at most once, whatever the repeats in the keys, leave unknown keys out, and return the records in
 * an UNSPECIFIED order: callers index them by key, never by position.
 *
 * like_count of tweets and users is derived from the likes rows: like, unlike and insertLikes keep
 * tweets.like_count and users.like_count equal to the number of likes rows of the tweet / given by the user, and
 * no other write changes them.
 */
export interface ContentStore {
  /**
   * True when the store has no users yet (a fresh store, ready for the demo seed). The health checks' probe too: it
   * throws when the store cannot serve (unreachable, or no longer able to make likes durable).
   */
  isEmpty(): Promise<boolean>;

  /**
   * `attributes` (here and in usersByUsernames): what of each user to read besides its core (absent: all of it); the
   * others are left out of the read and undefined in its record, as in likedTweetsByUser.
   */
  usersByIds(ids: readonly string[], attributes?: readonly UserAttribute[]): Promise<UserRecord[]>;
  /** The visibility flags of one user, or null when there is no such user. */
  accountFlags(id: string): Promise<AccountFlags | null>;
  /** The core of one Tweet and the flags of its author (null when the author does not exist), or null when there is no such Tweet. */
  tweetCoreWithAuthor(id: string): Promise<{ tweet: TweetCore; author: AccountFlags | null } | null>;
  usersByUsernames(usernames: readonly string[], attributes?: readonly UserAttribute[]): Promise<UserRecord[]>;
  /** `attributes`: what of each Tweet to read besides its core (absent: all of it), as in likedTweetsByUser. */
  tweetsByIds(ids: readonly string[], attributes?: readonly TweetAttribute[]): Promise<TweetRecord[]>;
  mediaByKeys(keys: readonly string[]): Promise<MediaRecord[]>;
  pollsByIds(ids: readonly string[]): Promise<PollRecord[]>;
  placesByIds(ids: readonly string[]): Promise<PlaceRecord[]>;
  /** Users newest id first, at most `limit`, for admin listings. */
  listUsers(limit: number): Promise<UserRecord[]>;

  /** Likes given by `userId`; `LikeKey.id` is the tweet id. */
  likesByUser(userId: string, page: KeysetPage): Promise<LikeRow[]>;
  /**
   * The same walk as likesByUser, each like joined to its Tweet (null when no such Tweet exists) and the
   * visibility flags of the Tweet's author (null when the author does not exist), with the flags of `userId`
   * (what accountFlags reads): one read per page that has rows.
   *
   * `attributes`: what of each Tweet to read besides its core (absent: all of it). The Tweet's other attributes are
   * left out of the read and undefined in its record: the caller asks for all it will look at.
   */
  likedTweetsByUser(userId: string, page: KeysetPage, attributes?: readonly TweetAttribute[]): Promise<LikedTweetsPage>;
  /** The same as likedTweetsByUser, each Tweet read only as far as its core (what default fields show), written. */
  likedTweetCoresByUser(userId: string, page: KeysetPage): Promise<LikedTweetsPage<WrittenTweetCore>>;
  /** Likes a tweet received; `LikeKey.id` is the liking user's id. */
  likesOfTweet(tweetId: string, page: KeysetPage): Promise<LikeRow[]>;
  /**
   * The same walk as likesOfTweet, each like joined to the liking user (null when no such user exists): one read per
   * page. `attributes`: what of each user to read besides its core (absent: all of it); the others are left out of
   * the read and undefined in its record, as in likedTweetsByUser.
   */
  likingUsersOfTweet(tweetId: string, page: KeysetPage, attributes?: readonly UserAttribute[]): Promise<LikingUserRow[]>;
  /** The same rows as likingUsersOfTweet, each user read only as far as its core (what default fields show), written. */
  likingUserCoresOfTweet(tweetId: string, page: KeysetPage): Promise<LikingUserRow<WrittenUserCore>[]>;

  /**
   * Adds the like, bumps both the tweet's and the user's like_count and appends a `like` event to the outbox
   * (EventStore.eventsAfter), atomically. False (and nothing changes) when it already existed; the first like's
   * time is kept.
   */
  like(userId: string, tweetId: string, likedAt: number): Promise<boolean>;
  /**
   * Removes the like, lowers both the tweet's and the user's like_count and appends an `unlike` event at `at` to
   * the outbox, atomically. False (and nothing changes) when there was none.
   */
  unlike(userId: string, tweetId: string, at: number): Promise<boolean>;

  // Writes used by the demo seed, bulk seeding and the admin CLI.
  /**
   * Inserts each user, or updates the stored user with the same id in place, the rows applied in array order as
   * one atomic batch (of two rows with one id, the later wins). `metrics.like_count` of the records is ignored: an
   * existing user keeps its like_count, a new one gets the number of likes rows it already gave (normally 0).
   * Rejects, writing nothing of the batch, when a row's username equals (ASCII case-insensitively) the username of
   * a user with a different id at that point: a stored user, or one written by an earlier row of the batch (so two
   * users cannot swap usernames in one batch). No other user is ever deleted or changed.
   */
  insertUsers(users: readonly UserRecord[]): Promise<void>;
  /**
   * Inserts each tweet, or updates the stored tweet with the same id in place (of two rows with one id, the later
   * wins). `likeCount` of the records is ignored: an existing tweet keeps its like_count, a new one gets the number
   * of likes rows that already reference it (normally 0).
   */
  insertTweets(tweets: readonly TweetRecord[]): Promise<void>;
  insertMedia(media: readonly MediaRecord[]): Promise<void>;
  insertPolls(polls: readonly PollRecord[]): Promise<void>;
  insertPlaces(places: readonly PlaceRecord[]): Promise<void>;
  /**
   * Bulk-inserts likes that do not exist yet (the first of duplicates wins; an existing like keeps its time) and
   * recounts like_count of the tweets and users touched.
   */
  insertLikes(likes: readonly LikeRow[]): Promise<void>;
  setTweetDeleted(tweetId: string, deleted: boolean): Promise<void>;
  setUserFlags(userId: string, flags: { protected?: boolean; suspended?: boolean }): Promise<void>;
}
