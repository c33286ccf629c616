// Sandboxes left open on a long-running server: their stores are closed once idle and reopened by their next
// request, with their data, credentials and shared state (faults, clock) intact.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { IDLE_WORLD_MS } from '../../src/worlds.ts';
import { serverForSuite } from '../support/harness.ts';

describe('idle sandboxes', () => {
  const server = serverForSuite();
  const admin = (path: string, body?: unknown) =>
    fetch(`${server.baseUrl}/__admin${path}`, {
      method: body === undefined ? 'GET' : 'POST',
      headers: { authorization: `Bearer ${server.creds.adminToken}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });

  it('closes the store of a sandbox unused for a while and reopens it on its next request', async () => {
    const made = (await (await admin('/sandboxes', { seed: 'demo' })).json()) as { id: string; credentials: any };
    const { credentials } = made;
    const user = credentials.users[0];
    const tweet = credentials.tweets.find((t: { authorId: string }) => t.authorId !== user.id).id;
    const like = await fetch(`${server.baseUrl}/2/users/${user.id}/likes`, {
      method: 'POST',
      headers: { authorization: `Bearer ${user.oauth2AccessToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ tweet_id: tweet }),
    });
    assert.equal(like.status, 200);
    const liked = () => fetch(`${server.baseUrl}/2/users/${user.id}/liked_tweets?max_results=5`, { headers: { authorization: `Bearer ${user.oauth2AccessToken}` } });
    const before = await (await liked()).text();
    await admin(`/sandboxes/${made.id}/clock`, { advance_seconds: 3600 });
    const clockBefore = ((await (await admin(`/sandboxes/${made.id}/clock`)).json()) as { now: string }).now;

    // Not idle yet: nothing is released.
    assert.deepEqual(await server.services.worlds.releaseIdle(Date.now()), []);
    assert.deepEqual(await server.services.worlds.releaseIdle(Date.now() + IDLE_WORLD_MS + 1000), [made.id]);

    const page = await liked();
    assert.equal(page.status, 200);
    assert.equal(await page.text(), before, 'the same answer as before the store was closed');
    const clockAfter = ((await (await admin(`/sandboxes/${made.id}/clock`)).json()) as { now: string }).now;
    assert.ok(Date.parse(clockAfter) >= Date.parse(clockBefore), 'the clock kept its offset');
    assert.ok(Date.parse(clockAfter) - Date.now() > 3500_000);
  });
});
