// Developer portal sessions: a developer signs in with username and password (throttled like the authorization
// pages' sign-in, through the sign-in port given here), and gets a random session id kept in the shared ephemeral
// store for SESSION_TTL_MS with its own CSRF token. Every instance sees the same sessions.
import { createHash, randomBytes } from 'node:crypto';
import { constantTimeEqual } from '../../auth/secrets.ts';
import type { DeveloperRecord } from '../model.ts';
import type { Clock } from '../../ports/clock.ts';
import type { CredentialStore } from '../../ports/credentialStore.ts';
import type { EphemeralStore } from '../../ports/ephemeral.ts';

export const SESSION_TTL_MS = 12 * 60 * 60 * 1000;
const KEY = 'portal-session:';
/** Session ids and CSRF tokens: 32 random bytes, base64url (43 characters). */
const TOKEN = /^[A-Za-z0-9_-]{43}$/;

export interface PortalSession {
  id: string;
  developerId: string;
  csrf: string;
  expiresAt: number;
}

/** The throttled password check (src/auth/flows/accountSignIn.ts over developer accounts). */
export interface DeveloperSignIn {
  verify(username: string, password: string, context: { address: string }): Promise<
    | { ok: true; account: DeveloperRecord }
    | { ok: false; reason: 'invalid' | 'exhausted' | 'busy' }
    | { ok: false; reason: 'locked' | 'address'; retryAt: number }
  >;
}

export type PortalSignInResult =
  | { ok: true; session: PortalSession; developer: DeveloperRecord }
  | { ok: false; reason: 'invalid' | 'busy' }
  | { ok: false; reason: 'locked' | 'address'; retryAt: number };

const token = (): string => randomBytes(32).toString('base64url');
/** Where a session is kept: under the SHA-256 of its id, so what the shared store holds cannot be replayed as a cookie. */
const keyOf = (sessionId: string): string => KEY + createHash('sha256').update(sessionId).digest('base64url');

export class PortalSessions {
  constructor(
    private readonly store: Pick<CredentialStore, 'developerById'>,
    private readonly ephemeral: EphemeralStore,
    private readonly signInPort: DeveloperSignIn,
    private readonly clock: Clock,
    private readonly ttlMs = SESSION_TTL_MS,
  ) {}

  async signIn(username: string, password: string, address: string): Promise<PortalSignInResult> {
    const result = await this.signInPort.verify(username, password, { address });
    if (!result.ok) {
      if (result.reason === 'locked' || result.reason === 'address') return { ok: false, reason: result.reason, retryAt: result.retryAt };
      return { ok: false, reason: result.reason === 'busy' ? 'busy' : 'invalid' };
    }
    const now = this.clock.now();
    const session: PortalSession = { id: token(), developerId: result.account.id, csrf: token(), expiresAt: now + this.ttlMs };
    await this.ephemeral.put(keyOf(session.id), JSON.stringify({ developerId: session.developerId, csrf: session.csrf, expiresAt: session.expiresAt }), this.ttlMs, now);
    return { ok: true, session, developer: result.account };
  }

  /** The live session and its developer, or null (unknown, expired, or the developer is gone). */
  async resume(sessionId: string | null): Promise<{ session: PortalSession; developer: DeveloperRecord } | null> {
    if (!sessionId || !TOKEN.test(sessionId)) return null;
    const stored = await this.ephemeral.get(keyOf(sessionId), this.clock.now());
    if (!stored) return null;
    const { developerId, csrf, expiresAt } = JSON.parse(stored) as Omit<PortalSession, 'id'>;
    const developer = await this.store.developerById(developerId);
    return developer ? { session: { id: sessionId, developerId, csrf, expiresAt }, developer } : null;
  }

  /** Whether `presented` is the session's CSRF token (compared in constant time). */
  csrfMatches(session: PortalSession, presented: string | undefined): boolean {
    if (presented === undefined || !TOKEN.test(presented)) return false;
    return constantTimeEqual(presented, session.csrf);
  }

  async signOut(session: PortalSession): Promise<void> {
    await this.ephemeral.delete(keyOf(session.id));
  }
}
