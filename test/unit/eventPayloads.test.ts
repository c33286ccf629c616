// The like event payloads (src/domain/events) against what X documents (docs/reference/x-events.md): the X Activity
// API `like.create` and Account Activity `favorite_events` member by member against X's own examples (read from the
// reference, not copied here), the likes streams against X's events OpenAPI with ajv, and the firehose partitions
// and the 10% sample as distributions.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import formatsPlugin from 'ajv-formats';
import {
  accountActivityJson, favoriteEvents, v1Date, v1Source, v1Tweet, v1User,
} from '../../src/domain/events/accountActivityPayload.ts';
import { activityLikeCreate, echoFilter, withStringTwins } from '../../src/domain/events/activityPayload.ts';
import { eventUuid, isoSeconds, likeId, likeIdOf, type LikeEvent } from '../../src/domain/events/likeEvent.ts';
import {
  firehosePartition, inSample10, likeComplianceEvent, likeStreamEvent, sample10Partition,
} from '../../src/domain/events/likesStreamPayload.ts';
import type { TweetRecord, UserRecord } from '../../src/domain/model.ts';
import { readReferenceJson, rewriteDiscriminators } from '../support/openapi.ts';
import { tweet, user } from '../support/records.ts';
import { Prng } from '../../src/demo/prng.ts';

type Json = Record<string, any>;

// ---- X's examples, read from the reference ----

const REFERENCE = readFileSync(new URL('../../docs/reference/x-events.md', import.meta.url), 'utf8');
/** Every ```json block of the reference that parses (X's `<Tweet Object>` placeholders emptied). */
const EXAMPLES: Json[] = [...REFERENCE.matchAll(/```json\n([\s\S]*?)\n```/g)].flatMap((m) => {
  try {
    return [JSON.parse(m[1].replace(/<(Tweet|User) Object>/g, ''))];
  } catch {
    return [];
  }
});
const exampleWhere = (what: string, test: (j: Json) => boolean): Json => {
  const found = EXAMPLES.filter(test);
  assert.equal(found.length, 1, `one example of ${what} in x-events.md`);
  return found[0];
};
const X_LIKE_CREATE = exampleWhere('like.create', (j) => j.data?.event_type === 'like.create');
const X_FAVORITE_EVENTS = exampleWhere('favorite_events', (j) => Array.isArray(j.favorite_events));

// ---- The records of X's like.create example, rebuilt (values from the example, so they can be compared) ----

const X_PAYLOAD = X_LIKE_CREATE.data.payload;
const X_USER = X_LIKE_CREATE.data.includes.users[0];
const X_TWEET = X_LIKE_CREATE.data.includes.tweets[0];
const LIKER_ID = X_LIKE_CREATE.data.filter.user_id as string;

const AUTHOR: UserRecord = user(X_USER.id, {
  username: X_USER.username,
  name: X_USER.name,
  createdAt: Date.parse(X_USER.created_at),
  description: X_USER.description,
  location: X_USER.location,
  url: null,
  profileImageUrl: X_USER.profile_image_url,
  verified: X_USER.verified,
  pinnedTweetId: X_USER.pinned_tweet_id,
  metrics: {
    followers_count: X_USER.public_metrics.followers_count,
    following_count: X_USER.public_metrics.following_count,
    tweet_count: X_USER.public_metrics.tweet_count,
    listed_count: X_USER.public_metrics.listed_count,
    like_count: X_USER.public_metrics.like_count,
  },
});
const LIKER: UserRecord = user(LIKER_ID, { username: 'liker', name: 'The Liker' });
const { start: urlStart, end: urlEnd, url, expanded_url, display_url } = X_TWEET.entities.urls[0];
const LIKED: TweetRecord = tweet(X_TWEET.id, AUTHOR.id, {
  text: X_TWEET.text,
  createdAt: Date.parse(X_TWEET.created_at),
  lang: X_TWEET.lang,
  conversationId: X_TWEET.conversation_id,
  referencedTweets: X_TWEET.referenced_tweets,
  entities: { urls: [{ start: urlStart, end: urlEnd, url, expanded_url, display_url }] },
  replySettings: X_TWEET.reply_settings,
  retweetCount: X_TWEET.public_metrics.retweet_count,
  replyCount: X_TWEET.public_metrics.reply_count,
  likeCount: X_TWEET.public_metrics.like_count,
  quoteCount: X_TWEET.public_metrics.quote_count,
  bookmarkCount: X_TWEET.public_metrics.bookmark_count,
  impressionCount: X_TWEET.public_metrics.impression_count,
});
const AT = Number(X_PAYLOAD.timestamp_ms);

const likeEvent = (over: Partial<LikeEvent> = {}): LikeEvent => ({
  kind: 'like', userId: LIKER_ID, tweetId: LIKED.id, authorId: AUTHOR.id, at: AT, seq: '1', ...over,
});

/** A subscription id whose event_uuid for `event` is negative, as in X's example (found, not assumed). */
function negativeUuidSubscription(event: LikeEvent): string {
  for (let i = 1; ; i++) if (eventUuid(event, String(i)).startsWith('-')) return String(i);
}

// ---- Shapes ----

function jsonType(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v;
}

/**
 * Walks our object against X's: every member we emit exists in X's example with the same JSON type (recursively;
 * arrays by their first items). Returns the paths X's example has and ours lacks.
 */
function compareShape(ours: unknown, theirs: unknown, path = ''): string[] {
  assert.equal(jsonType(ours), jsonType(theirs), `${path || '(root)'}: ${jsonType(ours)} where X's example has ${jsonType(theirs)}`);
  if (Array.isArray(ours) && Array.isArray(theirs)) {
    return ours.length && theirs.length ? compareShape(ours[0], theirs[0], `${path}[]`) : [];
  }
  if (jsonType(ours) !== 'object') return [];
  const o = ours as Json;
  const t = theirs as Json;
  for (const key of Object.keys(o)) assert.ok(key in t, `${path}.${key}: a member X's example does not have`);
  return Object.keys(t).flatMap((key) => (key in o ? compareShape(o[key], t[key], `${path}.${key}`) : [`${path}.${key}`]));
}

// ---- X's events OpenAPI, through ajv ----

const EVENTS_DOC = readReferenceJson('x-openapi-events.json') as Json;
const NUMERIC_FORMATS = ['int32', 'int64', 'float', 'double'];

function collectFormats(node: unknown, into = new Set<string>()): Set<string> {
  if (Array.isArray(node)) node.forEach((n) => collectFormats(n, into));
  else if (node && typeof node === 'object') {
    for (const [k, v] of Object.entries(node)) if (k === 'format' && typeof v === 'string') into.add(v); else collectFormats(v, into);
  }
  return into;
}

/**
 * A validator of one schema of the events document. `numeric`: whether OpenAPI's int32/int64 formats are checked
 * (ajv-formats does) or read as annotations. The Activity payload's discriminator names `../event_type`, a
 * sibling, which JSON Schema cannot express: our envelopes are all `like.create`, so the payload is read as the
 * schema that key maps to.
 */
function eventsValidator(schema: string, numeric: 'checked' | 'annotations' = 'annotations'): ValidateFunction {
  const raw = structuredClone(EVENTS_DOC);
  raw.components.schemas.ActivityStreamingResponsePayload = { $ref: '#/components/schemas/LikeWithPostAuthor' };
  const doc = rewriteDiscriminators(raw);
  const ajv = new Ajv({ strict: false, allErrors: true, logger: false });
  formatsPlugin.default(ajv);
  for (const format of collectFormats(doc)) if (!ajv.formats[format]) ajv.addFormat(format, true);
  if (numeric === 'annotations') for (const format of NUMERIC_FORMATS) ajv.addFormat(format, true);
  ajv.addSchema(doc, 'events');
  return ajv.compile({ $ref: `events#/components/schemas/${schema}` });
}

const violations = (validate: ValidateFunction, body: unknown): string[] =>
  validate(body) ? [] : (validate.errors as ErrorObject[]).map((e) => `${e.instancePath.replace(/\/\d+(?=\/|$)/g, '/*')} ${e.keyword}`);

/** The 200 schema X's OpenAPI gives an operation. */
function responseSchemaOf(path: string): string {
  const ref: string = EVENTS_DOC.paths[path].get.responses['200'].content['application/json'].schema.$ref;
  return ref.replace('#/components/schemas/', '');
}

/** OpenAPI 2.167 calls `includes.tweets` `posts`: the same objects under its name, so its `Post` schema checks them. */
const asV2167Includes = (body: Json): Json => {
  const copy = structuredClone(body);
  const holder = copy.data?.event_type ? copy.data : copy;
  if (holder.includes?.tweets) holder.includes.posts = holder.includes.tweets;
  return copy;
};

function randomLikes(n: number, seed: number): LikeEvent[] {
  // Seeded, so the distribution tests are the same on every run.
  const prng = new Prng(seed);
  const rnd = () => prng.next();
  const snowflake = () => String(1_000_000_000_000_000_000 + Math.floor(rnd() * 8e17) * 10 + Math.floor(rnd() * 10));
  return Array.from({ length: n }, (_, i) => ({
    kind: 'like' as const,
    userId: snowflake(),
    tweetId: snowflake(),
    authorId: snowflake(),
    at: Date.UTC(2026, 0, 1) + Math.floor(rnd() * 86_400_000 * 30),
    seq: String(i + 1),
  }));
}

// ---- The tests ----

describe('like events: the ids', () => {
  it('like id: 32 lowercase hex (X\'s form and OpenAPI LikeId), naming the like, not its delivery', () => {
    const id = likeIdOf(likeEvent());
    assert.match(id, /^[0-9a-f]{32}$/);
    assert.match(id, new RegExp(EVENTS_DOC.components.schemas.LikeId.pattern));
    assert.equal(jsonType(X_PAYLOAD.id), 'string');
    assert.equal(X_PAYLOAD.id.length, id.length);
    assert.equal(likeIdOf(likeEvent({ seq: '987' })), id, 'the same like re-emitted has the same id');
    assert.equal(id, likeId(LIKER_ID, LIKED.id, AT));
    assert.notEqual(likeIdOf(likeEvent({ at: AT + 1 })), id, 'liked again later: another like');
    assert.notEqual(likeIdOf(likeEvent({ userId: '42' })), id);
  });

  it('event_uuid: a signed 64-bit decimal string, stable per (event, subscription), negative about half the time', () => {
    const event = likeEvent();
    const uuid = eventUuid(event, '7');
    assert.match(uuid, /^-?[0-9]{1,19}$/);
    assert.ok(BigInt(uuid) >= -(2n ** 63n) && BigInt(uuid) < 2n ** 63n);
    assert.equal(eventUuid({ ...event }, '7'), uuid, 'a redelivery carries the same uuid');
    assert.notEqual(eventUuid(event, '8'), uuid, 'another subscription: another delivery');
    assert.notEqual(eventUuid(likeEvent({ seq: '2' }), '7'), uuid, 'another outbox event: another uuid');
    assert.notEqual(eventUuid(likeEvent({ kind: 'unlike' }), '7'), uuid);
    const likes = randomLikes(2000, 11);
    const negative = likes.filter((e) => eventUuid(e, '1').startsWith('-')).length / likes.length;
    assert.ok(negative > 0.45 && negative < 0.55, `negative share ${negative}`);
    assert.equal(new Set(likes.map((e) => eventUuid(e, '1'))).size, likes.length);
  });

  it('times: ISO to the second with .000Z, as X writes them', () => {
    assert.equal(isoSeconds(AT), X_PAYLOAD.created_at, 'X\'s own timestamp_ms gives X\'s created_at');
    assert.equal(isoSeconds(Date.UTC(2021, 6, 6, 18, 40, 40, 999)), '2021-07-06T18:40:40.000Z');
  });
});

describe('X Activity API like.create', () => {
  const event = likeEvent();
  const subscriptionId = negativeUuidSubscription(event);
  const ours = activityLikeCreate(event, {
    subscriptionId, filter: X_LIKE_CREATE.data.filter, tag: X_LIKE_CREATE.data.tag, tweet: LIKED, author: AUTHOR, liker: LIKER,
  }) as Json;

  it('the envelope: X\'s members in X\'s order, with X\'s types', () => {
    assert.deepEqual(Object.keys(ours), Object.keys(X_LIKE_CREATE));
    assert.deepEqual(Object.keys(ours.data), Object.keys(X_LIKE_CREATE.data));
    assert.match(ours.data.event_uuid, /^-[0-9]{1,19}$/);
    assert.equal(ours.data.event_type, 'like.create');
    assert.equal(ours.data.tag, 'likes');
    assert.deepEqual(ours.data.filter, X_LIKE_CREATE.data.filter);
    assert.deepEqual(Object.keys(ours.data.filter), Object.keys(X_LIKE_CREATE.data.filter), 'user_id, then direction');
    assert.deepEqual(compareShape(ours.data, X_LIKE_CREATE.data).filter((p) => !p.startsWith('.includes')), []);
  });

  it('the payload: X\'s five strings in X\'s order; created_at is the like\'s time, timestamp_ms a string', () => {
    assert.deepEqual(Object.keys(ours.data.payload), Object.keys(X_PAYLOAD));
    for (const [key, value] of Object.entries(X_PAYLOAD)) assert.equal(typeof ours.data.payload[key], typeof value, key);
    const { id, ...rest } = ours.data.payload;
    const { id: xId, ...xRest } = X_PAYLOAD;
    assert.deepEqual(rest, xRest, 'built from X\'s values, the payload is X\'s (the like id aside)');
    assert.match(id, /^[0-9a-f]{32}$/);
    assert.match(xId, /^[0-9a-f]{32}$/);
  });

  it('includes: the liked Post\'s author and the Post, with X\'s members and types and the *_str twins', () => {
    assert.deepEqual(Object.keys(ours.data.includes), Object.keys(X_LIKE_CREATE.data.includes));
    assert.equal(ours.data.includes.users.length, 1, 'outbound: the liker is the filtered user, not repeated');
    assert.equal(ours.data.includes.users[0].id, X_USER.id);
    // What X's objects have and our records cannot give: pinned here, so a change either way is seen.
    assert.deepEqual(compareShape(ours.data.includes.users[0], X_USER).sort(), [
      '.affiliation', '.entities', '.is_identity_verified', '.profile_banner_url', '.profile_geo_enrichment',
      '.public_metrics.media_count', '.public_metrics.media_count_str',
    ]);
    assert.deepEqual(compareShape(ours.data.includes.tweets[0], X_TWEET).sort(), ['.display_text_range', '.paid_partnership']);
    const { media_count: _m, media_count_str: _ms, ...xUserMetrics } = X_USER.public_metrics;
    assert.deepEqual(ours.data.includes.users[0].public_metrics, xUserMetrics);
    assert.deepEqual(Object.keys(ours.data.includes.users[0].public_metrics), Object.keys(xUserMetrics), 'each twin right after its count');
    assert.deepEqual(ours.data.includes.tweets[0].public_metrics, X_TWEET.public_metrics);
    assert.deepEqual(ours.data.includes.tweets[0].entities, X_TWEET.entities);
    assert.deepEqual(Object.keys(ours.data.includes.tweets[0].edit_controls), Object.keys(X_TWEET.edit_controls));
    for (const key of ['text', 'lang', 'conversation_id', 'created_at', 'author_id', 'id', 'reply_settings']) {
      assert.deepEqual(ours.data.includes.tweets[0][key], X_TWEET[key], key);
    }
  });

  it('*_str twins: every integer member, not integers in arrays nor fractions', () => {
    assert.deepEqual(withStringTwins({ a: 1, b: 1.5, c: [1, 2], d: [{ e: 3 }], f: 'x', g: null }), {
      a: 1, a_str: '1', b: 1.5, c: [1, 2], d: [{ e: 3, e_str: '3' }], f: 'x', g: null,
    });
  });

  it('inbound: the liker comes after the author in includes.users (the payload names no liker)', () => {
    const inbound = activityLikeCreate(event, {
      subscriptionId: '5', filter: { user_id: AUTHOR.id, direction: 'inbound' }, tweet: LIKED, author: AUTHOR, liker: LIKER,
    });
    assert.deepEqual(inbound.data.includes.users.map((u) => u.id), [AUTHOR.id, LIKER.id]);
    assert.equal('tag' in inbound.data, false, 'no tag: no member');
    assert.deepEqual(inbound.data.filter, { user_id: AUTHOR.id, direction: 'inbound' });
    const selfLike = activityLikeCreate(likeEvent({ userId: AUTHOR.id }), {
      subscriptionId: '5', filter: { user_id: AUTHOR.id }, tweet: LIKED, author: AUTHOR, liker: AUTHOR,
    });
    assert.deepEqual(selfLike.data.includes.users.map((u) => u.id), [AUTHOR.id]);
  });

  it('refuses unlikes (XAA has no unlike event) and records that are not the event\'s', () => {
    const base = { subscriptionId: '1', filter: {}, tweet: LIKED, author: AUTHOR, liker: LIKER };
    assert.throws(() => activityLikeCreate(likeEvent({ kind: 'unlike' }), base), RangeError);
    assert.throws(() => activityLikeCreate(likeEvent(), { ...base, liker: AUTHOR }), RangeError);
  });

  it('against X\'s OpenAPI: departs from ActivityStreamResponse exactly where X\'s own example does', () => {
    const validate = eventsValidator('ActivityStreamResponse');
    const mine = violations(validate, asV2167Includes(ours)).sort();
    assert.deepEqual(mine, violations(validate, asV2167Includes(X_LIKE_CREATE)).sort());
    // The documented disagreements (x-events.md §6, 10 and 11), and v2.167's renamed metrics (`post_count`,
    // `repost_count` required) that X's recorded objects do not carry either.
    assert.deepEqual(mine, [
      '/data/event_uuid pattern', '/data/includes/posts/*/public_metrics required',
      '/data/includes/users/*/public_metrics required', '/data/payload/timestamp_ms type',
    ]);
  });

  it('the filter echo is a valid subscription filter in every schema that names one', () => {
    const filter = echoFilter({ direction: 'outbound', user_id: '2244994945', extra: 'x' } as never);
    assert.deepEqual(Object.keys(filter), ['user_id', 'direction']);
    for (const schema of [
      'ActivitySubscriptionFilter', 'CreateActivitySubscriptionFilter', 'GetActivitySubscriptionsResponseDataFilter',
      'CreateActivitySubscriptionResponseDataSubscriptionFilter', 'UpdateActivitySubscriptionResponseDataSubscriptionFilter',
    ]) {
      assert.deepEqual(violations(eventsValidator(schema), filter), [], schema);
    }
    assert.deepEqual(echoFilter({}), {}, 'X: "The filter may be empty."');
  });
});

describe('Account Activity favorite_events', () => {
  const X_EVENT = X_FAVORITE_EVENTS.favorite_events[0];
  const at = X_EVENT.timestamp_ms as number;
  const event = likeEvent({ at });
  const body = favoriteEvents(X_FAVORITE_EVENTS.for_user_id, [{ event, tweet: LIKED, author: AUTHOR, liker: LIKER }])!;
  const ours = body.favorite_events[0];

  it('X\'s members in X\'s order and types; created_at is the like\'s time in v1.1 form', () => {
    assert.deepEqual(Object.keys(body), Object.keys(X_FAVORITE_EVENTS));
    assert.equal(body.for_user_id, X_FAVORITE_EVENTS.for_user_id);
    assert.deepEqual(Object.keys(ours), Object.keys(X_EVENT));
    for (const key of Object.keys(X_EVENT)) assert.equal(jsonType(ours[key as keyof typeof ours]), jsonType(X_EVENT[key]), key);
    assert.equal(ours.created_at, X_EVENT.created_at, 'X\'s timestamp_ms gives X\'s created_at');
    assert.equal(ours.timestamp_ms, at);
    assert.match(ours.id, /^[0-9a-f]{32}$/);
    assert.equal(ours.id.length, X_EVENT.id.length);
    assert.equal(ours.id, likeIdOf(event), 'the same like id XAA and the streams carry');
    assert.equal(ours.user.id_str, LIKER.id, 'user: the liker');
    assert.equal(ours.favorited_status.user.id_str, AUTHOR.id, 'favorited_status.user: the author');
  });

  it('v1.1 dates: "Wed Oct 10 20:19:24 +0000 2018", day zero-padded', () => {
    assert.equal(v1Date(Date.UTC(2018, 9, 10, 20, 19, 24)), 'Wed Oct 10 20:19:24 +0000 2018');
    assert.equal(v1Date(Date.UTC(2021, 0, 6, 18, 40, 40, 900)), 'Wed Jan 06 18:40:40 +0000 2021');
  });

  it('v1.1 ids: numeric and *_str, the numbers written with X\'s exact digits', () => {
    const json = accountActivityJson(body);
    assert.ok(json.includes(`"id":${AUTHOR.id},"id_str":"${AUTHOR.id}"`), 'beyond 2^53, exact');
    assert.ok(json.includes(`"id":${LIKED.id},"id_str":"${LIKED.id}"`));
    assert.notEqual(String(Number(AUTHOR.id)), AUTHOR.id, 'a double could not have held it');
    assert.throws(() => JSON.stringify(body), TypeError, 'plain JSON.stringify refuses, so no rounded id slips out');
    const parsed = JSON.parse(json);
    assert.equal(parsed.favorite_events[0].favorited_status.id_str, LIKED.id);
    const plain = { a: [1, 'x', null, { b: true, c: undefined }], d: 'é"\n', e: undefined };
    assert.equal(accountActivityJson(plain), JSON.stringify(plain));
  });

  it('v1.1 user: the data dictionary\'s members, counts renamed', () => {
    const u = v1User(AUTHOR);
    assert.equal(u.screen_name, AUTHOR.username);
    assert.equal(u.followers_count, AUTHOR.metrics.followers_count);
    assert.equal(u.friends_count, AUTHOR.metrics.following_count);
    assert.equal(u.favourites_count, AUTHOR.metrics.like_count);
    assert.equal(u.statuses_count, AUTHOR.metrics.tweet_count);
    assert.equal(u.created_at, 'Thu May 29 20:24:26 +0000 2014');
    assert.equal(u.url, null, 'no profile URL: null, not ""');
    assert.equal(u.profile_image_url_https, AUTHOR.profileImageUrl);
    assert.equal(u.default_profile_image, false);
  });

  it('v1.1 Tweet: compatibility mode cuts a long text to 140 and keeps the whole in extended_tweet', () => {
    const t = v1Tweet(LIKED, AUTHOR);
    assert.equal(t.truncated, true);
    assert.ok([...t.text].length <= 140, `${[...t.text].length} characters`);
    assert.ok(t.text.startsWith(LIKED.text.slice(0, 60)));
    assert.ok(t.text.endsWith(`… https://twitter.com/i/web/status/${LIKED.id}`));
    assert.equal(t.extended_tweet!.full_text, LIKED.text);
    assert.deepEqual(t.extended_tweet!.display_text_range, [0, [...LIKED.text].length]);
    assert.deepEqual(t.extended_tweet!.entities.urls.map((u) => u.indices), [[urlStart, urlEnd]]);
    assert.deepEqual(t.entities.urls.map((u) => u.expanded_url), [`https://twitter.com/i/web/status/${LIKED.id}`], 'the cut link only');
    const [start, end] = t.entities.urls[0].indices;
    assert.equal([...t.text].slice(start, end).join(''), t.entities.urls[0].url);
    assert.equal(t.is_quote_status, true);
    assert.equal(t.quoted_status_id_str, X_TWEET.referenced_tweets[0].id);
    assert.equal(t.favorite_count, LIKED.likeCount);
    assert.equal(t.retweet_count, LIKED.retweetCount);
    assert.equal(t.possibly_sensitive, false, 'present: the Tweet has a link');
    assert.equal(t.source, '<a href="https://mobile.twitter.com" rel="nofollow">Twitter Web App</a>');

    const short = v1Tweet(tweet('1050118621198921728', AUTHOR.id, { text: 'short & sweet' }), AUTHOR);
    assert.equal(short.truncated, false);
    assert.equal('extended_tweet' in short, false);
    assert.equal(short.text, 'short & sweet');
    assert.equal('possibly_sensitive' in short, false);
    assert.deepEqual(short.entities, { hashtags: [], urls: [], user_mentions: [], symbols: [] });
    assert.equal(short.in_reply_to_status_id, null);
  });

  it('v1.1 Tweet: replies and mentions', () => {
    const reply = tweet('20', AUTHOR.id, {
      text: '@liker yes',
      inReplyToUserId: LIKER.id,
      referencedTweets: [{ type: 'replied_to', id: '19' }],
      entities: { mentions: [{ start: 0, end: 6, username: 'liker', id: LIKER.id }, { start: 0, end: 6, username: 'ghost' }] },
    });
    const t = v1Tweet(reply, AUTHOR, { repliedTo: LIKER });
    assert.equal(t.in_reply_to_status_id, 19n);
    assert.equal(t.in_reply_to_status_id_str, '19');
    assert.equal(t.in_reply_to_user_id_str, LIKER.id);
    assert.equal(t.in_reply_to_screen_name, 'liker');
    assert.deepEqual(t.entities.user_mentions, [
      { screen_name: 'liker', id: BigInt(LIKER.id), id_str: LIKER.id, indices: [0, 6] },
      { screen_name: 'ghost', indices: [0, 6] },
    ]);
    assert.equal(v1Tweet(reply, AUTHOR).in_reply_to_screen_name, null, 'unknown without the replied-to user');
    assert.equal(v1Source('Some <App>'), '<a href="https://twitter.com" rel="nofollow">Some &lt;App&gt;</a>');
  });

  it('unlikes are left out (AAA has no unfavorite event); nothing left: null', () => {
    const unlike = { event: likeEvent({ kind: 'unlike' }), tweet: LIKED, author: AUTHOR, liker: LIKER };
    assert.equal(favoriteEvents('1', [unlike]), null);
    assert.equal(favoriteEvents('1', [unlike, { ...unlike, event: likeEvent() }])!.favorite_events.length, 1);
  });
});

describe('likes streams', () => {
  const event = likeEvent();

  it('X\'s OpenAPI names the 200 schemas the presenters follow', () => {
    assert.equal(responseSchemaOf('/2/likes/firehose/stream'), 'StreamLikesFirehoseResponse');
    assert.equal(responseSchemaOf('/2/likes/sample10/stream'), 'StreamLikesSample10Response');
    assert.equal(responseSchemaOf('/2/likes/compliance/stream'), 'StreamLikesComplianceResponse');
  });

  it('a like: LikeWithPostAuthor (tweet_author_id, integer timestamp_ms), valid on both like streams', () => {
    const body = likeStreamEvent(event, {
      tweet: LIKED, author: AUTHOR,
      tweetFields: new Set(['author_id', 'created_at', 'public_metrics', 'entities', 'edit_controls', 'referenced_tweets']),
      userFields: new Set(['created_at', 'public_metrics', 'description', 'verified', 'pinned_tweet_id']),
    });
    assert.deepEqual(body.data, {
      created_at: X_PAYLOAD.created_at, id: likeIdOf(event), liked_tweet_id: LIKED.id, timestamp_ms: AT, tweet_author_id: AUTHOR.id,
    });
    assert.deepEqual(Object.keys(body.data), Object.keys(EVENTS_DOC.components.schemas.LikeWithPostAuthor.properties), 'the schema\'s order');
    assert.deepEqual(body.includes!.tweets!.map((t) => t.id), [LIKED.id]);
    assert.deepEqual(body.includes!.users!.map((u) => u.id), [AUTHOR.id]);
    for (const schema of ['StreamLikesFirehoseResponse', 'StreamLikesSample10Response']) {
      assert.deepEqual(violations(eventsValidator(schema), body), [], schema);
      assert.deepEqual(violations(eventsValidator(schema), asV2167Includes(body as Json)), [], `${schema}, includes.posts`);
      // The schema's int32 cannot hold any time after 1970-01-25: the one departure, kept as the type says.
      assert.deepEqual(violations(eventsValidator(schema, 'checked'), body), ['/data/timestamp_ms format'], `${schema}, int32 checked`);
    }
  });

  it('like_with_tweet_author.fields selects members (liked_tweet_author_id is the schema\'s tweet_author_id)', () => {
    assert.deepEqual(likeStreamEvent(event, { fields: new Set(['liked_tweet_author_id']) }), { data: { id: likeIdOf(event), tweet_author_id: AUTHOR.id } });
    assert.deepEqual(likeStreamEvent(event, { fields: new Set(['attachments_media_keys', 'timestamp_ms']) }), { data: { id: likeIdOf(event), timestamp_ms: AT } });
    assert.deepEqual(Object.keys(likeStreamEvent(event).data), ['created_at', 'id', 'liked_tweet_id', 'timestamp_ms', 'tweet_author_id']);
    assert.equal('includes' in likeStreamEvent(event), false, 'no expansion: no includes');
    assert.throws(() => likeStreamEvent(likeEvent({ kind: 'unlike' })), RangeError);
    assert.throws(() => likeStreamEvent(event, { author: LIKER }), RangeError);
  });

  it('an unlike: delete.favorite on the compliance stream, valid StreamLikesComplianceResponse', () => {
    const body = likeComplianceEvent(likeEvent({ kind: 'unlike', at: Date.UTC(2021, 6, 6, 18, 40, 40, 321) }));
    assert.deepEqual(body, { data: { delete: { favorite: { id: LIKED.id, user_id: LIKER_ID }, event_at: '2021-07-06T18:40:40.000Z' } } });
    assert.deepEqual(violations(eventsValidator('StreamLikesComplianceResponse', 'checked'), body), []);
    assert.deepEqual(violations(eventsValidator('StreamLikesComplianceResponse', 'checked'), likeComplianceEvent(randomLikes(1, 3).map((e) => ({ ...e, kind: 'unlike' as const }))[0])), []);
    assert.throws(() => likeComplianceEvent(likeEvent()), RangeError);
  });

  it('firehose partitions: 1..20, even over many likes, stable for a like', () => {
    const likes = randomLikes(20_000, 7);
    const counts = new Array<number>(21).fill(0);
    for (const e of likes) counts[firehosePartition(e)]++;
    assert.equal(counts[0], 0);
    const expected = likes.length / 20;
    for (let p = 1; p <= 20; p++) assert.ok(Math.abs(counts[p] - expected) < expected * 0.15, `partition ${p}: ${counts[p]}`);
    // Chi-square, 19 degrees of freedom: 43.8 is the 0.001 critical value.
    const chi = counts.slice(1).reduce((s, c) => s + (c - expected) ** 2 / expected, 0);
    assert.ok(chi < 43.8, `chi-square ${chi.toFixed(1)}`);
    for (const e of likes.slice(0, 200)) {
      assert.equal(firehosePartition({ ...e, seq: 'other' }), firehosePartition(e), 'the like, not its delivery, decides');
    }
    const five = new Set(likes.map((e) => firehosePartition(e, 5)));
    assert.deepEqual([...five].sort(), [1, 2, 3, 4, 5]);
    assert.throws(() => firehosePartition(event, 0), RangeError);
    assert.throws(() => firehosePartition(event, 2.5), RangeError);
  });

  it('the 10% sample: 10% ± 1.5%, stable, spread over every firehose partition, two even sample partitions', () => {
    const likes = randomLikes(20_000, 9);
    const sampled = likes.filter(inSample10);
    const share = sampled.length / likes.length;
    assert.ok(Math.abs(share - 0.1) <= 0.015, `sampled ${(share * 100).toFixed(2)}%`);
    for (const e of likes.slice(0, 500)) assert.equal(inSample10({ ...e, seq: 'again' }), inSample10(e));
    assert.deepEqual(randomLikes(20_000, 9).filter(inSample10).map(likeIdOf), sampled.map(likeIdOf), 'the same sample every time');
    assert.equal(new Set(sampled.map((e) => firehosePartition(e))).size, 20, 'independent of the firehose partition');
    const halves = [0, 0, 0];
    for (const e of sampled) halves[sample10Partition(e)]++;
    assert.equal(halves[0], 0);
    for (const p of [1, 2]) assert.ok(Math.abs(halves[p] / sampled.length - 0.5) < 0.05, `sample partition ${p}: ${halves[p]}`);
  });
});
