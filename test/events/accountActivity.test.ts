// The Account Activity API end to end (docs/reference/x-events.md §3): users subscribe with their own OAuth 1.0a or
// OAuth 2.0 token to a webhook a receiver in this process registered through X's CRC; the App lists, counts and
// removes subscriptions with its Bearer token; likes by a subscribed user, and of a subscribed user's Tweets, arrive
// signed as `favorite_events`, each with its `for_user_id`. Replies are checked against X's OpenAPI schemas.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Ajv, type ValidateFunction } from 'ajv';
import { ApiResponseError, type TwitterApi } from 'twitter-api-v2';
import { oauth1Client } from '../support/clients.ts';
import { serverForSuite } from '../support/harness.ts';
import { readReferenceJson, rewriteDiscriminators } from '../support/openapi.ts';
import { WebhookReceiver, type Delivery } from '../support/webhookReceiver.ts';

type Json = Record<string, any>;

const server = serverForSuite();

// ---- X's schemas for the five operations ----

const EVENTS_DOC = rewriteDiscriminators(readReferenceJson('x-openapi-events.json') as Json);
const ajv = new Ajv({ strict: false, allErrors: true, logger: false, validateFormats: false });
ajv.addSchema(EVENTS_DOC, 'events');
const validators = new Map<string, ValidateFunction>();

function assertXShape(schema: string, body: unknown): void {
  let validate = validators.get(schema);
  if (!validate) validators.set(schema, (validate = ajv.compile({ $ref: `events#/components/schemas/${schema}` })));
  assert.ok(validate(body), `${schema}: ${JSON.stringify(validate.errors)} in ${JSON.stringify(body)}`);
}

// ---- calls ----

interface Reply {
  status: number;
  json: Json;
}

async function call(method: string, path: string, token: string, body?: string, contentType = 'application/json'): Promise<Reply> {
  const res = await fetch(`${server.baseUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { 'content-type': contentType } : {}) },
    ...(body !== undefined ? { body } : {}),
  });
  const text = await res.text();
  return { status: res.status, json: text ? JSON.parse(text) : {} };
}

/** An OAuth 1.0a call through twitter-api-v2 (signed by it), as a status and body whatever the status. */
async function signed(client: TwitterApi, method: 'GET' | 'POST', path: string): Promise<Reply> {
  try {
    const r = method === 'GET'
      ? await client.v2.get(path, undefined, { fullResponse: true })
      : await client.v2.post(path, undefined, { fullResponse: true });
    return { status: 200, json: r.data as Json };
  } catch (e) {
    if (e instanceof ApiResponseError) return { status: e.code, json: e.data as Json };
    throw e;
  }
}

const subscriptionPath = (webhookId: string) => `/2/account_activity/webhooks/${webhookId}/subscriptions/all`;

function assertFailure(reply: Reply, reason: string): void {
  assert.equal(reply.status, 400, JSON.stringify(reply.json));
  assert.equal(reply.json.title, 'Invalid Request');
  assert.match(reply.json.errors[0].message, new RegExp(`^${reason}: `), JSON.stringify(reply.json));
}

const V1_DATE = /^(Sun|Mon|Tue|Wed|Thu|Fri|Sat) (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{2} \d{2}:\d{2}:\d{2} \+0000 \d{4}$/;

describe('Account Activity API: subscriptions and favorite_events', () => {
  let receiver: WebhookReceiver;
  let webhookId: string;
  // A subscribes with OAuth 1.0a, B with OAuth 2.0; X likes and C authors, neither subscribed (users[2] is protected).
  const people = () => {
    const [a, b, , x, c] = server.creds.users;
    return { a, b, x, c };
  };
  const tweetsBy = (userId: string) => server.creds.tweets.filter((t) => t.authorId === userId).map((t) => t.id);
  const bearer = () => server.creds.app.bearerToken;
  const like = async (user: { id: string; oauth2AccessToken: string }, tweetId: string) => {
    const r = await call('POST', `/2/users/${user.id}/likes`, user.oauth2AccessToken, JSON.stringify({ tweet_id: tweetId }));
    assert.equal(r.status, 200, JSON.stringify(r.json));
    assert.equal(r.json.data.liked, true);
  };
  const unlike = async (user: { id: string; oauth2AccessToken: string }, tweetId: string) => {
    const r = await call('DELETE', `/2/users/${user.id}/likes/${tweetId}`, user.oauth2AccessToken);
    assert.equal(r.status, 200, JSON.stringify(r.json));
  };
  const since = (from: number) => receiver.received.slice(from);

  before(async () => {
    receiver = await new WebhookReceiver(server.creds.app.consumerSecret).start();
    const made = await call('POST', '/2/webhooks', bearer(), JSON.stringify({ url: receiver.url }));
    assert.equal(made.status, 200, JSON.stringify(made.json));
    webhookId = made.json.data.id;
    // Every Tweet the deliveries use starts unliked by its liker, so each like below is a new one.
    const { a, b, x, c } = people();
    for (const [user, tweet] of [
      [a, tweetsBy(c.id)[0]], [a, tweetsBy(c.id)[1]], [a, tweetsBy(b.id)[0]], [x, tweetsBy(b.id)[1]], [x, tweetsBy(b.id)[2]],
      [x, tweetsBy(b.id)[3]],
    ] as const) {
      await unlike(user, tweet);
    }
  });
  after(async () => receiver?.close());

  it('refuses app-only authentication on subscribe and validate (X\'s unsupported-authentication)', async () => {
    for (const method of ['POST', 'GET']) {
      const r = await call(method, subscriptionPath(webhookId), bearer(), method === 'POST' ? '{}' : undefined);
      assert.equal(r.status, 403);
      assert.deepEqual(r.json, {
        title: 'Unsupported Authentication',
        detail:
          'Authenticating with OAuth 2.0 Application-Only is forbidden for this endpoint.  Supported authentication types are [OAuth 1.0a User Context, OAuth 2.0 User Context].',
        type: 'https://api.twitter.com/2/problems/unsupported-authentication',
        status: 403,
      });
    }
    const count = await call('GET', '/2/account_activity/subscriptions/count', bearer());
    assert.equal(count.json.data.subscriptions_count_all, '0');
  });

  it('subscribes with an OAuth 1.0a user token (no body, as X\'s quickstart) and an OAuth 2.0 one (`{}`)', async () => {
    const { a, b } = people();
    const client = oauth1Client(server.baseUrl, server.creds.app, a);
    const first = await signed(client, 'POST', subscriptionPath(webhookId).slice(3));
    assert.equal(first.status, 200, JSON.stringify(first.json));
    assert.deepEqual(first.json, { data: { subscribed: true } });
    assertXShape('CreateAccountActivitySubscriptionResponse', first.json);

    const second = await call('POST', subscriptionPath(webhookId), b.oauth2AccessToken, '{}');
    assert.equal(second.status, 200, JSON.stringify(second.json));
    assert.deepEqual(second.json, { data: { subscribed: true } });
  });

  it('a body that is sent must be a JSON object', async () => {
    const { x } = people();
    const text = await call('POST', subscriptionPath(webhookId), x.oauth2AccessToken, 'subscribe me', 'text/plain');
    assert.equal(text.status, 400);
    assert.equal(text.json.errors[0].message, 'Requests with bodies must have content-type of application/json.');
    const array = await call('POST', subscriptionPath(webhookId), x.oauth2AccessToken, '[]');
    assert.equal(array.status, 400);
    assert.equal(array.json.errors[0].message, 'The request body must be a JSON object.');
    const validate = await call('GET', subscriptionPath(webhookId), x.oauth2AccessToken);
    assert.deepEqual(validate.json, { data: { subscribed: false } }, 'a refused body subscribes nobody');
  });

  it('validates a subscription for the token\'s user: true when subscribed, false when not', async () => {
    const { a, b, x } = people();
    const oauth1 = await signed(oauth1Client(server.baseUrl, server.creds.app, a), 'GET', subscriptionPath(webhookId).slice(3));
    assert.deepEqual(oauth1, { status: 200, json: { data: { subscribed: true } } });
    assertXShape('ValidateAccountActivitySubscriptionResponse', oauth1.json);
    const oauth2 = await call('GET', subscriptionPath(webhookId), b.oauth2AccessToken);
    assert.deepEqual(oauth2, { status: 200, json: { data: { subscribed: true } } });
    const not = await call('GET', subscriptionPath(webhookId), x.oauth2AccessToken);
    assert.deepEqual(not, { status: 200, json: { data: { subscribed: false } } });
    assertXShape('ValidateAccountActivitySubscriptionResponse', not.json);
  });

  it('refuses a second subscription of the same user on the same webhook (DuplicateSubscriptionFailed)', async () => {
    const { a, b } = people();
    assertFailure(await signed(oauth1Client(server.baseUrl, server.creds.app, a), 'POST', subscriptionPath(webhookId).slice(3)), 'DuplicateSubscriptionFailed');
    assertFailure(await call('POST', subscriptionPath(webhookId), b.oauth2AccessToken, '{}'), 'DuplicateSubscriptionFailed');
  });

  it('lists the webhook\'s subscribed users and counts the App\'s subscriptions with the Bearer token', async () => {
    const { a, b } = people();
    const list = await call('GET', `${subscriptionPath(webhookId)}/list`, bearer());
    assert.equal(list.status, 200, JSON.stringify(list.json));
    assert.deepEqual(list.json, {
      data: {
        application_id: server.creds.app.id,
        webhook_id: webhookId,
        webhook_url: receiver.url,
        subscriptions: [{ user_id: a.id }, { user_id: b.id }],
      },
    });
    assertXShape('GetAccountActivitySubscriptionsResponse', list.json);

    const app = await server.services.store.appById(server.creds.app.id);
    const count = await call('GET', '/2/account_activity/subscriptions/count', bearer());
    assert.equal(count.status, 200, JSON.stringify(count.json));
    assert.deepEqual(count.json, {
      data: {
        account_name: app!.name,
        provisioned_count: '5000',
        subscriptions_count_all: '2',
        subscriptions_count_direct_messages: '0',
      },
    });
    assertXShape('GetAccountActivitySubscriptionCountResponse', count.json);

    // The Bearer-only endpoints refuse a user token.
    const userList = await call('GET', `${subscriptionPath(webhookId)}/list`, a.oauth2AccessToken);
    assert.equal(userList.status, 403);
    assert.equal(userList.json.title, 'Unsupported Authentication');
  });

  it('delivers a like by a subscribed user, and of a subscribed user\'s Tweet, as signed favorite_events', async () => {
    const { a, b, x, c } = people();
    const start = receiver.received.length;
    const before = Date.now();

    // A likes C's Tweet: one event, for A.
    const cTweet = tweetsBy(c.id)[0];
    await like(a, cTweet);
    await receiver.until(() => since(start).length >= 1, 15_000, 'A\'s like');
    const [byA] = since(start);
    assertFavorite(byA, { forUserId: a.id, liker: a, tweetId: cTweet, author: c, before });

    // X likes B's Tweet: one event, for B (the author).
    const bTweet = tweetsBy(b.id)[1];
    await like(x, bTweet);
    await receiver.until(() => since(start).length >= 2, 15_000, 'the like of B\'s Tweet');
    assertFavorite(since(start)[1], { forUserId: b.id, liker: x, tweetId: bTweet, author: b, before });

    // A likes B's Tweet: the same like for each of them, each with its own for_user_id.
    const both = tweetsBy(b.id)[0];
    await like(a, both);
    await receiver.until(() => since(start).length >= 4, 15_000, 'the like for both');
    const pair = since(start).slice(2, 4);
    assert.deepEqual(pair.map((d) => d.body.for_user_id).sort(), [a.id, b.id].sort());
    for (const d of pair) assertFavorite(d, { forUserId: d.body.for_user_id, liker: a, tweetId: both, author: b, before });
    assert.equal(pair[0].body.favorite_events[0].id, pair[1].body.favorite_events[0].id, 'one like, one id');
  });

  it('delivers nothing for an unlike', async () => {
    const { a, b, x, c } = people();
    await unlike(a, tweetsBy(c.id)[0]);
    const start = receiver.deliveries.length;
    // A later like of a subscribed user's Tweet: deliveries to a webhook keep their order, so once it is in, an
    // event for the unlike would have come before it.
    const sentinel = tweetsBy(b.id)[2];
    await like(x, sentinel);
    await receiver.until(() => receiver.deliveries.length > start, 15_000, 'the sentinel');
    const after = receiver.deliveries.slice(start);
    assert.equal(after.length, 1, JSON.stringify(after.map((d) => d.body)));
    assert.equal(after[0].body.for_user_id, b.id);
    assert.equal(after[0].body.favorite_events[0].favorited_status.id_str, sentinel);
  });

  it('deletes a subscription with the Bearer token, which ends its deliveries', async () => {
    const { a, b, x, c } = people();
    const removed = await call('DELETE', `/2/account_activity/webhooks/${webhookId}/subscriptions/${a.id}/all`, bearer());
    assert.equal(removed.status, 200, JSON.stringify(removed.json));
    assert.deepEqual(removed.json, { data: { subscribed: false } });
    assertXShape('DeleteAccountActivitySubscriptionResponse', removed.json);

    assertFailure(await call('DELETE', `/2/account_activity/webhooks/${webhookId}/subscriptions/${a.id}/all`, bearer()), 'SubscriptionNotFound');
    assertFailure(await call('DELETE', `/2/account_activity/webhooks/${webhookId}/subscriptions/${x.id}/all`, bearer()), 'SubscriptionNotFound');
    const validate = await signed(oauth1Client(server.baseUrl, server.creds.app, a), 'GET', subscriptionPath(webhookId).slice(3));
    assert.deepEqual(validate.json, { data: { subscribed: false } });
    const list = await call('GET', `${subscriptionPath(webhookId)}/list`, bearer());
    assert.deepEqual(list.json.data.subscriptions, [{ user_id: b.id }]);
    const count = await call('GET', '/2/account_activity/subscriptions/count', bearer());
    assert.equal(count.json.data.subscriptions_count_all, '1');

    const start = receiver.deliveries.length;
    await like(a, tweetsBy(c.id)[1]);
    const sentinel = tweetsBy(b.id)[3];
    await like(x, sentinel);
    await receiver.until(() => receiver.deliveries.length > start, 15_000, 'the sentinel');
    const after = receiver.deliveries.slice(start);
    assert.deepEqual(after.map((d) => d.body.for_user_id), [b.id], 'nothing for A once unsubscribed');
    assert.equal(after[0].body.favorite_events[0].favorited_status.id_str, sentinel);

    // A subscribes again (OAuth 1.0a): a new subscription.
    const again = await signed(oauth1Client(server.baseUrl, server.creds.app, a), 'POST', subscriptionPath(webhookId).slice(3));
    assert.deepEqual(again, { status: 200, json: { data: { subscribed: true } } });
  });

  it('refuses a webhook that does not exist or is not the App\'s own (WebhookIdInvalid)', async () => {
    const { a, x } = people();
    const { credentials, store } = server.services;
    const other = await credentials.createApp('Another AAA App', server.creds.project.id);
    const otherReceiver = await new WebhookReceiver(other.consumerSecret).start();
    try {
      const made = await call('POST', '/2/webhooks', other.bearerToken, JSON.stringify({ url: otherReceiver.url }));
      assert.equal(made.status, 200, JSON.stringify(made.json));
      const foreign = made.json.data.id as string;
      for (const id of [foreign, '1234567890123']) {
        assertFailure(await call('POST', subscriptionPath(id), x.oauth2AccessToken, '{}'), 'WebhookIdInvalid');
        assertFailure(await signed(oauth1Client(server.baseUrl, server.creds.app, a), 'POST', subscriptionPath(id).slice(3)), 'WebhookIdInvalid');
        assertFailure(await call('GET', subscriptionPath(id), x.oauth2AccessToken), 'WebhookIdInvalid');
        assertFailure(await call('GET', `${subscriptionPath(id)}/list`, bearer()), 'WebhookIdInvalid');
        assertFailure(await call('DELETE', `/2/account_activity/webhooks/${id}/subscriptions/${a.id}/all`, bearer()), 'WebhookIdInvalid');
      }
      // The other App's view of its own webhook: empty, and its own count.
      const list = await call('GET', `${subscriptionPath(foreign)}/list`, other.bearerToken);
      assert.deepEqual(list.json, { data: { application_id: other.app.id, webhook_id: foreign, webhook_url: otherReceiver.url, subscriptions: [] } });
      const count = await call('GET', '/2/account_activity/subscriptions/count', other.bearerToken);
      assert.equal(count.json.data.subscriptions_count_all, '0');
      assert.equal(count.json.data.account_name, (await store.appById(other.app.id))!.name);
    } finally {
      await otherReceiver.close();
    }
  });

  it('refuses a subscription past the App\'s allowance across its webhooks (SubscriptionLimitExceeded)', async () => {
    const { credentials } = server.services;
    const pro = await credentials.createApp('Pro AAA App', server.creds.project.id, 'read-write', { rateLimitTier: 'pro' });
    const proReceiver = await new WebhookReceiver(pro.consumerSecret).start();
    try {
      const made = await call('POST', '/2/webhooks', pro.bearerToken, JSON.stringify({ url: proReceiver.url }));
      assert.equal(made.status, 200, JSON.stringify(made.json));
      const id = made.json.data.id as string;
      const [u0, u1, , u3, u4] = server.creds.users;
      for (const user of [u0, u1, u3]) {
        const tokens = await credentials.mintUserTokens(pro.app, user.id);
        const r = await call('POST', subscriptionPath(id), tokens.oauth2AccessToken, '{}');
        assert.deepEqual(r, { status: 200, json: { data: { subscribed: true } } });
      }
      const fourth = await credentials.mintUserTokens(pro.app, u4.id);
      assertFailure(await call('POST', subscriptionPath(id), fourth.oauth2AccessToken, '{}'), 'SubscriptionLimitExceeded');
      const count = await call('GET', '/2/account_activity/subscriptions/count', pro.bearerToken);
      assert.deepEqual(count.json.data, {
        account_name: 'Pro AAA App', provisioned_count: '3', subscriptions_count_all: '3', subscriptions_count_direct_messages: '0',
      });
      // Room again once one is deleted.
      const removed = await call('DELETE', `/2/account_activity/webhooks/${id}/subscriptions/${u3.id}/all`, pro.bearerToken);
      assert.deepEqual(removed.json, { data: { subscribed: false } });
      const now = await call('POST', subscriptionPath(id), fourth.oauth2AccessToken, '{}');
      assert.deepEqual(now, { status: 200, json: { data: { subscribed: true } } });
    } finally {
      await proReceiver.close();
    }
  });

  it('takes concurrent subscriptions of one user once', async () => {
    const { credentials } = server.services;
    const app = await credentials.createApp('Racing AAA App', server.creds.project.id);
    const racing = await new WebhookReceiver(app.consumerSecret).start();
    try {
      const made = await call('POST', '/2/webhooks', app.bearerToken, JSON.stringify({ url: racing.url }));
      const id = made.json.data.id as string;
      const tokens = await credentials.mintUserTokens(app.app, server.creds.users[0].id);
      const replies = await Promise.all(Array.from({ length: 6 }, () => call('POST', subscriptionPath(id), tokens.oauth2AccessToken, '{}')));
      assert.deepEqual(replies.map((r) => r.status).sort(), [200, 400, 400, 400, 400, 400]);
      const list = await call('GET', `${subscriptionPath(id)}/list`, app.bearerToken);
      assert.equal(list.json.data.subscriptions.length, 1);
    } finally {
      await racing.close();
    }
  });

  it('an OAuth 2.0 token needs tweet.read, users.read and like.read', async () => {
    const app = await server.services.store.appById(server.creds.app.id);
    const user = server.creds.users[3];
    const withoutLikes = await server.services.credentials.mintUserTokens(app!, user.id, ['tweet.read', 'users.read', 'like.write']);
    for (const method of ['POST', 'GET']) {
      const r = await call(method, subscriptionPath(webhookId), withoutLikes.oauth2AccessToken, method === 'POST' ? '{}' : undefined);
      assert.equal(r.status, 403);
      assert.deepEqual(r.json, { title: 'Forbidden', type: 'about:blank', status: 403, detail: 'Forbidden' });
    }
    const enough = await server.services.credentials.mintUserTokens(app!, user.id, ['tweet.read', 'users.read', 'like.read']);
    const r = await call('GET', subscriptionPath(webhookId), enough.oauth2AccessToken);
    assert.deepEqual(r, { status: 200, json: { data: { subscribed: false } } });
  });
});

interface Expected {
  forUserId: string;
  liker: { id: string; username: string };
  tweetId: string;
  author: { id: string; username: string };
  /** Real time before the like was made. */
  before: number;
}

/** One `favorite_events` delivery as X documents it: signed, v1.1 objects, the like's time in v1.1's date form. */
function assertFavorite(d: Delivery, e: Expected): void {
  assert.equal(d.signed, true, 'x-twitter-webhooks-signature verifies');
  assert.deepEqual(Object.keys(d.body), ['for_user_id', 'favorite_events']);
  assert.equal(d.body.for_user_id, e.forUserId);
  assert.equal(d.body.favorite_events.length, 1);
  const event = d.body.favorite_events[0];
  assert.match(event.id, /^[0-9a-f]{32}$/);
  assert.equal(typeof event.timestamp_ms, 'number');
  assert.ok(event.timestamp_ms >= e.before - 1000 && event.timestamp_ms <= Date.now(), `timestamp_ms ${event.timestamp_ms}`);
  assert.match(event.created_at, V1_DATE);
  assert.equal(Date.parse(event.created_at), Math.floor(event.timestamp_ms / 1000) * 1000);
  const status = event.favorited_status;
  assert.equal(status.id_str, e.tweetId);
  assert.match(status.created_at, V1_DATE);
  assert.equal(status.user.id_str, e.author.id);
  assert.equal(status.user.screen_name, e.author.username);
  assert.equal(event.user.id_str, e.liker.id);
  assert.equal(event.user.screen_name, e.liker.username);
  // v1.1's numeric ids are written exactly, beside their strings.
  assert.ok(d.raw.includes(`"id":${e.tweetId},"id_str":"${e.tweetId}"`), 'the Tweet id as an exact integer');
  assert.ok(d.raw.includes(`"id":${e.liker.id},"id_str":"${e.liker.id}"`), 'the liker id as an exact integer');
}
