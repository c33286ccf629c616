// What a like can change in an answer (src/domain/likeKeys.ts): its keys, the listing an answer pages, and which
// field selections show like counts.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { likeKeys, listingKey, parseLikeKey, showsLikeCounts } from '../../src/domain/likeKeys.ts';

test("a like's keys read back as the liker's and the Tweet's", () => {
  assert.deepEqual(likeKeys('12', '34').map(parseLikeKey), [{ kind: 'user', id: '12' }, { kind: 'tweet', id: '34' }]);
  assert.deepEqual(listingKey('liked_tweets', '12'), { kind: 'user', id: '12' });
  assert.deepEqual(listingKey('liking_users', '34'), { kind: 'tweet', id: '34' });
  assert.equal(listingKey('like', '12'), null);
});

test('like counts show with public or organic metrics of Posts and public metrics of users, and with nothing else', () => {
  const shows = (tweet: string[], user: string[] = []) => showsLikeCounts({ tweet: new Set(tweet), user: new Set(user) });
  assert.equal(shows([]), false);
  assert.equal(shows(['created_at', 'author_id', 'non_public_metrics', 'entities'], ['created_at', 'protected']), false);
  assert.equal(shows(['public_metrics']), true);
  assert.equal(shows(['organic_metrics']), true);
  assert.equal(shows([], ['public_metrics']), true);
});
