// OAuth 2.0 Authorization Code with PKCE as X serves it (spec §9.2): the authorize request, codes valid 30 s and
// single-use, access tokens valid 2 hours, refresh tokens (with offline.access) that rotate on every use, and
// revocation. HTTP-free: src/http/routes/oauthFlows.ts turns these results into responses.
import { clientTypeOf, type AppRecord } from '../../domain/model.ts';
import type { Clock } from '../../ports/clock.ts';
import type { EphemeralStore } from '../../ports/ephemeral.ts';
import type { CredentialStore } from '../../ports/credentialStore.ts';
import type { AppSettings } from '../../ports/settingsStore.ts';
import type { CredentialIssuer } from '../credentials.ts';
import { basicCredentials } from '../basic.ts';
import { constantTimeEqual, hashToken, randomString } from '../secrets.ts';
import { appCallbacks, callbackAllowed, withQuery } from './callbacks.ts';
import type { OAuth2Grant, PendingAuthorization, PendingAuthorizations } from './pending.ts';
import { challengeWellFormed, pkceMethod, verifyPkce, type PkceMethod } from './pkce.ts';
import { enforcedScopes, parseScopes } from './scopes.ts';

/** Authorization codes live 30 seconds (X's glossary). */
export const CODE_TTL_MS = 30 * 1000;
/** Access tokens live 2 hours (X: "only stay valid for two hours unless you've used the offline.access scope"). */
export const ACCESS_TOKEN_TTL_MS = 2 * 60 * 60 * 1000;
/** X documents no refresh-token lifetime ("until you revoke access"); ours lapse after 180 days unused. */
export const REFRESH_TOKEN_TTL_MS = 180 * 24 * 60 * 60 * 1000;
/**
 * Live access tokens kept per token family: a refresh rotation normally leaves one or two, so a family past this is
 * a client refreshing far more often than its tokens expire; its oldest are revoked to keep the record small.
 */
export const FAMILY_ACCESS_LIMIT = 20;
const MAX_STATE_LENGTH = 500;

export const CODE_INVALID = 'Value passed for the authorization code was invalid.';
export const TOKEN_INVALID = 'Value passed for the token was invalid.';
const GRANT_INVALID = 'Value passed for the grant type was invalid. Grant type should be one of [authorization_code, refresh_token].';
const BAD_CLIENT_AUTH = 'Missing valid authorization header';

export interface JsonReply {
  status: number;
  body: Record<string, unknown>;
}

const oauthError = (status: number, error: string, description: string): JsonReply => ({
  status,
  body: { error, error_description: description },
});
const missing = (name: string) => oauthError(400, 'invalid_request', `Missing required parameter [${name}].`);

/** What the authorize endpoint does with a request. */
export type AuthorizeOutcome =
  /** client_id or redirect_uri cannot be trusted: an error page, never a redirect. */
  | { kind: 'page'; status: number; reason: string }
  /** Anything else wrong: back to the (validated) redirect_uri with error=… (RFC 6749 §4.1.2.1). */
  | { kind: 'redirect'; location: string }
  | { kind: 'consent'; pending: PendingAuthorization; app: AppRecord };

interface CodeRecord {
  appId: string;
  userId: string;
  redirectUri: string;
  scopes: string[];
  challenge: string;
  method: PkceMethod;
}

interface RefreshRecord {
  appId: string;
  userId: string;
  scopes: string[];
  /** The access token issued with this refresh token: revoking the refresh token revokes it too. */
  accessTokenHash: string;
  /** The token family: every token descended from one authorization code (absent on records from before families). */
  family?: string;
}

/**
 * A token family (RFC 6819 §5.2.2.3, OAuth 2.0 Security BCP §4.14.2): the tokens descended from one authorization
 * code. Rotation leaves one live refresh token; the access tokens are kept until they expire.
 */
interface FamilyRecord {
  appId: string;
  refreshHash: string | null;
  /** [sha256, expiresAt] of each access token issued in the family and not yet expired. */
  access: [string, number][];
}

/** Left where a refresh token was spent: presenting it again is reuse, and revokes its family. */
interface SpentRecord {
  appId: string;
  family: string;
}

const codeKey = (code: string) => `code:${hashToken(code)}`;
const refreshKey = (token: string) => `refresh:${hashToken(token)}`;
const refreshHashKey = (hash: string) => `refresh:${hash}`;
const spentKey = (token: string) => `refresh-spent:${hashToken(token)}`;
const familyKey = (family: string) => `family:${family}`;
/** Set once a family is revoked and never overwritten, so a refresh in flight learns of it (see `refresh`). */
const familyRevokedKey = (family: string) => `family-revoked:${family}`;

export class OAuth2Flow {
  constructor(
    private readonly store: CredentialStore & Pick<AppSettings, 'callbackUrls'>,
    private readonly ephemeral: EphemeralStore,
    private readonly credentials: CredentialIssuer,
    private readonly pending: PendingAuthorizations,
    private readonly clock: Clock,
  ) {}

  /** GET /i/oauth2/authorize: checks the request and opens a pending authorization for the sign-in page. */
  async authorize(params: ReadonlyMap<string, string>): Promise<AuthorizeOutcome> {
    const clientId = params.get('client_id');
    if (!clientId) return { kind: 'page', status: 400, reason: 'The request has no client_id.' };
    const app = await this.store.appByClientId(clientId);
    if (!app || app.suspended) return { kind: 'page', status: 400, reason: 'No App has this client_id.' };
    const redirectUri = params.get('redirect_uri');
    if (!redirectUri) return { kind: 'page', status: 400, reason: 'The request has no redirect_uri.' };
    if (!callbackAllowed(await appCallbacks(this.store, app.id), redirectUri)) {
      return { kind: 'page', status: 400, reason: 'The redirect_uri is not one of the callback URLs registered for this App.' };
    }

    const state = params.get('state');
    const back = (error: string, description: string): AuthorizeOutcome => ({
      kind: 'redirect',
      location: withQuery(redirectUri, [
        ['error', error],
        ['error_description', description],
        ...(state ? ([['state', state]] as const) : []),
      ]),
    });
    const responseType = params.get('response_type');
    if (!responseType) return back('invalid_request', 'Missing required parameter [response_type].');
    if (responseType !== 'code') return back('unsupported_response_type', 'Value passed for the response_type was invalid.');
    const rawScope = params.get('scope');
    if (!rawScope || !rawScope.trim()) return back('invalid_request', 'Missing required parameter [scope].');
    const scopes = parseScopes(rawScope);
    if (!scopes.ok) return back('invalid_scope', `Value passed for the scope was invalid: [${scopes.unknown.join(', ')}].`);
    if (!state) return back('invalid_request', 'Missing required parameter [state].');
    if (state.length > MAX_STATE_LENGTH) return back('invalid_request', 'Value passed for the state was invalid.');
    const challenge = params.get('code_challenge');
    if (!challenge) return back('invalid_request', 'Missing required parameter [code_challenge].');
    const method = pkceMethod(params.get('code_challenge_method'));
    if (!method) return back('invalid_request', 'Value passed for the code_challenge_method was invalid.');
    if (!challengeWellFormed(method, challenge)) return back('invalid_request', 'Value passed for the code_challenge was invalid.');

    const grant: OAuth2Grant = { kind: 'oauth2', appId: app.id, clientId, redirectUri, scopes: scopes.scopes, state, challenge, method };
    return { kind: 'consent', pending: await this.pending.create(grant), app };
  }

  /** The user clicked Authorize: a code for the App, delivered by redirect. */
  async approve(grant: OAuth2Grant, userId: string): Promise<string> {
    const code = randomString(86);
    const record: CodeRecord = {
      appId: grant.appId, userId, redirectUri: grant.redirectUri, scopes: grant.scopes, challenge: grant.challenge, method: grant.method,
    };
    await this.ephemeral.put(codeKey(code), JSON.stringify(record), CODE_TTL_MS, this.clock.now());
    return withQuery(grant.redirectUri, [['state', grant.state], ['code', code]]);
  }

  /** The user clicked Cancel. */
  deny(grant: OAuth2Grant): string {
    return withQuery(grant.redirectUri, [['error', 'access_denied'], ['state', grant.state]]);
  }

  /**
   * The client, by its App's type: a confidential client (Web App, Automated App or bot) must authenticate with
   * Basic client_id:client_secret, as on X (which answers `unauthorized_client` / `Missing valid authorization
   * header` to one that sends only its client_id); a public client (Native App, Single page App) names itself with
   * client_id. A Basic header that does not verify is refused from either kind, even when a client_id is also given.
   */
  private async client(params: ReadonlyMap<string, string>, authorization: string | undefined): Promise<AppRecord | JsonReply> {
    const bodyId = params.get('client_id');
    if (authorization !== undefined && authorization.trim() !== '') {
      const basic = basicCredentials(authorization);
      const app = basic ? await this.store.appByClientId(basic[0]) : null;
      if (!basic || !app || app.suspended || !constantTimeEqual(app.clientSecretHash, hashToken(basic[1]))) {
        return oauthError(401, 'unauthorized_client', BAD_CLIENT_AUTH);
      }
      if (bodyId !== undefined && bodyId !== basic[0]) return oauthError(401, 'unauthorized_client', BAD_CLIENT_AUTH);
      return app;
    }
    if (!bodyId) return missing('client_id');
    const app = await this.store.appByClientId(bodyId);
    if (!app || app.suspended) return oauthError(401, 'invalid_client', 'Value passed for the client_id was invalid.');
    if (clientTypeOf(app.appType) === 'confidential') return oauthError(401, 'unauthorized_client', BAD_CLIENT_AUTH);
    return app;
  }

  /** POST /2/oauth2/token. */
  async token(params: ReadonlyMap<string, string>, authorization: string | undefined): Promise<JsonReply> {
    const grantType = params.get('grant_type');
    if (!grantType) return missing('grant_type');
    if (grantType !== 'authorization_code' && grantType !== 'refresh_token') return oauthError(400, 'invalid_request', GRANT_INVALID);
    const client = await this.client(params, authorization);
    if (!('id' in client)) return client;
    return grantType === 'authorization_code' ? this.exchangeCode(client, params) : this.refresh(client, params);
  }

  private async exchangeCode(app: AppRecord, params: ReadonlyMap<string, string>): Promise<JsonReply> {
    const code = params.get('code');
    if (!code) return missing('code');
    const verifier = params.get('code_verifier');
    if (!verifier) return missing('code_verifier');
    const redirectUri = params.get('redirect_uri');
    if (!redirectUri) return missing('redirect_uri');
    // Taken before anything is checked: a code is spent by its first use, right or wrong.
    const raw = await this.ephemeral.take(codeKey(code), this.clock.now());
    if (!raw) return oauthError(400, 'invalid_request', CODE_INVALID);
    const record = JSON.parse(raw) as CodeRecord;
    if (record.appId !== app.id || record.redirectUri !== redirectUri || !verifyPkce(record.method, record.challenge, verifier)) {
      return oauthError(400, 'invalid_request', CODE_INVALID);
    }
    return this.issue(app, record.userId, record.scopes, randomString(32), []);
  }

  /**
   * A refresh token is single-use. Before spending it, a marker is left under its hash; a token presented once it is
   * spent (the marker is there, or a concurrent use won the take) is reuse: the token may have been stolen, so its
   * whole family, the newest access and refresh tokens included, is revoked.
   */
  private async refresh(app: AppRecord, params: ReadonlyMap<string, string>): Promise<JsonReply> {
    const token = params.get('refresh_token');
    if (!token) return missing('refresh_token');
    const now = this.clock.now();
    const current = await this.ephemeral.get(refreshKey(token), now);
    if (!current) {
      const spent = await this.ephemeral.get(spentKey(token), now);
      if (spent) {
        const marker = JSON.parse(spent) as SpentRecord;
        if (marker.appId === app.id) await this.revokeFamily(marker.family);
      }
      return oauthError(400, 'invalid_request', TOKEN_INVALID);
    }
    const live = JSON.parse(current) as RefreshRecord;
    if (live.appId !== app.id) return oauthError(400, 'invalid_request', TOKEN_INVALID);
    const family = live.family ?? randomString(32);
    const marker: SpentRecord = { appId: app.id, family };
    await this.ephemeral.put(spentKey(token), JSON.stringify(marker), REFRESH_TOKEN_TTL_MS, now);
    // Single use: of several refreshes racing with one token, one wins; the others are reuse.
    const raw = await this.ephemeral.take(refreshKey(token), now);
    if (!raw) {
      await this.revokeFamily(family);
      return oauthError(400, 'invalid_request', TOKEN_INVALID);
    }
    let reply: JsonReply;
    try {
      if (await this.ephemeral.get(familyRevokedKey(family), now)) return oauthError(400, 'invalid_request', TOKEN_INVALID);
      const record = JSON.parse(raw) as RefreshRecord;
      const known = await this.ephemeral.get(familyKey(family), now);
      const access = known ? (JSON.parse(known) as FamilyRecord).access : [[record.accessTokenHash, now + ACCESS_TOKEN_TTL_MS] as [string, number]];
      reply = await this.issue(app, record.userId, record.scopes, family, access);
    } catch (error) {
      // The store or Redis failed: the client gets its 503, and its retry must be a refresh, not reuse.
      await this.unspend(token, raw, family, now).catch(() => {});
      throw error;
    }
    // A revocation that read the family before this refresh wrote it has set the revoked mark first: undo this one.
    if (await this.ephemeral.get(familyRevokedKey(family), this.clock.now())) {
      await this.revokeFamily(family);
      return oauthError(400, 'invalid_request', TOKEN_INVALID);
    }
    return reply;
  }

  /** Puts a refresh token back as it was before a refresh that failed; a family revoked meanwhile stays revoked. */
  private async unspend(token: string, raw: string, family: string, now: number): Promise<void> {
    await this.ephemeral.put(refreshKey(token), raw, REFRESH_TOKEN_TTL_MS, now);
    await this.ephemeral.delete(spentKey(token));
    if (await this.ephemeral.get(familyRevokedKey(family), now)) await this.ephemeral.delete(refreshKey(token));
  }

  /** Revokes every token of a family: the live refresh token and the access tokens not yet expired. */
  private async revokeFamily(family: string): Promise<void> {
    const now = this.clock.now();
    await this.ephemeral.put(familyRevokedKey(family), '1', REFRESH_TOKEN_TTL_MS, now);
    const raw = await this.ephemeral.take(familyKey(family), now);
    if (!raw) return;
    const record = JSON.parse(raw) as FamilyRecord;
    if (record.refreshHash) await this.ephemeral.delete(refreshHashKey(record.refreshHash));
    for (const [hash] of record.access) await this.credentials.revokeOAuth2AccessToken(record.appId, hash);
  }

  /**
   * A 2-hour access token, plus a refresh token when offline.access was granted; `access` lists the family's earlier
   * access tokens (kept while they live, for revoking the family).
   */
  private async issue(app: AppRecord, userId: string, scopes: string[], family: string, access: [string, number][]): Promise<JsonReply> {
    const minted = await this.credentials.mintOAuth2AccessToken(app, userId, enforcedScopes(scopes), ACCESS_TOKEN_TTL_MS);
    const body: Record<string, unknown> = {
      token_type: 'bearer',
      expires_in: ACCESS_TOKEN_TTL_MS / 1000,
      access_token: minted.accessToken,
      scope: scopes.join(' '),
    };
    if (scopes.includes('offline.access')) {
      const now = this.clock.now();
      const refreshToken = randomString(91);
      const record: RefreshRecord = { appId: app.id, userId, scopes, accessTokenHash: minted.tokenHash, family };
      const live: [string, number][] = [...access.filter(([, expiresAt]) => expiresAt > now), [minted.tokenHash, minted.expiresAt]];
      const dropped = live.splice(0, Math.max(0, live.length - FAMILY_ACCESS_LIMIT));
      const members: FamilyRecord = { appId: app.id, refreshHash: hashToken(refreshToken), access: live };
      try {
        // The oldest, left out of the record, are revoked first: no token outlives the family's power to revoke it.
        for (const [hash] of dropped) await this.credentials.revokeOAuth2AccessToken(app.id, hash);
        // The token before the family record that names it: a revocation that reads the record finds the token.
        await this.ephemeral.put(refreshKey(refreshToken), JSON.stringify(record), REFRESH_TOKEN_TTL_MS, now);
        await this.ephemeral.put(familyKey(family), JSON.stringify(members), REFRESH_TOKEN_TTL_MS, now);
      } catch (error) {
        // Nothing reaches the client: the access token it would have had goes too (the family record may not name it).
        await this.credentials.revokeOAuth2AccessToken(app.id, minted.tokenHash).catch(() => {});
        throw error;
      }
      body.refresh_token = refreshToken;
    }
    return { status: 200, body };
  }

  /**
   * POST /2/oauth2/revoke: an access or refresh token of the calling App (token_type_hint is not needed). Revoking
   * a refresh token revokes its whole family (RFC 7009 §2.1: the access tokens of the same grant), a spent one
   * included: its marker names the family, and the family's revoked mark stops a refresh in flight with it. An
   * unknown token is answered like a revoked one (RFC 7009 §2.2); a token of another App is refused.
   */
  async revoke(params: ReadonlyMap<string, string>, authorization: string | undefined): Promise<JsonReply> {
    const client = await this.client(params, authorization);
    if (!('id' in client)) return client;
    const token = params.get('token');
    if (!token) return missing('token');
    const now = this.clock.now();
    const refresh = await this.ephemeral.get(refreshKey(token), now);
    if (refresh) {
      const record = JSON.parse(refresh) as RefreshRecord;
      if (record.appId !== client.id) return oauthError(400, 'invalid_request', TOKEN_INVALID);
      if (record.family) await this.revokeFamily(record.family);
      await this.ephemeral.delete(refreshKey(token));
      await this.credentials.revokeOAuth2AccessToken(client.id, record.accessTokenHash);
      return { status: 200, body: { revoked: true } };
    }
    const spent = await this.ephemeral.get(spentKey(token), now);
    if (spent) {
      const marker = JSON.parse(spent) as SpentRecord;
      if (marker.appId === client.id) await this.revokeFamily(marker.family);
      return { status: 200, body: { revoked: true } };
    }
    const bearer = await this.store.bearerByHash(hashToken(token));
    if (bearer) {
      if (bearer.kind !== 'user' || bearer.appId !== client.id) return oauthError(400, 'invalid_request', TOKEN_INVALID);
      await this.credentials.revokeOAuth2AccessToken(client.id, bearer.tokenHash);
    }
    return { status: 200, body: { revoked: true } };
  }
}
