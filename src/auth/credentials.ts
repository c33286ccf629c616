// Minting and regenerating Projects, Apps, keys and tokens. Plaintext secrets leave this module once, to
// the caller that creates them; the store keeps hashes (or sealed values where HMAC needs the plaintext).
import type { SnowflakeIds } from '../domain/ids.ts';
import {
  clientTypeOf, type AppPermission, type AppRecord, type AppType, type OAuth2Scope, type PolicyOverrides, type ProjectRecord,
} from '../domain/model.ts';
import type { Clock } from '../ports/clock.ts';
import type { CredentialStore } from '../ports/credentialStore.ts';
import type { AppSettings } from '../ports/settingsStore.ts';
import { constantTimeEqual, hashToken, randomString, type SecretSealer } from './secrets.ts';

export interface AppSecrets {
  app: AppRecord;
  consumerKey: string;
  consumerSecret: string;
  clientId: string;
  clientSecret: string;
  bearerToken: string;
}

export interface UserTokens {
  accessToken: string;
  accessTokenSecret: string;
  oauth2AccessToken: string;
  oauth2Scopes: OAuth2Scope[];
}

const ALL_SCOPES: OAuth2Scope[] = ['tweet.read', 'users.read', 'like.read', 'like.write', 'offline.access'];

/** OAuth 2.0 access tokens are removed once expired this long (refused the same way meanwhile: expired)… */
export const EXPIRED_TOKEN_KEPT_MS = 24 * 60 * 60_000;
/** …by the minting of new ones, at most this often, up to this many a round. */
export const EXPIRED_TOKEN_SWEEP_EVERY_MS = 10 * 60_000;
const EXPIRED_TOKEN_SWEEP_MAX = 10_000;

export class CredentialIssuer {
  constructor(
    private readonly store: CredentialStore & Pick<AppSettings, 'sealedAppBearer' | 'setSealedAppBearer'>,
    private readonly sealer: SecretSealer,
    private readonly ids: SnowflakeIds,
    private readonly clock: Clock,
    /** What every routable credential minted here begins with: a sandbox's tag (src/domain/sandboxes), '' by default. */
    private readonly tag = '',
  ) {}

  /** When (on the clock) expired access tokens were last swept. */
  private lastSweep = Number.NEGATIVE_INFINITY;

  async createProject(name: string, opts: Partial<Omit<ProjectRecord, 'id' | 'name'>> = {}): Promise<ProjectRecord> {
    const project: ProjectRecord = {
      id: this.ids.next(),
      name,
      monthlyTweetCap: opts.monthlyTweetCap ?? 10_000_000,
      capResetDay: opts.capResetDay ?? 1,
      developerState: opts.developerState ?? 'approved',
      developerId: opts.developerId ?? null,
      policy: opts.policy ?? {},
    };
    await this.store.putProject(project);
    return project;
  }

  async createApp(
    name: string,
    projectId: string | null,
    permission: AppPermission = 'read-write',
    policy: PolicyOverrides = {},
    appType: AppType = 'web',
  ): Promise<AppSecrets> {
    const consumerKey = this.tag + randomString(25);
    const consumerSecret = randomString(50);
    const clientId = this.tag + randomString(34);
    const clientSecret = randomString(50);
    const app: AppRecord = {
      id: this.ids.next(),
      name,
      projectId,
      permission,
      suspended: false,
      consumerKey,
      consumerSecretSealed: this.sealer.seal(consumerSecret),
      clientId,
      clientSecretHash: hashToken(clientSecret),
      policy,
      appType,
    };
    await this.store.putApp(app);
    const bearerToken = await this.mintAppBearer(app.id);
    return { app, consumerKey, consumerSecret, clientId, clientSecret, bearerToken };
  }

  /** A new app-only Bearer token; any previous one stops working. */
  async mintAppBearer(appId: string): Promise<string> {
    await this.store.deleteBearersOfApp(appId, 'app');
    const token = `${this.tag}AAAAAAAAAAAAAAAAAAAAA${randomString(91)}`;
    await this.store.putBearer({ kind: 'app', tokenHash: hashToken(token), appId });
    // Kept sealed, so /oauth2/token can hand out the same one again.
    await this.store.setSealedAppBearer(appId, this.sealer.seal(token));
    return token;
  }

  /** The App's current Bearer token, or null when it was invalidated. */
  async currentAppBearer(appId: string): Promise<string | null> {
    const sealed = await this.store.sealedAppBearer(appId);
    if (!sealed) return null;
    const token = this.sealer.open(sealed);
    return (await this.store.bearerByHash(hashToken(token))) ? token : null;
  }

  async invalidateAppBearer(appId: string, token: string): Promise<boolean> {
    const record = await this.store.bearerByHash(hashToken(token));
    if (!record || record.kind !== 'app' || record.appId !== appId) return false;
    await this.store.deleteBearer(record.tokenHash);
    return true;
  }

  /** OAuth 1.0a access token (`<user id>-<random>`) and an OAuth 2.0 user token for `userId` on `app`. */
  async mintUserTokens(app: AppRecord, userId: string, scopes: OAuth2Scope[] = ALL_SCOPES, oauth2TtlMs: number | null = null): Promise<UserTokens> {
    const { accessToken, accessTokenSecret } = await this.mintOAuth1AccessToken(app, userId);
    const oauth2AccessToken = this.tag + randomString(91);
    await this.store.putBearer({
      kind: 'user',
      tokenHash: hashToken(oauth2AccessToken),
      appId: app.id,
      userId,
      scopes,
      expiresAt: oauth2TtlMs === null ? null : this.clock.now() + oauth2TtlMs,
    });
    return { accessToken, accessTokenSecret, oauth2AccessToken, oauth2Scopes: scopes };
  }

  /**
   * An OAuth 1.0a access token (`<user id>-<random>`) and secret for `userId` on `app`: what the three-legged flow
   * issues, and the App owner's "Access Token and Secret" of the portal. It keeps `permission` for good.
   */
  async mintOAuth1AccessToken(
    app: AppRecord,
    userId: string,
    permission: AppPermission = app.permission,
  ): Promise<{ accessToken: string; accessTokenSecret: string }> {
    const accessToken = `${userId}-${randomString(40)}`;
    const accessTokenSecret = randomString(45);
    await this.store.putOAuth1Token({ token: accessToken, appId: app.id, userId, secretSealed: this.sealer.seal(accessTokenSecret), permission });
    return { accessToken, accessTokenSecret };
  }

  /** Revokes one OAuth 1.0a access token of `appId`; false when it is not one. */
  async revokeOAuth1AccessToken(appId: string, token: string): Promise<boolean> {
    const record = await this.store.oauth1Token(token);
    if (!record || record.appId !== appId) return false;
    await this.store.deleteOAuth1Token(token);
    return true;
  }

  /** An OAuth 2.0 user access token (Authorization Code flow) that expires `ttlMs` from now. */
  async mintOAuth2AccessToken(
    app: AppRecord,
    userId: string,
    scopes: OAuth2Scope[],
    ttlMs: number,
  ): Promise<{ accessToken: string; tokenHash: string; expiresAt: number }> {
    const accessToken = this.tag + randomString(91);
    const tokenHash = hashToken(accessToken);
    const expiresAt = this.clock.now() + ttlMs;
    await this.store.putBearer({ kind: 'user', tokenHash, appId: app.id, userId, scopes, expiresAt });
    await this.sweepExpiredTokens();
    return { accessToken, tokenHash, expiresAt };
  }

  /**
   * Access tokens are added only here, so minting is what removes the long-expired ones, at most every
   * EXPIRED_TOKEN_SWEEP_EVERY_MS: the store keeps what was minted within a token's lifetime and a day, not every token
   * ever issued. A sweep that fails is left to the next mint; the new token stands either way.
   */
  private async sweepExpiredTokens(): Promise<void> {
    const now = this.clock.now();
    if (now - this.lastSweep < EXPIRED_TOKEN_SWEEP_EVERY_MS) return;
    this.lastSweep = now;
    try {
      await this.store.deleteBearersExpiredBy(now - EXPIRED_TOKEN_KEPT_MS, EXPIRED_TOKEN_SWEEP_MAX);
    } catch {
      this.lastSweep = Number.NEGATIVE_INFINITY;
    }
  }

  /** Revokes an OAuth 2.0 user access token of `appId` by its hash; false when it is not one. */
  async revokeOAuth2AccessToken(appId: string, tokenHash: string): Promise<boolean> {
    const record = await this.store.bearerByHash(tokenHash);
    if (!record || record.kind !== 'user' || record.appId !== appId) return false;
    await this.store.deleteBearer(tokenHash);
    return true;
  }

  /** New consumer key and secret; every OAuth 1.0a token of the App stops working, as on X. */
  async regenerateConsumerKeys(app: AppRecord): Promise<{ consumerKey: string; consumerSecret: string }> {
    const consumerKey = this.tag + randomString(25);
    const consumerSecret = randomString(50);
    await this.store.putApp({ ...app, consumerKey, consumerSecretSealed: this.sealer.seal(consumerSecret) });
    await this.store.deleteOAuth1TokensOfApp(app.id);
    return { consumerKey, consumerSecret };
  }

  /**
   * Changes the App's user authentication settings (X's "App permissions" and "Type of App"). Access tokens already
   * issued keep the permission they were issued with, as on X. A public client that becomes confidential gets a new
   * client secret (returned, to be shown once); a confidential one that becomes public has its secret replaced by one
   * nobody holds, so the old one stops authenticating and a later switch back cannot revive it.
   */
  async changeUserAuthentication(
    app: AppRecord,
    settings: { permission: AppPermission; appType: AppType },
  ): Promise<{ app: AppRecord; clientSecret: string | null }> {
    const was = clientTypeOf(app.appType);
    const becomes = clientTypeOf(settings.appType);
    const clientSecret = was === 'public' && becomes === 'confidential' ? randomString(50) : null;
    const retired = was === 'confidential' && becomes === 'public';
    const clientSecretHash = clientSecret !== null ? hashToken(clientSecret) : retired ? hashToken(randomString(50)) : app.clientSecretHash;
    const changed: AppRecord = { ...app, permission: settings.permission, appType: settings.appType, clientSecretHash };
    await this.store.putApp(changed);
    return { app: changed, clientSecret };
  }

  async regenerateClientSecret(app: AppRecord): Promise<string> {
    const clientSecret = randomString(50);
    await this.store.putApp({ ...app, clientSecretHash: hashToken(clientSecret) });
    return clientSecret;
  }

  /** Checks consumer key and secret (Basic auth of /oauth2/token); null when they do not match. */
  async verifyConsumer(consumerKey: string, consumerSecret: string): Promise<AppRecord | null> {
    const app = await this.store.appByConsumerKey(consumerKey);
    if (!app) return null;
    return constantTimeEqual(this.sealer.open(app.consumerSecretSealed), consumerSecret) ? app : null;
  }
}
