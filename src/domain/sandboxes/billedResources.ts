// What an answer returned that X bills per resource: every Post and user object in it, in `data` and in `includes`
// (X charges "per resource returned in the response"; docs/reference/x-pricing.md). Writes return none.
import type { EndpointId } from '../access.ts';

export interface BilledResources {
  posts: string[];
  users: string[];
}

type Json = Record<string, unknown>;

const idsOf = (items: unknown): string[] =>
  Array.isArray(items) ? items.flatMap((x) => (x && typeof x === 'object' && typeof (x as Json).id === 'string' ? [(x as Json).id as string] : [])) : [];

/** The Posts and users in a successful answer of `endpoint` (liked_tweets answers Posts, liking_users users). */
export function billedResources(endpoint: EndpointId, body: Json): BilledResources {
  const includes = (body.includes ?? {}) as Json;
  const data = idsOf(body.data);
  return {
    posts: [...(endpoint === 'liked_tweets' ? data : []), ...idsOf(includes.tweets)],
    users: [...(endpoint === 'liking_users' ? data : []), ...idsOf(includes.users)],
  };
}
