// The request mix of the realistic benchmark (bench/sections/realistic.ts): many distinct lookups drawn from a seeded
// dataset (first pages of liked_tweets of many users, deeper pages reached by tokens the Likes API handed out while
// its pages were walked, liking_users of many Tweets; default fields or every field with expansions; app-only or
// OAuth 2.0 user bearer), the likes and unlikes of the token holders that turn it into a write mix, and the checks that
// compare the answers of two servers byte for byte.
import Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import type { DemoCredentials } from '../../src/demo/demoCredentials.ts';
import { Prng } from '../../src/demo/prng.ts';
import type { StoreProbe } from './data.ts';
import type { AcRequest } from './load.ts';
import { PAGE } from './requests.ts';

/** Every Tweet field, user field and expansion of the Likes endpoints that the seeded data can fill. */
export const FULL_TWEETS =
  'expansions=author_id,referenced_tweets.id,attachments.media_keys,attachments.poll_ids,geo.place_id' +
  '&tweet.fields=attachments,author_id,conversation_id,created_at,entities,geo,lang,possibly_sensitive,public_metrics,referenced_tweets,reply_settings,source' +
  '&user.fields=created_at,description,location,profile_image_url,protected,public_metrics,url,verified' +
  '&media.fields=alt_text,duration_ms,height,preview_image_url,type,url,width&poll.fields=duration_minutes,end_datetime,options,voting_status' +
  '&place.fields=country,country_code,full_name,name,place_type';
export const FULL_USERS =
  'expansions=pinned_tweet_id&user.fields=created_at,description,location,pinned_tweet_id,profile_image_url,protected,public_metrics,url,verified,verified_type' +
  '&tweet.fields=author_id,created_at,lang,public_metrics';

/** The shape of the mix: request counts by kind and the shares of full fields and of user tokens. */
export const MIX = {
  first: 4_200,
  deep: 900,
  liking: 900,
  /** Share of requests asking for every field and expansion (the rest: default fields). */
  full: 0.2,
  /** Share of requests made with a token holder's OAuth 2.0 user bearer (the rest: the App's bearer). */
  user: 0.4,
  /** Deep pages walked: the heaviest liker's, and up to `deepUsers` other heavy likers' `deepPerUser` each. */
  heavyPages: 300,
  deepUsers: 300,
  deepPerUser: 3,
  /** Of the liking_users Tweets, the most liked (full pages of 100); the rest drawn at random among liked Tweets. */
  topTweets: 150,
} as const;

export type Kind = 'first' | 'deep' | 'liking';

export interface MixItem {
  kind: Kind;
  fields: 'default' | 'full';
  /** Path and query. */
  path: string;
  /** 'app': the App's bearer; a number: that token holder's OAuth 2.0 user bearer (creds.users[n]). */
  auth: 'app' | number;
}

/** A deterministic PRNG (the demo seed's mulberry32), so the same dataset gives the same mix. */
export function prng(seed: number): () => number {
  const random = new Prng(seed);
  return () => random.next();
}

function shuffle<T>(xs: T[], rand: () => number): T[] {
  for (let i = xs.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [xs[i], xs[j]] = [xs[j], xs[i]];
  }
  return xs;
}

function sample<T>(xs: readonly T[], n: number, rand: () => number): T[] {
  return shuffle([...xs], rand).slice(0, n);
}

export const authHeader = (creds: DemoCredentials, auth: MixItem['auth']): string =>
  `Bearer ${auth === 'app' ? creds.app.bearerToken : creds.users[auth].oauth2AccessToken}`;

/** The requests of `items` as sent: each item's path with its bearer among `creds`. */
export const requestsOf = (creds: DemoCredentials, items: readonly MixItem[]): { path: string; headers: { authorization: string } }[] =>
  items.map((it) => ({ path: it.path, headers: { authorization: authHeader(creds, it.auth) } }));

/**
 * Builds the mix from the dataset in `dbFile` (ids) and from a running Likes API at `baseUrl` (tokens: the deep pages
 * are reached by walking each listing from its first page with the next_token of each answer).
 */
export async function buildMix(dbFile: string, baseUrl: string, creds: DemoCredentials, log: (s: string) => void): Promise<MixItem[]> {
  const rand = prng(13);
  const db = new Database(dbFile, { readonly: true, fileMustExist: true });
  let likers: string[];
  let heavy: string[];
  let topTweets: string[];
  let likedTweets: string[];
  try {
    likers = (db.prepare('SELECT id FROM users WHERE like_count > 0 AND NOT suspended AND NOT protected ORDER BY id').pluck().all() as string[]);
    heavy = db
      .prepare(`SELECT id FROM users WHERE like_count > ? AND id <> ? AND NOT suspended AND NOT protected ORDER BY like_count DESC, id LIMIT ?`)
      .pluck()
      .all(PAGE, creds.heavyLikerUserId, MIX.deepUsers) as string[];
    topTweets = db.prepare('SELECT id FROM tweets WHERE like_count > 0 AND NOT deleted ORDER BY like_count DESC, id LIMIT ?').pluck().all(MIX.topTweets) as string[];
    likedTweets = db.prepare('SELECT id FROM tweets WHERE like_count > 0 AND NOT deleted ORDER BY id').pluck().all() as string[];
  } finally {
    db.close();
  }
  const fields = (): MixItem['fields'] => (rand() < MIX.full ? 'full' : 'default');
  const auth = (): MixItem['auth'] => (rand() < MIX.user ? Math.floor(rand() * creds.users.length) : 'app');
  const liked = (userId: string, f: MixItem['fields'], token?: string) =>
    `/2/users/${userId}/liked_tweets?max_results=${PAGE}${f === 'full' ? `&${FULL_TWEETS}` : ''}${token ? `&pagination_token=${token}` : ''}`;
  const items: MixItem[] = [];

  for (const u of sample(likers, MIX.first, rand)) {
    const f = fields();
    items.push({ kind: 'first', fields: f, path: liked(u, f), auth: auth() });
  }

  // Deep pages: walk the listings with the App's bearer (default fields: a token does not depend on the fields).
  const walk = async (userId: string, pages: number): Promise<string[]> => {
    const tokens: string[] = [];
    let token: string | undefined;
    for (let i = 0; i < pages; i++) {
      const res = await fetch(`${baseUrl}${liked(userId, 'default', token)}`, { headers: { authorization: authHeader(creds, 'app') } });
      const doc = (await res.json()) as { meta?: { next_token?: string } };
      if (res.status !== 200) throw new Error(`walking ${userId}: ${res.status} ${JSON.stringify(doc).slice(0, 300)}`);
      token = doc.meta?.next_token;
      if (!token) break;
      tokens.push(token);
    }
    return tokens;
  };
  const t0 = performance.now();
  const deep: { userId: string; token: string }[] = (await walk(creds.heavyLikerUserId, MIX.heavyPages)).map((token) => ({ userId: creds.heavyLikerUserId, token }));
  const heavyCount = deep.length;
  const others: { userId: string; token: string }[] = [];
  for (const u of heavy) for (const token of await walk(u, MIX.deepPerUser)) others.push({ userId: u, token });
  log(`    walked ${heavyCount} deep pages of the heaviest liker and ${others.length} of ${heavy.length} other heavy likers in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  deep.push(...sample(others, Math.max(0, MIX.deep - deep.length), rand));
  for (const d of deep.slice(0, MIX.deep)) {
    const f = fields();
    items.push({ kind: 'deep', fields: f, path: liked(d.userId, f, d.token), auth: auth() });
  }

  const tweets = [...topTweets, ...sample(likedTweets.filter((t) => !topTweets.includes(t)), MIX.liking - topTweets.length, rand)];
  for (const t of tweets) {
    const f = fields();
    items.push({ kind: 'liking', fields: f, path: `/2/tweets/${t}/liking_users?max_results=${PAGE}${f === 'full' ? `&${FULL_USERS}` : ''}`, auth: auth() });
  }
  return shuffle(items, rand);
}

/**
 * Reads in a fixed cycle over `items` (one shared position, continued from run to run), with every 10th request a
 * write from `writes` when given: autocannon's connections all draw from the same sequence.
 */
export class MixCursor {
  private reads = 0;
  private all = 0;
  constructor(private readonly items: readonly { path: string; headers: Record<string, string> }[], private readonly writes?: Toggler) {}

  requests(): AcRequest[] {
    return [
      {
        method: 'GET',
        path: '/',
        setupRequest: (req) => {
          if (this.writes && this.all++ % 10 === 9) return this.writes.next(req);
          const it = this.items[this.reads++ % this.items.length];
          return { ...req, method: 'GET', path: it.path, headers: it.headers };
        },
      },
    ];
  }
}

/**
 * Likes and unlikes by the token holders that keep the data the same size: each write likes a new (holder, Tweet) pair
 * until `lag` likes are outstanding, then writes alternate: unlike the oldest outstanding like, like a new pair. The
 * lag (a few hundred requests at 10 % writes) keeps an unlike from overtaking its like on another connection.
 */
export class Toggler {
  private position = 0;
  private readonly pending: { user: number; tweet: string }[] = [];
  private likeTurn = true;
  likes = 0;
  unlikes = 0;

  constructor(
    private readonly creds: DemoCredentials,
    private readonly pairs: readonly { user: number; tweet: string }[],
    private readonly lag = 64,
  ) {
    if (pairs.length < lag * 4) throw new Error(`Toggler: ${pairs.length} pairs are too few`);
  }

  write(): { method: string; path: string; headers: Record<string, string>; body?: string } {
    const like = this.pending.length < this.lag || this.likeTurn;
    this.likeTurn = !this.likeTurn;
    if (like) {
      const p = this.pairs[this.position++ % this.pairs.length];
      this.pending.push(p);
      this.likes++;
      return {
        method: 'POST',
        path: `/2/users/${this.creds.users[p.user].id}/likes`,
        headers: { authorization: authHeader(this.creds, p.user), 'content-type': 'application/json' },
        body: JSON.stringify({ tweet_id: p.tweet }),
      };
    }
    const p = this.pending.shift()!;
    this.unlikes++;
    return { method: 'DELETE', path: `/2/users/${this.creds.users[p.user].id}/likes/${p.tweet}`, headers: { authorization: authHeader(this.creds, p.user) } };
  }

  next(req: AcRequest): AcRequest {
    return { ...req, ...this.write() };
  }

  /** Unlikes every outstanding like (after a run), so the data is back to its seeded size. */
  async drain(baseUrl: string): Promise<number> {
    let n = 0;
    while (this.pending.length) {
      const p = this.pending.shift()!;
      const res = await fetch(`${baseUrl}/2/users/${this.creds.users[p.user].id}/likes/${p.tweet}`, {
        method: 'DELETE',
        headers: { authorization: authHeader(this.creds, p.user) },
      });
      await res.arrayBuffer();
      if (res.status !== 200) throw new Error(`unlike ${p.user}/${p.tweet}: ${res.status}`);
      n++;
    }
    this.likeTurn = true;
    return n;
  }
}

/**
 * The write mix's (holder, Tweet) pairs: up to 2,000 Tweets each token holder of `creds` has not liked, read through
 * `probe` (closed afterwards), interleaved across holders.
 */
export async function unlikedPairs(probe: StoreProbe, creds: DemoCredentials): Promise<{ user: number; tweet: string }[]> {
  const lists: string[][] = [];
  for (const u of creds.users) lists.push(await probe.unlikedTweets(u.id, 2_000));
  await probe.close();
  return interleave(lists);
}

/** (holder, Tweet) pairs the holders have not liked, interleaved across holders. */
export function interleave(lists: string[][]): { user: number; tweet: string }[] {
  const out: { user: number; tweet: string }[] = [];
  const longest = Math.max(0, ...lists.map((l) => l.length));
  for (let i = 0; i < longest; i++) lists.forEach((l, u) => l[i] !== undefined && out.push({ user: u, tweet: l[i] }));
  return out;
}

export interface Fetched {
  status: number;
  body: Buffer;
}

/** GETs every item from `baseUrl` with `concurrency` requests in flight; answers in the items' order. */
export async function fetchAll(baseUrl: string, items: readonly { path: string; headers: Record<string, string> }[], concurrency = 4): Promise<Fetched[]> {
  const out: Fetched[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      const res = await fetch(`${baseUrl}${items[i].path}`, { headers: items[i].headers });
      out[i] = { status: res.status, body: Buffer.from(await res.arrayBuffer()) };
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return out;
}

export const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');
