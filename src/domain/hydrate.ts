// Expansions → `includes`, with partial `errors[]` for what cannot be shown. Every kind of object is fetched
// in one batched store call per page, whatever the page size (no per-row queries). Every Tweet and user enters
// `includes` through one gate applying the visibility rule of `data` (visibility.ts), and expansions are followed
// only from objects that may be shown: nothing hangs off a Tweet the viewer may not see.
import type { FieldSelection } from './fields.ts';
import type { MetricNames, TweetRecord, UserRecord } from './model.ts';
import { presentMedia, presentPlace, presentPoll, presentTweet, presentUser } from './present.ts';
import { includesRefusal, tweetVerdict, userVerdict, type AuthorFlags } from './visibility.ts';
import { includedTweetAttributesFor, includedUserAttributesFor } from './readAttributes.ts';
import type { ContentStore } from '../ports/contentStore.ts';

type Json = Record<string, unknown>;

export interface Hydrated {
  includes?: Json;
  errors: Json[];
}

/** Ordered, de-duplicated collection of ids. */
class IdList {
  private readonly seen = new Set<string>();
  readonly items: string[] = [];
  add(id: string | null | undefined): void {
    if (id && !this.seen.has(id)) {
      this.seen.add(id);
      this.items.push(id);
    }
  }
}

const byKey = <T>(items: T[], key: (t: T) => string): Map<string, T> => new Map(items.map((i) => [key(i), i]));

/** The one way into `includes` for Tweets and users: what the viewer may not see becomes X's partial error. */
class IncludesGate {
  readonly errors: Json[] = [];
  constructor(private readonly viewerId: string | null) {}

  tweet(t: TweetRecord | undefined, author: AuthorFlags | undefined, parameter: string, id: string): t is TweetRecord {
    const verdict = tweetVerdict(t, author, this.viewerId);
    if (verdict === 'visible') return true;
    this.errors.push(includesRefusal('tweet', verdict, parameter, id));
    return false;
  }

  user(u: UserRecord | undefined, parameter: string, value: string): u is UserRecord {
    const verdict = userVerdict(u);
    if (verdict === 'visible') return true;
    this.errors.push(includesRefusal('user', verdict, parameter, value));
    return false;
  }
}

/**
 * Includes for a page of Tweets (liked_tweets). `authors` must hold the visibility flags of the authors of
 * `tweets`: a Tweet the viewer may not see is not expanded from (the caller leaves it out of `data`).
 */
export async function hydrateTweets(
  store: ContentStore,
  tweets: readonly TweetRecord[],
  authors: ReadonlyMap<string, AuthorFlags>,
  sel: FieldSelection,
  viewerId: string | null,
  now: number,
  metricNames: MetricNames = 'both',
): Promise<Hydrated> {
  const x = sel.expansions;
  // Nothing expanded: nothing to read or include.
  if (x.size === 0) return { includes: undefined, errors: [] };
  const gate = new IncludesGate(viewerId);
  const sources = tweets.filter((t) => tweetVerdict(t, authors.get(t.authorId), viewerId) === 'visible');
  const userIds = new IdList();
  const usernames = new IdList();
  const refIds = new IdList();
  const mediaKeys = new IdList();
  const pollIds = new IdList();
  const placeIds = new IdList();

  for (const t of sources) {
    if (x.has('author_id')) userIds.add(t.authorId);
    if (x.has('in_reply_to_user_id')) userIds.add(t.inReplyToUserId);
    if (x.has('entities.mentions.username')) for (const m of t.entities?.mentions ?? []) usernames.add(m.username);
    if (x.has('referenced_tweets.id')) for (const r of t.referencedTweets) refIds.add(r.id);
    if (x.has('attachments.media_keys')) for (const k of t.mediaKeys) mediaKeys.add(k);
    if (x.has('attachments.poll_ids')) for (const p of t.pollIds) pollIds.add(p);
    if (x.has('geo.place_id')) placeIds.add(t.placeId);
  }

  const refTweets = refIds.items.length ? byKey(await store.tweetsByIds(refIds.items, includedTweetAttributesFor(sel)), (t) => t.id) : new Map<string, TweetRecord>();
  const existingRefs = [...refTweets.values()].filter((r) => !r.deleted);
  // Authors of referenced Tweets are needed to decide visibility even when they are not expanded. Media of every
  // existing referenced Tweet is read in the same round trip; only that of the ones that may be shown is used.
  const wantedUsers = [...new Set([...userIds.items, ...existingRefs.map((r) => r.authorId)])];
  const refMedia = x.has('referenced_tweets.id.attachments.media_keys') ? existingRefs.flatMap((r) => r.mediaKeys) : [];
  const candidateMedia = [...new Set([...mediaKeys.items, ...refMedia])];
  const [fetchedUsers, mentioned, media, polls, places] = await Promise.all([
    wantedUsers.length ? store.usersByIds(wantedUsers, includedUserAttributesFor(sel)) : [],
    usernames.items.length ? store.usersByUsernames(usernames.items, includedUserAttributesFor(sel)) : [],
    candidateMedia.length ? store.mediaByKeys(candidateMedia) : [],
    pollIds.items.length ? store.pollsByIds(pollIds.items) : [],
    placeIds.items.length ? store.placesByIds(placeIds.items) : [],
  ]);
  const users = byKey(fetchedUsers, (u) => u.id);

  const includedTweets: Json[] = [];
  for (const id of refIds.items) {
    const ref = refTweets.get(id);
    if (!gate.tweet(ref, ref && users.get(ref.authorId), 'referenced_tweets.id', id)) continue;
    includedTweets.push(presentTweet(ref, sel.tweet, viewerId, metricNames));
    if (x.has('referenced_tweets.id.author_id')) userIds.add(ref.authorId);
    if (x.has('referenced_tweets.id.attachments.media_keys')) for (const k of ref.mediaKeys) mediaKeys.add(k);
  }

  // Which expansion named a user, for its partial error.
  const authorIds = new Set(sources.map((t) => t.authorId));
  const replyToIds = new Set(sources.map((t) => t.inReplyToUserId));
  const includedUsers: Json[] = [];
  const shownUserIds = new Set<string>();
  const showUser = (u: UserRecord) => {
    if (!shownUserIds.has(u.id)) {
      shownUserIds.add(u.id);
      includedUsers.push(presentUser(u, sel.user, metricNames));
    }
  };
  for (const id of userIds.items) {
    const parameter = x.has('author_id') && authorIds.has(id)
      ? 'author_id'
      : x.has('in_reply_to_user_id') && replyToIds.has(id)
        ? 'in_reply_to_user_id'
        : 'referenced_tweets.id.author_id';
    const u = users.get(id);
    if (gate.user(u, parameter, id)) showUser(u);
  }
  const mentionedByName = byKey(mentioned, (u) => u.username.toLowerCase());
  for (const name of usernames.items) {
    const u = mentionedByName.get(name.toLowerCase());
    if (gate.user(u, 'entities.mentions.username', name)) showUser(u);
  }

  // Media, polls and places show only through a Tweet that shows: the lists hold nothing else.
  const mediaByKey = byKey(media, (m) => m.mediaKey);
  const pollById = byKey(polls, (p) => p.id);
  const placeById = byKey(places, (p) => p.id);
  const includes: Json = {};
  const mediaOut = mediaKeys.items.flatMap((k) => (mediaByKey.has(k) ? [presentMedia(mediaByKey.get(k)!, sel.media)] : []));
  if (mediaOut.length) includes.media = mediaOut;
  const placesOut = placeIds.items.flatMap((k) => (placeById.has(k) ? [presentPlace(placeById.get(k)!, sel.place)] : []));
  if (placesOut.length) includes.places = placesOut;
  const pollsOut = pollIds.items.flatMap((k) => (pollById.has(k) ? [presentPoll(pollById.get(k)!, sel.poll, now)] : []));
  if (pollsOut.length) includes.polls = pollsOut;
  if (includedTweets.length) includes.tweets = includedTweets;
  if (includedUsers.length) includes.users = includedUsers;
  return { includes: Object.keys(includes).length ? includes : undefined, errors: gate.errors };
}

/** Includes for a page of users (liking_users): their pinned Tweets, shown only where the viewer may see them. */
export async function hydrateUsers(
  store: ContentStore,
  users: readonly UserRecord[],
  sel: FieldSelection,
  viewerId: string | null,
  metricNames: MetricNames = 'both',
): Promise<Hydrated> {
  const gate = new IncludesGate(viewerId);
  if (!sel.expansions.has('pinned_tweet_id')) return { errors: gate.errors };
  const pinned = new IdList();
  for (const u of users) if (userVerdict(u) === 'visible') pinned.add(u.pinnedTweetId);
  if (pinned.items.length === 0) return { errors: gate.errors };
  const tweets = byKey(await store.tweetsByIds(pinned.items, includedTweetAttributesFor(sel)), (t) => t.id);
  // A pinned Tweet is normally its liker's own, so its author is usually on the page already.
  const authors = byKey<AuthorFlags>([...users], (u) => u.id);
  const unknown = [...new Set([...tweets.values()].map((t) => t.authorId))].filter((id) => !authors.has(id));
  if (unknown.length) for (const u of await store.usersByIds(unknown, ['protected'])) authors.set(u.id, u);
  const out: Json[] = [];
  for (const id of pinned.items) {
    const t = tweets.get(id);
    if (gate.tweet(t, t && authors.get(t.authorId), 'pinned_tweet_id', id)) out.push(presentTweet(t, sel.tweet, viewerId, metricNames));
  }
  return { includes: out.length ? { tweets: out } : undefined, errors: gate.errors };
}
