// The developer portal over HTTP (a real server on the demo world): sign-in, cookies, CSRF, sign-out, throttling,
// and that a developer sees their own Projects and Apps and never another developer's.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createDeveloper } from '../../src/auth/developers.ts';
import { startTestServer, type TestServer } from '../support/harness.ts';

interface Browser {
  cookies: Map<string, string>;
}

const newBrowser = (): Browser => ({ cookies: new Map() });

async function request(server: TestServer, browser: Browser, method: 'GET' | 'POST', path: string, form?: Record<string, string>, headers: Record<string, string> = {}) {
  const res = await fetch(server.baseUrl + path, {
    method,
    redirect: 'manual',
    headers: {
      ...(browser.cookies.size ? { cookie: [...browser.cookies].map(([k, v]) => `${k}=${v}`).join('; ') } : {}),
      ...(form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
      ...headers,
    },
    body: form ? new URLSearchParams(form).toString() : undefined,
  });
  const setCookies = res.headers.getSetCookie();
  for (const c of setCookies) {
    const [pair] = c.split(';');
    const [name, ...value] = pair.split('=');
    if (value.join('=') === '') browser.cookies.delete(name);
    else browser.cookies.set(name, value.join('='));
  }
  return { status: res.status, body: await res.text(), headers: res.headers, setCookies };
}

const csrfOf = (body: string): string => {
  const m = /name="csrf" value="([^"]*)"/.exec(body);
  assert.ok(m, 'the form carries a CSRF token');
  return m[1];
};

async function signIn(server: TestServer, browser: Browser, username: string, password: string, headers: Record<string, string> = {}) {
  const page = await request(server, browser, 'GET', '/portal');
  return request(server, browser, 'POST', '/portal/signin', { csrf: csrfOf(page.body), username, password }, headers);
}

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
});
