// What a request's forwarding headers may decide: the cookies the server sets are Secure when X-Forwarded-Proto says
// https only behind a trusted proxy (LIKES_API_TRUST_PROXY=1), one rule for the consent pages' flow cookie and the
// portal's session cookie; from anyone else the header is a claim and changes nothing.
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { newBrowser, signIn } from '../support/portalClient.ts';
import { serverForSuite, type TestServer } from '../support/harness.ts';

const HTTPS = { 'x-forwarded-proto': 'https' };

/** The flow cookie an authorize page sets, opened with `headers`. */
async function flowCookie(server: TestServer, headers: Record<string, string>): Promise<string> {
  const url = new URL('/i/oauth2/authorize', server.baseUrl);
  url.search = new URLSearchParams({
    response_type: 'code', client_id: server.creds.app.clientId, redirect_uri: 'http://127.0.0.1/callback', scope: 'tweet.read users.read',
    state: 's', code_challenge: createHash('sha256').update(randomBytes(32)).digest('base64url'), code_challenge_method: 'S256',
  }).toString();
  const res = await fetch(url, { headers, redirect: 'manual' });
  await res.arrayBuffer();
  assert.equal(res.status, 200);
  const cookie = res.headers.getSetCookie().find((c) => c.startsWith('likes_api_flow='));
  assert.ok(cookie, 'the authorize page sets the flow cookie');
  return cookie;
}

/** The session cookie a portal sign-in sets, posted with `headers`. */
async function portalCookie(server: TestServer, headers: Record<string, string>): Promise<string> {
  const res = await signIn(server.baseUrl, newBrowser(), server.creds.developer!.username, server.creds.developer!.password, headers);
  assert.equal(res.status, 303);
  const cookie = res.setCookies.find((c) => c.startsWith('likes_portal='));
  assert.ok(cookie, 'the sign-in sets the session cookie');
  return cookie;
}

describe('behind a trusted proxy (LIKES_API_TRUST_PROXY=1)', () => {
  const server = serverForSuite({ env: { LIKES_API_TRUST_PROXY: '1' } });

  it('X-Forwarded-Proto: https makes both cookies Secure; without it neither is', async () => {
    assert.match(await flowCookie(server, HTTPS), /; Secure$/);
    assert.match(await portalCookie(server, HTTPS), /; Secure$/);
    assert.match(await flowCookie(server, { 'x-forwarded-proto': 'https, http' }), /; Secure$/, 'the first entry, the proxy nearest the client');
    assert.doesNotMatch(await flowCookie(server, {}), /Secure/);
    assert.doesNotMatch(await portalCookie(server, {}), /Secure/);
  });
});

describe('without LIKES_API_TRUST_PROXY', () => {
  const server = serverForSuite();

  it('a client\'s X-Forwarded-Proto: https changes neither cookie', async () => {
    assert.doesNotMatch(await flowCookie(server, HTTPS), /Secure/);
    assert.doesNotMatch(await portalCookie(server, HTTPS), /Secure/);
  });
});
