// What an answer returned that X bills per resource: every Post and user object in it, in `data` and in `includes`
// (X charges "per resource returned in the response"; docs/reference/x-pricing.md). Writes return none.
import type { EndpointId } from '../access.ts';
import { idList, type IdList } from '../../ports/usageLedger.ts';

export interface BilledResources {
  posts: IdList;
  users: IdList;
}

type Json = Record<string, unknown>;

function idsOf(items: unknown): string[] {
  const ids: string[] = [];
  if (!Array.isArray(items)) return ids;
  for (const x of items) {
    const id = x !== null && typeof x === 'object' ? (x as Json).id : undefined;
    if (typeof id === 'string') ids.push(id);
  }
  return ids;
}

/** The Posts and users in a successful answer of `endpoint` (liked_tweets answers Posts, liking_users users). */
export function billedResources(endpoint: EndpointId, body: Json): BilledResources {
  const includes = body.includes as Json | undefined;
  const data = idsOf(body.data);
  const posts = endpoint === 'liked_tweets' ? data : [];
  const users = endpoint === 'liking_users' ? data : [];
  // Without includes (default fields) the lists are the data's ids as they are.
  if (includes) {
    for (const id of idsOf(includes.tweets)) posts.push(id);
    for (const id of idsOf(includes.users)) users.push(id);
  }
  return { posts: idList(posts), users: idList(users) };
}
