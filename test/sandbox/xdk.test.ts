// X's own SDK, @xdevplatform/xdk, against sandboxes: pointed at the server's base URL with a sandbox's OAuth 2.0 user
// token, it likes, reads and unlikes in that sandbox only, and an injected fault reaches it as X's error would.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ApiError, Client } from '@xdevplatform/xdk';
import type { DemoCredentials } from '../../src/demo/demoSeed.ts';
import { serverForSuite, type TestServer } from '../support/harness.ts';

async function admin(server: TestServer, path: string, body?: unknown): Promise<any> {
  const res = await fetch(`${server.baseUrl}/__admin${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { authorization: `Bearer ${server.creds.adminToken}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  assert.ok(res.ok, `${path}: ${res.status}`);
  return res.json();
}

describe('@xdevplatform/xdk against sandboxes', () => {
  const server = serverForSuite();
  const clientOf = (creds: DemoCredentials, user = 0) => new Client({ baseUrl: server.baseUrl, accessToken: creds.users[user].oauth2AccessToken });

  it('likes, reads and unlikes in its own sandbox only', async () => {
    const a: { id: string; credentials: DemoCredentials } = await admin(server, '/sandboxes', { seed: 'demo' });
    const b: { id: string; credentials: DemoCredentials } = await admin(server, '/sandboxes', { seed: 'demo' });
    const me = a.credentials.users[1];
    const tweet = a.credentials.tweets.find((t) => t.authorId !== me.id)!;
    const xa = clientOf(a.credentials, 1);
    assert.deepEqual((await xa.users.likePost(me.id, { tweetId: tweet.id })).data, { liked: true });
    const mine = await xa.users.getLikedPosts(me.id, { maxResults: 5 });
    assert.equal(mine.data?.[0]?.id, tweet.id, 'the newest like comes first');
    const likers = async (creds: DemoCredentials) => ((await clientOf(creds).posts.getLikingUsers(tweet.id, { maxResults: 100 })).data ?? []).map((u) => u.id);
    assert.ok((await likers(a.credentials)).includes(me.id));
    assert.ok(!(await likers(b.credentials)).includes(me.id));
    assert.ok(!(await likers(server.creds)).includes(me.id));
    assert.deepEqual((await xa.users.unlikePost(me.id, tweet.id)).data, { liked: false });
    assert.ok(!(await likers(a.credentials)).includes(me.id));
  });

  it('sees an injected 429 and 503 as ApiErrors with X\'s status and rate-limit headers', async () => {
    const a: { id: string; credentials: DemoCredentials } = await admin(server, '/sandboxes', { seed: 'demo' });
    const me = a.credentials.users[0];
    await admin(server, `/sandboxes/${a.id}/faults`, { endpoint: 'liked_tweets', action: 'rate_limit', times: 1 });
    await admin(server, `/sandboxes/${a.id}/faults`, { endpoint: 'liked_tweets', action: 'unavailable', times: 1 });
    const xa = clientOf(a.credentials);
    const limited = await xa.users.getLikedPosts(me.id, { maxResults: 5 }).catch((e: unknown) => e);
    assert.ok(limited instanceof ApiError, String(limited));
    assert.equal(limited.status, 429);
    assert.equal(limited.headers.get('x-rate-limit-remaining'), '0');
    assert.ok(Number(limited.headers.get('x-rate-limit-reset')) * 1000 > Date.now());
    const down = await xa.users.getLikedPosts(me.id, { maxResults: 5 }).catch((e: unknown) => e);
    assert.ok(down instanceof ApiError && down.status === 503, String(down));
    // Both faults used up: the normal answer.
    assert.ok((await xa.users.getLikedPosts(me.id, { maxResults: 5 })).meta);
  });
});
