// LikesService on a SQLite store in memory and a manual clock: paging both ways, the 100-liker cap, idempotent
// like/unlike and the counts they keep, protected/suspended/deleted objects, and the likes-privacy policy
// (docs/reference/likes-api.md §3.4, §4, §5). No HTTP: the bodies are what the routes serialise.
import assert from 'node:assert/strict';
import { beforeEach, describe, it } from 'node:test';
import type { SqliteStore } from '../../src/adapters/sqlite/sqliteStore.ts';
import { decodeCursor } from '../../src/domain/cursor.ts';
import { LIKING_USERS_CAP, LikesService, type Viewer } from '../../src/domain/likes.ts';
import { DEFAULT_POLICY, type Policy } from '../../src/domain/model.ts';
import { ManualClock } from '../support/clock.ts';
import { memoryStore, selection } from '../support/memoryStore.ts';
import { PROBLEMS, problemOf } from '../support/problems.ts';
import { tweet, user } from '../support/records.ts';

type Json = Record<string, any>;

const T0 = Date.UTC(2026, 0, 1);
const ALICE = '11';
const BOB = '12';
/** Protected. */
const CAROL = '13';
/** Suspended. */
const DAVE = '14';
const PRIVATE: Policy = { ...DEFAULT_POLICY, likesPrivacy: 'private' };
const as = (userId: string | null): Viewer => ({ userId });

let store: SqliteStore;
let clock: ManualClock;
let likes: LikesService;

beforeEach(async () => {
  store = await memoryStore();
  clock = new ManualClock(T0);
  likes = new LikesService(store, clock);
  await store.insertUsers([user(ALICE), user(BOB), user(CAROL, { protected: true }), user(DAVE, { suspended: true })]);
});

/** Tweets 201, 202, … by `author`. */
async function tweets(n: number, author = BOB, from = 201): Promise<string[]> {
  const ids = Array.from({ length: n }, (_, i) => String(from + i));
  await store.insertTweets(ids.map((id) => tweet(id, author)));
  return ids;
}

/** `userId` likes each Tweet in turn, one minute apart: the last one is the newest like. */
async function likeInTurn(userId: string, tweetIds: readonly string[]): Promise<void> {
  for (const id of tweetIds) {
    clock.advance(60_000);
    await likes.like(as(userId), userId, id);
  }
}

async function likedPage(userId: string, max: number, token?: string, viewer = as(ALICE), policy = DEFAULT_POLICY): Promise<Json> {
  const cursor = token === undefined ? null : decodeCursor(token);
  if (token !== undefined) assert.ok(cursor, `a token the service issued decodes: ${token}`);
  return (await likes.likedTweets(viewer, policy, userId, { maxResults: max, cursor, selection: selection() })).body;
}

async function likersPage(tweetId: string, max: number, token?: string, viewer = as(ALICE), policy = DEFAULT_POLICY): Promise<Json> {
  const cursor = token === undefined ? null : decodeCursor(token);
  return likes.likingUsers(viewer, policy, tweetId, { maxResults: max, cursor, selection: selection() });
}

const ids = (page: Json): string[] => (page.data ?? []).map((o: Json) => o.id);

/** Every page from the first following next_token; checks result_count and the tokens each page must carry. */
async function walkForward(first: (token?: string) => Promise<Json>): Promise<Json[]> {
  const pages: Json[] = [];
  let token: string | undefined;
  for (let i = 0; i < 200; i++) {
    const page = await first(token);
    assert.equal(page.meta.result_count, ids(page).length);
    assert.equal(page.meta.previous_token === undefined, i === 0, 'previous_token exactly on pages reached by a token');
    pages.push(page);
    token = page.meta.next_token;
    if (!token) return pages;
  }
  throw new Error('no end after 200 pages');
}

const idMismatch = (pathId: string, userId: string) => {
  const detail = `The \`id\` query parameter value [${pathId}] must be the same as the authenticating user [${userId}]`;
  return {
    errors: [{ parameter: 'id', value: pathId, detail, title: 'Invalid Request', type: `${PROBLEMS}invalid-request`, message: detail, parameters: { id: [pathId] } }],
    title: 'Invalid Request',
    detail: 'One or more parameters to your request was invalid.',
    type: `${PROBLEMS}invalid-request`,
  };
};

describe('liked_tweets pagination', () => {
  it('pages newest like first; next_token and previous_token walk the same pages both ways', async () => {
    const t = await tweets(7);
    await likeInTurn(ALICE, t);
    const p1 = await likedPage(ALICE, 3);
    assert.deepEqual(ids(p1), ['207', '206', '205']);
    assert.equal(p1.meta.previous_token, undefined);
    const p2 = await likedPage(ALICE, 3, p1.meta.next_token);
    assert.deepEqual(ids(p2), ['204', '203', '202']);
    const p3 = await likedPage(ALICE, 3, p2.meta.next_token);
    assert.deepEqual(ids(p3), ['201']);
    assert.equal(p3.meta.next_token, undefined, 'the last page has no next_token');
    assert.equal(typeof p3.meta.previous_token, 'string');

    const back2 = await likedPage(ALICE, 3, p3.meta.previous_token);
    assert.deepEqual(ids(back2), ['204', '203', '202']);
    assert.equal(typeof back2.meta.previous_token, 'string');
    assert.equal(typeof back2.meta.next_token, 'string');
    const back1 = await likedPage(ALICE, 3, back2.meta.previous_token);
    assert.deepEqual(ids(back1), ['207', '206', '205']);
    assert.equal(back1.meta.previous_token, undefined, 'walking back to the first page: no previous_token');
    assert.deepEqual(ids(await likedPage(ALICE, 3, back1.meta.next_token)), ['204', '203', '202']);
  });

  it('likes of the same millisecond are each listed once, in the store\'s order, whatever the page size', async () => {
    const t = await tweets(25);
    // Five likes per millisecond: the keyset breaks ties on the Tweet id.
    await store.insertLikes(t.map((id, i) => ({ userId: ALICE, tweetId: id, likedAt: T0 + Math.floor(i / 5) })));
    const expected = (await store.likesByUser(ALICE, { limit: 100, direction: 'older' })).map((r) => r.tweetId);
    assert.equal(expected.length, 25);
    for (const max of [5, 7, 100]) {
      const pages = await walkForward((token) => likedPage(ALICE, max, token));
      assert.deepEqual(pages.flatMap(ids), expected, `max_results=${max}`);
      // And back from the last page to the first.
      const back: string[][] = [];
      let page = pages[pages.length - 1];
      while (page.meta.previous_token) {
        page = await likedPage(ALICE, max, page.meta.previous_token);
        back.unshift(ids(page));
      }
      assert.deepEqual([...back.flat(), ...ids(pages[pages.length - 1])], expected, `back, max_results=${max}`);
    }
  });

  it('a page with no rows after a token: meta only, result_count 0, and a previous_token back to the page before (R9)', async () => {
    const t = await tweets(3);
    await likeInTurn(ALICE, t);
    const first = await likedPage(ALICE, 2);
    assert.deepEqual(ids(first), ['203', '202']);
    // The only older like goes away after the next_token was issued: the token now leads past the end.
    await likes.unlike(as(ALICE), ALICE, '201');
    const empty = await likedPage(ALICE, 2, first.meta.next_token);
    assert.deepEqual(Object.keys(empty), ['meta']);
    assert.deepEqual(Object.keys(empty.meta), ['result_count', 'previous_token']);
    assert.equal(empty.meta.result_count, 0);
    const back = await likedPage(ALICE, 2, empty.meta.previous_token);
    assert.deepEqual(ids(back), ['203', '202'], 'the page before, its last row included');
    assert.equal(back.meta.previous_token, undefined);
  });

  it('a user with no likes: {"meta":{"result_count":0}}', async () => {
    assert.deepEqual(await likedPage(BOB, 10), { meta: { result_count: 0 } });
  });

  it('deleted Tweets and Tweets of protected or suspended authors drop out: short pages that still lead on', async () => {
    const [a, b, c, d, e] = await tweets(5);
    await store.insertTweets([tweet('301', CAROL), tweet('302', DAVE)]);
    // Stored directly: the service itself refuses likes of Tweets Alice cannot see.
    await store.insertLikes([a, '301', b, '302', c, d, e].map((id, i) => ({ userId: ALICE, tweetId: id, likedAt: T0 + i })));
    await store.setTweetDeleted(d, true);
    // Newest first: e, d (deleted), c | 302 (suspended author), b, 301 (protected author) | a.
    const p1 = await likedPage(ALICE, 3);
    assert.deepEqual(ids(p1), [e, c]);
    assert.equal(typeof p1.meta.next_token, 'string', 'a short page does not mean the end');
    const p2 = await likedPage(ALICE, 3, p1.meta.next_token);
    assert.deepEqual(ids(p2), [b]);
    assert.deepEqual(ids(await likedPage(ALICE, 3, p2.meta.next_token)), [a]);
    const counted = await likes.likedTweets(as(ALICE), DEFAULT_POLICY, ALICE, { maxResults: 3, cursor: null, selection: selection() });
    assert.equal(counted.tweetCount, 2, 'only returned Tweets count against the monthly cap');
    // Carol sees her own protected Tweet in the same list.
    assert.deepEqual(ids(await likedPage(ALICE, 3, p1.meta.next_token, as(CAROL))), [b, '301']);
  });
});

describe('liked_tweets: whose likes', () => {
  it('an unknown user: resource-not-found for id', async () => {
    assert.deepEqual(await likedPage('99', 10), {
      errors: [{
        value: '99', detail: 'Could not find user with id: [99].', title: 'Not Found Error', resource_type: 'user',
        parameter: 'id', resource_id: '99', type: `${PROBLEMS}resource-not-found`,
      }],
    });
  });

  it('a suspended user: X\'s "User has been suspended" error', async () => {
    assert.deepEqual(await likedPage(DAVE, 10), {
      errors: [{
        parameter: 'id', resource_id: DAVE, value: DAVE, detail: `User has been suspended: [${DAVE}].`, title: 'Forbidden',
        resource_type: 'user', type: `${PROBLEMS}resource-not-found`,
      }],
    });
  });

  it('a protected user: refused to others and to app-only, listed to the user', async () => {
    const [t1] = await tweets(1);
    await likeInTurn(CAROL, [t1]);
    const refused = {
      errors: [{
        value: CAROL, detail: `Sorry, you are not authorized to see the user with id: [${CAROL}].`, title: 'Authorization Error',
        resource_type: 'user', parameter: 'id', resource_id: CAROL, section: 'data', type: `${PROBLEMS}not-authorized-for-resource`,
      }],
    };
    assert.deepEqual(await likedPage(CAROL, 10, undefined, as(ALICE)), refused);
    assert.deepEqual(await likedPage(CAROL, 10, undefined, as(null)), refused);
    assert.deepEqual(ids(await likedPage(CAROL, 10, undefined, as(CAROL))), [t1]);
  });

  it('private likes: only the caller\'s own list, other ids get the id-mismatch 400', async () => {
    const [t1] = await tweets(1);
    await likeInTurn(BOB, [t1]);
    assert.deepEqual(ids(await likedPage(BOB, 10, undefined, as(BOB), PRIVATE)), [t1]);
    assert.deepEqual((await problemOf(likedPage(BOB, 10, undefined, as(ALICE), PRIVATE))).body, idMismatch(BOB, ALICE));
    const appOnly = await problemOf(likedPage(BOB, 10, undefined, as(null), PRIVATE));
    assert.equal(appOnly.status, 400);
    assert.deepEqual(appOnly.body, idMismatch(BOB, ''));
    // Public likes (the default): anyone's list.
    assert.deepEqual(ids(await likedPage(BOB, 10, undefined, as(ALICE))), [t1]);
  });
});

describe('liking_users', () => {
  /** Users 1001… like `tweetId`, one millisecond apart: the last one is the newest. */
  async function likers(n: number, tweetId: string): Promise<string[]> {
    const uids = Array.from({ length: n }, (_, i) => String(1001 + i));
    await store.insertUsers(uids.map((id) => user(id)));
    await store.insertLikes(uids.map((id, i) => ({ userId: id, tweetId, likedAt: T0 + i })));
    return uids.reverse();
  }

  it('caps the list at the 100 newest liking accounts, across all pages and both ways', async () => {
    const [t1] = await tweets(1);
    const newestFirst = await likers(LIKING_USERS_CAP + 7, t1);
    const one = await likersPage(t1, 100);
    assert.deepEqual(ids(one), newestFirst.slice(0, 100));
    assert.equal(one.meta.next_token, undefined, 'nothing past the 100th liker');
    const pages = await walkForward((token) => likersPage(t1, 30, token));
    assert.deepEqual(pages.map((p) => ids(p).length), [30, 30, 30, 10]);
    assert.deepEqual(pages.flatMap(ids), newestFirst.slice(0, 100));
    const back = await likersPage(t1, 30, pages[3].meta.previous_token);
    assert.deepEqual(ids(back), newestFirst.slice(60, 90));
  });

  it('without the cap (policy likingUsersCap off) every liker is listed', async () => {
    const [t1] = await tweets(1);
    const newestFirst = await likers(LIKING_USERS_CAP + 7, t1);
    const policy = { ...DEFAULT_POLICY, likingUsersCap: false };
    const pages = await walkForward((token) => likersPage(t1, 50, token, as(ALICE), policy));
    assert.deepEqual(pages.flatMap(ids), newestFirst);
  });

  it('a Tweet nobody liked: {"meta":{"result_count":0}} (R10)', async () => {
    const [t1] = await tweets(1);
    assert.deepEqual(await likersPage(t1, 100), { meta: { result_count: 0 } });
  });

  it('a missing or deleted Tweet: resource-not-found with no data (R7)', async () => {
    const [t1] = await tweets(1);
    await store.setTweetDeleted(t1, true);
    for (const id of ['999', t1]) {
      assert.deepEqual(await likersPage(id, 100), {
        errors: [{
          value: id, detail: `Could not find tweet with id: [${id}].`, title: 'Not Found Error', resource_type: 'tweet',
          parameter: 'id', resource_id: id, type: `${PROBLEMS}resource-not-found`,
        }],
      });
    }
  });

  it('a protected author\'s Tweet: not-authorized-for-resource, except to its author', async () => {
    const [t1] = await tweets(1, CAROL);
    await store.insertLikes([{ userId: BOB, tweetId: t1, likedAt: T0 }]);
    assert.deepEqual(await likersPage(t1, 100), {
      errors: [{
        value: t1, detail: `Sorry, you are not authorized to see the Tweet with id: [${t1}].`, title: 'Authorization Error',
        resource_type: 'tweet', parameter: 'id', resource_id: t1, section: 'data', type: `${PROBLEMS}not-authorized-for-resource`,
      }],
    });
    assert.deepEqual(ids(await likersPage(t1, 100, undefined, as(CAROL))), [BOB]);
  });

  it('suspended likers drop out; protected likers are listed (X shows protected profiles)', async () => {
    const [t1] = await tweets(1);
    await store.insertLikes([ALICE, CAROL, DAVE].map((id, i) => ({ userId: id, tweetId: t1, likedAt: T0 + i })));
    const page = await likersPage(t1, 100);
    assert.deepEqual(ids(page), [CAROL, ALICE]);
    assert.equal(page.meta.result_count, 2);
  });

  it('private likes: likers shown only to the Tweet\'s author, an empty page to anyone else', async () => {
    const [t1] = await tweets(1, BOB);
    await store.insertLikes([{ userId: ALICE, tweetId: t1, likedAt: T0 }]);
    assert.deepEqual(await likersPage(t1, 100, undefined, as(ALICE), PRIVATE), { meta: { result_count: 0 } });
    assert.deepEqual(await likersPage(t1, 100, undefined, as(null), PRIVATE), { meta: { result_count: 0 } });
    assert.deepEqual(ids(await likersPage(t1, 100, undefined, as(BOB), PRIVATE)), [ALICE]);
  });
});

describe('like and unlike', () => {
  const counts = async (tweetId: string, userId: string) => ({
    tweet: (await store.tweetsByIds([tweetId]))[0].likeCount,
    user: (await store.usersByIds([userId]))[0].metrics.like_count,
  });

  it('are idempotent: liking twice keeps one like (and its first time), unliking twice answers liked:false', async () => {
    const [t1, t2] = await tweets(2);
    assert.deepEqual(await likes.like(as(ALICE), ALICE, t1), { data: { liked: true } });
    clock.advance(1000);
    await likes.like(as(ALICE), ALICE, t2);
    clock.advance(1000);
    assert.deepEqual(await likes.like(as(ALICE), ALICE, t1), { data: { liked: true } });
    assert.deepEqual(await counts(t1, ALICE), { tweet: 1, user: 2 });
    assert.deepEqual(ids(await likedPage(ALICE, 10)), [t2, t1], 'the repeated like did not move t1 to the front');

    assert.deepEqual(await likes.unlike(as(ALICE), ALICE, t1), { data: { liked: false } });
    assert.deepEqual(await likes.unlike(as(ALICE), ALICE, t1), { data: { liked: false } });
    assert.deepEqual(await counts(t1, ALICE), { tweet: 0, user: 1 });
    // Never liked: succeeds with no action.
    assert.deepEqual(await likes.unlike(as(BOB), BOB, t1), { data: { liked: false } });
    assert.deepEqual(await counts(t1, BOB), { tweet: 0, user: 0 });
  });

  it('act only as the authenticated user: the id-mismatch 400, nothing written', async () => {
    const [t1] = await tweets(1);
    for (const run of [() => likes.like(as(ALICE), BOB, t1), () => likes.unlike(as(ALICE), BOB, t1)]) {
      const problem = await problemOf(run());
      assert.equal(problem.status, 400);
      assert.deepEqual(problem.body, idMismatch(BOB, ALICE));
    }
    assert.deepEqual(await counts(t1, BOB), { tweet: 0, user: 0 });
  });

  it('a Tweet the caller cannot see (missing, deleted, protected or suspended author) cannot be found (R11)', async () => {
    const [gone] = await tweets(1);
    await store.setTweetDeleted(gone, true);
    await store.insertTweets([tweet('301', CAROL), tweet('302', DAVE)]);
    for (const id of ['999', gone, '301', '302']) {
      const problem = await problemOf(likes.like(as(ALICE), ALICE, id));
      assert.equal(problem.status, 400, id);
      assert.deepEqual(problem.body, {
        errors: [{ message: 'This tweet cannot be found.' }],
        title: 'Invalid Request',
        detail: 'One or more parameters to your request was invalid.',
        type: `${PROBLEMS}invalid-request`,
      });
    }
    assert.equal((await store.usersByIds([ALICE]))[0].metrics.like_count, 0);
    // A protected author may like their own Tweet.
    assert.deepEqual(await likes.like(as(CAROL), CAROL, '301'), { data: { liked: true } });
  });

  it('a like shows in both lists at once, with the clock\'s time', async () => {
    const [t1] = await tweets(1);
    clock.set(T0 + 123_456);
    await likes.like(as(ALICE), ALICE, t1);
    assert.deepEqual(await store.likesByUser(ALICE, { limit: 10, direction: 'older' }), [{ userId: ALICE, tweetId: t1, likedAt: T0 + 123_456 }]);
    assert.deepEqual(ids(await likersPage(t1, 10)), [ALICE]);
  });
});
