// What a 429 refused, named where the refusal is raised (the rate limits and the Tweet cap in the API pipeline,
// the sign-in lockout and the per-address limit on the authorization pages), for whatever counts refusals.
import type { FastifyPluginAsync } from 'fastify';
import { serverWide } from './serverWide.ts';

export type RefusalKind = 'rate_limit' | 'usage_cap' | 'sign_in' | 'authorize_address';

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by whatever refuses the request with a 429; null otherwise. */
    refusal: RefusalKind | null;
  }
}

export const refusals: FastifyPluginAsync = serverWide('refusals', async (app) => {
  app.decorateRequest('refusal', null);
});
