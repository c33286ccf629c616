// Request metrics at the edge (by route pattern, never the raw path) and GET /metrics for Prometheus.
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { RefusalKind } from '../../metrics.ts';
import type { Services } from '../../services.ts';
import { serverWide } from './serverWide.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by the code that answers 429, saying what it refused: counted by kind (a 429 without it is not). */
    refusal: RefusalKind | null;
  }
}

/** Requests that matched no route share one label, so scanners cannot grow the series without bound. */
const UNMATCHED = 'unmatched';

export const requestMetrics: FastifyPluginAsync<{ services: Services }> = serverWide('requestMetrics', async (app, { services }) => {
  const { metrics } = services;
  app.decorateRequest('refusal', null);
  app.addHook('onSend', (req, reply, payload, done) => {
    if (reply.statusCode === 429 && req.refusal) metrics.refused(req.refusal);
    done(null, payload);
  });
  app.addHook('onResponse', (req: FastifyRequest, reply, done) => {
    metrics.request(req.method, req.routeOptions.url ?? UNMATCHED, reply.statusCode, reply.elapsedTime / 1000);
    done();
  });
  // Unauthenticated, like /healthz: scrape it on a private network, or turn it off (LIKES_API_METRICS=off).
  if (services.config.metrics) {
    app.get('/metrics', async (_req, reply) => reply.code(200).header('content-type', metrics.contentType).send(await metrics.text()));
  }
});
