// Settings from environment variables, typed and validated once at start-up.
import { resolve } from 'node:path';

export interface Config {
  port: number;
  host: string;
  dataDir: string;
  /** postgres://… selects PostgreSQL; null means the embedded SQLite file in dataDir. */
  databaseUrl: string | null;
  /** redis://… shares rate limits, nonces and usage across instances; null keeps them in memory. */
  redisUrl: string | null;
  redisPrefix: string;
  demo: boolean;
  /** false (`LIKES_API_LIMITS=off`) lifts every rate limit and cap, for load tests and benchmarks. */
  limits: boolean;
  /**
   * 64 hex digits sealing secrets at rest; when absent a key is generated and kept in `secret.key` beside the SQLite
   * file (PostgreSQL: required unless the demo is on, when it is kept in the database with a warning).
   */
  secretKey: string | null;
  /** `LIKES_API_LOG`: warn (default: warnings and errors), info (`1`: one line per request too), or a level name. */
  logLevel: LogLevel;
  /** `LIKES_API_METRICS=off` removes GET /metrics. */
  metrics: boolean;
  /**
   * Reuse lookup responses while the data is unchanged (`LIKES_API_CACHE=off` disables it). Credential and Project
   * lookups are remembered under the exact data version either way.
   */
  responseCache: boolean;
  /** Memory the response cache may hold (`LIKES_API_CACHE_MB`, default 16). */
  responseCacheBytes: number;
  /**
   * How much of the SQLite file is read through a memory map (`LIKES_API_SQLITE_MMAP_MB`, default 0: none): pages are
   * then read without a system call each, at the cost of RSS growing with the pages touched.
   */
  sqliteMmapBytes: number;
  /** SQLite's page cache (sqlitePageCacheBytes). */
  sqlitePageCacheBytes: number;
  /**
   * Take the client address of the sign-in limits from the last X-Forwarded-For entry (`LIKES_API_TRUST_PROXY=1`,
   * only behind a proxy that sets it); otherwise the socket's peer address.
   */
  trustProxy: boolean;
  /** A request (headers and body) must arrive within this, or its connection is closed (`LIKES_API_REQUEST_TIMEOUT_MS`). */
  requestTimeoutMs: number;
  /** Open connections accepted at once; more are closed on arrival (`LIKES_API_MAX_CONNECTIONS`). */
  maxConnections: number;
  /**
   * The bearer token of the control API under /__admin/ (`LIKES_API_ADMIN_TOKEN`); null leaves it to the demo's
   * generated token (demo-credentials.json `adminToken`), or, without the demo, turns the control API off.
   */
  adminToken: string | null;
}

/** The base URL a server listening on `host`:`port` is reached by (an IPv6 address in brackets). */
export const localBaseUrl = (host: string, port: number): string => `http://${host.includes(':') ? `[${host}]` : host}:${port}`;

export class ConfigError extends Error {
  override name = 'ConfigError';
}

type Env = Record<string, string | undefined>;

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** `LIKES_API_LOG`: 0 (or unset) warnings and errors, 1 adds one line per request; a level name is taken as is. */
function logLevelFrom(raw: string | undefined): LogLevel | null {
  if (raw === undefined || raw === '' || raw === '0') return 'warn';
  if (raw === '1') return 'info';
  return (LOG_LEVELS as readonly string[]).includes(raw) ? (raw as LogLevel) : null;
}

function choice<T extends string>(env: Env, name: string, allowed: readonly T[], fallback: T): T {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!(allowed as readonly string[]).includes(raw)) {
    throw new ConfigError(`${name} must be one of ${allowed.join(', ')} (got "${raw}")`);
  }
  return raw as T;
}

const MiB = 1024 * 1024;

function megabytes(env: Env, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback * MiB;
  if (!/^\d{1,5}$/.test(raw)) throw new ConfigError(`${name} must be a whole number of megabytes (got "${raw}")`);
  return Number(raw) * MiB;
}

function whole(env: Env, name: string, min: number, max: number, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d{1,9}$/.test(raw) || Number(raw) < min || Number(raw) > max) {
    throw new ConfigError(`${name} must be a whole number from ${min} to ${max} (got "${raw}")`);
  }
  return Number(raw);
}

/**
 * SQLite's page cache: 4 MiB with the response cache on, 16 with it off. The B-trees' interior pages fit in 4 (10M
 * likes); what more holds is leaf pages of tweets_core and users_core, which every uncached page reads a few dozen of
 * and otherwise copies out of the OS's cache, a system call each (1M likes: 42 against 32 µs of system time a 25-row
 * page's statement; docs/benchmarks.md, session 22). With the response cache off, these 12 MiB come out of the budget
 * its arena would have held; with it on there is no room for them under the 120 MiB the 10M benchmark mix may take.
 */
export const sqlitePageCacheBytes = (responseCache: boolean): number => (responseCache ? 4 : 16) * MiB;

export function loadConfig(env: Env = process.env): Config {
  const portRaw = env.PORT ?? '8080';
  if (!/^\d{1,5}$/.test(portRaw) || Number(portRaw) > 65535) {
    throw new ConfigError(`PORT must be a number from 0 to 65535 (got "${portRaw}")`);
  }
  const host = env.HOST || '127.0.0.1';
  if (/\s/.test(host)) throw new ConfigError(`HOST must be a host name or address (got "${host}")`);

  const databaseUrl = env.LIKES_API_DATABASE_URL || null;
  if (databaseUrl && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    throw new ConfigError(`LIKES_API_DATABASE_URL must start with postgres:// (got "${databaseUrl}")`);
  }
  const redisUrl = env.LIKES_API_REDIS_URL || null;
  if (redisUrl && !/^rediss?:\/\//.test(redisUrl)) {
    throw new ConfigError(`LIKES_API_REDIS_URL must start with redis:// (got "${redisUrl}")`);
  }
  const secretKey = env.LIKES_API_SECRET_KEY || null;
  if (secretKey && !/^[0-9a-fA-F]{64}$/.test(secretKey)) {
    throw new ConfigError('LIKES_API_SECRET_KEY must be 64 hex digits (32 bytes)');
  }
  const adminToken = env.LIKES_API_ADMIN_TOKEN || null;
  // It guards every sandbox's data: a short or guessable one is refused rather than trusted.
  if (adminToken && !/^[\x21-\x7e]{24,512}$/.test(adminToken)) {
    throw new ConfigError('LIKES_API_ADMIN_TOKEN must be 24 to 512 printable characters, without spaces');
  }
  const responseCache = choice(env, 'LIKES_API_CACHE', ['on', 'off'], 'on') === 'on';
  const logLevel = logLevelFrom(env.LIKES_API_LOG);
  if (!logLevel) throw new ConfigError(`LIKES_API_LOG must be 0, 1 or one of ${LOG_LEVELS.join(', ')} (got "${env.LIKES_API_LOG}")`);
  return {
    port: Number(portRaw),
    host,
    dataDir: resolve(env.LIKES_API_DATA_DIR || './.likes-api'),
    databaseUrl,
    redisUrl,
    redisPrefix: env.LIKES_API_REDIS_PREFIX ?? 'likes-api:',
    demo: choice(env, 'LIKES_API_DEMO', ['0', '1'], '1') === '1',
    limits: choice(env, 'LIKES_API_LIMITS', ['on', 'off'], 'on') === 'on',
    secretKey,
    logLevel,
    metrics: choice(env, 'LIKES_API_METRICS', ['on', 'off'], 'on') === 'on',
    responseCache,
    responseCacheBytes: megabytes(env, 'LIKES_API_CACHE_MB', 16),
    sqliteMmapBytes: megabytes(env, 'LIKES_API_SQLITE_MMAP_MB', 0),
    sqlitePageCacheBytes: sqlitePageCacheBytes(responseCache),
    trustProxy: choice(env, 'LIKES_API_TRUST_PROXY', ['0', '1'], '0') === '1',
    // 30 s carries a 64 KiB body over the slowest real link; src/http/connectionLimits.ts derives the rest from it.
    requestTimeoutMs: whole(env, 'LIKES_API_REQUEST_TIMEOUT_MS', 100, 600_000, 30_000),
    // Well below the usual 20k–64k descriptor limits, leaving room for the store and Redis.
    maxConnections: whole(env, 'LIKES_API_MAX_CONNECTIONS', 1, 1_000_000, 10_000),
    adminToken,
  };
}
