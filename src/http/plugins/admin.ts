// The control API under /__admin/ (a prefix X never uses): JSON answers for operators and test suites, guarded by
// `Authorization: Bearer <admin token>`. The token is LIKES_API_ADMIN_TOKEN, else the one generated with the demo
// world (demo-credentials.json `adminToken`); with neither, no route is registered here and every /__admin/ path
// is X's empty 404 like any unknown route. Only the token's SHA-256 is kept, compared in constant time.
import type { FastifyPluginAsync } from 'fastify';
import { constantTimeEqual, hashToken } from '../../auth/secrets.ts';
import { resolveAdminToken } from '../../auth/adminToken.ts';
import { unauthorized } from '../../domain/problems.ts';
import type { Services } from '../../services.ts';
import { sendProblem } from '../reply.ts';
import { adminNotFound } from '../routes/admin/problems.ts';
import { controlRoutes } from '../routes/admin/controls.ts';
import { inspectionRoutes } from '../routes/admin/inspection.ts';
import { likeArchiveRoutes } from '../routes/admin/likes.ts';
import { sandboxRoutes } from '../routes/admin/sandboxes.ts';

export const ADMIN_PREFIX = '/__admin';

const BEARER = /^Bearer[ ]+([^\s]+)[ ]*$/i;

export const adminApi: FastifyPluginAsync<{ services: Services }> = async (app, { services }) => {
  // Read once: the demo credentials are written before the server is built (src/cli/serve.ts, ensureDemo).
  const token = await resolveAdminToken(services);
  if (!token) return;
  const expected = hashToken(token);

  app.addHook('onRequest', async (req, reply) => {
    const presented = BEARER.exec(req.headers.authorization ?? '')?.[1];
    if (presented === undefined || !constantTimeEqual(hashToken(presented), expected)) return sendProblem(reply, unauthorized());
  });
  // Past the guard, an unknown path under the prefix is the control API's own JSON 404.
  app.setNotFoundHandler((req, reply) => sendProblem(reply, adminNotFound(`no route ${req.method} ${req.url.split('?')[0]}`)));

  await app.register(sandboxRoutes, { services, adminToken: token });
  await app.register(controlRoutes, { services });
  await app.register(inspectionRoutes, { services });
  await app.register(likeArchiveRoutes, { services });
};
