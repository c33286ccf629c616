// The response cache answers repeated lookups without rebuilding them, and never serves an answer older than
// a committed write: this server's own writes, and writes other processes commit to the same SQLite file.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { SqliteStore } from '../../src/adapters/sqlite/sqliteStore.ts';
import { startTestServer, type TestServer } from '../support/harness.ts';

type Json = Record<string, any>;

describe('response cache', () => {
  const dir = mkdtempSync(join(tmpdir(), 'likes-cache-'));
  const file = join(dir, 'likes.db');
  const store = new SqliteStore(file);
  let reads = 0;
  let bearerReads = 0;
  const bearerByHash = store.bearerByHash.bind(store);
  store.bearerByHash = async (...args) => {
    bearerReads += 1;
    return bearerByHash(...args);
  };
  // Every statement a liked_tweets or liking_users page can be read with.
  for (const method of ['likesByUser', 'likedTweetsByUser', 'likedTweetCoresByUser', 'likingUsersOfTweet', 'likingUserCoresOfTweet'] as const) {
    const read = (store[method] as (...args: unknown[]) => Promise<unknown>).bind(store);
    (store as unknown as Record<string, unknown>)[method] = async (...args: unknown[]) => {
      reads += 1;
      return read(...args);
    };
  }
  let server: TestServer;
  before(async () => {
    server = await startTestServer({ store });
  });
  after(async () => {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const get = async (path: string, token = server.creds.app.bearerToken) => {
    const res = await fetch(`${server.baseUrl}${path}`, { headers: { authorization: `Bearer ${token}` } });
    return { status: res.status, headers: res.headers, body: (await res.json()) as Json };
  };
  const likedPath = () => `/2/users/${server.creds.users[1].id}/liked_tweets?max_results=10&tweet.fields=public_metrics`;

  it('serves a repeated lookup without reading the likes again, byte for byte the same', async () => {
    const first = await get(likedPath());
    const readsAfterFirst = reads;
    const second = await get(likedPath());
    assert.equal(reads, readsAfterFirst, 'the second answer came from the cache');
    assert.deepEqual(second.body, first.body);
    assert.equal(Number(second.headers.get('x-rate-limit-remaining')), Number(first.headers.get('x-rate-limit-remaining')) - 1);
  });

  const like = async (user: { id: string; oauth2AccessToken: string }, tweetId: string, method: 'POST' | 'DELETE' = 'POST') => {
    const res = await fetch(`${server.baseUrl}/2/users/${user.id}/likes${method === 'DELETE' ? `/${tweetId}` : ''}`, {
      method,
      headers: { authorization: `Bearer ${user.oauth2AccessToken}`, 'content-type': 'application/json' },
      body: method === 'POST' ? JSON.stringify({ tweet_id: tweetId }) : undefined,
    });
    assert.equal(res.status, 200);
  };

  it('keeps an answer across likes and unlikes of users and Tweets it does not show', async () => {
    const page = await get(likedPath());
    const shown = new Set((page.body.data as Json[]).map((t) => t.id));
    const other = server.creds.users[4];
    const elsewhere = server.creds.tweets.find((t) => !shown.has(t.id) && t.authorId !== server.creds.users[1].id)!;
    await like(other, elsewhere.id);
    const readsBefore = reads;
    const again = await get(likedPath());
    assert.equal(reads, readsBefore, 'answered from the cache');
    assert.deepEqual(again.body, page.body);
    await like(other, elsewhere.id, 'DELETE');
    assert.deepEqual((await get(likedPath())).body, page.body);
    assert.equal(reads, readsBefore, 'still answered from the cache');
  });

  it('makes an answer anew after a like of a Tweet it shows (its like_count) and of its own listing', async () => {
    const liker = server.creds.users[3];
    const shownTweet = ((await get(likedPath())).body.data as Json[])[3];
    await like(liker, shownTweet.id, 'DELETE');
    const page = await get(likedPath());
    assert.deepEqual(page.body.data[3].id, shownTweet.id);
    const readsBefore = reads;
    await like(liker, shownTweet.id);
    const after = await get(likedPath());
    assert.equal(reads, readsBefore + 1, 'read again');
    assert.equal(after.body.data[3].public_metrics.like_count, page.body.data[3].public_metrics.like_count + 1);
    // liking_users pages the Tweet's likes: the Tweet's own like shows at once.
    const likingPath = `/2/tweets/${shownTweet.id}/liking_users?max_results=5`;
    await like(server.creds.users[2], shownTweet.id, 'DELETE');
    assert.equal((await get(likingPath)).body.data[0].id, liker.id);
    await like(server.creds.users[2], shownTweet.id);
    assert.equal((await get(likingPath)).body.data[0].id, server.creds.users[2].id);
    await like(server.creds.users[2], shownTweet.id, 'DELETE');
    assert.notEqual((await get(likingPath)).body.data?.[0]?.id, server.creds.users[2].id);
  });

  it('keeps an answer that shows no like counts across likes of the Posts it shows and by the users it shows', async () => {
    // liked_tweets with default fields: a like of a Tweet on the page changes its like_count, which the page does not show.
    const defaultPath = `/2/users/${server.creds.users[1].id}/liked_tweets?max_results=10`;
    const liker = server.creds.users[3];
    const shownTweet = ((await get(defaultPath)).body.data as Json[])[4];
    await like(liker, shownTweet.id, 'DELETE');
    const page = await get(defaultPath);
    let readsBefore = reads;
    await like(liker, shownTweet.id);
    assert.deepEqual((await get(defaultPath)).body, page.body);
    assert.equal(reads, readsBefore, 'answered from the cache');
    await like(liker, shownTweet.id, 'DELETE');

    // liking_users: a like of another Tweet by a user on the page moves that user's like_count, shown only with
    // user.fields=public_metrics.
    const shownUser = server.creds.users.find((u) => !u.protected && u.id !== liker.id && u.id !== server.creds.users[1].id)!;
    const tweet = server.creds.tweets.find((t) => t.authorId !== shownUser.id)!;
    await like(shownUser, tweet.id, 'DELETE');
    await like(shownUser, tweet.id);
    const plainPath = `/2/tweets/${tweet.id}/liking_users?max_results=5`;
    const countsPath = `${plainPath}&user.fields=public_metrics`;
    const plain = await get(plainPath);
    const counts = await get(countsPath);
    assert.equal(plain.body.data[0].id, shownUser.id);
    const elsewhere = server.creds.tweets.find((t) => t.id !== tweet.id && t.authorId !== shownUser.id && t.authorId !== server.creds.users[1].id)!;
    await like(shownUser, elsewhere.id, 'DELETE');
    readsBefore = reads;
    await like(shownUser, elsewhere.id);
    assert.deepEqual((await get(plainPath)).body, plain.body);
    assert.equal(reads, readsBefore, 'the page without counts came from the cache');
    const countsAfter = await get(countsPath);
    assert.equal(reads, readsBefore + 1, 'the page with counts was read again');
    assert.equal(countsAfter.body.data[0].public_metrics.like_count, counts.body.data[0].public_metrics.like_count + 1);
    await like(shownUser, elsewhere.id, 'DELETE');
    await like(shownUser, tweet.id, 'DELETE');
  });

  it('shows a like made through the API at once', async () => {
    const user = server.creds.users[1];
    const tweet = server.creds.tweets[500];
    await get(likedPath());
    const res = await fetch(`${server.baseUrl}/2/users/${user.id}/likes`, {
      method: 'POST',
      headers: { authorization: `Bearer ${user.oauth2AccessToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ tweet_id: tweet.id }),
    });
    assert.equal(res.status, 200);
    const after = await get(likedPath());
    assert.equal(after.body.data[0].id, tweet.id);
    assert.equal(after.body.data[0].public_metrics.like_count, (await server.services.store.tweetsByIds([tweet.id]))[0].likeCount);
  });

  it('shows a write another process committed to the same file', async () => {
    await get(likedPath());
    const before = await get(likedPath());
    const other = new SqliteStore(file);
    await other.migrate();
    const tweet = server.creds.tweets[600];
    await other.like(server.creds.users[1].id, tweet.id, Date.now() + 60_000);
    await other.close();
    const after = await get(likedPath());
    assert.notDeepEqual(after.body, before.body);
    assert.equal(after.body.data[0].id, tweet.id);
  });

  it('keeps answers of different viewers apart', async () => {
    const own = server.creds.users[2];
    assert.equal(own.protected, true);
    const path = `/2/users/${own.id}/liked_tweets?max_results=5`;
    const asSelf = await get(path, own.oauth2AccessToken);
    const asApp = await get(path);
    assert.ok(asSelf.body.data?.length > 0);
    assert.equal(asApp.body.data, undefined);
    assert.equal(asApp.body.errors[0].type, 'https://api.twitter.com/2/problems/not-authorized-for-resource');
  });

  it('counts cached answers against the monthly Tweet cap', async () => {
    const { credentials } = server.services;
    const project = await credentials.createProject('Cache cap', { monthlyTweetCap: 15 });
    const app = await credentials.createApp('Cache cap app', project.id);
    const path = `/2/users/${server.creds.heavyLikerUserId}/liked_tweets?max_results=10`;
    assert.equal((await get(path, app.bearerToken)).status, 200);
    assert.equal((await get(path, app.bearerToken)).status, 200);
    const capped = await get(path, app.bearerToken);
    assert.equal(capped.status, 429);
    assert.equal(capped.body.type, 'https://api.twitter.com/2/problems/usage-capped');
  });

  it('forgets remembered credentials at the first write that changes them', async () => {
    const user = server.creds.users[3];
    const path = `/2/users/${user.id}/liked_tweets?max_results=5`;
    assert.equal((await get(path, user.oauth2AccessToken)).status, 200);
    assert.equal((await get(path, user.oauth2AccessToken)).status, 200);
    await server.services.store.setUserFlags(user.id, { suspended: true });
    assert.equal((await get(path, user.oauth2AccessToken)).status, 401);
    await server.services.store.setUserFlags(user.id, { suspended: false });
    assert.equal((await get(path, user.oauth2AccessToken)).status, 200);
    const app = (await server.services.store.appById(server.creds.app.id))!;
    await server.services.store.putApp({ ...app, suspended: true });
    assert.equal((await get(path)).status, 401);
    await server.services.store.putApp({ ...app, suspended: false });
    assert.equal((await get(path)).status, 200);
  });

  it('keeps remembered credentials across likes, which change only the data', async () => {
    const path = `/2/users/${server.creds.heavyLikerUserId}/liked_tweets?max_results=5`;
    await get(path);
    const before = bearerReads;
    const user = server.creds.users[4];
    await fetch(`${server.baseUrl}/2/users/${user.id}/likes`, {
      method: 'POST',
      headers: { authorization: `Bearer ${user.oauth2AccessToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ tweet_id: server.creds.tweets[700].id }),
    });
    const afterLike = bearerReads;
    await get(path);
    assert.equal(bearerReads, afterLike, 'the app bearer was not read again after a like');
    assert.ok(afterLike - before <= 1, 'the like read at most its own token');
  });
});
