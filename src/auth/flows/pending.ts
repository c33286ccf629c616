// An authorization in progress: what the App asked for (an OAuth 2.0 authorize request or an OAuth 1.0a request
// token), then who signed in, kept in the shared ephemeral store between the sign-in and consent pages so any
// instance can serve the next step. The forms carry a signed token bound to the pending authorization, the step and
// a cookie of the browser that started it (CSRF protection).
import { createHmac } from 'node:crypto';
import type { AppPermission } from '../../domain/model.ts';
import type { Clock } from '../../ports/clock.ts';
import type { EphemeralStore } from '../../ports/ephemeral.ts';
import type { RateLimiter } from '../../ports/rateLimiter.ts';
import type { FlowSettings } from '../../ports/settingsStore.ts';
import { OPTIONAL_TAG } from '../../domain/sandboxes/sandboxIds.ts';
import { constantTimeEqual, randomString, type SecretSealer } from '../secrets.ts';
import type { PkceMethod } from './pkce.ts';

/** How long a user may take from opening the authorize page to clicking Authorize. */
export const PENDING_TTL_MS = 15 * 60 * 1000;
/** Wrong passwords allowed on one pending authorization before it is dropped (counted by SignIn). */
export const MAX_SIGN_IN_FAILURES = 5;
/**
 * Pending authorizations opened per PENDING_TTL_MS window by all clients together (counted in the shared rate
 * limiter, so across instances). With the same TTL, at most twice this many are ever held. The per-address limit
 * (AUTHORIZE_ADDRESS_LIMIT) keeps one client from using it all.
 */
export const PENDING_CREATION_LIMIT = 10_000;
/** Authorize pages (pending authorizations opened) per client address and PENDING_TTL_MS window. */
export const AUTHORIZE_ADDRESS_LIMIT = 100;

/** Thrown by `create` when the global cap is reached: the page asks to try again later (503). */
export class PendingCapacityError extends Error {
  override name = 'PendingCapacityError';
  constructor(readonly retryAt: number) {
    super('too many authorizations in progress');
  }
}

export interface OAuth2Grant {
  kind: 'oauth2';
  appId: string;
  clientId: string;
  redirectUri: string;
  scopes: string[];
  state: string;
  challenge: string;
  method: PkceMethod;
}

export interface OAuth1Grant {
  kind: 'oauth1';
  appId: string;
  /** The request token being authorized. */
  requestToken: string;
  callback: string;
  permission: AppPermission;
  /** GET /oauth/authenticate (Sign in with X) rather than /oauth/authorize. */
  authenticate: boolean;
}

export type PendingGrant = OAuth2Grant | OAuth1Grant;

export interface PendingAuthorization {
  id: string;
  grant: PendingGrant;
  /** Set once the user signed in on the first page. */
  userId: string | null;
  expiresAt: number;
}

const key = (id: string) => `consent:${id}`;
// A sandbox's pending authorizations carry its tag, so the form posts reach the same world.
const ID = new RegExp(`^${OPTIONAL_TAG}[A-Za-z0-9]{32}$`);

export class PendingAuthorizations {
  constructor(
    private readonly ephemeral: EphemeralStore,
    private readonly clock: Clock,
    private readonly limiter: RateLimiter,
    private readonly creationLimit = PENDING_CREATION_LIMIT,
    /** The world's credential tag (src/domain/sandboxes/sandboxIds.ts). */
    private readonly tag = '',
  ) {}

  /** Opens one (counted against the global cap: throws PendingCapacityError beyond it). */
  async create(grant: PendingGrant): Promise<PendingAuthorization> {
    const now = this.clock.now();
    const cap = await this.limiter.hit('pending-created', this.creationLimit, PENDING_TTL_MS, now);
    if (!cap.allowed) throw new PendingCapacityError(cap.resetAt);
    const pending: PendingAuthorization = { id: this.tag + randomString(32), grant, userId: null, expiresAt: now + PENDING_TTL_MS };
    await this.ephemeral.put(key(pending.id), JSON.stringify(pending), PENDING_TTL_MS, now);
    return pending;
  }

  async load(id: string): Promise<PendingAuthorization | null> {
    if (!ID.test(id)) return null;
    const raw = await this.ephemeral.get(key(id), this.clock.now());
    return raw ? (JSON.parse(raw) as PendingAuthorization) : null;
  }

  /** Writes the changed authorization back, keeping its original expiry. */
  async save(pending: PendingAuthorization): Promise<void> {
    const now = this.clock.now();
    const ttl = pending.expiresAt - now;
    if (ttl <= 0) return this.drop(pending.id);
    await this.ephemeral.put(key(pending.id), JSON.stringify(pending), ttl, now);
  }

  /** Removes and returns it: the consent step is single-use. */
  async take(id: string): Promise<PendingAuthorization | null> {
    if (!ID.test(id)) return null;
    const raw = await this.ephemeral.take(key(id), this.clock.now());
    return raw ? (JSON.parse(raw) as PendingAuthorization) : null;
  }

  async drop(id: string): Promise<void> {
    if (ID.test(id)) await this.ephemeral.delete(key(id));
  }
}

export type FormStep = 'signin' | 'consent';

/** Signs and checks the hidden `csrf` field of the sign-in and consent forms. */
export class FormTokens {
  private constructor(
    private readonly key: Buffer,
    private readonly clock: Clock,
  ) {}

  /** The key from the store's settings, sealed with the service's secret key (the first instance to need one creates it). */
  static async open(store: FlowSettings, sealer: SecretSealer, clock: Clock): Promise<FormTokens> {
    const sealed = await store.setSealedFormKeyIfAbsent(sealer.seal(randomString(64)));
    return new FormTokens(Buffer.from(sealer.open(sealed), 'utf8'), clock);
  }

  private mac(pendingId: string, step: FormStep, browser: string, expiresAt: number): string {
    return createHmac('sha256', this.key).update(`${pendingId}\n${step}\n${browser}\n${expiresAt}`).digest('base64url');
  }

  /** A token for the form of `step` of `pendingId`, valid for the browser whose cookie is `browser`. */
  issue(pending: PendingAuthorization, step: FormStep, browser: string): string {
    return `${pending.expiresAt}.${this.mac(pending.id, step, browser, pending.expiresAt)}`;
  }

  check(token: string, pendingId: string, step: FormStep, browser: string): boolean {
    const m = /^(\d{1,16})\.([A-Za-z0-9_-]{43})$/.exec(token);
    if (!m || !browser) return false;
    const expiresAt = Number(m[1]);
    const expected = this.mac(pendingId, step, browser, expiresAt);
    return constantTimeEqual(expected, m[2]) && expiresAt > this.clock.now();
  }
}
