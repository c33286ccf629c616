// What a sandbox shows of its events: each webhook's delivery log in the control API (status, attempt, latency) and
// delivered events in the sandbox's usage, billed as the Post each carries.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { DemoCredentials } from '../../src/demo/demoCredentials.ts';
import { bearerCall, type JsonAnswer } from '../support/bearerCall.ts';
import { serverForSuite } from '../support/harness.ts';
import { WebhookReceiver } from '../support/webhookReceiver.ts';

type Json = Record<string, any>;

const server = serverForSuite();

const call = (method: string, path: string, token: string, body?: unknown): Promise<JsonAnswer> =>
  bearerCall(server.baseUrl, method, path, token, body);

describe('a sandbox inspects its deliveries', () => {
  let sandbox: { id: string; creds: DemoCredentials };
  let receiver: WebhookReceiver;

  before(async () => {
    const made = await call('POST', '/__admin/sandboxes', server.creds.adminToken!, { seed: 'demo' });
    assert.equal(made.status, 201);
    sandbox = { id: made.json.id, creds: made.json.credentials };
    receiver = await new WebhookReceiver(sandbox.creds.app.consumerSecret).start();
  });
  after(async () => receiver?.close());

  it('lists each attempt with its status and bills the delivered events', async () => {
    const { creds } = sandbox;
    const webhook = await call('POST', '/2/webhooks', creds.app.bearerToken, { url: receiver.url });
    assert.equal(webhook.status, 200, JSON.stringify(webhook.json));
    const [liker, author] = creds.users;
    const sub = await call('POST', '/2/activity/subscriptions', liker.oauth2AccessToken, {
      event_type: 'like.create', filter: { user_id: liker.id }, webhook_id: webhook.json.data.id,
    });
    assert.equal(sub.status, 200, JSON.stringify(sub.json));
    const tweets = creds.tweets.filter((t) => t.authorId === author.id).slice(0, 2);
    receiver.failNext = [503];
    for (const t of tweets) {
      await call('DELETE', `/2/users/${liker.id}/likes/${t.id}`, liker.oauth2AccessToken);
      assert.equal((await call('POST', `/2/users/${liker.id}/likes`, liker.oauth2AccessToken, { tweet_id: t.id })).status, 200);
    }
    // The first attempt failed (503): its retry is due 6 s later on the sandbox's clock.
    await receiver.until(() => receiver.deliveries.length >= 1);
    assert.equal((await call('POST', `/__admin/sandboxes/${sandbox.id}/clock`, server.creds.adminToken!, { advance_seconds: 7 })).status, 200);
    await receiver.until(() => receiver.received.length >= 2);
    assert.deepEqual(receiver.received.map((d) => d.body.data.payload.liked_tweet_id), tweets.map((t) => t.id));

    const inspected = await call('GET', `/__admin/sandboxes/${sandbox.id}/webhooks`, server.creds.adminToken!);
    assert.equal(inspected.status, 200);
    const [w] = inspected.json.data;
    assert.equal(w.id, webhook.json.data.id);
    assert.equal(w.app_id, creds.app.id);
    const attempts = [...w.deliveries].reverse().map((d: Json) => [d.kind, d.attempt, d.status]);
    assert.deepEqual(attempts, [['event', 1, 503], ['event', 2, 200], ['event', 1, 200]]);
    for (const d of w.deliveries) assert.ok(d.latency_ms >= 0 && typeof d.at === 'string');
    // Each attempt carries the body it posted, byte for byte what the receiver got (the retry the same body again).
    const bodies = [...w.deliveries].reverse().map((d: Json) => d.body);
    assert.deepEqual(bodies, [receiver.deliveries[0].raw, receiver.received[0].raw, receiver.received[1].raw]);

    const usage = await call('GET', `/__admin/sandboxes/${sandbox.id}/usage`, server.creds.adminToken!);
    const row = usage.json.data.find((r: Json) => r.app_id === creds.app.id);
    assert.ok(row, JSON.stringify(usage.json));
    assert.equal(row.requests_by_endpoint.events, 2);
    // Billed as the Posts they carry: the two liked Posts (and nothing else was read).
    assert.equal(row.posts_billable, 2);
  });
});
