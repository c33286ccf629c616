// The likes streams' events as X's OpenAPI defines them (docs/reference/x-events.md §4.2, §4.3): a like on
// GET /2/likes/firehose/stream and /2/likes/sample10/stream is `StreamLikesFirehoseResponse` /
// `StreamLikesSample10Response` (`data`: `LikeWithPostAuthor`, `includes`: `Expansions`); an unlike on
// GET /2/likes/compliance/stream is `StreamLikesComplianceResponse` (`data.delete`: `UnlikeComplianceSchema`).
// X publishes no example of either; where its OpenAPI contradicts itself the choices are noted where they are made.
import type { MetricNames, TweetRecord, UserRecord } from '../model.ts';
import { presentTweet, presentUser } from '../present.ts';
import type { TweetObject, UserObject } from '../schemas.ts';
import { isoSeconds, likeHash, likeIdOf, type LikeEvent } from './likeEvent.ts';

/** `LikeWithPostAuthor`, members in the schema's order. */
export interface StreamLike {
  created_at?: string;
  id: string;
  liked_tweet_id?: string;
  /** An integer, as the schema has it (its `int32` cannot hold a time after January 1970; the type is kept). */
  timestamp_ms?: number;
  tweet_author_id?: string;
}

export interface StreamLikeEvent {
  data: StreamLike;
  /** `tweets`, the name every real v2 response and the like's own XAA event use; OpenAPI 2.167 renamed it `posts`. */
  includes?: { tweets?: TweetObject[]; users?: UserObject[] };
}

export interface LikeComplianceEvent {
  data: { delete: { favorite: { id: string; user_id: string }; event_at: string } };
}

/** What `like_with_tweet_author.fields` accepts. */
export const LIKE_WITH_TWEET_AUTHOR_FIELDS = [
  'attachments_media_keys', 'created_at', 'id', 'liked_tweet_author_id', 'liked_tweet_id', 'timestamp_ms',
] as const;

export interface StreamLikeOptions {
  /**
   * `like_with_tweet_author.fields`; none given: every member (X documents no defaults). The parameter calls the
   * author `liked_tweet_author_id`, the schema's member is `tweet_author_id`: the schema names what is sent.
   * `attachments_media_keys` has no member in the schema and selects nothing.
   */
  fields?: ReadonlySet<string>;
  /** The liked Tweet, when `expansions=liked_tweet_id` asked for it. */
  tweet?: TweetRecord;
  /** Its author, when `expansions=liked_tweet_author_id` asked for it. */
  author?: UserRecord;
  tweetFields?: ReadonlySet<string>;
  userFields?: ReadonlySet<string>;
  metricNames?: MetricNames;
}

/**
 * A like on the firehose or the sample10 stream. `created_at` is the time of the like, as in the like's XAA event
 * (the schema's description, "Creation time of the Tweet", is the same sentence X's payload page has and its
 * example contradicts); `id` is the like's id, the same one XAA and Account Activity carry.
 */
export function likeStreamEvent(event: LikeEvent, options: StreamLikeOptions = {}): StreamLikeEvent {
  if (event.kind !== 'like') throw new RangeError(`the likes streams carry likes; an ${event.kind} goes to the compliance stream`);
  const fields = options.fields?.size ? options.fields : new Set<string>(LIKE_WITH_TWEET_AUTHOR_FIELDS);
  const data: StreamLike = {
    created_at: fields.has('created_at') ? isoSeconds(event.at) : undefined,
    id: likeIdOf(event),
    liked_tweet_id: fields.has('liked_tweet_id') ? event.tweetId : undefined,
    timestamp_ms: fields.has('timestamp_ms') ? event.at : undefined,
    tweet_author_id: fields.has('liked_tweet_author_id') ? event.authorId : undefined,
  };
  for (const key of Object.keys(data) as (keyof StreamLike)[]) if (data[key] === undefined) delete data[key];

  const names = options.metricNames ?? 'both';
  const includes: NonNullable<StreamLikeEvent['includes']> = {};
  if (options.tweet) {
    if (options.tweet.id !== event.tweetId) throw new RangeError('the Tweet given is not the one the event names');
    includes.tweets = [presentTweet(options.tweet, options.tweetFields ?? new Set(), null, names)];
  }
  if (options.author) {
    if (options.author.id !== event.authorId) throw new RangeError('the author given is not the one the event names');
    includes.users = [presentUser(options.author, options.userFields ?? new Set(), names)];
  }
  return Object.keys(includes).length ? { data, includes } : { data };
}

/**
 * An unlike on the compliance stream. `favorite.id` is the liked Post (the schema types it `PostId`), `user_id`
 * the user who unliked; no like id, as the legacy stream's note said ("will not include an ID for the original like
 * event"). Member order as in X's other compliance events (the object, then `event_at`).
 */
export function likeComplianceEvent(event: LikeEvent): LikeComplianceEvent {
  if (event.kind !== 'unlike') throw new RangeError('the compliance stream carries unlikes');
  return { data: { delete: { favorite: { id: event.tweetId, user_id: event.userId }, event_at: isoSeconds(event.at) } } };
}

/** `partition` of /2/likes/firehose/stream: 1 to 20. */
export const FIREHOSE_PARTITIONS = 20;
/** `partition` of /2/likes/sample10/stream: 1 to 2. */
export const SAMPLE10_PARTITIONS = 2;

function partitionOf(event: LikeEvent, salt: string, partitions: number): number {
  if (!Number.isInteger(partitions) || partitions < 1) throw new RangeError(`partitions must be a positive integer, not ${partitions}`);
  return (likeHash(event, salt) % partitions) + 1;
}

/**
 * The firehose partition a like is delivered on, 1..`partitions`: a hash of the like's id, so every connection
 * (and every reconnection, backfill or recovery) sees each like on the same partition, and the partitions
 * together carry each like exactly once.
 */
export function firehosePartition(event: LikeEvent, partitions: number = FIREHOSE_PARTITIONS): number {
  return partitionOf(event, 'firehose-partition', partitions);
}

/** Whether a like is in the 10% sample: a hash of its id, independent of its firehose partition; stable. */
export function inSample10(event: LikeEvent): boolean {
  return likeHash(event, 'sample10') % 10 === 0;
}

/** The sample10 partition (1 or 2) of a sampled like. */
export function sample10Partition(event: LikeEvent): number {
  return partitionOf(event, 'sample10-partition', SAMPLE10_PARTITIONS);
}
