// The X API routes (src/http/routes/likes.ts, usage.ts) behind one pipeline, each concern a preHandler of its own
// (src/http/plugins/api/): authenticate → authorize → rate-limit → injected faults, then the handler validates, checks the Tweet cap
// and answers, lookups from the response cache while the data is unchanged. Each concern keeps what it learns on
// the request (typed decorations, null until its hook has run). Anything thrown, refusals included, is answered
// by the server-wide error handler (plugins/errors.ts) with X's document, and keeps the headers already set.
import type { FastifyPluginAsync } from 'fastify';
import type { Services } from '../../services.ts';
import { OpenStreams } from '../streaming.ts';
import type { ApiRoute } from '../routeSpec.ts';
import { authorization, decorateAccess } from './api/access.ts';
import { authentication, decorateAuth } from './api/auth.ts';
import { answerCache } from './api/cache.ts';
import { apiHandler } from './api/handler.ts';
import { decorateFaults, faultInjection } from './api/faults.ts';
import { decorateLimits, rateLimiting } from './api/limits.ts';

/** `reused`: whether answers may be cached: a data version covers every writer (versioned()) and the response cache is on. */
export const apiRoutes: FastifyPluginAsync<{ services: Services; routes: readonly ApiRoute[]; reused: boolean }> = async (app, { services, routes, reused }) => {
  const cache = reused ? answerCache(services.config.responseCacheBytes) : null;
  if (cache) services.metrics.watchCache(cache);
  decorateAuth(app);
  decorateAccess(app);
  decorateLimits(app);
  decorateFaults(app);
  const authenticate = authentication(services);
  // Open streams end before the server waits for in-flight requests, or shutdown would wait on them forever.
  const streams = new OpenStreams();
  app.addHook('preClose', async () => streams.closeAll());
  for (const route of routes) {
    app.route({
      method: route.method,
      url: route.path,
      // In this order: which refusal wins, and which headers an error carries, follow from it.
      preHandler: [authenticate, authorization(route.endpoint), rateLimiting(services, route.endpoint), faultInjection(route.endpoint)],
      handler: apiHandler(route, route.cacheable ? cache : null, streams),
    });
  }
};
