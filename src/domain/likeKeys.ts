// What a like or an unlike can change in an answer, as keys: the liker's (their liked_tweets, their like_count) and
// the Tweet's (its liking_users, its like_count). An answer depends on the key of the listing it pages and, when it
// shows like counts, on the key of every user and Tweet it shows, in `data` or `includes`; a like whose keys it does
// not hold cannot change it. Keys travel as text (`u<id>`, `t<id>`: the change counters record them so); this file
// alone knows the encoding.
import type { EndpointId } from './access.ts';
import type { FieldSelection } from './fields.ts';

export type LikeKeyKind = 'user' | 'tweet';

/** A key read back: whose it is. */
export interface LikeKey {
  kind: LikeKeyKind;
  id: string;
}

/** The keys a like or an unlike of `tweetId` by `userId` changes. */
export const likeKeys = (userId: string, tweetId: string): string[] => [`u${userId}`, `t${tweetId}`];

/** A key as likeKeys wrote it. */
export const parseLikeKey = (key: string): LikeKey => ({ kind: key[0] === 'u' ? 'user' : 'tweet', id: key.slice(1) });

/** The listing an answer of `endpoint` pages (its path's `id`), or null for any other endpoint. */
export function listingKey(endpoint: EndpointId, id: string): LikeKey | null {
  if (endpoint === 'liked_tweets') return { kind: 'user', id };
  if (endpoint === 'liking_users') return { kind: 'tweet', id };
  return null;
}

/**
 * Whether answers with these fields show like counts (present.ts): a Post's public_metrics or organic_metrics, a
 * user's public_metrics, in `data` or `includes` alike. Without them a like changes nothing shown but a listing.
 */
export function showsLikeCounts(selection: Pick<FieldSelection, 'tweet' | 'user'>): boolean {
  const { tweet, user } = selection;
  return tweet.has('public_metrics') || tweet.has('organic_metrics') || user.has('public_metrics');
}
