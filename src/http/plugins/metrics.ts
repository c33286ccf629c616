// Request metrics at the edge (by route pattern, never the raw path) and GET /metrics for Prometheus.
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { Services } from '../../services.ts';
import { serverWide } from './serverWide.ts';

/** Requests that matched no route share one label, so scanners cannot grow the series without bound. */
const UNMATCHED = 'unmatched';

/** What a 429 refused: the sign-in lockout is an HTML page, the Tweet cap X's UsageCapExceeded document. */
function refusalKind(reply: FastifyReply, payload: unknown): 'rate_limit' | 'usage_cap' | 'sign_in' {
  if (String(reply.getHeader('content-type') ?? '').startsWith('text/html')) return 'sign_in';
  const text = Buffer.isBuffer(payload) ? payload : typeof payload === 'string' ? payload : '';
  return text.includes('UsageCapExceeded') ? 'usage_cap' : 'rate_limit';
}

export const requestMetrics: FastifyPluginAsync<{ services: Services }> = serverWide('requestMetrics', async (app, { services }) => {
  const { metrics } = services;
  app.addHook('onSend', (_req, reply, payload, done) => {
    if (reply.statusCode === 429) metrics.refused(refusalKind(reply, payload));
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
