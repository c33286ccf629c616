// Nothing reaches `includes` that the caller could not get asked for directly (docs/decisions.md, "What a page
// leaves out"): protected authors' Tweets show to themselves only, suspended accounts and deleted Tweets never,
// and media hangs off a Tweet that shows. A small world is built beside the demo one: every expansion path meets
// a visible, a protected, a suspended-author and a deleted object, for app-only and user-context callers, and
// the protected account itself sees its own objects. Every 200 body is validated against X's documents.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import type { MediaRecord, TweetRecord, UserRecord } from '../../src/domain/model.ts';
import { assertValidSuccess } from '../support/openapi.ts';
import { serverForSuite, type TestServer } from '../support/harness.ts';
import { PROBLEMS } from '../support/problems.ts';

type Json = Record<string, any>;

const T0 = 1_700_000_000_000;

async function get(server: TestServer, path: string, token: string): Promise<Json> {
  const res = await fetch(`${server.baseUrl}${path}`, { headers: { authorization: `Bearer ${token}` } });
  const text = await res.text();
  assert.equal(res.status, 200, `GET ${path} → ${res.status} ${text}`);
  const body = JSON.parse(text) as Json;
  assertValidSuccess(path, 'GET', body);
  return body;
}

const ids = (list: Json[] | undefined, key = 'id'): string[] => (list ?? []).map((o) => o[key]);

function errorOf(page: Json, parameter: string, id: string): Json | undefined {
  return (page.errors ?? []).find((e: Json) => e.parameter === parameter && e.resource_id === id);
}

function assertRefused(page: Json, parameter: string, id: string, type: 'not-authorized-for-resource' | 'resource-not-found'): void {
  const e = errorOf(page, parameter, id);
  assert.ok(e, `an errors[] item for ${parameter} ${id}: ${JSON.stringify(page.errors)}`);
  assert.equal(e.type, `${PROBLEMS}${type}`);
  if (type === 'not-authorized-for-resource') {
    assert.equal(e.section, 'includes');
    assert.equal(e.title, 'Authorization Error');
  }
}

describe('expansions never show what the caller may not see', () => {
  const server = serverForSuite();
  let bearer: string;
  /** A user-context caller who is none of the accounts below. */
  let stranger: string;
  /** The protected account's own token. */
  let ownerToken: string;
  const w = {} as {
    visible: UserRecord; owner: UserRecord; locked: UserRecord; gone: UserRecord;
    root: TweetRecord; visibleRef: TweetRecord; ownerRef: TweetRecord; lockedRef: TweetRecord; goneRef: TweetRecord; deletedRef: TweetRecord;
    lockedLiked: TweetRecord; likedTweet: TweetRecord;
  };
  /** Media key of each Tweet above, by Tweet id. */
  const mediaOf = new Map<string, string>();

  before(async () => {
    const { store } = server.services;
    bearer = server.creds.app.bearerToken;
    stranger = server.creds.users[0].oauth2AccessToken;
    const ownerCreds = server.creds.users[2];
    assert.equal(ownerCreds.protected, true, 'demo users[2] is the protected token holder');
    ownerToken = ownerCreds.oauth2AccessToken;

    const [template] = await store.usersByIds([server.creds.users[1].id]);
    const user = (id: string, username: string, over: Partial<UserRecord>): UserRecord => ({
      ...template, id, username, name: username, protected: false, suspended: false, pinnedTweetId: null, ...over,
    });
    let n = 0;
    const tweet = (authorId: string, over: Partial<TweetRecord> = {}): TweetRecord => {
      const id = String(1_890_000_000_000_000_000n + BigInt(++n));
      return {
        id, authorId, text: `tweet ${n}`, createdAt: T0 + n, lang: 'en', source: 'test', conversationId: id,
        inReplyToUserId: null, referencedTweets: [], mediaKeys: [`3_${id}`], pollIds: [], placeId: null, entities: null,
        possiblySensitive: false, replySettings: 'everyone', deleted: false, retweetCount: 0, replyCount: 0,
        quoteCount: 0, impressionCount: 0, bookmarkCount: 0, likeCount: 0, ...over,
      };
    };

    w.visible = user('1890000000000000001', 'VisAuthor', {});
    w.locked = user('1890000000000000002', 'LockedOne', { protected: true });
    w.gone = user('1890000000000000003', 'GoneOne', { suspended: true });
    [w.owner] = await store.usersByIds([ownerCreds.id]);

    w.visibleRef = tweet(w.visible.id);
    w.ownerRef = tweet(w.owner.id);
    w.lockedRef = tweet(w.locked.id);
    w.goneRef = tweet(w.gone.id);
    w.deletedRef = tweet(w.visible.id, { deleted: true });
    const refs = [w.visibleRef, w.ownerRef, w.lockedRef, w.goneRef, w.deletedRef];
    // The liked Tweet quotes/replies to every kind of Tweet, replies to a suspended account and mentions three.
    w.root = tweet(w.visible.id, {
      referencedTweets: refs.map((r) => ({ type: 'quoted' as const, id: r.id })),
      inReplyToUserId: w.gone.id,
      entities: { mentions: [
        { start: 0, end: 8, username: w.gone.username },
        { start: 9, end: 18, username: w.locked.username },
        { start: 19, end: 28, username: 'NobodyByThatName' },
      ] },
    });
    // Liked Tweets the list must leave out for most callers, with media of their own.
    w.lockedLiked = tweet(w.locked.id, { referencedTweets: [{ type: 'quoted', id: w.visibleRef.id }] });
    w.likedTweet = tweet(w.owner.id, { referencedTweets: [{ type: 'quoted', id: w.lockedRef.id }] });
    const all = [...refs, w.root, w.lockedLiked, w.likedTweet];
    for (const t of all) mediaOf.set(t.id, t.mediaKeys[0]);

    // Pinned Tweets for liking_users: each kind of account pins its own Tweet; one pins a deleted Tweet.
    w.visible.pinnedTweetId = w.visibleRef.id;
    w.locked.pinnedTweetId = w.lockedRef.id;
    w.gone.pinnedTweetId = w.goneRef.id;
    const deletedPinner = user('1890000000000000004', 'PinsDeleted', { pinnedTweetId: w.deletedRef.id });
    w.owner = { ...w.owner, pinnedTweetId: w.ownerRef.id };

    await store.insertUsers([w.visible, w.locked, w.gone, deletedPinner, w.owner]);
    await store.insertTweets(all);
    const media: MediaRecord[] = all.map((t) => ({
      mediaKey: t.mediaKeys[0], type: 'photo', url: `https://pbs.twimg.com/media/${t.id}.jpg`, previewImageUrl: null,
      width: 10, height: 10, altText: null, durationMs: null, viewCount: null,
    }));
    await store.insertMedia(media);
    // The visible author likes everything; the root Tweet is liked by one account of each kind.
    let at = T0;
    for (const t of [w.root, w.lockedLiked, w.likedTweet]) await store.like(w.visible.id, t.id, (at += 1000));
    for (const u of [w.visible, w.locked, w.gone, deletedPinner, w.owner]) await store.like(u.id, w.root.id, (at += 1000));
  });

  const ALL_TWEET_EXPANSIONS = [
    'author_id', 'in_reply_to_user_id', 'entities.mentions.username', 'referenced_tweets.id',
    'referenced_tweets.id.author_id', 'referenced_tweets.id.attachments.media_keys', 'attachments.media_keys',
  ].join(',');
  const likedPath = () =>
    `/2/users/${w.visible.id}/liked_tweets?expansions=${ALL_TWEET_EXPANSIONS}&tweet.fields=author_id,attachments,referenced_tweets&media.fields=url`;
  const likersPath = () => `/2/tweets/${w.root.id}/liking_users?expansions=pinned_tweet_id&user.fields=pinned_tweet_id,protected&tweet.fields=author_id,attachments`;

  /**
   * The rule, checked against direct requests by the same caller: each included Tweet can be asked for directly
   * (liking_users of it answers without an `id` error), each included user exists and is not suspended, and each
   * included media is attached to a Tweet the page shows.
   */
  async function assertNothingRefusable(page: Json, token: string): Promise<void> {
    for (const id of ids(page.includes?.tweets)) {
      const direct = await get(server, `/2/tweets/${id}/liking_users?max_results=1`, token);
      assert.equal(errorOf(direct, 'id', id), undefined, `Tweet ${id} in includes is refused when asked for directly`);
    }
    const users = await server.services.store.usersByIds(ids(page.includes?.users));
    for (const u of users) assert.equal(u.suspended, false, `suspended @${u.username} in includes.users`);
    assert.equal(users.length, ids(page.includes?.users).length, 'every included user exists');
    const shownTweets = [...(page.data ?? []), ...(page.includes?.tweets ?? [])].filter((t: Json) => t.text !== undefined && t.edit_history_tweet_ids);
    const shownMedia = new Set(shownTweets.flatMap((t: Json) => t.attachments?.media_keys ?? []));
    for (const key of ids(page.includes?.media, 'media_key')) assert.ok(shownMedia.has(key), `media ${key} hangs off a Tweet the page shows`);
  }

  for (const who of ['app-only', 'another user'] as const) {
    it(`liked_tweets, ${who}: invisible referenced Tweets, their authors and media stay out; errors name them`, async () => {
      const token = who === 'app-only' ? bearer : stranger;
      const page = await get(server, likedPath(), token);
      assert.deepEqual(ids(page.data), [w.root.id], 'the protected author\'s liked Tweets drop out of data');
      assert.deepEqual(ids(page.includes.tweets), [w.visibleRef.id]);
      assertRefused(page, 'referenced_tweets.id', w.ownerRef.id, 'not-authorized-for-resource');
      assertRefused(page, 'referenced_tweets.id', w.lockedRef.id, 'not-authorized-for-resource');
      assertRefused(page, 'referenced_tweets.id', w.goneRef.id, 'not-authorized-for-resource');
      assertRefused(page, 'referenced_tweets.id', w.deletedRef.id, 'resource-not-found');
      // Media: the root's and the visible reference's, never that of a hidden, deleted or dropped Tweet.
      assert.deepEqual(ids(page.includes.media, 'media_key'), [mediaOf.get(w.root.id), mediaOf.get(w.visibleRef.id)]);
      // Users: nothing is expanded from a hidden Tweet, so its author is neither shown nor reported.
      const users = ids(page.includes.users);
      assert.ok(users.includes(w.visible.id));
      assert.ok(!users.includes(w.owner.id) && !users.includes(w.gone.id), `users ${users}`);
      for (const hiddenAuthor of [w.owner.id, w.locked.id]) {
        assert.equal(errorOf(page, 'referenced_tweets.id.author_id', hiddenAuthor), undefined);
      }
      // A suspended account replied to or mentioned is reported, never shown; an unknown one is not found.
      const reply = errorOf(page, 'in_reply_to_user_id', w.gone.id);
      assert.equal(reply?.detail, `User has been suspended: [${w.gone.id}].`);
      assert.equal(errorOf(page, 'entities.mentions.username', w.gone.username)?.title, 'Forbidden');
      assert.equal(errorOf(page, 'entities.mentions.username', 'NobodyByThatName')?.type, `${PROBLEMS}resource-not-found`);
      // A protected account's profile is public on X: mentioning it shows the user object, not its Tweets.
      assert.ok(users.includes(w.locked.id));
      await assertNothingRefusable(page, token);
    });

    it(`liking_users, ${who}: pinned Tweets of protected, suspended-author or deleted kind stay out`, async () => {
      const token = who === 'app-only' ? bearer : stranger;
      const page = await get(server, likersPath(), token);
      const likers = ids(page.data);
      assert.ok(likers.includes(w.owner.id) && likers.includes(w.locked.id), 'protected likers are listed (profiles are public)');
      assert.ok(!likers.includes(w.gone.id), 'suspended likers drop out');
      assert.deepEqual(ids(page.includes?.tweets), [w.visibleRef.id]);
      assertRefused(page, 'pinned_tweet_id', w.ownerRef.id, 'not-authorized-for-resource');
      assertRefused(page, 'pinned_tweet_id', w.lockedRef.id, 'not-authorized-for-resource');
      assertRefused(page, 'pinned_tweet_id', w.deletedRef.id, 'resource-not-found');
      assert.equal(errorOf(page, 'pinned_tweet_id', w.goneRef.id), undefined, 'nothing is expanded from a liker who is not listed');
      await assertNothingRefusable(page, token);
    });
  }

  it('liked_tweets, the protected account itself: its own Tweets and their media show, others\' hidden ones do not', async () => {
    const page = await get(server, likedPath(), ownerToken);
    assert.deepEqual(ids(page.data), [w.likedTweet.id, w.root.id], 'its own liked Tweet shows to it');
    assert.deepEqual(ids(page.includes.tweets), [w.visibleRef.id, w.ownerRef.id]);
    assertRefused(page, 'referenced_tweets.id', w.lockedRef.id, 'not-authorized-for-resource');
    assertRefused(page, 'referenced_tweets.id', w.goneRef.id, 'not-authorized-for-resource');
    assert.equal(errorOf(page, 'referenced_tweets.id', w.ownerRef.id), undefined);
    const media = ids(page.includes.media, 'media_key');
    for (const t of [w.likedTweet, w.root, w.visibleRef, w.ownerRef]) assert.ok(media.includes(mediaOf.get(t.id)!), `media of ${t.text}`);
    for (const t of [w.lockedRef, w.goneRef, w.deletedRef, w.lockedLiked]) assert.ok(!media.includes(mediaOf.get(t.id)!), `no media of ${t.text}`);
    assert.ok(ids(page.includes.users).includes(w.owner.id), 'its own account, as author of a Tweet it may see');
    await assertNothingRefusable(page, ownerToken);
  });

  it('liking_users, the protected account itself: its own pinned Tweet shows', async () => {
    const page = await get(server, likersPath(), ownerToken);
    assert.deepEqual(ids(page.includes.tweets).sort(), [w.visibleRef.id, w.ownerRef.id].sort());
    assert.equal(errorOf(page, 'pinned_tweet_id', w.ownerRef.id), undefined);
    assertRefused(page, 'pinned_tweet_id', w.lockedRef.id, 'not-authorized-for-resource');
    await assertNothingRefusable(page, ownerToken);
  });

  it('referenced_tweets.id.attachments.media_keys alone follows visible references only', async () => {
    const page = await get(server, `/2/users/${w.visible.id}/liked_tweets?expansions=referenced_tweets.id,referenced_tweets.id.attachments.media_keys`, bearer);
    assert.deepEqual(ids(page.includes.media, 'media_key'), [mediaOf.get(w.visibleRef.id)]);
  });
});
