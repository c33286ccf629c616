// The developer portal's whole journey in Chromium, as a person new to the service takes it, at 1280 px:
// a developer signs in, creates a Project and a confidential App (a Web App), copies its keys from the page that
// shows them once, sets a loopback callback URL, and runs twitter-api-v2's own OAuth 2.0 PKCE flow with them (the
// authorize page in the browser, the code exchanged by the package); likes a Tweet with the token it got; sees that
// request in the App's inspector and the App's usage move. The App registers a webhook (its CRC result shown),
// subscribes a user's likes, and the delivery shows in the portal's log. Then the operator creates a sandbox, adds
// a fault, and a client using the sandbox's credentials (copied from its page) gets that fault.
// Every page: no console errors, no failed requests, no unexpected error answers, axe finds nothing serious.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { ApiResponseError, TwitterApi } from 'twitter-api-v2';
import { assertAccessible, assertClean, DESKTOP, launchChromium, watchedPage, withContext, type Watched } from '../support/browser.ts';
import { sdkSettings } from '../support/clients.ts';
import { serverForSuite } from '../support/harness.ts';
import { WebhookReceiver } from '../support/webhookReceiver.ts';

/** The App's loopback callback: records the codes the browser brings back. */
async function callbackServer(): Promise<{ server: Server; url: string; hits: URL[] }> {
  const hits: URL[] = [];
  const server = createServer((req, res) => {
    hits.push(new URL(req.url ?? '/', 'http://127.0.0.1'));
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end('<!doctype html><title>Callback</title><link rel="icon" href="data:,"><p>Back at the App.</p>');
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  return { server, url: `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/callback`, hits };
}

/** The value shown beside a label on a page of keys (dl.keys: dt label, dd value). */
async function shownValue(page: Page, label: string): Promise<string> {
  const value = await page.locator('dl.keys dt', { hasText: label }).locator('xpath=following-sibling::dd[1]').textContent();
  assert.ok(value && value.trim(), `the page shows ${label}`);
  return value.trim();
}

/** Clicks the link or button named `name` and waits for the page it leads to. */
async function follow(page: Page, role: 'link' | 'button', name: string | RegExp): Promise<void> {
  await Promise.all([page.waitForNavigation(), page.getByRole(role, { name, exact: typeof name === 'string' }).click()]);
}

describe('the developer portal journey in Chromium', () => {
  const server = serverForSuite();
  let browser: Browser;
  let callback: Awaited<ReturnType<typeof callbackServer>>;
  let receiver: WebhookReceiver | undefined;

  before(async () => {
    browser = await launchChromium();
    callback = await callbackServer();
  });
  after(async () => {
    await browser?.close();
    callback?.server.close();
    await receiver?.close();
  });

  /** Every page of the journey ends clean and accessible. */
  async function checkPage(watched: Watched, what: string): Promise<void> {
    await assertAccessible(watched.page, what);
    await assertClean(watched);
  }

  it('sign in, create a Project and a confidential App, PKCE with twitter-api-v2, like, inspector, usage, webhook delivery, sandbox fault', async () => {
    const developer = server.creds.developer!;
    const user = server.creds.users[0];
    const tweet = server.creds.tweets.find((t) => t.authorId !== user.id)!;

    await withContext(browser, { viewport: DESKTOP }, async (context) => {
      const watched = await watchedPage(context);
      const { page } = watched;

      // Sign in and create a Project and a Web App (confidential) with the loopback callback.
      await page.goto(`${server.baseUrl}/portal`);
      await page.getByLabel('Username').fill(developer.username);
      await page.getByLabel('Password').fill(developer.password);
      await follow(page, 'button', 'Sign in');
      await page.getByLabel('Project name').fill('Journey Project');
      await follow(page, 'button', 'Create Project');
      await page.getByRole('heading', { level: 2, name: 'Journey Project' }).waitFor();
      await checkPage(watched, 'the dashboard');
      await follow(page, 'link', 'Create an App in Journey Project');
      await page.getByLabel('App name').fill('Journey App');
      await page.getByLabel('Type of App').selectOption('web');
      await page.getByLabel('App permissions').selectOption('read-write');
      await page.getByLabel('Callback URI / Redirect URL (one per line)').fill(callback.url);
      await follow(page, 'button', 'Create App');

      // The keys, once: the client id and secret are what the PKCE flow needs.
      await page.getByRole('heading', { level: 1, name: 'Keys and tokens of Journey App' }).waitFor();
      const clientId = await shownValue(page, 'OAuth 2.0 Client ID');
      const clientSecret = await shownValue(page, 'OAuth 2.0 Client Secret');
      const bearerToken = await shownValue(page, 'Bearer Token');
      const consumerSecret = await shownValue(page, 'API Key Secret (consumer secret)');
      await checkPage(watched, 'the keys page');
      await follow(page, 'link', 'Go to the settings of Journey App');
      const appId = new URL(page.url()).pathname.split('/')[3];
      assert.match(appId, /^\d+$/);

      // twitter-api-v2's PKCE flow: its authorize link (host rewritten to this server) opened in the browser.
      const appClient = new TwitterApi({ clientId, clientSecret }, sdkSettings(server.baseUrl));
      const link = appClient.generateOAuth2AuthLink(callback.url, { scope: ['tweet.read', 'users.read', 'like.read', 'like.write', 'offline.access'] });
      const published = new URL(link.url);
      const consent = await context.newPage();
      await consent.goto(new URL(`${published.pathname}${published.search}`, server.baseUrl).toString());
      assert.match(await consent.title(), /Journey App/);
      await consent.fill('#username', user.username);
      await consent.fill('#password', user.password!);
      await Promise.all([consent.waitForLoadState('load'), consent.click('button[value="signin"]')]);
      await Promise.all([consent.waitForURL((u) => u.toString().startsWith(callback.url)), consent.click('button[value="authorize"]')]);
      const landed = new URL(consent.url());
      assert.equal(landed.searchParams.get('state'), link.state);
      await consent.close();
      const login = await appClient.loginWithOAuth2({ code: landed.searchParams.get('code')!, codeVerifier: link.codeVerifier, redirectUri: callback.url });
      assert.deepEqual(login.scope, ['tweet.read', 'users.read', 'like.read', 'like.write', 'offline.access']);

      // A like with the user's token.
      const userClient = new TwitterApi(login.accessToken, sdkSettings(server.baseUrl));
      const liked = await userClient.v2.like(user.id, tweet.id);
      assert.equal(liked.data.liked, true);

      // The inspector shows that request, accepted, for this App.
      await page.goto(`${server.baseUrl}/portal/apps/${appId}`);
      await follow(page, 'link', 'Request inspector of Journey App');
      const likeRow = page.getByRole('row').filter({ hasText: `/2/users/${user.id}/likes` });
      await likeRow.first().waitFor();
      assert.match((await likeRow.first().textContent()) ?? '', /POST[\s\S]*200[\s\S]*accepted/i);
      await checkPage(watched, 'the inspector');

      // The usage page counts today's requests of the App.
      await page.goto(`${server.baseUrl}/portal/apps/${appId}`);
      await follow(page, 'link', 'Usage and rate limits of Journey App');
      const before = Number((await page.locator('#requests-today').textContent())!.replace(/,/g, ''));
      assert.ok(before >= 1, `the like counts in today's requests (${before})`);
      await new TwitterApi(bearerToken, sdkSettings(server.baseUrl)).v2.userLikedTweets(user.id, { max_results: 5 });
      await page.reload();
      const after = Number((await page.locator('#requests-today').textContent())!.replace(/,/g, ''));
      assert.equal(after, before + 1, 'one more request of the App shows on the usage page');
      await checkPage(watched, 'the usage page');

      // Webhooks: the App registers one (answering the CRC with its consumer secret, copied from the keys page),
      // the user's likes are subscribed through the X Activity API, and a like's delivery shows in the portal's log.
      const hook = await new WebhookReceiver(consumerSecret).start();
      receiver = hook;
      await page.goto(`${server.baseUrl}/portal/apps/${appId}`);
      await follow(page, 'link', 'Webhooks and events of Journey App');
      await page.getByLabel('Webhook URL').fill(hook.url);
      await follow(page, 'button', 'Register webhook');
      const webhookId = new URL(page.url()).searchParams.get('registered');
      assert.ok(webhookId, page.url());
      assert.match((await page.getByRole('status').textContent()) ?? '', new RegExp(`^Webhook ${webhookId} registered\\. CRC passed`));
      assert.equal(hook.crcs.length, 1);
      await checkPage(watched, 'the webhooks page');
      const subscribed = await fetch(`${server.baseUrl}/2/activity/subscriptions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${login.accessToken}`, 'content-type': 'application/json' },
        body: JSON.stringify({ event_type: 'like.create', filter: { user_id: user.id, direction: 'outbound' }, webhook_id: webhookId }),
      });
      assert.equal(subscribed.status, 200, await subscribed.text());
      const another = server.creds.tweets.find((t) => t.authorId !== user.id && t.id !== tweet.id)!;
      await userClient.v2.unlike(user.id, another.id);
      await userClient.v2.like(user.id, another.id);
      const isIt = (d: { body: any }) => d.body?.data?.payload?.liked_tweet_id === another.id;
      await hook.until(() => hook.received.some(isIt));
      await follow(page, 'link', `Delivery log and replay of webhook ${webhookId}`);
      for (let i = 0; (await page.locator('ol.log > li').count()) === 0; i++) {
        assert.ok(i < 100, 'the delivery reaches the log');
        await new Promise((r) => setTimeout(r, 50));
        await page.reload();
      }
      const entry = page.locator('ol.log > li details').first();
      assert.match((await entry.locator('summary').textContent()) ?? '', new RegExp(`^HTTP 200 · like\\.create for @${user.username} · attempt 1 `));
      await entry.locator('summary').click();
      assert.deepEqual(JSON.parse((await entry.locator('pre').textContent()) ?? ''), hook.received.find(isIt)!.body, 'the payload shown is the one delivered');
      await checkPage(watched, 'the delivery log');

      // The developer gains the operator's rights with the admin token, creates a sandbox, copies its credentials
      // and adds a fault: a client using those credentials gets it.
      await page.goto(`${server.baseUrl}/portal/operator`);
      await page.getByLabel('Admin token').fill(server.creds.adminToken!);
      await follow(page, 'button', 'Continue as the operator');
      await page.getByRole('heading', { level: 1, name: 'Sandboxes' }).waitFor();
      await page.getByLabel('Start from').selectOption('demo');
      await follow(page, 'button', 'Create a sandbox');
      const sandboxId = /^Sandbox (\S+)$/.exec((await page.getByRole('heading', { level: 1 }).textContent()) ?? '')?.[1];
      assert.ok(sandboxId);
      const copied = JSON.parse(await page.getByLabel('Credentials document (JSON)').inputValue()) as typeof server.creds;
      await page.getByLabel('Endpoint').selectOption('liked_tweets');
      await page.getByLabel('Answer', { exact: true }).selectOption('unavailable');
      await follow(page, 'button', 'Add the fault');
      assert.match((await page.getByRole('status').textContent()) ?? '', /^Fault \S+ added\.$/);
      await checkPage(watched, 'the sandbox page');
      const sandboxClient = new TwitterApi(copied.app.bearerToken, sdkSettings(copied.baseUrl));
      const refused = await sandboxClient.v2.userLikedTweets(copied.users[0].id, { max_results: 5 }).then(() => null, (e: unknown) => e);
      assert.ok(refused instanceof ApiResponseError, `the sandbox's client gets the fault (${String(refused)})`);
      assert.equal(refused.code, 503);
      // The default world is untouched by the sandbox's fault.
      assert.equal((await new TwitterApi(bearerToken, sdkSettings(server.baseUrl)).v2.userLikedTweets(user.id, { max_results: 5 })).tweets.length > 0, true);
    });
  });
});
