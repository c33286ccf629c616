// OAuth 1.0a three-legged flow over real HTTP: request token (signed with the consumer key only), the
// authorize/authenticate pages (forms submitted with fetch, redirects followed by hand), the access token exchange,
// PIN-based (oob) authorization, invalidation, and X's legacy refusals; then twitter-api-v2's own generateAuthLink
// and login pointed at the local server. twitter-api-v2 builds https://api.x.com/oauth/{request_token,authenticate,
// access_token}: a plugin rewrites the API base URL, the test rewrites the host of the authorize link, and the
// plugin asks for a form-encoded parse of the /oauth/ replies (the package decides that by the api.x.com host, which
// a sandbox does not have; X serves these replies as text/html).
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { ApiResponseError, TwitterApi } from 'twitter-api-v2';
import { DEMO_CALLBACKS, setAppCallbacks } from '../../src/auth/flows/index.ts';
import { OAuth1Flow } from '../../src/auth/flows/oauth1Flow.ts';
import { PendingAuthorizations, type OAuth1Grant } from '../../src/auth/flows/pending.ts';
import { oauth1BaseString, oauth1HmacSha1, percentEncode } from '../../src/auth/oauth1.ts';
import { hashToken } from '../../src/auth/secrets.ts';
import type { EphemeralStore } from '../../src/ports/ephemeral.ts';
import { oauth1Client, sdkSettings } from '../support/clients.ts';
import { ManualClock } from '../support/clock.ts';
import { formOf } from '../support/forms.ts';
import { serverForSuite, startTestServer, type TestServer } from '../support/harness.ts';

const PASSWORD = 'likes-api-demo';

interface Keys {
  key: string;
  secret: string;
}

/** An `Authorization: OAuth …` header for `method url` with `params` (query and form) signed in. */
function oauthHeader(
  method: string,
  url: string,
  consumer: Keys,
  token: Keys | null,
  extra: Record<string, string> = {},
  params: [string, string][] = [],
  opts: { timestamp?: number; badSecret?: boolean } = {},
): string {
  const oauth: Record<string, string> = {
    oauth_consumer_key: consumer.key,
    oauth_nonce: randomBytes(16).toString('hex'),
    oauth_signature_method: 'HMAC-SHA1',
    oauth_timestamp: String(opts.timestamp ?? Math.floor(Date.now() / 1000)),
    oauth_version: '1.0',
    ...(token ? { oauth_token: token.key } : {}),
    ...extra,
  };
  const u = new URL(url);
  const all: [string, string][] = [...u.searchParams, ...params, ...Object.entries(oauth)];
  const base = oauth1BaseString(method, `${u.origin}${u.pathname}`, all);
  const signature = oauth1HmacSha1(base, opts.badSecret ? 'wrong' : consumer.secret, token?.secret ?? '');
  return `OAuth ${Object.entries({ ...oauth, oauth_signature: signature }).map(([k, v]) => `${percentEncode(k)}="${percentEncode(v)}"`).join(', ')}`;
}

async function post(url: string, authorization: string | undefined, form: [string, string][] = []) {
  const res = await fetch(url, {
    method: 'POST',
    headers: {
      ...(authorization ? { authorization } : {}),
      ...(form.length ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
    },
    body: form.length ? new URLSearchParams(form).toString() : undefined,
  });
  return { status: res.status, type: res.headers.get('content-type') ?? '', text: await res.text() };
}

interface Step {
  status: number;
  page: string;
  location: string | null;
  cookie: string;
}

async function submit(baseUrl: string, prev: Step, extra: Record<string, string>): Promise<Step> {
  const { action, fields } = formOf(prev.page);
  const res = await fetch(new URL(action, baseUrl), {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: prev.cookie },
    body: new URLSearchParams({ ...fields, ...extra }).toString(),
  });
  return { status: res.status, page: await res.text(), location: res.headers.get('location'), cookie: prev.cookie };
}

/** Opens the authorize page, signs in as `username` and presses Authorize or Cancel. */
async function browse(baseUrl: string, url: string, username: string, decision: 'authorize' | 'cancel' = 'authorize'): Promise<{ signIn: Step; consent: Step; done: Step }> {
  const res = await fetch(url, { redirect: 'manual' });
  const signIn: Step = {
    status: res.status,
    page: await res.text(),
    location: null,
    cookie: /likes_api_flow=[A-Za-z0-9]+/.exec(res.headers.get('set-cookie') ?? '')?.[0] ?? '',
  };
  assert.equal(signIn.status, 200, signIn.page);
  const consent = await submit(baseUrl, signIn, { username, password: PASSWORD, action: 'signin' });
  assert.equal(consent.status, 200, consent.page);
  return { signIn, consent, done: await submit(baseUrl, consent, { action: decision }) };
}

describe('OAuth 1.0a three-legged flow', () => {
  let server: TestServer;
  let consumer: Keys;
  before(async () => {
    server = await startTestServer();
    consumer = { key: server.creds.app.consumerKey, secret: server.creds.app.consumerSecret };
  });
  after(async () => {
    await server?.close();
  });

  async function requestToken(callback: string, extra: [string, string][] = []) {
    const url = `${server.baseUrl}/oauth/request_token`;
    const r = await post(url, oauthHeader('POST', url, consumer, null, { oauth_callback: callback }, extra), extra);
    assert.equal(r.status, 200, r.text);
    const body = new URLSearchParams(r.text);
    return { r, token: body.get('oauth_token')!, secret: body.get('oauth_token_secret')!, body };
  }

  it('request token → sign in → consent → callback with verifier → access token that works on the Likes endpoints', async () => {
    const user = server.creds.users[0];
    const callback = 'http://127.0.0.1:8123/callback';
    const { r, token, secret, body } = await requestToken(callback);
    assert.match(r.type, /^text\/html/);
    assert.deepEqual([...body.keys()], ['oauth_token', 'oauth_token_secret', 'oauth_callback_confirmed']);
    assert.equal(body.get('oauth_callback_confirmed'), 'true');

    const { signIn, consent, done } = await browse(server.baseUrl, `${server.baseUrl}/oauth/authorize?oauth_token=${token}`, user.username);
    assert.match(signIn.page, /Demo App/);
    assert.match(consent.page, /Authorize Demo App to:/);
    assert.match(consent.page, /Like and unlike Posts for you/);
    assert.match(consent.page, /127\.0\.0\.1:8123/);
    assert.equal(done.status, 302);
    const landed = new URL(done.location!);
    assert.equal(`${landed.origin}${landed.pathname}`, callback);
    assert.deepEqual([...landed.searchParams.keys()], ['oauth_token', 'oauth_verifier']);
    assert.equal(landed.searchParams.get('oauth_token'), token);
    const verifier = landed.searchParams.get('oauth_verifier')!;

    const url = `${server.baseUrl}/oauth/access_token`;
    const form: [string, string][] = [['oauth_verifier', verifier]];
    const access = await post(url, oauthHeader('POST', url, consumer, { key: token, secret }, {}, form), form);
    assert.equal(access.status, 200, access.text);
    assert.match(access.type, /^text\/html/);
    const tokens = new URLSearchParams(access.text);
    assert.deepEqual([...tokens.keys()], ['oauth_token', 'oauth_token_secret', 'user_id', 'screen_name']);
    assert.ok(tokens.get('oauth_token')!.startsWith(`${user.id}-`));
    assert.equal(tokens.get('user_id'), user.id);
    assert.equal(tokens.get('screen_name'), user.username);

    const client = oauth1Client(server.baseUrl, server.creds.app, {
      accessToken: tokens.get('oauth_token')!, accessTokenSecret: tokens.get('oauth_token_secret')!,
    });
    const liked = await client.v2.userLikedTweets(user.id, { max_results: 5 });
    assert.ok(liked.tweets.length > 0);
    const tweet = server.creds.tweets.find((t) => t.authorId !== user.id)!;
    assert.deepEqual((await client.v2.like(user.id, tweet.id)).data, { liked: true });

    // The request token was spent.
    const again = await post(url, oauthHeader('POST', url, consumer, { key: token, secret }, {}, form), form);
    assert.equal(again.status, 401);
    assert.equal(again.text, 'Invalid request token.');
  });

  it('PIN-based (oob): the verifier is shown as a 7-digit PIN; an unsigned exchange with it works, as in X\'s example', async () => {
    const { token } = await requestToken('oob');
    const { done } = await browse(server.baseUrl, `${server.baseUrl}/oauth/authenticate?oauth_token=${token}`, server.creds.users[1].username);
    assert.equal(done.status, 200);
    const pin = /<div class="pin" id="oauth_pin">(\d+)<\/div>/.exec(done.page)?.[1];
    assert.ok(pin && /^\d{7}$/.test(pin), done.page);
    const access = await post(`${server.baseUrl}/oauth/access_token?oauth_verifier=${pin}&oauth_token=${token}`, undefined);
    assert.equal(access.status, 200, access.text);
    assert.equal(new URLSearchParams(access.text).get('user_id'), server.creds.users[1].id);
  });

  it('a second approval of an authorized request token (two tabs, a reload) leaves it to the first approver', async () => {
    const [first, second] = server.creds.users;
    const { token, secret } = await requestToken('http://127.0.0.1:8124/callback');
    // Both tabs open the page and sign in before either approves.
    const signedIn = async (username: string): Promise<Step> => {
      const res = await fetch(`${server.baseUrl}/oauth/authorize?oauth_token=${token}`, { redirect: 'manual' });
      const page: Step = { status: res.status, page: await res.text(), location: null, cookie: /likes_api_flow=[A-Za-z0-9]+/.exec(res.headers.get('set-cookie') ?? '')?.[0] ?? '' };
      assert.equal(page.status, 200, page.page);
      const consent = await submit(server.baseUrl, page, { username, password: PASSWORD, action: 'signin' });
      assert.equal(consent.status, 200, consent.page);
      return consent;
    };
    const tab1 = await signedIn(first.username);
    const tab2 = await signedIn(second.username);
    const approved = await submit(server.baseUrl, tab1, { action: 'authorize' });
    assert.equal(approved.status, 302);
    const late = await submit(server.baseUrl, tab2, { action: 'authorize' });
    assert.equal(late.status, 400);
    assert.match(late.page, /expired or was already used/);

    const url = `${server.baseUrl}/oauth/access_token`;
    const form: [string, string][] = [['oauth_verifier', new URL(approved.location!).searchParams.get('oauth_verifier')!]];
    const access = await post(url, oauthHeader('POST', url, consumer, { key: token, secret }, {}, form), form);
    assert.equal(access.status, 200, access.text);
    assert.equal(new URLSearchParams(access.text).get('user_id'), first.id);
  });

  it('an approval that lost a race to another leaves the token the other authorized', async () => {
    const [first, second] = server.creds.users;
    const callback = 'http://127.0.0.1:8126/callback';
    const { token, secret } = await requestToken(callback);
    const { store, shared, credentials, sealer, clock } = server.services;
    const key = `rtoken:${hashToken(token)}`;
    const before = await shared.ephemeral.get(key, clock.now());
    const flow = (ephemeral: EphemeralStore) =>
      new OAuth1Flow(store, ephemeral, shared.nonceStore, credentials, sealer, new PendingAuthorizations(ephemeral, clock, shared.rateLimiter), clock);
    const grant: OAuth1Grant = { kind: 'oauth1', appId: server.creds.app.id, requestToken: token, callback, permission: 'read-write', authenticate: false };
    const won = await flow(shared.ephemeral).approve(grant, first.id);
    assert.equal(won.kind, 'redirect');
    // The loser looked at the token before the winner authorized it, and takes it after.
    const stale: EphemeralStore = {
      put: (...args) => shared.ephemeral.put(...args),
      get: async (k, now) => (k === key ? before : shared.ephemeral.get(k, now)),
      take: (...args) => shared.ephemeral.take(...args),
      delete: (...args) => shared.ephemeral.delete(...args),
      close: async () => {},
    };
    assert.deepEqual(await flow(stale).approve(grant, second.id), { kind: 'expired' });

    const url = `${server.baseUrl}/oauth/access_token`;
    const form: [string, string][] = [['oauth_verifier', new URL(won.kind === 'redirect' ? won.location : '').searchParams.get('oauth_verifier')!]];
    const access = await post(url, oauthHeader('POST', url, consumer, { key: token, secret }, {}, form), form);
    assert.equal(access.status, 200, access.text);
    assert.equal(new URLSearchParams(access.text).get('user_id'), first.id);
  });

  it('refuses a wrong verifier and spends the request token', async () => {
    const { token, secret } = await requestToken('http://localhost:9000/callback');
    const { done } = await browse(server.baseUrl, `${server.baseUrl}/oauth/authorize?oauth_token=${token}`, server.creds.users[0].username);
    const verifier = new URL(done.location!).searchParams.get('oauth_verifier')!;
    const url = `${server.baseUrl}/oauth/access_token`;
    const wrong: [string, string][] = [['oauth_verifier', 'not-the-verifier']];
    const refused = await post(url, oauthHeader('POST', url, consumer, { key: token, secret }, {}, wrong), wrong);
    assert.equal(refused.status, 401);
    assert.equal(refused.text, 'Error processing your OAuth request: Invalid oauth_verifier parameter');
    const right: [string, string][] = [['oauth_verifier', verifier]];
    const late = await post(url, oauthHeader('POST', url, consumer, { key: token, secret }, {}, right), right);
    assert.equal(late.text, 'Invalid request token.');
    assert.equal((await post(url, undefined)).text, 'Request token missing');
  });

  it('an access token before the user authorized is refused', async () => {
    const { token, secret } = await requestToken('oob');
    const url = `${server.baseUrl}/oauth/access_token`;
    const form: [string, string][] = [['oauth_verifier', '1234567']];
    const r = await post(url, oauthHeader('POST', url, consumer, { key: token, secret }, {}, form), form);
    assert.equal(r.status, 401);
    assert.equal(r.text, 'Error processing your OAuth request: Invalid oauth_verifier parameter');
  });

  it('Cancel sends the browser back with denied=<request token> (a page for oob)', async () => {
    // A registered callback may carry a query; the App's parameters come first.
    await setAppCallbacks(server.services.store, server.creds.app.id, [...DEMO_CALLBACKS, 'http://127.0.0.1/callback?from=app']);
    const { token } = await requestToken('http://127.0.0.1:8124/callback?from=app');
    const { done } = await browse(server.baseUrl, `${server.baseUrl}/oauth/authorize?oauth_token=${token}`, server.creds.users[0].username, 'cancel');
    assert.equal(done.status, 302);
    assert.equal(done.location, `http://127.0.0.1:8124/callback?from=app&denied=${token}`);
    const again = await fetch(`${server.baseUrl}/oauth/authorize?oauth_token=${token}`);
    assert.equal(again.status, 400);
    assert.match(await again.text(), /This page is no longer valid/);

    const oob = await requestToken('oob');
    const cancelled = await browse(server.baseUrl, `${server.baseUrl}/oauth/authorize?oauth_token=${oob.token}`, server.creds.users[0].username, 'cancel');
    assert.equal(cancelled.done.status, 200);
    assert.match(cancelled.done.page, /Authorization cancelled/);
  });

  it("answers X's refusals on request_token", async () => {
    const url = `${server.baseUrl}/oauth/request_token`;
    const unregistered = await post(url, oauthHeader('POST', url, consumer, null, { oauth_callback: 'https://evil.example/callback' }));
    assert.equal(unregistered.status, 403);
    assert.deepEqual(JSON.parse(unregistered.text), {
      errors: [{ code: 415, message: 'Callback URL not approved for this client application. Approved callback URLs can be adjusted in your application settings' }],
    });
    const badSignature = await post(url, oauthHeader('POST', url, consumer, null, { oauth_callback: 'oob' }, [], { badSecret: true }));
    assert.equal(badSignature.status, 401);
    assert.deepEqual(JSON.parse(badSignature.text), { errors: [{ code: 32, message: 'Could not authenticate you.' }] });
    const stale = await post(url, oauthHeader('POST', url, consumer, null, { oauth_callback: 'oob' }, [], { timestamp: Math.floor(Date.now() / 1000) - 3600 }));
    assert.equal(stale.status, 401);
    assert.deepEqual(JSON.parse(stale.text), { errors: [{ code: 135, message: 'Timestamp out of bounds.' }] });
    const unsigned = await post(url, undefined, [['oauth_callback', 'oob']]);
    assert.equal(unsigned.status, 400);
    // A replayed request (same nonce) is refused.
    const header = oauthHeader('POST', url, consumer, null, { oauth_callback: 'oob' });
    assert.equal((await post(url, header)).status, 200);
    assert.equal((await post(url, header)).status, 401);
    // oauth_callback may come in the form body too.
    const form: [string, string][] = [['oauth_callback', 'http://127.0.0.1:1234/callback']];
    assert.equal((await post(url, oauthHeader('POST', url, consumer, null, {}, form), form)).status, 200);
  });

  it('x_auth_access_type=read issues a read-only token', async () => {
    const user = server.creds.users[0];
    const { token, secret } = await requestToken('oob', [['x_auth_access_type', 'read']]);
    const { consent, done } = await browse(server.baseUrl, `${server.baseUrl}/oauth/authorize?oauth_token=${token}`, user.username);
    assert.doesNotMatch(consent.page, /Like and unlike/);
    const pin = /id="oauth_pin">(\d+)</.exec(done.page)![1];
    const url = `${server.baseUrl}/oauth/access_token`;
    const form: [string, string][] = [['oauth_verifier', pin]];
    const tokens = new URLSearchParams((await post(url, oauthHeader('POST', url, consumer, { key: token, secret }, {}, form), form)).text);
    const client = oauth1Client(server.baseUrl, server.creds.app, { accessToken: tokens.get('oauth_token')!, accessTokenSecret: tokens.get('oauth_token_secret')! });
    await assert.rejects(client.v2.like(user.id, server.creds.tweets[0].id), (e: unknown) => {
      assert.ok(e instanceof ApiResponseError);
      assert.equal(e.code, 403);
      assert.equal((e.data as { type?: string }).type, 'https://api.twitter.com/2/problems/oauth1-permissions');
      return true;
    });
  });

  it('invalidate_token revokes the access token that signs it', async () => {
    const user = server.creds.users[2];
    const { token } = await requestToken('oob');
    const { done } = await browse(server.baseUrl, `${server.baseUrl}/oauth/authorize?oauth_token=${token}`, user.username);
    const pin = /id="oauth_pin">(\d+)</.exec(done.page)![1];
    const tokens = new URLSearchParams((await post(`${server.baseUrl}/oauth/access_token?oauth_token=${token}&oauth_verifier=${pin}`, undefined)).text);
    const access = { key: tokens.get('oauth_token')!, secret: tokens.get('oauth_token_secret')! };
    const client = oauth1Client(server.baseUrl, server.creds.app, { accessToken: access.key, accessTokenSecret: access.secret });
    assert.ok((await client.v2.userLikedTweets(user.id)).meta);

    const url = `${server.baseUrl}/1.1/oauth/invalidate_token`;
    const r = await post(url, oauthHeader('POST', url, consumer, access));
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(JSON.parse(r.text), { access_token: access.key });
    await assert.rejects(client.v2.userLikedTweets(user.id), (e: unknown) => e instanceof ApiResponseError && e.code === 401);
    // Revocation deletes the token: nothing of it (secret or record) stays in the store.
    assert.equal(await server.services.store.oauth1Token(access.key), null);
    const again = await post(`${server.baseUrl}/oauth/invalidate_token`, oauthHeader('POST', `${server.baseUrl}/oauth/invalidate_token`, consumer, access));
    assert.equal(again.status, 401);
    assert.deepEqual(JSON.parse(again.text), { errors: [{ code: 89, message: 'Invalid or expired token.' }] });
  });

  it('an unknown request token gets X\'s "no longer valid" page', async () => {
    for (const url of ['/oauth/authorize?oauth_token=nope', '/oauth/authenticate', '/oauth/authorize?oauth_token=']) {
      const res = await fetch(`${server.baseUrl}${url}`, { redirect: 'manual' });
      assert.equal(res.status, 400);
      assert.match(await res.text(), /This page is no longer valid/);
    }
  });
});

describe("twitter-api-v2's own OAuth 1.0a helpers", () => {
  const server = serverForSuite();

  for (const linkMode of ['authenticate', 'authorize'] as const) {
    it(`generateAuthLink (${linkMode}) and login`, async () => {
      const user = server.creds.users[3];
      const app = new TwitterApi({ appKey: server.creds.app.consumerKey, appSecret: server.creds.app.consumerSecret }, sdkSettings(server.baseUrl));
      const callback = 'http://127.0.0.1:5173/callback';
      const link = await app.generateAuthLink(callback, { linkMode, screenName: user.username });
      assert.equal(link.oauth_callback_confirmed, 'true');
      const published = new URL(link.url);
      assert.equal(published.origin + published.pathname, `https://api.x.com/oauth/${linkMode}`);
      const { signIn, done } = await browse(server.baseUrl, new URL(`${published.pathname}${published.search}`, server.baseUrl).toString(), user.username);
      // screen_name pre-fills the username field.
      assert.match(signIn.page, new RegExp(`value="${user.username}"`));
      const landed = new URL(done.location!);
      assert.equal(landed.searchParams.get('oauth_token'), link.oauth_token);

      const requestClient = new TwitterApi({
        appKey: server.creds.app.consumerKey, appSecret: server.creds.app.consumerSecret,
        accessToken: link.oauth_token, accessSecret: link.oauth_token_secret,
      }, sdkSettings(server.baseUrl));
      const login = await requestClient.login(landed.searchParams.get('oauth_verifier')!);
      assert.equal(login.userId, user.id);
      assert.equal(login.screenName, user.username);
      assert.ok(login.accessToken.startsWith(`${user.id}-`));
      const me = await login.client.v2.userLikedTweets(user.id, { max_results: 5 });
      assert.ok(me.meta);
    });
  }

  it("generateAuthLink('oob') and login with the PIN", async () => {
    const user = server.creds.users[4];
    const app = new TwitterApi({ appKey: server.creds.app.consumerKey, appSecret: server.creds.app.consumerSecret }, sdkSettings(server.baseUrl));
    const link = await app.generateAuthLink('oob');
    const published = new URL(link.url);
    const { done } = await browse(server.baseUrl, new URL(`${published.pathname}${published.search}`, server.baseUrl).toString(), user.username);
    const pin = /id="oauth_pin">(\d+)</.exec(done.page)![1];
    const requestClient = new TwitterApi({
      appKey: server.creds.app.consumerKey, appSecret: server.creds.app.consumerSecret,
      accessToken: link.oauth_token, accessSecret: link.oauth_token_secret,
    }, sdkSettings(server.baseUrl));
    const login = await requestClient.login(pin);
    assert.equal(login.userId, user.id);
    const tweet = server.creds.tweets.find((t) => t.authorId !== user.id)!;
    assert.deepEqual((await login.client.v2.like(user.id, tweet.id)).data, { liked: true });
    await assert.rejects(requestClient.login(pin), (e: unknown) => e instanceof ApiResponseError && e.code === 401);
  });
});

describe('OAuth 1.0a request token lifetime', () => {
  const clock = new ManualClock(Date.now());
  let server: TestServer;
  before(async () => {
    server = await startTestServer({ clock });
  });
  after(async () => {
    await server?.close();
  });

  it('lives 15 minutes from its issue, authorized or not: approving it late does not extend it', async () => {
    const consumer = { key: server.creds.app.consumerKey, secret: server.creds.app.consumerSecret };
    const url = `${server.baseUrl}/oauth/request_token`;
    const callback = 'http://127.0.0.1:8125/callback';
    const issued = await post(url, oauthHeader('POST', url, consumer, null, { oauth_callback: callback }));
    assert.equal(issued.status, 200, issued.text);
    const token = new URLSearchParams(issued.text).get('oauth_token')!;
    const res = await fetch(`${server.baseUrl}/oauth/authorize?oauth_token=${token}`, { redirect: 'manual' });
    const page: Step = { status: res.status, page: await res.text(), location: null, cookie: /likes_api_flow=[A-Za-z0-9]+/.exec(res.headers.get('set-cookie') ?? '')?.[0] ?? '' };
    assert.equal(page.status, 200, page.page);
    clock.advance(14 * 60 * 1000);
    const consent = await submit(server.baseUrl, page, { username: server.creds.users[0].username, password: PASSWORD, action: 'signin' });
    const approved = await submit(server.baseUrl, consent, { action: 'authorize' });
    assert.equal(approved.status, 302, approved.page);
    const verifier = new URL(approved.location!).searchParams.get('oauth_verifier')!;
    clock.advance(60 * 1000 + 1);
    // Unsigned, as X's example sends it (the verifier is the proof): the manual clock would make a signature stale.
    const exchange = await post(`${server.baseUrl}/oauth/access_token?oauth_token=${token}&oauth_verifier=${verifier}`, undefined);
    assert.equal(exchange.status, 401);
    assert.equal(exchange.text, 'Invalid request token.');
  });
});
