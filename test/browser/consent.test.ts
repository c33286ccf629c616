// The consent pages in a real browser: Debian's Chromium (/usr/bin/chromium, installed by scripts/ensure-chromium.sh)
// driven by playwright-core, headless. An App's callback is a tiny local HTTP server. OAuth 2.0: open the authorize
// URL, sign in, see the App name and the scopes, click Authorize, land on the callback with a code, exchange it and
// use the token on liked_tweets; Cancel lands with error=access_denied. OAuth 1.0a: the same pages for a request
// token, landing with oauth_token and oauth_verifier.
// The consent page is screenshotted; with LIKES_API_UPDATE_SCREENSHOTS=1 the picture is written to
// docs/screenshots/consent.png (otherwise to a temp dir, so a test run never changes the work tree).
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';
import { oauth1BaseString, oauth1HmacSha1, percentEncode } from '../../src/auth/oauth1.ts';
import { startTestServer, type TestServer } from '../support/harness.ts';

const CHROMIUM = process.env.LIKES_API_CHROMIUM || '/usr/bin/chromium';
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
/** Without these, Chromium stalls on this closed network (background fetches, component updates). */
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

/** The App's callback endpoint: records what the browser brought back. */
async function callbackServer(): Promise<{ server: Server; url: string; hits: URL[] }> {
  const hits: URL[] = [];
  const server = createServer((req: IncomingMessage, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    hits.push(url);
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end('<!doctype html><title>Callback</title><p>Back at the App.</p>');
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return { server, url: `http://127.0.0.1:${port}/callback`, hits };
}

function pkcePair(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

/** Signs in as a demo user with the password demo-credentials.json gives for it. */
async function signIn(page: Page, user: { username: string; password?: string }): Promise<void> {
  assert.ok(user.password, `no password for @${user.username} in the credentials document`);
  await page.fill('#username', user.username);
  await page.fill('#password', user.password);
  await Promise.all([page.waitForLoadState('load'), page.click('button[value="signin"]')]);
}

describe('consent pages in Chromium', () => {
  let server: TestServer;
  let callback: Awaited<ReturnType<typeof callbackServer>>;
  let browser: Browser;
  const shots = mkdtempSync(join(tmpdir(), 'likes-shots-'));

  before(async () => {
    assert.ok(existsSync(CHROMIUM), `${CHROMIUM} is missing: run scripts/ensure-chromium.sh (the test setup does)`);
    server = await startTestServer();
    callback = await callbackServer();
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS, timeout: 60_000 });
  });
  after(async () => {
    await browser?.close();
    callback?.server.close();
    await server?.close();
    rmSync(shots, { recursive: true, force: true });
  });

  function authorizeUrl(state: string, challenge: string, scope = 'tweet.read users.read like.read offline.access'): string {
    const url = new URL('/i/oauth2/authorize', server.baseUrl);
    url.search = new URLSearchParams({
      response_type: 'code', client_id: server.creds.app.clientId, redirect_uri: callback.url, scope, state,
      code_challenge: challenge, code_challenge_method: 'S256',
    }).toString();
    return url.toString();
  }

  it('OAuth 2.0: sign in, see the App and scopes, Authorize, land on the callback, exchange the code, read liked_tweets', async () => {
    const user = server.creds.users[0];
    const { verifier, challenge } = pkcePair();
    const context = await browser.newContext({ viewport: { width: 560, height: 820 } });
    try {
      const page = await context.newPage();
      await page.goto(authorizeUrl('browser-state', challenge));
      assert.match(await page.title(), /Sign in to authorize Demo App/);
      assert.equal(await page.locator('.app b').textContent(), 'Demo App');

      await signIn(page, user);
      assert.equal((await page.locator('h1').textContent())?.trim(), 'Authorize Demo App to:');
      const scopes = await page.locator('ul.scopes code').allTextContents();
      assert.deepEqual(scopes, ['tweet.read', 'users.read', 'like.read', 'offline.access']);
      assert.match((await page.locator('.who').textContent()) ?? '', new RegExp(`@${user.username}`));
      assert.ok(await page.locator('button[value="authorize"]').isVisible());
      assert.ok(await page.locator('button[value="cancel"]').isVisible());

      const shot = process.env.LIKES_API_UPDATE_SCREENSHOTS === '1' ? join(ROOT, 'docs', 'screenshots', 'consent.png') : join(shots, 'consent.png');
      await page.screenshot({ path: shot, fullPage: true });
      const size = statSync(shot).size;
      assert.ok(size > 5_000 && size < 400_000, `screenshot of ${size} bytes`);

      await Promise.all([page.waitForURL((u) => u.toString().startsWith(callback.url)), page.click('button[value="authorize"]')]);
      const landed = new URL(page.url());
      assert.equal(landed.searchParams.get('state'), 'browser-state');
      const code = landed.searchParams.get('code');
      assert.ok(code);
      assert.match((await page.textContent('p')) ?? '', /Back at the App/);
      assert.ok(callback.hits.some((h) => h.searchParams.get('code') === code));

      // The Demo App is a Web App (confidential client): HTTP Basic with its client secret.
      const { clientId, clientSecret } = server.creds.app;
      const tokenRes = await fetch(`${server.baseUrl}/2/oauth2/token`, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          authorization: `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}`,
        },
        body: new URLSearchParams({
          code, grant_type: 'authorization_code', client_id: server.creds.app.clientId, redirect_uri: callback.url, code_verifier: verifier,
        }).toString(),
      });
      const token = (await tokenRes.json()) as { access_token: string; refresh_token?: string; expires_in: number };
      assert.equal(tokenRes.status, 200, JSON.stringify(token));
      assert.equal(token.expires_in, 7200);
      assert.ok(token.refresh_token);

      const liked = await fetch(`${server.baseUrl}/2/users/${user.id}/liked_tweets?max_results=5`, { headers: { authorization: `Bearer ${token.access_token}` } });
      assert.equal(liked.status, 200);
      const body = (await liked.json()) as { data?: unknown[] };
      assert.ok(body.data && body.data.length > 0);
    } finally {
      await context.close();
    }
  });

  it('OAuth 2.0: Cancel lands on the callback with error=access_denied and the state', async () => {
    const { challenge } = pkcePair();
    const context = await browser.newContext();
    try {
      const page = await context.newPage();
      await page.goto(authorizeUrl('cancel-state', challenge, 'tweet.read users.read'));
      await signIn(page, server.creds.users[1]);
      assert.deepEqual(await page.locator('ul.scopes code').allTextContents(), ['tweet.read', 'users.read']);
      await Promise.all([page.waitForURL((u) => u.toString().startsWith(callback.url)), page.click('button[value="cancel"]')]);
      const landed = new URL(page.url());
      assert.equal(landed.search, '?error=access_denied&state=cancel-state');
    } finally {
      await context.close();
    }
  });

  it('a wrong password shows an error and keeps the user on the sign-in page', async () => {
    const { challenge } = pkcePair();
    const context = await browser.newContext();
    try {
      const page = await context.newPage();
      await page.goto(authorizeUrl('s', challenge));
      await page.fill('#username', server.creds.users[0].username);
      await page.fill('#password', 'wrong password');
      await Promise.all([page.waitForLoadState('load'), page.click('button[value="signin"]')]);
      assert.match((await page.locator('.error').textContent()) ?? '', /Wrong username or password/);
      assert.equal(await page.inputValue('#username'), server.creds.users[0].username);
      assert.equal(await page.locator('ul.scopes').count(), 0);
    } finally {
      await context.close();
    }
  });

  it('OAuth 1.0a: the same pages authorize a request token and land with oauth_token and oauth_verifier', async () => {
    const url = `${server.baseUrl}/oauth/request_token`;
    const oauth: Record<string, string> = {
      oauth_callback: callback.url,
      oauth_consumer_key: server.creds.app.consumerKey,
      oauth_nonce: randomBytes(16).toString('hex'),
      oauth_signature_method: 'HMAC-SHA1',
      oauth_timestamp: String(Math.floor(Date.now() / 1000)),
      oauth_version: '1.0',
    };
    oauth.oauth_signature = oauth1HmacSha1(oauth1BaseString('POST', url, Object.entries(oauth)), server.creds.app.consumerSecret, '');
    const header = `OAuth ${Object.entries(oauth).map(([k, v]) => `${percentEncode(k)}="${percentEncode(v)}"`).join(', ')}`;
    const rt = new URLSearchParams(await (await fetch(url, { method: 'POST', headers: { authorization: header } })).text());
    const token = rt.get('oauth_token');
    assert.ok(token);

    const context = await browser.newContext();
    try {
      const page = await context.newPage();
      await page.goto(`${server.baseUrl}/oauth/authenticate?oauth_token=${token}`);
      await signIn(page, server.creds.users[2]);
      assert.equal((await page.locator('h1').textContent())?.trim(), 'Authorize Demo App to:');
      await Promise.all([page.waitForURL((u) => u.toString().startsWith(callback.url)), page.click('button[value="authorize"]')]);
      const landed = new URL(page.url());
      assert.equal(landed.searchParams.get('oauth_token'), token);
      const verifier = landed.searchParams.get('oauth_verifier');
      assert.ok(verifier);
      const access = await fetch(`${server.baseUrl}/oauth/access_token?oauth_token=${token}&oauth_verifier=${verifier}`, { method: 'POST' });
      assert.equal(access.status, 200);
      assert.equal(new URLSearchParams(await access.text()).get('user_id'), server.creds.users[2].id);
    } finally {
      await context.close();
    }
  });
});
