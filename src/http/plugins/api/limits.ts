// Within their limits: the request is counted against its rate-limit windows, and from then on every answer (the
// refusal, a 400, a 503, the 200) carries the rate-limit headers. The clock is read once here: the same time
// checks the Tweet cap, runs the handler and counts usage.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { EndpointId } from '../../../domain/access.ts';
import { applyRateLimits, unlimitedOutcome, type RateLimitOutcome } from '../../../domain/rateLimits.ts';
import { settlingHook } from '../hook.ts';
import type { Services } from '../../../services.ts';
import { userIdOf } from './auth.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** The clock's time the API request is limited, capped, handled and counted at (0 before its limits). */
    now: number;
  }
}

export function decorateLimits(app: FastifyInstance): void {
  app.decorateRequest('now', 0);
}

/** The preHandler that applies `endpoint`'s rate limits (with limits off, nothing to wait for); a refused request is named `rate_limit`. */
export function rateLimiting(services: Services, endpoint: EndpointId) {
  const { config } = services;
  return settlingHook((req, reply) => {
    const principal = req.principal!;
    const { clock, shared } = req.world;
    const now = (req.now = clock.now());
    const tier = req.policy!.rateLimitTier;
    const userId = userIdOf(principal);
    if (!config.limits) return answerLimits(req, reply, unlimitedOutcome(tier, endpoint, userId, now));
    return applyRateLimits(shared.rateLimiter, true, tier, endpoint, principal.app.id, userId, now).then((limits) => answerLimits(req, reply, limits));
  });
}

function answerLimits(req: FastifyRequest, reply: FastifyReply, limits: RateLimitOutcome): void {
  // On the reply now, they stay on whatever answers: Fastify's error path drops only content-type and -length.
  reply.headers(limits.headers);
  if (limits.refusal) {
    req.refusal = 'rate_limit';
    throw limits.refusal;
  }
}
