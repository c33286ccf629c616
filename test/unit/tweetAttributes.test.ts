// A liked_tweets page reads of its Tweets only the attributes its fields and expansions show (tweetAttributesFor).
// The pages must be the same as when every Tweet is read whole: for every field and every expansion alone, all of
// them, and all but one, on the demo world's Tweets (replies, quotes, media, polls, places, mentions), as their
// authors and app-only.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import type { SqliteStore } from '../../src/adapters/sqlite/sqliteStore.ts';
import { decodeCursor } from '../../src/domain/cursor.ts';
import { ACCEPTED, type FieldSelection } from '../../src/domain/fields.ts';
import { LikesService, type Viewer } from '../../src/domain/likes.ts';
import { DEFAULT_POLICY } from '../../src/domain/model.ts';
import { tweetAttributesFor } from '../../src/domain/tweetAttributes.ts';
import { seedDemoContent, type DemoContent } from '../../src/demo/demoSeed.ts';
import type { ContentStore } from '../../src/ports/contentStore.ts';
import { ManualClock } from '../support/clock.ts';
import { memoryStore, selection } from '../support/memoryStore.ts';

type Json = Record<string, any>;

/** Every field and expansion alone, all of them, and all but one. */
function selections(): FieldSelection[] {
  const fields = ACCEPTED.tweetFields;
  const expansions = ACCEPTED.tweetExpansions;
  const all = { tweet: fields, expansions, user: ['created_at', 'public_metrics'], media: ['url'], poll: ['options'], place: ['full_name'] };
  return [
    selection(),
    ...fields.map((f) => selection({ tweet: [f] })),
    ...expansions.map((x) => selection({ expansions: [x] })),
    selection(all),
    ...fields.map((f) => selection({ ...all, tweet: fields.filter((g) => g !== f) })),
    ...expansions.map((x) => selection({ ...all, expansions: expansions.filter((y) => y !== x) })),
  ];
}

describe('liked_tweets reads only the Tweet attributes a page shows', () => {
  let store: SqliteStore;
  let content: DemoContent;
  let narrow: LikesService;
  let whole: LikesService;

  before(async () => {
    store = await memoryStore();
    content = await seedDemoContent(store);
    const clock = new ManualClock(Date.UTC(2026, 0, 1));
    narrow = new LikesService(store, clock);
    // The same store, but every liked Tweet read whole whatever the page asks.
    const wholeReads: ContentStore = Object.assign(Object.create(store) as SqliteStore, {
      likedTweetsByUser: (userId: string, page: Parameters<ContentStore['likedTweetsByUser']>[1]) => store.likedTweetsByUser(userId, page),
    });
    whole = new LikesService(wholeReads, clock);
  });

  /** Every page of `userId`'s liked Tweets under `sel`, as `viewer` sees them. */
  async function pages(service: LikesService, userId: string, sel: FieldSelection, viewer: Viewer): Promise<Json[]> {
    const out: Json[] = [];
    let token: string | undefined;
    do {
      const cursor = token === undefined ? null : decodeCursor(token);
      const { body } = await service.likedTweets(viewer, DEFAULT_POLICY, userId, { maxResults: 100, cursor, selection: sel });
      out.push(body as Json);
      token = (body as Json).meta?.next_token;
    } while (token !== undefined);
    return out;
  }

  it('reads less than the whole Tweet when the fields ask for less', () => {
    assert.deepEqual(tweetAttributesFor(selection()), []);
    assert.deepEqual(tweetAttributesFor(selection({ tweet: ['author_id', 'id', 'text', 'edit_history_tweet_ids'] })), []);
    assert.deepEqual(tweetAttributesFor(selection({ tweet: ['created_at'], expansions: ['author_id'] })), ['createdAt']);
    assert.deepEqual(new Set(tweetAttributesFor(selection({ tweet: ['public_metrics'] }))), new Set(['retweetCount', 'replyCount', 'likeCount', 'quoteCount', 'bookmarkCount', 'impressionCount']));
  });

  it('answers every field and expansion as a whole read does, to the author and app-only', async () => {
    const likers = [content.landmarks.heavyLikerUserId, ...content.holders.map((u) => u.id)];
    let compared = 0;
    for (const sel of selections()) {
      for (const userId of likers) {
        for (const viewer of [{ userId }, { userId: null }]) {
          const expected = await pages(whole, userId, sel, viewer);
          assert.deepEqual(await pages(narrow, userId, sel, viewer), expected, `${JSON.stringify({ ...sel, userId, viewer }, (_, v) => (v instanceof Set ? [...v] : v))}`);
          compared += expected.reduce((n, p) => n + (p.data?.length ?? 0), 0);
        }
      }
    }
    assert.ok(compared > 1000, `compared ${compared} Tweets`);
  });
});
