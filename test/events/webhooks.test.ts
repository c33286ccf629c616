// Webhooks and X Activity API subscriptions end to end: a receiver in this process registers through X's CRC, a
// like.create subscription is made, and likes made through the API arrive signed, in order, once each.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { bearerCall, type JsonAnswer } from '../support/bearerCall.ts';
import { serverForSuite } from '../support/harness.ts';
import { WebhookReceiver } from '../support/webhookReceiver.ts';


const server = serverForSuite();
let receiver: WebhookReceiver;

const call = (method: string, path: string, token: string, body?: unknown): Promise<JsonAnswer> =>
  bearerCall(server.baseUrl, method, path, token, body);

describe('webhooks and like.create', () => {
  before(async () => {
    receiver = await new WebhookReceiver(server.creds.app.consumerSecret).start();
  });
  after(async () => receiver?.close());

  it('registers through the CRC, subscribes, and delivers each like signed', async () => {
    const bearer = server.creds.app.bearerToken;
    const made = await call('POST', '/2/webhooks', bearer, { url: receiver.url });
    assert.equal(made.status, 200, JSON.stringify(made.json));
    assert.equal(made.json.data.valid, true);
    assert.equal(receiver.crcs.length, 1);
    const [liker, author] = server.creds.users;
    const sub = await call('POST', '/2/activity/subscriptions', liker.oauth2AccessToken, {
      event_type: 'like.create', filter: { user_id: liker.id, direction: 'outbound' }, tag: 'mine', webhook_id: made.json.data.id,
    });
    assert.equal(sub.status, 200, JSON.stringify(sub.json));
    const tweet = server.creds.tweets.find((t) => t.authorId === author.id)!;
    await call('DELETE', `/2/users/${liker.id}/likes/${tweet.id}`, liker.oauth2AccessToken);
    const liked = await call('POST', `/2/users/${liker.id}/likes`, liker.oauth2AccessToken, { tweet_id: tweet.id });
    assert.equal(liked.status, 200);
    await receiver.until(() => receiver.received.length >= 1);
    const d = receiver.received[0];
    assert.equal(d.signed, true);
    assert.equal(d.body.data.event_type, 'like.create');
    assert.equal(d.body.data.tag, 'mine');
    assert.equal(d.body.data.payload.liked_tweet_id, tweet.id);
    assert.equal(d.body.data.payload.liked_tweet_author_id, author.id);
  });

  it('takes the same like.create subscription once however many ask at once; the others are DuplicateSubscriptionFailed', async () => {
    const [, , user] = server.creds.users;
    const body = { event_type: 'like.create', filter: { user_id: user.id, direction: 'inbound' }, tag: 'race' };
    const answers = await Promise.all(Array.from({ length: 6 }, () => call('POST', '/2/activity/subscriptions', user.oauth2AccessToken, body)));
    assert.deepEqual(answers.map((a) => a.status).sort(), [200, 400, 400, 400, 400, 400]);
    for (const a of answers.filter((x) => x.status === 400)) {
      assert.match(a.json.errors[0].message, /^DuplicateSubscriptionFailed: /);
    }
    const listed = await call('GET', '/2/activity/subscriptions', server.creds.app.bearerToken);
    assert.equal(listed.json.data.filter((s: { tag?: string }) => s.tag === 'race').length, 1);
  });
});
