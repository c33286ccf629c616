// X's platform rules around the Likes endpoints: rate limits in 15-minute windows (moved with a manual
// clock), Projects and Apps, Bearer token endpoints, the monthly Tweet cap and per-Project policies.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ApiResponseError } from 'twitter-api-v2';
import { ManualClock } from '../support/clock.ts';
import { bearerClient, oauth1Client } from '../support/clients.ts';
import { serverForSuite, type TestServer } from '../support/harness.ts';

type Json = Record<string, any>;

async function call(server: TestServer, method: string, path: string, token: string, body?: unknown) {
  const res = await fetch(`${server.baseUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? (JSON.parse(text) as Json) : null };
}

describe('rate limits', () => {
  const clock = new ManualClock(Date.now());
  const server = serverForSuite({ clock });

  it('allows 50 likes per user per 15 minutes, refuses the 51st with 429 until the window ends', async () => {
    const user = server.creds.users[1];
    const path = `/2/users/${user.id}/likes`;
    for (let i = 0; i < 50; i++) {
      const r = await call(server, 'POST', path, user.oauth2AccessToken, { tweet_id: server.creds.tweets[i].id });
      assert.equal(r.status, 200, JSON.stringify(r.body));
      assert.equal(r.headers.get('x-rate-limit-limit'), '50');
      assert.equal(r.headers.get('x-rate-limit-remaining'), String(49 - i));
      assert.equal(r.headers.get('x-user-limit-24hour-limit'), '1000');
    }
    const refused = await call(server, 'POST', path, user.oauth2AccessToken, { tweet_id: server.creds.tweets[60].id });
    assert.equal(refused.status, 429);
    assert.deepEqual(refused.body, { title: 'Too Many Requests', type: 'about:blank', status: 429, detail: 'Too Many Requests' });
    assert.equal(refused.headers.get('x-rate-limit-remaining'), '0');
    const reset = Number(refused.headers.get('x-rate-limit-reset'));
    assert.ok(reset * 1000 > clock.now(), 'reset lies in the future');
    assert.ok(reset * 1000 < clock.now() + 15 * 60 * 1000 + 1000, 'reset within one window (whole seconds)');

    // The refused like did not happen.
    const likers = await call(server, 'GET', `/2/users/${user.id}/liked_tweets?max_results=100`, user.oauth2AccessToken);
    assert.ok(!likers.body!.data.some((t: Json) => t.id === server.creds.tweets[60].id));

    clock.set(reset * 1000);
    const again = await call(server, 'POST', path, user.oauth2AccessToken, { tweet_id: server.creds.tweets[60].id });
    assert.equal(again.status, 200);
    assert.equal(again.headers.get('x-rate-limit-remaining'), '49');
    assert.ok(Number(again.headers.get('x-rate-limit-reset')) > reset);
  });

  it('counts per user: another user is not limited by the first one', async () => {
    const other = server.creds.users[3];
    const r = await call(server, 'POST', `/2/users/${other.id}/likes`, other.oauth2AccessToken, { tweet_id: server.creds.tweets[5].id });
    assert.equal(r.status, 200);
    assert.equal(r.headers.get('x-rate-limit-remaining'), '49');
  });

  it('twitter-api-v2 reads the headers and recognises the 429', async () => {
    const user = server.creds.users[4];
    const client = oauth1Client(server.baseUrl, server.creds.app, user);
    // OAuth 1.0a timestamps are checked against the server clock, which this test moves: keep them together.
    clock.set(Date.now());
    for (let i = 0; i < 75; i++) {
      const page = await client.v2.get(`users/${user.id}/liked_tweets`, { max_results: 5 }, { fullResponse: true });
      assert.equal(page.rateLimit?.limit, 75);
      assert.equal(page.rateLimit?.remaining, 74 - i);
    }
    await assert.rejects(
      client.v2.get(`users/${user.id}/liked_tweets`, { max_results: 5 }),
      (e: unknown) => {
        assert.ok(e instanceof ApiResponseError);
        assert.equal(e.code, 429);
        assert.equal(e.rateLimitError, true);
        assert.equal(e.rateLimit?.remaining, 0);
        assert.ok(e.rateLimit!.reset * 1000 > clock.now());
        return true;
      },
    );
  });

  it('app-only requests count against the App, 75 per window on lookups', async () => {
    const bearer = server.creds.app.bearerToken;
    const r = await call(server, 'GET', `/2/tweets/${server.creds.popularTweetId}/liking_users?max_results=1`, bearer);
    assert.equal(r.status, 200);
    assert.equal(r.headers.get('x-rate-limit-limit'), '75');
    assert.equal(r.headers.get('x-user-limit-24hour-limit'), null);
  });
});

describe('Projects, Apps and Bearer tokens', () => {
  const server = serverForSuite();

  it('refuses an App outside a Project with client-not-enrolled, exactly as X', async () => {
    const orphan = server.creds.appWithoutProject;
    const r = await call(server, 'GET', `/2/tweets/${server.creds.popularTweetId}/liking_users`, orphan.bearerToken);
    assert.equal(r.status, 403);
    assert.deepEqual(Object.keys(r.body!), [
      'client_id', 'detail', 'registration_url', 'title', 'required_enrollment', 'reason', 'type',
    ]);
    assert.equal(r.body!.client_id, orphan.id);
    assert.equal(r.body!.reason, 'client-not-enrolled');
    assert.equal(r.body!.title, 'Client Forbidden');
    assert.equal(r.body!.type, 'https://api.twitter.com/2/problems/client-forbidden');
    assert.equal(r.body!.status, undefined);
  });

  it('issues the App Bearer from /oauth2/token, the same until invalidated, then a new one', async () => {
    const { consumerKey, consumerSecret, bearerToken } = server.creds.app;
    const basic = `Basic ${Buffer.from(`${encodeURIComponent(consumerKey)}:${encodeURIComponent(consumerSecret)}`).toString('base64')}`;
    const token = async () =>
      fetch(`${server.baseUrl}/oauth2/token`, {
        method: 'POST',
        headers: { authorization: basic, 'content-type': 'application/x-www-form-urlencoded;charset=UTF-8' },
        body: 'grant_type=client_credentials',
      });
    const first = await token();
    assert.equal(first.status, 200);
    const issued = (await first.json()) as Json;
    assert.deepEqual(issued, { token_type: 'bearer', access_token: bearerToken });

    const bad = await fetch(`${server.baseUrl}/oauth2/token`, {
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from(`${consumerKey}:wrong`).toString('base64')}` },
      body: 'grant_type=client_credentials',
    });
    assert.equal(bad.status, 403);
    assert.deepEqual(await bad.json(), {
      errors: [{ code: 99, message: 'Unable to verify your credentials', label: 'authenticity_token_error' }],
    });

    const invalidated = await fetch(`${server.baseUrl}/oauth2/invalidate_token?access_token=${encodeURIComponent(bearerToken)}`, {
      method: 'POST',
      headers: { authorization: basic },
    });
    assert.equal(invalidated.status, 200);
    assert.deepEqual(await invalidated.json(), { access_token: bearerToken });
    const old = await call(server, 'GET', `/2/tweets/${server.creds.popularTweetId}/liking_users`, bearerToken);
    assert.equal(old.status, 401);

    const fresh = (await (await token()).json()) as Json;
    assert.notEqual(fresh.access_token, bearerToken);
    const client = bearerClient(server.baseUrl, fresh.access_token);
    const likers = await client.v2.tweetLikedBy(server.creds.popularTweetId, { max_results: 10 });
    assert.ok(likers.data.length > 0 && likers.data.length <= 10);
    assert.equal(likers.meta.result_count, likers.data.length);
  });

  it('refuses a parameter sent twice to /oauth2/token and /oauth2/invalidate_token, and invalidates nothing', async () => {
    const { consumerKey, consumerSecret } = server.creds.app;
    const basic = `Basic ${Buffer.from(`${consumerKey}:${consumerSecret}`).toString('base64')}`;
    const post = (path: string, body: string) =>
      fetch(`${server.baseUrl}${path}`, { method: 'POST', headers: { authorization: basic, 'content-type': 'application/x-www-form-urlencoded' }, body });
    const current = await post('/oauth2/token', 'grant_type=client_credentials');
    assert.equal(current.status, 200);
    const bearerToken = ((await current.json()) as Json).access_token as string;
    const unverified = { errors: [{ code: 99, message: 'Unable to verify your credentials', label: 'authenticity_token_error' }] };
    for (const [path, body] of [
      ['/oauth2/token', 'grant_type=password&grant_type=client_credentials'],
      ['/oauth2/token?grant_type=client_credentials', 'grant_type=client_credentials'],
      ['/1.1/oauth2/invalidate_token', `access_token=zz&access_token=${encodeURIComponent(bearerToken)}`],
      [`/oauth2/invalidate_token?access_token=${encodeURIComponent(bearerToken)}`, `access_token=${encodeURIComponent(bearerToken)}`],
    ]) {
      const res = await post(path, body);
      assert.equal(res.status, 403, `${path} ${body}`);
      assert.deepEqual(await res.json(), unverified);
    }
    const still = await call(server, 'GET', `/2/tweets/${server.creds.popularTweetId}/liking_users`, bearerToken);
    assert.equal(still.status, 200, 'the Bearer was not invalidated');
  });

  it('refuses writes with OAuth 1.0a tokens of a read-only App (oauth1-permissions)', async () => {
    const { credentials, store } = server.services;
    const project = await store.projectById(server.creds.project.id);
    const readOnly = await credentials.createApp('Read-only App', project!.id, 'read');
    const user = server.creds.users[0];
    const tokens = await credentials.mintUserTokens(readOnly.app, user.id);
    const client = oauth1Client(server.baseUrl, readOnly, tokens);
    await assert.rejects(client.v2.like(user.id, server.creds.tweets[0].id), (e: unknown) => {
      assert.ok(e instanceof ApiResponseError);
      assert.equal(e.code, 403);
      assert.deepEqual(e.data, {
        title: 'Forbidden',
        status: 403,
        detail: 'Your client app is not configured with the appropriate oauth1 app permissions for this endpoint.',
        type: 'https://api.twitter.com/2/problems/oauth1-permissions',
      });
      return true;
    });
    const page = await client.v2.userLikedTweets(user.id, { max_results: 5 });
    assert.equal(page.data.data.length, 5);
  });

  it('refuses a suspended App and an unapproved developer account', async () => {
    const { credentials, store } = server.services;
    const project = await credentials.createProject('Pending developer', { developerState: 'pending' });
    const pending = await credentials.createApp('Pending App', project.id);
    const r = await call(server, 'GET', `/2/tweets/${server.creds.popularTweetId}/liking_users`, pending.bearerToken);
    assert.equal(r.status, 403);
    assert.equal(r.body!.type, 'https://api.twitter.com/2/problems/client-forbidden');

    const live = await credentials.createApp('Soon suspended', server.creds.project.id);
    assert.equal((await call(server, 'GET', `/2/tweets/${server.creds.popularTweetId}/liking_users`, live.bearerToken)).status, 200);
    await store.putApp({ ...live.app, suspended: true });
    assert.equal((await call(server, 'GET', `/2/tweets/${server.creds.popularTweetId}/liking_users`, live.bearerToken)).status, 401);
  });
});

describe('monthly Tweet cap', () => {
  const clock = new ManualClock(Date.UTC(2026, 10, 20, 12));
  const server = serverForSuite({ clock });

  it('counts the Tweets liked_tweets returns, reports them on /2/usage/tweets and refuses past the cap', async () => {
    const { credentials } = server.services;
    const project = await credentials.createProject('Small cap', { monthlyTweetCap: 30, capResetDay: 5 });
    const app = await credentials.createApp('Capped App', project.id);
    const user = server.creds.heavyLikerUserId;
    let returned = 0;
    const first = await call(server, 'GET', `/2/users/${user}/liked_tweets?max_results=20`, app.bearerToken);
    returned += first.body!.data.length;
    const second = await call(server, 'GET', `/2/users/${user}/liked_tweets?max_results=20`, app.bearerToken);
    returned += second.body!.data.length;
    assert.equal(returned, 40);

    const usage = await call(server, 'GET', '/2/usage/tweets', app.bearerToken);
    assert.equal(usage.status, 200);
    assert.deepEqual(usage.body, {
      data: { cap_reset_day: 15, project_cap: '30', project_id: project.id, project_usage: '40' },
    });
    const daily = await call(server, 'GET', '/2/usage/tweets?days=2&usage.fields=daily_project_usage,project_usage', app.bearerToken);
    assert.deepEqual(daily.body!.data.daily_project_usage.usage, [
      { date: '2026-11-19T00:00:00.000Z', usage: '0' },
      { date: '2026-11-20T00:00:00.000Z', usage: '40' },
    ]);

    const capped = await call(server, 'GET', `/2/users/${user}/liked_tweets?max_results=5`, app.bearerToken);
    assert.equal(capped.status, 429);
    assert.deepEqual(capped.body, {
      account_id: project.id,
      product_name: 'standard-basic',
      title: 'UsageCapExceeded',
      period: 'Monthly',
      scope: 'Product',
      detail: 'Usage cap exceeded: Monthly product cap',
      type: 'https://api.twitter.com/2/problems/usage-capped',
    });
    // liking_users reads users, not Tweets: not capped.
    assert.equal((await call(server, 'GET', `/2/tweets/${server.creds.popularTweetId}/liking_users`, app.bearerToken)).status, 200);

    // A user token of the demo App belongs to another Project, whose usage is its own.
    const own = await call(server, 'GET', `/2/users/${user}/liked_tweets?max_results=5`, server.creds.users[0].oauth2AccessToken);
    assert.equal(own.status, 200);

    clock.set(Date.UTC(2026, 11, 5, 0, 0, 1));
    const afterReset = await call(server, 'GET', `/2/users/${user}/liked_tweets?max_results=5`, app.bearerToken);
    assert.equal(afterReset.status, 200);
  });

  it('refuses user tokens on /2/usage/tweets (app-only only)', async () => {
    const r = await call(server, 'GET', '/2/usage/tweets', server.creds.users[0].oauth2AccessToken);
    assert.equal(r.status, 403);
    assert.equal(r.body!.type, 'https://api.twitter.com/2/problems/unsupported-authentication');
  });
});

describe('policies per Project and App', () => {
  const server = serverForSuite();

  const appWith = async (policy: Json) => {
    const { credentials } = server.services;
    const project = await credentials.createProject('Policy project', { policy });
    const app = await credentials.createApp('Policy app', project.id);
    const user = server.creds.users[0];
    const tokens = await credentials.mintUserTokens(app.app, user.id);
    return { app, tokens, user };
  };

  it('refuses app-only Bearer on lookups with unsupported-authentication when so set', async () => {
    const { app } = await appWith({ appOnlyOnLookups: 'refuse' });
    const r = await call(server, 'GET', `/2/tweets/${server.creds.popularTweetId}/liking_users`, app.bearerToken);
    assert.equal(r.status, 403);
    assert.deepEqual(r.body, {
      title: 'Unsupported Authentication',
      detail:
        'Authenticating with OAuth 2.0 Application-Only is forbidden for this endpoint.  Supported authentication types are [OAuth 1.0a User Context, OAuth 2.0 User Context].',
      type: 'https://api.twitter.com/2/problems/unsupported-authentication',
      status: 403,
    });
  });

  it('private likes: only your own likes, and likers only of your own Tweets', async () => {
    const { tokens, user } = await appWith({ likesPrivacy: 'private' });
    const own = await call(server, 'GET', `/2/users/${user.id}/liked_tweets?max_results=5`, tokens.oauth2AccessToken);
    assert.equal(own.status, 200);
    const other = server.creds.users[1].id;
    const foreign = await call(server, 'GET', `/2/users/${other}/liked_tweets?max_results=5`, tokens.oauth2AccessToken);
    assert.equal(foreign.status, 400);
    assert.equal(
      foreign.body!.errors[0].message,
      `The \`id\` query parameter value [${other}] must be the same as the authenticating user [${user.id}]`,
    );
    const likers = await call(server, 'GET', `/2/tweets/${server.creds.popularTweetId}/liking_users`, tokens.oauth2AccessToken);
    assert.deepEqual(likers.body, { meta: { result_count: 0 } });
  });

  it('liker cap off lists every liker across pages', async () => {
    const { app } = await appWith({ likingUsersCap: false });
    let token: string | undefined;
    let total = 0;
    do {
      const q = `max_results=100${token ? `&pagination_token=${token}` : ''}`;
      const page = await call(server, 'GET', `/2/tweets/${server.creds.popularTweetId}/liking_users?${q}`, app.bearerToken);
      total += page.body!.meta.result_count;
      token = page.body!.meta.next_token;
    } while (token);
    assert.ok(total > 100, `expected more than 100 likers, got ${total}`);
  });

  it('an App without Likes access gets X\'s subset-of-endpoints refusal', async () => {
    const { app } = await appWith({ accessLevel: 'no-likes' });
    const r = await call(server, 'GET', `/2/tweets/${server.creds.popularTweetId}/liking_users`, app.bearerToken);
    assert.equal(r.status, 403);
    assert.equal(r.body!.errors[0].code, 453);
  });

  it('the free tier allows one liked_tweets request per 15 minutes', async () => {
    const { tokens, user } = await appWith({ rateLimitTier: 'free' });
    const first = await call(server, 'GET', `/2/users/${user.id}/liked_tweets?max_results=5`, tokens.oauth2AccessToken);
    assert.equal(first.status, 200);
    assert.equal(first.headers.get('x-rate-limit-limit'), '1');
    const second = await call(server, 'GET', `/2/users/${user.id}/liked_tweets?max_results=5`, tokens.oauth2AccessToken);
    assert.equal(second.status, 429);
  });
});

describe('LIKES_API_LIMITS=off', () => {
  const server = serverForSuite({ env: { LIKES_API_LIMITS: 'off' } });

  it('never refuses, and still sends the rate-limit headers', async () => {
    const user = server.creds.users[1];
    for (let i = 0; i < 60; i++) {
      const r = await call(server, 'POST', `/2/users/${user.id}/likes`, user.oauth2AccessToken, { tweet_id: server.creds.tweets[i].id });
      assert.equal(r.status, 200);
      assert.equal(r.headers.get('x-rate-limit-limit'), '50');
    }
  });
});
