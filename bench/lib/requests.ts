// The requests the bench sends: lookup paths, reads with either kind of auth, and like/unlike writes drawn from pools
// of (token holder, Tweet) pairs the holder has not liked yet.
import type { DemoCredentials } from '../../src/demo/demoSeed.ts';
import type { StoreProbe } from './data.ts';
import { oauth1Header, type AcRequest, type OAuth1Keys } from './load.ts';

/** max_results of every page the bench reads. */
export const PAGE = 100;
export const EXPANDED = 'expansions=author_id,referenced_tweets.id&tweet.fields=created_at,public_metrics,author_id';
export const likedPath = (userId: string, extra = '') => `/2/users/${userId}/liked_tweets?max_results=${PAGE}${extra ? `&${extra}` : ''}`;
export const likingPath = (tweetId: string) => `/2/tweets/${tweetId}/liking_users?max_results=${PAGE}`;

function oauth1Keys(creds: DemoCredentials, user: number): OAuth1Keys {
  const u = creds.users[user];
  return { consumerKey: creds.app.consumerKey, consumerSecret: creds.app.consumerSecret, token: u.accessToken, tokenSecret: u.accessTokenSecret };
}

export type Auth = 'bearer' | 'oauth1';

export function readRequests(path: string, auth: Auth, creds: DemoCredentials): AcRequest[] {
  if (auth === 'bearer') return [{ method: 'GET', path, headers: { authorization: `Bearer ${creds.app.bearerToken}` } }];
  // OAuth 1.0a as the second token holder (an ordinary user reading someone's public likes).
  const keys = oauth1Keys(creds, 1);
  return [
    {
      method: 'GET',
      path,
      setupRequest: (req) => ({ ...req, headers: { authorization: oauth1Header(keys, 'GET', path) } }),
    },
  ];
}

/** (holder, tweet) pairs the holder has not liked, handed out round robin. */
export class PairPool {
  private next = 0;
  /** Pairs liked by a toggle run and not unliked yet (as far as the requests sent tell). */
  private readonly liked = new Set<{ user: number; tweet: string }>();
  constructor(readonly pairs: { user: number; tweet: string }[]) {}
  take() {
    const p = this.pairs[this.next % this.pairs.length];
    this.next++;
    return p;
  }
  get used() {
    return this.next;
  }
  /** A toggle run's like of `p` was sent. */
  likedOne(p: { user: number; tweet: string }): void {
    this.liked.add(p);
  }
  /** A toggle run's unlike of `p` was sent. */
  unlikedOne(p: { user: number; tweet: string }): void {
    this.liked.delete(p);
  }
  /**
   * What a timed toggle run may have left liked: the pairs liked and not unliked, and the last `recent` taken (an
   * unlike cut off with the run may not have reached the server). Forgotten once handed out.
   */
  leftLiked(recent: number): { user: number; tweet: string }[] {
    const out = new Set(this.liked);
    for (let i = Math.max(0, this.next - recent); i < this.next; i++) out.add(this.pairs[i % this.pairs.length]);
    this.liked.clear();
    return [...out];
  }
}

function userAuthHeader(creds: DemoCredentials, auth: Auth, user: number, method: string, path: string): string {
  return auth === 'bearer' ? `Bearer ${creds.users[user].oauth2AccessToken}` : oauth1Header(oauth1Keys(creds, user), method, path);
}

/** POST like then DELETE the same like, per connection, on pairs from the pool (each pair toggles back). */
export function toggleRequests(creds: DemoCredentials, auth: Auth, pool: PairPool): AcRequest[] {
  return [
    {
      method: 'POST',
      path: '/',
      setupRequest: (req, ctx) => {
        const p = pool.take();
        ctx.pair = p;
        pool.likedOne(p);
        const path = `/2/users/${creds.users[p.user].id}/likes`;
        return {
          ...req,
          path,
          headers: { authorization: userAuthHeader(creds, auth, p.user, 'POST', path), 'content-type': 'application/json' },
          body: JSON.stringify({ tweet_id: p.tweet }),
        };
      },
    },
    {
      method: 'DELETE',
      path: '/',
      setupRequest: (req, ctx) => {
        const p = ctx.pair as { user: number; tweet: string };
        pool.unlikedOne(p);
        const path = `/2/users/${creds.users[p.user].id}/likes/${p.tweet}`;
        return { ...req, path, headers: { authorization: userAuthHeader(creds, auth, p.user, 'DELETE', path) } };
      },
    },
  ];
}

/**
 * Unlikes what toggle runs may have left liked (see PairPool.leftLiked), so the data reads as seeded again for the
 * sections after (the realistic section compares PostgreSQL's answers with SQLite's, byte for byte).
 */
export async function undoToggles(baseUrl: string, creds: DemoCredentials, pool: PairPool, connections: number): Promise<void> {
  for (const p of pool.leftLiked(4 * connections)) {
    const path = `/2/users/${creds.users[p.user].id}/likes/${p.tweet}`;
    const res = await fetch(`${baseUrl}${path}`, { method: 'DELETE', headers: { authorization: `Bearer ${creds.users[p.user].oauth2AccessToken}` } });
    await res.arrayBuffer();
    if (res.status !== 200) throw new Error(`undoing a toggled like: DELETE ${path} answered ${res.status}`);
  }
}

/** POST like of a pair never liked before: every request is one new durable like. */
export function likeRequests(creds: DemoCredentials, pool: PairPool): AcRequest[] {
  return [
    {
      method: 'POST',
      path: '/',
      setupRequest: (req) => {
        const p = pool.take();
        const path = `/2/users/${creds.users[p.user].id}/likes`;
        return {
          ...req,
          path,
          headers: { authorization: `Bearer ${creds.users[p.user].oauth2AccessToken}`, 'content-type': 'application/json' },
          body: JSON.stringify({ tweet_id: p.tweet }),
        };
      },
    },
  ];
}

export async function pairPools(probe: StoreProbe, creds: DemoCredentials, perUser: number): Promise<{ toggle: PairPool; durable: PairPool }> {
  const toggle: { user: number; tweet: string }[] = [];
  const durable: { user: number; tweet: string }[] = [];
  const lists = [];
  for (let u = 0; u < creds.users.length; u++) lists.push(await probe.unlikedTweets(creds.users[u].id, perUser));
  // Interleave users so that consecutive requests write to different users' index ranges, as real traffic does.
  for (let i = 0; i < perUser; i++) {
    for (let u = 0; u < lists.length; u++) {
      const t = lists[u][i];
      if (t === undefined) continue;
      (i % 8 === 0 ? toggle : durable).push({ user: u, tweet: t });
    }
  }
  return { toggle: new PairPool(toggle), durable: new PairPool(durable) };
}
