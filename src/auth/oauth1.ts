import { createHmac } from 'node:crypto';
import { constantTimeEqual } from './secrets.ts';

/** RFC 3986 percent-encoding as RFC 5849 §3.6 requires: only unreserved characters stay. */
export function percentEncode(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

function percentDecode(value: string): string | null {
  try {
    return decodeURIComponent(value);
  } catch {
    return null;
  }
}

/** The parameters of an `Authorization: OAuth …` header, decoded; null when it is not one. */
export function parseOAuthAuthorization(header: string): Map<string, string> | null {
  const match = /^OAuth\s+(.*)$/is.exec(header.trim());
  if (!match) return null;
  const params = new Map<string, string>();
  const re = /\s*([A-Za-z0-9_\-.~%]+)\s*=\s*"([^"]*)"\s*(?:,|$)/gy;
  const body = match[1];
  let m: RegExpExecArray | null;
  let consumed = 0;
  while ((m = re.exec(body)) !== null) {
    // Header values are percent-encoded (RFC 5849 §3.5.1), not form-encoded: '+' is a plus sign.
    const name = percentDecode(m[1]);
    const value = percentDecode(m[2]);
    if (name === null || value === null) return null;
    // RFC 5849 §3.5.1: a parameter appears at most once. Keeping either copy would accept a header whose
    // other copy is what a client (or a proxy log) shows.
    if (params.has(name)) return null;
    params.set(name, value);
    consumed = re.lastIndex;
    if (consumed >= body.length) break;
  }
  if (body.slice(consumed).trim() !== '') return null;
  return params;
}

/** RFC 5849 §3.4.1.3.2: each name and value percent-encoded, then sorted by name, then value. */
export function oauth1NormalizedParams(params: readonly [string, string][]): [string, string][] {
  return params
    .map(([k, v]): [string, string] => [percentEncode(k), percentEncode(v)])
    .sort(([ak, av], [bk, bv]) => (ak < bk ? -1 : ak > bk ? 1 : av < bv ? -1 : av > bv ? 1 : 0));
}

/** RFC 5849 §3.4.1: METHOD & enc(base URL) & enc(sorted, encoded parameters). */
export function oauth1BaseString(method: string, baseUrl: string, params: readonly [string, string][]): string {
  const normalized = oauth1NormalizedParams(params).map(([k, v]) => `${k}=${v}`).join('&');
  return `${method.toUpperCase()}&${percentEncode(baseUrl)}&${percentEncode(normalized)}`;
}

export function oauth1HmacSha1(baseString: string, consumerSecret: string, tokenSecret: string): string {
  return createHmac('sha1', `${percentEncode(consumerSecret)}&${percentEncode(tokenSecret)}`).update(baseString).digest('base64');
}

/** Normalises scheme://host[:port]/path for the base string: lower-case scheme and host, no default port. */
export function oauth1BaseUrl(scheme: string, host: string, path: string): string {
  const s = scheme.toLowerCase();
  let h = host.toLowerCase();
  if ((s === 'http' && h.endsWith(':80')) || (s === 'https' && h.endsWith(':443'))) h = h.slice(0, h.lastIndexOf(':'));
  return `${s}://${h}${path}`;
}

export interface OAuth1SignedRequest {
  method: string;
  /** Every base URL the client may have signed: as received, and X's public hosts. */
  baseUrls: readonly string[];
  /** Query and form-encoded body parameters plus the oauth_* header parameters (not oauth_signature, not realm). */
  params: readonly [string, string][];
  consumerSecret: string;
  tokenSecret: string;
  signature: string;
}

/** A base string the client may have signed. */
export interface OAuth1Candidate {
  baseUrl: string;
  /** The variant with identical repeated parameters counted once. */
  repeatsOnce: boolean;
  baseString: string;
}

/**
 * Every base string a client may have signed: one per base URL, with the parameters as sent and, when some repeat
 * identically, with each counted once (some clients dedupe before signing).
 */
export function oauth1Candidates(method: string, baseUrls: readonly string[], params: readonly [string, string][]): OAuth1Candidate[] {
  const seen = new Set<string>();
  const deduped = params.filter(([k, v]) => {
    const key = `${k}\u0000${v}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  return baseUrls.flatMap((baseUrl) => [
    { baseUrl, repeatsOnce: false, baseString: oauth1BaseString(method, baseUrl, params) },
    ...(deduped.length !== params.length ? [{ baseUrl, repeatsOnce: true, baseString: oauth1BaseString(method, baseUrl, deduped) }] : []),
  ]);
}

/** Whether `signature` is the HMAC-SHA1 of any candidate. Constant-time comparison, and no early exit. */
export function oauth1SignsAny(
  candidates: readonly OAuth1Candidate[],
  consumerSecret: string,
  tokenSecret: string,
  signature: string,
): boolean {
  let ok = false;
  for (const { baseString } of candidates) {
    // Every candidate is computed and compared, whatever matched.
    if (constantTimeEqual(oauth1HmacSha1(baseString, consumerSecret, tokenSecret), signature)) ok = true;
  }
  return ok;
}

/** Verifies an HMAC-SHA1 signature against every base string the client may have signed (oauth1Candidates). */
export function verifyOAuth1Signature(req: OAuth1SignedRequest): boolean {
  return oauth1SignsAny(oauth1Candidates(req.method, req.baseUrls, req.params), req.consumerSecret, req.tokenSecret, req.signature);
}
