// The X Activity API `like.create` event, as X's event-payloads page shows it (docs/reference/x-events.md §2.8):
// the envelope `{"data":{event_uuid, filter, event_type, tag?, payload, includes}}`, the payload's five strings, and
// `includes` of v2 objects carrying a `*_str` twin after every integer member. Where the page's own field table or
// X's OpenAPI (`LikeWithPostAuthor`) disagree with the example, the example is followed: `timestamp_ms` a string,
// `liked_tweet_author_id` (not `tweet_author_id`), `includes.tweets` (not `posts`), `created_at` the time of the like.
import type { TweetRecord, UserRecord } from '../model.ts';
import { presentTweet, presentUser } from '../present.ts';
import { eventUuid, isoSeconds, likeIdOf, type LikeEvent } from './likeEvent.ts';

type Json = Record<string, unknown>;

export const LIKE_CREATE = 'like.create';

/** A subscription's filter (`ActivitySubscriptionFilter`); `direction` only where the subscription set one. */
export interface ActivityFilter {
  user_id?: string;
  direction?: 'inbound' | 'outbound';
  keyword?: string;
}

export interface LikeCreatePayload {
  id: string;
  created_at: string;
  timestamp_ms: string;
  liked_tweet_author_id: string;
  liked_tweet_id: string;
}

export interface ActivityIncludes {
  users: Json[];
  tweets: Json[];
}

export interface ActivityLikeCreateEvent {
  data: {
    event_uuid: string;
    filter: ActivityFilter;
    event_type: typeof LIKE_CREATE;
    tag?: string;
    payload: LikeCreatePayload;
    includes: ActivityIncludes;
  };
}

export interface ActivityDelivery {
  /** The subscription the event matched: part of what makes `event_uuid` unique per delivery. */
  subscriptionId: string;
  filter: ActivityFilter;
  /** The subscription's tag; X leaves `tag` out when there is none. */
  tag?: string | null;
  /** The liked Tweet, its author and the liker, as they are when the event is presented. */
  tweet: TweetRecord;
  author: UserRecord;
  liker: UserRecord;
}

// The fields X's example objects carry that our records can give (`id`, `text`, `edit_history_tweet_ids`, `id`,
// `name`, `username` always come). Missing for want of data: users' affiliation, entities, is_identity_verified,
// profile_banner_url, profile_geo_enrichment, public_metrics.media_count; Tweets' display_text_range,
// paid_partnership. `in_reply_to_user_id` is not in the example (not a reply) but is a default of every v2 reply.
const USER_FIELDS: ReadonlySet<string> = new Set([
  'created_at', 'description', 'location', 'pinned_tweet_id', 'profile_image_url', 'protected', 'public_metrics',
  'url', 'verified', 'verified_type',
]);
const TWEET_FIELDS: ReadonlySet<string> = new Set([
  'author_id', 'conversation_id', 'created_at', 'edit_controls', 'entities', 'in_reply_to_user_id', 'lang',
  'possibly_sensitive', 'public_metrics', 'referenced_tweets', 'reply_settings',
]);

/**
 * X's XAA objects repeat every integer member as a string right after it (`like_count`, `like_count_str`; entity
 * `start`, `start_str`), for consumers that cannot hold 64-bit integers. Integers inside arrays
 * (`display_text_range`) and non-integers (`latitude`) get none, as in X's example.
 */
export function withStringTwins<T>(value: T): T {
  if (Array.isArray(value)) return value.map((v) => (v !== null && typeof v === 'object' ? withStringTwins(v) : v)) as T;
  if (value === null || typeof value !== 'object') return value;
  const out: Json = {};
  for (const [key, v] of Object.entries(value as Json)) {
    out[key] = withStringTwins(v);
    if (typeof v === 'number' && Number.isInteger(v)) out[`${key}_str`] = String(v);
  }
  return out as T;
}

/** The filter as X echoes it: the subscription's members only, `user_id` first, as in X's example. */
export function echoFilter(filter: ActivityFilter): ActivityFilter {
  const out: ActivityFilter = {};
  if (filter.user_id !== undefined) out.user_id = filter.user_id;
  if (filter.keyword !== undefined) out.keyword = filter.keyword;
  if (filter.direction !== undefined) out.direction = filter.direction;
  return out;
}

/**
 * `like.create` for one subscription. X's payload names no liker, so `includes.users` is how an inbound subscriber
 * learns who liked: it holds the liked Post's author (the expansion of `liked_tweet_author_id`, all X's example
 * shows: an outbound subscription, where the liker is the filtered user), then the liker unless the liker is the
 * filtered user or the author. X documents no inbound example; this rule is ours.
 */
export function activityLikeCreate(event: LikeEvent, delivery: ActivityDelivery): ActivityLikeCreateEvent {
  const { tweet, author, liker, filter } = delivery;
  // X's Activity API has no unlike event: the OpenAPI's event types have `like.create` only.
  if (event.kind !== 'like') throw new RangeError(`like.create presents likes, not ${event.kind} events`);
  if (tweet.id !== event.tweetId || author.id !== event.authorId || liker.id !== event.userId) {
    throw new RangeError('the records given are not the ones the event names');
  }
  const users = [author];
  if (liker.id !== filter.user_id && liker.id !== author.id) users.push(liker);
  return {
    data: {
      event_uuid: eventUuid(event, delivery.subscriptionId),
      filter: echoFilter(filter),
      event_type: LIKE_CREATE,
      ...(delivery.tag != null ? { tag: delivery.tag } : {}),
      payload: {
        id: likeIdOf(event),
        created_at: isoSeconds(event.at),
        timestamp_ms: String(event.at),
        liked_tweet_author_id: event.authorId,
        liked_tweet_id: event.tweetId,
      },
      // The names X's recorded objects use (`retweet_count`, `tweet_count`), as the example does.
      includes: {
        users: users.map((u) => withStringTwins(presentUser(u, USER_FIELDS, 'v2159') as Json)),
        tweets: [withStringTwins(presentTweet(tweet, TWEET_FIELDS, null, 'v2159') as Json)],
      },
    },
  };
}
