// The one OAuth 1.0a request verifier, for the API and the three-legged /oauth/ endpoints alike: it says who
// signed a request or why it is refused, and each caller words the refusal its own way (the API answers X's
// generic 401 whatever the reason; the /oauth/ endpoints answer X's v1.1 documents). A refusal comes with a
// diagnosis for the sandbox request inspector: what the server saw and computed, never a secret.
import type { OAuth1Diagnosis } from '../domain/authRefusal.ts';
import type { AppRecord } from '../domain/model.ts';
import type { Clock } from '../ports/clock.ts';
import type { NonceStore } from '../ports/nonceStore.ts';
import type { AuthRequest } from './authRequest.ts';
import { oauth1BaseUrl, oauth1Candidates, oauth1NormalizedParams, oauth1SignsAny, parseOAuthAuthorization } from './oauth1.ts';
import { hashToken } from './secrets.ts';

/** Accepted OAuth 1.0a clock skew either way; a nonce is remembered until its timestamp leaves this window. */
export const OAUTH1_TIMESTAMP_WINDOW_MS = 5 * 60 * 1000;

/** Hosts a client may have signed for instead of ours: X's public API hosts. */
const PUBLIC_BASES = ['https://api.x.com', 'https://api.twitter.com'];

/** Why a request is refused, in the order the checks run. */
export type OAuth1Refusal =
  /** No Authorization header, or one of another scheme. */
  | 'missing-header'
  /** An `OAuth` header that does not parse. */
  | 'malformed-header'
  /** oauth_consumer_key, oauth_signature, oauth_nonce or oauth_timestamp absent or empty. */
  | 'missing-parameter'
  | 'unsupported-signature-method'
  /** oauth_version other than 1.0. */
  | 'unsupported-version'
  /** oauth_timestamp not a timestamp, or outside the window. */
  | 'stale-timestamp'
  | 'unknown-consumer'
  /** No token, an unknown one, or another App's. */
  | 'unknown-token'
  | 'bad-signature'
  | 'replayed-nonce';

/** The token a request is signed with, as the caller found it. */
export interface SigningToken<T> {
  /** The App the token was issued to. */
  appId: string;
  /** Its secret, sealed (opened only once the token is known to be the App's). */
  secretSealed: string;
  /** Whatever the caller wants back on success (the token record). */
  record: T;
}

/** How the caller finds the signing keys. */
export interface OAuth1Keys<T> {
  consumer(consumerKey: string): Promise<AppRecord | null>;
  /**
   * The token the request is signed with, given the header's oauth_token (absent when the header has none); null
   * when unknown. Omitted for requests signed with the consumer key alone (request_token: empty token secret).
   */
  token?: (oauthToken: string | undefined) => Promise<SigningToken<T> | null>;
}

export interface OAuth1VerifierDeps {
  nonces: NonceStore;
  clock: Clock;
  /** Opens a sealed consumer or token secret. */
  open(sealed: string): string;
}

export type OAuth1Verification<T> =
  | {
      ok: true;
      app: AppRecord;
      consumerKey: string;
      /** Null for a request signed with the consumer key alone. */
      token: SigningToken<T> | null;
      /** The header's parameters, decoded (oauth_signature and realm included). */
      oauth: ReadonlyMap<string, string>;
    }
  | OAuth1Rejection<T>;

export interface OAuth1Rejection<T = unknown> {
  ok: false;
  reason: OAuth1Refusal;
  /** What the server saw and computed, for the request inspector; absent when the header did not parse. */
  diagnosis?: OAuth1Diagnosis;
  /** The App and token the credentials named, when the refusal came after finding them (for the inspector). */
  found?: { app: AppRecord; token: SigningToken<T> | null };
}

const refuse = <T = never>(reason: OAuth1Refusal, diagnosis?: OAuth1Diagnosis, found?: OAuth1Rejection<T>['found']): OAuth1Rejection<T> => ({
  ok: false,
  reason,
  ...(diagnosis && { diagnosis }),
  ...(found && { found }),
});

/** The header's public identifiers, as received (oauth_signature is left out: it is no help once refused). */
function identifiers(oauth: ReadonlyMap<string, string>): OAuth1Diagnosis {
  const fields = {
    consumer_key: oauth.get('oauth_consumer_key'),
    token: oauth.get('oauth_token'),
    signature_method: oauth.get('oauth_signature_method'),
    version: oauth.get('oauth_version'),
    timestamp: oauth.get('oauth_timestamp'),
    nonce: oauth.get('oauth_nonce'),
  };
  return Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined));
}

const REQUIRED = ['oauth_consumer_key', 'oauth_signature', 'oauth_nonce', 'oauth_timestamp'] as const;

/**
 * Verifies an HMAC-SHA1 signed request: header, signature method and version, timestamp window, consumer and
 * token, the signature over every base URL the client may have signed (as received, api.x.com, api.twitter.com),
 * then the nonce. Only a verified request spends its nonce, so forged requests cannot burn a client's nonces.
 */
export async function verifyOAuth1Request<T>(
  req: AuthRequest,
  keys: OAuth1Keys<T>,
  deps: OAuth1VerifierDeps,
): Promise<OAuth1Verification<T>> {
  const header = req.authorization?.trim();
  if (!header || !/^oauth\s/i.test(header)) return refuse('missing-header');
  const oauth = parseOAuthAuthorization(header);
  if (!oauth) return refuse('malformed-header');
  const consumerKey = oauth.get('oauth_consumer_key');
  const signature = oauth.get('oauth_signature');
  const nonce = oauth.get('oauth_nonce');
  const timestamp = oauth.get('oauth_timestamp');
  const seen = identifiers(oauth);
  if (!consumerKey || !signature || !nonce || !timestamp) {
    return refuse('missing-parameter', { ...seen, missing: REQUIRED.filter((name) => !oauth.get(name)) });
  }
  if (oauth.get('oauth_signature_method') !== 'HMAC-SHA1') return refuse('unsupported-signature-method', seen);
  const version = oauth.get('oauth_version');
  if (version !== undefined && version !== '1.0') return refuse('unsupported-version', seen);
  if (!/^\d{1,12}$/.test(timestamp) || Math.abs(Number(timestamp) * 1000 - deps.clock.now()) > OAUTH1_TIMESTAMP_WINDOW_MS) {
    return refuse('stale-timestamp', {
      ...seen,
      server_time: Math.floor(deps.clock.now() / 1000),
      window_seconds: OAUTH1_TIMESTAMP_WINDOW_MS / 1000,
    });
  }

  const oauthToken = oauth.get('oauth_token');
  const [app, token] = await Promise.all([
    keys.consumer(consumerKey),
    keys.token ? keys.token(oauthToken) : Promise.resolve(null),
  ]);
  if (!app) return refuse('unknown-consumer', seen);
  if (keys.token && (!token || token.appId !== app.id)) return refuse('unknown-token', seen, { app, token: null });

  const headerParams: [string, string][] = [...oauth].filter(([k]) => k !== 'oauth_signature' && k !== 'realm');
  const params = [...req.params.filter(([k]) => !(k.startsWith('oauth_') && oauth.has(k))), ...headerParams];
  const baseUrls = [oauth1BaseUrl(req.scheme, req.host, req.rawPath), ...PUBLIC_BASES.map((base) => `${base}${req.rawPath}`)];
  const candidates = oauth1Candidates(req.method, baseUrls, params);
  const consumerSecret = deps.open(app.consumerSecretSealed);
  const tokenSecret = token ? deps.open(token.secretSealed) : '';
  if (!oauth1SignsAny(candidates, consumerSecret, tokenSecret, signature)) {
    // What the client can compare with its own base string; what was signed with, and the signature expected, stay here.
    return refuse('bad-signature', {
      ...seen,
      base_strings: candidates.map((c) => ({ base_url: c.baseUrl, repeats_once: c.repeatsOnce, base_string: c.baseString })),
      parameters: oauth1NormalizedParams(params).map(([name, value]) => ({ name, value })),
    }, { app, token });
  }

  // One key and lifetime for every caller, so a request accepted anywhere is a replay everywhere. Remembered only
  // while the timestamp is inside the window (past it the timestamp check refuses a replay), under a short digest
  // of the request's identity, so memory stays small under heavy OAuth 1.0a load.
  const now = deps.clock.now();
  const fresh = await deps.nonces.remember(
    nonceKey(consumerKey, oauthToken ?? '', timestamp, nonce),
    Math.max(1, Number(timestamp) * 1000 + OAUTH1_TIMESTAMP_WINDOW_MS - now),
    now,
  );
  if (!fresh) return refuse('replayed-nonce', seen, { app, token });
  return { ok: true, app, consumerKey, token, oauth };
}

/** The nonce store key of a signed request: consumer key, header token (empty for none), timestamp and nonce. */
function nonceKey(consumerKey: string, token: string, timestamp: string, nonce: string): string {
  return `oauth1:${hashToken(`${consumerKey}\u0000${token}\u0000${timestamp}\u0000${nonce}`).slice(0, 32)}`;
}
