// Pages in a real browser for the tests: Debian's Chromium (/usr/bin/chromium, installed by scripts/ensure-chromium.sh)
// driven by playwright-core, headless, with the flags that keep it from stalling on this closed network; every page
// watched for console errors, failed requests and error answers; axe-core run in the page for serious or critical
// violations. With LIKES_API_SCREENSHOTS=1, `screenshot` writes docs/screenshots/<name>.png; a normal run writes none.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM = process.env.LIKES_API_CHROMIUM || '/usr/bin/chromium';
export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
/** Without these, Chromium stalls on this closed network (background fetches, component updates). */
export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];
export const AXE = join(ROOT, 'node_modules', 'axe-core', 'axe.min.js');
export const SCREENSHOTS = process.env.LIKES_API_SCREENSHOTS === '1';

export const DESKTOP = { width: 1280, height: 800 };
export const PHONE = { width: 375, height: 812 };

export interface Watched {
  page: Page;
  /** Everything that went wrong on the page so far: console errors, uncaught errors, failed requests, responses >= 400. */
  problems: string[];
  /** The deliberate wrong-password answers (POST /portal/signin → 401), kept apart from `problems`. */
  rejectedSignIns: number;
}

const isSignInPost = (url: string): boolean => URL.canParse(url) && new URL(url).pathname === '/portal/signin';

/** A page whose console, requests and responses are watched from the start. */
export async function watchedPage(context: BrowserContext): Promise<Watched> {
  const page = await context.newPage();
  const watched: Watched = { page, problems: [], rejectedSignIns: 0 };
  page.on('console', (m) => {
    if (m.type() !== 'error') return;
    // Chromium echoes every document answered >= 400 on the console: for the deliberate 401, that echo is expected.
    if (isSignInPost(m.location().url) && m.text() === 'Failed to load resource: the server responded with a status of 401 (Unauthorized)') return;
    watched.problems.push(`console error: ${m.text()} (${m.location().url})`);
  });
  page.on('pageerror', (e) => watched.problems.push(`page error: ${e.message}`));
  page.on('requestfailed', (r) => watched.problems.push(`request failed: ${r.method()} ${r.url()}: ${r.failure()?.errorText}`));
  page.on('response', (r) => {
    if (r.status() < 400) return;
    if (r.status() === 401 && r.request().method() === 'POST' && isSignInPost(r.url())) watched.rejectedSignIns++;
    else watched.problems.push(`HTTP ${r.status()} for ${r.request().method()} ${r.url()}`);
  });
  return watched;
}

/** Headless Chromium asks for no icon, so the page's own icon (or /favicon.ico without one) is fetched here. */
export async function assertIconLoads(page: Page): Promise<void> {
  const href = await page.evaluate(() => (document.querySelector('link[rel~="icon"]') as HTMLLinkElement | null)?.href ?? null);
  const icon = new URL(href ?? '/favicon.ico', page.url());
  if (icon.protocol === 'data:') return;
  const res = await fetch(icon);
  assert.ok(res.status < 400, `the icon ${icon} answers ${res.status}`);
}

/** The checks every page visited ends with. */
export async function assertClean(watched: Watched, rejectedSignIns = 0): Promise<void> {
  await assertIconLoads(watched.page);
  assert.deepEqual(watched.problems, [], `problems on ${watched.page.url()}:\n${watched.problems.join('\n')}`);
  assert.equal(watched.rejectedSignIns, rejectedSignIns, 'wrong-password answers (401)');
}

export async function assertNoHorizontalScroll(page: Page): Promise<void> {
  const { scrollWidth, innerWidth } = await page.evaluate(() => ({ scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth }));
  assert.ok(scrollWidth <= innerWidth, `the page scrolls sideways at ${innerWidth}px (${scrollWidth}px wide)`);
}

/** Types the credentials into the labelled fields and clicks Sign in; resolves once the answer has loaded. */
export async function signInWithForm(page: Page, username: string, password: string): Promise<void> {
  await page.getByLabel('Username').pressSequentially(username);
  await page.getByLabel('Password').pressSequentially(password);
  await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Sign in' }).click()]);
}

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  targets: string[];
}

let axeSource: string | null = null;

/**
 * Runs axe-core in the page as it is; the violations that are serious or critical. axe is evaluated through the
 * DevTools protocol rather than added as a <script>, so the pages' CSP (no scripts at all) stays enforced.
 */
export async function seriousViolations(page: Page): Promise<AxeViolation[]> {
  axeSource ??= readFileSync(AXE, 'utf8');
  await page.evaluate(axeSource);
  const violations = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: typeof import('axe-core') }).axe;
    const result = await axe.run(document);
    return result.violations.map((v) => ({ id: v.id, impact: v.impact ?? null, help: v.help, targets: v.nodes.map((n) => n.target.join(' ')) }));
  });
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

export async function assertAccessible(page: Page, what: string): Promise<void> {
  const found = await seriousViolations(page);
  assert.deepEqual(
    found.map((v) => v.id),
    [],
    `axe finds serious or critical violations on ${what}:\n${found.map((v) => `${v.id} (${v.impact}): ${v.help} at ${v.targets.join(', ')}`).join('\n')}`,
  );
}


/** Chromium, headless, once the binary and axe-core are known to be there. */
export async function launchChromium(): Promise<Browser> {
  assert.ok(existsSync(CHROMIUM), `${CHROMIUM} is missing: run scripts/ensure-chromium.sh (the test setup does)`);
  assert.ok(existsSync(AXE), `${AXE} is missing: npm install`);
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS, timeout: 60_000 });
}

/** Runs `fn` in a fresh browser context (its own cookies), closed afterwards. */
export async function withContext(browser: Browser, options: Parameters<Browser['newContext']>[0], fn: (context: BrowserContext) => Promise<void>): Promise<void> {
  const context = await browser.newContext(options);
  try {
    await fn(context);
  } finally {
    await context.close();
  }
}

/** With LIKES_API_SCREENSHOTS=1: the whole page as docs/screenshots/<name>.png. */
export async function screenshot(page: Page, name: string): Promise<void> {
  if (SCREENSHOTS) await page.screenshot({ path: join(ROOT, 'docs', 'screenshots', `${name}.png`), fullPage: true });
}
