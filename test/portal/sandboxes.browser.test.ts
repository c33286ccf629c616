// The operator's sandbox pages in Chromium (test/support/browser.ts), at a desktop and a phone viewport. The operator
// signs in on /portal with the admin token, creates a sandbox, copies its credentials from the page's textarea, and
// injects a fault: twitter-api-v2 with those credentials gets the fault's error; the fault removed, the same call
// succeeds. The clock is moved through its form and the sandbox deleted after the confirming step. Every page: no
// console errors, no failed requests, no response >= 400, no sideways scroll. axe-core (in contexts that bypass the
// pages' CSP, which rightly refuses its injected script) checks every page, a refused form's state included. With
// LIKES_API_SCREENSHOTS=1 the list and a sandbox's page (1280 wide) are written to docs/screenshots/.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { ApiResponseError } from 'twitter-api-v2';
import type { DemoCredentials } from '../../src/demo/demoCredentials.ts';
import {
  assertAccessible, assertClean, assertNoHorizontalScroll, DESKTOP, launchChromium, PHONE, screenshot, watchedPage, withContext,
} from '../support/browser.ts';
import { oauth1Client } from '../support/clients.ts';
import { serverForSuite } from '../support/harness.ts';

const VIEWPORTS = [['1280×800', DESKTOP], ['375×812', PHONE]] as const;

describe('the operator\'s sandbox pages in Chromium', () => {
  const server = serverForSuite();
  let browser: Browser;

  before(async () => {
    assert.ok(server.creds.adminToken, 'the demo world has an admin token');
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
  });

  /** Clicks what `locator` finds and resolves once the page it leads to has loaded. */
  const submit = async (page: Page, name: string) => {
    await Promise.all([page.waitForNavigation(), page.getByRole('button', { name, exact: true }).click()]);
  };

  /** On /portal, the operator's form: the admin token typed in, then the button; lands on the sandbox list. */
  async function signInAsOperator(page: Page): Promise<void> {
    await page.goto(`${server.baseUrl}/portal`);
    await page.getByLabel('Admin token').pressSequentially(server.creds.adminToken!);
    await submit(page, 'Continue with the admin token');
    await page.getByRole('heading', { level: 1, name: 'Sandboxes' }).waitFor();
    assert.equal(new URL(page.url()).pathname, '/portal/sandboxes');
  }

  /** The create form, with the demo seed; lands on the new sandbox's page, whose id it answers. */
  async function createSandbox(page: Page): Promise<string> {
    await page.getByLabel('Start from').selectOption('demo');
    await submit(page, 'Create a sandbox');
    const heading = page.getByRole('heading', { level: 1 });
    const id = /^Sandbox (sb[0-9a-z]{10})$/.exec((await heading.textContent()) ?? '')?.[1];
    assert.ok(id, `the new sandbox's page (${await heading.textContent()})`);
    assert.equal(new URL(page.url()).pathname, `/portal/sandboxes/${id}`);
    assert.equal((await page.getByRole('status').textContent())?.trim(), 'Sandbox created. Its credentials are below.');
    return id;
  }

  /** The credentials as a person copies them: the whole of the labelled read-only textarea. */
  async function copiedCredentials(page: Page): Promise<DemoCredentials> {
    const textarea = page.getByLabel('Credentials document (JSON)');
    assert.equal(await textarea.getAttribute('readonly'), '', 'read-only');
    await textarea.focus();
    await page.keyboard.press('ControlOrMeta+a');
    const selected = await page.evaluate(() => {
      const el = document.activeElement as HTMLTextAreaElement;
      return el.value.slice(el.selectionStart, el.selectionEnd);
    });
    return JSON.parse(selected) as DemoCredentials;
  }

  /** The fault form: liked Posts lookups answered 503; the notice names the new fault, whose id it answers. */
  async function addUnavailableFault(page: Page): Promise<string> {
    await page.getByLabel('Endpoint').selectOption('liked_tweets');
    await page.getByLabel('Answer', { exact: true }).selectOption('unavailable');
    await submit(page, 'Add the fault');
    const id = /^Fault ([A-Za-z0-9_-]{8}) added\.$/.exec((await page.getByRole('status').textContent())?.trim() ?? '')?.[1];
    assert.ok(id, 'the notice names the fault');
    return id;
  }

  async function adminClock(id: string): Promise<number> {
    const res = await fetch(`${server.baseUrl}/__admin/sandboxes/${id}/clock`, { headers: { authorization: `Bearer ${server.creds.adminToken}` } });
    assert.equal(res.status, 200);
    return Date.parse(((await res.json()) as { now: string }).now);
  }

  for (const [name, viewport] of VIEWPORTS) {
    it(`at ${name}: signs in with the admin token, creates a sandbox, injects a fault a client gets, removes it, moves the clock, deletes it`, async () => {
      await withContext(browser, { viewport }, async (context) => {
        const watched = await watchedPage(context);
        const { page } = watched;
        await signInAsOperator(page);
        assert.ok(await page.getByRole('link', { name: 'The default world' }).isVisible());
        await assertNoHorizontalScroll(page);
        if (viewport === DESKTOP) await screenshot(page, 'portal-sandboxes');
        await assertClean(watched);

        const id = await createSandbox(page);
        const creds = await copiedCredentials(page);
        assert.equal(creds.baseUrl, server.baseUrl);
        const user = creds.users[1];
        const client = oauth1Client(creds.baseUrl, creds.app, user);
        assert.ok(Array.isArray((await client.v2.userLikedTweets(user.id)).data.data), 'the copied credentials work');

        const faultId = await addUnavailableFault(page);
        const row = page.getByRole('row').filter({ has: page.getByRole('cell', { name: faultId, exact: true }) });
        assert.match((await row.textContent()) ?? '', /503 Service Unavailable on Liked Posts lookup/);
        await assertNoHorizontalScroll(page);
        if (viewport === DESKTOP) await screenshot(page, 'portal-sandbox');
        try {
          await client.v2.userLikedTweets(user.id);
          assert.fail('the fault answers the call');
        } catch (e) {
          assert.ok(e instanceof ApiResponseError, String(e));
          assert.equal(e.code, 503);
        }

        await submit(page, `Remove fault ${faultId}`);
        assert.equal((await page.getByRole('status').textContent())?.trim(), `Fault ${faultId} removed.`);
        assert.ok(await page.getByText('No faults: every request is answered normally.').isVisible());
        assert.ok(Array.isArray((await client.v2.userLikedTweets(user.id)).data.data), 'answered again once the fault is gone');

        const before = await adminClock(id);
        await page.getByLabel('Advance the clock by').fill('90');
        await page.getByLabel('Unit').selectOption('minutes');
        await submit(page, 'Advance the clock');
        assert.equal((await page.getByRole('status').textContent())?.trim(), 'Clock moved.');
        assert.ok((await adminClock(id)) - before >= 90 * 60_000, 'the control API sees the clock moved');
        assert.match((await page.locator('time').textContent()) ?? '', /^\d{4}-\d\d-\d\dT/);
        assert.ok(await page.getByText(/1 hour 30 minutes ahead of real time/).isVisible());
        await assertClean(watched);

        await Promise.all([page.waitForNavigation(), page.getByRole('link', { name: `Delete sandbox ${id}…` }).click()]);
        await page.getByRole('heading', { level: 1, name: `Delete sandbox ${id}?` }).waitFor();
        await assertNoHorizontalScroll(page);
        await submit(page, `Delete sandbox ${id} for good`);
        assert.equal(new URL(page.url()).pathname, '/portal/sandboxes');
        assert.equal((await page.getByRole('status').textContent())?.trim(), `Sandbox ${id} deleted.`);
        assert.equal(await page.getByRole('link', { name: `Sandbox ${id}` }).count(), 0);
        await assertClean(watched);
      });
    });
  }

  for (const [name, viewport] of VIEWPORTS) {
    it(`at ${name}: axe finds no serious or critical violation on any sandbox page, a refused form's included`, async () => {
      await withContext(browser, { viewport, bypassCSP: true }, async (context) => {
        const watched = await watchedPage(context);
        const { page } = watched;
        await signInAsOperator(page);
        await assertAccessible(page, 'the sandbox list');
        const id = await createSandbox(page);
        await assertAccessible(page, 'a new sandbox\'s page');

        const faultId = await addUnavailableFault(page);
        await page.getByLabel('Snapshot name').fill('first');
        await submit(page, 'Take a snapshot');
        assert.ok(await page.getByRole('button', { name: 'Restore snapshot first' }).isVisible());
        assert.ok(await page.getByRole('button', { name: `Remove fault ${faultId}` }).isVisible());
        await assertNoHorizontalScroll(page);
        await assertAccessible(page, 'a sandbox with a fault and a snapshot');

        // A refused form: the page again (400) with the control API's words as an alert and beside the field.
        await page.getByLabel('Answer', { exact: true }).selectOption('delay');
        await submit(page, 'Add the fault');
        const alert = page.getByRole('alert');
        assert.match((await alert.textContent()) ?? '', /The fault was not added\.\s*delay_ms is required with action "delay"/);
        const delay = page.getByLabel(/^Delay in milliseconds/);
        assert.equal(await delay.getAttribute('aria-invalid'), 'true');
        await Promise.all([page.waitForURL(/#fault-delay$/), alert.getByRole('link').click()]);
        assert.equal(await page.evaluate(() => document.activeElement?.id), 'fault-delay', 'the alert\'s link takes the focus to the field');
        await assertNoHorizontalScroll(page);
        await assertAccessible(page, 'a sandbox with a refused fault form');
        const refusedUrl = `${server.baseUrl}/portal/sandboxes/${id}/faults`;
        assert.deepEqual(watched.problems.splice(0).sort(), [
          // Chromium echoes a document answered >= 400 on the console: for the refused form, that is expected.
          `HTTP 400 for POST ${refusedUrl}`, `console error: Failed to load resource: the server responded with a status of 400 (Bad Request) (${refusedUrl})`,
        ], 'only the refused form answered >= 400');

        await page.goto(`${server.baseUrl}/portal/sandboxes/default`);
        await page.getByRole('heading', { level: 1, name: 'The default world' }).waitFor();
        await assertAccessible(page, 'the default world\'s page');
        await page.goto(`${server.baseUrl}/portal/sandboxes/${id}/delete`);
        await assertNoHorizontalScroll(page);
        await assertAccessible(page, 'the confirming step of a delete');
        await assertClean(watched);
      });
    });
  }
});
