// Who sent this request: verifies OAuth 1.0a signatures and looks up bearer tokens. Every failure is X's
// generic 401; which check failed is never revealed.
import type { AppPermission, AppRecord, OAuth2Scope, UserRecord } from '../domain/model.ts';
import { unauthorized } from '../domain/problems.ts';
import type { Clock } from '../ports/clock.ts';
import type { NonceStore } from '../ports/nonceStore.ts';
import type { ContentStore } from '../ports/contentStore.ts';
import type { CredentialStore } from '../ports/credentialStore.ts';
import { oauth1BaseUrl, parseOAuthAuthorization, verifyOAuth1Signature } from './oauth1.ts';
import { hashToken, type SecretSealer } from './secrets.ts';
import { VersionedMemo } from '../versionedMemo.ts';

export type Principal =
  | { kind: 'app-only'; app: AppRecord }
  | { kind: 'oauth1'; app: AppRecord; userId: string; permission: AppPermission }
  | { kind: 'oauth2-user'; app: AppRecord; userId: string; scopes: ReadonlySet<OAuth2Scope> };

/** The parts of an HTTP request authentication needs, independent of the HTTP framework. */
export interface AuthRequest {
  method: string;
  authorization: string | undefined;
  /** Scheme and host the client reached us by (from the Host and X-Forwarded-Proto headers). */
  scheme: string;
  host: string;
  /** The path exactly as sent, without the query string. */
  rawPath: string;
  /** Query parameters plus form-encoded body parameters, decoded, in order. */
  params: readonly [string, string][];
}

/** Hosts a client may have signed for instead of ours: X's public API hosts. */
const PUBLIC_BASES = ['https://api.x.com', 'https://api.twitter.com'];

/** Accepted OAuth 1.0a clock skew either way, and so how long nonces are remembered. */
export const OAUTH1_TIMESTAMP_WINDOW_MS = 5 * 60 * 1000;

export class Authenticator {
  constructor(
    private readonly store: CredentialStore & Pick<ContentStore, 'usersByIds'>,
    private readonly sealer: SecretSealer,
    private readonly nonces: NonceStore,
    private readonly clock: Clock,
    private readonly memo: VersionedMemo = new VersionedMemo(),
  ) {}

  private readonly opened = new Map<string, string>();

  /**
   * `version` is the data version read before this request (null where none covers every writer): credential
   * lookups are remembered while it stays current, and every credential write bumps it.
   */
  async authenticate(req: AuthRequest, version: string | null = null): Promise<Principal> {
    const header = req.authorization?.trim();
    if (!header) throw unauthorized();
    if (/^bearer\s/i.test(header)) return this.bearer(header.slice(6).trim(), version);
    if (/^oauth\s/i.test(header)) return this.oauth1(req, header, version);
    throw unauthorized();
  }

  private async bearer(token: string, version: string | null): Promise<Principal> {
    if (!token || token.length > 2048) throw unauthorized();
    // Percent-encoded bearer tokens (as X issues them) and their decoded form are the same credential.
    let decoded = token;
    try {
      decoded = decodeURIComponent(token);
    } catch {
      throw unauthorized();
    }
    const hash = hashToken(decoded);
    const record = await this.memo.get(version, `bearer:${hash}`, () => this.store.bearerByHash(hash));
    if (!record) throw unauthorized();
    const app = await this.memo.get(version, `app:${record.appId}`, () => this.store.appById(record.appId));
    if (!app) throw unauthorized();
    if (record.kind === 'app') return { kind: 'app-only', app };
    if (record.expiresAt !== null && record.expiresAt <= this.clock.now()) throw unauthorized();
    await this.requireActiveUser(record.userId, version);
    return { kind: 'oauth2-user', app, userId: record.userId, scopes: new Set(record.scopes) };
  }

  private async oauth1(req: AuthRequest, header: string, version: string | null): Promise<Principal> {
    const oauth = parseOAuthAuthorization(header);
    if (!oauth) throw unauthorized();
    const consumerKey = oauth.get('oauth_consumer_key');
    const token = oauth.get('oauth_token');
    const signature = oauth.get('oauth_signature');
    const nonce = oauth.get('oauth_nonce');
    const timestamp = oauth.get('oauth_timestamp');
    if (!consumerKey || !token || !signature || !nonce || !timestamp) throw unauthorized();
    if (oauth.get('oauth_signature_method') !== 'HMAC-SHA1') throw unauthorized();
    const oauthVersion = oauth.get('oauth_version');
    if (oauthVersion !== undefined && oauthVersion !== '1.0') throw unauthorized();
    if (!/^\d{1,12}$/.test(timestamp) || Math.abs(Number(timestamp) * 1000 - this.clock.now()) > OAUTH1_TIMESTAMP_WINDOW_MS) {
      throw unauthorized();
    }

    const [app, tokenRecord] = await Promise.all([
      this.memo.get(version, `consumer:${consumerKey}`, () => this.store.appByConsumerKey(consumerKey)),
      this.memo.get(version, `oauth1:${token}`, () => this.store.oauth1Token(token)),
    ]);
    if (!app || !tokenRecord || tokenRecord.appId !== app.id) throw unauthorized();

    const headerParams: [string, string][] = [...oauth].filter(([k]) => k !== 'oauth_signature' && k !== 'realm');
    const params = [...req.params.filter(([k]) => !(k.startsWith('oauth_') && oauth.has(k))), ...headerParams];
    const baseUrls = [
      oauth1BaseUrl(req.scheme, req.host, req.rawPath),
      ...PUBLIC_BASES.map((base) => `${base}${req.rawPath}`),
    ];
    const valid = verifyOAuth1Signature({
      method: req.method,
      baseUrls,
      params,
      consumerSecret: this.open(app.consumerSecretSealed),
      tokenSecret: this.open(tokenRecord.secretSealed),
      signature,
    });
    if (!valid) throw unauthorized();
    // Only a verified request spends its nonce, so forged requests cannot burn a client's nonces.
    // Remembered only while the timestamp is inside the window (past it the timestamp check refuses a replay),
    // under a short digest of the request's identity, so memory stays small under heavy OAuth 1.0a load.
    const now = this.clock.now();
    const fresh = await this.nonces.remember(
      `oauth1:${hashToken(`${consumerKey}\u0000${token}\u0000${timestamp}\u0000${nonce}`).slice(0, 32)}`,
      Math.max(1, Number(timestamp) * 1000 + OAUTH1_TIMESTAMP_WINDOW_MS - now),
      now,
    );
    if (!fresh) throw unauthorized();
    await this.requireActiveUser(tokenRecord.userId, version);
    return { kind: 'oauth1', app, userId: tokenRecord.userId, permission: tokenRecord.permission };
  }

  /** Sealed secrets never change their plaintext, so each is decrypted once. */
  private open(sealed: string): string {
    let plain = this.opened.get(sealed);
    if (plain === undefined) {
      plain = this.sealer.open(sealed);
      if (this.opened.size >= 10_000) this.opened.clear();
      this.opened.set(sealed, plain);
    }
    return plain;
  }

  private async requireActiveUser(userId: string, version: string | null): Promise<UserRecord> {
    const [user] = await this.memo.get(version, `user:${userId}`, () => this.store.usersByIds([userId]));
    if (!user || user.suspended) throw unauthorized();
    return user;
  }
}
