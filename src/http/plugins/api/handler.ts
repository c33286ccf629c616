// The API route handler, once the request is authenticated, authorized and within its rate limits: it validates
// path and query, checks the Tweet cap, answers (from the response cache when it may) and counts the Tweets.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { JSON_TYPE } from '../../reply.ts';
import { bodyText, splitUrl } from '../../request.ts';
import { streamAnswer, type OpenStreams } from '../../streaming.ts';
import { thenSettle, type Settling } from '../../../settling.ts';
import type { ApiRoute, RequestContext } from '../../routeSpec.ts';
import type { EndpointId } from '../../../domain/access.ts';
import { ENDPOINT_OPERATION, isLedgerEndpoint } from '../../../ports/usageLedger.ts';
import { userIdOf } from './auth.ts';
import { answerTag, responseKey, serialised, type Answer, type AnswerCache } from './cache.ts';

/**
 * `cache` is null for a route that may not be served from it, or when nothing is reused across requests. An answer
 * from the cache is sent in the same call when the Tweet cap and the count need not wait (src/settling.ts).
 */
export function apiHandler(route: ApiRoute, cache: AnswerCache | null, streams: OpenStreams) {
  return function handleApiRequest(req: FastifyRequest, reply: FastifyReply): Settling<void> {
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

    /** The answer, from the cache when it may; null once it has been streamed instead. */
    const answer = (): Settling<Answer<Buffer | string> | null> => {
      if (key === null) {
        return handle!(context(req, userId)).then(async (result) => {
          if (!result.stream) return serialised(route, result);
          await streamAnswer(req, reply, streams, result.stream);
          return null;
        });
      }
      // The version was read before the answer is built: a write landing meanwhile leaves the entry stale, never wrong.
      // A cached body stays put until this response has been written (reply.raw closes).
      const cached = cache!.get(key, version!, reply.raw);
      if (cached) return cached;
      return (handle ?? route.validate(path, rawQuery))(context(req, userId)).then((result) => {
        const fresh = serialised(route, result);
        cache!.set(key, answerTag(route, path.id, version!, fresh, result.showsLikeCounts ?? true), fresh);
        return fresh;
      });
    };

    /** Counts the answer's Tweets and its billing, then sends it. */
    const send = (ready: Answer<Buffer | string>): Settling<void> => {
      const counted = route.countsTweets ? world.usage.record(project, principal.app.id, ready.tweetCount, now) : undefined;
      return thenSettle(counted, () => {
        recordBilling(req, route.endpoint, ready);
        reply.code(200).header('content-type', JSON_TYPE).send(ready.body);
      });
    };

    const capped = route.countsTweets ? world.usage.capRefusal(project, now) : null;
    return thenSettle(capped, (refusal) => {
      if (refusal) {
        req.refusal = 'usage_cap';
        throw refusal;
      }
      return thenSettle(answer(), (ready) => (ready ? send(ready) : undefined));
    });
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
