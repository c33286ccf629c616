// Developer portal sessions. A developer signs in with username and password; the operator with the admin token,
// or a signed-in developer adds the operator's rights to their session by giving it (both throttled like the
// authorization pages' sign-in, through the sign-in ports given here). A session is a random id kept in the shared
// ephemeral store for SESSION_TTL_MS with its own CSRF token, so every instance sees the same sessions.
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
  /** The developer signed in; null in a session of the operator alone. */
  developerId: string | null;
  /** Whether the session holds the operator's rights (every sandbox). */
  operator: boolean;
  csrf: string;
  expiresAt: number;
}

/** Who a live session is: its developer (null for the operator alone). */
export interface CurrentSession {
  session: PortalSession;
  developer: DeveloperRecord | null;
}

type Refused = { ok: false; reason: 'invalid' | 'exhausted' | 'busy' } | { ok: false; reason: 'locked' | 'address'; retryAt: number };

/** A throttled secret check (src/auth/flows/accountSignIn.ts): developer accounts, or the operator's admin token. */
export interface SignInPort<A> {
  verify(username: string, password: string, context: { address: string }): Promise<{ ok: true; account: A } | Refused>;
}

export type PortalSignInResult =
  | { ok: true; session: PortalSession }
  | { ok: false; reason: 'invalid' | 'busy' }
  | { ok: false; reason: 'locked' | 'address'; retryAt: number };

const token = (): string => randomBytes(32).toString('base64url');
/** Where a session is kept: under the SHA-256 of its id, so what the shared store holds cannot be replayed as a cookie. */
const keyOf = (sessionId: string): string => KEY + createHash('sha256').update(sessionId).digest('base64url');

function refusal(result: Refused): PortalSignInResult {
  if (result.reason === 'locked' || result.reason === 'address') return { ok: false, reason: result.reason, retryAt: result.retryAt };
  return { ok: false, reason: result.reason === 'busy' ? 'busy' : 'invalid' };
}

export class PortalSessions {
  constructor(
    private readonly store: Pick<CredentialStore, 'developerById'>,
    private readonly ephemeral: EphemeralStore,
    private readonly developers: SignInPort<DeveloperRecord>,
    /** Null when the service has no admin token: nobody can be the operator. */
    private readonly operatorPort: SignInPort<unknown> | null,
    private readonly clock: Clock,
    private readonly ttlMs = SESSION_TTL_MS,
  ) {}

  /** Whether anyone can sign in as the operator here. */
  get operatorEnabled(): boolean {
    return this.operatorPort !== null;
  }

  async signIn(username: string, password: string, address: string): Promise<PortalSignInResult> {
    const result = await this.developers.verify(username, password, { address });
    if (!result.ok) return refusal(result);
    return { ok: true, session: await this.begin(result.account.id, false) };
  }

  /** A session of the operator alone, for the right admin token. */
  async signInOperator(adminToken: string, address: string): Promise<PortalSignInResult> {
    const checked = await this.checkOperator(adminToken, address);
    if (!checked.ok) return checked;
    return { ok: true, session: await this.begin(null, true) };
  }

  /**
   * The developer's session gains the operator's rights, for the right admin token: a new session (new id and CSRF
   * token) replaces it, as any change of privilege should.
   */
  async elevate(current: PortalSession, adminToken: string, address: string): Promise<PortalSignInResult> {
    const checked = await this.checkOperator(adminToken, address);
    if (!checked.ok) return checked;
    await this.signOut(current);
    return { ok: true, session: await this.begin(current.developerId, true) };
  }

  /** The live session and its developer, or null (unknown, expired, or its developer is gone). */
  async resume(sessionId: string | null): Promise<CurrentSession | null> {
    if (!sessionId || !TOKEN.test(sessionId)) return null;
    const stored = await this.ephemeral.get(keyOf(sessionId), this.clock.now());
    if (!stored) return null;
    const { developerId, operator, csrf, expiresAt } = JSON.parse(stored) as Omit<PortalSession, 'id'>;
    const session: PortalSession = { id: sessionId, developerId: developerId ?? null, operator: operator === true, csrf, expiresAt };
    if (session.developerId === null) return session.operator ? { session, developer: null } : null;
    const developer = await this.store.developerById(session.developerId);
    return developer ? { session, developer } : null;
  }

  /** Whether `presented` is the session's CSRF token (compared in constant time). */
  csrfMatches(session: PortalSession, presented: string | undefined): boolean {
    if (presented === undefined || !TOKEN.test(presented)) return false;
    return constantTimeEqual(presented, session.csrf);
  }

  async signOut(session: PortalSession): Promise<void> {
    await this.ephemeral.delete(keyOf(session.id));
  }

  private async checkOperator(adminToken: string, address: string): Promise<{ ok: true } | Exclude<PortalSignInResult, { ok: true }>> {
    if (!this.operatorPort) return { ok: false, reason: 'invalid' };
    const result = await this.operatorPort.verify('', adminToken, { address });
    return result.ok ? { ok: true } : (refusal(result) as Exclude<PortalSignInResult, { ok: true }>);
  }

  private async begin(developerId: string | null, operator: boolean): Promise<PortalSession> {
    const now = this.clock.now();
    const session: PortalSession = { id: token(), developerId, operator, csrf: token(), expiresAt: now + this.ttlMs };
    const stored = { developerId, operator, csrf: session.csrf, expiresAt: session.expiresAt };
    await this.ephemeral.put(keyOf(session.id), JSON.stringify(stored), this.ttlMs, now);
    return session;
  }
}
