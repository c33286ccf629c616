// Expansions → `includes`, with partial `errors[]` for what cannot be shown. Every kind of object is fetched
// in one batched store call per page, whatever the page size (no per-row queries).
import type { FieldSelection } from './fields.ts';
import type { TweetRecord, UserRecord } from './model.ts';
import { presentMedia, presentPlace, presentPoll, presentTweet, presentUser } from './present.ts';
import { notAuthorizedForResource, resourceNotFound, userSuspended } from './problems.ts';
import type { LikesStore } from '../ports/store.ts';

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

/** Whether `viewerId` may see Tweets of `author` (protected accounts show only to themselves here). */
export function canSeeAuthor(author: Pick<UserRecord, 'id' | 'protected' | 'suspended'> | undefined, viewerId: string | null): boolean {
  return !!author && !author.suspended && (!author.protected || author.id === viewerId);
}

/** Includes for a page of Tweets (liked_tweets). `authors` must already hold the authors of `tweets`. */
export async function hydrateTweets(
  store: LikesStore,
  tweets: readonly TweetRecord[],
  authors: ReadonlyMap<string, UserRecord>,
  sel: FieldSelection,
  viewerId: string | null,
  now: number,
): Promise<Hydrated> {
  const x = sel.expansions;
  const errors: Json[] = [];
  const userIds = new IdList();
  const usernames = new IdList();
  const refIds = new IdList();
  const mediaKeys = new IdList();
  const pollIds = new IdList();
  const placeIds = new IdList();

  for (const t of tweets) {
    if (x.has('author_id')) userIds.add(t.authorId);
    if (x.has('in_reply_to_user_id')) userIds.add(t.inReplyToUserId);
    if (x.has('entities.mentions.username')) for (const m of t.entities?.mentions ?? []) usernames.add(m.username);
    if (x.has('referenced_tweets.id')) for (const r of t.referencedTweets) refIds.add(r.id);
    if (x.has('attachments.media_keys')) for (const k of t.mediaKeys) mediaKeys.add(k);
    if (x.has('attachments.poll_ids')) for (const p of t.pollIds) pollIds.add(p);
    if (x.has('geo.place_id')) placeIds.add(t.placeId);
  }

  const refTweets = refIds.items.length ? byKey(await store.tweetsByIds(refIds.items), (t) => t.id) : new Map<string, TweetRecord>();
  const shownRefs: TweetRecord[] = [];
  for (const id of refIds.items) {
    const ref = refTweets.get(id);
    if (!ref || ref.deleted) {
      errors.push(resourceNotFound('tweet', 'referenced_tweets.id', id));
      continue;
    }
    shownRefs.push(ref);
    if (x.has('referenced_tweets.id.author_id')) userIds.add(ref.authorId);
    if (x.has('referenced_tweets.id.attachments.media_keys')) for (const k of ref.mediaKeys) mediaKeys.add(k);
  }

  // Authors of referenced Tweets are needed to decide visibility even when they are not expanded.
  const missingUsers = [...new Set([...userIds.items, ...shownRefs.map((r) => r.authorId)])].filter((id) => !authors.has(id));
  const [moreUsers, mentioned, media, polls, places] = await Promise.all([
    missingUsers.length ? store.usersByIds(missingUsers) : [],
    usernames.items.length ? store.usersByUsernames(usernames.items) : [],
    mediaKeys.items.length ? store.mediaByKeys(mediaKeys.items) : [],
    pollIds.items.length ? store.pollsByIds(pollIds.items) : [],
    placeIds.items.length ? store.placesByIds(placeIds.items) : [],
  ]);
  const users = new Map(authors);
  for (const u of moreUsers) users.set(u.id, u);

  // Referenced Tweets whose authors the viewer may not see are reported rather than included.
  const includedTweets: Json[] = [];
  for (const ref of shownRefs) {
    if (!canSeeAuthor(users.get(ref.authorId), viewerId)) {
      errors.push(notAuthorizedForResource('tweet', 'referenced_tweets.id', ref.id, 'includes'));
      continue;
    }
    includedTweets.push(presentTweet(ref, sel.tweet, viewerId));
  }

  // Which expansion named a user, for its partial error.
  const authorIds = new Set(tweets.map((t) => t.authorId));
  const replyToIds = new Set(tweets.map((t) => t.inReplyToUserId));
  const includedUsers: Json[] = [];
  const shownUserIds = new Set<string>();
  const showUser = (u: UserRecord) => {
    if (!shownUserIds.has(u.id)) {
      shownUserIds.add(u.id);
      includedUsers.push(presentUser(u, sel.user));
    }
  };
  for (const id of userIds.items) {
    const u = users.get(id);
    const parameter = x.has('author_id') && authorIds.has(id)
      ? 'author_id'
      : x.has('in_reply_to_user_id') && replyToIds.has(id)
        ? 'in_reply_to_user_id'
        : 'referenced_tweets.id.author_id';
    if (!u) errors.push(resourceNotFound('user', parameter, id));
    else if (u.suspended) errors.push(userSuspended(parameter, id));
    else showUser(u);
  }
  const mentionedByName = byKey(mentioned, (u) => u.username.toLowerCase());
  for (const name of usernames.items) {
    const u = mentionedByName.get(name.toLowerCase());
    if (!u) errors.push(resourceNotFound('user', 'entities.mentions.username', name));
    else if (u.suspended) errors.push(userSuspended('entities.mentions.username', name));
    else showUser(u);
  }

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
  return { includes: Object.keys(includes).length ? includes : undefined, errors };
}

/** Includes for a page of users (liking_users): their pinned Tweets. */
export async function hydrateUsers(
  store: LikesStore,
  users: readonly UserRecord[],
  sel: FieldSelection,
  viewerId: string | null,
): Promise<Hydrated> {
  const errors: Json[] = [];
  if (!sel.expansions.has('pinned_tweet_id')) return { errors };
  const pinned = new IdList();
  for (const u of users) pinned.add(u.pinnedTweetId);
  if (pinned.items.length === 0) return { errors };
  const tweets = byKey(await store.tweetsByIds(pinned.items), (t) => t.id);
  const out: Json[] = [];
  for (const id of pinned.items) {
    const t = tweets.get(id);
    if (!t || t.deleted) errors.push(resourceNotFound('tweet', 'pinned_tweet_id', id));
    else out.push(presentTweet(t, sel.tweet, viewerId));
  }
  return { includes: out.length ? { tweets: out } : undefined, errors };
}
