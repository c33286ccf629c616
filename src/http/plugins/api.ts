// The X API routes (src/http/routes/likes.ts, usage.ts) behind one pipeline: authenticate → authorize →
// rate-limit → validate → handle, with lookups answered from the response cache while the data is unchanged.
import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import { authorize } from '../../domain/access.ts';
import type { Principal } from '../../domain/principal.ts';
import { applyRateLimits } from '../../domain/rateLimits.ts';
import type { Services } from '../../services.ts';
import { JSON_TYPE, problemFor, sendProblem } from '../reply.ts';
import { authRequest, bodyText, formPairs, queryPairs, splitUrl } from '../request.ts';
import { ResponseCache } from '../responseCache.ts';
import type { ApiRoute } from '../routeSpec.ts';

export const apiRoutes: FastifyPluginAsync<{ services: Services; routes: readonly ApiRoute[] }> = async (app, { services, routes }) => {
  const versions = (await versioned(services)) ? versionReader(services) : null;
  const cache = versions ? new ResponseCache(services.config.responseCacheBytes) : null;
  if (cache) services.metrics.watchCache(cache);
  for (const route of routes) registerApiRoute(app, services, route, versions, cache);
};

function accessLevel(p: Principal): string {
  if (p.kind === 'oauth1') return p.permission;
  if (p.kind === 'oauth2-user') return p.scopes.has('like.write') ? 'read-write' : 'read';
  return 'read';
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
      const { rawQuery } = splitUrl(req);
      const contentType = req.headers['content-type'];
      const rawBody = bodyText(req);
      let rateHeaders: Record<string, string> = {};
      try {
        // A malformed query or form body carries no parameters here: validation below refuses a malformed query.
        const params = [...(queryPairs(req) ?? []), ...(formPairs(req) ?? [])];
        // Read before anything is looked up: what is remembered under it is never older than it.
        const version = versions ? await versions() : null;
        const principal = await services.authenticator.authenticate(authRequest(req, config, params), version?.credentials ?? null);
        const projectId = principal.app.projectId;
        const project = projectId ? await services.memo.get(version?.credentials ?? null, `project:${projectId}`, () => services.store.projectById(projectId)) : null;
        const policy = authorize(principal, project, route.endpoint);
        reply.header('x-access-level', accessLevel(principal));
        const userId = principal.kind === 'app-only' ? null : principal.userId;
        const now = clock.now();
        const limits = await applyRateLimits(services.shared.rateLimiter, config.limits, policy.rateLimitTier, route.endpoint, principal.app.id, userId, now);
        rateHeaders = limits.headers;
        if (limits.refusal) {
          req.refusal = 'rate_limit';
          throw limits.refusal;
        }
        const path = req.params as Record<string, string>;
        const handle = route.validate(path, rawQuery);
        if (route.countsTweets) {
          // What it throws is the cap's 429 (or a 503 when the meter cannot answer, which is no 429 to count).
          await services.usage.assertUnderCap(project!, now).catch((error: unknown) => {
            req.refusal = 'usage_cap';
            throw error;
          });
        }

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
