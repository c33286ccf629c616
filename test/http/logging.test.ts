// Every log line of a real server, captured while it serves requests that carry secrets in headers, query strings,
// form bodies and cookies: no secret reaches a line, every line of a request names the request's x-transaction-id,
// and a failure (a store that throws) is logged at error level under that id.
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { createLogger, redactUrl } from '../../src/logging.ts';
import { faultyStore } from '../support/faultyStore.ts';
import { formOf } from '../support/forms.ts';
import { serverForSuite } from '../support/harness.ts';
import { oauth1Authorization } from '../support/processes.ts';

type Json = Record<string, any>;

const PASSWORD = 'likes-api-demo';
const b64url = (buf: Buffer) => buf.toString('base64url');
/** A value that can only reach a log line by being copied there. */
const secret = (label: string) => `${label}${randomBytes(12).toString('hex')}`;

describe('logs', () => {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, done) {
      lines.push(...String(chunk).split('\n').filter(Boolean));
      done();
    },
  });
  // A store that breaks (a bug, not an outage) on demand: the request answers 500.
  const faulty = faultyStore('likedTweetCoresByUser', () => new Error('store exploded'));
  const server = serverForSuite({ store: faulty.store, log: createLogger('info', sink) });
  after(() => faulty.remove());
  /** Every secret a request below sends. */
  const secrets: string[] = [];
  /** x-transaction-id of every response. */
  const ids: string[] = [];
  let failedId = '';

  const send = async (path: string, init: RequestInit = {}): Promise<Response> => {
    const res = await fetch(`${server.baseUrl}${path}`, { redirect: 'manual', ...init });
    await res.arrayBuffer();
    const id = res.headers.get('x-transaction-id');
    assert.ok(id, `${path}: no x-transaction-id`);
    ids.push(id);
    return res;
  };
  const form = (params: Record<string, string>) => new URLSearchParams(params).toString();
  const formHeaders = (extra: Record<string, string> = {}) => ({ 'content-type': 'application/x-www-form-urlencoded', ...extra });
  const basic = (id: string, pass: string) => `Basic ${Buffer.from(`${id}:${pass}`).toString('base64')}`;

  before(async () => {
    const { creds } = server;
    const app = creds.app as Json;
    const user = creds.users[0] as Json;
    secrets.push(app.bearerToken, app.consumerSecret, app.clientSecret, user.accessToken, user.accessTokenSecret, user.oauth2AccessToken, PASSWORD);

    // App-only bearer and user bearer in the Authorization header.
    await send(`/2/users/${creds.heavyLikerUserId}/liked_tweets?max_results=5`, { headers: { authorization: `Bearer ${app.bearerToken}` } });
    await send(`/2/tweets/${creds.popularTweetId}/liking_users`, { headers: { authorization: `Bearer ${user.oauth2AccessToken}` } });
    // OAuth 1.0a: the header carries the consumer key, the user's token and a signature made with both secrets.
    const signed = `https://api.x.com/2/users/${user.id}/liked_tweets`;
    const oauthHeader = oauth1Authorization('GET', signed, {
      consumerKey: app.consumerKey, consumerSecret: app.consumerSecret, token: user.accessToken, tokenSecret: user.accessTokenSecret,
    });
    secrets.push(/oauth_signature="([^"]+)"/.exec(oauthHeader)![1]);
    const oauth1 = await send(`/2/users/${user.id}/liked_tweets`, { headers: { authorization: oauthHeader, host: 'api.x.com' } });
    assert.equal(oauth1.status, 200);

    // Query strings: a request token and verifier, and the token endpoint's parameters as twitter-api-sdk sends them.
    const [oauthToken, verifier, queryCode, queryVerifier, queryRefresh, querySecret, crc, accessToken] =
      ['ot', 'ov', 'qc', 'qv', 'qr', 'qs', 'crc', 'at'].map(secret);
    secrets.push(oauthToken, verifier, queryCode, queryVerifier, queryRefresh, querySecret, crc, accessToken);
    await send(`/oauth/authorize?oauth_token=${oauthToken}&oauth_verifier=${verifier}`);
    await send(`/2/oauth2/token?grant_type=authorization_code&code=${queryCode}&code_verifier=${queryVerifier}&refresh_token=${queryRefresh}&client_secret=${querySecret}`, {
      method: 'POST',
    });
    await send(`/no/such/route?crc_token=${crc}&access_token=${accessToken}`);

    // The whole PKCE flow: sign-in form (password), consent, code exchange, refresh, revoke.
    const { verifier: codeVerifier, challenge } = (() => {
      const v = b64url(randomBytes(32));
      return { verifier: v, challenge: b64url(createHash('sha256').update(v).digest()) };
    })();
    secrets.push(codeVerifier);
    const redirectUri = 'http://127.0.0.1:8765/callback';
    const state = secret('state');
    secrets.push(state);
    const authorize = `/i/oauth2/authorize?${form({
      response_type: 'code', client_id: app.clientId, redirect_uri: redirectUri, scope: 'tweet.read users.read like.read offline.access',
      state, code_challenge: challenge, code_challenge_method: 'S256',
    })}`;
    const page = await fetch(`${server.baseUrl}${authorize}`);
    ids.push(page.headers.get('x-transaction-id')!);
    const cookie = /likes_api_flow=([A-Za-z0-9]+)/.exec(page.headers.get('set-cookie') ?? '')![0];
    secrets.push(cookie.split('=')[1]);
    const submit = async (html: string, extra: Record<string, string>) => {
      const { action, fields } = formOf(html);
      const res = await fetch(new URL(action, server.baseUrl), { method: 'POST', redirect: 'manual', headers: formHeaders({ cookie }), body: form({ ...fields, ...extra }) });
      ids.push(res.headers.get('x-transaction-id')!);
      return res;
    };
    const consentPage = await submit(await page.text(), { username: user.username, password: PASSWORD, action: 'signin' });
    assert.equal(consentPage.status, 200);
    const landed = await submit(await consentPage.text(), { action: 'authorize' });
    const code = new URL(landed.headers.get('location')!).searchParams.get('code')!;
    assert.ok(code);
    secrets.push(code);
    const token = await fetch(`${server.baseUrl}/2/oauth2/token`, {
      method: 'POST',
      headers: formHeaders({ authorization: basic(app.clientId, app.clientSecret) }),
      body: form({ grant_type: 'authorization_code', code, code_verifier: codeVerifier, redirect_uri: redirectUri, client_id: app.clientId }),
    });
    ids.push(token.headers.get('x-transaction-id')!);
    const tokens = (await token.json()) as Json;
    assert.equal(token.status, 200, JSON.stringify(tokens));
    secrets.push(tokens.access_token, tokens.refresh_token);
    // A confidential client authenticates with HTTP Basic on refresh and revoke as on the code exchange.
    const clientAuth = { authorization: basic(app.clientId, app.clientSecret) };
    const refreshed = await fetch(`${server.baseUrl}/2/oauth2/token`, {
      method: 'POST',
      headers: formHeaders(clientAuth),
      body: form({ grant_type: 'refresh_token', refresh_token: tokens.refresh_token, client_id: app.clientId }),
    });
    ids.push(refreshed.headers.get('x-transaction-id')!);
    const next = (await refreshed.json()) as Json;
    assert.equal(refreshed.status, 200, JSON.stringify(next));
    assert.ok(next.access_token && next.refresh_token, JSON.stringify(next));
    secrets.push(next.access_token, next.refresh_token);
    const revoked = await send('/2/oauth2/revoke', { method: 'POST', headers: formHeaders(clientAuth), body: form({ token: next.access_token, client_id: app.clientId }) });
    assert.equal(revoked.status, 200);
    // App-only bearer minted with the consumer secret in Basic auth.
    await send('/oauth2/token', { method: 'POST', headers: formHeaders({ authorization: basic(app.consumerKey, app.consumerSecret) }), body: 'grant_type=client_credentials' });

    // A bug: the store throws, the request answers 500.
    faulty.failing = true;
    const broken = await send(`/2/users/${creds.heavyLikerUserId}/liked_tweets?max_results=7`, { headers: { authorization: `Bearer ${app.bearerToken}` } });
    faulty.failing = false;
    assert.equal(broken.status, 500);
    failedId = broken.headers.get('x-transaction-id')!;
  });

  const parsed = () => lines.map((l) => JSON.parse(l) as Json);

  it('writes every line as JSON and no secret in any of them', () => {
    assert.ok(lines.length >= ids.length, `${lines.length} lines for ${ids.length} requests`);
    const all = parsed();
    assert.ok(all.every((l) => typeof l.level === 'number' && typeof l.msg === 'string'));
    for (const value of secrets.filter((s) => s.length >= 8)) {
      const found = lines.find((l) => l.includes(value) || l.includes(encodeURIComponent(value)));
      assert.equal(found, undefined, `a secret reached the log: ${found}`);
    }
  });

  it('logs one line per request whose reqId is the response\'s x-transaction-id', () => {
    const completed = parsed().filter((l) => l.msg === 'request completed');
    assert.deepEqual(completed.map((l) => l.reqId).sort(), [...ids].sort());
    for (const line of parsed().filter((l) => 'req' in l || 'res' in l || 'err' in l)) assert.ok(ids.includes(line.reqId), JSON.stringify(line));
    const routes = completed.map((l) => l.req.route);
    assert.ok(routes.includes('/2/users/:id/liked_tweets'));
    assert.ok(completed.some((l) => l.req.url.includes('oauth_token=[REDACTED]') && l.req.url.includes('oauth_verifier=[REDACTED]')));
  });

  it('logs a failure at error level under the request\'s id, with the error but not the request\'s credentials', () => {
    const errors = parsed().filter((l) => l.level >= 50);
    const failure = errors.find((l) => l.reqId === failedId);
    assert.ok(failure, `no error line for ${failedId}: ${JSON.stringify(errors)}`);
    assert.equal(failure.err.message, 'store exploded');
    assert.match(failure.err.stack, /store exploded/);
    const completed = parsed().find((l) => l.msg === 'request completed' && l.reqId === failedId);
    assert.equal(completed?.res.statusCode, 500);
  });

  it('redacts the values of sensitive query parameters and keeps the rest of the URL', () => {
    assert.equal(redactUrl('/2/users/1/liked_tweets?max_results=5'), '/2/users/1/liked_tweets?max_results=5');
    assert.equal(
      redactUrl('/2/oauth2/token?grant_type=refresh_token&refresh_token=abc&client_secret=def&Password=x&my_api_key=k&CODE=1'),
      '/2/oauth2/token?grant_type=refresh_token&refresh_token=[REDACTED]&client_secret=[REDACTED]&Password=[REDACTED]&my_api_key=[REDACTED]&CODE=[REDACTED]',
    );
    assert.equal(redactUrl('/x?oauth%5Ftoken=abc&%zz=1'), '/x?oauth%5Ftoken=[REDACTED]&%zz=1');
  });
});
