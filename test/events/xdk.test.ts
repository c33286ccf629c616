// X's own SDK, @xdevplatform/xdk, pointed at the server by base URL alone: it registers a webhook (the CRC answered by
// a receiver in this process), subscribes to a user's like.create with that user's OAuth 2.0 token, reads the
// activity stream with the App's Bearer token, and sees the same like arrive on both.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Client } from '@xdevplatform/xdk';
import { serverForSuite } from '../support/harness.ts';
import { WebhookReceiver } from '../support/webhookReceiver.ts';

describe('@xdevplatform/xdk: webhooks, subscriptions and the activity stream', () => {
  const server = serverForSuite();
  let receiver: WebhookReceiver;
  before(async () => {
    receiver = await new WebhookReceiver(server.creds.app.consumerSecret).start();
  });
  after(async () => receiver?.close());

  it('creates the webhook and subscription, and the like arrives on the webhook and the stream', async () => {
    const app = new Client({ baseUrl: server.baseUrl, bearerToken: server.creds.app.bearerToken });
    const [liker, author] = server.creds.users;
    const user = new Client({ baseUrl: server.baseUrl, accessToken: liker.oauth2AccessToken });

    const webhook = await app.webhooks.create({ url: receiver.url });
    assert.equal(webhook.data?.valid, true);
    assert.equal(webhook.data?.url, receiver.url);
    const listed = await app.webhooks.get();
    assert.ok(listed.data?.some((w) => w.id === webhook.data!.id));

    const created = await user.activity.createSubscription({
      eventType: 'like.create', filter: { userId: liker.id, direction: 'outbound' }, tag: 'xdk', webhookId: webhook.data!.id,
    });
    // The SDK hands replies over camelCased.
    const subscription = created.data?.subscription as Record<string, unknown> | undefined;
    assert.equal(subscription?.eventType, 'like.create');
    assert.deepEqual(subscription?.filter, { userId: liker.id, direction: 'outbound' });
    const mine = await app.activity.getSubscriptions();
    assert.equal(mine.data?.length, 1);

    const stream = await app.stream.activity();
    const lines: any[] = [];
    stream.on('data', (event: unknown) => lines.push(event));
    try {
      const tweet = server.creds.tweets.find((t) => t.authorId === author.id)!;
      await user.users.unlikePost(liker.id, tweet.id);
      assert.deepEqual((await user.users.likePost(liker.id, { tweetId: tweet.id })).data, { liked: true });
      await receiver.until(() => receiver.received.length >= 1);
      const delivered = receiver.received[0].body;
      assert.equal(receiver.received[0].signed, true);
      assert.equal(delivered.data.payload.liked_tweet_id, tweet.id);
      const deadline = Date.now() + 10_000;
      while (lines.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      assert.equal(lines.length, 1, 'the stream carries the one like');
      // The stream's line is X's envelope as the webhook got it: one subscription, so the same event_uuid on both.
      assert.deepEqual(lines[0], delivered);
    } finally {
      stream.close();
    }

    await app.activity.deleteSubscription(String(subscription?.subscriptionId));
    assert.equal((await app.activity.getSubscriptions()).data?.length ?? 0, 0);
    assert.equal((await app.webhooks.delete(webhook.data!.id)).data?.deleted, true);
  });
});
