// Every events operation's 200 body against X's own events document (test/fixtures/x/x-openapi-events.json, v2.167):
// webhooks, X Activity API subscriptions, replay and connections, each driven once with valid input. (Account
// Activity's bodies are checked in accountActivity.test.ts; the stream lines in streams.test.ts.)
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { bearerCall, type JsonAnswer } from '../support/bearerCall.ts';
import { serverForSuite } from '../support/harness.ts';
import { assertValidEventsSuccess } from '../support/openapi.ts';
import { WebhookReceiver } from '../support/webhookReceiver.ts';

const server = serverForSuite();

/** One call whose answer must be X's 200 for the operation (`template`: the path as X's document writes it). */
async function ok(method: string, path: string, template: string, token: string, body?: unknown): Promise<JsonAnswer> {
  const answer = await bearerCall(server.baseUrl, method, path, token, body);
  assert.equal(answer.status, 200, `${method} ${path}: ${answer.text}`);
  assertValidEventsSuccess(template, method, answer.json);
  return answer;
}

describe('the events operations answer in X\'s schemas', () => {
  let receiver: WebhookReceiver;
  before(async () => {
    receiver = await new WebhookReceiver(server.creds.app.consumerSecret).start();
  });
  after(async () => receiver?.close());

  it('webhooks, subscriptions, replay and connections', async () => {
    const bearer = server.creds.app.bearerToken;
    const [user] = server.creds.users;
    const webhook = await ok('POST', '/2/webhooks', '/2/webhooks', bearer, { url: receiver.url });
    const id = webhook.json.data.id as string;
    await ok('GET', '/2/webhooks', '/2/webhooks', bearer);
    await ok('PUT', `/2/webhooks/${id}`, '/2/webhooks/{webhook_id}', bearer);

    const created = await ok('POST', '/2/activity/subscriptions', '/2/activity/subscriptions', user.oauth2AccessToken, {
      event_type: 'like.create', filter: { user_id: user.id }, tag: 'schema', webhook_id: id,
    });
    const subscription = created.json.data.subscription.subscription_id as string;
    await ok('GET', '/2/activity/subscriptions', '/2/activity/subscriptions', bearer);
    await ok('PUT', `/2/activity/subscriptions/${subscription}`, '/2/activity/subscriptions/{subscription_id}', bearer, { tag: 'renamed' });
    const second = await ok('POST', '/2/activity/subscriptions', '/2/activity/subscriptions', user.oauth2AccessToken, {
      event_type: 'like.create', filter: { user_id: user.id, direction: 'inbound' },
    });
    await ok('DELETE', `/2/activity/subscriptions?ids=${second.json.data.subscription.subscription_id}`, '/2/activity/subscriptions', bearer);
    await ok('DELETE', `/2/activity/subscriptions/${subscription}`, '/2/activity/subscriptions/{subscription_id}', bearer);

    const minute = new Date().toISOString().replace(/[-T:]/g, '').slice(0, 12);
    await ok('POST', '/2/webhooks/replay', '/2/webhooks/replay', bearer, { webhook_id: id, from_date: minute, to_date: minute });
    await receiver.until(() => receiver.deliveries.some((d) => d.body.replay_job_status), 10_000, 'the replay job to end');

    await ok('GET', '/2/connections', '/2/connections', bearer);
    await ok('DELETE', '/2/connections/all', '/2/connections/all', bearer);
    await ok('DELETE', '/2/connections', '/2/connections', bearer, { uuids: ['6f1f4a5e-0000-4000-8000-000000000000'] });
    await ok('DELETE', '/2/connections/likes_firehose_stream', '/2/connections/{endpoint_id}', bearer);
    await ok('DELETE', `/2/webhooks/${id}`, '/2/webhooks/{webhook_id}', bearer);
  });
});
