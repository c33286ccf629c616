// A sandbox's deliveries survive a restart of the server without waiting for the sandbox's next request: the new
// process reopens the sandboxes that have webhooks and delivers from their cursors.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { DemoCredentials } from '../../src/demo/demoCredentials.ts';
import { bearerCall } from '../support/bearerCall.ts';
import { startTestServer, type TestServer } from '../support/harness.ts';
import { WebhookReceiver } from '../support/webhookReceiver.ts';

describe('sandbox deliveries across a restart', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'likes-events-restart-'));
  const env = { LIKES_API_DATA_DIR: dataDir, LIKES_API_ADMIN_TOKEN: 'restart-admin-token-0123456789abcdef' };
  let receiver: WebhookReceiver | undefined;
  let server: TestServer | undefined;
  after(async () => {
    await server?.close();
    await receiver?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('delivers what a stopped server left undelivered, with no request to the sandbox', async () => {
    server = await startTestServer({ env });
    const admin = (method: string, path: string, body?: unknown) => bearerCall(server!.baseUrl, method, `/__admin${path}`, env.LIKES_API_ADMIN_TOKEN, body);
    const made = await admin('POST', '/sandboxes', { seed: 'demo' });
    assert.equal(made.status, 201, made.text);
    const creds = made.json.credentials as DemoCredentials;
    receiver = await new WebhookReceiver(creds.app.consumerSecret).start();
    const call = (method: string, path: string, token: string, body?: unknown) => bearerCall(server!.baseUrl, method, path, token, body);
    const webhook = await call('POST', '/2/webhooks', creds.app.bearerToken, { url: receiver.url });
    assert.equal(webhook.status, 200, webhook.text);
    const [liker, author] = creds.users;
    const sub = await call('POST', '/2/activity/subscriptions', liker.oauth2AccessToken, {
      event_type: 'like.create', filter: { user_id: liker.id }, webhook_id: webhook.json.data.id,
    });
    assert.equal(sub.status, 200, sub.text);
    // The receiver refuses the first attempt; the server stops before the retry is due (6 s on the sandbox clock).
    receiver.failNext = [503];
    const tweet = creds.tweets.find((t) => t.authorId === author.id)!;
    await call('DELETE', `/2/users/${liker.id}/likes/${tweet.id}`, liker.oauth2AccessToken);
    assert.equal((await call('POST', `/2/users/${liker.id}/likes`, liker.oauth2AccessToken, { tweet_id: tweet.id })).status, 200);
    await receiver.until(() => receiver!.deliveries.length >= 1);
    await server.close();
    server = undefined;
    assert.equal(receiver.received.length, 0);

    // A new process on the same data: nothing asks for the sandbox, yet the like arrives.
    server = await startTestServer({ env });
    await receiver.until(() => receiver!.received.length >= 1, 15_000, 'the like after the restart');
    assert.equal(receiver.received[0].body.data.payload.liked_tweet_id, tweet.id);
    assert.equal(receiver.received[0].signed, true);
  });
});
