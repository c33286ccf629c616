// The deterministic demo world written on an empty store, and the demo credentials other tools rely on.
import { DEMO_CALLBACKS, DEMO_PASSWORD, setAppCallbacks, setPassword } from '../auth/flows/index.ts';
import { createDeveloper } from '../auth/developers.ts';
import { hashPassword } from '../auth/flows/passwords.ts';
import { randomString } from '../auth/secrets.ts';
import { snowflakeAt, type SnowflakeIds } from '../domain/ids.ts';
import type { LikeRow, MediaRecord, PlaceRecord, PollRecord, TweetRecord, UserRecord } from '../domain/model.ts';
import type { CredentialIssuer } from '../auth/credentials.ts';
import type { SecretSealer } from '../auth/secrets.ts';
import type { Clock } from '../ports/clock.ts';
import type { LikesStore } from '../ports/store.ts';

/** What seeding a world and minting its credentials need (a world's services: src/worlds.ts). */
interface DemoServices {
  store: LikesStore;
  sealer: SecretSealer;
  credentials: CredentialIssuer;
  ids: SnowflakeIds;
  clock: Clock;
}

/** The developer account owning the demo Project (its password is generated per world, given in the document). */
export const DEMO_DEVELOPER = 'demo_dev';
import { mintCredentialsDocument } from './credentialsDocument.ts';
import type { DemoCredentials } from './demoCredentials.ts';
import { Prng } from './prng.ts';

export const DEMO_SEED = 20240611;
const DEMO_USERS = 160;
const DEMO_TWEETS = 1200;
const TOKEN_HOLDERS = 5;
/** Demo time stands still at this instant, so the data is the same on every machine. */
const DEMO_NOW = Date.UTC(2026, 9, 1);
const DAY = 24 * 60 * 60 * 1000;

// Kept importable from here, where its many users (CLI, seed, tests, bench) look for it.
export type { DemoCredentials } from './demoCredentials.ts';

const FIRST = ['Ada', 'Grace', 'Alan', 'Linus', 'Margaret', 'Ken', 'Barbara', 'Dennis', 'Frances', 'Edsger', 'Radia', 'Guido', 'Hedy', 'Tim', 'Katherine', 'Niklaus', 'Sophie', 'Yukihiro', 'Annie', 'Bjarne'];
const LAST = ['Lovelace', 'Hopper', 'Turing', 'Torvalds', 'Hamilton', 'Thompson', 'Liskov', 'Ritchie', 'Allen', 'Dijkstra', 'Perlman', 'Rossum', 'Lamarr', 'Berners', 'Johnson', 'Wirth', 'Wilson', 'Matsumoto', 'Easley', 'Stroustrup'];
const TOPICS = ['keyset pagination', 'rate limits', 'OAuth 1.0a signatures', 'SQLite in WAL mode', 'PostgreSQL advisory locks', 'Redis Lua scripts', 'snowflake ids', 'RFC 7807 problems', 'PKCE', 'bearer tokens', 'the monthly Tweet cap', 'protected accounts'];
const VERBS = ['Just shipped', 'Thinking about', 'Hot take on', 'A thread on', 'Reading about', 'Benchmarking', 'Debugging', 'Loving'];
const HASHTAGS = ['buildinpublic', 'devtools', 'api', 'opensource', 'nodejs'];
const LANGS = ['en', 'en', 'en', 'fr', 'de', 'es', 'ja'];
const SOURCES = ['Twitter Web App', 'Twitter for iPhone', 'Twitter for Android', 'Likes API demo'];

/** Builds the demo world from the fixed seed; ids are snowflakes of fixed instants. */
export function buildDemoWorld() {
  const rng = new Prng(DEMO_SEED);
  const users: UserRecord[] = [];
  for (let i = 0; i < DEMO_USERS; i++) {
    const createdAt = DEMO_NOW - (2000 - i * 10) * DAY;
    const first = FIRST[i % FIRST.length];
    const last = LAST[Math.floor(i / FIRST.length) % LAST.length];
    users.push({
      id: snowflakeAt(createdAt, 1, i),
      username: `${first}${last}${i}`.slice(0, 15),
      name: `${first} ${last}`,
      createdAt,
      description: `Demo account #${i}: ${rng.pick(TOPICS)} enthusiast.`,
      location: rng.chance(0.5) ? rng.pick(['Lisbon', 'Berlin', 'Osaka', 'Toronto', 'Nairobi']) : null,
      url: rng.chance(0.3) ? `https://example.com/${i}` : null,
      profileImageUrl: `https://pbs.twimg.com/profile_images/demo/${i}_normal.jpg`,
      // users[2] is a protected token holder; a few others are protected or suspended.
      protected: i === 2 || (i >= TOKEN_HOLDERS && i % 37 === 0),
      verified: i % 23 === 0,
      suspended: i >= TOKEN_HOLDERS && i % 53 === 11,
      pinnedTweetId: null,
      metrics: {
        followers_count: rng.int(0, 50_000),
        following_count: rng.int(0, 2_000),
        tweet_count: 0,
        listed_count: rng.int(0, 100),
        like_count: 0,
      },
    });
  }

  const places: PlaceRecord[] = [
    { id: '01a9a39529b27f36', fullName: 'Manhattan, NY', name: 'Manhattan', country: 'United States', countryCode: 'US', placeType: 'city', bbox: [-74.026675, 40.683935, -73.910408, 40.877483] },
    { id: '3f8a2c7a5b0e4d61', fullName: 'Lisbon, Portugal', name: 'Lisbon', country: 'Portugal', countryCode: 'PT', placeType: 'city', bbox: [-9.229835, 38.691395, -9.09024, 38.79576] },
  ];
  const media: MediaRecord[] = [];
  const polls: PollRecord[] = [];
  const tweets: TweetRecord[] = [];
  for (let i = 0; i < DEMO_TWEETS; i++) {
    const author = users[rng.skewed(DEMO_USERS, 0.8)];
    const createdAt = DEMO_NOW - (DEMO_TWEETS - i) * (DAY / 12);
    const id = snowflakeAt(createdAt, 2, i);
    const topic = rng.pick(TOPICS);
    const tag = rng.pick(HASHTAGS);
    let text = `${rng.pick(VERBS)} ${topic} #${tag}`;
    const entities: NonNullable<TweetRecord['entities']> = {};
    const previous = tweets.length > 0 ? tweets[rng.int(0, tweets.length - 1)] : null;
    let mentioned: UserRecord | null = null;
    if (rng.chance(0.25)) {
      mentioned = users[rng.int(0, DEMO_USERS - 1)];
      const start = text.length + 1;
      text += ` @${mentioned.username}`;
      entities.mentions = [{ start, end: start + mentioned.username.length + 1, username: mentioned.username, id: mentioned.id }];
    }
    const hashStart = text.indexOf(`#${tag}`);
    entities.hashtags = [{ start: hashStart, end: hashStart + tag.length + 1, tag }];
    const referencedTweets: TweetRecord['referencedTweets'] = [];
    let inReplyToUserId: string | null = null;
    let conversationId = id;
    if (previous && rng.chance(0.15)) {
      referencedTweets.push({ type: 'replied_to', id: previous.id });
      inReplyToUserId = previous.authorId;
      conversationId = previous.conversationId;
    } else if (previous && rng.chance(0.1)) {
      referencedTweets.push({ type: 'quoted', id: previous.id });
    }
    const mediaKeys: string[] = [];
    if (rng.chance(0.12)) {
      const key = `3_${snowflakeAt(createdAt, 3, i)}`;
      mediaKeys.push(key);
      media.push({
        mediaKey: key, type: 'photo', url: `https://pbs.twimg.com/media/demo_${i}.jpg`, previewImageUrl: null,
        width: 1200, height: 675, altText: rng.chance(0.5) ? `A diagram about ${topic}` : null, durationMs: null, viewCount: null,
      });
    } else if (rng.chance(0.04)) {
      const key = `7_${snowflakeAt(createdAt, 3, i)}`;
      mediaKeys.push(key);
      media.push({
        mediaKey: key, type: 'video', url: null, previewImageUrl: `https://pbs.twimg.com/ext_tw_video_thumb/demo_${i}.jpg`,
        width: 1280, height: 720, altText: null, durationMs: rng.int(5_000, 140_000), viewCount: rng.int(10, 90_000),
      });
    }
    const pollIds: string[] = [];
    if (rng.chance(0.03)) {
      const pollId = snowflakeAt(createdAt, 4, i);
      pollIds.push(pollId);
      polls.push({
        id: pollId,
        options: ['Yes', 'No', 'It depends'].map((label, position) => ({ position: position + 1, label, votes: rng.int(0, 500) })),
        durationMinutes: 1440,
        endAt: createdAt + DAY,
      });
    }
    const tweet: TweetRecord = {
      id, authorId: author.id, text, createdAt, lang: rng.pick(LANGS), source: rng.pick(SOURCES), conversationId,
      inReplyToUserId, referencedTweets, mediaKeys, pollIds, placeId: rng.chance(0.05) ? rng.pick(places).id : null,
      entities, possiblySensitive: false, replySettings: 'everyone',
      deleted: i % 41 === 7,
      retweetCount: rng.int(0, 300), replyCount: rng.int(0, 80), quoteCount: rng.int(0, 20),
      impressionCount: rng.int(100, 200_000), bookmarkCount: rng.int(0, 50), likeCount: 0,
    };
    tweets.push(tweet);
    author.metrics.tweet_count += 1;
  }
  for (const u of users) {
    const own = tweets.find((t) => t.authorId === u.id && !t.deleted);
    if (own && rng.chance(0.4)) u.pinnedTweetId = own.id;
  }

  const authorOf = new Map(users.map((u) => [u.id, u]));
  const likeable = (t: TweetRecord) => {
    const a = authorOf.get(t.authorId)!;
    return !t.deleted && !a.protected && !a.suspended;
  };
  const visible = tweets.filter(likeable);
  const popular = visible[visible.length - 40];
  const likes: LikeRow[] = [];
  const seen = new Set<string>();
  const addLike = (userId: string, t: TweetRecord) => {
    const key = `${userId}:${t.id}`;
    if (seen.has(key)) return;
    seen.add(key);
    const likedAt = Math.min(DEMO_NOW - 1000, t.createdAt + rng.int(1, 20 * DAY));
    likes.push({ userId, tweetId: t.id, likedAt });
  };
  // The heavy liker (users[0]) likes 300 visible Tweets; a few deleted ones too, which pages skip.
  for (let i = 0; i < 300; i++) addLike(users[0].id, visible[(i * 7) % visible.length]);
  for (const t of tweets.filter((t) => t.deleted).slice(0, 5)) addLike(users[0].id, t);
  // The popular Tweet: liked by 130 active users, so its capped liker list shows a full 100.
  for (const u of users.slice(1).filter((x) => !x.suspended).slice(0, 130)) addLike(u.id, popular);
  // Everyone else: skewed popularity, a few popular Tweets, most with few likes.
  for (let u = 1; u < DEMO_USERS; u++) {
    const n = rng.int(5, 40);
    for (let k = 0; k < n; k++) addLike(users[u].id, visible[visible.length - 1 - rng.skewed(visible.length)]);
  }
  return { users, tweets, media, polls, places, likes, popular, likeable };
}

/** How long an unfinished seed claim is waited for before another instance seeds instead. */
const SEED_CLAIM_STALE_MS = 20_000;

/**
 * Seeds the demo world once per store. Several instances may start together on one PostgreSQL: the first
 * to claim the seed writes it, the others wait for its credentials. Returns the stored credentials
 * (baseUrl still unset), or null when the store holds other data and no demo credentials.
 */
export async function ensureDemo(services: DemoServices, instanceId: string): Promise<DemoCredentials | null> {
  const { store } = services;
  const existing = await storedDemoCredentials(services);
  if (existing) return existing.adminToken ? existing : withAdminToken(services, existing);
  if (!(await store.isEmpty()) && !(await store.seedClaim())) return null;
  // Wall-clock time: the claim is about whether a process is alive, not about the API's clock.
  const claim = { instanceId, claimedAt: Date.now() };
  const owner = await store.setSeedClaimIfAbsent(claim);
  if (owner.instanceId !== claim.instanceId || owner.claimedAt !== claim.claimedAt) {
    // Another instance is seeding: wait for its credentials. A claim still unfinished after
    // SEED_CLAIM_STALE_MS belongs to an instance that died mid-seed; the seed is idempotent, so seed again.
    const deadline = Math.min(Date.now(), owner.claimedAt) + SEED_CLAIM_STALE_MS;
    do {
      const done = await storedDemoCredentials(services);
      if (done) return done;
      await new Promise((r) => setTimeout(r, 100));
    } while (Date.now() < deadline);
  }
  const content = await seedDemoContent(store);
  const doc: DemoCredentials = { ...(await mintDemoCredentials(services, content)), adminToken: newAdminToken() };
  // The store keeps the credentials sealed; every instance opens the same copy, so all write the same file.
  // Several instances may have seeded after a crashed one: the first credentials written win, for all.
  await store.setDemoCredentialsIfAbsent(services.sealer.seal(JSON.stringify(doc)));
  return (await storedDemoCredentials(services))!;
}

/** The demo world's content, and what demo-credentials.json says of it. */
export interface DemoContent {
  /** The users given tokens (and the demo password). */
  holders: UserRecord[];
  landmarks: Pick<DemoCredentials, 'tweets' | 'deletedTweetIds' | 'popularTweetId' | 'heavyLikerUserId'>;
}

let built: ReturnType<typeof buildDemoWorld> | undefined;
/** The demo world, built once per process (it is the same every time). */
const demoWorld = () => (built ??= buildDemoWorld());

/** What the demo world holds that the credentials document names (the same every time). */
export function demoContent(): DemoContent {
  const world = demoWorld();
  return {
    holders: world.users.slice(0, TOKEN_HOLDERS),
    landmarks: {
      // Tweets anyone may see and like: not deleted, author neither protected nor suspended.
      tweets: world.tweets.filter(world.likeable).map((t) => ({ id: t.id, authorId: t.authorId })),
      deletedTweetIds: world.tweets.filter((t) => t.deleted).map((t) => t.id),
      popularTweetId: world.popular.id,
      heavyLikerUserId: world.users[0].id,
    },
  };
}

/**
 * The demo's accounts without anything they wrote or liked: the token holders alone (nothing pinned, no counts).
 * A world to start from nothing in.
 */
export function demoAccountsContent(): DemoContent {
  const holders = demoWorld().users.slice(0, TOKEN_HOLDERS).map((u) => ({
    ...u,
    pinnedTweetId: null,
    metrics: { ...u.metrics, tweet_count: 0, like_count: 0 },
  }));
  return { holders, landmarks: { tweets: [], deletedTweetIds: [], popularTweetId: '', heavyLikerUserId: holders[0].id } };
}

type SeedStore = LikesStore;

/** Writes the demo world's users, Tweets, media, polls, places and likes, and the token holders' password. */
export async function seedDemoContent(store: SeedStore): Promise<DemoContent> {
  const world = demoWorld();
  await store.insertUsers(world.users);
  await store.insertPlaces(world.places);
  await store.insertMedia(world.media);
  await store.insertPolls(world.polls);
  await store.insertTweets(world.tweets);
  await store.insertLikes(world.likes);
  const content = demoContent();
  await setDemoPasswords(store, content);
  return content;
}

/** Writes the demo's accounts alone (demoAccountsContent) with the demo password. */
export async function seedDemoAccounts(store: SeedStore): Promise<DemoContent> {
  const content = demoAccountsContent();
  await store.insertUsers(content.holders);
  await setDemoPasswords(store, content);
  return content;
}

/** The authorization pages' sign-in: password `likes-api-demo` for the token holders. */
const setDemoPasswords = (store: SeedStore, content: DemoContent) =>
  Promise.all(content.holders.map((u) => setPassword(store, u.id, DEMO_PASSWORD)));

/**
 * Mints the demo credentials for a world holding `content`: the Project, the Apps with their loopback callbacks,
 * and the holders' tokens. baseUrl is left for whoever serves the world to fill in.
 */
export async function mintDemoCredentials(
  services: Pick<DemoServices, 'store' | 'credentials' | 'ids' | 'clock'>,
  content: DemoContent,
): Promise<DemoCredentials> {
  // The demo developer's own X account: the main demo user (the first token holder).
  const developer = await demoDeveloper(services, content.holders[0].id);
  const minted = await mintCredentialsDocument(
    services,
    {
      project: 'Demo Project', app: 'Demo App', orphanApp: 'App outside any Project', publicApp: 'Demo Native App',
      monthlyTweetCap: 50_000_000, developerId: developer.id,
    },
    content.holders,
  );
  for (const appId of [minted.app.id, minted.publicApp.id]) await setAppCallbacks(services.store, appId, DEMO_CALLBACKS);
  return {
    baseUrl: '',
    ...minted,
    users: minted.users.map((u) => ({ ...u, password: DEMO_PASSWORD })),
    developer: { username: developer.username, password: developer.password, userId: developer.userId },
    ...content.landmarks,
  };
}

/**
 * The demo developer, linked to `userId` (its own X account), with a newly generated password. A world seeded again
 * (after an instance died mid-seed) already has one: it keeps its id and gets the new password. (Two instances
 * re-seeding at the very same time may leave the stored document with the password the other one set: the same
 * window the Apps' keys have.)
 */
async function demoDeveloper(
  services: Pick<DemoServices, 'store' | 'ids' | 'clock'>,
  userId: string,
): Promise<{ id: string; username: string; password: string; userId: string }> {
  const existing = await services.store.developerByUsername(DEMO_DEVELOPER);
  if (!existing) {
    const { developer, password } = await createDeveloper(services, DEMO_DEVELOPER, undefined, userId);
    return { id: developer.id, username: developer.username, password, userId };
  }
  const password = randomString(24);
  await services.store.putDeveloper({ ...existing, passwordHash: await hashPassword(password), userId });
  return { id: existing.id, username: existing.username, password, userId };
}

/** The control API's token: 48 random alphanumerics (285 bits). */
const newAdminToken = (): string => randomString(48);

/**
 * Demo credentials stored before the control API existed gain an admin token. Instances starting together on such
 * a store may each write one; the one read back after writing is what every later start sees.
 */
async function withAdminToken(services: Pick<DemoServices, 'store' | 'sealer'>, doc: DemoCredentials): Promise<DemoCredentials> {
  await services.store.setDemoCredentials(services.sealer.seal(JSON.stringify({ ...doc, adminToken: newAdminToken() })));
  return (await storedDemoCredentials(services))!;
}

/**
 * The store's copy of the demo credentials (sealed with the store's key). A plaintext copy left by an older
 * version is sealed in place on first read.
 */
export async function storedDemoCredentials(services: Pick<DemoServices, 'store' | 'sealer'>): Promise<DemoCredentials | null> {
  const stored = await services.store.demoCredentials();
  if (!stored) return null;
  if ('plaintext' in stored) {
    await services.store.setDemoCredentials(services.sealer.seal(stored.plaintext));
    return JSON.parse(stored.plaintext) as DemoCredentials;
  }
  return JSON.parse(services.sealer.open(stored.sealed)) as DemoCredentials;
}
