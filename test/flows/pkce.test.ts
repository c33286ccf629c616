// OAuth 2.0 Authorization Code with PKCE over real HTTP: the authorize request and its refusals, the sign-in and
// consent forms (submitted with fetch, redirects followed by hand), the token, refresh and revoke endpoints with
// X's error bodies, code and token lifetimes (on a manual clock), and the two packages' own helpers pointed at the
// local server:
// - twitter-api-v2: generateOAuth2AuthLink builds https://x.com/i/oauth2/authorize (only the host is rewritten,
//   as a user pointing at a sandbox would); loginWithOAuth2 / refreshOAuth2Token / revokeOAuth2Token post to
//   https://api.x.com/2/oauth2/… (a plugin rewrites the base URL; the package sends these bodies as JSON).
// - twitter-api-sdk: auth.OAuth2User.generateAuthURL builds https://twitter.com/i/oauth2/authorize (host
//   rewritten); requestAccessToken / refreshAccessToken / revokeAccessToken take `request_options.base_url` and
//   send their parameters in the query string.
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { auth, Client } from 'twitter-api-sdk';
import { ApiResponseError, TwitterApi } from 'twitter-api-v2';
import { FAMILY_ACCESS_LIMIT, OAuth2Flow } from '../../src/auth/flows/oauth2Flow.ts';
import { PendingAuthorizations } from '../../src/auth/flows/pending.ts';
import type { EphemeralStore } from '../../src/ports/ephemeral.ts';
import { ServiceUnavailableError } from '../../src/ports/unavailable.ts';
import { sdkSettings } from '../support/clients.ts';
import { ManualClock } from '../support/clock.ts';
import { formOf } from '../support/forms.ts';
import { serverForSuite, startTestServer, type TestServer } from '../support/harness.ts';

type Json = Record<string, any>;

const PASSWORD = 'likes-api-demo';
const CODE_INVALID = { error: 'invalid_request', error_description: 'Value passed for the authorization code was invalid.' };
const TOKEN_INVALID = { error: 'invalid_request', error_description: 'Value passed for the token was invalid.' };

const b64url = (buf: Buffer) => buf.toString('base64url');
function pkcePair(): { verifier: string; challenge: string } {
  const verifier = b64url(randomBytes(32));
  return { verifier, challenge: b64url(createHash('sha256').update(verifier).digest()) };
}

function cookieOf(res: Response): string {
  const set = res.headers.get('set-cookie') ?? '';
  const m = /likes_api_flow=([A-Za-z0-9]+)/.exec(set);
  assert.ok(m, `no flow cookie in ${set}`);
  return `likes_api_flow=${m[1]}`;
}

interface Browser {
  baseUrl: string;
  cookie: string;
  page: string;
  status: number;
}

/** Opens an authorize URL the way a browser does (no redirect following). */
async function open(baseUrl: string, url: string): Promise<Browser & { location: string | null }> {
  const res = await fetch(url, { redirect: 'manual' });
  const page = await res.text();
  return { baseUrl, cookie: res.status === 200 ? cookieOf(res) : '', page, status: res.status, location: res.headers.get('location') };
}

/** Submits the page's form with `extra` fields; returns the next page or the redirect. */
async function submit(b: Browser, extra: Record<string, string>, cookie = b.cookie): Promise<Browser & { location: string | null }> {
  const { action, fields } = formOf(b.page);
  const res = await fetch(new URL(action, b.baseUrl), {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...(cookie ? { cookie } : {}) },
    body: new URLSearchParams({ ...fields, ...extra }).toString(),
  });
  return { baseUrl: b.baseUrl, cookie: b.cookie, page: await res.text(), status: res.status, location: res.headers.get('location') };
}

/** Sign in as `username`, then press Authorize (or Cancel); returns where the browser is sent. */
async function consent(
  baseUrl: string,
  authorizeUrl: string,
  username: string,
  decision: 'authorize' | 'cancel' = 'authorize',
  password = PASSWORD,
): Promise<URL> {
  const first = await open(baseUrl, authorizeUrl);
  assert.equal(first.status, 200, first.page);
  const consentPage = await submit(first, { username, password, action: 'signin' });
  assert.equal(consentPage.status, 200, consentPage.page);
  const done = await submit(consentPage, { action: decision });
  assert.equal(done.status, 302, done.page);
  return new URL(done.location!);
}

function authorizeUrl(server: TestServer, params: Record<string, string>, path = '/i/oauth2/authorize'): string {
  const url = new URL(path, server.baseUrl);
  for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
  return url.toString();
}

async function tokenRequest(server: TestServer, path: string, params: Record<string, string>, basic?: [string, string]): Promise<{ status: number; body: Json }> {
  const res = await fetch(`${server.baseUrl}${path}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      ...(basic ? { authorization: `Basic ${Buffer.from(`${basic[0]}:${basic[1]}`).toString('base64')}` } : {}),
    },
    body: new URLSearchParams(params).toString(),
  });
  assert.match(res.headers.get('content-type') ?? '', /^application\/json/);
  return { status: res.status, body: (await res.json()) as Json };
}

async function likedTweets(server: TestServer, userId: string, token: string): Promise<{ status: number; body: Json; headers: Headers }> {
  const res = await fetch(`${server.baseUrl}/2/users/${userId}/liked_tweets?max_results=5`, { headers: { authorization: `Bearer ${token}` } });
  return { status: res.status, body: (await res.json()) as Json, headers: res.headers };
}

/** A complete authorization for `user`: returns the code and what the exchange needs. */
async function authorizeCode(
  server: TestServer,
  opts: { scope?: string; port?: number; method?: 'S256' | 's256' | 'plain'; user?: number; client?: 'public' | 'confidential' } = {},
) {
  const { verifier, challenge } = pkcePair();
  const method = opts.method ?? 'S256';
  const redirectUri = `http://127.0.0.1:${opts.port ?? 8765}/callback`;
  const state = b64url(randomBytes(12));
  const user = server.creds.users[opts.user ?? 0];
  const landed = await consent(server.baseUrl, authorizeUrl(server, {
    response_type: 'code',
    // The demo's Native App (public client) unless the Web App (confidential client) is asked for.
    client_id: opts.client === 'confidential' ? server.creds.app.clientId : server.creds.publicApp.clientId,
    redirect_uri: redirectUri,
    scope: opts.scope ?? 'tweet.read users.read like.read offline.access',
    state,
    code_challenge: method === 'plain' ? verifier : challenge,
    code_challenge_method: method,
  }), user.username);
  assert.equal(`${landed.origin}${landed.pathname}`, redirectUri);
  assert.equal(landed.searchParams.get('state'), state);
  const code = landed.searchParams.get('code');
  assert.ok(code, `no code in ${landed}`);
  return { code, verifier, redirectUri, user };
}

describe('OAuth 2.0 Authorization Code with PKCE', () => {
  let server: TestServer;
  const clock = new ManualClock(Date.now());

  before(async () => {
    server = await startTestServer({ clock });
  });
  after(async () => {
    await server?.close();
  });

  it('signs in, shows the App and the scopes, redirects with state and code, and the token works on liked_tweets', async () => {
    const { verifier, challenge } = pkcePair();
    const user = server.creds.users[0];
    const url = authorizeUrl(server, {
      response_type: 'code',
      client_id: server.creds.app.clientId,
      redirect_uri: 'http://127.0.0.1:43210/callback',
      scope: 'tweet.read users.read like.read offline.access',
      state: 'state-123',
      code_challenge: challenge,
      code_challenge_method: 'S256',
    });
    const signIn = await open(server.baseUrl, url);
    assert.equal(signIn.status, 200);
    assert.match(signIn.page, /Demo App/);
    assert.match(signIn.page, /name="username"/);
    assert.match(signIn.page, /type="password"/);

    // A wrong password keeps the user on the sign-in page.
    const wrong = await submit(signIn, { username: user.username, password: 'not-the-password', action: 'signin' });
    assert.equal(wrong.status, 401);
    assert.match(wrong.page, /Wrong username or password/);

    const consentPage = await submit(wrong, { username: user.username.toUpperCase(), password: PASSWORD, action: 'signin' });
    assert.equal(consentPage.status, 200);
    assert.match(consentPage.page, /Authorize Demo App to:/);
    for (const scope of ['tweet.read', 'users.read', 'like.read', 'offline.access']) assert.match(consentPage.page, new RegExp(`<code>${scope.replace('.', '\\.')}</code>`));
    assert.match(consentPage.page, new RegExp(`@${user.username}`));
    assert.match(consentPage.page, /Authorize app/);

    const done = await submit(consentPage, { action: 'authorize' });
    assert.equal(done.status, 302);
    const landed = new URL(done.location!);
    assert.equal(`${landed.origin}${landed.pathname}`, 'http://127.0.0.1:43210/callback');
    assert.deepEqual([...landed.searchParams.keys()], ['state', 'code']);
    assert.equal(landed.searchParams.get('state'), 'state-123');
    const code = landed.searchParams.get('code')!;

    const basic: [string, string] = [server.creds.app.clientId, server.creds.app.clientSecret];
    const token = await tokenRequest(server, '/2/oauth2/token', {
      code, grant_type: 'authorization_code', client_id: server.creds.app.clientId,
      redirect_uri: 'http://127.0.0.1:43210/callback', code_verifier: verifier,
    }, basic);
    assert.equal(token.status, 200, JSON.stringify(token.body));
    assert.deepEqual(Object.keys(token.body), ['token_type', 'expires_in', 'access_token', 'scope', 'refresh_token']);
    assert.equal(token.body.token_type, 'bearer');
    assert.equal(token.body.expires_in, 7200);
    assert.equal(token.body.scope, 'tweet.read users.read like.read offline.access');

    const liked = await likedTweets(server, user.id, token.body.access_token);
    assert.equal(liked.status, 200, JSON.stringify(liked.body));
    assert.ok(Array.isArray(liked.body.data) && liked.body.data.length > 0);
    assert.equal(liked.headers.get('x-access-level'), 'read');

    // The code was spent by the exchange.
    const again = await tokenRequest(server, '/2/oauth2/token', {
      code, grant_type: 'authorization_code', client_id: server.creds.app.clientId,
      redirect_uri: 'http://127.0.0.1:43210/callback', code_verifier: verifier,
    }, basic);
    assert.equal(again.status, 400);
    assert.deepEqual(again.body, CODE_INVALID);
  });

  it('issues no refresh token without offline.access, and grants like.write only when asked', async () => {
    const a = await authorizeCode(server, { scope: 'tweet.read users.read like.read like.write' });
    const token = await tokenRequest(server, '/2/oauth2/token', {
      code: a.code, grant_type: 'authorization_code', client_id: server.creds.publicApp.clientId, redirect_uri: a.redirectUri, code_verifier: a.verifier,
    });
    assert.equal(token.status, 200);
    assert.deepEqual(Object.keys(token.body), ['token_type', 'expires_in', 'access_token', 'scope']);
    const tweet = server.creds.tweets.find((t) => t.authorId !== a.user.id)!;
    const like = await fetch(`${server.baseUrl}/2/users/${a.user.id}/likes`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token.body.access_token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ tweet_id: tweet.id }),
    });
    assert.equal(like.status, 200);
    assert.equal(like.headers.get('x-access-level'), 'read-write');

    // Without like.write the same request is X's generic 403.
    const readOnly = await authorizeCode(server, { scope: 'tweet.read users.read like.read' });
    const t2 = await tokenRequest(server, '/2/oauth2/token', {
      code: readOnly.code, grant_type: 'authorization_code', client_id: server.creds.publicApp.clientId, redirect_uri: readOnly.redirectUri, code_verifier: readOnly.verifier,
    });
    const refused = await fetch(`${server.baseUrl}/2/users/${a.user.id}/likes`, {
      method: 'POST',
      headers: { authorization: `Bearer ${t2.body.access_token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ tweet_id: tweet.id }),
    });
    assert.equal(refused.status, 403);
  });

  it('accepts plain and lowercase s256 challenges, and refuses a wrong verifier (spending the code)', async () => {
    for (const method of ['plain', 's256'] as const) {
      const a = await authorizeCode(server, { method });
      const ok = await tokenRequest(server, '/2/oauth2/token', {
        code: a.code, grant_type: 'authorization_code', client_id: server.creds.publicApp.clientId, redirect_uri: a.redirectUri, code_verifier: a.verifier,
      });
      assert.equal(ok.status, 200, `${method}: ${JSON.stringify(ok.body)}`);
    }
    const a = await authorizeCode(server);
    const wrong = await tokenRequest(server, '/2/oauth2/token', {
      code: a.code, grant_type: 'authorization_code', client_id: server.creds.publicApp.clientId, redirect_uri: a.redirectUri, code_verifier: pkcePair().verifier,
    });
    assert.equal(wrong.status, 400);
    assert.deepEqual(wrong.body, CODE_INVALID);
    const right = await tokenRequest(server, '/2/oauth2/token', {
      code: a.code, grant_type: 'authorization_code', client_id: server.creds.publicApp.clientId, redirect_uri: a.redirectUri, code_verifier: a.verifier,
    });
    assert.deepEqual(right.body, CODE_INVALID);

    // Another redirect_uri than the authorize request's is refused the same way.
    const b = await authorizeCode(server);
    const other = await tokenRequest(server, '/2/oauth2/token', {
      code: b.code, grant_type: 'authorization_code', client_id: server.creds.publicApp.clientId, redirect_uri: 'http://127.0.0.1:1/callback', code_verifier: b.verifier,
    });
    assert.deepEqual(other.body, CODE_INVALID);
  });

  it('lets a code live 30 seconds and an access token 2 hours', async () => {
    const a = await authorizeCode(server);
    clock.advance(31_000);
    const late = await tokenRequest(server, '/2/oauth2/token', {
      code: a.code, grant_type: 'authorization_code', client_id: server.creds.publicApp.clientId, redirect_uri: a.redirectUri, code_verifier: a.verifier,
    });
    assert.equal(late.status, 400);
    assert.deepEqual(late.body, CODE_INVALID);

    const b = await authorizeCode(server);
    clock.advance(29_000);
    const token = await tokenRequest(server, '/2/oauth2/token', {
      code: b.code, grant_type: 'authorization_code', client_id: server.creds.publicApp.clientId, redirect_uri: b.redirectUri, code_verifier: b.verifier,
    });
    assert.equal(token.status, 200);
    clock.advance(2 * 60 * 60 * 1000 - 1000);
    assert.equal((await likedTweets(server, b.user.id, token.body.access_token)).status, 200);
    clock.advance(1000);
    const expired = await likedTweets(server, b.user.id, token.body.access_token);
    assert.equal(expired.status, 401);
    assert.deepEqual(expired.body, { title: 'Unauthorized', type: 'about:blank', status: 401, detail: 'Unauthorized' });

    // The refresh token outlives it and brings a fresh access token.
    const refreshed = await tokenRequest(server, '/2/oauth2/token', {
      refresh_token: token.body.refresh_token, grant_type: 'refresh_token', client_id: server.creds.publicApp.clientId,
    });
    assert.equal(refreshed.status, 200);
    assert.equal((await likedTweets(server, b.user.id, refreshed.body.access_token)).status, 200);
  });

  it('rotates refresh tokens: each is single-use', async () => {
    const clientId = server.creds.publicApp.clientId;
    const a = await authorizeCode(server);
    const first = await tokenRequest(server, '/2/oauth2/token', {
      code: a.code, grant_type: 'authorization_code', client_id: clientId, redirect_uri: a.redirectUri, code_verifier: a.verifier,
    });
    const second = await tokenRequest(server, '/2/oauth2/token', {
      refresh_token: first.body.refresh_token, grant_type: 'refresh_token', client_id: clientId,
    });
    assert.equal(second.status, 200);
    assert.deepEqual(Object.keys(second.body), ['token_type', 'expires_in', 'access_token', 'scope', 'refresh_token']);
    assert.notEqual(second.body.refresh_token, first.body.refresh_token);
    assert.notEqual(second.body.access_token, first.body.access_token);
    assert.equal(second.body.scope, first.body.scope);

    const third = await tokenRequest(server, '/2/oauth2/token', {
      refresh_token: second.body.refresh_token, grant_type: 'refresh_token', client_id: clientId,
    });
    assert.equal(third.status, 200);

    // Two refreshes racing with one token: exactly one wins.
    const race = await Promise.all([1, 2, 3].map(() => tokenRequest(server, '/2/oauth2/token', {
      refresh_token: third.body.refresh_token, grant_type: 'refresh_token', client_id: clientId,
    })));
    assert.deepEqual(race.map((r) => r.status).sort(), [200, 400, 400]);

    // A spent token presented again is refused (and, below, revokes its family).
    const reused = await tokenRequest(server, '/2/oauth2/token', {
      refresh_token: first.body.refresh_token, grant_type: 'refresh_token', client_id: clientId,
    });
    assert.equal(reused.status, 400);
    assert.deepEqual(reused.body, TOKEN_INVALID);
  });

  it('revokes the whole token family when a rotated refresh token is reused', async () => {
    const clientId = server.creds.publicApp.clientId;
    const refresh = (token: string) => tokenRequest(server, '/2/oauth2/token', { refresh_token: token, grant_type: 'refresh_token', client_id: clientId });
    const a = await authorizeCode(server);
    const t1 = await tokenRequest(server, '/2/oauth2/token', {
      code: a.code, grant_type: 'authorization_code', client_id: clientId, redirect_uri: a.redirectUri, code_verifier: a.verifier,
    });
    const t2 = await refresh(t1.body.refresh_token);
    const t3 = await refresh(t2.body.refresh_token);
    assert.deepEqual([t1.status, t2.status, t3.status], [200, 200, 200]);
    // Another authorization of the same user and App: a family of its own.
    const b = await authorizeCode(server);
    const other = await tokenRequest(server, '/2/oauth2/token', {
      code: b.code, grant_type: 'authorization_code', client_id: clientId, redirect_uri: b.redirectUri, code_verifier: b.verifier,
    });
    for (const t of [t1, t2, t3, other]) assert.equal((await likedTweets(server, a.user.id, t.body.access_token)).status, 200);

    // t2's refresh token was spent making t3: presenting it again is reuse.
    const reused = await refresh(t2.body.refresh_token);
    assert.equal(reused.status, 400);
    assert.deepEqual(reused.body, TOKEN_INVALID);
    // Every access token of the family is dead, the newest included, and so is its live refresh token.
    for (const t of [t1, t2, t3]) {
      const refused = await likedTweets(server, a.user.id, t.body.access_token);
      assert.equal(refused.status, 401);
      assert.deepEqual(refused.body, { title: 'Unauthorized', type: 'about:blank', status: 401, detail: 'Unauthorized' });
    }
    const newest = await refresh(t3.body.refresh_token);
    assert.equal(newest.status, 400);
    assert.deepEqual(newest.body, TOKEN_INVALID);
    // The other authorization is untouched.
    assert.equal((await likedTweets(server, b.user.id, other.body.access_token)).status, 200);
    assert.equal((await refresh(other.body.refresh_token)).status, 200);
  });

  it('puts a refresh token back when the refresh fails: the client retries it and the grant lives on', async () => {
    const clientId = server.creds.publicApp.clientId;
    const refresh = (token: string) => tokenRequest(server, '/2/oauth2/token', { refresh_token: token, grant_type: 'refresh_token', client_id: clientId });
    const a = await authorizeCode(server);
    const t1 = await tokenRequest(server, '/2/oauth2/token', {
      code: a.code, grant_type: 'authorization_code', client_id: clientId, redirect_uri: a.redirectUri, code_verifier: a.verifier,
    });
    // The store fails once, while the new access token is minted.
    const { credentials } = server.services;
    credentials.mintOAuth2AccessToken = async () => {
      delete (credentials as Partial<typeof credentials>).mintOAuth2AccessToken;
      throw new ServiceUnavailableError('sqlite');
    };
    const failed = await fetch(`${server.baseUrl}/2/oauth2/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ refresh_token: t1.body.refresh_token, grant_type: 'refresh_token', client_id: clientId }).toString(),
    });
    assert.equal(failed.status, 503);
    await failed.arrayBuffer();
    // The retry is a refresh, not reuse: it succeeds, and the access token it replaces still works meanwhile.
    assert.equal((await likedTweets(server, a.user.id, t1.body.access_token)).status, 200);
    const retried = await refresh(t1.body.refresh_token);
    assert.equal(retried.status, 200, JSON.stringify(retried.body));
    for (const t of [t1, retried]) assert.equal((await likedTweets(server, a.user.id, t.body.access_token)).status, 200);
    assert.equal((await refresh(retried.body.refresh_token)).status, 200);
  });

  it('revoking a refresh token revokes its whole grant, the access tokens issued before it included (RFC 7009 §2.1)', async () => {
    const clientId = server.creds.publicApp.clientId;
    const refresh = (token: string) => tokenRequest(server, '/2/oauth2/token', { refresh_token: token, grant_type: 'refresh_token', client_id: clientId });
    const exchange = async () => {
      const a = await authorizeCode(server);
      return tokenRequest(server, '/2/oauth2/token', {
        code: a.code, grant_type: 'authorization_code', client_id: clientId, redirect_uri: a.redirectUri, code_verifier: a.verifier,
      });
    };
    const userId = server.creds.users[0].id;
    const t1 = await exchange();
    const t2 = await refresh(t1.body.refresh_token);
    const other = await exchange();
    const revoked = await tokenRequest(server, '/2/oauth2/revoke', { token: t2.body.refresh_token, client_id: clientId });
    assert.equal(revoked.status, 200);
    assert.deepEqual(revoked.body, { revoked: true });
    for (const t of [t1, t2]) assert.equal((await likedTweets(server, userId, t.body.access_token)).status, 401);
    assert.deepEqual((await refresh(t2.body.refresh_token)).body, TOKEN_INVALID);
    // Another grant of the same user and App is untouched.
    assert.equal((await likedTweets(server, userId, other.body.access_token)).status, 200);

    // A refresh token already rotated away names its grant too: revoking it ends the tokens that replaced it.
    const t3 = await refresh(other.body.refresh_token);
    const late = await tokenRequest(server, '/2/oauth2/revoke', { token: other.body.refresh_token, client_id: clientId });
    assert.deepEqual(late.body, { revoked: true });
    assert.equal((await likedTweets(server, userId, t3.body.access_token)).status, 401);
    assert.deepEqual((await refresh(t3.body.refresh_token)).body, TOKEN_INVALID);
  });

  it('a revocation landing while a refresh with the same token is in flight stops the refresh', async () => {
    const clientId = server.creds.publicApp.clientId;
    const a = await authorizeCode(server);
    const t1 = await tokenRequest(server, '/2/oauth2/token', {
      code: a.code, grant_type: 'authorization_code', client_id: clientId, redirect_uri: a.redirectUri, code_verifier: a.verifier,
    });
    // A second flow on the server's state whose take of the refresh token is followed, before it goes on, by a
    // revocation of that token through the server.
    const { store, shared, credentials } = server.services;
    let revoked: { status: number; body: Json } | null = null;
    const racing: EphemeralStore = {
      put: (...args) => shared.ephemeral.put(...args),
      get: (...args) => shared.ephemeral.get(...args),
      delete: (...args) => shared.ephemeral.delete(...args),
      close: async () => {},
      async take(key, now) {
        const taken = await shared.ephemeral.take(key, now);
        if (taken && key.startsWith('refresh:') && !revoked) {
          revoked = await tokenRequest(server, '/2/oauth2/revoke', { token: t1.body.refresh_token, client_id: clientId });
        }
        return taken;
      },
    };
    const flow = new OAuth2Flow(store, racing, credentials, new PendingAuthorizations(racing, clock, shared.rateLimiter), clock);
    const refreshed = await flow.token(new Map([['refresh_token', t1.body.refresh_token], ['grant_type', 'refresh_token'], ['client_id', clientId]]), undefined);
    assert.deepEqual(revoked, { status: 200, body: { revoked: true } });
    assert.equal(refreshed.status, 400);
    assert.deepEqual(refreshed.body, TOKEN_INVALID);
    assert.equal((await likedTweets(server, a.user.id, t1.body.access_token)).status, 401);
  });

  it(`keeps at most ${FAMILY_ACCESS_LIMIT} live access tokens per grant, revoking the oldest`, async () => {
    const clientId = server.creds.publicApp.clientId;
    const refresh = (token: string) => tokenRequest(server, '/2/oauth2/token', { refresh_token: token, grant_type: 'refresh_token', client_id: clientId });
    const a = await authorizeCode(server);
    const tokens = [await tokenRequest(server, '/2/oauth2/token', {
      code: a.code, grant_type: 'authorization_code', client_id: clientId, redirect_uri: a.redirectUri, code_verifier: a.verifier,
    })];
    for (let i = 0; i < FAMILY_ACCESS_LIMIT + 1; i++) {
      const next = await refresh(tokens[tokens.length - 1].body.refresh_token);
      assert.equal(next.status, 200);
      tokens.push(next);
    }
    const live = [];
    for (const t of tokens) live.push((await likedTweets(server, a.user.id, t.body.access_token)).status);
    assert.deepEqual(live, [401, 401, ...Array(FAMILY_ACCESS_LIMIT).fill(200)]);
    // The grant still revokes as a whole.
    const reused = await refresh(tokens[0].body.refresh_token);
    assert.deepEqual(reused.body, TOKEN_INVALID);
    for (const t of tokens) assert.equal((await likedTweets(server, a.user.id, t.body.access_token)).status, 401);
  });

  it('refuses a confidential client (Web App) that sends only its client_id, on the token and revoke endpoints', async () => {
    const { clientId, clientSecret } = server.creds.app;
    const refusal = { error: 'unauthorized_client', error_description: 'Missing valid authorization header' };
    const a = await authorizeCode(server, { client: 'confidential' });
    const codeParams = { code: a.code, grant_type: 'authorization_code', redirect_uri: a.redirectUri, code_verifier: a.verifier };
    const bare = await tokenRequest(server, '/2/oauth2/token', { ...codeParams, client_id: clientId });
    assert.equal(bare.status, 401);
    assert.deepEqual(bare.body, refusal);
    // The refused request did not spend the code: with Basic it is exchanged.
    const good = await tokenRequest(server, '/2/oauth2/token', codeParams, [clientId, clientSecret]);
    assert.equal(good.status, 200, JSON.stringify(good.body));

    const refresh = await tokenRequest(server, '/2/oauth2/token', { refresh_token: good.body.refresh_token, grant_type: 'refresh_token', client_id: clientId });
    assert.equal(refresh.status, 401);
    assert.deepEqual(refresh.body, refusal);
    const revoke = await tokenRequest(server, '/2/oauth2/revoke', { token: good.body.access_token, client_id: clientId });
    assert.equal(revoke.status, 401);
    assert.deepEqual(revoke.body, refusal);
    // Nothing was spent or revoked by the refused requests.
    assert.equal((await likedTweets(server, a.user.id, good.body.access_token)).status, 200);
    const refreshed = await tokenRequest(server, '/2/oauth2/token', { refresh_token: good.body.refresh_token, grant_type: 'refresh_token' }, [clientId, clientSecret]);
    assert.equal(refreshed.status, 200, JSON.stringify(refreshed.body));

    // An Automated App or bot is confidential too; a Native App or Single page App is public.
    const app = (await server.services.store.appByClientId(clientId))!;
    try {
      for (const [appType, status] of [['bot', 401], ['spa', 200], ['native', 200]] as const) {
        await server.services.store.putApp({ ...app, appType });
        const r = await tokenRequest(server, '/2/oauth2/revoke', { token: 'not-a-token', client_id: clientId });
        assert.equal(r.status, status, appType);
      }
    } finally {
      await server.services.store.putApp(app);
    }
  });

  it('serves a public client (Native App) by client_id alone, and refuses one that sends a Basic header that does not verify', async () => {
    const clientId = server.creds.publicApp.clientId;
    const a = await authorizeCode(server);
    const params = { code: a.code, grant_type: 'authorization_code', redirect_uri: a.redirectUri, code_verifier: a.verifier };
    const bogus = await tokenRequest(server, '/2/oauth2/token', { ...params, client_id: clientId }, [clientId, 'bogus-secret']);
    assert.equal(bogus.status, 401);
    assert.deepEqual(bogus.body, { error: 'unauthorized_client', error_description: 'Missing valid authorization header' });
    const ok = await tokenRequest(server, '/2/oauth2/token', { ...params, client_id: clientId });
    assert.equal(ok.status, 200, JSON.stringify(ok.body));
    const revoke = await tokenRequest(server, '/2/oauth2/revoke', { token: ok.body.access_token, client_id: clientId }, [clientId, 'bogus-secret']);
    assert.equal(revoke.status, 401);
    assert.equal((await likedTweets(server, a.user.id, ok.body.access_token)).status, 200);
  });

  it("puts the demo users' sign-in password in the credentials document", async () => {
    for (const user of server.creds.users) {
      assert.equal(user.password, PASSWORD);
      const landed = await consent(server.baseUrl, authorizeUrl(server, {
        response_type: 'code', client_id: server.creds.publicApp.clientId, redirect_uri: 'http://127.0.0.1/callback',
        scope: 'tweet.read', state: 'pw', code_challenge: 'challenge-challenge', code_challenge_method: 'plain',
      }), user.username, 'authorize', user.password);
      assert.ok(landed.searchParams.get('code'));
    }
  });

  it('serves confidential clients with Basic auth, and refuses a wrong secret', async () => {
    const { clientId, clientSecret } = server.creds.app;
    const a = await authorizeCode(server, { client: 'confidential' });
    const bad = await tokenRequest(server, '/2/oauth2/token', {
      code: a.code, grant_type: 'authorization_code', redirect_uri: a.redirectUri, code_verifier: a.verifier,
    }, [clientId, 'wrong-secret']);
    assert.equal(bad.status, 401);
    assert.deepEqual(bad.body, { error: 'unauthorized_client', error_description: 'Missing valid authorization header' });
    // The code was not touched by the refused client.
    const good = await tokenRequest(server, '/2/oauth2/token', {
      code: a.code, grant_type: 'authorization_code', redirect_uri: a.redirectUri, code_verifier: a.verifier, client_id: clientId,
    }, [clientId, clientSecret]);
    assert.equal(good.status, 200, JSON.stringify(good.body));
    const refreshed = await tokenRequest(server, '/2/oauth2/token', { refresh_token: good.body.refresh_token, grant_type: 'refresh_token' }, [clientId, clientSecret]);
    assert.equal(refreshed.status, 200);
  });

  it("answers X's token-endpoint errors", async () => {
    const clientId = server.creds.publicApp.clientId;
    assert.deepEqual((await tokenRequest(server, '/2/oauth2/token', { client_id: clientId })).body, {
      error: 'invalid_request', error_description: 'Missing required parameter [grant_type].',
    });
    assert.deepEqual((await tokenRequest(server, '/2/oauth2/token', { grant_type: 'client_credentials', client_id: clientId })).body, {
      error: 'invalid_request',
      error_description: 'Value passed for the grant type was invalid. Grant type should be one of [authorization_code, refresh_token].',
    });
    assert.deepEqual((await tokenRequest(server, '/2/oauth2/token', { grant_type: 'authorization_code', code: 'x', code_verifier: 'y', redirect_uri: 'z' })).body, {
      error: 'invalid_request', error_description: 'Missing required parameter [client_id].',
    });
    assert.deepEqual((await tokenRequest(server, '/2/oauth2/token', { grant_type: 'authorization_code', client_id: clientId, code: 'x', redirect_uri: 'z' })).body, {
      error: 'invalid_request', error_description: 'Missing required parameter [code_verifier].',
    });
    const unknownCode = await tokenRequest(server, '/2/oauth2/token', {
      grant_type: 'authorization_code', client_id: clientId, code: 'nope', code_verifier: 'abc', redirect_uri: 'http://127.0.0.1/callback',
    });
    assert.equal(unknownCode.status, 400);
    assert.deepEqual(unknownCode.body, CODE_INVALID);
    const unknownRefresh = await tokenRequest(server, '/2/oauth2/token', { grant_type: 'refresh_token', client_id: clientId, refresh_token: 'nope' });
    assert.equal(unknownRefresh.status, 400);
    assert.deepEqual(unknownRefresh.body, TOKEN_INVALID);
  });

  it('revokes access and refresh tokens', async () => {
    // The Web App (confidential client): Basic on every call.
    const clientId = server.creds.app.clientId;
    const basic: [string, string] = [clientId, server.creds.app.clientSecret];
    const a = await authorizeCode(server, { client: 'confidential' });
    const t = await tokenRequest(server, '/2/oauth2/token', {
      code: a.code, grant_type: 'authorization_code', client_id: clientId, redirect_uri: a.redirectUri, code_verifier: a.verifier,
    }, basic);
    const revoked = await tokenRequest(server, '/2/oauth2/revoke', { token: t.body.access_token, client_id: clientId, token_type_hint: 'access_token' }, basic);
    assert.equal(revoked.status, 200);
    assert.deepEqual(revoked.body, { revoked: true });
    assert.equal((await likedTweets(server, a.user.id, t.body.access_token)).status, 401);

    // Revoking the refresh token also ends the access token issued with it.
    const refreshed = await tokenRequest(server, '/2/oauth2/token', { refresh_token: t.body.refresh_token, grant_type: 'refresh_token', client_id: clientId }, basic);
    assert.equal((await likedTweets(server, a.user.id, refreshed.body.access_token)).status, 200);
    const { clientSecret } = server.creds.app;
    const r2 = await tokenRequest(server, '/2/oauth2/revoke', { token: refreshed.body.refresh_token }, [clientId, clientSecret]);
    assert.deepEqual(r2.body, { revoked: true });
    assert.equal((await likedTweets(server, a.user.id, refreshed.body.access_token)).status, 401);
    const dead = await tokenRequest(server, '/2/oauth2/token', { refresh_token: refreshed.body.refresh_token, grant_type: 'refresh_token', client_id: clientId }, basic);
    assert.deepEqual(dead.body, TOKEN_INVALID);

    // Another App cannot revoke this App's tokens; a client must be named.
    const b = await authorizeCode(server, { client: 'confidential' });
    const tb = await tokenRequest(server, '/2/oauth2/token', {
      code: b.code, grant_type: 'authorization_code', client_id: clientId, redirect_uri: b.redirectUri, code_verifier: b.verifier,
    }, basic);
    const other = await server.services.credentials.createApp('Other App', server.creds.project.id, 'read-write', {}, 'native');
    const foreign = await tokenRequest(server, '/2/oauth2/revoke', { token: tb.body.access_token, client_id: other.clientId });
    assert.equal(foreign.status, 400);
    assert.deepEqual(foreign.body, TOKEN_INVALID);
    assert.equal((await likedTweets(server, b.user.id, tb.body.access_token)).status, 200);
    assert.deepEqual((await tokenRequest(server, '/2/oauth2/revoke', { token: 'x' })).body, {
      error: 'invalid_request', error_description: 'Missing required parameter [client_id].',
    });
    assert.deepEqual((await tokenRequest(server, '/2/oauth2/revoke', { token: 'not-a-token', client_id: clientId }, basic)).body, { revoked: true });
  });

  it('shows an error page (never a redirect) for a bad client_id or an unregistered redirect_uri', async () => {
    const { challenge } = pkcePair();
    const base = {
      response_type: 'code', client_id: server.creds.app.clientId, redirect_uri: 'http://127.0.0.1/callback',
      scope: 'tweet.read', state: 's', code_challenge: challenge, code_challenge_method: 'S256',
    };
    for (const params of [
      { ...base, client_id: 'unknown-client' },
      { ...base, client_id: '' },
      { ...base, redirect_uri: 'https://evil.example/callback' },
      { ...base, redirect_uri: 'http://127.0.0.1/other' },
      { ...base, redirect_uri: 'http://127.0.0.1.evil.example/callback' },
    ]) {
      const res = await fetch(authorizeUrl(server, params), { redirect: 'manual' });
      assert.equal(res.status, 400, JSON.stringify(params));
      assert.equal(res.headers.get('location'), null);
      assert.match(res.headers.get('content-type') ?? '', /^text\/html/);
      assert.match(await res.text(), /Something went wrong/);
    }
  });

  it('accepts any port on a loopback callback, at /i/oauth2/authorize and /2/oauth2/authorize', async () => {
    const { challenge } = pkcePair();
    for (const [path, redirect] of [
      ['/i/oauth2/authorize', 'http://localhost:5555/callback'],
      ['/2/oauth2/authorize', 'http://127.0.0.1/callback'],
      ['/2/oauth2/authorize', 'http://127.0.0.1:65000/callback'],
    ]) {
      const res = await fetch(authorizeUrl(server, {
        response_type: 'code', client_id: server.creds.app.clientId, redirect_uri: redirect, scope: 'tweet.read', state: 's',
        code_challenge: challenge, code_challenge_method: 'S256',
      }, path), { redirect: 'manual' });
      assert.equal(res.status, 200, `${path} ${redirect}`);
      assert.match(res.headers.get('content-security-policy') ?? '', /default-src 'none'/);
    }
  });

  it('sends other authorize errors back to the redirect_uri with the state', async () => {
    const { challenge } = pkcePair();
    const base = {
      response_type: 'code', client_id: server.creds.app.clientId, redirect_uri: 'http://127.0.0.1:9999/callback',
      scope: 'tweet.read', state: 'st', code_challenge: challenge, code_challenge_method: 'S256',
    };
    const cases: [Record<string, string>, string][] = [
      [{ ...base, scope: 'tweet.read made.up' }, 'invalid_scope'],
      [{ ...base, response_type: 'token' }, 'unsupported_response_type'],
      [{ ...base, code_challenge: '' }, 'invalid_request'],
      [{ ...base, code_challenge_method: 'md5' }, 'invalid_request'],
      [{ ...base, scope: '' }, 'invalid_request'],
    ];
    for (const [params, error] of cases) {
      const res = await fetch(authorizeUrl(server, params), { redirect: 'manual' });
      assert.equal(res.status, 302, JSON.stringify(params));
      const loc = new URL(res.headers.get('location')!);
      assert.equal(`${loc.origin}${loc.pathname}`, 'http://127.0.0.1:9999/callback');
      assert.equal(loc.searchParams.get('error'), error);
      assert.equal(loc.searchParams.get('state'), 'st');
    }
  });

  it('redirects with error=access_denied on Cancel, before or after signing in', async () => {
    const { challenge } = pkcePair();
    const url = authorizeUrl(server, {
      response_type: 'code', client_id: server.creds.app.clientId, redirect_uri: 'http://127.0.0.1:7000/callback',
      scope: 'tweet.read users.read', state: 'cancel-me', code_challenge: challenge, code_challenge_method: 'S256',
    });
    const landed = await consent(server.baseUrl, url, server.creds.users[1].username, 'cancel');
    assert.equal(landed.search, '?error=access_denied&state=cancel-me');

    const first = await open(server.baseUrl, url);
    const cancelled = await submit(first, { action: 'cancel' });
    assert.equal(cancelled.status, 302);
    assert.equal(new URL(cancelled.location!).search, '?error=access_denied&state=cancel-me');
    // The pending authorization is gone: the form cannot be replayed.
    const replay = await submit(first, { username: server.creds.users[1].username, password: PASSWORD, action: 'signin' });
    assert.equal(replay.status, 400);
  });

  it('refuses forms without the browser cookie they were issued for (CSRF)', async () => {
    const { challenge } = pkcePair();
    const url = authorizeUrl(server, {
      response_type: 'code', client_id: server.creds.app.clientId, redirect_uri: 'http://127.0.0.1/callback',
      scope: 'tweet.read', state: 's', code_challenge: challenge, code_challenge_method: 'S256',
    });
    const page = await open(server.baseUrl, url);
    const user = server.creds.users[0].username;
    const noCookie = await submit(page, { username: user, password: PASSWORD, action: 'signin' }, '');
    assert.equal(noCookie.status, 403);
    const otherBrowser = await open(server.baseUrl, url);
    const crossed = await submit(page, { username: user, password: PASSWORD, action: 'signin' }, otherBrowser.cookie);
    assert.equal(crossed.status, 403);
    const forged = await submit(page, { username: user, password: PASSWORD, action: 'signin', csrf: `${Date.now() + 60_000}.${'A'.repeat(43)}` });
    assert.equal(forged.status, 403);
    // The consent form cannot be posted with the sign-in form's token (no skipping the password).
    const skip = await submit(page, { action: 'authorize', step: 'consent' });
    assert.equal(skip.status, 403);
    const ok = await submit(page, { username: user, password: PASSWORD, action: 'signin' });
    assert.equal(ok.status, 200);
  });

  it('drops the authorization after 5 wrong passwords', async () => {
    const { challenge } = pkcePair();
    let page: Browser = await open(server.baseUrl, authorizeUrl(server, {
      response_type: 'code', client_id: server.creds.app.clientId, redirect_uri: 'http://127.0.0.1/callback',
      scope: 'tweet.read', state: 's', code_challenge: challenge, code_challenge_method: 'S256',
    }));
    const user = server.creds.users[3].username;
    for (let i = 1; i <= 4; i++) {
      page = await submit(page, { username: user, password: `wrong-${i}`, action: 'signin' });
      assert.equal(page.status, 401);
      assert.match(page.page, /Wrong username or password/);
    }
    const last = await submit(page, { username: user, password: 'wrong-5', action: 'signin' });
    assert.equal(last.status, 401);
    assert.match(last.page, /Too many failed sign-ins/);
    assert.doesNotMatch(last.page, /<form/);
  });
});

describe("the clients' own OAuth 2.0 helpers", () => {
  const server = serverForSuite();

  it('twitter-api-v2: generateOAuth2AuthLink, loginWithOAuth2, refreshOAuth2Token, revokeOAuth2Token', async () => {
    const user = server.creds.users[4];
    // Client id alone: the demo's Native App (a public client).
    const requestClient = new TwitterApi({ clientId: server.creds.publicApp.clientId }, sdkSettings(server.baseUrl));
    const redirectUri = 'http://127.0.0.1:3000/callback';
    const link = requestClient.generateOAuth2AuthLink(redirectUri, { scope: ['tweet.read', 'users.read', 'like.read', 'like.write', 'offline.access'] });
    const published = new URL(link.url);
    assert.equal(published.origin + published.pathname, 'https://x.com/i/oauth2/authorize');
    assert.equal(published.searchParams.get('code_challenge_method'), 's256');
    const local = new URL(`${published.pathname}${published.search}`, server.baseUrl).toString();

    const landed = await consent(server.baseUrl, local, user.username);
    assert.equal(landed.searchParams.get('state'), link.state);
    const login = await requestClient.loginWithOAuth2({ code: landed.searchParams.get('code')!, codeVerifier: link.codeVerifier, redirectUri });
    assert.equal(login.expiresIn, 7200);
    assert.deepEqual(login.scope, ['tweet.read', 'users.read', 'like.read', 'like.write', 'offline.access']);
    assert.ok(login.refreshToken);

    const userClient = new TwitterApi(login.accessToken, sdkSettings(server.baseUrl));
    const page = await userClient.v2.userLikedTweets(user.id, { max_results: 5 });
    assert.ok(page.tweets.length > 0);

    const refreshed = await requestClient.refreshOAuth2Token(login.refreshToken!);
    assert.notEqual(refreshed.refreshToken, login.refreshToken);
    const stillGood = new TwitterApi(refreshed.accessToken, sdkSettings(server.baseUrl));
    assert.ok((await stillGood.v2.userLikedTweets(user.id, { max_results: 5 })).tweets.length > 0);

    assert.deepEqual(await requestClient.revokeOAuth2Token(refreshed.accessToken, 'access_token'), { revoked: true });
    await assert.rejects(stillGood.v2.userLikedTweets(user.id), (e: unknown) => e instanceof ApiResponseError && e.code === 401);

    // The spent refresh token again: refused (and its family revoked).
    await assert.rejects(requestClient.refreshOAuth2Token(login.refreshToken!), (e: unknown) => {
      assert.ok(e instanceof ApiResponseError);
      assert.equal(e.code, 400);
      // twitter-api-v2 adds `errors: [{code: 131, message: error}]` to OAuth 2.0 error bodies that have none.
      const data = e.data as unknown as Json;
      assert.deepEqual({ error: data.error, error_description: data.error_description }, TOKEN_INVALID);
      return true;
    });
  });

  it('twitter-api-v2 as a confidential client (client id and secret)', async () => {
    const { clientId, clientSecret } = server.creds.app;
    const requestClient = new TwitterApi({ clientId, clientSecret }, sdkSettings(server.baseUrl));
    const link = requestClient.generateOAuth2AuthLink('http://localhost:4000/callback', { scope: 'tweet.read users.read like.read' });
    const published = new URL(link.url);
    const landed = await consent(server.baseUrl, new URL(`${published.pathname}${published.search}`, server.baseUrl).toString(), server.creds.users[0].username);
    const login = await requestClient.loginWithOAuth2({ code: landed.searchParams.get('code')!, codeVerifier: link.codeVerifier, redirectUri: 'http://localhost:4000/callback' });
    assert.equal(login.refreshToken, undefined);
    assert.deepEqual(login.scope, ['tweet.read', 'users.read', 'like.read']);
  });

  for (const method of ['s256', 'plain'] as const) {
    it(`twitter-api-sdk auth.OAuth2User (${method}): generateAuthURL, requestAccessToken, refreshAccessToken, revokeAccessToken`, async () => {
      const user = server.creds.users[1];
      const callback = 'http://127.0.0.1:3001/callback';
      const request_options = { base_url: server.baseUrl };
      const authClient = new auth.OAuth2User({
        client_id: server.creds.publicApp.clientId,
        callback,
        scopes: ['tweet.read', 'users.read', 'like.read', 'offline.access'],
        request_options,
      });
      const url = new URL(
        method === 's256'
          ? authClient.generateAuthURL({ state: 'sdk-state', code_challenge_method: 's256' })
          : authClient.generateAuthURL({ state: 'sdk-state', code_challenge_method: 'plain', code_challenge: 'challenge' }),
      );
      assert.equal(url.origin + url.pathname, 'https://twitter.com/i/oauth2/authorize');
      const landed = await consent(server.baseUrl, new URL(`${url.pathname}${url.search}`, server.baseUrl).toString(), user.username);
      assert.equal(landed.searchParams.get('state'), 'sdk-state');

      const { token } = await authClient.requestAccessToken(landed.searchParams.get('code')!);
      assert.equal(token.token_type, 'bearer');
      assert.equal(token.scope, 'tweet.read users.read like.read offline.access');
      assert.ok(token.refresh_token && token.access_token && token.expires_at);

      const client = new Client(authClient, { base_url: server.baseUrl } as any);
      const liked = await client.tweets.usersIdLikedTweets(user.id, { max_results: 5 });
      assert.ok(liked.data && liked.data.length > 0);

      const old = token.refresh_token;
      const { token: next } = await authClient.refreshAccessToken();
      assert.notEqual(next.refresh_token, old);
      assert.notEqual(next.access_token, token.access_token);

      const revoked = await authClient.revokeAccessToken();
      assert.deepEqual(revoked, { revoked: true });
      assert.equal((await likedTweets(server, user.id, next.access_token!)).status, 401);
    });
  }
});
