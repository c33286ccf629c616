// The API route handler, once the request is authenticated, authorized and within its rate limits: it validates
// path and query, checks the Tweet cap, answers (from the response cache when it may) and counts the Tweets.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { JSON_TYPE } from '../../reply.ts';
import { bodyText, splitUrl } from '../../request.ts';
import { streamAnswer, type OpenStreams } from '../../streaming.ts';
import type { ApiRoute, RequestContext } from '../../routeSpec.ts';
import type { EndpointId } from '../../../domain/access.ts';
import { ENDPOINT_OPERATION, isLedgerEndpoint } from '../../../ports/usageLedger.ts';
import { userIdOf } from './auth.ts';
import { answerTag, responseKey, serialised, type Answer, type AnswerCache } from './cache.ts';

/** `cache` is null for a route that may not be served from it, or when nothing is reused across requests. */
export function apiHandler(route: ApiRoute, cache: AnswerCache | null, streams: OpenStreams) {
  return async function handleApiRequest(req: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
    const { world } = req;
    const principal = req.principal!;
    const project = req.project!;
    const policy = req.policy!;
    const now = req.now;
    const { rawQuery } = splitUrl(req);
    const path = req.params as Record<string, string>;
    const userId = userIdOf(principal);
    const version = req.versions;
    // The key is everything validation reads (route, path, query as sent) and more: an entry under it was validated
    // when it was built, so a request that will be answered from the cache is not parsed again.
    const key = cache && version ? responseKey(world.id, route, req.raw.url ?? req.url, userId, policy) : null;
    const handle = key !== null && cache!.has(key, version!) ? null : route.validate(path, rawQuery);
    if (route.countsTweets) {
      const capped = await world.usage.capRefusal(project, now);
      if (capped) {
        req.refusal = 'usage_cap';
        throw capped;
      }
    }
    let answer: Answer<Buffer | string> | undefined;
    if (key !== null) {
      // The version was read before the answer is built: a write landing meanwhile leaves the entry stale, never wrong.
      // A cached body stays put until this response has been written (reply.raw closes).
      answer = cache!.get(key, version!, reply.raw);
      if (!answer) {
        const ctx = context(req, userId);
        const result = await (handle ?? route.validate(path, rawQuery))(ctx);
        const fresh = serialised(route, result);
        cache!.set(key, answerTag(route, path.id, version!, fresh, result.showsLikeCounts ?? true), fresh);
        answer = fresh;
      }
    } else {
      const result = await handle!(context(req, userId));
      if (result.stream) {
        await streamAnswer(req, reply, streams, result.stream);
        return reply;
      }
      answer = serialised(route, result);
    }
    if (route.countsTweets) await world.usage.record(project, principal.app.id, answer.tweetCount, now);
    recordBilling(req, route.endpoint, answer);
    return reply.code(200).header('content-type', JSON_TYPE).send(answer.body);
  };
}

const context = (req: FastifyRequest, userId: string | null): RequestContext => ({
  world: req.world,
  principal: req.principal!,
  project: req.project!,
  policy: req.policy!,
  userId,
  rawBody: bodyText(req),
  contentType: req.headers['content-type'],
  now: req.now,
});

/**
 * What X would bill for a successful request, in the world's ledger (GET /__admin/sandboxes/{id}/usage). Only the
 * Likes endpoints are priced; a ledger outage loses the entry, never the answer (X's own deduplication is a soft
 * guarantee too).
 */
function recordBilling(req: FastifyRequest, endpoint: EndpointId, answer: Answer<Buffer | string>): void {
  if (!isLedgerEndpoint(endpoint)) return;
  req.world.shared.ledger.record({ appId: req.principal!.app.id, at: req.now, endpoint, operation: ENDPOINT_OPERATION[endpoint], resources: answer.resources });
}
