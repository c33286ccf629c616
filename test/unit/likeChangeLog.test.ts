// LikeChangeLog: which remembered answers a like leaves exact, and what happens when the changes are no longer known.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MemoryChangeCounter } from '../../src/adapters/memory/memoryChangeCounter.ts';
import { likeKeys, listingKey } from '../../src/domain/likeKeys.ts';
import { LikeChangeLog, MAX_REMEMBERED, type Shown } from '../../src/http/plugins/api/likeChangeLog.ts';
import { LIKE_CHANGES_KEPT } from '../../src/ports/changes.ts';
import { idList } from '../../src/ports/usageLedger.ts';

/** liked_tweets of user 1 showing Tweets 10 and 11 by author 2 (in includes). */
const page: Shown = { listing: listingKey('liked_tweets', '1'), posts: idList(['10', '11']), users: idList(['2']) };

async function setUp() {
  const counter = new MemoryChangeCounter();
  const log = new LikeChangeLog(counter);
  const like = async (userId: string, tweetId: string) => {
    await counter.bumpLikes(likeKeys(userId, tweetId));
    const { likes } = await counter.current();
    await log.advance(likes);
    return likes;
  };
  await log.advance((await counter.current()).likes);
  return { counter, log, like };
}

describe('LikeChangeLog', () => {
  it('keeps an answer across likes of users and Tweets it does not show', async () => {
    const { log, like } = await setUp();
    const made = await like('7', '70');
    await like('8', '80');
    await like('9', '12');
    assert.equal(log.unchangedSince(made, page), true);
  });

  it('counts an answer changed by a like of its listing, of a Tweet or of a user it shows, made after it only', async () => {
    for (const [userId, tweetId] of [['1', '99'], ['5', '11'], ['2', '98']]) {
      const { log, like } = await setUp();
      const before = await like(userId, tweetId);
      assert.equal(log.unchangedSince(before, page), true, 'the like came before the answer was made');
      await like(userId, tweetId);
      assert.equal(log.unchangedSince(before, page), false, `a like by ${userId} of ${tweetId}`);
    }
  });

  it('counts every older answer changed when the changes between are no longer kept, and the first read as the floor', async () => {
    const { counter, log, like } = await setUp();
    const made = await like('7', '70');
    for (let i = 0; i < LIKE_CHANGES_KEPT + 1; i++) await counter.bumpLikes(likeKeys('8', String(1000 + i)));
    await log.advance((await counter.current()).likes);
    assert.equal(log.unchangedSince(made, page), false);
    const after = (await counter.current()).likes;
    assert.equal(log.unchangedSince(after, page), true);
    // A log that starts later knows nothing older.
    const late = new LikeChangeLog(counter);
    await late.advance(after);
    assert.equal(late.unchangedSince(after - 1, page), false);
    assert.equal(late.unchangedSince(after, page), true);
  });

  it('forgets the older half past its bound: answers made before it count as changed, newer ones stay exact', async () => {
    const { log, like } = await setUp();
    const old = await like('7', '70');
    // One liker, a new Tweet each time: one id more remembered per like.
    let recent = old;
    for (let i = 0; i <= MAX_REMEMBERED; i++) {
      const v = await like('8', String(100_000 + i));
      if (i === MAX_REMEMBERED - 10) recent = v;
    }
    assert.equal(log.unchangedSince(old, page), false, 'made before what is still remembered');
    assert.equal(log.unchangedSince(recent, page), true, 'made among what is still remembered, and nothing it shows changed');
    await like('5', '11');
    assert.equal(log.unchangedSince(recent, page), false, 'a like of a Tweet it shows is still seen');
  });

  it('counts everything changed when the counter cannot say what changed', async () => {
    const counter = new MemoryChangeCounter();
    const log = new LikeChangeLog({ likeChanges: () => Promise.reject(new Error('unreachable')) });
    await log.advance(0);
    await counter.bumpLikes(likeKeys('7', '70'));
    await log.advance(1);
    assert.equal(log.unchangedSince(0, page), false);
    assert.equal(log.unchangedSince(1, page), true);
  });
});
