// The user-authorization flows wired from the services: OAuth 2.0 Authorization Code with PKCE, OAuth 1.0a
// three-legged, the sign-in step they share, and the demo's callbacks and passwords.
import type { Config } from '../../config.ts';
import type { Clock } from '../../ports/clock.ts';
import type { LikesStore } from '../../ports/store.ts';
import type { SharedState } from '../../ports/shared.ts';
import type { CredentialIssuer } from '../credentials.ts';
import type { SecretSealer } from '../secrets.ts';
import { OAuth1Flow } from './oauth1Flow.ts';
import { OAuth2Flow } from './oauth2Flow.ts';
import { FormTokens, PendingAuthorizations } from './pending.ts';
import { SIGN_IN_ADDRESS_LIMIT, SignIn } from './signIn.ts';

export interface AuthFlows {
  oauth2: OAuth2Flow;
  oauth1: OAuth1Flow;
  pending: PendingAuthorizations;
  signIn: SignIn;
  forms: FormTokens;
}

/** What the flows use of a world (src/worlds.ts). */
interface FlowWorld {
  store: LikesStore;
  shared: SharedState;
  /** The world's clock, and under it the real one signatures are checked against. */
  clock: Clock & { base: Clock };
  credentials: CredentialIssuer;
  tag: string;
}

/**
 * The flows of one world (src/worlds.ts): its store, flow state and clock; its tag on the request tokens and
 * pending authorizations (so the pages reach the same world); signatures checked against real time.
 */
export async function openAuthFlows(world: FlowWorld, services: { sealer: SecretSealer; config: Config }): Promise<AuthFlows> {
  const { store, shared, clock, credentials, tag } = world;
  const { sealer } = services;
  const pending = new PendingAuthorizations(shared.ephemeral, clock, shared.rateLimiter, undefined, tag);
  return {
    pending,
    oauth2: new OAuth2Flow(store, shared.ephemeral, credentials, pending, clock),
    oauth1: new OAuth1Flow(store, shared.ephemeral, shared.nonceStore, credentials, sealer, pending, clock, tag, clock.base),
    // LIKES_API_LIMITS=off lifts the per-address limit; the per-username and per-authorization ones always hold.
    signIn: new SignIn(store, shared.rateLimiter, clock, { addressLimit: services.config.limits ? SIGN_IN_ADDRESS_LIMIT : null }),
    forms: await FormTokens.open(store, sealer, clock),
  };
}

/** The demo users' sign-in password (documented in README/docs; demo only). */
export const DEMO_PASSWORD = 'likes-api-demo';
/** Callback URLs of the demo App: loopback, so any port is accepted (RFC 8252 §7.3). */
export const DEMO_CALLBACKS = ['http://127.0.0.1/callback', 'http://localhost/callback'];

export { appCallbacks, callbackAllowed, callbackUrlProblem, setAppCallbacks } from './callbacks.ts';
export { hashPassword, setPassword, verifyPassword } from './passwords.ts';
