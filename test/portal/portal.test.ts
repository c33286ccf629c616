// The developer portal over HTTP (a real server on the demo world): sign-in, cookies, CSRF, sign-out, throttling,
// and that a developer sees their own Projects and Apps and never another developer's.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { randomBytes } from 'node:crypto';
import { createDeveloper } from '../../src/auth/developers.ts';
import { oauth1BaseString, oauth1HmacSha1, percentEncode } from '../../src/auth/oauth1.ts';
import { csrfOf, newBrowser, portalRequest, signIn as portalSignIn, type PortalBrowser } from '../support/portalClient.ts';
import { startTestServer, type TestServer } from '../support/harness.ts';

type Browser = PortalBrowser;

const request = (server: TestServer, browser: Browser, method: 'GET' | 'POST', path: string, form?: Record<string, string>, headers: Record<string, string> = {}) =>
  portalRequest(server.baseUrl, browser, method, path, form, headers);
const signIn = (server: TestServer, browser: Browser, username: string, password: string, headers: Record<string, string> = {}) =>
  portalSignIn(server.baseUrl, browser, username, password, headers);

describe('developer portal', () => {
  let server: TestServer;
  let other: { username: string; password: string };

  before(async () => {
    server = await startTestServer({ env: { LIKES_API_TRUST_PROXY: '1' } });
    const created = await createDeveloper(server.services, 'other_dev', 'other-password-1');
    other = { username: created.developer.username, password: created.password };
    const project = await server.services.credentials.createProject('Other Project', { developerId: created.developer.id });
    await server.services.credentials.createApp('Other App', project.id, 'read', {}, 'spa');
  });
  after(() => server?.close());

  it('the demo document names the demo developer, who owns the demo Project', async () => {
    assert.equal(server.creds.developer?.username, 'demo_dev');
    assert.match(server.creds.developer!.password, /^[A-Za-z0-9]{24}$/);
    const dev = await server.services.store.developerByUsername('demo_dev');
    assert.deepEqual((await server.services.store.projectsOfDeveloper(dev!.id)).map((p) => p.id), [server.creds.project.id]);
  });

  it('signed out, /portal is a sign-in form with labels, a CSRF token and no caching', async () => {
    const browser = newBrowser();
    const page = await request(server, browser, 'GET', '/portal');
    assert.equal(page.status, 200);
    assert.match(page.headers.get('content-type')!, /^text\/html/);
    assert.match(page.headers.get('cache-control')!, /no-store/);
    assert.match(page.body, /<h1>Sign in to the developer portal<\/h1>/);
    assert.match(page.body, /<label for="username">Username<\/label>/);
    assert.match(page.body, /<label for="password">Password<\/label>/);
    assert.match(page.body, /<link rel="icon" href="data:,">/);
    assert.match(csrfOf(page.body), /^[A-Za-z0-9_-]{43}$/);
    assert.ok(!browser.cookies.has('likes_portal'));
  });

  it('signs in the demo developer: a session cookie with the right attributes, then the dashboard with the demo Project and Apps', async () => {
    const browser = newBrowser();
    const res = await signIn(server, browser, 'DEMO_DEV', server.creds.developer!.password);
    assert.equal(res.status, 303);
    assert.equal(res.headers.get('location'), '/portal');
    const session = res.setCookies.find((c) => c.startsWith('likes_portal='));
    assert.ok(session, 'a session cookie is set');
    assert.match(session, /; Path=\/portal; HttpOnly; SameSite=Lax; Max-Age=43200$/);
    const dash = await request(server, browser, 'GET', '/portal');
    assert.equal(dash.status, 200);
    assert.match(dash.body, /Signed in as <b>demo_dev<\/b>/);
    assert.match(dash.body, /<h2 id="project-\d+">Demo Project<\/h2>/);
    assert.ok(dash.body.includes(`<code>${server.creds.app.id}</code>`));
    assert.ok(dash.body.includes(`<code>${server.creds.publicApp.id}</code>`));
    assert.match(dash.body, /<td>Demo App<\/td><td><code>\d+<\/code><\/td><td>Web App<\/td><td>Read and write<\/td>/);
    assert.match(dash.body, /<td>Demo Native App<\/td>.*?<td>Native App<\/td>/);
    assert.ok(!dash.body.includes('App outside any Project'));
  });

  it('marks the session cookie Secure when the request came over HTTPS through the trusted proxy', async () => {
    const browser = newBrowser();
    const res = await signIn(server, browser, 'demo_dev', server.creds.developer!.password, { 'x-forwarded-proto': 'https' });
    assert.equal(res.status, 303);
    assert.match(res.setCookies.find((c) => c.startsWith('likes_portal='))!, /; Secure$/);
  });

  it('a wrong password or an unknown developer gets the same 401 form, and no session', async () => {
    for (const [username, password] of [['demo_dev', 'wrong-password'], ['nobody_here', 'whatever']]) {
      const browser = newBrowser();
      const res = await signIn(server, browser, username, password);
      assert.equal(res.status, 401);
      assert.match(res.body, /role="alert">Wrong username or password\.</);
      assert.ok(!browser.cookies.has('likes_portal'));
    }
  });

  it('refuses a sign-in without the form\'s CSRF token (403), before checking the password', async () => {
    const browser = newBrowser();
    await request(server, browser, 'GET', '/portal');
    const res = await request(server, browser, 'POST', '/portal/signin', { csrf: 'x'.repeat(43), username: 'demo_dev', password: server.creds.developer!.password });
    assert.equal(res.status, 403);
    assert.match(res.body, /This form has expired/);
    assert.ok(!browser.cookies.has('likes_portal'));
  });

  it('each developer sees only their own Projects and Apps', async () => {
    const browser = newBrowser();
    assert.equal((await signIn(server, browser, other.username, other.password)).status, 303);
    const dash = await request(server, browser, 'GET', '/portal');
    assert.match(dash.body, /Other Project/);
    assert.match(dash.body, /<td>Other App<\/td>.*?<td>Single page App<\/td><td>Read<\/td>/);
    assert.ok(!dash.body.includes('Demo Project'));
    assert.ok(!dash.body.includes(server.creds.app.id));
  });

  it('signs out with the session\'s CSRF token only; afterwards the cookie no longer works', async () => {
    const browser = newBrowser();
    await signIn(server, browser, 'demo_dev', server.creds.developer!.password);
    const sessionId = browser.cookies.get('likes_portal')!;
    const dash = await request(server, browser, 'GET', '/portal');
    const refused = await request(server, browser, 'POST', '/portal/signout', { csrf: 'y'.repeat(43) });
    assert.equal(refused.status, 403);
    assert.match((await request(server, browser, 'GET', '/portal')).body, /Signed in as/);
    const out = await request(server, browser, 'POST', '/portal/signout', { csrf: csrfOf(dash.body) });
    assert.equal(out.status, 303);
    assert.match(out.setCookies[0], /^likes_portal=; Path=\/portal; HttpOnly; SameSite=Lax; Max-Age=0/);
    const replay = newBrowser();
    replay.cookies.set('likes_portal', sessionId);
    assert.match((await request(server, replay, 'GET', '/portal')).body, /Sign in to the developer portal/);
  });

  it('a form address opened again, or a sign-out with no session left, goes back to /portal', async () => {
    const browser = newBrowser();
    for (const path of ['/portal/signin', '/portal/signout']) {
      const again = await request(server, browser, 'GET', path);
      assert.equal(again.status, 303, path);
      assert.equal(again.headers.get('location'), '/portal');
    }
    const stale = newBrowser();
    stale.cookies.set('likes_portal', 'z'.repeat(43));
    const out = await request(server, stale, 'POST', '/portal/signout', { csrf: 'y'.repeat(43) });
    assert.equal(out.status, 303);
    assert.equal(out.headers.get('location'), '/portal');
  });

  it('throttles guesses per username as the consent pages do: after 5 wrong ones, 429 with Retry-After, even for the right password', async () => {
    const created = await createDeveloper(server.services, 'throttled_dev', 'right-password-1');
    const browser = newBrowser();
    for (let i = 0; i < 5; i++) assert.equal((await signIn(server, browser, 'throttled_dev', `wrong-${i}`)).status, 401);
    const locked = await signIn(server, browser, 'throttled_dev', created.password);
    assert.equal(locked.status, 429);
    assert.ok(Number(locked.headers.get('retry-after')) >= 1);
    assert.match(locked.body, /Too many sign-in attempts for this account\. Try again in \d+ seconds?\./);
    assert.ok(!browser.cookies.has('likes_portal'));
  });

  describe('Projects and Apps', () => {
    const keysOf = (body: string): Map<string, string> => {
      const found = new Map<string, string>();
      for (const m of body.matchAll(/<dt>([^<]+)<\/dt><dd><code>([^<]+)<\/code><\/dd>/g)) found.set(m[1], m[2]);
      return found;
    };
    const liked = (token: string) =>
      fetch(`${server.baseUrl}/2/users/${server.creds.users[0].id}/liked_tweets`, { headers: { authorization: `Bearer ${token}` } });

    async function createProjectAndApp(browser: Browser, appType = 'web') {
      const dash = await request(server, browser, 'GET', '/portal');
      const made = await request(server, browser, 'POST', '/portal/projects', { csrf: csrfOf(dash.body), name: 'Portal Project', tier: 'pro' });
      assert.equal(made.status, 303);
      const projectId = /^\/portal#project-(\d+)$/.exec(made.headers.get('location')!)![1];
      const newApp = await request(server, browser, 'GET', `/portal/projects/${projectId}/apps/new`);
      assert.equal(newApp.status, 200);
      assert.match(newApp.headers.get('cache-control')!, /no-store/);
      const created = await request(server, browser, 'POST', `/portal/projects/${projectId}/apps`, {
        csrf: csrfOf(newApp.body), name: 'Portal App', type: appType, permission: 'read-write', callbacks: 'http://127.0.0.1:9100/cb\n\nhttps://example.com/callback\n',
      });
      assert.equal(created.status, 303);
      const appId = /^\/portal\/apps\/(\d+)\/keys$/.exec(created.headers.get('location')!)![1];
      const keysPage = await request(server, browser, 'GET', created.headers.get('location')!);
      return { projectId, appId, keysPage, keys: keysOf(keysPage.body) };
    }

    it('creates a Project (tier) and an App in it; the keys page shows every credential once', async () => {
      const browser = newBrowser();
      await signIn(server, browser, 'demo_dev', server.creds.developer!.password);
      const { projectId, appId, keysPage, keys } = await createProjectAndApp(browser);
      assert.equal(keysPage.status, 200);
      assert.match(keysPage.headers.get('cache-control')!, /no-store/);
      assert.match(keysPage.body, /will not be shown again/);
      assert.deepEqual([...keys.keys()], ['API Key (consumer key)', 'API Key Secret (consumer secret)', 'Bearer Token', 'OAuth 2.0 Client ID', 'OAuth 2.0 Client Secret']);
      const project = await server.services.store.projectById(projectId);
      const dev = await server.services.store.developerByUsername('demo_dev');
      assert.equal(project?.developerId, dev!.id);
      assert.equal(project?.policy.rateLimitTier, 'pro');
      const app = await server.services.store.appById(appId);
      assert.equal(app?.projectId, projectId);
      assert.equal(app?.permission, 'read-write');
      assert.deepEqual(await server.services.store.callbackUrls(appId), ['http://127.0.0.1:9100/cb', 'https://example.com/callback']);

      // Never again: not on reload, not on the App page, not on the dashboard (which show the consumer key and client id only).
      const reload = await request(server, browser, 'GET', `/portal/apps/${appId}/keys`);
      assert.equal(reload.status, 200);
      assert.match(reload.body, /These keys were already shown/);
      const appPage = await request(server, browser, 'GET', `/portal/apps/${appId}`);
      const dash = await request(server, browser, 'GET', '/portal');
      for (const page of [reload, appPage, dash]) {
        assert.match(page.headers.get('cache-control')!, /no-store/);
        for (const secret of ['API Key Secret (consumer secret)', 'Bearer Token', 'OAuth 2.0 Client Secret']) assert.ok(!page.body.includes(keys.get(secret)!), secret);
      }
      assert.ok(appPage.body.includes(keys.get('API Key (consumer key)')!));
      assert.ok(appPage.body.includes(keys.get('OAuth 2.0 Client ID')!));
      assert.match(dash.body, /<td>Portal App<\/td><td><code>\d+<\/code><\/td><td>Web App<\/td><td>Read and write<\/td>/);
      assert.match(dash.body, /Pro tier/);

      // The printed keys work: the Bearer token on liked_tweets, the consumer key and secret on a signed request_token.
      assert.equal((await liked(keys.get('Bearer Token')!)).status, 200);
      const url = `${server.baseUrl}/oauth/request_token`;
      const oauth: Record<string, string> = {
        oauth_callback: 'http://127.0.0.1:9100/cb', oauth_consumer_key: keys.get('API Key (consumer key)')!, oauth_nonce: randomBytes(16).toString('hex'),
        oauth_signature_method: 'HMAC-SHA1', oauth_timestamp: String(Math.floor(Date.now() / 1000)), oauth_version: '1.0',
      };
      const signature = oauth1HmacSha1(oauth1BaseString('POST', url, Object.entries(oauth)), keys.get('API Key Secret (consumer secret)')!, '');
      const header = `OAuth ${Object.entries({ ...oauth, oauth_signature: signature }).map(([k, v]) => `${percentEncode(k)}="${percentEncode(v)}"`).join(', ')}`;
      const requestToken = await fetch(url, { method: 'POST', headers: { authorization: header } });
      assert.equal(requestToken.status, 200, await requestToken.clone().text());
      assert.match(await requestToken.text(), /oauth_callback_confirmed=true/);
      // The client id and secret on the OAuth 2.0 token endpoint (client credentials are refused, but authenticated: not 401).
      const basic = Buffer.from(`${keys.get('OAuth 2.0 Client ID')}:${keys.get('OAuth 2.0 Client Secret')}`).toString('base64');
      const wrong = Buffer.from(`${keys.get('OAuth 2.0 Client ID')}:nope`).toString('base64');
      const token = (auth: string) => fetch(`${server.baseUrl}/2/oauth2/token`, {
        method: 'POST', headers: { authorization: `Basic ${auth}`, 'content-type': 'application/x-www-form-urlencoded' }, body: 'grant_type=refresh_token&refresh_token=x',
      });
      const [good, bad] = await Promise.all([token(basic), token(wrong)]);
      assert.notEqual(good.status, bad.status, 'the printed client secret authenticates where a wrong one does not');
    });

    it('a public App (Native) gets no client secret', async () => {
      const browser = newBrowser();
      await signIn(server, browser, 'demo_dev', server.creds.developer!.password);
      const { appId, keys } = await createProjectAndApp(browser, 'native');
      assert.ok(!keys.has('OAuth 2.0 Client Secret'));
      assert.ok(keys.has('OAuth 2.0 Client ID'));
      const appPage = await request(server, browser, 'GET', `/portal/apps/${appId}`);
      assert.ok(!appPage.body.includes('Regenerate OAuth 2.0 Client Secret'));
    });

    it('regenerates the Bearer token (the old one gets 401, the new one works), the consumer keys and the client secret, each shown once', async () => {
      const browser = newBrowser();
      await signIn(server, browser, 'demo_dev', server.creds.developer!.password);
      const { appId, keys } = await createProjectAndApp(browser);
      const oldBearer = keys.get('Bearer Token')!;
      const appPage = await request(server, browser, 'GET', `/portal/apps/${appId}`);
      const regen = await request(server, browser, 'POST', `/portal/apps/${appId}/regenerate`, { csrf: csrfOf(appPage.body), what: 'bearer' });
      assert.equal(regen.status, 303);
      const shown = await request(server, browser, 'GET', regen.headers.get('location')!);
      const newBearer = keysOf(shown.body).get('Bearer Token')!;
      assert.ok(newBearer && newBearer !== oldBearer);
      assert.equal((await liked(oldBearer)).status, 401);
      assert.equal((await liked(newBearer)).status, 200);
      assert.match((await request(server, browser, 'GET', regen.headers.get('location')!)).body, /already shown/);

      const consumer = await request(server, browser, 'POST', `/portal/apps/${appId}/regenerate`, { csrf: csrfOf(appPage.body), what: 'consumer-keys' });
      const newKeys = keysOf((await request(server, browser, 'GET', consumer.headers.get('location')!)).body);
      assert.notEqual(newKeys.get('API Key (consumer key)'), keys.get('API Key (consumer key)'));
      assert.ok(await server.services.credentials.verifyConsumer(newKeys.get('API Key (consumer key)')!, newKeys.get('API Key Secret (consumer secret)')!));
      assert.equal(await server.services.credentials.verifyConsumer(keys.get('API Key (consumer key)')!, keys.get('API Key Secret (consumer secret)')!), null);

      const secret = await request(server, browser, 'POST', `/portal/apps/${appId}/regenerate`, { csrf: csrfOf(appPage.body), what: 'client-secret' });
      const newSecret = keysOf((await request(server, browser, 'GET', secret.headers.get('location')!)).body).get('OAuth 2.0 Client Secret');
      assert.ok(newSecret && newSecret !== keys.get('OAuth 2.0 Client Secret'));
    });

    it('edits callback URLs, refusing what the OAuth flows refuse', async () => {
      const browser = newBrowser();
      await signIn(server, browser, 'demo_dev', server.creds.developer!.password);
      const { appId } = await createProjectAndApp(browser);
      const appPage = await request(server, browser, 'GET', `/portal/apps/${appId}`);
      // The callback URLs are part of the user authentication settings form (with the permission, type and website).
      const settings = { csrf: csrfOf(appPage.body), permission: 'read-write', type: 'web', website: 'https://example.com' };
      const bad = await request(server, browser, 'POST', `/portal/apps/${appId}/settings`, { ...settings, callbacks: 'https://ok.example/cb\nhttps://x.example/cb#frag' });
      assert.equal(bad.status, 400);
      assert.match(bad.body, /must not have a #fragment/);
      assert.deepEqual(await server.services.store.callbackUrls(appId), ['http://127.0.0.1:9100/cb', 'https://example.com/callback']);
      const good = await request(server, browser, 'POST', `/portal/apps/${appId}/settings`, { ...settings, callbacks: 'https://ok.example/cb' });
      assert.equal(good.status, 303);
      assert.match((await request(server, browser, 'GET', good.headers.get('location')!)).body, /User authentication settings saved/);
      assert.deepEqual(await server.services.store.callbackUrls(appId), ['https://ok.example/cb']);
    });

    it('refuses bad Project and App forms with 400 and the reason', async () => {
      const browser = newBrowser();
      await signIn(server, browser, 'demo_dev', server.creds.developer!.password);
      const dash = await request(server, browser, 'GET', '/portal');
      const noName = await request(server, browser, 'POST', '/portal/projects', { csrf: csrfOf(dash.body), name: '  ', tier: 'gold' });
      assert.equal(noName.status, 400);
      assert.match(noName.body, /Give the Project a name\./);
      assert.match(noName.body, /Choose one of the tiers\./);
      const newApp = await request(server, browser, 'GET', `/portal/projects/${server.creds.project.id}/apps/new`);
      const badApp = await request(server, browser, 'POST', `/portal/projects/${server.creds.project.id}/apps`, {
        csrf: csrfOf(newApp.body), name: 'X', type: 'robot', permission: 'all', callbacks: 'not a url',
      });
      assert.equal(badApp.status, 400);
      assert.match(badApp.body, /Choose a type of App\./);
      assert.match(badApp.body, /must not contain spaces/);
    });

    it('the usage page of an App: its requests today, the rate limit they used, the Project\'s Tweet cap; 404 for anyone else', async () => {
      const browser = newBrowser();
      await signIn(server, browser, 'demo_dev', server.creds.developer!.password);
      const appId = server.creds.app.id;
      const appPage = await request(server, browser, 'GET', `/portal/apps/${appId}`);
      assert.ok(appPage.body.includes(`href="/portal/apps/${appId}/usage"`), 'the App page links to its usage');
      const today = () => new Date(server.services.clock.now()).toISOString().slice(0, 10);
      const read = async () => {
        const page = await request(server, browser, 'GET', `/portal/apps/${appId}/usage`);
        assert.equal(page.status, 200);
        assert.match(page.headers.get('cache-control')!, /no-store/);
        const requests = new RegExp(`<tr data-day="${today()}"><th scope="row">${today()}</th><td>([\\d,]+)</td>`).exec(page.body);
        const remaining = /<tr data-bucket="liked_tweets">.*?<span class="remaining">(\d+)<\/span> of (\d+)/.exec(page.body);
        const cap = /<p id="cap-use">([\d,]+) of ([\d,]+) Tweets this month/.exec(page.body);
        assert.ok(requests && remaining && cap, page.body);
        return { page, requests: Number(requests[1].replace(/,/g, '')), remaining: Number(remaining[1]), cap: Number(cap[1].replace(/,/g, '')) };
      };
      const before = await read();
      for (let i = 0; i < 3; i++) {
        const res = await fetch(`${server.baseUrl}/2/users/${server.creds.heavyLikerUserId}/liked_tweets`, { headers: { authorization: `Bearer ${server.creds.app.bearerToken}` } });
        assert.equal(res.status, 200);
        await res.arrayBuffer();
      }
      await server.services.shared.ledger.flush();
      const after = await read();
      assert.equal(after.requests, before.requests + 3, 'three more requests today');
      assert.equal(after.remaining, before.remaining - 3, 'three fewer app-only liked_tweets requests left');
      assert.ok(after.cap > before.cap, 'the Tweets returned count against the Project\'s cap');
      // The chart: inline SVG with a text alternative naming today's count, and no script anywhere.
      assert.match(after.page.body, new RegExp(`<svg class="chart"[^>]* role="img" aria-label="Requests per UTC day, [^"]*${today()} ${after.requests}"`));
      assert.match(after.page.body, /<title>Requests per UTC day/);
      assert.ok(!/<script/i.test(after.page.body));
      // The dashboard summarises each Project's cap use.
      assert.match((await request(server, browser, 'GET', '/portal')).body, /Tweet cap use: [\d,]+ of [\d,]+ Tweets this month/);

      const intruder = newBrowser();
      await signIn(server, intruder, other.username, other.password);
      for (const path of [`/portal/apps/${appId}/usage`, '/portal/apps/999999/usage', '/portal/apps/abc/usage']) {
        const res = await request(server, intruder, 'GET', path);
        assert.equal(res.status, 404, path);
        assert.ok(!res.body.includes('Requests per UTC day'));
      }
      assert.equal((await request(server, newBrowser(), 'GET', `/portal/apps/${appId}/usage`)).status, 303, 'signed out: to the sign-in form');
    });

    it('another developer can neither see nor change the App or the Project (404); every POST needs the session\'s CSRF token (403)', async () => {
      const owner = newBrowser();
      await signIn(server, owner, 'demo_dev', server.creds.developer!.password);
      const { projectId, appId, keys } = await createProjectAndApp(owner);
      const intruder = newBrowser();
      await signIn(server, intruder, other.username, other.password);
      const theirs = await request(server, intruder, 'GET', '/portal');
      const csrf = csrfOf(theirs.body);
      for (const path of [`/portal/apps/${appId}`, `/portal/apps/${appId}/keys`, `/portal/projects/${projectId}/apps/new`, '/portal/apps/999999', '/portal/apps/abc']) {
        const res = await request(server, intruder, 'GET', path);
        assert.equal(res.status, 404, path);
        assert.match(res.headers.get('cache-control')!, /no-store/);
      }
      for (const [path, fields] of [
        [`/portal/apps/${appId}/regenerate`, { what: 'bearer' }],
        [`/portal/apps/${appId}/settings`, { permission: 'read-write', type: 'web', website: 'https://evil.example', callbacks: 'https://evil.example/cb' }],
        [`/portal/projects/${projectId}/apps`, { name: 'Sneaky', type: 'web', permission: 'read', callbacks: '' }],
      ] as const) {
        assert.equal((await request(server, intruder, 'POST', path, { csrf, ...fields })).status, 404, path);
      }
      assert.equal((await liked(keys.get('Bearer Token')!)).status, 200, 'the Bearer token was not regenerated');
      assert.deepEqual(await server.services.store.callbackUrls(appId), ['http://127.0.0.1:9100/cb', 'https://example.com/callback']);

      // The owner without the right CSRF token: 403, nothing changed.
      for (const [path, fields] of [
        ['/portal/projects', { name: 'Forged', tier: 'free' }],
        [`/portal/projects/${projectId}/apps`, { name: 'Forged', type: 'web', permission: 'read', callbacks: '' }],
        [`/portal/apps/${appId}/regenerate`, { what: 'bearer' }],
        [`/portal/apps/${appId}/settings`, { permission: 'read-write', type: 'web', website: 'https://evil.example', callbacks: 'https://evil.example/cb' }],
      ] as const) {
        const res = await request(server, owner, 'POST', path, { csrf: csrf, ...fields });
        assert.equal(res.status, 403, path);
        assert.equal((await request(server, owner, 'POST', path, { ...fields })).status, 403, `${path} without a token`);
      }
      assert.equal((await liked(keys.get('Bearer Token')!)).status, 200);
      assert.ok(!(await request(server, owner, 'GET', '/portal')).body.includes('Forged'));
      // Signed out: back to the sign-in form.
      assert.equal((await request(server, newBrowser(), 'GET', `/portal/apps/${appId}`)).status, 303);
    });
  });
});
