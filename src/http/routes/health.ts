// /healthz (kept as it always was: 200 when the store and the shared state answer) and /readyz (whether this
// instance should be sent traffic: not while starting, not while shutting down, not while a dependency is down).
import type { FastifyPluginAsync } from 'fastify';
import type { Services } from '../../services.ts';
import { problemFor, sendJson, sendProblem } from '../reply.ts';

export interface Lifecycle {
  /** False until the instance is ready to serve (e.g. until demo credentials are written). */
  ready?: () => boolean;
  /** True once shutdown has begun. */
  draining?: () => boolean;
}

/** A readiness probe must answer quickly even when a dependency hangs. */
const PROBE_TIMEOUT_MS = 2000;

function answers(check: () => Promise<unknown>): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), PROBE_TIMEOUT_MS);
    timer.unref();
  });
  return Promise.race([check().then(() => true, () => false), deadline]).finally(() => clearTimeout(timer));
}

export const healthRoutes: FastifyPluginAsync<{ services: Services; lifecycle: Lifecycle }> = async (app, { services, lifecycle }) => {
  app.get('/healthz', async (req, reply) => {
    try {
      if (lifecycle.ready && !lifecycle.ready()) return sendJson(reply, 503, { status: 'starting' });
      await Promise.all([services.shared.ping(), services.store.isEmpty()]);
      return sendJson(reply, 200, { status: 'ok', store: services.store.kind });
    } catch (e) {
      return sendProblem(reply, problemFor(e, (err) => req.log.error({ err }, 'health check failed')));
    }
  });

  app.get('/readyz', async (_req, reply) => {
    if (lifecycle.draining?.()) return sendJson(reply, 503, { status: 'stopping' });
    if (lifecycle.ready && !lifecycle.ready()) return sendJson(reply, 503, { status: 'starting' });
    const [store, shared] = await Promise.all([answers(() => services.store.isEmpty()), answers(() => services.shared.ping())]);
    const up = (ok: boolean) => (ok ? 'up' : 'down');
    return sendJson(reply, store && shared ? 200 : 503, {
      status: store && shared ? 'ready' : 'unavailable',
      store: up(store),
      redis: services.sharedKind === 'redis' ? up(shared) : 'unused',
    });
  });
};
