// `likes-api seed`: the deterministic bulk world written into the configured store through its BulkLoader, then an
// App in a Project with tokens for a few users, written to $LIKES_API_DATA_DIR/bench-credentials.json (the shape of
// demo-credentials.json) so that benchmarks and SDK scripts can authenticate.
import { join } from 'node:path';
import { localBaseUrl, type Config } from '../config.ts';
import type { DemoCredentials } from '../demo/demoSeed.ts';
import type { BulkLoader, FinishStep } from '../ports/bulkLoader.ts';
import { ensurePrivateDir, writePrivateFile } from '../privateFiles.ts';
import { openServices } from '../services.ts';
import { mintCredentialsDocument } from '../demo/credentialsDocument.ts';
import { openBulkLoader } from './openBulkLoader.ts';
import { silentProgress, type ProgressSink } from './progress.ts';
import { SeedWorld, type SeedSpec } from './world.ts';

export type { SeedSpec } from './world.ts';

/** Users holding tokens in bench-credentials.json: the heaviest liker first, then a few ordinary users. */
const TOKEN_HOLDERS = 5;
/** Tweets listed in bench-credentials.json (evenly spread over all seeded Tweets). */
const LISTED_TWEETS = 1000;
export const BENCH_CREDENTIALS_FILE = 'bench-credentials.json';

export interface SeedOptions {
  /** Replace whatever data the store holds. */
  reset?: boolean;
  progress?: ProgressSink;
  /** Skip minting credentials (tests of the load alone). */
  credentials?: boolean;
  /** An already opened loader (tests); by default the configured store's. */
  loader?: BulkLoader;
}

export interface SeedReport {
  spec: SeedSpec;
  store: string;
  target: string;
  /** Milliseconds of each phase; `likes` covers generating and appending the like rows, `finish` the rebuild. */
  ms: { plan: number; users: number; tweets: number; likes: number; finish: number; credentials: number; total: number };
  finishSteps: FinishStep[];
  /** Likes per second from the first like row appended to the commit (indexes and counts included). */
  likesPerSecond: number;
  heavyLikerUserId: string;
  heavyLikerLikes: number;
  popularTweetId: string;
  popularTweetLikes: number;
  credentialsFile: string | null;
  credentials: DemoCredentials | null;
}

const since = (t0: number): number => Math.round(performance.now() - t0);

export async function runSeed(config: Config, spec: SeedSpec, options: SeedOptions = {}): Promise<SeedReport> {
  const progress = options.progress ?? silentProgress;
  const started = performance.now();
  let t0 = started;
  const world = new SeedWorld(spec);
  const ms = { plan: since(t0), users: 0, tweets: 0, likes: 0, finish: 0, credentials: 0, total: 0 };
  const tweetLikes = new Int32Array(spec.tweets);

  const loader = options.loader ?? (await openBulkLoader(config));
  let finishSteps: FinishStep[] = [];
  try {
    await loader.begin({ reset: options.reset ?? false });
    progress.note(`Seeding ${loader.kind} ${loader.target}: ${spec.users} users, ${spec.tweets} tweets, ${spec.likes} likes (seed ${spec.seed})`);

    t0 = performance.now();
    progress.start('users ', spec.users);
    let done = 0;
    for (const batch of world.userBatches(1000)) {
      await loader.appendUsers(batch);
      progress.update((done += batch.length));
    }
    progress.end();
    ms.users = since(t0);

    t0 = performance.now();
    progress.start('tweets', spec.tweets);
    done = 0;
    for (const batch of world.tweetBatches(1000)) {
      await loader.appendTweets(batch);
      progress.update((done += batch.length));
    }
    progress.end();
    ms.tweets = since(t0);

    t0 = performance.now();
    progress.start('likes ', spec.likes);
    done = 0;
    for (const batch of world.likeBatches(10_000, tweetLikes)) {
      await loader.appendLikes(batch);
      progress.update((done += batch.length));
    }
    progress.end();
    ms.likes = since(t0);

    const f0 = performance.now();
    let stepStarted = f0;
    let stepName = '';
    finishSteps = await loader.finish((name) => {
      if (stepName) progress.stepEnd(stepName, since(stepStarted));
      stepName = name;
      stepStarted = performance.now();
      progress.stepStart(name);
    });
    if (stepName) progress.stepEnd(stepName, since(stepStarted));
    ms.finish = since(f0);
  } catch (error) {
    await loader.abort().catch(() => {});
    throw error;
  } finally {
    if (!options.loader) await loader.close();
  }

  let popular = 0;
  for (let t = 1; t < spec.tweets; t++) if (tweetLikes[t] > tweetLikes[popular]) popular = t;

  let credentials: DemoCredentials | null = null;
  let credentialsFile: string | null = null;
  if (options.credentials !== false) {
    t0 = performance.now();
    credentials = await mintCredentials(config, world, popular);
    credentialsFile = writeCredentials(config.dataDir, credentials);
    ms.credentials = since(t0);
    progress.note(`Credentials: ${credentialsFile}`);
  }
  ms.total = since(started);
  const likesMs = ms.likes + ms.finish;
  return {
    spec,
    store: loader.kind,
    target: loader.target,
    ms,
    finishSteps,
    likesPerSecond: likesMs > 0 ? Math.round((spec.likes / likesMs) * 1000) : 0,
    heavyLikerUserId: world.userIds[world.heavyLiker],
    heavyLikerLikes: world.userLikeCounts[world.heavyLiker],
    popularTweetId: world.tweetIds[popular],
    popularTweetLikes: tweetLikes[popular],
    credentialsFile,
    credentials,
  };
}

/** The token holders: the heaviest liker, then the first users by index that are not it. */
export function tokenHolders(world: SeedWorld, count = TOKEN_HOLDERS): number[] {
  const out = [world.heavyLiker];
  for (let u = 0; out.length < Math.min(count, world.spec.users); u++) if (u !== world.heavyLiker) out.push(u);
  return out;
}

async function mintCredentials(config: Config, world: SeedWorld, popular: number): Promise<DemoCredentials> {
  // The configured shared state: with Redis, these writes bump the data version every running instance reads,
  // so none keeps serving responses or credentials from before the bulk load.
  const services = await openServices(config);
  try {
    const holders = tokenHolders(world).map((u) => world.userIds[u]);
    // Users as stored (read back rather than generated a second time), in the order of `holders`.
    const stored = new Map((await services.store.usersByIds(holders)).map((r) => [r.id, r]));
    const minted = await mintCredentialsDocument(
      services,
      { project: 'Bench Project', app: 'Bench App', orphanApp: 'Bench App outside any Project', publicApp: 'Bench Native App', monthlyTweetCap: 1_000_000_000_000 },
      holders.flatMap((id) => (stored.has(id) ? [stored.get(id)!] : [])),
    );
    const step = Math.max(1, Math.floor(world.spec.tweets / LISTED_TWEETS));
    const tweets: DemoCredentials['tweets'] = [];
    for (let t = 0; t < world.spec.tweets && tweets.length < LISTED_TWEETS; t += step) {
      tweets.push({ id: world.tweetIds[t], authorId: world.userIds[world.tweetAuthor[t]] });
    }
    return {
      baseUrl: localBaseUrl(config.host, config.port),
      ...minted,
      tweets,
      deletedTweetIds: [],
      popularTweetId: world.tweetIds[popular],
      heavyLikerUserId: world.userIds[world.heavyLiker],
    };
  } finally {
    await services.close();
  }
}

function writeCredentials(dataDir: string, doc: DemoCredentials): string {
  ensurePrivateDir(dataDir);
  const file = join(dataDir, BENCH_CREDENTIALS_FILE);
  writePrivateFile(file, `${JSON.stringify(doc, null, 2)}\n`);
  return file;
}
