// Wiring in one place: typed config in, adapters chosen by config, domain services out.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SecretSealer } from './auth/secrets.ts';
import { ConfigError, type Config } from './config.ts';
import { DEFAULT_SANDBOX } from './domain/sandboxes/sandboxIds.ts';
import { workerOfClaim } from './domain/ids.ts';
import { DependencyHealth } from './adapters/observed.ts';
import { createLogger, type AppLogger } from './logging.ts';
import { Metrics } from './metrics.ts';
import { systemClock, type Clock } from './ports/clock.ts';
import { createPrivateFileExclusive, restrictFile } from './privateFiles.ts';
import type { Logger } from './ports/logger.ts';
import type { SharedState } from './ports/shared.ts';
import type { LikesStore } from './ports/store.ts';
import type { WorldStorage } from './ports/worldStorage.ts';
import { HttpWebhookTransport } from './adapters/http/httpWebhookTransport.ts';
import type { WebhookTransport } from './ports/webhookTransport.ts';
import { assembleWorld, Worlds, type World, type WorldParts } from './worlds.ts';

/** The process's services: the default world's (src/worlds.ts), and what serves every world. */
export interface Services extends World {
  config: Config;
  sealer: SecretSealer;
  /** Every world served: the default one (these services') and the sandboxes. */
  worlds: Worlds;
  /** Things the operator must hear about at start-up (serve prints them). */
  warnings: string[];
  /** The process's structured logger (the HTTP server logs through it too). */
  log: AppLogger;
  /** This instance's Prometheus registry and instruments. */
  metrics: Metrics;
  /** What backs the shared state: redis or memory (labels metrics and /readyz). */
  sharedKind: string;
  close(): Promise<void>;
}

export interface ServiceOverrides {
  clock?: Clock;
  store?: LikesStore;
  shared?: SharedState;
  /** A logger of the caller's (tests capture lines with one); otherwise one on stdout at config.logLevel. */
  log?: AppLogger;
  /** Where webhook requests go (a test's recorder); real HTTP otherwise. */
  transport?: WebhookTransport;
}

export async function openStore(config: Config, log?: Logger): Promise<LikesStore> {
  if (config.databaseUrl) {
    const { PostgresStore } = await import('./adapters/postgres/postgresStore.ts');
    return new PostgresStore(config.databaseUrl, { log });
  }
  const { SqliteStore } = await import('./adapters/sqlite/sqliteStore.ts');
  return new SqliteStore(join(config.dataDir, 'likes.db'), { mmapBytes: config.sqliteMmapBytes, pageCacheBytes: config.sqlitePageCacheBytes });
}

export async function openShared(config: Config, log?: Logger): Promise<SharedState> {
  if (config.redisUrl) {
    const { openRedisShared } = await import('./adapters/redis/index.ts');
    return openRedisShared({ url: config.redisUrl, prefix: config.redisPrefix, log });
  }
  const { openMemoryShared } = await import('./adapters/memory/index.ts');
  return openMemoryShared();
}

/** The generated sealing key of a store on local disk, beside the database (0600). */
export const SECRET_KEY_FILE = 'secret.key';
const KEY_HEX = /^[0-9a-f]{64}$/i;

export const PG_KEY_IN_STORE_WARNING =
  'LIKES_API_SECRET_KEY is not set: the key sealing this PostgreSQL store\'s secrets is kept in the store itself ' +
  '(meta \'secret-key\'), so anyone who can read the database can open them. Fine for a demo; set ' +
  'LIKES_API_SECRET_KEY (64 hex digits, the same on every instance) for anything else.';

function readKeyFile(file: string): string {
  const key = readFileSync(file, 'utf8').trim();
  if (!KEY_HEX.test(key)) throw new ConfigError(`${file} does not hold a sealing key (64 hex digits)`);
  return key;
}

/**
 * The generated key of a store on local disk: its file, created once (the first process wins). A key an older
 * version kept in meta is moved into the file.
 */
async function localKey(store: LikesStore, dir: string, sealedBefore: boolean): Promise<string | null> {
  const file = join(dir, SECRET_KEY_FILE);
  const legacy = await store.storedSecretKey();
  if (!existsSync(file)) {
    // Secrets sealed with a key that is neither here nor in meta: LIKES_API_SECRET_KEY's. Make no new key.
    if (!legacy && sealedBefore) return null;
    createPrivateFileExclusive(file, `${legacy ?? SecretSealer.newKeyHex()}\n`);
  }
  restrictFile(file);
  return readKeyFile(file);
}

/**
 * The sealing key: LIKES_API_SECRET_KEY when set. Otherwise a generated one: in a file beside a SQLite store
 * (never in the database), or, for PostgreSQL, whose instances share no disk, in the store itself, which is allowed
 * only for the demo (with a warning). A canary sealed with the first key refuses start-up with a key that cannot
 * open this store's secrets.
 */
async function sealerFor(config: Config, store: LikesStore, warnings: string[]): Promise<SecretSealer> {
  const sealedBefore = (await store.secretKeyCanary()) !== null;
  let key: string | null;
  let keyInStore = false;
  if (config.secretKey) key = config.secretKey;
  else if (store.localDir !== null) key = await localKey(store, store.localDir, sealedBefore);
  else if (config.demo) {
    key = await store.storedSecretKey();
    if (key === null && !sealedBefore) key = await store.setStoredSecretKeyIfAbsent(SecretSealer.newKeyHex());
    keyInStore = true;
    if (key !== null) warnings.push(PG_KEY_IN_STORE_WARNING);
  } else {
    throw new ConfigError(
      'LIKES_API_SECRET_KEY is required with PostgreSQL (instances share no disk to keep a generated key on): ' +
        'set it to 64 hex digits, the same on every instance (e.g. `openssl rand -hex 32`)',
    );
  }
  let opens = false;
  const sealer = key === null ? null : new SecretSealer(key);
  if (sealer) {
    const canary = await store.setSecretKeyCanaryIfAbsent(sealer.seal('likes-api'));
    try {
      opens = sealer.open(canary) === 'likes-api';
    } catch {
      /* falls through to the refusal */
    }
  }
  if (!opens || !sealer) {
    throw new ConfigError(
      config.secretKey
        ? 'LIKES_API_SECRET_KEY does not match the key this store\'s secrets were sealed with'
        : 'this store\'s secrets were sealed with LIKES_API_SECRET_KEY: set the same key',
    );
  }
  // The key now lives elsewhere (file or environment): a plaintext copy left in the store goes.
  if (!keyInStore && (await store.storedSecretKey()) === key) await store.deleteStoredSecretKey();
  return sealer;
}

export async function openServices(config: Config, overrides: ServiceOverrides = {}): Promise<Services> {
  const clock = overrides.clock ?? systemClock;
  const log = overrides.log ?? createLogger(config.logLevel);
  const metrics = new Metrics();
  const rawStore = overrides.store ?? (await openStore(config, log));
  let rawShared: SharedState | null = null;
  let storage: WorldStorage | null = null;
  const warnings: string[] = [];
  try {
    await rawStore.migrate();
    rawShared = overrides.shared ?? (await openShared(config, log));
    const sharedKind = 'connection' in rawShared ? 'redis' : 'memory';
    const sealer = await sealerFor(config, rawStore, warnings);
    storage = await openWorldStorage(rawStore, log);
    const transport = overrides.transport ?? new HttpWebhookTransport();
    const parts: WorldParts = {
      config,
      sealer,
      metrics,
      clock,
      storeHealth: new DependencyHealth(rawStore.kind, log),
      sharedHealth: new DependencyHealth(sharedKind, log),
      sharedKind,
      transport,
      log,
      idWorker: workerOfClaim(await rawStore.claimIdWorker()),
    };
    const world = assembleWorld(parts, DEFAULT_SANDBOX, rawStore, rawShared);
    const worlds = new Worlds(parts, world, storage, rawShared);
    return {
      ...world,
      config,
      sealer,
      warnings,
      log,
      metrics,
      sharedKind,
      worlds,
      async close() {
        try {
          await worlds.close();
          transport.close();
          await world.shared.close();
        } finally {
          await world.store.close();
        }
      },
    };
  } catch (error) {
    // Close what was opened here (a store or shared state passed in stays the caller's).
    await storage?.close().catch(() => {});
    if (rawShared && !overrides.shared) await rawShared.close().catch(() => {});
    if (!overrides.store) await rawStore.close().catch(() => {});
    throw error;
  }
}

/** Where sandbox worlds are kept beside a store of one of ours; null for any other (a test's in-memory store). */
async function openWorldStorage(store: LikesStore, log: Logger): Promise<WorldStorage | null> {
  const { SqliteStore } = await import('./adapters/sqlite/sqliteStore.ts');
  if (store instanceof SqliteStore && store.localDir !== null) {
    const { SqliteWorlds } = await import('./adapters/sqlite/sqliteWorlds.ts');
    return new SqliteWorlds(store.localDir, store.file, store);
  }
  const { PostgresStore } = await import('./adapters/postgres/postgresStore.ts');
  if (store instanceof PostgresStore) {
    const { PostgresWorlds } = await import('./adapters/postgres/postgresWorlds.ts');
    return new PostgresWorlds(store.connectionString, store, log);
  }
  return null;
}
