// The developer portal over HTTP as a browser uses it, for the portal's tests: a cookie jar, forms posted
// url-encoded, redirects not followed (a test looks at each 303), the CSRF token read from the page.
import assert from 'node:assert/strict';

export interface PortalBrowser {
  cookies: Map<string, string>;
}

export const newBrowser = (): PortalBrowser => ({ cookies: new Map() });

export interface PortalAnswer {
  status: number;
  body: string;
  headers: Headers;
  location: string | null;
  setCookies: string[];
}

export async function portalRequest(
  baseUrl: string,
  browser: PortalBrowser,
  method: 'GET' | 'POST',
  path: string,
  form?: Record<string, string>,
  headers: Record<string, string> = {},
): Promise<PortalAnswer> {
  const res = await fetch(baseUrl + path, {
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
    const [name, ...value] = c.split(';')[0].split('=');
    if (value.join('=') === '') browser.cookies.delete(name);
    else browser.cookies.set(name, value.join('='));
  }
  return { status: res.status, body: await res.text(), headers: res.headers, location: res.headers.get('location'), setCookies };
}

/** The CSRF token of the page's (first) form. */
export function csrfOf(body: string): string {
  const m = /name="csrf" value="([^"]*)"/.exec(body);
  assert.ok(m, 'the page has a form with a CSRF token');
  return m[1];
}

/** The sign-in form posted from /portal; the answer to the POST. */
export async function signIn(baseUrl: string, browser: PortalBrowser, username: string, password: string, headers: Record<string, string> = {}): Promise<PortalAnswer> {
  const page = await portalRequest(baseUrl, browser, 'GET', '/portal');
  return portalRequest(baseUrl, browser, 'POST', '/portal/signin', { csrf: csrfOf(page.body), username, password }, headers);
}

/** A browser signed in as the developer. */
export async function signedIn(baseUrl: string, username: string, password: string): Promise<PortalBrowser> {
  const browser = newBrowser();
  assert.equal((await signIn(baseUrl, browser, username, password)).status, 303, 'signed in');
  return browser;
}

/** Text as the page escaped it, unescaped. */
export const unescapeHtml = (text: string): string =>
  text.replace(/&(lt|gt|quot|#39|amp);/g, (_m, e: string) => ({ lt: '<', gt: '>', quot: '"', '#39': "'", amp: '&' })[e]!);
