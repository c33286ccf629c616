// The user-authorization flows wired from the services: OAuth 2.0 Authorization Code with PKCE, OAuth 1.0a
// three-legged, the sign-in step they share, and the demo's callbacks and passwords.
import type { Services } from '../../services.ts';
import { setAppCallbacks } from './callbacks.ts';
import { OAuth1Flow } from './oauth1Flow.ts';
import { OAuth2Flow } from './oauth2Flow.ts';
import { setPassword } from './passwords.ts';
import { FormTokens, PendingAuthorizations } from './pending.ts';
import { SIGN_IN_ADDRESS_LIMIT, SignIn } from './signIn.ts';

export interface AuthFlows {
  oauth2: OAuth2Flow;
  oauth1: OAuth1Flow;
  pending: PendingAuthorizations;
  signIn: SignIn;
  forms: FormTokens;
}

type FlowServices = Pick<Services, 'store' | 'shared' | 'clock' | 'sealer' | 'credentials' | 'config'>;

export async function openAuthFlows(services: FlowServices): Promise<AuthFlows> {
  const { store, shared, clock, sealer, credentials } = services;
  const pending = new PendingAuthorizations(shared.ephemeral, clock, shared.rateLimiter);
  return {
    pending,
    oauth2: new OAuth2Flow(store, shared.ephemeral, credentials, pending, clock),
    oauth1: new OAuth1Flow(store, shared.ephemeral, shared.nonceStore, credentials, sealer, pending, clock),
    // LIKES_API_LIMITS=off lifts the per-address limit; the per-username and per-authorization ones always hold.
    signIn: new SignIn(store, shared.rateLimiter, clock, { addressLimit: services.config.limits ? SIGN_IN_ADDRESS_LIMIT : null }),
    forms: await FormTokens.open(store, sealer, clock),
  };
}

/** The demo users' sign-in password (documented in README/docs; demo only). */
export const DEMO_PASSWORD = 'likes-api-demo';
/** Callback URLs of the demo App: loopback, so any port is accepted (RFC 8252 §7.3). */
export const DEMO_CALLBACKS = ['http://127.0.0.1/callback', 'http://localhost/callback'];

/** Registers the demo Apps' callbacks and gives the demo users the demo password. */
export async function seedDemoFlows(services: Pick<Services, 'store'>, appIds: readonly string[], userIds: readonly string[]): Promise<void> {
  for (const appId of appIds) await setAppCallbacks(services.store, appId, DEMO_CALLBACKS);
  await Promise.all(userIds.map((id) => setPassword(services.store, id, DEMO_PASSWORD)));
}

export { appCallbacks, callbackAllowed, callbackUrlProblem, setAppCallbacks } from './callbacks.ts';
export { hashPassword, setPassword, verifyPassword } from './passwords.ts';
