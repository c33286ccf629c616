// The developer portal (/portal) in a real browser: Debian's Chromium (/usr/bin/chromium, installed by
// scripts/ensure-chromium.sh) driven by playwright-core, headless, launched as test/browser/consent.test.ts does.
// At a desktop and a phone viewport the demo developer signs in through the form by typing and clicking (found by
// their labels and roles), sees the demo Project and App on the dashboard and signs out again; the form works with
// the keyboard alone; a wrong password shows the error (role alert) and stays on the sign-in page. axe-core checks
// the sign-in page, its error state and the dashboard for serious or critical violations. On every page: no console
// errors, no failed requests, no response >= 400 (but the deliberate wrong-password 401), and an icon that loads.
// With LIKES_API_SCREENSHOTS=1 the sign-in page and the dashboard (1280 wide) are written to docs/screenshots/;
// a normal run never writes them.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import {
  assertAccessible, assertClean, assertNoHorizontalScroll, DESKTOP, launchChromium, PHONE, screenshot, signInWithForm, watchedPage,
  withContext as withBrowserContext,
} from '../support/browser.ts';
import { serverForSuite } from '../support/harness.ts';

const SIGN_IN_HEADING = 'Sign in to the developer portal';
const DASHBOARD_HEADING = 'Your Projects';

async function expectSignInPage(page: Page): Promise<void> {
  await page.getByRole('heading', { level: 1, name: SIGN_IN_HEADING }).waitFor();
  assert.ok(await page.getByLabel('Username').isVisible());
  assert.ok(await page.getByLabel('Password').isVisible());
  assert.ok(await page.getByRole('button', { name: 'Sign in' }).isVisible());
  assert.match(await page.title(), /^Sign in to the developer portal \/ Likes API$/);
}

describe('developer portal in Chromium', () => {
  const server = serverForSuite();
  let browser: Browser;
  let developer: { username: string; password: string };
  let projectName: string;

  before(async () => {
    assert.ok(server.creds.developer, 'the demo credentials name a developer');
    developer = server.creds.developer;
    const record = await server.services.store.developerByUsername(developer.username);
    assert.ok(record);
    const project = (await server.services.store.projectsOfDeveloper(record.id)).find((p) => p.id === server.creds.project.id);
    assert.ok(project, 'the demo developer owns the demo Project');
    projectName = project.name;
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
  });

  const withContext = (options: Parameters<Browser['newContext']>[0], fn: (context: BrowserContext) => Promise<void>) => withBrowserContext(browser, options, fn);

  async function expectDashboard(page: Page): Promise<void> {
    await page.getByRole('heading', { level: 1, name: DASHBOARD_HEADING }).waitFor();
    assert.equal(new URL(page.url()).pathname, '/portal');
    assert.match(await page.title(), /^Dashboard \/ Likes API$/);
    assert.match((await page.locator('.who').textContent()) ?? '', new RegExp(`Signed in as ${developer.username}`));
    assert.ok(await page.getByRole('heading', { level: 2, name: projectName }).isVisible(), `the Project ${projectName} is shown`);
    const appRow = page.getByRole('row').filter({ has: page.getByRole('cell', { name: server.creds.app.id, exact: true }) });
    assert.equal(await appRow.count(), 1, `the demo App ${server.creds.app.id} is listed once`);
    assert.ok(await appRow.isVisible());
    assert.match((await appRow.textContent()) ?? '', /Demo App/);
    assert.ok(await page.getByRole('button', { name: 'Sign out' }).isVisible());
  }

  for (const [name, viewport] of [['1280×800', DESKTOP], ['375×812', PHONE]] as const) {
    it(`at ${name}: signs in through the form, shows the demo Project and App, signs out`, async () => {
      await withContext({ viewport }, async (context) => {
        const watched = await watchedPage(context);
        const { page } = watched;
        await page.goto(`${server.baseUrl}/portal`);
        await expectSignInPage(page);
        await assertNoHorizontalScroll(page);
        if (viewport === DESKTOP) await screenshot(page, 'portal-signin');
        await assertClean(watched);

        await signInWithForm(page, developer.username, developer.password);
        await expectDashboard(page);
        await assertNoHorizontalScroll(page);
        if (viewport === DESKTOP) await screenshot(page, 'portal-dashboard');
        await assertClean(watched);

        await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Sign out' }).click()]);
        await expectSignInPage(page);
        assert.equal(new URL(page.url()).pathname, '/portal');
        assert.equal(await page.getByLabel('Username').inputValue(), '');
        assert.deepEqual((await context.cookies()).filter((c) => c.name === 'likes_portal'), [], 'the session cookie is gone');
        await page.reload();
        await expectSignInPage(page);
        await assertClean(watched);
      });
    });
  }

  it('works with the keyboard alone: Tab to the fields, type, Enter submits', async () => {
    await withContext({ viewport: DESKTOP }, async (context) => {
      const watched = await watchedPage(context);
      const { page } = watched;
      await page.goto(`${server.baseUrl}/portal`);
      await expectSignInPage(page);
      const focused = () => page.evaluate(() => document.activeElement?.id ?? document.activeElement?.tagName ?? null);

      await page.keyboard.press('Tab');
      assert.equal(await focused(), 'username', 'the first Tab reaches the username field');
      await page.keyboard.type(developer.username);
      await page.keyboard.press('Tab');
      assert.equal(await focused(), 'password', 'the next Tab reaches the password field');
      await page.keyboard.type(developer.password);
      await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
      await expectDashboard(page);

      // The Sign out button is reachable by keyboard too.
      await page.locator('body').focus();
      let reached = false;
      for (let i = 0; i < 5 && !reached; i++) {
        await page.keyboard.press('Tab');
        reached = await page.evaluate(() => document.activeElement?.textContent?.trim() === 'Sign out');
      }
      assert.ok(reached, 'Tab reaches the Sign out button');
      await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
      await expectSignInPage(page);
      await assertClean(watched);
    });
  });

  it('a wrong password shows the error as an alert and stays on the sign-in page; the right one then works', async () => {
    await withContext({ viewport: PHONE }, async (context) => {
      const watched = await watchedPage(context);
      const { page } = watched;
      await page.goto(`${server.baseUrl}/portal`);
      await signInWithForm(page, developer.username, 'not-the-password');

      await expectSignInPage(page);
      const alert = page.getByRole('alert');
      assert.equal(await alert.count(), 1);
      assert.ok(await alert.isVisible());
      assert.equal((await alert.textContent())?.trim(), 'Wrong username or password.');
      assert.equal(await page.getByLabel('Username').inputValue(), developer.username, 'the username is kept');
      assert.equal(await page.getByLabel('Password').inputValue(), '', 'the password is not');
      assert.equal(await page.getByRole('heading', { name: DASHBOARD_HEADING }).count(), 0);
      assert.deepEqual((await context.cookies()).filter((c) => c.name === 'likes_portal'), [], 'no session');
      await assertNoHorizontalScroll(page);
      await assertClean(watched, 1);

      // From the error page, the right password signs in (the form's CSRF token still matches its cookie).
      await page.getByLabel('Password').pressSequentially(developer.password);
      await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Sign in' }).click()]);
      await expectDashboard(page);
      await assertClean(watched, 1);
    });
  });

  // axe's script is injected, which the pages' Content-Security-Policy (no scripts at all) rightly refuses: these
  // contexts bypass CSP. The contexts above keep it, so a page breaking its own policy shows there as a console error.
  for (const [name, viewport] of [['1280×800', DESKTOP], ['375×812', PHONE]] as const) {
    it(`at ${name}: axe finds no serious or critical violation on the sign-in page, its error state or the dashboard`, async () => {
      await withContext({ viewport }, async (context) => {
        const watched = await watchedPage(context);
        const { page } = watched;
        await page.goto(`${server.baseUrl}/portal`);
        await expectSignInPage(page);
        await assertAccessible(page, 'the sign-in page');

        await signInWithForm(page, developer.username, 'still-not-the-password');
        await page.getByRole('alert').waitFor();
        await assertAccessible(page, 'the sign-in page with its error');

        await page.getByLabel('Password').pressSequentially(developer.password);
        await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Sign in' }).click()]);
        await expectDashboard(page);
        await assertAccessible(page, 'the dashboard');
        await assertClean(watched, 1);
      });
    });
  }

  for (const [name, viewport] of [['375×812', PHONE], ['1280×800', DESKTOP]] as const) {
    it(`at ${name}: creates a Project and an App through the labelled forms (keyboard), sees its keys once; axe passes on the new pages`, async () => {
      await withContext({ viewport }, async (context) => {
        const watched = await watchedPage(context);
        const { page } = watched;
        await page.goto(`${server.baseUrl}/portal`);
        await signInWithForm(page, developer.username, developer.password);
        await expectDashboard(page);
        const projectName = `Browser Project ${name}`;

        await page.getByLabel('Tier').selectOption({ label: 'Basic' });
        await page.getByLabel('Project name').focus();
        await page.keyboard.type(projectName);
        await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
        await page.getByRole('heading', { level: 2, name: projectName }).waitFor();
        await assertNoHorizontalScroll(page);
        await assertAccessible(page, 'the dashboard with its Create a Project form');

        const createLink = page.getByRole('link', { name: `Create an App in ${projectName}` });
        await createLink.focus();
        await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
        await page.getByRole('heading', { level: 1, name: 'Create an App' }).waitFor();
        await assertNoHorizontalScroll(page);
        await assertAccessible(page, 'the Create an App page');
        await page.getByLabel('App name').pressSequentially('Browser App');
        await page.getByLabel('Type of App').selectOption({ label: 'Automated App or bot (confidential client)' });
        await page.getByLabel('App permissions').selectOption({ label: 'Read and write' });
        await page.getByLabel(/Callback URI/).fill('http://127.0.0.1:9200/callback');
        await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Create App' }).click()]);

        await page.getByRole('heading', { level: 1, name: 'Keys and tokens of Browser App' }).waitFor();
        assert.match((await page.getByRole('status').textContent()) ?? '', /will not be shown again/);
        const labels = await page.locator('dl.keys dt').allTextContents();
        assert.deepEqual(labels, ['API Key (consumer key)', 'API Key Secret (consumer secret)', 'Bearer Token', 'OAuth 2.0 Client ID', 'OAuth 2.0 Client Secret']);
        const values = await page.locator('dl.keys dd code').allTextContents();
        await assertNoHorizontalScroll(page);
        await assertAccessible(page, 'the keys page');

        await Promise.all([page.waitForNavigation(), page.getByRole('link', { name: 'Go to the settings of Browser App' }).click()]);
        await page.getByRole('heading', { level: 1, name: 'Browser App' }).waitFor();
        const content = await page.content();
        assert.ok(!content.includes(values[1]) && !content.includes(values[2]) && !content.includes(values[4]), 'no secret on the App page');
        assert.ok(content.includes(values[0]) && content.includes(values[3]));
        assert.equal(await page.getByLabel(/Callback URI/).inputValue(), 'http://127.0.0.1:9200/callback');
        assert.ok(await page.getByRole('button', { name: 'Regenerate Bearer Token' }).isVisible());
        await assertNoHorizontalScroll(page);
        await assertAccessible(page, 'the App page');

        await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Regenerate Bearer Token' }).click()]);
        await page.getByRole('heading', { level: 1, name: 'New keys and tokens' }).waitFor();
        const fresh = await page.locator('dl.keys dd code').allTextContents();
        assert.equal(fresh.length, 1);
        assert.notEqual(fresh[0], values[2]);
        await page.reload();
        await page.getByRole('heading', { level: 1, name: 'These keys were already shown' }).waitFor();
        await assertAccessible(page, 'the keys page after it was shown');
        await assertClean(watched);
      });
    });
  }
  for (const [name, viewport] of [['1280×800', DESKTOP], ['375×812', PHONE]] as const) {
    it(`at ${name}: the usage page of the demo App, reached from its App page, shows today's requests in a chart and a table; axe passes`, async () => {
      for (let i = 0; i < 2; i++) {
        const res = await fetch(`${server.baseUrl}/2/users/${server.creds.heavyLikerUserId}/liked_tweets`, { headers: { authorization: `Bearer ${server.creds.app.bearerToken}` } });
        assert.equal(res.status, 200);
        await res.arrayBuffer();
      }
      await server.services.shared.ledger.flush();
      const today = new Date(server.services.clock.now()).toISOString().slice(0, 10);
      const visit = async (page: Page) => {
        await page.goto(`${server.baseUrl}/portal`);
        await signInWithForm(page, developer.username, developer.password);
        await expectDashboard(page);
        await Promise.all([page.waitForNavigation(), page.getByRole('link', { name: 'Settings and keys of Demo App' }).click()]);
        await Promise.all([page.waitForNavigation(), page.getByRole('link', { name: 'Usage and rate limits of Demo App' }).click()]);
        await page.getByRole('heading', { level: 1, name: 'Usage of Demo App' }).waitFor();
        assert.equal(new URL(page.url()).pathname, `/portal/apps/${server.creds.app.id}/usage`);
        const chart = page.getByRole('img', { name: /^Requests per UTC day/ });
        assert.ok(await chart.isVisible(), 'the chart is shown, named');
        const requests = Number(((await page.locator(`tr[data-day="${today}"] td`).first().textContent()) ?? '').replace(/,/g, ''));
        assert.ok(requests >= 2, `today's requests in the table (${requests})`);
        assert.match((await chart.getAttribute('aria-label')) ?? '', new RegExp(`${today} ${requests.toLocaleString('en-US')}$`));
        assert.ok(await page.getByRole('heading', { level: 2, name: 'App-only rate limits' }).isVisible());
        const bucket = page.locator('tr[data-bucket="liked_tweets"]');
        const [, remaining, limit] = /(\d+) of (\d+)/.exec((await bucket.textContent()) ?? '') ?? [];
        assert.ok(Number(remaining) < Number(limit), `the liked_tweets window moved (${remaining} of ${limit})`);
        await assertNoHorizontalScroll(page);
      };
      // With the page's Content-Security-Policy in force: nothing it refuses, no console error.
      await withContext({ viewport }, async (context) => {
        const watched = await watchedPage(context);
        await visit(watched.page);
        await screenshot(watched.page, `portal-usage-${viewport.width}`);
        await assertClean(watched);
      });
      await withContext({ viewport }, async (context) => {
        const watched = await watchedPage(context);
        await visit(watched.page);
        await assertAccessible(watched.page, 'the usage page');
        await assertClean(watched);
      });
    });
  }

  for (const [name, viewport] of [['1280×800', DESKTOP], ['375×812', PHONE]] as const) {
    it(`at ${name}: the usage chart's labels render at 10 CSS px or more, and the Likes rate-limit windows come before the events ones`, async () => {
      await withContext({ viewport }, async (context) => {
        const watched = await watchedPage(context);
        const { page } = watched;
        await page.goto(`${server.baseUrl}/portal`);
        await signInWithForm(page, developer.username, developer.password);
        await page.goto(`${server.baseUrl}/portal/apps/${server.creds.app.id}/usage`);
        await page.getByRole('heading', { level: 1, name: 'Usage of Demo App' }).waitFor();

        // One chart is shown at each width; its text is drawn at its font size times the SVG's scale on screen.
        const charts = await page.locator('svg.chart').evaluateAll((svgs) => svgs
          .filter((svg) => svg.getBoundingClientRect().width > 0)
          .map((svg) => ({
            width: svg.getBoundingClientRect().width,
            fonts: [...svg.querySelectorAll('text')].map((t) => parseFloat(getComputedStyle(t).fontSize) * (t as SVGGraphicsElement).getScreenCTM()!.a),
          })));
        assert.equal(charts.length, 1, 'one chart shown');
        assert.equal(charts[0].fonts.length, 14, 'a count and a day under each of the 7 bars');
        const smallest = Math.min(...charts[0].fonts);
        assert.ok(smallest >= 10, `the smallest chart label renders at ${smallest.toFixed(1)}px in a ${charts[0].width.toFixed(0)}px wide chart`);
        assert.equal(await page.getByRole('img', { name: /^Requests per UTC day/ }).count(), 1, 'the hidden chart is out of the accessibility tree');

        // Likes first: their heading, then the events heading; the first window listed is liked_tweets'.
        const headings = await page.getByRole('heading', { level: 3 }).allTextContents();
        assert.deepEqual(headings, ['Likes and usage endpoints', 'Events endpoints']);
        const buckets = await page.locator('tr[data-bucket]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-bucket')));
        assert.deepEqual(buckets.slice(0, 3), ['liked_tweets', 'liking_users', 'usage_tweets']);
        assert.ok(buckets.length > 20, `every window is still listed (${buckets.length})`);
        const groups = await page.locator('th[scope="rowgroup"]').allTextContents();
        assert.deepEqual(groups, ['Webhooks', 'X Activity API', 'Account Activity API', 'Likes streams', 'Stream connections']);
        await assertNoHorizontalScroll(page);
        const card = await page.evaluate(() => document.querySelector('main')!.getBoundingClientRect().width);
        assert.ok(card <= viewport.width - 32, `the page's card keeps its margins (${card}px wide)`);
        await assertClean(watched);
      });
    });
  }
});
