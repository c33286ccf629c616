// An App's user authentication settings and the developer's own Access Token and Secret in the portal, over HTTP
// (a real server on the demo world): the token works with twitter-api-v2 and is shown once; regenerating it revokes
// the previous one; a permission change reaches new tokens only (X: "users must re-authorize the App in order for
// the token to inherit the updated permissions"); a Type of App change makes or retires the client secret; the
// website and the Project's use case are kept and shown; bad forms get 400 with field errors; another developer gets
// 404; every POST needs the session's CSRF token.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { ApiResponseError, TwitterApi } from 'twitter-api-v2';
import { createDeveloper, linkDeveloperUser } from '../../src/auth/developers.ts';
import { sdkSettings } from '../support/clients.ts';
import { csrfOf, portalRequest, signedIn as portalSignedIn, type PortalBrowser } from '../support/portalClient.ts';
import { serverForSuite } from '../support/harness.ts';

type Browser = PortalBrowser;

describe('portal: App settings and the developer\'s own Access Token', () => {
  const server = serverForSuite();
  let other: { username: string; password: string };
  let unlinked: { id: string; username: string; password: string };

  before(async () => {
    const created = await createDeveloper(server.services, 'settings_other', 'other-password-1');
    other = { username: created.developer.username, password: created.password };
    const lonely = await createDeveloper(server.services, 'settings_unlinked', 'unlinked-password-1');
    unlinked = { id: lonely.developer.id, username: lonely.developer.username, password: lonely.password };
  });

  const request = (browser: Browser, method: 'GET' | 'POST', path: string, form?: Record<string, string>) => portalRequest(server.baseUrl, browser, method, path, form);
  const signedIn = (username: string, password: string): Promise<Browser> => portalSignedIn(server.baseUrl, username, password);
  const demoDeveloper = () => signedIn(server.creds.developer!.username, server.creds.developer!.password);

  const keysOf = (body: string): Map<string, string> => {
    const found = new Map<string, string>();
    for (const m of body.matchAll(/<dt>([^<]+)<\/dt><dd><code>([^<]+)<\/code><\/dd>/g)) found.set(m[1], m[2]);
    return found;
  };

  /** A new Project and App of the signed-in developer; its keys, as the keys page showed them. */
  async function createApp(browser: Browser, type = 'web', permission = 'read-write') {
    const dash = await request(browser, 'GET', '/portal');
    const made = await request(browser, 'POST', '/portal/projects', { csrf: csrfOf(dash.body), name: 'Settings Project', tier: 'pro', useCase: 'Making a bot' });
    assert.equal(made.status, 303);
    const projectId = /^\/portal#project-(\d+)$/.exec(made.headers.get('location')!)![1];
    const created = await request(browser, 'POST', `/portal/projects/${projectId}/apps`, {
      csrf: csrfOf(dash.body), name: 'Settings App', type, permission, callbacks: 'http://127.0.0.1:9100/cb',
    });
    assert.equal(created.status, 303);
    const appId = /^\/portal\/apps\/(\d+)\/keys$/.exec(created.headers.get('location')!)![1];
    const keys = keysOf((await request(browser, 'GET', created.headers.get('location')!)).body);
    return { projectId, appId, keys };
  }

  /** Posts a form of the App page (with the page's CSRF token) and follows a redirect to the keys page. */
  async function post(browser: Browser, appId: string, action: 'regenerate' | 'settings', form: Record<string, string>) {
    const appPage = await request(browser, 'GET', `/portal/apps/${appId}`);
    const res = await request(browser, 'POST', `/portal/apps/${appId}/${action}`, { csrf: csrfOf(appPage.body), ...form });
    const location = res.headers.get('location');
    const keysPage = location?.endsWith('/keys') ? await request(browser, 'GET', location) : null;
    return { res, location, keysPage, keys: keysPage ? keysOf(keysPage.body) : new Map<string, string>() };
  }

  const settingsOf = (over: Record<string, string> = {}) => ({
    permission: 'read-write', type: 'web', callbacks: 'http://127.0.0.1:9100/cb', website: 'https://example.com/app', ...over,
  });

  /** An OAuth 1.0a client of twitter-api-v2, signing the URLs it actually calls on this server. */
  const oauth1 = (keys: Map<string, string>, token: { accessToken: string; accessTokenSecret: string }) => new TwitterApi({
    appKey: keys.get('API Key (consumer key)')!, appSecret: keys.get('API Key Secret (consumer secret)')!,
    accessToken: token.accessToken, accessSecret: token.accessTokenSecret,
  }, sdkSettings(server.baseUrl));

  /** GET /2/users/:id/liked_tweets: the status, and the access level the token carries (x-access-level). */
  async function likedTweets(client: TwitterApi): Promise<{ status: number; accessLevel: string | null }> {
    try {
      const res = await client.v2.get(`users/${server.creds.users[0].id}/liked_tweets`, { max_results: 5 }, { fullResponse: true });
      return { status: 200, accessLevel: String(res.headers['x-access-level']) };
    } catch (e) {
      if (e instanceof ApiResponseError) return { status: e.code, accessLevel: null };
      throw e;
    }
  }

  const tokenOf = (keys: Map<string, string>) => ({ accessToken: keys.get('Access Token')!, accessTokenSecret: keys.get('Access Token Secret')! });

  it('the demo developer is linked to the main demo user, and the demo document says so', async () => {
    const main = server.creds.users[0];
    assert.equal(server.creds.developer!.userId, main.id);
    assert.equal((await server.services.store.developerByUsername('demo_dev'))!.userId, main.id);
  });

  it('generates the developer\'s Access Token and Secret, shown once, that works with twitter-api-v2; regenerating revokes it', async () => {
    const browser = await demoDeveloper();
    const { appId, keys } = await createApp(browser);
    const main = server.creds.users[0];
    const before = await request(browser, 'GET', `/portal/apps/${appId}`);
    assert.ok(before.body.includes(`Access Token and Secret (for @${main.username})</h3>`));
    assert.match(before.body, /None yet\./);
    assert.match(before.body, />Generate Access Token and Secret</);

    const first = await post(browser, appId, 'regenerate', { what: 'access-token' });
    assert.equal(first.res.status, 303);
    assert.match(first.keysPage!.body, new RegExp(`<h1>Access Token and Secret for @${main.username}</h1>`));
    assert.match(first.keysPage!.body, /will not be shown again/);
    assert.deepEqual([...first.keys.keys()], ['Access Token', 'Access Token Secret']);
    const token = tokenOf(first.keys);
    assert.ok(token.accessToken.startsWith(`${main.id}-`), 'an X-style access token: the user id, a dash, random');

    // Shown once: not on reload, not on the App page (which says what it was created with).
    assert.match((await request(browser, 'GET', first.location!)).body, /These keys were already shown/);
    const after = await request(browser, 'GET', `/portal/apps/${appId}`);
    assert.ok(!after.body.includes(token.accessTokenSecret));
    assert.ok(after.body.includes(`Created with Read and write permissions for @${main.username}.`));
    assert.match(after.body, />Regenerate Access Token and Secret</);

    // A real OAuth 1.0a client with the App's consumer key and secret and the shown token and secret.
    assert.deepEqual(await likedTweets(oauth1(keys, token)), { status: 200, accessLevel: 'read-write' });
    // A token of the three-legged flow for the same user and App is not the portal's: regenerating leaves it alone.
    const app = (await server.services.store.appById(appId))!;
    const threeLegged = await server.services.credentials.mintOAuth1AccessToken(app, main.id);

    const second = await post(browser, appId, 'regenerate', { what: 'access-token' });
    const renewed = tokenOf(second.keys);
    assert.notEqual(renewed.accessToken, token.accessToken);
    assert.equal((await likedTweets(oauth1(keys, token))).status, 401, 'the previous token is revoked');
    assert.equal((await likedTweets(oauth1(keys, renewed))).status, 200);
    assert.equal((await likedTweets(oauth1(keys, threeLegged))).status, 200);

    // Regenerated consumer keys revoke every OAuth 1.0a token of the App, this one included: the page says so.
    await post(browser, appId, 'regenerate', { what: 'consumer-keys' });
    assert.match((await request(browser, 'GET', `/portal/apps/${appId}`)).body, /None yet\./);
  });

  it('a new permission reaches new tokens only: the old token keeps its own until it is regenerated', async () => {
    const browser = await demoDeveloper();
    const { appId, keys } = await createApp(browser, 'web', 'read-write');
    const old = tokenOf((await post(browser, appId, 'regenerate', { what: 'access-token' })).keys);

    const saved = await post(browser, appId, 'settings', settingsOf({ permission: 'read' }));
    assert.equal(saved.res.status, 303);
    assert.equal(saved.location, `/portal/apps/${appId}?saved=settings`);
    assert.equal((await server.services.store.appById(appId))!.permission, 'read');
    const page = await request(browser, 'GET', saved.location!);
    assert.match(page.body, /role="status">User authentication settings saved\.</);
    assert.match(page.body, /<dt>App permissions<\/dt><dd>Read<\/dd>/);
    assert.match(page.body, /Created with Read and write permissions for @\w+\. The App&#39;s permissions changed since/);
    assert.deepEqual(await likedTweets(oauth1(keys, old)), { status: 200, accessLevel: 'read-write' }, 'an issued token keeps its permission, as on X');

    const fresh = tokenOf((await post(browser, appId, 'regenerate', { what: 'access-token' })).keys);
    assert.deepEqual(await likedTweets(oauth1(keys, fresh)), { status: 200, accessLevel: 'read' });
    const tweet = server.creds.tweets.find((t) => t.authorId !== server.creds.users[0].id)!;
    await assert.rejects(oauth1(keys, fresh).v2.like(server.creds.users[0].id, tweet.id), (e: unknown) => e instanceof ApiResponseError && e.code === 403);
    assert.equal((await likedTweets(oauth1(keys, old))).status, 401);
  });

  it('Type of App: public → confidential makes a client secret shown once; confidential → public retires it', async () => {
    const browser = await demoDeveloper();
    const { appId, keys } = await createApp(browser, 'native');
    const clientId = keys.get('OAuth 2.0 Client ID')!;
    assert.ok(!keys.has('OAuth 2.0 Client Secret'));
    const token = (authorization: string | null, body = 'grant_type=refresh_token&refresh_token=nope') => fetch(`${server.baseUrl}/2/oauth2/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...(authorization ? { authorization } : {}) },
      body,
    });
    const basic = (secret: string) => `Basic ${Buffer.from(`${clientId}:${secret}`).toString('base64')}`;

    const confidential = await post(browser, appId, 'settings', settingsOf({ type: 'web' }));
    assert.equal(confidential.location, `/portal/apps/${appId}/keys`);
    assert.match(confidential.keysPage!.body, /will not be shown again/);
    const secret = confidential.keys.get('OAuth 2.0 Client Secret')!;
    assert.match(secret, /^[A-Za-z0-9]{50}$/);
    assert.equal((await server.services.store.appById(appId))!.appType, 'web');
    assert.notEqual((await token(basic(secret))).status, 401, 'the new secret authenticates the client');
    assert.equal((await token(basic('wrong'))).status, 401);
    assert.equal((await token(null, `grant_type=refresh_token&refresh_token=nope&client_id=${clientId}`)).status, 401, 'a confidential client must authenticate');
    const page = await request(browser, 'GET', `/portal/apps/${appId}`);
    assert.ok(!page.body.includes(secret));
    assert.match(page.body, />Regenerate OAuth 2.0 Client Secret</);

    const toPublic = await post(browser, appId, 'settings', settingsOf({ type: 'spa' }));
    assert.equal(toPublic.location, `/portal/apps/${appId}?saved=settings`, 'nothing to show: no secret');
    assert.equal((await token(basic(secret))).status, 401, 'the old secret stops working');
    assert.notEqual((await token(null, `grant_type=refresh_token&refresh_token=nope&client_id=${clientId}`)).status, 401, 'client_id alone names a public client');
    assert.ok(!(await request(browser, 'GET', `/portal/apps/${appId}`)).body.includes('Regenerate OAuth 2.0 Client Secret'));

    const back = await post(browser, appId, 'settings', settingsOf({ type: 'bot' }));
    const another = back.keys.get('OAuth 2.0 Client Secret')!;
    assert.ok(another && another !== secret);
    assert.equal((await token(basic(secret))).status, 401, 'switching back does not revive the retired secret');
    assert.notEqual((await token(basic(another))).status, 401);
  });

  it('keeps the website and the Project\'s use case, and shows them', async () => {
    const browser = await demoDeveloper();
    const { projectId, appId } = await createApp(browser);
    assert.equal(await server.services.store.projectUseCase(projectId), 'Making a bot');
    const dash = await request(browser, 'GET', '/portal');
    assert.match(dash.body, new RegExp(`<h2 id="project-${projectId}">Settings Project</h2>\\s*<p class="muted">[^<]*</p>\\s*<p class="use-case">Use case: Making a bot</p>`));

    const before = await request(browser, 'GET', `/portal/apps/${appId}`);
    assert.match(before.body, /<dt>Website URL<\/dt><dd>None yet/);
    await post(browser, appId, 'settings', settingsOf({ website: '  https://example.com/home?from=x&amp=1  ', callbacks: 'https://example.com/cb\nhttp://127.0.0.1:9100/cb' }));
    assert.equal(await server.services.store.websiteUrl(appId), 'https://example.com/home?from=x&amp=1');
    assert.deepEqual(await server.services.store.callbackUrls(appId), ['https://example.com/cb', 'http://127.0.0.1:9100/cb']);
    const after = await request(browser, 'GET', `/portal/apps/${appId}`);
    assert.ok(after.body.includes('<dt>Website URL</dt><dd><code>https://example.com/home?from=x&amp;amp=1</code></dd>'));
    assert.ok(after.body.includes('id="app-website" name="website" required maxlength="2000" spellcheck="false" autocapitalize="none" value="https://example.com/home?from=x&amp;amp=1"'));

    // A Project without a use case (it is optional here) shows none.
    const plain = await request(browser, 'POST', '/portal/projects', { csrf: csrfOf(dash.body), name: 'Plain Project', tier: 'free' });
    const plainId = /project-(\d+)$/.exec(plain.headers.get('location')!)![1];
    assert.equal(await server.services.store.projectUseCase(plainId), null);
    assert.doesNotMatch((await request(browser, 'GET', '/portal')).body, new RegExp(`id="project-${plainId}">Plain Project</h2>\\s*<p class="muted">[^<]*</p>\\s*<p class="use-case">`));
  });

  it('refuses bad settings and a bad use case with 400 and an error tied to each field; nothing changes', async () => {
    const browser = await demoDeveloper();
    const { appId } = await createApp(browser);
    const bad = await post(browser, appId, 'settings', { permission: 'all', type: 'robot', callbacks: 'not-a-url', website: '' });
    assert.equal(bad.res.status, 400);
    for (const [id, message] of [
      ['app-permission', 'Choose the App permissions.'], ['app-type', 'Choose a type of App.'],
      ['app-callbacks', 'A callback URL must be an absolute URL'], ['app-website', 'X&#39;s user authentication settings require one'],
    ]) {
      assert.match(bad.res.body, new RegExp(`id="${id}"[^>]*aria-invalid="true" aria-describedby="([a-z-]+ )?${id}-error"`), id);
      assert.match(bad.res.body, new RegExp(`<p class="error" id="${id}-error">[^<]*${message.replace(/[.()]/g, '\\$&')}`), id);
    }
    assert.ok(bad.res.body.includes('>not-a-url</textarea>'), 'the form keeps what was typed');
    for (const website of ['javascript:alert(1)', 'ftp://example.com/', 'https://user:pw@example.com/', 'example.com', 'https://exa mple.com/']) {
      const refused = await post(browser, appId, 'settings', settingsOf({ permission: 'read', website }));
      assert.equal(refused.res.status, 400, website);
      assert.match(refused.res.body, /<p class="error" id="app-website-error">/, website);
    }
    const app = (await server.services.store.appById(appId))!;
    assert.equal(app.permission, 'read-write');
    assert.equal(await server.services.store.websiteUrl(appId), null);
    assert.deepEqual(await server.services.store.callbackUrls(appId), ['http://127.0.0.1:9100/cb']);

    const dash = await request(browser, 'GET', '/portal');
    const project = await request(browser, 'POST', '/portal/projects', { csrf: csrfOf(dash.body), name: 'Use case', tier: 'pro', useCase: 'Conquering the world' });
    assert.equal(project.status, 400);
    assert.match(project.body, /id="project-use-case"[^>]*aria-invalid="true" aria-describedby="project-use-case-help project-use-case-error"/);
    assert.match(project.body, /<p class="error" id="project-use-case-error">Choose one of the use cases\.<\/p>/);
  });

  it('a developer without a linked X account is shown how to link one; generating is refused until then', async () => {
    const browser = await signedIn(unlinked.username, unlinked.password);
    const { appId } = await createApp(browser);
    const page = await request(browser, 'GET', `/portal/apps/${appId}`);
    assert.ok(page.body.includes(`<code>likes-api developer set ${unlinked.username} --user @USERNAME</code>`));
    assert.ok(!page.body.includes('Generate Access Token and Secret'));
    const refused = await post(browser, appId, 'regenerate', { what: 'access-token' });
    assert.equal(refused.res.status, 400);
    assert.match(refused.res.body, /role="alert">Your developer account has no X account linked\./);
    assert.equal(await server.services.store.ownerAccessToken(appId), null);

    const user = server.creds.users[1];
    await linkDeveloperUser(server.services.store, (await server.services.store.developerById(unlinked.id))!, user.id);
    const linked = await request(browser, 'GET', `/portal/apps/${appId}`);
    assert.ok(linked.body.includes(`Access Token and Secret (for @${user.username})</h3>`));
    const made = await post(browser, appId, 'regenerate', { what: 'access-token' });
    assert.ok(tokenOf(made.keys).accessToken.startsWith(`${user.id}-`));
  });

  it('another developer\'s App is not found (404) and unchanged; every POST needs the session\'s CSRF token (403)', async () => {
    const owner = await demoDeveloper();
    const { appId } = await createApp(owner);
    const stranger = await signedIn(other.username, other.password);
    const theirs = await request(stranger, 'GET', '/portal');
    assert.equal((await request(stranger, 'GET', `/portal/apps/${appId}`)).status, 404);
    for (const [action, form] of [['settings', settingsOf({ permission: 'read' })], ['regenerate', { what: 'access-token' }]] as const) {
      const res = await request(stranger, 'POST', `/portal/apps/${appId}/${action}`, { csrf: csrfOf(theirs.body), ...form });
      assert.equal(res.status, 404, action);
    }
    assert.equal((await server.services.store.appById(appId))!.permission, 'read-write');
    assert.equal(await server.services.store.ownerAccessToken(appId), null);

    for (const [action, form] of [['settings', settingsOf({ permission: 'read' })], ['regenerate', { what: 'access-token' }]] as const) {
      assert.equal((await request(owner, 'POST', `/portal/apps/${appId}/${action}`, form)).status, 403, `${action} without a token`);
      assert.equal((await request(owner, 'POST', `/portal/apps/${appId}/${action}`, { csrf: csrfOf(theirs.body), ...form })).status, 403, `${action} with another session's token`);
    }
    assert.equal((await server.services.store.appById(appId))!.permission, 'read-write');
    assert.equal(await server.services.store.ownerAccessToken(appId), null);
    const again = await request(owner, 'GET', `/portal/apps/${appId}/settings`);
    assert.equal(again.status, 303);
    assert.equal(again.headers.get('location'), `/portal/apps/${appId}`);
  });
});
