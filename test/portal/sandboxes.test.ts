// The operator in the portal over HTTP (real servers): signing in with the admin token, or adding the operator's
// rights to a developer's session with it (CSRF required, a wrong token refused as an alert); no operator form and
// no operator routes without an admin token. Then the sandbox pages: each form (create, clock, faults, snapshots,
// reset, delete) driven as a browser posts it, its effect checked through the control API (/__admin/) and X's API
// with a real client using the sandbox's credentials as the page shows them; refused forms are 400 pages with the
// control API's words beside the field, never a 500. The server's clock is a ManualClock, so sandbox times are exact.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ApiResponseError } from 'twitter-api-v2';
import { createDeveloper } from '../../src/auth/developers.ts';
import type { DemoCredentials } from '../../src/demo/demoCredentials.ts';
import { bearerClient } from '../support/clients.ts';
import { ManualClock } from '../support/clock.ts';
import { csrfOf, newBrowser, portalRequest, unescapeHtml, type PortalAnswer as Answer, type PortalBrowser } from '../support/portalClient.ts';
import { serverForSuite, startTestServer, type TestServer } from '../support/harness.ts';
import { memoryStore } from '../support/memoryStore.ts';

type Json = Record<string, any>;

type Browser = PortalBrowser;

const request = (server: TestServer, browser: Browser, method: 'GET' | 'POST', path: string, form?: Record<string, string>) =>
  portalRequest(server.baseUrl, browser, method, path, form);

/** The credentials document in the page's read-only textarea, as a person copying it gets it. */
function credentialsOnPage(body: string): DemoCredentials {
  assert.match(body, /<label for="credentials-json">Credentials document \(JSON\)<\/label>/);
  const m = /<textarea id="credentials-json" readonly[^>]*>([\s\S]*?)<\/textarea>/.exec(body);
  assert.ok(m, 'the credentials are in a read-only textarea');
  return JSON.parse(unescapeHtml(m[1])) as DemoCredentials;
}

/** The alert of a page (role="alert"), as text. */
const alertOf = (body: string): string => {
  const m = /role="alert">([\s\S]*?)<\/(?:p|div)>/.exec(body);
  assert.ok(m, 'the page has an alert');
  return unescapeHtml(m[1].replace(/<[^>]+>/g, '').replace(/\s+/g, ' ').trim());
};

/** The status notice of a page (role="status"). */
const noticeOf = (body: string): string | null => {
  const m = /<p class="notice" role="status">([^<]*)<\/p>/.exec(body);
  return m ? unescapeHtml(m[1]) : null;
};

async function operatorSignIn(server: TestServer, browser: Browser, token: string): Promise<Answer> {
  const page = await request(server, browser, 'GET', '/portal');
  return request(server, browser, 'POST', '/portal/operator/signin', { csrf: csrfOf(page.body), token });
}

async function developerSignIn(server: TestServer, browser: Browser, username: string, password: string): Promise<Answer> {
  const page = await request(server, browser, 'GET', '/portal');
  return request(server, browser, 'POST', '/portal/signin', { csrf: csrfOf(page.body), username, password });
}

describe('the operator signs in to the portal', () => {
  const server = serverForSuite();

  it('with the admin token: a session of the operator alone, sent to the sandboxes, which list the default world', async () => {
    const browser = newBrowser();
    const signedIn = await operatorSignIn(server, browser, server.creds.adminToken!);
    assert.equal(signedIn.status, 303);
    assert.equal(signedIn.location, '/portal/sandboxes');
    assert.match(signedIn.setCookies.find((c) => c.startsWith('likes_portal='))!, /; Path=\/portal; HttpOnly; SameSite=Lax; Max-Age=43200$/);
    const list = await request(server, browser, 'GET', '/portal/sandboxes');
    assert.equal(list.status, 200);
    assert.match(list.headers.get('cache-control')!, /no-store/);
    assert.match(list.body, /<h1>Sandboxes<\/h1>/);
    assert.match(list.body, /<a href="\/portal\/sandboxes\/default">The default world<\/a>/);
    const dash = await request(server, browser, 'GET', '/portal');
    assert.match(dash.body, /<h1>Operator<\/h1>/);
    assert.match(dash.body, /Signed in as <b>the operator<\/b>/);
    assert.match(dash.body, /<a href="\/portal\/sandboxes">Sandboxes<\/a>/);
  });

  it('with a wrong token: the sign-in page again (401) with the error as an alert, and no session', async () => {
    const browser = newBrowser();
    const refused = await operatorSignIn(server, browser, `${server.creds.adminToken}x`);
    assert.equal(refused.status, 401);
    assert.equal(alertOf(refused.body), 'That is not the admin token.');
    assert.match(refused.body, /<h1>Sign in to the developer portal<\/h1>/);
    assert.ok(!browser.cookies.has('likes_portal'));
    assert.equal((await request(server, browser, 'GET', '/portal/sandboxes')).location, '/portal', 'signed out: back to sign in');
  });

  it('without the form\'s CSRF token: 403, before the token is looked at', async () => {
    const browser = newBrowser();
    await request(server, browser, 'GET', '/portal');
    const refused = await request(server, browser, 'POST', '/portal/operator/signin', { csrf: 'x'.repeat(43), token: server.creds.adminToken! });
    assert.equal(refused.status, 403);
    assert.match(refused.body, /This form has expired/);
    assert.ok(!browser.cookies.has('likes_portal'));
  });

  it('a developer without the rights is sent to /portal/operator, and gains them with the token (a new session)', async () => {
    const browser = newBrowser();
    assert.equal((await developerSignIn(server, browser, server.creds.developer!.username, server.creds.developer!.password)).status, 303);
    const developerSession = browser.cookies.get('likes_portal')!;
    const dash = await request(server, browser, 'GET', '/portal');
    assert.ok(!dash.body.includes('/portal/sandboxes'), 'no link to the sandboxes without the rights');

    for (const path of ['/portal/sandboxes', '/portal/sandboxes/default', '/portal/sandboxes/default/credentials.json']) {
      const sent = await request(server, browser, 'GET', path);
      assert.equal(sent.status, 303, path);
      assert.equal(sent.location, '/portal/operator', path);
    }
    // A form of the operator's, posted with the developer's own CSRF token: sent away, nothing made.
    const before = (await server.services.worlds.list()).length;
    const posted = await request(server, browser, 'POST', '/portal/sandboxes', { csrf: csrfOf(dash.body), seed: 'demo' });
    assert.equal(posted.location, '/portal/operator');
    assert.equal((await server.services.worlds.list()).length, before);

    const ask = await request(server, browser, 'GET', '/portal/operator');
    assert.equal(ask.status, 200);
    assert.match(ask.body, /<label for="admin-token">Admin token<\/label>/);
    const csrf = csrfOf(ask.body);
    assert.equal((await request(server, browser, 'POST', '/portal/operator', { csrf: 'y'.repeat(43), token: server.creds.adminToken! })).status, 403);
    const wrong = await request(server, browser, 'POST', '/portal/operator', { csrf, token: 'not-the-admin-token' });
    assert.equal(wrong.status, 401);
    assert.equal(alertOf(wrong.body), 'That is not the admin token.');
    assert.equal(browser.cookies.get('likes_portal'), developerSession, 'the session is kept as it was');

    const granted = await request(server, browser, 'POST', '/portal/operator', { csrf, token: server.creds.adminToken! });
    assert.equal(granted.status, 303);
    assert.equal(granted.location, '/portal/sandboxes');
    assert.notEqual(browser.cookies.get('likes_portal'), developerSession, 'a change of rights is a new session');
    assert.equal((await request(server, browser, 'GET', '/portal/sandboxes')).status, 200);
    assert.equal((await request(server, browser, 'GET', '/portal/operator')).location, '/portal/sandboxes');
    const elevated = await request(server, browser, 'GET', '/portal');
    assert.match(elevated.body, /Signed in as <b>demo_dev<\/b> with the operator&#39;s rights/);

    const stale = newBrowser();
    stale.cookies.set('likes_portal', developerSession);
    assert.equal((await request(server, stale, 'GET', '/portal/sandboxes')).location, '/portal', 'the old session is over');
  });
});

describe('a service without an admin token', () => {
  const server = serverForSuite({ demo: false, env: { LIKES_API_DEMO: '0' } });

  it('has no operator form and no operator routes', async () => {
    const browser = newBrowser();
    const page = await request(server, browser, 'GET', '/portal');
    assert.equal(page.status, 200);
    assert.ok(!page.body.includes('/portal/operator'), 'no operator form');
    assert.ok(!page.body.includes('admin token'));
    const created = await createDeveloper(server.services, 'lone_dev', 'lone-password-1');
    await developerSignIn(server, browser, 'lone_dev', created.password);
    const dash = await request(server, browser, 'GET', '/portal');
    assert.match(dash.body, /Signed in as <b>lone_dev<\/b>/);
    for (const [method, path] of [
      ['POST', '/portal/operator/signin'], ['GET', '/portal/operator'], ['POST', '/portal/operator'], ['GET', '/portal/sandboxes'],
      ['POST', '/portal/sandboxes'], ['GET', '/portal/sandboxes/default'], ['POST', '/portal/sandboxes/default/reset'],
    ] as const) {
      const res = await request(server, browser, method, path, method === 'POST' ? { csrf: csrfOf(dash.body), token: 'anything' } : undefined);
      assert.equal(res.status, 404, `${method} ${path}`);
    }
  });
});

describe('the sandbox pages', () => {
  const clock = new ManualClock(Date.now());
  const server = serverForSuite({ clock });
  let operator: Browser;

  before(async () => {
    operator = newBrowser();
    assert.equal((await operatorSignIn(server, operator, server.creds.adminToken!)).status, 303);
  });

  async function admin(method: string, path: string, body?: unknown): Promise<{ status: number; json: Json }> {
    const res = await fetch(`${server.baseUrl}/__admin${path}`, {
      method,
      headers: { authorization: `Bearer ${server.creds.adminToken}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    return { status: res.status, json: text ? (JSON.parse(text) as Json) : {} };
  }

  const get = (path: string) => request(server, operator, 'GET', path);
  /** Posts a form of the page at `pagePath` (with its CSRF token) to `action`. */
  async function post(pagePath: string, action: string, fields: Record<string, string> = {}): Promise<Answer> {
    const page = await get(pagePath);
    return request(server, operator, 'POST', action, { csrf: csrfOf(page.body), ...fields });
  }
  /** A sandbox made through the create form; its id and its page. */
  async function createSandbox(seed = 'demo'): Promise<{ id: string; path: string; page: Answer }> {
    const made = await post('/portal/sandboxes', '/portal/sandboxes', { seed });
    assert.equal(made.status, 303, made.body);
    const m = /^\/portal\/sandboxes\/(sb[0-9a-z]{10})\?done=created$/.exec(made.location ?? '');
    assert.ok(m, `redirected to the new sandbox (${made.location})`);
    const path = `/portal/sandboxes/${m[1]}`;
    return { id: m[1], path, page: await get(made.location!) };
  }
  /** Follows a 303 and answers the page it leads to. */
  async function followed(answer: Answer): Promise<Answer> {
    assert.equal(answer.status, 303, answer.body);
    return get(answer.location!);
  }
  const clockOf = async (id: string): Promise<number> => Date.parse((await admin('GET', `/sandboxes/${id}/clock`)).json.now);
  const faultsOf = async (id: string): Promise<Json[]> => (await admin('GET', `/sandboxes/${id}/faults`)).json.data;
  /**
   * A user of the sandbox with fewer likes than a page holds (not the demo's heavy liker), a client with their OAuth 2.0
   * token (sent as a Bearer token, as X's SDKs send it), and the ids of the Posts they like.
   */
  function likerOf(creds: DemoCredentials) {
    const me = creds.users.find((u) => u.id !== creds.heavyLikerUserId)!;
    const client = bearerClient(server.baseUrl, me.oauth2AccessToken);
    const likedIds = async (): Promise<Set<string>> => {
      const page = (await client.v2.userLikedTweets(me.id, { max_results: 100 })).data;
      assert.equal(page.meta.next_token, undefined, 'one page holds every like of the user');
      return new Set((page.data ?? []).map((t) => t.id));
    };
    return { me, client, likedIds };
  }
  const responseError = async (call: Promise<unknown>): Promise<ApiResponseError> => {
    try {
      await call;
    } catch (e) {
      assert.ok(e instanceof ApiResponseError, String(e));
      return e;
    }
    assert.fail('the call succeeded');
  };

  it('lists every world, makes a sandbox from the form, and shows its credentials as the control API gives them', async () => {
    const { id, path, page } = await createSandbox('empty');
    assert.equal(page.status, 200);
    assert.match(page.headers.get('cache-control')!, /no-store/);
    assert.equal(noticeOf(page.body), 'Sandbox created. Its credentials are below.');
    assert.match(page.body, new RegExp(`<h1>Sandbox ${id}</h1>`));
    const summary = (await admin('GET', `/sandboxes/${id}`)).json;
    assert.equal(summary.data.seed, 'empty');
    assert.deepEqual(credentialsOnPage(page.body), summary.credentials, 'the same document as GET /__admin/sandboxes/:id');
    assert.equal(credentialsOnPage(page.body).baseUrl, server.baseUrl);
    assert.ok(credentialsOnPage(page.body).app.consumerKey.startsWith(`${id}.`), 'credentials of the sandbox');

    const list = await get('/portal/sandboxes');
    const worlds = (await admin('GET', '/sandboxes')).json.data as Json[];
    assert.ok(worlds.length >= 2);
    for (const w of worlds) assert.ok(list.body.includes(`<a href="/portal/sandboxes/${w.id}"`), `${w.id} is listed and linked`);
    assert.ok(list.body.includes(`<a href="${path}" aria-label="Sandbox ${id}"><code>${id}</code></a>`));

    const download = await get(`${path}/credentials.json`);
    assert.equal(download.status, 200);
    assert.match(download.headers.get('content-type')!, /^application\/json/);
    assert.equal(download.headers.get('content-disposition'), `attachment; filename="${id}-credentials.json"`);
    assert.match(download.headers.get('cache-control')!, /no-store/);
    assert.deepEqual(JSON.parse(download.body), summary.credentials);
    assert.ok(page.body.includes(`href="${path}/credentials.json"`), 'the page links to the download');
  });

  it('refuses an unknown seed (400, the control API\'s message beside the field) and makes nothing', async () => {
    const before = (await admin('GET', '/sandboxes')).json.data.length;
    const refused = await post('/portal/sandboxes', '/portal/sandboxes', { seed: 'everything' });
    assert.equal(refused.status, 400);
    assert.match(refused.body, /<p class="error" id="sandbox-seed-error">seed must be one of &quot;demo&quot;, &quot;empty&quot;<\/p>/);
    assert.match(refused.body, /id="sandbox-seed" name="seed" aria-invalid="true" aria-describedby="sandbox-seed-error"/);
    assert.match(alertOf(refused.body), /^The sandbox was not created\./);
    assert.equal((await admin('GET', '/sandboxes')).json.data.length, before);
  });

  it('moves the clock forward by a duration and sets it to a time; the control API sees the new time', async () => {
    const { id, path } = await createSandbox();
    const start = await clockOf(id);
    assert.equal(start, clock.now());
    const advanced = await followed(await post(path, `${path}/clock`, { advance: '2.5', unit: 'hours' }));
    assert.equal(noticeOf(advanced.body), 'Clock moved.');
    assert.equal(await clockOf(id), start + 2.5 * 3600_000);
    assert.match(advanced.body, new RegExp(`<time datetime="${new Date(start + 2.5 * 3600_000).toISOString()}">`));
    assert.match(advanced.body, /\(2 hours 30 minutes ahead of real time\)/);

    const at = '2031-05-06T07:08:09Z';
    await followed(await post(path, `${path}/clock`, { now: at }));
    assert.equal(await clockOf(id), Date.parse(at));
    // Another world's clock did not move.
    assert.equal(await clockOf('default'), clock.now());
  });

  it('refuses a clock move the control API refuses: 400 with its words beside the field, the clock unchanged', async () => {
    const { id, path } = await createSandbox();
    const start = await clockOf(id);
    const badTime = await post(path, `${path}/clock`, { now: 'next tuesday' });
    assert.equal(badTime.status, 400);
    assert.match(badTime.body, /<p class="error" id="clock-now-error">now must be an ISO 8601 date-time with a time zone, e\.g\. 2026-01-01T12:00:00Z \(got &quot;next tuesday&quot;\)<\/p>/);
    assert.match(badTime.body, /id="clock-now" name="now"[^>]*value="next tuesday" aria-describedby="clock-now-help clock-now-error" aria-invalid="true"/);
    assert.match(alertOf(badTime.body), /^The clock was not moved\. now must be/);
    assert.ok(badTime.body.includes('<a href="#clock-now">'), 'the alert links to the field');

    const early = await post(path, `${path}/clock`, { now: '2001-01-01T00:00:00Z' });
    assert.equal(early.status, 400);
    assert.match(early.body, /id="clock-now-error">the sandbox&#39;s time must stay between 2010-11-04T01:42:54\.657Z and 9999-12-31T23:59:59\.999Z</);

    const negative = await post(path, `${path}/clock`, { advance: '-5', unit: 'minutes' });
    assert.equal(negative.status, 400);
    assert.match(negative.body, /id="clock-advance-error">Enter a number of minutes, 0 or more\.</);
    assert.match(negative.body, /id="clock-advance" name="advance"[^>]*value="-5" aria-invalid="true" aria-describedby="clock-advance-error"/);
    const badUnit = await post(path, `${path}/clock`, { advance: '5', unit: 'fortnights' });
    assert.equal(badUnit.status, 400);
    assert.match(badUnit.body, /id="clock-unit-error">Choose one of seconds, minutes, hours, days\.</);
    const tooFar = await post(path, `${path}/clock`, { advance: '1e9', unit: 'days' });
    assert.equal(tooFar.status, 400);
    assert.match(tooFar.body, /id="clock-advance-error">the sandbox&#39;s time must stay between/);
    assert.equal(await clockOf(id), start);
  });

  it('adds a fault a real client then gets, lists it, and removes it: the client\'s next call succeeds', async () => {
    const { id, path, page } = await createSandbox();
    const creds = credentialsOnPage(page.body);
    const me = creds.users[0];
    const app = bearerClient(server.baseUrl, creds.app.bearerToken);
    assert.ok(Array.isArray((await app.v2.userLikedTweets(me.id)).data.data));

    const added = await post(path, `${path}/faults`, { endpoint: 'liked_tweets', action: 'unavailable', user_id: '', app_id: creds.app.id, delay_ms: '', times: '', probability: '' });
    assert.equal(added.status, 303);
    const faultId = /done=fault-added&fault=([A-Za-z0-9_-]{8})$/.exec(added.location!)?.[1];
    assert.ok(faultId, added.location!);
    const shown = await get(added.location!);
    assert.equal(noticeOf(shown.body), `Fault ${faultId} added.`);
    assert.deepEqual(await faultsOf(id), [{
      id: faultId, endpoint: 'liked_tweets', user_id: null, app_id: creds.app.id, action: 'unavailable', delay_ms: null, times_remaining: null,
      probability: 1, created_at: new Date(clock.now()).toISOString(),
    }]);
    assert.ok(shown.body.includes(`<td><code>${faultId}</code></td><td>503 Service Unavailable on Liked Posts lookup (<code>GET /2/users/:id/liked_tweets</code>); for any user (app-only calls too), App <code>${creds.app.id}</code>; until removed.`));
    assert.ok(shown.body.includes(`<button type="submit" class="secondary" aria-label="Remove fault ${faultId}">Remove</button>`));

    const refused = await responseError(app.v2.userLikedTweets(me.id));
    assert.equal(refused.code, 503);
    // Only the endpoint named: liking users still answers.
    assert.ok((await app.v2.tweetLikedBy(creds.tweets[0].id)).meta);

    const removed = await followed(await post(path, `${path}/faults/${faultId}/remove`));
    assert.equal(noticeOf(removed.body), `Fault ${faultId} removed.`);
    assert.match(removed.body, /No faults: every request is answered normally\./);
    assert.deepEqual(await faultsOf(id), []);
    assert.ok(Array.isArray((await app.v2.userLikedTweets(me.id)).data.data));

    // Removed already (another tab): the page says so (404), no 500.
    const again = await post(path, `${path}/faults/${faultId}/remove`);
    assert.equal(again.status, 404);
    assert.match(alertOf(again.body), new RegExp(`There is no fault ${faultId} here any more`));
  });

  it('a fault for a number of requests and a user: used up by that user\'s calls only, then gone from the page', async () => {
    const { id, path, page } = await createSandbox();
    const creds = credentialsOnPage(page.body);
    const [me, other] = creds.users;
    const added = await post(path, `${path}/faults`, { endpoint: '*', action: 'rate_limit', user_id: me.id, times: '1', probability: '1' });
    assert.equal(added.status, 303, added.body);
    const [fault] = await faultsOf(id);
    assert.equal(fault.user_id, me.id);
    assert.equal(fault.times_remaining, 1);
    assert.match((await get(path)).body, /429 Too Many Requests \(the rate-limit window exhausted until it ends\) on Any Likes endpoint; for user <code>\d+<\/code>, any App; 1 more request\./);

    const client = (user: typeof me) => bearerClient(server.baseUrl, user.oauth2AccessToken);
    assert.ok((await client(other).v2.userLikedTweets(other.id)).data, 'another user is not faulted');
    assert.equal((await responseError(client(me).v2.userLikedTweets(me.id))).code, 429);
    assert.ok((await client(me).v2.userLikedTweets(me.id)).data, 'used up after one request');
    assert.deepEqual(await faultsOf(id), []);
    assert.match((await get(path)).body, /No faults:/);
  });

  it('refuses a fault the control API refuses: 400, its words beside the right field, the values kept, nothing added', async () => {
    const { id, path } = await createSandbox();
    const cases: [Record<string, string>, string, string][] = [
      [{ endpoint: 'liked_tweets', action: 'delay' }, 'fault-delay', 'delay_ms is required with action &quot;delay&quot; (1 to 60000)'],
      [{ endpoint: 'like', action: 'unavailable', delay_ms: '5' }, 'fault-delay', 'delay_ms goes only with action &quot;delay&quot; (the action is &quot;unavailable&quot;)'],
      [{ endpoint: 'like', action: 'delay', delay_ms: 'soon' }, 'fault-delay', 'delay_ms must be an integer from 1 to 60000 (got &quot;soon&quot;)'],
      [{ endpoint: 'like', action: 'drop', probability: '0' }, 'fault-probability', 'probability must be a number greater than 0 and at most 1 (got 0)'],
      [{ endpoint: 'like', action: 'drop', times: '1.5' }, 'fault-times', 'times must be a positive integer (got 1.5)'],
      [{ endpoint: 'like', action: 'drop', user_id: '@alice' }, 'fault-user', 'user_id must be an id of 1 to 19 digits, as a string (got &quot;@alice&quot;)'],
      [{ endpoint: 'like', action: 'drop', app_id: '12x' }, 'fault-app', 'app_id must be an id of 1 to 19 digits, as a string (got &quot;12x&quot;)'],
      [{ endpoint: 'retweets', action: 'drop' }, 'fault-endpoint', 'unknown endpoint &quot;retweets&quot;: one of liked_tweets, liking_users, like, unlike, *'],
      [{ endpoint: 'like', action: 'explode' }, 'fault-action', 'unknown action &quot;explode&quot;: one of rate_limit, unavailable, usage_capped, server_error, delay, drop'],
    ];
    for (const [fields, field, message] of cases) {
      const refused = await post(path, `${path}/faults`, fields);
      assert.equal(refused.status, 400, JSON.stringify(fields));
      assert.ok(refused.body.includes(`<p class="error" id="${field}-error">${message}</p>`), `${JSON.stringify(fields)}: ${message}`);
      assert.match(refused.body, new RegExp(`id="${field}"[^>]*aria-invalid="true" aria-describedby="${field}-error"`), field);
      assert.match(alertOf(refused.body), /^The fault was not added\./);
      for (const [name, value] of Object.entries(fields)) {
        if (name === 'endpoint' || name === 'action') continue;
        assert.ok(refused.body.includes(`name="${name}"`) && refused.body.includes(`value="${value}"`), `${name} kept`);
      }
    }
    assert.deepEqual(await faultsOf(id), []);
  });

  it('removes every fault at once', async () => {
    const { id, path } = await createSandbox();
    for (const action of ['server_error', 'usage_capped']) assert.equal((await post(path, `${path}/faults`, { endpoint: 'like', action })).status, 303);
    assert.equal((await faultsOf(id)).length, 2);
    const cleared = await followed(await post(path, `${path}/faults/remove-all`));
    assert.equal(noticeOf(cleared.body), 'Every fault removed (2 faults).');
    assert.deepEqual(await faultsOf(id), []);
  });

  it('takes a snapshot and restores it: a like made after it is undone', async () => {
    const { id, path, page } = await createSandbox();
    const creds = credentialsOnPage(page.body);
    const { me, client, likedIds } = likerOf(creds);
    const before = await likedIds();
    const tweet = creds.tweets.find((t) => !before.has(t.id) && !creds.deletedTweetIds.includes(t.id));
    assert.ok(tweet, 'a Post the user has not liked');

    const taken = await followed(await post(path, `${path}/snapshots`, { name: 'before-like' }));
    assert.equal(noticeOf(taken.body), 'Snapshot before-like taken.');
    assert.deepEqual((await admin('GET', `/sandboxes/${id}/snapshots`)).json.data, [{ name: 'before-like' }]);
    assert.ok(taken.body.includes(`<form method="post" action="${path}/snapshots/before-like/restore">`));
    assert.ok(taken.body.includes('aria-label="Restore snapshot before-like">Restore</button>'));

    assert.equal((await client.v2.like(me.id, tweet.id)).data.liked, true);
    assert.ok((await likedIds()).has(tweet.id), 'liked after the snapshot');

    const restored = await followed(await post(path, `${path}/snapshots/before-like/restore`));
    assert.equal(noticeOf(restored.body), 'Snapshot before-like restored.');
    assert.deepEqual(await likedIds(), before);

    const badName = await post(path, `${path}/snapshots`, { name: '-dash first' });
    assert.equal(badName.status, 400);
    assert.match(badName.body, /id="snapshot-name-error">a snapshot name must be 1 to 40 letters, digits, _ or -, starting with a letter or digit</);
    assert.match(badName.body, /id="snapshot-name" name="name"[^>]*value="-dash first" aria-describedby="snapshot-name-help snapshot-name-error" aria-invalid="true"/);
    const missing = await post(path, `${path}/snapshots/never-taken/restore`);
    assert.equal(missing.status, 404);
    assert.equal(alertOf(missing.body), 'There is no snapshot never-taken of this world.');
  });

  it('resets a sandbox to its seed: its data, clock and faults as made; the default world asks to be sure, and without a seed says so (409)', async () => {
    const { id, path, page } = await createSandbox();
    const creds = credentialsOnPage(page.body);
    const { me, client, likedIds } = likerOf(creds);
    const seeded = await likedIds();
    const tweet = creds.tweets.find((t) => !seeded.has(t.id) && !creds.deletedTweetIds.includes(t.id))!;
    await client.v2.like(me.id, tweet.id);
    assert.ok((await likedIds()).has(tweet.id));
    await post(path, `${path}/clock`, { advance: '3', unit: 'days' });
    await post(path, `${path}/faults`, { endpoint: 'unlike', action: 'drop' });
    assert.equal((await faultsOf(id)).length, 1);

    const reset = await followed(await post(path, `${path}/reset`));
    assert.equal(noticeOf(reset.body), 'Reset to its seed.');
    assert.deepEqual(await faultsOf(id), []);
    assert.equal(await clockOf(id), clock.now());
    assert.deepEqual(await likedIds(), seeded);

    // The default world asks to be sure first (a 400 naming the box to tick), then says it has no seed.
    const unconfirmed = await post('/portal/sandboxes/default', '/portal/sandboxes/default/reset');
    assert.equal(unconfirmed.status, 400);
    assert.match(unconfirmed.body, /id="reset-confirm-error">Tick the box to reset the default world/);
    assert.match(unconfirmed.body, /<input type="checkbox" id="reset-confirm" name="confirm" value="yes" aria-invalid="true"/);
    const refused = await post('/portal/sandboxes/default', '/portal/sandboxes/default/reset', { confirm: 'yes' });
    assert.equal(refused.status, 409);
    assert.match(alertOf(refused.body), /^The default world has no seed to go back to/);
  });

  it('deletes a sandbox after a second step; the default world cannot be deleted', async () => {
    const { id, path, page } = await createSandbox();
    assert.ok(page.body.includes(`<a href="${path}/delete">Delete sandbox ${id}…</a>`));
    const confirm = await get(`${path}/delete`);
    assert.equal(confirm.status, 200);
    assert.match(confirm.body, new RegExp(`<h1>Delete sandbox ${id}\\?</h1>`));
    assert.ok(confirm.body.includes(`<button type="submit" class="primary">Delete sandbox ${id} for good</button>`));
    assert.equal((await admin('GET', `/sandboxes/${id}`)).status, 200, 'opening the step deletes nothing');

    const deleted = await request(server, operator, 'POST', `${path}/delete`, { csrf: csrfOf(confirm.body) });
    assert.equal(deleted.status, 303);
    assert.equal(deleted.location, `/portal/sandboxes?done=deleted&sandbox=${id}`);
    const list = await get(deleted.location!);
    assert.equal(noticeOf(list.body), `Sandbox ${id} deleted.`);
    assert.ok(!list.body.includes(`href="${path}"`));
    assert.equal((await admin('GET', `/sandboxes/${id}`)).status, 404);
    const gone = await get(path);
    assert.equal(gone.status, 404);
    assert.match(gone.body, /<h1>No such sandbox<\/h1>/);
    assert.equal((await post('/portal/sandboxes', `${path}/reset`)).status, 404);

    const defaultPage = await get('/portal/sandboxes/default');
    assert.equal(defaultPage.status, 200);
    assert.match(defaultPage.body, /<h1>The default world<\/h1>/);
    assert.ok(!defaultPage.body.includes('/portal/sandboxes/default/delete'), 'no delete on the default world');
    assert.equal((await get('/portal/sandboxes/default/delete')).location, '/portal/sandboxes/default');
    const refused = await post('/portal/sandboxes/default', '/portal/sandboxes/default/delete');
    assert.equal(refused.status, 409);
    assert.equal(alertOf(refused.body), 'The default world is the store itself: it cannot be deleted.');
    assert.equal((await admin('GET', '/sandboxes/default')).status, 200);
  });

  it('every action needs the session\'s CSRF token (403, nothing done)', async () => {
    const { id, path } = await createSandbox();
    const before = (await admin('GET', '/sandboxes')).json.data.length;
    const forged = { csrf: 'z'.repeat(43) };
    const actions: [string, Record<string, string>][] = [
      ['/portal/sandboxes', { seed: 'demo' }], [`${path}/clock`, { advance: '1', unit: 'hours' }], [`${path}/faults`, { endpoint: 'like', action: 'drop' }],
      [`${path}/faults/remove-all`, {}], [`${path}/snapshots`, { name: 'forged' }], [`${path}/reset`, {}], [`${path}/delete`, {}],
    ];
    for (const [action, fields] of actions) {
      const res = await request(server, operator, 'POST', action, { ...forged, ...fields });
      assert.equal(res.status, 403, action);
      assert.match(res.body, /This form has expired/);
    }
    assert.equal((await admin('GET', '/sandboxes')).json.data.length, before);
    assert.equal(await clockOf(id), clock.now());
    assert.deepEqual(await faultsOf(id), []);
    assert.deepEqual((await admin('GET', `/sandboxes/${id}/snapshots`)).json.data, []);
  });

  it('an unknown sandbox is a 404 page; a form address opened again goes back to the page; a notice names only what an action wrote', async () => {
    for (const path of ['/portal/sandboxes/sb0000000000', '/portal/sandboxes/nothing', '/portal/sandboxes/sb0000000000/credentials.json']) {
      const res = await get(path);
      assert.equal(res.status, 404, path);
      assert.match(res.body, /<h1>No such sandbox<\/h1>/);
    }
    assert.equal((await post('/portal/sandboxes', '/portal/sandboxes/sb0000000000/clock', { advance: '1', unit: 'hours' })).status, 404);
    for (const action of ['clock', 'faults', 'faults/abcdefgh/remove', 'faults/remove-all', 'snapshots', 'snapshots/x/restore', 'reset']) {
      const res = await request(server, newBrowser(), 'GET', `/portal/sandboxes/default/${action}`);
      assert.equal(res.status, 303, action);
      assert.equal(res.location, '/portal/sandboxes/default', action);
    }
    const spoofed = await get('/portal/sandboxes/default?done=snapshot&name=%3Cb%3EPay%20now%3C%2Fb%3E');
    assert.equal(noticeOf(spoofed.body), 'Snapshot taken.');
    assert.ok(!spoofed.body.includes('Pay now'));
  });
});

describe('the sandbox pages on a store that cannot copy worlds', () => {
  const token = 'operator-token-0123456789abcdef';
  let server: TestServer;
  before(async () => {
    server = await startTestServer({ demo: false, store: await memoryStore(), env: { LIKES_API_DEMO: '0', LIKES_API_ADMIN_TOKEN: token, LIKES_API_SECRET_KEY: 'ab'.repeat(32) } });
  });
  after(() => server?.close());

  it('says sandboxes need SQLite or PostgreSQL (501), never a 500; the default world is still shown', async () => {
    const browser = newBrowser();
    assert.equal((await operatorSignIn(server, browser, token)).status, 303);
    const list = await request(server, browser, 'GET', '/portal/sandboxes');
    assert.equal(list.status, 200);
    const made = await request(server, browser, 'POST', '/portal/sandboxes', { csrf: csrfOf(list.body), seed: 'demo' });
    assert.equal(made.status, 501);
    assert.match(alertOf(made.body), /^Sandboxes need the SQLite or PostgreSQL store/);
    const world = await request(server, browser, 'GET', '/portal/sandboxes/default');
    assert.equal(world.status, 200);
    assert.match(world.body, /has no credentials document/);
    const snapshot = await request(server, browser, 'POST', '/portal/sandboxes/default/snapshots', { csrf: csrfOf(world.body), name: 'one' });
    assert.equal(snapshot.status, 501);
    assert.match(alertOf(snapshot.body), /^Sandboxes need the SQLite or PostgreSQL store/);
  });
});
