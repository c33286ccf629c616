// What a like or an unlike can change in an answer, as keys: the liker's (their liked_tweets, their like_count) and
// the Tweet's (its liking_users, its like_count). An answer depends on the key of the listing it pages and on the key
// of every user and Tweet it shows, in `data` or `includes`; a like whose keys it does not hold cannot change it.
import type { EndpointId } from './access.ts';

export const userKey = (id: string): string => `u${id}`;
export const tweetKey = (id: string): string => `t${id}`;

/** The keys a like or an unlike of `tweetId` by `userId` changes. */
export const likeKeys = (userId: string, tweetId: string): string[] => [userKey(userId), tweetKey(tweetId)];

/** The key of the listing an answer of `endpoint` pages (its path's `id`), or null for any other endpoint. */
export function listingKey(endpoint: EndpointId, id: string): string | null {
  if (endpoint === 'liked_tweets') return userKey(id);
  if (endpoint === 'liking_users') return tweetKey(id);
  return null;
}
