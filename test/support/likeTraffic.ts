// Like/unlike traffic against real servers, shared by the storm and crash tests: the request itself, a bounded
// worker pool, and a walk over a paginated listing.
import { bearer, call, type Reply } from './processes.ts';

export type LikeOp = 'like' | 'unlike';

export const pairKey = (userId: string, tweetId: string): string => `${userId}/${tweetId}`;

/** Runs `total` jobs with at most `inFlight` at once; bounded by construction. */
export async function pool(total: number, inFlight: number, job: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(inFlight, total) }, async () => {
      while (next < total) await job(next++);
    }),
  );
}

/** POST /2/users/:id/likes or DELETE /2/users/:id/likes/:tweet_id as that user (OAuth 2.0 user token). */
export function sendLikeOp(baseUrl: string, token: string, userId: string, tweetId: string, op: LikeOp): Promise<Reply> {
  return op === 'like'
    ? call(`${baseUrl}/2/users/${userId}/likes`, {
        method: 'POST',
        headers: { ...bearer(token), 'content-type': 'application/json' },
        body: JSON.stringify({ tweet_id: tweetId }),
      })
    : call(`${baseUrl}/2/users/${userId}/likes/${tweetId}`, { method: 'DELETE', headers: bearer(token) });
}

/** Whether a like/unlike reply is the acknowledgement of `op`: 200 with `data.liked` saying what was asked. */
export const acknowledges = (r: Reply, op: LikeOp): boolean => r.status === 200 && r.body?.data?.liked === (op === 'like');

/**
 * Every item of a listing (`path` already has its query), following next_token for at most `maxPages` pages;
 * throws on any answer other than 200.
 */
export async function walkListing(
  baseUrl: string,
  path: string,
  headers: Record<string, string>,
  maxPages = 1000,
): Promise<{ items: any[]; pages: number }> {
  const items: any[] = [];
  let token: string | undefined;
  let pages = 0;
  do {
    const r = await call(`${baseUrl}${path}${token ? `${path.includes('?') ? '&' : '?'}pagination_token=${token}` : ''}`, { headers });
    pages++;
    if (r.status !== 200) throw new Error(`GET ${path}, page ${pages}: ${r.status} ${r.text}`);
    items.push(...(r.body.data ?? []));
    token = r.body.meta?.next_token;
  } while (token && pages < maxPages);
  if (token) throw new Error(`GET ${path}: still a next_token after ${maxPages} pages`);
  return { items, pages };
}
