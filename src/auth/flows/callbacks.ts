// The callback URLs an App registered (X's "Callback URI / Redirect URL" list in the developer portal), kept in
// the store's App settings. Both flows accept only a registered URL: OAuth 2.0's redirect_uri and OAuth 1.0a's
// oauth_callback (X answers 403 code 415 for an unregistered one).
import type { AppSettings } from '../../ports/settingsStore.ts';

/** At most this many URLs per App (X's portal allows a short list). */
export const MAX_CALLBACKS = 50;
const MAX_URL_LENGTH = 2000;
const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

export function appCallbacks(store: Pick<AppSettings, 'callbackUrls'>, appId: string): Promise<string[]> {
  return store.callbackUrls(appId);
}

/** Replaces the App's list (each URL checked with `callbackUrlProblem` first; duplicates kept once). */
export async function setAppCallbacks(store: Pick<AppSettings, 'setCallbackUrls'>, appId: string, urls: readonly string[]): Promise<string[]> {
  for (const url of urls) {
    const problem = callbackUrlProblem(url);
    if (problem) throw new Error(problem);
  }
  const list = [...new Set(urls)];
  if (list.length > MAX_CALLBACKS) throw new Error(`at most ${MAX_CALLBACKS} callback URLs per App`);
  await store.setCallbackUrls(appId, list);
  return list;
}

/** Why `url` cannot be registered as a callback, or null when it can: absolute, no fragment, not too long. */
export function callbackUrlProblem(url: string): string | null {
  if (url.length === 0 || url.length > MAX_URL_LENGTH) return `a callback URL must be 1 to ${MAX_URL_LENGTH} characters`;
  if (/\s/.test(url)) return `a callback URL must not contain spaces (got "${url}")`;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return `a callback URL must be an absolute URL such as https://example.com/callback (got "${url}")`;
  }
  if (url.includes('#') || parsed.hash) return `a callback URL must not have a #fragment (got "${url}")`;
  if (parsed.protocol === 'javascript:' || parsed.protocol === 'data:') return `a callback URL cannot use ${parsed.protocol} (got "${url}")`;
  return null;
}

function isLoopback(u: URL): boolean {
  return u.protocol === 'http:' && LOOPBACK.has(u.hostname);
}

/**
 * Whether `given` is one of `registered`: the same string, or, for http URLs on a loopback host (127.0.0.1,
 * localhost, [::1]), the same URL on any port (RFC 8252 §7.3: native apps listen on an ephemeral port).
 */
export function callbackAllowed(registered: readonly string[], given: string): boolean {
  if (callbackUrlProblem(given)) return false;
  if (registered.includes(given)) return true;
  const g = new URL(given);
  if (!isLoopback(g)) return false;
  return registered.some((r) => {
    let u: URL;
    try {
      u = new URL(r);
    } catch {
      return false;
    }
    return isLoopback(u) && u.hostname === g.hostname && u.pathname === g.pathname && u.search === g.search &&
      u.username === g.username && u.password === g.password;
  });
}

/** `base` with `params` appended to its query, in order, percent-encoded (RFC 3986). */
export function withQuery(base: string, params: readonly (readonly [string, string])[]): string {
  const q = params.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&');
  if (!q) return base;
  const sep = !base.includes('?') ? '?' : base.endsWith('?') || base.endsWith('&') ? '' : '&';
  return `${base}${sep}${q}`;
}
