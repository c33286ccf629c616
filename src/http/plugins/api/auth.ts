// Who is asking: under the versions the edge read first (src/http/plugins/worldRouting.ts; what is remembered under
// them is never older than they are), the credentials (OAuth 1.0a, OAuth 2.0 user token or app-only bearer) are checked.
import type { FastifyInstance } from 'fastify';
import type { Principal } from '../../../domain/principal.ts';
import type { Services } from '../../../services.ts';
import { thenSettle } from '../../../settling.ts';
import { authRequest, formPairs, queryPairs } from '../../request.ts';
import { settlingHook } from '../hook.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** Who sent the API request, once authenticated. */
    principal: Principal | null;
  }
}

export function decorateAuth(app: FastifyInstance): void {
  app.decorateRequest('principal', null);
}

/** The authenticated user, or null for app-only requests. */
export const userIdOf = (principal: Principal): string | null => (principal.kind === 'app-only' ? null : principal.userId);

/** The preHandler that authenticates; a failure (401) carries neither x-access-level nor rate-limit headers. */
export function authentication(services: Services) {
  const { config } = services;
  return settlingHook((req) => {
    // A malformed query or form body carries no parameters here: validation refuses a malformed query later. Read
    // only if asked for (an OAuth 1.0a signature covers them; a Bearer token does not).
    const params = () => [...(queryPairs(req) ?? []), ...(formPairs(req) ?? [])];
    const principal = req.world.authenticator.authenticate(authRequest(req, config, params), req.versions?.credentials ?? null);
    return thenSettle(principal, (p) => {
      req.principal = p;
    });
  });
}
