// Lookups answered from the response cache (src/http/responseCache.ts) while the data is unchanged. The key is
// everything a cacheable answer depends on besides the data: the world, the route, path and query as sent, the viewer and
// the policy.
import type { Policy } from '../../../domain/model.ts';
import { listingKey } from '../../../domain/likeKeys.ts';
import { billedResources, type BilledResources } from '../../../domain/sandboxes/billedResources.ts';
import { NO_IDS } from '../../../ports/usageLedger.ts';
import { bodyJson } from '../../../domain/writtenJson.ts';
import { ResponseCache } from '../../responseCache.ts';
import type { ApiResult, ApiRoute } from '../../routeSpec.ts';
import type { Shown } from './likeChangeLog.ts';
import type { RequestVersions } from './versions.ts';

/**
 * An answer as written: the serialised body, the Tweets it returned (they count against the cap on every hit) and
 * the resources X would bill for it (on every hit too). The response cache keeps the body in bytes (`Buffer`); a
 * freshly built answer has it as JSON text, which is sent as it is (no Buffer made of it first).
 */
export interface Answer<Body extends Buffer | string = Buffer> {
  body: Body;
  tweetCount: number;
  resources: BilledResources;
}

export const serialised = (route: ApiRoute, result: ApiResult): Answer<string> => ({
  body: bodyJson(result.body),
  tweetCount: result.tweetCount ?? 0,
  resources: billedResources(route.endpoint, result.body),
});

/** What a cached answer is tagged with: the versions it was made under, and what it shows (for likes made since). */
export interface AnswerTag extends Shown {
  data: string;
  likes: number;
}

/**
 * The tag of `answer`, an answer of `route` for the path parameter `id`, made under `versions`; the Posts and users
 * it shows count only where it shows their like counts.
 */
export const answerTag = (route: ApiRoute, id: string, versions: RequestVersions, answer: Answer<Buffer | string>, showsLikeCounts: boolean): AnswerTag => ({
  data: versions.data,
  likes: versions.likes,
  listing: listingKey(route.endpoint, id),
  posts: showsLikeCounts ? answer.resources.posts : NO_IDS,
  users: showsLikeCounts ? answer.resources.users : NO_IDS,
});

/** An answer is current while no write but likes came since, and no like since changed what it shows. */
const isCurrent = (tag: AnswerTag, now: RequestVersions): boolean =>
  tag.data === now.data && (tag.likes === now.likes || now.likeLog.unchangedSince(tag.likes, tag));

export type AnswerCache = ResponseCache<Answer, AnswerTag, RequestVersions>;

export const answerCache = (maxBytes: number): AnswerCache => new ResponseCache(maxBytes, isCurrent);

/**
 * Each policy as a short tag, the same for equal policies: looked up by the policy object, which requests of an App
 * share (effectivePolicy), so its text is made once per object. Short, as every lookup hashes the whole key.
 */
const policyKeys = new WeakMap<Policy, string>();
const policyTags = new Map<string, string>();
function policyKey(policy: Policy): string {
  let key = policyKeys.get(policy);
  if (key === undefined) {
    const text = JSON.stringify(policy);
    key = policyTags.get(text);
    if (key === undefined) policyTags.set(text, (key = String(policyTags.size)));
    policyKeys.set(policy, key);
  }
  return key;
}

/** `url`: the path and query as sent. */
export const responseKey = (world: string, route: ApiRoute, url: string, userId: string | null, policy: Policy): string =>
  `${world}\u0000${route.operationId}\u0000${url}\u0000${userId ?? ''}\u0000${policyKey(policy)}`;
