// The HTTP edge: routing, the request pipeline (authenticate → authorize → rate-limit → validate → handle)
// and the one mapping from failures to X's error documents.
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { randomBytes } from 'node:crypto';
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { parseFormPairs } from '../formEncoding.ts';
import type { Principal } from '../domain/principal.ts';
import { authorize } from '../domain/access.ts';
import { ApiProblem, invalidRequest, serviceUnavailable } from '../domain/problems.ts';
import { applyRateLimits } from '../domain/rateLimits.ts';
import { ServiceUnavailableError } from '../ports/unavailable.ts';
import type { Services } from '../services.ts';
import { installMetrics } from './metrics.ts';
import { capServer, serverTimeouts, tooManyHeaders } from './connectionLimits.ts';
import { buildOpenApi } from './openapi.ts';
import { RequestLog } from './requestLog.ts';
import { ResponseCache } from './responseCache.ts';
import type { ApiRoute } from './routeSpec.ts';
import { healthRoutes, type Lifecycle } from './routes/health.ts';
import { likesRoutes } from './routes/likes.ts';
import { bearerTokenRoutes } from './routes/oauth2Bearer.ts';
import { oauthFlowRoutes } from './routes/oauthFlows.ts';
import { usageRoutes } from './routes/usage.ts';

type Json = Record<string, unknown>;

const JSON_TYPE = 'application/json; charset=utf-8';
const BODY_LIMIT = 64 * 1024;

// x-transaction-id values are cut from a pool of random bytes: one randomBytes call per 512 responses. Each is the
// Fastify request id too, so a response's header names the log lines of its request.
let idPool = randomBytes(4096);
let idAt = 0;
function transactionId(): string {
  if (idAt + 8 > idPool.length) {
    idPool = randomBytes(4096);
    idAt = 0;
  }
  idAt += 8;
  return idPool.toString('hex', idAt - 8, idAt);
}

/** Headers X sends on every API response. */
function baseHeaders(reply: FastifyReply, started: bigint): void {
  reply.header('x-transaction-id', reply.request.id);
  reply.header('x-response-time', String(Number((process.hrtime.bigint() - started) / 1_000_000n)));
  reply.header('cache-control', 'no-cache, no-store, max-age=0');
  reply.header('x-content-type-options', 'nosniff');
  reply.header('x-frame-options', 'SAMEORIGIN');
}

export function sendJson(reply: FastifyReply, status: number, body: unknown): FastifyReply {
  return reply.code(status).header('content-type', JSON_TYPE).send(JSON.stringify(body));
}

/** Writes an X error document: about:blank 401/403s pretty-printed as application/problem+json, as X does. */
export function sendProblem(reply: FastifyReply, problem: ApiProblem): FastifyReply {
  if (problem.style === 'problem+json-pretty') {
    // A Buffer keeps Fastify from appending a charset X does not send.
    return reply.code(problem.status).header('content-type', 'application/problem+json').send(Buffer.from(JSON.stringify(problem.body, null, 2)));
  }
  const type = problem.status >= 400 && problem.body.type && !problem.body.errors ? 'application/problem+json' : JSON_TYPE;
  return reply.code(problem.status).header('content-type', type).send(Buffer.from(JSON.stringify(problem.body)));
}

const headersTooLarge = (): ApiProblem =>
  new ApiProblem(431, { title: 'Request Header Fields Too Large', type: 'about:blank', status: 431, detail: 'Request Header Fields Too Large' });
const requestTimeout = (): ApiProblem =>
  new ApiProblem(408, { title: 'Request Timeout', type: 'about:blank', status: 408, detail: 'Request Timeout' });

/**
 * Answers HTTP that never reaches a route (unparsable, too slow, or CONNECT) with an X-shaped error, then closes.
 * A request that timed out after its answer began is cut off: bytes written now would corrupt that answer.
 */
function refuseUnparsable(socket: Duplex, code = ''): void {
  const inFlight = (socket as { _httpMessage?: { headersSent?: boolean } })._httpMessage;
  if (!socket.writable || inFlight?.headersSent) {
    socket.destroy();
    return;
  }
  const problem =
    code === 'HPE_HEADER_OVERFLOW' ? headersTooLarge()
    : code === 'ERR_HTTP_REQUEST_TIMEOUT' ? requestTimeout()
    : invalidRequest([{ parameters: {}, message: 'The request could not be parsed.' }]);
  const type = problem.status === 400 ? JSON_TYPE : 'application/problem+json';
  const text = JSON.stringify(problem.body);
  // The security headers of every other answer (baseHeaders) go on these too.
  socket.end(
    `HTTP/1.1 ${problem.status} ${STATUS_CODES[problem.status]}\r\ncontent-type: ${type}\r\ncontent-length: ${Buffer.byteLength(text)}\r\n` +
      `cache-control: no-cache, no-store, max-age=0\r\nx-content-type-options: nosniff\r\nx-frame-options: SAMEORIGIN\r\n` +
      `connection: close\r\n\r\n${text}`,
  );
  // Closed once the answer is flushed, whether or not the client ever closes its side.
  (socket as Partial<Socket>).destroySoon?.();
}

const started = Symbol('started');
type Timed = FastifyRequest & { [started]?: bigint };

function accessLevel(p: Principal): string {
  if (p.kind === 'oauth1') return p.permission;
  if (p.kind === 'oauth2-user') return p.scopes.has('like.write') ? 'read-write' : 'read';
  return 'read';
}

function splitUrl(url: string): { rawPath: string; rawQuery: string } {
  const q = url.indexOf('?');
  return q < 0 ? { rawPath: url, rawQuery: '' } : { rawPath: url.slice(0, q), rawQuery: url.slice(q + 1) };
}

/** Maps anything thrown to X's document: known problems as they are, dependency outages as 503, the rest 500. */
export function problemFor(error: unknown, log: (e: unknown) => void): ApiProblem {
  if (error instanceof ApiProblem) return error;
  if (error instanceof ServiceUnavailableError) return serviceUnavailable();
  const code = (error as { code?: string; statusCode?: number }).code ?? '';
  const status = (error as { statusCode?: number }).statusCode ?? 500;
  if (code === 'FST_ERR_CTP_BODY_TOO_LARGE' || status === 413) {
    return new ApiProblem(413, { title: 'Payload Too Large', type: 'about:blank', status: 413, detail: 'Payload Too Large' });
  }
  if (status >= 400 && status < 500) {
    return invalidRequest([{ parameters: {}, message: 'The request could not be parsed.' }]);
  }
  log(error);
  return new ApiProblem(500, { title: 'Internal Server Error', type: 'about:blank', status: 500, detail: 'Internal Server Error' });
}

/** /healthz and /readyz answer 503 until `ready` returns true (e.g. until demo credentials are written); /readyz
 * answers 503 again once `draining` does (shutdown has begun). */
export type ServerOptions = Lifecycle;

export async function buildServer(services: Services, options: ServerOptions = {}): Promise<FastifyInstance> {
  const { config } = services;
  const app = Fastify({
    loggerInstance: services.log as FastifyBaseLogger,
    logController: new RequestLog(),
    genReqId: transactionId,
    // The id is ours alone: a client-sent header never names log lines.
    requestIdHeader: false,
    // Shutdown closes idle keep-alive connections at once and lets in-flight requests finish.
    forceCloseConnections: 'idle',
    bodyLimit: BODY_LIMIT,
    ...serverTimeouts(config),
    routerOptions: { maxParamLength: 1000 },
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
  capServer(app.server, config);
  // Node hands CONNECT to a separate event and drops the socket when nobody listens.
  app.server.on('connect', (_req: unknown, socket: Duplex) => refuseUnparsable(socket));

  // Bodies are kept as text: OAuth 1.0a signs form bodies, and each route parses its own body.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string' }, (_req, body, done) => done(null, body));

  app.addHook('onRequest', (req, reply, done) => {
    (req as Timed)[started] = process.hrtime.bigint();
    // Node keeps only the first headers past its count limit: a request that had more is refused, not trimmed.
    if (tooManyHeaders(req.raw.rawHeaders)) {
      void sendProblem(reply.header('connection', 'close'), headersTooLarge());
      return;
    }
    done();
  });
  app.addHook('onSend', (req, reply, payload, done) => {
    baseHeaders(reply, (req as Timed)[started] ?? process.hrtime.bigint());
    done(null, payload);
  });

  app.setErrorHandler((error, req, reply) => sendProblem(reply, problemFor(error, (err) => req.log.error({ err }, 'request failed'))));
  // X answers unknown routes with an empty 404: no JSON, no rate-limit headers.
  app.setNotFoundHandler((_req, reply) => reply.code(404).send());
  installMetrics(app, services);

  const routes: ApiRoute[] = [...likesRoutes(services.likes), ...usageRoutes(services.usage)];
  const versions = (await versioned(services)) ? versionReader(services) : null;
  const cache = versions ? new ResponseCache(services.config.responseCacheBytes) : null;
  if (cache) services.metrics.watchCache(cache);
  for (const route of routes) registerApiRoute(app, services, route, versions, cache);
  bearerTokenRoutes(app, services);
  oauthFlowRoutes(app, services);

  // The document names the address the client reached us by (the port may have been chosen at start-up).
  app.get('/openapi.json', (req, reply) => {
    const scheme = String(req.headers['x-forwarded-proto'] ?? 'http').split(',')[0].trim() || 'http';
    const doc = buildOpenApi(routes, `${scheme}://${req.headers.host ?? `${config.host}:${config.port}`}`);
    return reply.code(200).header('content-type', JSON_TYPE).send(JSON.stringify(doc));
  });
  healthRoutes(app, services, options);
  return app;
}

/**
 * Whether a data version covers every writer: a counter all instances share (Redis), or the store itself noticing
 * other processes' writes (SQLite's data_version). Only then are responses and credential lookups reused; PostgreSQL
 * with in-memory shared state (where another process could write unseen) reads everything afresh.
 */
async function versioned(services: Services): Promise<boolean> {
  if (!services.config.responseCache) return false;
  return services.shared.changes.shared || (await services.store.foreignWriteToken()) !== null;
}

interface RequestVersions {
  /** What cached responses are tagged with. */
  data: string;
  /** What remembered credential and Project lookups are tagged with. */
  credentials: string;
}

/**
 * The versions a request runs under. SQLite's data_version (other processes' writes, of any kind) is read
 * once per event-loop turn: a value from earlier in the turn is still read before this request's data.
 */
function versionReader(services: Services): () => Promise<RequestVersions> {
  let foreignThisTurn: Promise<string | null> | null = null;
  const foreign = () => {
    if (!foreignThisTurn) {
      foreignThisTurn = services.store.foreignWriteToken();
      setImmediate(() => (foreignThisTurn = null));
    }
    return foreignThisTurn;
  };
  return async () => {
    const [shared, token] = await Promise.all([services.shared.changes.current(), foreign()]);
    return { data: `${shared.data}:${token ?? ''}`, credentials: `${shared.credentials}:${token ?? ''}` };
  };
}

function registerApiRoute(
  app: FastifyInstance,
  services: Services,
  route: ApiRoute,
  versions: (() => Promise<RequestVersions>) | null,
  cache: ResponseCache | null,
): void {
  const { clock, config } = services;
  const cached = route.cacheable && cache ? cache : null;
  app.route({
    method: route.method,
    url: route.path,
    handler: async (req, reply) => {
      const { rawPath, rawQuery } = splitUrl(req.raw.url ?? req.url);
      const contentType = req.headers['content-type'];
      const rawBody = typeof req.body === 'string' ? req.body : undefined;
      let rateHeaders: Record<string, string> = {};
      try {
        const formPairs =
          rawBody && (contentType ?? '').toLowerCase().startsWith('application/x-www-form-urlencoded') ? parseFormPairs(rawBody) ?? [] : [];
        // Read before anything is looked up: what is remembered under it is never older than it.
        const version = versions ? await versions() : null;
        const principal = await services.authenticator.authenticate({
          method: req.method,
          authorization: req.headers.authorization,
          scheme: String(req.headers['x-forwarded-proto'] ?? 'http').split(',')[0].trim() || 'http',
          host: req.headers.host ?? `${config.host}:${config.port}`,
          rawPath,
          params: [...(parseFormPairs(rawQuery) ?? []), ...formPairs],
        }, version?.credentials ?? null);
        const projectId = principal.app.projectId;
        const project = projectId ? await services.memo.get(version?.credentials ?? null, `project:${projectId}`, () => services.store.projectById(projectId)) : null;
        const policy = authorize(principal, project, route.endpoint);
        reply.header('x-access-level', accessLevel(principal));
        const userId = principal.kind === 'app-only' ? null : principal.userId;
        const now = clock.now();
        const limits = await applyRateLimits(services.shared.rateLimiter, config.limits, policy.rateLimitTier, route.endpoint, principal.app.id, userId, now);
        rateHeaders = limits.headers;
        if (limits.refusal) throw limits.refusal;
        const path = req.params as Record<string, string>;
        const handle = route.validate(path, rawQuery);
        if (route.countsTweets) await services.usage.assertUnderCap(project!, now);

        const run = () => handle({ principal, project: project!, policy, userId, rawBody, contentType, now });
        let body: Buffer;
        let tweetCount: number;
        if (cached && version) {
          // The version was read before the answer is built: a write landing meanwhile leaves the entry stale, never wrong.
          const key = `${route.operationId}\u0000${JSON.stringify(path)}\u0000${rawQuery}\u0000${userId ?? ''}\u0000${JSON.stringify(policy)}`;
          const hit = cached.get(key, version.data);
          if (hit) {
            body = hit.body;
            tweetCount = hit.tweetCount;
          } else {
            const result = await run();
            body = Buffer.from(JSON.stringify(result.body));
            tweetCount = result.tweetCount ?? 0;
            cached.set(key, version.data, body, tweetCount);
          }
        } else {
          const result = await run();
          body = Buffer.from(JSON.stringify(result.body));
          tweetCount = result.tweetCount ?? 0;
        }
        if (route.countsTweets) await services.usage.record(project!, principal.app.id, tweetCount, now);
        reply.headers(rateHeaders);
        return reply.code(200).header('content-type', JSON_TYPE).send(body);
      } catch (error) {
        reply.headers(rateHeaders);
        return sendProblem(reply, problemFor(error, (err) => req.log.error({ err }, 'request failed')));
      }
    },
  });
}

export type { Json };
