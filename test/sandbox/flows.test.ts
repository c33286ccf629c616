// X's user-authorization flows inside a sandbox: the authorize pages, their forms and the token endpoints reach the
// sandbox through its tagged client id, request token and pending authorization alone (one base URL for every
// world), the tokens they hand out work there and nowhere else, and the sandbox's clock decides when codes and
// access tokens expire.
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { TwitterApi } from 'twitter-api-v2';
import type { DemoCredentials } from '../../src/demo/demoSeed.ts';
import { sdkSettings } from '../support/clients.ts';
import { formOf } from '../support/forms.ts';
import { serverForSuite, type TestServer } from '../support/harness.ts';

const PASSWORD = 'likes-api-demo';

async function admin(server: TestServer, path: string, body?: unknown): Promise<any> {
  const res = await fetch(`${server.baseUrl}/__admin${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { authorization: `Bearer ${server.creds.adminToken}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  assert.ok(res.ok, `${path}: ${res.status} ${await res.clone().text()}`);
  return res.json();
}

const newSandbox = async (server: TestServer): Promise<{ id: string; credentials: DemoCredentials }> => admin(server, '/sandboxes', { seed: 'demo' });

/** A browser: opens the authorize URL, signs in as `username`, presses Authorize; returns where it is sent (or the page). */
async function authorizeInBrowser(baseUrl: string, url: string, username: string): Promise<{ location: string | null; page: string }> {
  const first = await fetch(url, { redirect: 'manual' });
  const cookie = /likes_api_flow=([A-Za-z0-9]+)/.exec(first.headers.get('set-cookie') ?? '')?.[0] ?? '';
  let page = await first.text();
  assert.equal(first.status, 200, page);
  let location: string | null = null;
  const steps: Record<string, string>[] = [{ username, password: PASSWORD, action: 'signin' }, { action: 'authorize' }];
  for (const fields of steps) {
    const form = formOf(page);
    const res = await fetch(new URL(form.action, baseUrl), {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie },
      body: new URLSearchParams({ ...form.fields, ...fields }).toString(),
    });
    page = await res.text();
    location = res.headers.get('location');
  }
  return { location, page };
}

const likedTweets = (server: TestServer, userId: string, token: string) =>
  fetch(`${server.baseUrl}/2/users/${userId}/liked_tweets?max_results=5`, { headers: { authorization: `Bearer ${token}` } });

describe('OAuth 2.0 Authorization Code with PKCE in a sandbox', () => {
  const server = serverForSuite();

  async function code(sandbox: { credentials: DemoCredentials }, user: DemoCredentials['users'][number]) {
    const verifier = randomBytes(32).toString('base64url');
    const url = new URL('/i/oauth2/authorize', server.baseUrl);
    const params = {
      response_type: 'code', client_id: sandbox.credentials.publicApp.clientId, redirect_uri: 'http://127.0.0.1:8765/callback',
      scope: 'tweet.read users.read like.read offline.access', state: 'st',
      code_challenge: createHash('sha256').update(verifier).digest('base64url'), code_challenge_method: 'S256',
    };
    for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
    const { location, page } = await authorizeInBrowser(server.baseUrl, url.toString(), user.username);
    assert.ok(location, page);
    const landed = new URL(location);
    assert.equal(landed.searchParams.get('state'), 'st');
    return { code: landed.searchParams.get('code')!, verifier };
  }

  const exchange = (sandbox: { credentials: DemoCredentials }, got: { code: string; verifier: string }) =>
    fetch(`${server.baseUrl}/2/oauth2/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'authorization_code', code: got.code, code_verifier: got.verifier,
        client_id: sandbox.credentials.publicApp.clientId, redirect_uri: 'http://127.0.0.1:8765/callback',
      }).toString(),
    });

  it('hands out a token that works in the sandbox only, and expires on the sandbox clock', async () => {
    const a = await newSandbox(server);
    const b = await newSandbox(server);
    const user = a.credentials.users[0];
    const res = await exchange(a, await code(a, user));
    const token = (await res.json()) as { access_token: string; refresh_token: string; expires_in: number };
    assert.equal(res.status, 200);
    assert.ok(token.access_token.startsWith(`${a.id}.`), 'the access token carries the sandbox tag');
    assert.equal((await likedTweets(server, user.id, token.access_token)).status, 200);
    // In another sandbox, with its tag swapped in, and in the default world: unknown.
    const swapped = token.access_token.replace(`${a.id}.`, `${b.id}.`);
    assert.equal((await likedTweets(server, user.id, swapped)).status, 401);
    assert.equal((await likedTweets(server, user.id, token.access_token.slice(a.id.length + 1))).status, 401);
    // Two hours later on the sandbox's clock (and not on the default world's), the token has expired.
    await admin(server, `/sandboxes/${a.id}/clock`, { advance_seconds: token.expires_in + 1 });
    assert.equal((await likedTweets(server, user.id, token.access_token)).status, 401);
    assert.equal((await likedTweets(server, server.creds.users[0].id, server.creds.users[0].oauth2AccessToken)).status, 200);
  });

  it('lets a code expire when the sandbox clock passes its 30 seconds', async () => {
    const a = await newSandbox(server);
    const got = await code(a, a.credentials.users[1]);
    await admin(server, `/sandboxes/${a.id}/clock`, { advance_seconds: 31 });
    const res = await exchange(a, got);
    assert.equal(res.status, 400);
    assert.deepEqual(await res.json(), { error: 'invalid_request', error_description: 'Value passed for the authorization code was invalid.' });
  });
});

describe('OAuth 1.0a three-legged in a sandbox', () => {
  const server = serverForSuite();

  it("twitter-api-v2's generateAuthLink and login reach the sandbox, and the access token works there only", async () => {
    const a = await newSandbox(server);
    const b = await newSandbox(server);
    const user = a.credentials.users[2];
    const { app } = a.credentials;
    const client = new TwitterApi({ appKey: app.consumerKey, appSecret: app.consumerSecret }, sdkSettings(server.baseUrl));
    const link = await client.generateAuthLink('oob');
    assert.ok(link.oauth_token.startsWith(`${a.id}.`), 'the request token carries the sandbox tag');
    const published = new URL(link.url);
    const { page } = await authorizeInBrowser(server.baseUrl, new URL(`${published.pathname}${published.search}`, server.baseUrl).toString(), user.username);
    const pin = /id="oauth_pin">(\d+)</.exec(page)?.[1];
    assert.ok(pin, page);
    const requestClient = new TwitterApi(
      { appKey: app.consumerKey, appSecret: app.consumerSecret, accessToken: link.oauth_token, accessSecret: link.oauth_token_secret },
      sdkSettings(server.baseUrl),
    );
    const login = await requestClient.login(pin);
    assert.equal(login.userId, user.id);
    const tweet = a.credentials.tweets.find((t) => t.authorId !== user.id)!;
    assert.deepEqual((await login.client.v2.like(user.id, tweet.id)).data, { liked: true });
    // The like is in sandbox a; b, made from the same template, does not have it.
    const likers = async (s: { credentials: DemoCredentials }) => {
      const res = await fetch(`${server.baseUrl}/2/tweets/${tweet.id}/liking_users?max_results=100`, { headers: { authorization: `Bearer ${s.credentials.app.bearerToken}` } });
      return (((await res.json()) as { data?: { id: string }[] }).data ?? []).map((u) => u.id);
    };
    assert.ok((await likers(a)).includes(user.id));
    assert.ok(!(await likers(b)).includes(user.id));
    // b's App signing with a's access token: a's token is not in b's store.
    const foreign = new TwitterApi(
      { appKey: b.credentials.app.consumerKey, appSecret: b.credentials.app.consumerSecret, accessToken: login.accessToken, accessSecret: login.accessSecret },
      sdkSettings(server.baseUrl),
    );
    await assert.rejects(foreign.v2.userLikedTweets(user.id, { max_results: 5 }), (e: any) => e.code === 401);
  });
});
