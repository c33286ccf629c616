// The deterministic bulk world of `likes-api seed`: N users, N tweets and N likes from one seed, generated in
// batches so that 10 M likes never sit in memory at once. Popularity is skewed both ways, as on X: a few Tweets
// collect very many likes while most get a handful, and a few users like far more than the rest. Every like is
// given after the Tweet was created. The same spec always yields the same rows, whatever the store.
import { snowflakeAt } from '../domain/ids.ts';
import type { TweetRecord, UserRecord } from '../domain/model.ts';
import { Prng } from '../demo/prng.ts';
import type { LikeColumns } from '../ports/bulkLoader.ts';

export interface SeedSpec {
  users: number;
  tweets: number;
  likes: number;
  seed: number;
}

/** Seed time stands still at this instant (the data is the same on every machine and every day). */
export const SEED_NOW = Date.UTC(2026, 0, 1);
/** Users join between these instants; every id is a 19-digit snowflake, so ids sort as text like numbers. */
const USERS_FROM = Date.UTC(2019, 0, 1);
const USERS_TO = Date.UTC(2025, 0, 1);
/** Tweets are created between these instants, oldest first. */
const TWEETS_FROM = Date.UTC(2024, 0, 1);
const TWEETS_TO = Date.UTC(2025, 11, 1);
const SECOND = 1000;

/** Worker bits of the seeded snowflakes, so seeded ids never collide with ids minted at run time by a server. */
const USER_WORKER = 1001;
const TWEET_WORKER = 1002;

/** Share of like draws that follow the popularity curve; the rest pick any Tweet (the long tail). */
const POPULAR_SHARE = 0.6;
/** Pareto shape of the per-user like counts (about 80 % of likes come from 20 % of users). */
const PARETO_ALPHA = 1.16;
/** Above this share of all Tweets a user's likes are drawn by selection sampling rather than by rejection. */
const DENSE_FRACTION = 0.25;
/** Nobody likes more than this share of all Tweets (unless the spec leaves no other way to place the likes). */
const MAX_USER_FRACTION = 0.5;

const FIRST = ['Ada', 'Grace', 'Alan', 'Linus', 'Marga', 'Ken', 'Barbara', 'Dennis', 'Frances', 'Edsger', 'Radia', 'Guido', 'Hedy', 'Tim', 'Kathy', 'Niklaus', 'Sophie', 'Yuki', 'Annie', 'Bjarne'];
const LAST = ['Lovelace', 'Hopper', 'Turing', 'Torvalds', 'Hamilton', 'Thompson', 'Liskov', 'Ritchie', 'Allen', 'Dijkstra', 'Perlman', 'Rossum', 'Lamarr', 'Berners', 'Johnson', 'Wirth', 'Wilson', 'Matsumoto', 'Easley', 'Stroustrup'];
const TOPICS = ['keyset pagination', 'rate limits', 'OAuth 1.0a signatures', 'SQLite in WAL mode', 'PostgreSQL COPY', 'Redis Lua scripts', 'snowflake ids', 'RFC 7807 problems', 'PKCE', 'bearer tokens', 'the monthly Tweet cap', 'protected accounts', 'B-tree page splits', 'p99 latency', 'connection pools', 'flame graphs'];
const VERBS = ['Just shipped', 'Thinking about', 'Hot take on', 'A thread on', 'Reading about', 'Benchmarking', 'Debugging', 'Loving', 'Notes on', 'Why I moved to'];
const TAILS = ['', ' Thoughts?', ' More soon.', ' (long thread)', ' 10/10 would do again.', ' Details below.', ' Numbers inside.'];
const HASHTAGS = ['buildinpublic', 'devtools', 'api', 'opensource', 'nodejs', 'sqlite', 'postgres', 'performance'];
const LANGS = ['en', 'en', 'en', 'en', 'fr', 'de', 'es', 'ja', 'pt'];
const SOURCES = ['Twitter Web App', 'Twitter for iPhone', 'Twitter for Android', 'Likes API seed'];
const PLACES = ['Lisbon', 'Berlin', 'Osaka', 'Toronto', 'Nairobi', 'Recife', 'Lyon', null, null, null];

/** Mixes the seed with a phase number, so each phase draws from its own stream and can be generated alone. */
function phaseSeed(seed: number, phase: number): number {
  let h = (seed ^ Math.imul(phase + 1, 0x9e3779b1)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b) >>> 0;
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35) >>> 0;
  return (h ^ (h >>> 16)) >>> 0;
}

export function validateSpec(spec: SeedSpec): void {
  const whole = (name: string, v: number, min: number) => {
    if (!Number.isSafeInteger(v) || v < min) throw new RangeError(`--${name} must be a whole number ≥ ${min} (got ${v})`);
  };
  whole('users', spec.users, 1);
  whole('tweets', spec.tweets, 1);
  whole('likes', spec.likes, 0);
  if (!Number.isInteger(spec.seed) || spec.seed < 0 || spec.seed > 0xffffffff) {
    throw new RangeError(`--seed must be a whole number from 0 to 4294967295 (got ${spec.seed})`);
  }
  // Ids are 19-digit snowflakes with the millisecond in their upper bits: one millisecond per row at most.
  if (spec.users > (USERS_TO - USERS_FROM) / 4) throw new RangeError(`--users must be at most ${(USERS_TO - USERS_FROM) / 4}`);
  if (spec.tweets > (TWEETS_TO - TWEETS_FROM) / 4) throw new RangeError(`--tweets must be at most ${(TWEETS_TO - TWEETS_FROM) / 4}`);
  if (spec.likes > spec.users * spec.tweets) {
    throw new RangeError(`--likes must be at most users × tweets (${spec.users * spec.tweets}): each user likes a Tweet once`);
  }
}

/**
 * The world of one spec. Construction plans who likes how much (cheap: a few typed arrays); rows are produced
 * by the batch generators, each of which may be run any number of times with the same result.
 */
export class SeedWorld {
  readonly spec: SeedSpec;
  readonly userIds: string[];
  readonly tweetIds: string[];
  /** Planned likes of each user (sums to spec.likes). */
  readonly userLikeCounts: Int32Array;
  /** Author (user index) of each tweet. */
  readonly tweetAuthor: Int32Array;
  /** Tweets authored by each user. */
  readonly userTweetCounts: Int32Array;
  /** Tweet indexes from most to least popular. */
  private readonly popularity: Int32Array;
  private readonly tweetCreatedAt: Float64Array;
  private readonly userCreatedAt: Float64Array;
  /** Index of the user with the most likes. */
  readonly heavyLiker: number;

  constructor(spec: SeedSpec) {
    validateSpec(spec);
    this.spec = spec;
    const { users: U, tweets: T } = spec;

    this.userCreatedAt = new Float64Array(U);
    this.userIds = new Array<string>(U);
    const userStep = (USERS_TO - USERS_FROM) / U;
    for (let i = 0; i < U; i++) {
      const at = USERS_FROM + Math.floor(i * userStep);
      this.userCreatedAt[i] = at;
      this.userIds[i] = snowflakeAt(at, USER_WORKER, i);
    }
    this.tweetCreatedAt = new Float64Array(T);
    this.tweetIds = new Array<string>(T);
    const tweetStep = (TWEETS_TO - TWEETS_FROM) / T;
    for (let i = 0; i < T; i++) {
      const at = TWEETS_FROM + Math.floor(i * tweetStep);
      this.tweetCreatedAt[i] = at;
      this.tweetIds[i] = snowflakeAt(at, TWEET_WORKER, i);
    }

    // Authors: prolific accounts write far more than the rest.
    const authorRng = new Prng(phaseSeed(spec.seed, 1));
    const authorRank = shuffled(U, authorRng);
    this.tweetAuthor = new Int32Array(T);
    this.userTweetCounts = new Int32Array(U);
    for (let t = 0; t < T; t++) {
      const a = authorRank[authorRng.skewed(U, 0.9)];
      this.tweetAuthor[t] = a;
      this.userTweetCounts[a]++;
    }

    // Popularity: a random order of the tweets, so the most liked ones are spread over time.
    this.popularity = shuffled(T, new Prng(phaseSeed(spec.seed, 2)));

    // Like counts per user: Pareto weights scaled to the total, capped at half the Tweets (at all of them when
    // the spec needs more).
    const countRng = new Prng(phaseSeed(spec.seed, 3));
    const weights = new Float64Array(U);
    let total = 0;
    for (let u = 0; u < U; u++) {
      weights[u] = Math.pow(1 - countRng.next(), -1 / PARETO_ALPHA);
      total += weights[u];
    }
    const cap = spec.likes <= U * Math.floor(T * MAX_USER_FRACTION) ? Math.max(1, Math.floor(T * MAX_USER_FRACTION)) : T;
    const counts = new Int32Array(U);
    let assigned = 0;
    for (let u = 0; u < U; u++) {
      counts[u] = Math.min(cap, Math.floor((spec.likes * weights[u]) / total));
      assigned += counts[u];
    }
    // What rounding and capping left over is spread over the users with room: evenly, then one by one.
    while (spec.likes - assigned >= U) {
      const each = Math.floor((spec.likes - assigned) / U);
      for (let u = 0; u < U; u++) {
        const add = Math.min(each, cap - counts[u]);
        counts[u] += add;
        assigned += add;
      }
    }
    for (let u = 0; u < U && assigned < spec.likes; u++) {
      if (counts[u] < cap) {
        counts[u]++;
        assigned++;
      }
    }
    for (let u = 0; u < U && assigned < spec.likes; u++) {
      const add = Math.min(cap - counts[u], spec.likes - assigned);
      counts[u] += add;
      assigned += add;
    }
    this.userLikeCounts = counts;
    let heavy = 0;
    for (let u = 1; u < U; u++) if (counts[u] > counts[heavy]) heavy = u;
    this.heavyLiker = heavy;
  }

  userCreatedAtOf(i: number): number {
    return this.userCreatedAt[i];
  }
  tweetCreatedAtOf(i: number): number {
    return this.tweetCreatedAt[i];
  }

  /** Users in id order; like_count is left at 0 (the loader recounts it from the rows). */
  *userBatches(size = 1000): Generator<UserRecord[]> {
    const rng = new Prng(phaseSeed(this.spec.seed, 4));
    let batch: UserRecord[] = [];
    for (let i = 0; i < this.spec.users; i++) {
      const first = FIRST[i % FIRST.length];
      const last = LAST[Math.floor(i / FIRST.length) % LAST.length];
      const digits = String(i);
      batch.push({
        id: this.userIds[i],
        // Letters then the index: unique (also case-insensitively) and at most 15 characters, as on X.
        username: `${(first + last).slice(0, Math.max(1, 15 - digits.length))}${digits}`,
        name: `${first} ${last}`,
        createdAt: this.userCreatedAt[i],
        description: `${rng.pick(VERBS)} ${rng.pick(TOPICS)}. Seeded account #${i}.`,
        location: rng.pick(PLACES),
        url: rng.chance(0.3) ? `https://example.com/u/${i}` : null,
        profileImageUrl: `https://pbs.twimg.com/profile_images/seed/${i}_normal.jpg`,
        protected: false,
        verified: rng.chance(0.02),
        suspended: false,
        pinnedTweetId: null,
        metrics: {
          followers_count: Math.floor(Math.pow(1 - rng.next(), -1.2) * 40),
          following_count: rng.int(0, 2000),
          tweet_count: this.userTweetCounts[i],
          listed_count: rng.int(0, 50),
          like_count: 0,
        },
      });
      if (batch.length === size) {
        yield batch;
        batch = [];
      }
    }
    if (batch.length) yield batch;
  }

  /** Tweets in id order (oldest first); some reply to or quote an earlier Tweet. like_count is left at 0. */
  *tweetBatches(size = 1000): Generator<TweetRecord[]> {
    const rng = new Prng(phaseSeed(this.spec.seed, 5));
    const conversation = new Int32Array(this.spec.tweets);
    let batch: TweetRecord[] = [];
    for (let i = 0; i < this.spec.tweets; i++) {
      const id = this.tweetIds[i];
      const tag = rng.pick(HASHTAGS);
      const head = `${rng.pick(VERBS)} ${rng.pick(TOPICS)} `;
      const text = `${head}#${tag}${rng.pick(TAILS)}`;
      const referencedTweets: TweetRecord['referencedTweets'] = [];
      let inReplyToUserId: string | null = null;
      conversation[i] = i;
      if (i > 0) {
        const r = rng.next();
        if (r < 0.12) {
          const parent = i - 1 - Math.min(i - 1, Math.floor(rng.next() * Math.min(i, 5000)));
          referencedTweets.push({ type: 'replied_to', id: this.tweetIds[parent] });
          inReplyToUserId = this.userIds[this.tweetAuthor[parent]];
          conversation[i] = conversation[parent];
        } else if (r < 0.18) {
          referencedTweets.push({ type: 'quoted', id: this.tweetIds[rng.int(0, i - 1)] });
        }
      }
      const createdAt = this.tweetCreatedAt[i];
      batch.push({
        id,
        authorId: this.userIds[this.tweetAuthor[i]],
        text,
        createdAt,
        lang: rng.pick(LANGS),
        source: rng.pick(SOURCES),
        conversationId: this.tweetIds[conversation[i]],
        inReplyToUserId,
        referencedTweets,
        mediaKeys: [],
        pollIds: [],
        placeId: null,
        entities: { hashtags: [{ start: head.length, end: head.length + tag.length + 1, tag }] },
        possiblySensitive: false,
        replySettings: 'everyone',
        deleted: false,
        retweetCount: Math.floor(Math.pow(1 - rng.next(), -1.1)) - 1,
        replyCount: rng.int(0, 40),
        quoteCount: rng.int(0, 10),
        impressionCount: rng.int(50, 100_000),
        bookmarkCount: rng.int(0, 30),
        likeCount: 0,
      });
      if (batch.length === size) {
        yield batch;
        batch = [];
      }
    }
    if (batch.length) yield batch;
  }

  /**
   * Likes in primary-key order (user id, then tweet id), in batches of at most `size` rows. The yielded columns
   * are reused by the next batch. `tweetLikeCounts`, when given, receives the likes of each tweet.
   */
  *likeBatches(size = 10_000, tweetLikeCounts?: Int32Array): Generator<LikeColumns> {
    const { users: U, tweets: T } = this.spec;
    const rng = new Prng(phaseSeed(this.spec.seed, 6));
    const userIds = new Array<string>(size);
    const tweetIds = new Array<string>(size);
    const likedAt = new Float64Array(size);
    const columns = { length: 0, userIds, tweetIds, likedAt };
    // mark[t] === u + 1 once user u picked tweet t: O(1) de-duplication without a Set per user.
    const mark = new Int32Array(T);
    let chosen = new Int32Array(1024);
    let n = 0;
    for (let u = 0; u < U; u++) {
      const want = this.userLikeCounts[u];
      if (want === 0) continue;
      if (chosen.length < want) chosen = new Int32Array(Math.max(want, chosen.length * 2));
      const stamp = u + 1;
      let got = 0;
      if (want > T * DENSE_FRACTION) {
        // Selection sampling (Knuth's algorithm S): exactly `want` distinct tweets, uniformly.
        for (let t = 0; t < T && got < want; t++) {
          if ((T - t) * rng.next() < want - got) chosen[got++] = t;
        }
      } else {
        while (got < want) {
          const t = rng.next() < POPULAR_SHARE ? this.popularity[rng.skewed(T)] : Math.floor(rng.next() * T);
          if (mark[t] === stamp) continue;
          mark[t] = stamp;
          chosen[got++] = t;
        }
      }
      const picks = chosen.subarray(0, want).sort();
      const uid = this.userIds[u];
      for (let k = 0; k < want; k++) {
        const t = picks[k];
        const created = this.tweetCreatedAt[t];
        // Most likes come soon after the Tweet; none before it, none after SEED_NOW.
        const r = rng.next();
        userIds[n] = uid;
        tweetIds[n] = this.tweetIds[t];
        likedAt[n] = created + SECOND + Math.floor((SEED_NOW - created - 2 * SECOND) * r * r * r * r);
        if (tweetLikeCounts) tweetLikeCounts[t]++;
        if (++n === size) {
          columns.length = n;
          yield columns;
          n = 0;
        }
      }
    }
    if (n > 0) {
      columns.length = n;
      yield columns;
    }
  }
}

/** 0..n-1 in a random order (Fisher–Yates). */
function shuffled(n: number, rng: Prng): Int32Array {
  const a = new Int32Array(n);
  for (let i = 0; i < n; i++) a[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rng.next() * (i + 1));
    const x = a[i];
    a[i] = a[j];
    a[j] = x;
  }
  return a;
}
