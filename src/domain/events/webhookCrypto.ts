// The HMACs of X's webhooks (docs/reference/x-events.md §1.7, §1.9): the CRC answer and the signature headers on a
// delivery. Both are `sha256=` + standard base64 (with padding) of HMAC-SHA256 keyed by an App secret; the App-only
// bearer token never signs anything.
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/** Signed with the OAuth 2.0 client secret; X calls it the recommended one. */
export const SIGNATURE_HEADER_OAUTH2 = 'X-Twitter-Webhooks-Signature-OAuth2';
/** Signed with the OAuth 1.0 consumer secret (API Key Secret); X calls it legacy, kept for compatibility. */
export const SIGNATURE_HEADER_LEGACY = 'X-Twitter-Webhooks-Signature';

/** The App secrets that can sign: at least one of the two. */
export type WebhookSecrets =
  | { consumerSecret: string; clientSecret?: string }
  | { consumerSecret?: undefined; clientSecret: string };

export interface CrcResponseBody {
  response_token: string;
}

function sha256Token(message: string | Uint8Array, secret: string): string {
  return `sha256=${createHmac('sha256', secret).update(message).digest('base64')}`;
}

/** The JSON a webhook answers a CRC GET with: the `crc_token` is the message, the secret the key. */
export function crcResponse(crcToken: string, secret: string): CrcResponseBody {
  return { response_token: sha256Token(crcToken, secret) };
}

/**
 * Every `response_token` a CRC on this App accepts, client secret first. X's pages disagree on the key (the
 * quickstart: the consumer secret; the newer introduction: the client secret "when available", the consumer secret
 * "for existing OAuth 1.0-only integrations"), and an App here always has both, so an answer made with either passes.
 */
export function acceptedCrcTokens(crcToken: string, secrets: WebhookSecrets): string[] {
  return [secrets.clientSecret, secrets.consumerSecret]
    .filter((s): s is string => s !== undefined)
    .map((secret) => sha256Token(crcToken, secret));
}

/** The signature of one delivery: over the raw body bytes exactly as sent (a string is taken as UTF-8). */
export function deliverySignature(rawBody: string | Uint8Array, secret: string): string {
  return sha256Token(rawBody, secret);
}

/**
 * The signature headers X puts on a delivery: the OAuth2 header when the App has a client secret, the legacy one
 * when it has a consumer secret. X says an App with both "may receive both headers during migration"; both are sent,
 * so a receiver written for either header works.
 */
export function signatureHeaders(rawBody: string | Uint8Array, secrets: WebhookSecrets): Record<string, string> {
  const { clientSecret, consumerSecret } = secrets;
  const headers: Record<string, string> = {};
  if (clientSecret !== undefined) headers[SIGNATURE_HEADER_OAUTH2] = deliverySignature(rawBody, clientSecret);
  if (consumerSecret !== undefined) headers[SIGNATURE_HEADER_LEGACY] = deliverySignature(rawBody, consumerSecret);
  return headers;
}

// Digests first, so the comparison takes the same time whatever the header's length.
function sameText(a: string, b: string): boolean {
  const digest = (s: string) => createHash('sha256').update(s).digest();
  return timingSafeEqual(digest(a), digest(b));
}

/** Whether a signature header value is the body's signature under `secret`, compared in constant time. */
export function verifySignature(rawBody: string | Uint8Array, header: string | undefined, secret: string): boolean {
  if (typeof header !== 'string') return false;
  return sameText(deliverySignature(rawBody, secret), header);
}

/**
 * A receiver's check as X recommends it: the OAuth2 header when present (and the receiver knows the client secret),
 * else the legacy one. A wrong OAuth2 signature is not rescued by a right legacy one. `headers` as Node gives them
 * (names in any case; a repeated header is refused).
 */
export function verifyDelivery(
  rawBody: string | Uint8Array,
  headers: Readonly<Record<string, string | string[] | undefined>>,
  secrets: WebhookSecrets,
): boolean {
  const lookup = (name: string): string | string[] | undefined => {
    const key = Object.keys(headers).find((k) => k.toLowerCase() === name.toLowerCase());
    return key === undefined ? undefined : headers[key];
  };
  const oauth2 = lookup(SIGNATURE_HEADER_OAUTH2);
  if (oauth2 !== undefined && secrets.clientSecret !== undefined) {
    return typeof oauth2 === 'string' && verifySignature(rawBody, oauth2, secrets.clientSecret);
  }
  const legacy = lookup(SIGNATURE_HEADER_LEGACY);
  if (secrets.consumerSecret === undefined || typeof legacy !== 'string') return false;
  return verifySignature(rawBody, legacy, secrets.consumerSecret);
}
