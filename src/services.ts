// Wiring in one place: typed config in, adapters chosen by config, domain services out.
import { join } from 'node:path';
import { Authenticator } from './auth/authenticate.ts';
import { CredentialIssuer } from './auth/credentials.ts';
import { SecretSealer } from './auth/secrets.ts';
import { ConfigError, type Config } from './config.ts';
import { SnowflakeIds } from './domain/ids.ts';
import { LikesService } from './domain/likes.ts';
import { UsageService } from './domain/usage.ts';
import { trackChanges } from './adapters/trackChanges.ts';
import { DependencyHealth, observed } from './adapters/observed.ts';
import { createLogger, type AppLogger } from './logging.ts';
import { Metrics } from './metrics.ts';
import { systemClock, type Clock } from './ports/clock.ts';
import { VersionedMemo } from './versionedMemo.ts';
import type { Logger } from './ports/logger.ts';
import type { SharedState } from './ports/shared.ts';
import type { LikesStore } from './ports/store.ts';

export interface Services {
  config: Config;
  clock: Clock;
  store: LikesStore;
  shared: SharedState;
  sealer: SecretSealer;
  ids: SnowflakeIds;
  authenticator: Authenticator;
  credentials: CredentialIssuer;
  likes: LikesService;
  usage: UsageService;
  /** Credential and Project lookups remembered under the data version (shared by auth and the HTTP edge). */
  memo: VersionedMemo;
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
}

export async function openStore(config: Config, log?: Logger): Promise<LikesStore> {
  if (config.databaseUrl) {
    const { PostgresStore } = await import('./adapters/postgres/postgresStore.ts');
    return new PostgresStore(config.databaseUrl, { log });
  }
  const { SqliteStore } = await import('./adapters/sqlite/sqliteStore.ts');
  return new SqliteStore(join(config.dataDir, 'likes.db'));
}

export async function openShared(config: Config, log?: Logger): Promise<SharedState> {
  if (config.redisUrl) {
    const { openRedisShared } = await import('./adapters/redis/index.ts');
    return openRedisShared({ url: config.redisUrl, prefix: config.redisPrefix, log });
  }
  const { openMemoryShared } = await import('./adapters/memory/index.ts');
  return openMemoryShared();
}

/**
 * The sealing key: from LIKES_API_SECRET_KEY, else generated once and kept in the store (first writer wins).
 * A canary sealed with the first key refuses start-up with a key that cannot open this store's secrets.
 */
async function sealerFor(config: Config, store: LikesStore): Promise<SecretSealer> {
  const sealer = new SecretSealer(config.secretKey ?? (await store.setMetaIfAbsent('secret-key', SecretSealer.newKeyHex())));
  const canary = await store.setMetaIfAbsent('secret-key-canary', sealer.seal('likes-api'));
  try {
    if (sealer.open(canary) === 'likes-api') return sealer;
  } catch {
    /* falls through to the refusal */
  }
  throw new ConfigError(
    config.secretKey
      ? 'LIKES_API_SECRET_KEY does not match the key this store\'s secrets were sealed with'
      : 'this store\'s secrets were sealed with LIKES_API_SECRET_KEY: set the same key',
  );
}

export async function openServices(config: Config, overrides: ServiceOverrides = {}): Promise<Services> {
  const clock = overrides.clock ?? systemClock;
  const log = overrides.log ?? createLogger(config.logLevel);
  const metrics = new Metrics();
  const rawStore = overrides.store ?? (await openStore(config, log));
  await rawStore.migrate();
  const rawShared = overrides.shared ?? (await openShared(config, log));
  const sharedKind = 'connection' in rawShared ? 'redis' : 'memory';
  const shared = observeShared(rawShared, new DependencyHealth(sharedKind, log), metrics, sharedKind);
  const storeHealth = new DependencyHealth(rawStore.kind, log);
  const store = trackChanges(
    observed(rawStore, storeHealth, (op, outcome, s) => metrics.dependencyCall(rawStore.kind, op, outcome, s)),
    shared.changes,
  );
  const sealer = await sealerFor(config, store);
  const ids = new SnowflakeIds(clock);
  const memo = new VersionedMemo();
  return {
    config,
    clock,
    store,
    shared,
    sealer,
    ids,
    authenticator: new Authenticator(store, sealer, shared.nonceStore, clock, memo),
    memo,
    log,
    metrics,
    sharedKind,
    credentials: new CredentialIssuer(store, sealer, ids, clock),
    likes: new LikesService(store, clock),
    usage: new UsageService(shared.usageMeter, config.limits),
    async close() {
      await shared.close();
      await store.close();
    },
  };
}

/** Each part of the shared state timed and watched under one dependency; `close` is left unobserved. */
function observeShared(shared: SharedState, health: DependencyHealth, metrics: Metrics, kind: string): SharedState {
  const watch = <T extends object>(part: T, name: string): T =>
    observed(part, health, (op, outcome, s) => metrics.dependencyCall(kind, op, outcome, s), `${name}.`);
  return {
    rateLimiter: watch(shared.rateLimiter, 'rateLimiter'),
    nonceStore: watch(shared.nonceStore, 'nonceStore'),
    usageMeter: watch(shared.usageMeter, 'usageMeter'),
    ephemeral: watch(shared.ephemeral, 'ephemeral'),
    changes: watch(shared.changes, 'changes'),
    ping: watch({ ping: () => shared.ping() }, '').ping,
    close: () => shared.close(),
  };
}
