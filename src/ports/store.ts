import type {
  AppRecord, BearerRecord, LikeRow, MediaRecord, OAuth1TokenRecord, PlaceRecord, PollRecord,
  ProjectRecord, TweetRecord, UserRecord,
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
 * Rows older than `floor` (exclusive bound below) are never returned.
 * Either way the rows come back newest first.
 */
export interface KeysetPage {
  limit: number;
  direction: 'older' | 'newer';
  from?: LikeKey;
  floor?: LikeKey;
}

/** The port every storage adapter implements; one contract suite (test/contract) runs against each. */
export interface LikesStore {
  readonly kind: string;
  migrate(): Promise<void>;
  close(): Promise<void>;
  /** True when the store has no users yet (a fresh store, ready for the demo seed). */
  isEmpty(): Promise<boolean>;

  usersByIds(ids: readonly string[]): Promise<UserRecord[]>;
  usersByUsernames(usernames: readonly string[]): Promise<UserRecord[]>;
  tweetsByIds(ids: readonly string[]): Promise<TweetRecord[]>;
  mediaByKeys(keys: readonly string[]): Promise<MediaRecord[]>;
  pollsByIds(ids: readonly string[]): Promise<PollRecord[]>;
  placesByIds(ids: readonly string[]): Promise<PlaceRecord[]>;

  /** Likes given by `userId`; `LikeKey.id` is the tweet id. */
  likesByUser(userId: string, page: KeysetPage): Promise<LikeRow[]>;
  /** Likes a tweet received; `LikeKey.id` is the liking user's id. */
  likesOfTweet(tweetId: string, page: KeysetPage): Promise<LikeRow[]>;
  /** The like of `tweetId` at 0-based position `rank` newest first, or null when it has fewer likes. */
  likeOfTweetAtRank(tweetId: string, rank: number): Promise<LikeRow | null>;

  /** Adds the like and bumps the tweet's like_count in one transaction. False when it already existed. */
  like(userId: string, tweetId: string, likedAt: number): Promise<boolean>;
  /** Removes the like and lowers like_count in one transaction. False when there was none. */
  unlike(userId: string, tweetId: string): Promise<boolean>;

  projectById(id: string): Promise<ProjectRecord | null>;
  appById(id: string): Promise<AppRecord | null>;
  appByConsumerKey(consumerKey: string): Promise<AppRecord | null>;
  appByClientId(clientId: string): Promise<AppRecord | null>;
  oauth1Token(token: string): Promise<OAuth1TokenRecord | null>;
  bearerByHash(tokenHash: string): Promise<BearerRecord | null>;
  listProjects(): Promise<ProjectRecord[]>;
  listApps(): Promise<AppRecord[]>;
  /** Users newest id first, at most `limit`, for admin listings. */
  listUsers(limit: number): Promise<UserRecord[]>;

  // Writes used by the demo seed, bulk seeding and the admin CLI.
  insertUsers(users: readonly UserRecord[]): Promise<void>;
  insertTweets(tweets: readonly TweetRecord[]): Promise<void>;
  insertMedia(media: readonly MediaRecord[]): Promise<void>;
  insertPolls(polls: readonly PollRecord[]): Promise<void>;
  insertPlaces(places: readonly PlaceRecord[]): Promise<void>;
  /** Bulk-inserts likes that do not exist yet and recounts like_count of the tweets touched. */
  insertLikes(likes: readonly LikeRow[]): Promise<void>;
  setTweetDeleted(tweetId: string, deleted: boolean): Promise<void>;
  setUserFlags(userId: string, flags: { protected?: boolean; suspended?: boolean }): Promise<void>;

  putProject(project: ProjectRecord): Promise<void>;
  putApp(app: AppRecord): Promise<void>;
  putOAuth1Token(token: OAuth1TokenRecord): Promise<void>;
  deleteOAuth1TokensOfApp(appId: string): Promise<void>;
  putBearer(bearer: BearerRecord): Promise<void>;
  deleteBearer(tokenHash: string): Promise<void>;
  /** Removes every bearer of the app of the given kind (used when keys are regenerated). */
  deleteBearersOfApp(appId: string, kind: BearerRecord['kind']): Promise<void>;

  getMeta(key: string): Promise<string | null>;
  /** Sets the value only if the key is absent; returns the value now stored (first writer wins). */
  setMetaIfAbsent(key: string, value: string): Promise<string>;
  setMeta(key: string, value: string): Promise<void>;
}
