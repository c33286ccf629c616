// The request inspector of the developer portal in Chromium (test/support/browser.ts), at 1280 and 375 px wide: the
// demo developer opens it from the demo App's page, finds an accepted Bearer call, an accepted OAuth 1.0a call and
// one twitter-api-v2 signed with a wrong secret, and expands the refused one (by click, and by keyboard on the phone)
// to read the base strings the server expected, wrapped inside the page. No horizontal scroll; axe passes with the
// disclosure open; with the page's Content-Security-Policy in force, no console error, no failed request.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { TwitterApi, type ITwitterApiClientPlugin } from 'twitter-api-v2';
import {
  assertAccessible, assertClean, assertNoHorizontalScroll, DESKTOP, launchChromium, PHONE, screenshot, signInWithForm, watchedPage, withContext,
} from '../support/browser.ts';
import { sdkSettings } from '../support/clients.ts';
import { serverForSuite } from '../support/harness.ts';

describe('portal request inspector in Chromium', () => {
  const server = serverForSuite();
  let browser: Browser;
  const transactions = { bearer: '', oauth1: '', refused: '' };

  /** Waits until the journal holds the request (it is written once the answer has gone out). */
  async function journaled(transactionId: string): Promise<void> {
    for (let i = 0; i < 200; i++) {
      if ((await server.services.shared.journal.latest(500)).some((e) => e.transaction_id === transactionId)) return;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    assert.fail(`request ${transactionId} never reached the journal`);
  }

  before(async () => {
    const { app, users: [user] } = server.creds;
    const bearer = await fetch(`${server.baseUrl}/2/users/${user.id}/liked_tweets`, { headers: { authorization: `Bearer ${app.bearerToken}` } });
    assert.equal(bearer.status, 200);
    await bearer.arrayBuffer();
    transactions.bearer = bearer.headers.get('x-transaction-id')!;

    let lastTransaction = '';
    const recorder: ITwitterApiClientPlugin = {
      onAfterRequest: ({ response }) => void (lastTransaction = String(response.headers['x-transaction-id'])),
      onResponseError: ({ error }) => void (lastTransaction = String(error.headers['x-transaction-id'])),
    };
    const client = (accessSecret: string) => new TwitterApi(
      { appKey: app.consumerKey, appSecret: app.consumerSecret, accessToken: user.accessToken, accessSecret },
      sdkSettings(server.baseUrl, recorder),
    );
    await client(user.accessTokenSecret).v2.get(`users/${user.id}/liked_tweets`, { max_results: 10 });
    transactions.oauth1 = lastTransaction;
    await assert.rejects(client('a-wrong-token-secret').v2.get(`users/${user.id}/liked_tweets`, { max_results: 10 }), (e: { code?: number }) => e.code === 401);
    transactions.refused = lastTransaction;
    for (const tx of Object.values(transactions)) await journaled(tx);
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
  });

  /** Signs in, goes from the dashboard to the App page and from there to its inspector. */
  async function openInspector(page: Page): Promise<void> {
    const { developer } = server.creds;
    await page.goto(`${server.baseUrl}/portal`);
    await signInWithForm(page, developer!.username, developer!.password);
    await Promise.all([page.waitForNavigation(), page.getByRole('link', { name: 'Settings and keys of Demo App' }).click()]);
    await Promise.all([page.waitForNavigation(), page.getByRole('link', { name: 'Request inspector of Demo App' }).click()]);
    await page.getByRole('heading', { level: 1, name: 'Requests of Demo App' }).waitFor();
    assert.equal(new URL(page.url()).pathname, `/portal/apps/${server.creds.app.id}/requests`);
  }

  /** No horizontal scroll, and the page's card keeps its side margins (content that cannot shrink would widen it). */
  async function assertFits(page: Page): Promise<void> {
    await assertNoHorizontalScroll(page);
    const { main, viewport } = await page.evaluate(() => ({ main: document.querySelector('main')!.getBoundingClientRect().width, viewport: window.innerWidth }));
    assert.ok(main <= viewport - 32, `the page's card is ${main}px wide in a ${viewport}px viewport`);
  }

  const rowOf = (page: Page, tx: string) => page.locator(`tr[data-transaction-id="${tx}"]`);

  /** Opens the refused request's disclosure (by keyboard or click); what it shows. */
  async function expandRefused(page: Page, how: 'click' | 'keyboard'): Promise<void> {
    const summary = page.getByText(`What the server expected (x-transaction-id ${transactions.refused})`);
    const details = page.locator('details').filter({ has: summary });
    assert.equal(await details.getAttribute('open'), null, 'closed at first');
    const baseString = details.locator('pre').first();
    assert.ok(!(await baseString.isVisible()), 'the base strings are hidden until asked for');
    if (how === 'click') await summary.click();
    else {
      await details.locator('summary').focus();
      await page.keyboard.press('Enter');
    }
    await baseString.waitFor({ state: 'visible' });
    assert.notEqual(await details.getAttribute('open'), null);
    const text = (await baseString.textContent()) ?? '';
    assert.match(text, new RegExp(`^GET&http%3A%2F%2F127\\.0\\.0\\.1%3A\\d+%2F2%2Fusers%2F${server.creds.users[0].id}%2Fliked_tweets&`));
    // A base string is one long word: it wraps inside the page rather than overflowing.
    const box = await baseString.evaluate((el) => ({ scroll: el.scrollWidth, client: el.clientWidth }));
    assert.ok(box.scroll <= box.client, `the base string wraps (${box.scroll} > ${box.client})`);
    assert.ok(await details.getByRole('table', { name: /Parameters the server collected/ }).isVisible());
  }

  for (const [name, viewport] of [['1280×800', DESKTOP], ['375×812', PHONE]] as const) {
    it(`at ${name}: lists the App's requests with their verdicts; a refused OAuth 1.0a request opens on the base strings the server expected`, async () => {
      await withContext(browser, { viewport }, async (context) => {
        const watched = await watchedPage(context);
        const { page } = watched;
        await openInspector(page);
        const table = page.getByRole('table', { name: /Latest requests of Demo App/ });
        assert.ok(await table.isVisible());
        assert.match((await rowOf(page, transactions.bearer).textContent()) ?? '', /Bearer Token \(app-only\)\s*Accepted/);
        assert.match((await rowOf(page, transactions.oauth1).textContent()) ?? '', /OAuth 1\.0a\s*Accepted/);
        assert.match((await rowOf(page, transactions.refused).textContent()) ?? '', /401[\s\S]*OAuth 1\.0a\s*Refused bad-signature/);
        await assertFits(page);
        await expandRefused(page, viewport === PHONE ? 'keyboard' : 'click');
        await assertFits(page);
        if (viewport === DESKTOP) await screenshot(page, 'portal-inspector');
        await assertClean(watched);
      });
    });

    it(`at ${name}: axe finds no serious or critical violation on the inspector, its disclosure open`, async () => {
      // axe's script is injected, which the page's Content-Security-Policy rightly refuses: this context bypasses it.
      await withContext(browser, { viewport, bypassCSP: true }, async (context) => {
        const watched = await watchedPage(context);
        await openInspector(watched.page);
        await expandRefused(watched.page, 'click');
        await assertAccessible(watched.page, 'the request inspector');
        await assertClean(watched);
      });
    });
  }
});
