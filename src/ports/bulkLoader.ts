// The bulk-loading port used by `likes-api seed`: millions of rows into an empty store, as fast as the store can
// take them. Unlike LikesStore.insertLikes (which keeps the counters right after every call), a bulk load writes
// raw rows and settles everything derived from them (secondary indexes, like_count of tweets and users) once, in
// finish(). The whole load is one transaction: a failed or aborted load leaves the store as it was.
import type { TweetRecord, UserRecord } from '../domain/model.ts';

/**
 * A batch of likes in columns: row i is (userIds[i], tweetIds[i], likedAt[i]) for i < length.
 * The arrays may be longer than `length` and are reused by the caller once the returned promise settles,
 * so a loader copies (or serialises) what it needs before resolving.
 */
export interface LikeColumns {
  readonly length: number;
  readonly userIds: readonly string[];
  readonly tweetIds: readonly string[];
  readonly likedAt: ArrayLike<number>;
}

export interface BulkLoadOptions {
  /** Empty the store's data first (users, tweets, likes, media, polls, places, projects, apps, tokens). */
  reset: boolean;
}

/** What finish() did, for progress reports: each step's name and duration. */
export interface FinishStep {
  step: string;
  ms: number;
}

export class StoreNotEmptyError extends Error {
  override name = 'StoreNotEmptyError';
}

export interface BulkLoader {
  readonly kind: string;
  /** Where the rows go, for messages (a file path or a database name; never a password). */
  readonly target: string;
  /**
   * Migrates the schema, then opens the load's transaction. Throws StoreNotEmptyError when the store already
   * holds users, tweets or likes and `reset` is false.
   */
  begin(options: BulkLoadOptions): Promise<void>;
  /** Rows of one table are appended in as many calls as needed, users first, then tweets, then likes. */
  appendUsers(users: readonly UserRecord[]): Promise<void>;
  appendTweets(tweets: readonly TweetRecord[]): Promise<void>;
  appendLikes(likes: LikeColumns): Promise<void>;
  /**
   * Rebuilds what the load deferred (indexes, like_count of every tweet and user, planner statistics) and commits.
   * `onStep` is told when each step starts.
   */
  finish(onStep?: (step: string) => void): Promise<FinishStep[]>;
  /** Rolls the load back (a no-op once finished). */
  abort(): Promise<void>;
  /** Releases connections. Idempotent. */
  close(): Promise<void>;
}
