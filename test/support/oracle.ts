// What the store holds, read directly: the oracle HTTP tests compare the served pages with.
import assert from 'node:assert/strict';
import type { TweetRecord } from '../../src/domain/model.ts';
import type { TestServer } from './harness.ts';

const ALL = { limit: 100_000, direction: 'older' } as const;

/** Visible liked Tweets of `userId`, newest like first, as the store holds them. */
export async function storedLikedTweets(server: TestServer, userId: string): Promise<string[]> {
  const rows = await server.services.store.likesByUser(userId, ALL);
  for (let i = 1; i < rows.length; i++) assert.ok(rows[i - 1].likedAt >= rows[i].likedAt, 'store lists newest like first');
  const tweets = new Map((await server.services.store.tweetsByIds(rows.map((r) => r.tweetId))).map((t) => [t.id, t]));
  return rows.filter((r) => !tweets.get(r.tweetId)!.deleted).map((r) => r.tweetId);
}

/** Users who liked `tweetId`, newest like first. */
export async function storedLikers(server: TestServer, tweetId: string): Promise<string[]> {
  return (await server.services.store.likesOfTweet(tweetId, ALL)).map((r) => r.userId);
}

/** The demo world's Tweets (in its order) that none of `userIds` has liked. */
async function tweetsNotLikedBy(server: TestServer, userIds: readonly string[]): Promise<string[]> {
  const liked = new Set<string>();
  for (const u of userIds) for (const r of await server.services.store.likesByUser(u, ALL)) liked.add(r.tweetId);
  return server.creds.tweets.filter((t) => !liked.has(t.id)).map((t) => t.id);
}

/** A visible Tweet none of `userIds` has liked (the `skip`-th such, for distinct Tweets per test). */
export async function unlikedTweet(server: TestServer, userIds: readonly string[], skip = 0): Promise<string> {
  const free = await tweetsNotLikedBy(server, userIds);
  assert.ok(free.length > skip);
  return free[skip];
}

/** A visible Tweet with few likes (1 to 20) that none of `userIds` has liked; the `skip`-th by id. */
export async function quietTweet(server: TestServer, userIds: readonly string[], skip = 0): Promise<TweetRecord> {
  const tweets = await server.services.store.tweetsByIds(await tweetsNotLikedBy(server, userIds));
  const quiet = tweets.filter((t) => t.likeCount >= 1 && t.likeCount <= 20).sort((a, b) => (a.id < b.id ? -1 : 1));
  assert.ok(quiet.length > skip, 'the demo world has quiet Tweets');
  return quiet[skip];
}
