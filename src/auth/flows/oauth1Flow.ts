// OAuth 1.0a three-legged flow as X serves it (spec §8.1): request token (signed with the consumer key only),
// the authorize/authenticate pages (via the pending authorizations), the access token exchange, and token
// invalidation. Replies use the legacy shapes of X's /oauth/ endpoints: form-encoded bodies served as text/html,
// v1.1 `{"errors":[{"code","message"}]}` documents and the plain-text refusals X's clients match on.
import type { AppPermission, AppRecord } from '../../domain/model.ts';
import { v1ErrorBody } from '../../domain/problems.ts';
import type { Clock } from '../../ports/clock.ts';
import type { EphemeralStore } from '../../ports/ephemeral.ts';
import type { NonceStore } from '../../ports/nonceStore.ts';
import type { ContentStore } from '../../ports/contentStore.ts';
import type { CredentialStore } from '../../ports/credentialStore.ts';
import type { AppSettings } from '../../ports/settingsStore.ts';
import type { AuthRequest } from '../authRequest.ts';
import type { CredentialIssuer } from '../credentials.ts';
import { parseOAuthAuthorization, percentEncode } from '../oauth1.ts';
import { verifyOAuth1Request, type OAuth1Keys, type OAuth1Refusal } from '../oauth1Verifier.ts';
import { constantTimeEqual, hashToken, randomString, type SecretSealer } from '../secrets.ts';
import { appCallbacks, callbackAllowed, withQuery } from './callbacks.ts';
import type { OAuth1Grant, PendingAuthorization, PendingAuthorizations } from './pending.ts';

/** Request tokens live 15 minutes, authorized or not. */
export const REQUEST_TOKEN_TTL_MS = 15 * 60 * 1000;

/** What an /oauth/ endpoint answers: a form-encoded or plain-text body as text/html, or a v1.1 JSON error. */
export interface LegacyReply {
  status: number;
  kind: 'text' | 'json';
  body: string;
}

const text = (status: number, body: string): LegacyReply => ({ status, kind: 'text', body });
const v1Error = (status: number, code: number, message: string): LegacyReply => ({
  status,
  kind: 'json',
  body: v1ErrorBody({ code, message }),
});
const COULD_NOT_AUTHENTICATE = () => v1Error(401, 32, 'Could not authenticate you.');

/** X's v1.1 answer to each reason the verifier refuses a request for. */
function refusal(reason: OAuth1Refusal): LegacyReply {
  switch (reason) {
    case 'missing-header':
    case 'missing-parameter':
    case 'unsupported-signature-method':
      return v1Error(400, 215, 'Bad Authentication data.');
    case 'stale-timestamp':
      return v1Error(401, 135, 'Timestamp out of bounds.');
    default:
      return COULD_NOT_AUTHENTICATE();
  }
}

const form = (pairs: readonly (readonly [string, string])[]) =>
  pairs.map(([k, v]) => `${percentEncode(k)}=${percentEncode(v)}`).join('&');

interface RequestTokenRecord {
  appId: string;
  secretSealed: string;
  callback: string;
  permission: AppPermission;
  /** When the token lapses (ms): authorizing it keeps this (absent on records from before it was kept). */
  expiresAt?: number;
  /** Set when the user authorized: who, and the hash of the verifier handed to the App. */
  userId?: string;
  verifierHash?: string;
}

const requestTokenKey = (token: string) => `rtoken:${hashToken(token)}`;

/** The request as the signature saw it: every oauth_* parameter (header first, then query and form). */
interface SignedParts {
  header: Map<string, string> | null;
  get(name: string): string | undefined;
}

function signedParts(req: AuthRequest): SignedParts | null {
  const auth = req.authorization?.trim();
  let header: Map<string, string> | null = null;
  if (auth && /^oauth\s/i.test(auth)) {
    header = parseOAuthAuthorization(auth);
    if (!header) return null;
  }
  return {
    header,
    get(name) {
      return header?.get(name) ?? req.params.find(([k]) => k === name)?.[1];
    },
  };
}

const ACCESS_LEVELS: Record<AppPermission, number> = { read: 0, 'read-write': 1, 'read-write-directmessages': 2 };

/** x_auth_access_type narrows the App's permission for this token (read, or write = read-write), never widens it. */
function requestedPermission(app: AppPermission, asked: string | undefined): AppPermission {
  const wanted: AppPermission | null = asked === 'read' ? 'read' : asked === 'write' ? 'read-write' : null;
  return wanted && ACCESS_LEVELS[wanted] < ACCESS_LEVELS[app] ? wanted : app;
}

export type OAuth1AuthorizeOutcome =
  | { kind: 'page'; status: number; reason: string }
  | { kind: 'consent'; pending: PendingAuthorization; app: AppRecord };

export type OAuth1Decision =
  | { kind: 'redirect'; location: string }
  /** oob: the verifier is shown to the user as a PIN. */
  | { kind: 'pin'; pin: string }
  | { kind: 'denied' }
  | { kind: 'expired' };

export class OAuth1Flow {
  constructor(
    private readonly store: CredentialStore & Pick<ContentStore, 'usersByIds'> & Pick<AppSettings, 'callbackUrls'>,
    private readonly ephemeral: EphemeralStore,
    private readonly nonces: NonceStore,
    private readonly credentials: CredentialIssuer,
    private readonly sealer: SecretSealer,
    private readonly pending: PendingAuthorizations,
    private readonly clock: Clock,
    /** The world's credential tag: request tokens carry it, so the authorize page reaches the same world. */
    private readonly tag = '',
    /** Real time, for the signature timestamp window (clients sign with their own clock, not a sandbox's). */
    private readonly signingClock: Clock = clock,
  ) {}

  /**
   * Verifies the request's signature (with the consumer secret and the secret of the token `token` finds, or an
   * empty one without it), timestamp and nonce. Returns the App, or the reply refusing the request.
   */
  private async verify(req: AuthRequest, token?: OAuth1Keys<unknown>['token']): Promise<AppRecord | LegacyReply> {
    const verified = await verifyOAuth1Request(
      req,
      { consumer: (key) => this.store.appByConsumerKey(key), token },
      { nonces: this.nonces, clock: this.signingClock, open: (sealed) => this.sealer.open(sealed) },
    );
    if (!verified.ok) return refusal(verified.reason);
    if (verified.app.suspended) return v1Error(401, 416, 'Invalid / suspended application');
    return verified.app;
  }

  /** POST /oauth/request_token. */
  async requestToken(req: AuthRequest): Promise<LegacyReply> {
    const parts = signedParts(req);
    if (!parts) return COULD_NOT_AUTHENTICATE();
    const verified = await this.verify(req);
    if (!('id' in verified)) return verified;
    const app = verified;
    const callback = parts.get('oauth_callback');
    if (!callback) return v1Error(400, 215, 'Bad Authentication data.');
    if (callback !== 'oob' && !callbackAllowed(await appCallbacks(this.store, app.id), callback)) {
      return v1Error(403, 415, 'Callback URL not approved for this client application. Approved callback URLs can be adjusted in your application settings');
    }
    const token = this.tag + randomString(27);
    const secret = randomString(32);
    const now = this.clock.now();
    const record: RequestTokenRecord = {
      appId: app.id,
      secretSealed: this.sealer.seal(secret),
      callback,
      permission: requestedPermission(app.permission, parts.get('x_auth_access_type')),
      expiresAt: now + REQUEST_TOKEN_TTL_MS,
    };
    await this.ephemeral.put(requestTokenKey(token), JSON.stringify(record), REQUEST_TOKEN_TTL_MS, now);
    return text(200, form([['oauth_token', token], ['oauth_token_secret', secret], ['oauth_callback_confirmed', 'true']]));
  }

  /** GET /oauth/authorize and /oauth/authenticate: opens a pending authorization for a live request token. */
  async authorize(oauthToken: string | undefined, authenticate: boolean): Promise<OAuth1AuthorizeOutcome> {
    const raw = oauthToken ? await this.ephemeral.get(requestTokenKey(oauthToken), this.clock.now()) : null;
    const record = raw ? (JSON.parse(raw) as RequestTokenRecord) : null;
    const app = record && !record.userId ? await this.store.appById(record.appId) : null;
    if (!record || !app || app.suspended || !oauthToken) {
      return {
        kind: 'page',
        status: 400,
        reason:
          'This page is no longer valid. It looks like someone already used the token information you provided. ' +
          'Please return to the site that sent you to this page and try again – it was probably an honest mistake.',
      };
    }
    const grant: OAuth1Grant = {
      kind: 'oauth1', appId: app.id, requestToken: oauthToken, callback: record.callback, permission: record.permission, authenticate,
    };
    return { kind: 'consent', pending: await this.pending.create(grant), app };
  }

  /**
   * The user clicked Authorize: the request token is bound to the user and a verifier goes back to the App. Of two
   * approvals (two tabs, a reload) the first wins; the token it authorized is left for the App's exchange.
   */
  async approve(grant: OAuth1Grant, userId: string): Promise<OAuth1Decision> {
    const now = this.clock.now();
    const key = requestTokenKey(grant.requestToken);
    // Looked at first, so a second approval of an authorized token does not take it from the App even briefly.
    const seen = await this.ephemeral.get(key, now);
    if (!seen || (JSON.parse(seen) as RequestTokenRecord).userId) return { kind: 'expired' };
    const raw = await this.ephemeral.take(key, now);
    if (!raw) return { kind: 'expired' };
    const record = JSON.parse(raw) as RequestTokenRecord;
    const ttl = (record.expiresAt ?? now + REQUEST_TOKEN_TTL_MS) - now;
    if (record.userId) {
      // Authorized by an approval that won a race with this one: put back, unchanged, for the App's exchange.
      if (ttl > 0) await this.ephemeral.put(key, raw, ttl, now);
      return { kind: 'expired' };
    }
    if (ttl <= 0) return { kind: 'expired' };
    const oob = record.callback === 'oob';
    // X shows a 7-digit PIN for oob; a callback gets a longer random verifier.
    const verifier = oob ? randomString(7, '0123456789') : randomString(32);
    const authorized: RequestTokenRecord = { ...record, userId, verifierHash: hashToken(verifier) };
    await this.ephemeral.put(key, JSON.stringify(authorized), ttl, now);
    if (oob) return { kind: 'pin', pin: verifier };
    return { kind: 'redirect', location: withQuery(record.callback, [['oauth_token', grant.requestToken], ['oauth_verifier', verifier]]) };
  }

  /** The user clicked Cancel: the request token is spent; X sends the browser back with `denied=<token>`. */
  async deny(grant: OAuth1Grant): Promise<OAuth1Decision> {
    await this.ephemeral.delete(requestTokenKey(grant.requestToken));
    if (grant.callback === 'oob') return { kind: 'denied' };
    return { kind: 'redirect', location: withQuery(grant.callback, [['denied', grant.requestToken]]) };
  }

  /**
   * POST /oauth/access_token: oauth_token and oauth_verifier (header, query or form). Signed with the consumer key
   * and the request token when an OAuth header is sent; X's own example sends none, the verifier being the proof.
   * The request token is spent by the first attempt, right or wrong.
   */
  async accessToken(req: AuthRequest): Promise<LegacyReply> {
    const parts = signedParts(req);
    if (!parts) return COULD_NOT_AUTHENTICATE();
    const token = parts.get('oauth_token');
    if (!token) return text(401, 'Request token missing');
    const now = this.clock.now();
    const peeked = await this.ephemeral.get(requestTokenKey(token), now);
    if (!peeked) return text(401, 'Invalid request token.');
    const pendingRecord = JSON.parse(peeked) as RequestTokenRecord;
    if (parts.header) {
      const verified = await this.verify(req, async () => ({ appId: pendingRecord.appId, secretSealed: pendingRecord.secretSealed, record: null }));
      if (!('id' in verified)) return verified;
    }
    const raw = await this.ephemeral.take(requestTokenKey(token), now);
    if (!raw) return text(401, 'Invalid request token.');
    const record = JSON.parse(raw) as RequestTokenRecord;
    const verifier = parts.get('oauth_verifier') ?? '';
    if (!record.userId || !record.verifierHash || !constantTimeEqual(hashToken(verifier), record.verifierHash)) {
      return text(401, 'Error processing your OAuth request: Invalid oauth_verifier parameter');
    }
    const [app, [user]] = await Promise.all([this.store.appById(record.appId), this.store.usersByIds([record.userId])]);
    if (!app || app.suspended) return v1Error(401, 416, 'Invalid / suspended application');
    if (!user || user.suspended) return text(401, 'Error processing your OAuth request: Invalid oauth_verifier parameter');
    const minted = await this.credentials.mintOAuth1AccessToken(app, user.id, record.permission);
    return text(200, form([
      ['oauth_token', minted.accessToken],
      ['oauth_token_secret', minted.accessTokenSecret],
      ['user_id', user.id],
      ['screen_name', user.username],
    ]));
  }

  /**
   * POST /oauth/invalidate_token (and /1.1/oauth/invalidate_token): signed with the access token to revoke. X's
   * documented reply echoes it: `{"access_token":"<token>"}`.
   */
  async invalidate(req: AuthRequest): Promise<LegacyReply> {
    const parts = signedParts(req);
    const token = parts?.header?.get('oauth_token');
    if (!parts || !token) return v1Error(401, 89, 'Invalid or expired token.');
    const record = await this.store.oauth1Token(token);
    if (!record) return v1Error(401, 89, 'Invalid or expired token.');
    const verified = await this.verify(req, async () => ({ appId: record.appId, secretSealed: record.secretSealed, record }));
    // A signature that does not verify with this token (revoked, or another App's) means the token is not valid.
    if (!('id' in verified)) return verified.body === COULD_NOT_AUTHENTICATE().body ? v1Error(401, 89, 'Invalid or expired token.') : verified;
    if (!(await this.credentials.revokeOAuth1AccessToken(verified.id, token))) return v1Error(401, 89, 'Invalid or expired token.');
    return { status: 200, kind: 'json', body: JSON.stringify({ access_token: token }) };
  }
}
