// Who sent this request: verifies OAuth 1.0a signatures and looks up bearer tokens. Every failure is X's
// generic 401; which check failed is never revealed to the client, only carried on the 401 (`refusal`) for the
// sandbox request inspector.
import { authSchemeOfHeader, type AuthRefusal, type AuthScheme } from '../domain/authRefusal.ts';
import type { Principal } from '../domain/principal.ts';
import { unauthorized } from '../domain/problems.ts';
import type { Clock } from '../ports/clock.ts';
import type { NonceStore } from '../ports/nonceStore.ts';
import type { AccountFlags, ContentStore } from '../ports/contentStore.ts';
import type { CredentialStore } from '../ports/credentialStore.ts';
import type { AuthRequest } from './authRequest.ts';
import { verifyOAuth1Request } from './oauth1Verifier.ts';
import { hashToken, type SecretSealer } from './secrets.ts';
import { thenSettle, type Settling } from '../settling.ts';
import { remembered } from '../remembered.ts';
import { VersionedMemo } from '../versionedMemo.ts';

/** What a bearer token authenticates, and from when it no longer does (null: never expires). */
interface KnownBearer {
  principal: Principal;
  expiresAt: number | null;
  /** The refusal once it has expired. */
  expired: AuthRefusal | null;
}

export class Authenticator {
  constructor(
    private readonly store: CredentialStore & Pick<ContentStore, 'accountFlags'>,
    private readonly sealer: SecretSealer,
    private readonly nonces: NonceStore,
    private readonly clock: Clock,
    private readonly memo: VersionedMemo = new VersionedMemo(),
    /** Real time, for the OAuth 1.0a timestamp window (clients sign with their own clock, not a sandbox's). */
    private readonly signingClock: Clock = clock,
  ) {}

  /** Sealed secrets never change their plaintext, so each is decrypted once. */
  private readonly open = remembered((sealed) => this.sealer.open(sealed));
  /** A client sends the same bearer token with every request: its hash (4 % of a cache hit's instructions) is made once. */
  private readonly hashOf = remembered(hashToken);

  /**
   * `version` is the data version read before this request (null where none covers every writer): credential
   * lookups are remembered while it stays current, and every credential write bumps it.
   */
  authenticate(req: AuthRequest, version: string | null = null): Settling<Principal> {
    // A refusal is always a rejected promise, never thrown at the caller; a remembered bearer token's principal comes
    // at once.
    try {
      return this.check(req, version);
    } catch (refusal) {
      return Promise.reject(refusal);
    }
  }

  private check(req: AuthRequest, version: string | null): Settling<Principal> {
    const header = req.authorization?.trim();
    if (!header) throw unauthorized({ scheme: 'none', reason: 'missing-header' });
    if (/^bearer\s/i.test(header)) return this.bearer(header.slice(6).trim(), version);
    if (/^oauth\s/i.test(header)) return this.oauth1(req, version);
    throw unauthorized({ scheme: authSchemeOfHeader(header), reason: 'unsupported-scheme' });
  }

  private bearer(token: string, version: string | null): Settling<Principal> {
    // Until the token is found, it may be an App's or a user's.
    if (!token || token.length > 2048) throw unauthorized({ scheme: 'unknown', reason: 'malformed-bearer-token' });
    // Percent-encoded bearer tokens (as X issues them) and their decoded form are the same credential.
    let decoded = token;
    try {
      if (token.includes('%')) decoded = decodeURIComponent(token);
    } catch {
      throw unauthorized({ scheme: 'unknown', reason: 'malformed-bearer-token' });
    }
    const hash = this.hashOf(decoded);
    // What the token stands for is remembered under the version as a whole: one lookup a request, not three. Its
    // expiry is checked again on every use, as the clock moves on while the version stays.
    const known = this.memo.get(version, `bearer-principal:${hash}`, () => this.bearerPrincipal(hash, version));
    return thenSettle(known, (k) => this.unexpired(k));
  }

  private unexpired(known: KnownBearer): Principal {
    if (known.expiresAt !== null && known.expiresAt <= this.clock.now()) throw unauthorized(known.expired!);
    return known.principal;
  }

  /** Who the bearer token of `hash` authenticates, with its expiry; throws X's 401 when it authenticates nobody. */
  private async bearerPrincipal(hash: string, version: string | null): Promise<KnownBearer> {
    const record = await this.memo.get(version, `bearer:${hash}`, () => this.store.bearerByHash(hash));
    if (!record) throw unauthorized({ scheme: 'unknown', reason: 'unknown-bearer-token' });
    const scheme: AuthScheme = record.kind === 'app' ? 'app_only' : 'oauth2_user';
    const named = { app_id: record.appId, ...(record.kind === 'app' ? {} : { user_id: record.userId }) };
    const app = await this.memo.get(version, `app:${record.appId}`, () => this.store.appById(record.appId));
    if (!app) throw unauthorized({ scheme, reason: 'unknown-app', ...named });
    if (record.kind === 'app') return { principal: { kind: 'app-only', app }, expiresAt: null, expired: null };
    const expired: AuthRefusal = { scheme, reason: 'expired-token', ...named };
    if (record.expiresAt !== null && record.expiresAt <= this.clock.now()) throw unauthorized(expired);
    await this.requireActiveUser(record.userId, version, { scheme, ...named });
    return { principal: { kind: 'oauth2-user', app, userId: record.userId, scopes: new Set(record.scopes) }, expiresAt: record.expiresAt, expired };
  }

  private async oauth1(req: AuthRequest, version: string | null): Promise<Principal> {
    const verified = await verifyOAuth1Request(
      req,
      {
        consumer: async (key) => this.memo.get(version, `consumer:${key}`, () => this.store.appByConsumerKey(key)),
        token: async (token) => {
          if (!token) return null;
          const record = await this.memo.get(version, `oauth1:${token}`, () => this.store.oauth1Token(token));
          return record && { appId: record.appId, secretSealed: record.secretSealed, record };
        },
      },
      { nonces: this.nonces, clock: this.signingClock, open: (sealed) => this.open(sealed) },
    );
    // Which check failed is never revealed: X answers every one with the same 401.
    if (!verified.ok) {
      const { found, diagnosis } = verified;
      throw unauthorized({
        scheme: 'oauth1',
        reason: verified.reason,
        ...(found && { app_id: found.app.id }),
        ...(found?.token && { user_id: found.token.record.userId }),
        ...(diagnosis && { oauth1: diagnosis }),
      });
    }
    if (!verified.token) throw unauthorized({ scheme: 'oauth1', reason: 'unknown-token', app_id: verified.app.id });
    const { userId, permission } = verified.token.record;
    await this.requireActiveUser(userId, version, { scheme: 'oauth1', app_id: verified.app.id, user_id: userId });
    return { kind: 'oauth1', app: verified.app, userId, permission };
  }

  /** `refused` names the credentials, should the user be gone or suspended. */
  private async requireActiveUser(userId: string, version: string | null, refused: Omit<AuthRefusal, 'reason'>): Promise<AccountFlags> {
    const user = await this.memo.get(version, `account:${userId}`, () => this.store.accountFlags(userId));
    if (!user) throw unauthorized({ ...refused, reason: 'unknown-user' });
    if (user.suspended) throw unauthorized({ ...refused, reason: 'suspended-user' });
    return user;
  }
}
