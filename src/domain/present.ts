// Turns records into X's JSON objects for the fields a request asked for. Members come out in
// alphabetical order, as X's recorded objects show (edit_history_tweet_ids, id, text; id, name, username): each
// presenter writes them in that order (test/unit/schemas.test.ts checks it), rather than sorting each object's keys.
import { isoTime } from './isoTime.ts';
import type { MediaRecord, MetricNames, PlaceRecord, PollRecord, TweetRecord, UserRecord } from './model.ts';
import type { MediaObject, PlaceObject, PollObject, TweetObject, UserObject } from './schemas.ts';
import type { WrittenTweetCore, WrittenUserCore } from '../ports/contentStore.ts';
import { WrittenObject } from './writtenJson.ts';

type Json = Record<string, unknown>;

/**
 * Metrics in order, a renamed one under its v2.159 name, its v2.167 name, or both (the new twin right after the
 * old): `[old, new, value]` entries for renamed metrics, `[name, value]` for the others.
 */
function metrics(entries: readonly ([string, number] | [string, string, number])[], names: MetricNames): Json {
  const out: Json = {};
  for (const e of entries) {
    if (e.length === 2) out[e[0]] = e[1];
    else {
      if (names !== 'v2167') out[e[0]] = e[2];
      if (names !== 'v2159') out[e[1]] = e[2];
    }
  }
  return out;
}

/** A Tweet with default fields: what its core (id and text) shows, members in order. */
export function presentTweetCore(t: Pick<TweetRecord, 'id' | 'text'>): TweetObject {
  // Written in order (no sorting): every Tweet of a default-fields page comes through here.
  return { edit_history_tweet_ids: [t.id], id: t.id, text: t.text };
}

/**
 * presentTweetCore's object written as JSON.stringify writes it, from a core whose text comes written. Ids go in as
 * they are: a page's are its likes' keys, X ids of digits only (every way into the likes checks ID_PATTERN).
 */
export function writtenTweetCore(t: WrittenTweetCore): WrittenObject {
  return new WrittenObject(t.id, `{"edit_history_tweet_ids":["${t.id}"],"id":"${t.id}","text":${t.textJson}}`);
}

/** `viewerId` may see the private metrics of their own Tweets only. */
export function presentTweet(t: TweetRecord, fields: ReadonlySet<string>, viewerId: string | null, metricNames: MetricNames = 'both'): TweetObject {
  if (fields.size === 0) return presentTweetCore(t);
  const own = viewerId !== null && viewerId === t.authorId;
  const o = {} as TweetObject;
  if (fields.has('attachments') && (t.mediaKeys.length > 0 || t.pollIds.length > 0)) {
    const attachments: { media_keys?: string[]; poll_ids?: string[] } = {};
    if (t.mediaKeys.length) attachments.media_keys = t.mediaKeys;
    if (t.pollIds.length) attachments.poll_ids = t.pollIds;
    o.attachments = attachments;
  }
  if (fields.has('author_id')) o.author_id = t.authorId;
  if (fields.has('conversation_id')) o.conversation_id = t.conversationId;
  if (fields.has('created_at')) o.created_at = isoTime(t.createdAt);
  if (fields.has('edit_controls')) {
    o.edit_controls = { edits_remaining: 5, is_edit_eligible: false, editable_until: isoTime(t.createdAt + 60 * 60 * 1000) };
  }
  o.edit_history_tweet_ids = [t.id];
  if (fields.has('entities') && t.entities && Object.keys(t.entities).length > 0) o.entities = t.entities;
  if (fields.has('geo') && t.placeId) o.geo = { place_id: t.placeId };
  o.id = t.id;
  if (fields.has('in_reply_to_user_id') && t.inReplyToUserId) o.in_reply_to_user_id = t.inReplyToUserId;
  if (fields.has('lang')) o.lang = t.lang;
  if (own && fields.has('non_public_metrics')) {
    o.non_public_metrics = { impression_count: t.impressionCount, url_link_clicks: 0, user_profile_clicks: 0 };
  }
  if (own && fields.has('organic_metrics')) {
    o.organic_metrics = {
      impression_count: t.impressionCount,
      like_count: t.likeCount,
      reply_count: t.replyCount,
      retweet_count: t.retweetCount,
      url_link_clicks: 0,
      user_profile_clicks: 0,
    };
  }
  if (fields.has('possibly_sensitive')) o.possibly_sensitive = t.possiblySensitive;
  if (fields.has('public_metrics')) {
    o.public_metrics = metrics([
      ['retweet_count', 'repost_count', t.retweetCount],
      ['reply_count', t.replyCount],
      ['like_count', t.likeCount],
      ['quote_count', t.quoteCount],
      ['bookmark_count', t.bookmarkCount],
      ['impression_count', t.impressionCount],
    ], metricNames);
  }
  if (fields.has('referenced_tweets') && t.referencedTweets.length > 0) o.referenced_tweets = t.referencedTweets;
  if (fields.has('reply_settings')) o.reply_settings = t.replySettings;
  if (fields.has('source')) o.source = t.source;
  o.text = t.text;
  return o;
}

/** A user with default fields: what its core (id, name, username) shows, members in order. */
export function presentUserCore(u: Pick<UserRecord, 'id' | 'name' | 'username'>): UserObject {
  return { id: u.id, name: u.name, username: u.username };
}

/** presentUserCore's object written as JSON.stringify writes it, from a core whose name and username come written. */
export function writtenUserCore(u: WrittenUserCore): WrittenObject {
  return new WrittenObject(u.id, `{"id":"${u.id}","name":${u.nameJson},"username":${u.usernameJson}}`);
}

export function presentUser(u: UserRecord, fields: ReadonlySet<string>, metricNames: MetricNames = 'both'): UserObject {
  if (fields.size === 0) return presentUserCore(u);
  const o = {} as UserObject;
  if (fields.has('created_at')) o.created_at = isoTime(u.createdAt);
  if (fields.has('description')) o.description = u.description;
  o.id = u.id;
  if (fields.has('location') && u.location) o.location = u.location;
  o.name = u.name;
  if (fields.has('pinned_tweet_id') && u.pinnedTweetId) o.pinned_tweet_id = u.pinnedTweetId;
  if (fields.has('profile_image_url')) o.profile_image_url = u.profileImageUrl;
  if (fields.has('protected')) o.protected = u.protected;
  if (fields.has('public_metrics')) {
    o.public_metrics = metrics([
      ['followers_count', u.metrics.followers_count],
      ['following_count', u.metrics.following_count],
      ['tweet_count', 'post_count', u.metrics.tweet_count],
      ['listed_count', u.metrics.listed_count],
      ['like_count', u.metrics.like_count],
    ], metricNames);
  }
  if (fields.has('url')) o.url = u.url ?? '';
  o.username = u.username;
  if (fields.has('verified')) o.verified = u.verified;
  if (fields.has('verified_type')) o.verified_type = u.verified ? 'blue' : 'none';
  return o;
}

export function presentMedia(m: MediaRecord, fields: ReadonlySet<string>): MediaObject {
  const o = {} as MediaObject;
  if (fields.has('alt_text') && m.altText) o.alt_text = m.altText;
  if (fields.has('duration_ms') && m.durationMs !== null) o.duration_ms = m.durationMs;
  if (fields.has('height')) o.height = m.height;
  o.media_key = m.mediaKey;
  if (fields.has('preview_image_url') && m.previewImageUrl) o.preview_image_url = m.previewImageUrl;
  if (fields.has('public_metrics') && m.viewCount !== null) o.public_metrics = { view_count: m.viewCount };
  o.type = m.type;
  if (fields.has('url') && m.url) o.url = m.url;
  if (fields.has('width')) o.width = m.width;
  return o;
}

export function presentPoll(p: PollRecord, fields: ReadonlySet<string>, now: number): PollObject {
  const o = {} as PollObject;
  if (fields.has('duration_minutes')) o.duration_minutes = p.durationMinutes;
  if (fields.has('end_datetime')) o.end_datetime = isoTime(p.endAt);
  o.id = p.id;
  o.options = p.options;
  if (fields.has('voting_status')) o.voting_status = p.endAt > now ? 'open' : 'closed';
  return o;
}

export function presentPlace(p: PlaceRecord, fields: ReadonlySet<string>): PlaceObject {
  const o = {} as PlaceObject;
  if (fields.has('country')) o.country = p.country;
  if (fields.has('country_code')) o.country_code = p.countryCode;
  o.full_name = p.fullName;
  if (fields.has('geo')) o.geo = { type: 'Feature', bbox: p.bbox, properties: {} };
  o.id = p.id;
  if (fields.has('name')) o.name = p.name;
  if (fields.has('place_type')) o.place_type = p.placeType;
  return o;
}
