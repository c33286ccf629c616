// An App's settings page in a real browser (Chromium driven by playwright-core, as portal.browser.test.ts does), at a
// desktop and a phone viewport: the demo developer generates their own Access Token and Secret with the keyboard and
// sees it once, changes the App's permissions in the user authentication settings, and regenerates the token, which
// then carries the new permission. axe-core finds no serious or critical violation on the App page (before and after
// saving) and on the keys page; nothing scrolls sideways; no console errors, failed requests or error answers.
// With LIKES_API_SCREENSHOTS=1 the App page and the keys page (1280 wide) are written to docs/screenshots/.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import {
  assertAccessible, assertClean, assertNoHorizontalScroll, DESKTOP, launchChromium, PHONE, screenshot, signInWithForm, watchedPage, withContext,
} from '../support/browser.ts';
import { serverForSuite } from '../support/harness.ts';

describe('an App\'s settings and the developer\'s own Access Token in Chromium', () => {
  const server = serverForSuite();
  let browser: Browser;

  before(async () => {
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
  });

  /** The values the keys page shows, by label. */
  async function shownKeys(page: Page): Promise<Map<string, string>> {
    const labels = await page.locator('dl.keys dt').allTextContents();
    const values = await page.locator('dl.keys dd code').allTextContents();
    return new Map(labels.map((label, i) => [label, values[i]]));
  }

  for (const [name, viewport] of [['1280×800', DESKTOP], ['375×812', PHONE]] as const) {
    it(`at ${name}: generates the Access Token and Secret once, changes the App's permissions, regenerates it with them; axe passes`, async () => {
      const appName = `Settings App ${viewport.width}`;
      const { app } = await server.services.credentials.createApp(appName, server.creds.project.id, 'read-write', {}, 'web');
      const user = server.creds.users[0];
      await withContext(browser, { viewport }, async (context) => {
        const watched = await watchedPage(context);
        const { page } = watched;
        await page.goto(`${server.baseUrl}/portal`);
        await signInWithForm(page, server.creds.developer!.username, server.creds.developer!.password);
        await page.goto(`${server.baseUrl}/portal/apps/${app.id}`);
        await page.getByRole('heading', { level: 1, name: appName }).waitFor();
        const tokenHeading = page.getByRole('heading', { level: 3, name: `Access Token and Secret (for @${user.username})` });
        assert.ok(await tokenHeading.isVisible());
        await assertNoHorizontalScroll(page);
        await assertAccessible(page, 'the App page');

        // Generate with the keyboard alone: focus the button, press Enter.
        await page.getByRole('button', { name: 'Generate Access Token and Secret' }).focus();
        await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
        await page.getByRole('heading', { level: 1, name: `Access Token and Secret for @${user.username}` }).waitFor();
        assert.match((await page.getByRole('status').textContent()) ?? '', /will not be shown again/);
        const first = await shownKeys(page);
        assert.deepEqual([...first.keys()], ['Access Token', 'Access Token Secret']);
        assert.ok(first.get('Access Token')!.startsWith(`${user.id}-`));
        await assertNoHorizontalScroll(page);
        await assertAccessible(page, 'the keys page');
        if (viewport === DESKTOP) await screenshot(page, 'portal-keys');
        await page.reload();
        await page.getByRole('heading', { level: 1, name: 'These keys were already shown' }).waitFor();

        // Back on the App page: what the token was created with, never its secret.
        await page.goto(`${server.baseUrl}/portal/apps/${app.id}`);
        assert.ok(!(await page.content()).includes(first.get('Access Token Secret')!));
        await page.getByText(`Created with Read and write permissions for @${user.username}.`).waitFor();

        // User authentication settings: Read only, with the Website URL X's form requires.
        await page.getByLabel('App permissions').selectOption({ label: 'Read' });
        await page.getByLabel('Website URL').fill('https://example.com/settings-app');
        await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Save user authentication settings' }).click()]);
        assert.match((await page.getByRole('status').textContent()) ?? '', /User authentication settings saved\./);
        assert.equal(await page.getByLabel('App permissions').inputValue(), 'read');
        assert.equal(await page.getByLabel('Website URL').inputValue(), 'https://example.com/settings-app');
        await page.getByText('The App\'s permissions changed since: regenerate it to get a token with the new ones.').waitFor();
        await assertNoHorizontalScroll(page);
        await assertAccessible(page, 'the App page after saving its settings');
        if (viewport === DESKTOP) await screenshot(page, 'portal-app');

        await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Regenerate Access Token and Secret' }).click()]);
        const second = await shownKeys(page);
        assert.notEqual(second.get('Access Token'), first.get('Access Token'));
        assert.equal((await server.services.store.oauth1Token(second.get('Access Token')!))?.permission, 'read', 'the new token has the new permission');
        assert.equal(await server.services.store.oauth1Token(first.get('Access Token')!), null, 'the previous one is revoked');
        await assertClean(watched);
      });
    });
  }
});
