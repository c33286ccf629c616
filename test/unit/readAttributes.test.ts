// A listing page reads of its Tweets or users, and of the users it includes, only the attributes its fields and
// expansions show (readAttributes.ts).
// Its pages must be the same as when every Tweet and user is read whole: for every field and every expansion alone,
// all of them, and all but one, on the demo world (replies, quotes, media, polls, places, mentions, pinned Tweets,
// protected and suspended accounts), as the token holders and app-only.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import type { SqliteStore } from '../../src/adapters/sqlite/sqliteStore.ts';
import { decodeCursor } from '../../src/domain/cursor.ts';
import { ACCEPTED, type FieldSelection } from '../../src/domain/fields.ts';
import { LikesService, type ListRequest, type Viewer } from '../../src/domain/likes.ts';
import { DEFAULT_POLICY } from '../../src/domain/model.ts';
import { tweetAttributesFor, userAttributesFor } from '../../src/domain/readAttributes.ts';
import { seedDemoContent, type DemoContent } from '../../src/demo/demoSeed.ts';
import type { ContentStore, KeysetPage } from '../../src/ports/contentStore.ts';
import { ManualClock } from '../support/clock.ts';
import { memoryStore, selection } from '../support/memoryStore.ts';
import { tweet, user } from '../support/records.ts';

type Json = Record<string, any>;
type Parts = Partial<Record<keyof FieldSelection, readonly string[]>>;

/** Every field and expansion of a listing alone, all of them, and all but one. */
function selections(fieldsKey: 'tweet' | 'user', fields: readonly string[], expansions: readonly string[], others: Parts): FieldSelection[] {
  const all: Parts = { ...others, [fieldsKey]: fields, expansions };
  return [
    selection(),
    ...fields.map((f) => selection({ [fieldsKey]: [f] })),
    ...expansions.map((x) => selection({ expansions: [x] })),
    selection(all),
    ...fields.map((f) => selection({ ...all, [fieldsKey]: fields.filter((g) => g !== f) })),
    ...expansions.map((x) => selection({ ...all, expansions: expansions.filter((y) => y !== x) })),
  ];
}

const show = (x: unknown) => JSON.stringify(x, (_, v) => (v instanceof Set ? [...v] : v));

describe('listings read only the attributes a page shows', () => {
  let content: DemoContent;
  let narrow: LikesService;
  let whole: LikesService;

  before(async () => {
    const store = await memoryStore();
    content = await seedDemoContent(store);
    const clock = new ManualClock(Date.UTC(2026, 0, 1));
    narrow = new LikesService(store, clock);
    // The same store, but every Tweet and user of a page or its includes read whole whatever the page asks.
    const wholeReads: ContentStore = Object.assign(Object.create(store) as SqliteStore, {
      likedTweetsByUser: (id: string, page: KeysetPage) => store.likedTweetsByUser(id, page),
      likingUsersOfTweet: (id: string, page: KeysetPage) => store.likingUsersOfTweet(id, page),
      usersByIds: (ids: readonly string[]) => store.usersByIds(ids),
      usersByUsernames: (names: readonly string[]) => store.usersByUsernames(names),
      tweetsByIds: (ids: readonly string[]) => store.tweetsByIds(ids),
    });
    whole = new LikesService(wholeReads, clock);
  });

  /** Every page of a listing under `sel`, following next_token. */
  async function pages(read: (req: ListRequest) => Promise<Json>, sel: FieldSelection): Promise<Json[]> {
    const out: Json[] = [];
    let token: string | undefined;
    do {
      const body = await read({ maxResults: 100, cursor: token === undefined ? null : decodeCursor(token), selection: sel });
      out.push(body);
      token = body.meta?.next_token;
    } while (token !== undefined);
    return out;
  }

  it('hides what protected accounts wrote as a whole read does (referenced and pinned Tweets)', async () => {
    // Alice likes Bob's quote of Pat's Tweet; Carol likes Pat's Tweet and pins Pat's other Tweet. Pat is protected.
    const store = await memoryStore();
    await store.insertUsers([user('81'), user('82'), user('83', { protected: true }), user('84', { pinnedTweetId: '92' })]);
    await store.insertTweets([tweet('91', '83'), tweet('92', '83'), tweet('93', '82', { referencedTweets: [{ type: 'quoted', id: '91' }] })]);
    await store.insertLikes([{ userId: '81', tweetId: '93', likedAt: 1 }, { userId: '84', tweetId: '93', likedAt: 2 }]);
    const wholeReads = Object.assign(Object.create(store) as SqliteStore, {
      likedTweetsByUser: (id: string, page: KeysetPage) => store.likedTweetsByUser(id, page),
      likingUsersOfTweet: (id: string, page: KeysetPage) => store.likingUsersOfTweet(id, page),
      usersByIds: (ids: readonly string[]) => store.usersByIds(ids),
      usersByUsernames: (names: readonly string[]) => store.usersByUsernames(names),
      tweetsByIds: (ids: readonly string[]) => store.tweetsByIds(ids),
    });
    const clock = new ManualClock(Date.UTC(2026, 0, 1));
    const [narrowHere, wholeHere] = [new LikesService(store, clock), new LikesService(wholeReads, clock)];
    const req = (sel: FieldSelection): ListRequest => ({ maxResults: 100, cursor: null, selection: sel });
    for (const viewer of [{ userId: null }, { userId: '81' }, { userId: '83' }]) {
      const quoted = selection({ expansions: ['referenced_tweets.id', 'referenced_tweets.id.author_id'] });
      const liked = await narrowHere.likedTweets(viewer, DEFAULT_POLICY, '81', req(quoted));
      assert.deepEqual(liked, await wholeHere.likedTweets(viewer, DEFAULT_POLICY, '81', req(quoted)), show(viewer));
      // Pat's Tweet is hidden from everyone but Pat.
      assert.equal(JSON.stringify(liked.body).includes('"errors"'), viewer.userId !== '83', show(liked.body));
      const pinned = selection({ expansions: ['pinned_tweet_id'] });
      const likers = await narrowHere.likingUsers(viewer, DEFAULT_POLICY, '93', req(pinned));
      assert.deepEqual(likers, await wholeHere.likingUsers(viewer, DEFAULT_POLICY, '93', req(pinned)), show(viewer));
      assert.equal(JSON.stringify(likers).includes('"errors"'), viewer.userId !== '83', show(likers));
    }
  });

  const viewers = (): Viewer[] => [{ userId: null }, ...content.holders.map((u) => ({ userId: u.id }))];

  it('reads less than the whole record when the fields ask for less', () => {
    assert.deepEqual(tweetAttributesFor(selection()), []);
    assert.deepEqual(tweetAttributesFor(selection({ tweet: ['author_id', 'id', 'text', 'edit_history_tweet_ids'] })), []);
    assert.deepEqual(tweetAttributesFor(selection({ tweet: ['created_at'], expansions: ['author_id'] })), ['createdAt']);
    assert.deepEqual(userAttributesFor(selection({ user: ['id', 'name', 'username'] })), []);
    assert.deepEqual(userAttributesFor(selection({ user: ['public_metrics'] })), ['metrics']);
  });

  it('liked_tweets: every field and expansion answered as a whole read answers it', async () => {
    const likers = [content.landmarks.heavyLikerUserId, ...content.holders.map((u) => u.id)];
    const others: Parts = { user: ['created_at', 'public_metrics'], media: ['url'], poll: ['options'], place: ['full_name'] };
    let compared = 0;
    for (const sel of selections('tweet', ACCEPTED.tweetFields, ACCEPTED.tweetExpansions, others)) {
      for (const userId of likers) {
        for (const viewer of viewers()) {
          const read = (service: LikesService) => (req: ListRequest) =>
            service.likedTweets(viewer, DEFAULT_POLICY, userId, req).then((r) => r.body as Json);
          const expected = await pages(read(whole), sel);
          assert.deepEqual(await pages(read(narrow), sel), expected, show({ ...sel, userId, viewer }));
          compared += expected.reduce((n, p) => n + (p.data?.length ?? 0), 0);
        }
      }
    }
    assert.ok(compared > 1000, `compared ${compared} Tweets`);
  });

  it('liking_users: every field and expansion answered as a whole read answers it', async () => {
    const tweetIds = [content.landmarks.popularTweetId, ...content.landmarks.tweets.slice(0, 12).map((t) => t.id)];
    const others: Parts = { tweet: ['created_at', 'public_metrics'] };
    let compared = 0;
    for (const sel of selections('user', ACCEPTED.userFields, ACCEPTED.userExpansions, others)) {
      for (const tweetId of tweetIds) {
        for (const viewer of viewers()) {
          const read = (service: LikesService) => (req: ListRequest) => service.likingUsers(viewer, DEFAULT_POLICY, tweetId, req) as Promise<Json>;
          const expected = await pages(read(whole), sel);
          assert.deepEqual(await pages(read(narrow), sel), expected, show({ ...sel, tweetId, viewer }));
          compared += expected.reduce((n, p) => n + (p.data?.length ?? 0), 0);
        }
      }
    }
    assert.ok(compared > 1000, `compared ${compared} users`);
  });
});
