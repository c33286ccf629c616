// The HTTP edge: the Fastify server and, in one place, the order its parts are registered in. The cross-cutting
// plugins (src/http/plugins) come first, as their hooks reach only the routes registered after them; then the
// route groups: the X API behind its pipeline, the OAuth endpoints and pages, the OpenAPI document, the probes, the
// control API (/__admin/).
import { createRequire } from 'node:module';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyServerOptions } from 'fastify';
import type { Services } from '../services.ts';
import { serverTimeouts } from './connectionLimits.ts';
import { ADMIN_PREFIX, adminApi } from './plugins/admin.ts';
import { apiRoutes } from './plugins/api.ts';
import { baseHeaders, transactionId } from './plugins/baseHeaders.ts';
import { connectionLimits, refuseUnparsable } from './plugins/connections.ts';
import { errors } from './plugins/errors.ts';
import { requestMetrics } from './plugins/metrics.ts';
import { textBodies } from './plugins/textBodies.ts';
import { worldRouting } from './plugins/worldRouting.ts';
import { versioned, versionReader } from './plugins/api/versions.ts';
import { problemFor, sendProblem } from './reply.ts';
import { RequestLog } from './requestLog.ts';
import { requestLogger } from './requestLogger.ts';
import { healthRoutes, type Lifecycle } from './routes/health.ts';
import { eventRoutes } from './routes/events.ts';
import { likesRoutes } from './routes/likes.ts';
import { bearerTokenRoutes } from './routes/oauth2Bearer.ts';
import { oauthFlowRoutes } from './routes/oauthFlows.ts';
import { portalRoutes } from './portal/routes.ts';
import { openApiRoute } from './routes/openapi.ts';
import { usageRoutes } from './routes/usage.ts';

const BODY_LIMIT = 64 * 1024;

/**
 * Fastify's schema compilers (Ajv, fast-json-stringify), loaded when a route first asks for one: no route declares
 * a Fastify schema, and requiring them eagerly cost about 20 ms of every start. Resolved from Fastify's own location,
 * as Fastify itself would; each built once, as Fastify's defaults are.
 */
type Compilers = NonNullable<NonNullable<FastifyServerOptions['schemaController']>['compilersFactory']>;
function lazyCompilers(): Compilers {
  const fromFastify = createRequire(createRequire(import.meta.url).resolve('fastify'));
  let validator: NonNullable<Compilers['buildValidator']> | undefined;
  let serializer: NonNullable<Compilers['buildSerializer']> | undefined;
  return {
    buildValidator: (externalSchemas, options) => (validator ??= fromFastify('@fastify/ajv-compiler')())(externalSchemas, options),
    buildSerializer: (externalSchemas, options) => (serializer ??= fromFastify('@fastify/fast-json-stringify-compiler')())(externalSchemas, options),
  };
}

/** /healthz and /readyz answer 503 until `ready` returns true (e.g. until demo credentials are written); /readyz
 * answers 503 again once `draining` does (shutdown has begun). */
export type ServerOptions = Lifecycle;

export async function buildServer(services: Services, options: ServerOptions = {}): Promise<FastifyInstance> {
  const { config } = services;
  const app = Fastify({
    loggerInstance: services.log as FastifyBaseLogger,
    logController: new RequestLog(),
    childLoggerFactory: requestLogger,
    genReqId: transactionId,
    // The id is ours alone: a client-sent header never names log lines.
    requestIdHeader: false,
    // Shutdown closes idle keep-alive connections at once and lets in-flight requests finish.
    forceCloseConnections: 'idle',
    bodyLimit: BODY_LIMIT,
    ...serverTimeouts(config),
    routerOptions: { maxParamLength: 1000 },
    schemaController: { compilersFactory: lazyCompilers() },
    return503OnClosing: true,
    // HTTP the parser cannot read at all (bad bytes, broken framing) still gets an X-shaped 400, too many
    // header bytes a 431 and a request slower than the timeouts a 408, then the connection closes.
    clientErrorHandler: (error, socket) => {
      refuseUnparsable(socket, (error as { code?: string }).code);
    },
    // Malformed URLs and similar framework-level failures become X's invalid-request document.
    frameworkErrors: (error, _req, reply) => {
      void sendProblem(reply, problemFor(error, () => undefined));
    },
  });

  // Server-wide, in the order their hooks run.
  await app.register(baseHeaders);
  await app.register(connectionLimits, { limits: config });
  await app.register(textBodies);
  await app.register(errors);
  await app.register(requestMetrics, { services });
  // Whether lookups may be reused across requests: the edge reads the versions, credential and Project lookups are
  // remembered under them, and answers too unless the response cache is off.
  const covered = await versioned(services);
  await app.register(worldRouting, { services, versions: covered ? versionReader() : null });

  // The routes, each group in its own (encapsulated) plugin.
  const routes = [...likesRoutes, ...usageRoutes, ...eventRoutes];
  await app.register(apiRoutes, { services, routes, reused: covered && services.config.responseCache });
  await app.register(bearerTokenRoutes);
  await app.register(oauthFlowRoutes, { services });
  await app.register(portalRoutes, { services });
  await app.register(openApiRoute, { routes, config });
  await app.register(healthRoutes, { services, lifecycle: options });
  await app.register(adminApi, { services, prefix: ADMIN_PREFIX });
  // A serving process delivers its worlds' events (a CLI command's services do not).
  services.worlds.deliverEvents();
  return app;
}
