import { Redis, type RedisOptions } from 'ioredis';
import type { Logger } from '../../ports/logger.ts';
import { ServiceUnavailableError } from '../../ports/unavailable.ts';

/** Prefix used when none is configured, so the service's keys never mix with others in a shared db. */
export const DEFAULT_REDIS_PREFIX = 'likes-api:';

export interface RedisConnectionOptions {
  /** `redis://[user:pass@]host:port/N` (or `rediss://`); N is the database number, 0 when absent. */
  url: string;
  /** Prepended to every key; DEFAULT_REDIS_PREFIX when undefined. */
  prefix?: string;
  /** A command without a reply within this is failed. */
  commandTimeoutMs?: number;
  /** Connecting (TCP + handshake) may take this long, and a request waits at most this long for it. */
  connectTimeoutMs?: number;
  /** Reconnect backoff cap; reconnection never stops. */
  maxReconnectDelayMs?: number;
  /** Connection errors, for logging; they are otherwise swallowed (requests still get ServiceUnavailableError). */
  onError?: (err: Error) => void;
  /** Told once when the connection fails (not at every reconnection attempt) and once when it is back. */
  log?: Logger;
}

const DEFAULT_COMMAND_TIMEOUT_MS = 1500;
const DEFAULT_CONNECT_TIMEOUT_MS = 2000;
const DEFAULT_MAX_RECONNECT_DELAY_MS = 2000;

/** Parses and checks a Redis URL; throws (a configuration error) when it is not one. */
export function parseRedisUrl(url: string): { host: string; port: number; db: number; tls: boolean } {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error(`invalid Redis URL: ${url}`);
  }
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') {
    throw new Error(`Redis URL must start with redis:// or rediss:// (got ${parsed.protocol}//)`);
  }
  const path = parsed.pathname.replace(/^\/+/, '').replace(/\/+$/, '');
  if (path !== '' && !/^\d+$/.test(path)) throw new Error(`Redis URL database must be a number: ${url}`);
  const port = parsed.port ? Number(parsed.port) : 6379;
  return {
    host: parsed.hostname.replace(/^\[|\]$/g, '') || '127.0.0.1',
    port,
    db: path === '' ? 0 : Number(path),
    tls: parsed.protocol === 'rediss:',
  };
}

/** ioredis options for a fail-fast client: no offline queue, bounded commands, reconnecting forever. */
export function redisClientOptions(opts: RedisConnectionOptions): RedisOptions {
  const { db } = parseRedisUrl(opts.url);
  const maxDelay = opts.maxReconnectDelayMs ?? DEFAULT_MAX_RECONNECT_DELAY_MS;
  return {
    db,
    keyPrefix: opts.prefix ?? DEFAULT_REDIS_PREFIX,
    enableOfflineQueue: false,
    commandTimeout: opts.commandTimeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS,
    connectTimeout: opts.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
    maxRetriesPerRequest: 1,
    // Never give up: the service recovers by itself once Redis is back.
    retryStrategy: (times) => Math.min(50 * 2 ** Math.min(times, 10), maxDelay) + Math.floor(Math.random() * 50),
  };
}

/** A raw ioredis client for `url` (database honoured) with every key prefixed by `prefix`. */
export function createRedisClient(opts: RedisConnectionOptions): Redis {
  parseRedisUrl(opts.url);
  return new Redis(opts.url, redisClientOptions(opts));
}

export type ScriptFn = (...keysThenArgs: (string | number)[]) => Promise<unknown>;

/**
 * One Redis connection shared by the adapters. `run` is the only way they talk to Redis: it waits
 * (boundedly) for a connection being established, and turns every failure into ServiceUnavailableError.
 */
export class RedisConnection {
  readonly client: Redis;
  readonly prefix: string;
  /** Where the adapters over this connection report what they cannot throw to a caller (a write-behind batch lost). */
  readonly log: Logger | undefined;
  private readonly connectTimeoutMs: number;
  private readonly deadlineMs: number;
  private lastError: Error | undefined;
  private closed = false;
  /** Whether the socket is corked for this turn's commands (until the turn's immediates run). */
  private corked = false;

  constructor(opts: RedisConnectionOptions) {
    this.prefix = opts.prefix ?? DEFAULT_REDIS_PREFIX;
    this.log = opts.log;
    this.connectTimeoutMs = opts.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
    // Backstop for anything ioredis' own command timeout does not cover.
    this.deadlineMs = (opts.commandTimeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS) + 1000;
    this.client = createRedisClient(opts);
    this.client.on('error', (err: Error) => {
      if (!this.lastError) opts.log?.warn({ dependency: 'redis', err }, 'redis connection failed; reconnecting');
      this.lastError = err;
      opts.onError?.(err);
    });
    this.client.on('ready', () => {
      if (this.lastError) opts.log?.warn({ dependency: 'redis' }, 'redis connection re-established');
      this.lastError = undefined;
    });
  }

  /** Defines a Lua script (keys are prefixed like any other) and returns a caller for it. */
  defineScript(name: string, lua: string, numberOfKeys: number): ScriptFn {
    this.client.defineCommand(name, { lua, numberOfKeys });
    const commands = this.client as unknown as Record<string, ScriptFn>;
    return (...keysThenArgs) => commands[name]!(...keysThenArgs);
  }

  /** Runs `op` against Redis; any failure (down, timeout, not writeable, error reply) is ServiceUnavailableError. */
  async run<T>(op: (client: Redis) => Promise<T>): Promise<T> {
    try {
      await this.ready();
      this.corkTurn();
      return await withDeadline(op(this.client), this.deadlineMs);
    } catch (err) {
      throw err instanceof ServiceUnavailableError ? err : new ServiceUnavailableError('redis', err);
    }
  }

  /**
   * The commands of one turn of the event loop leave in one write: a write is a system call, and the requests of a
   * turn each send a few small commands (rate limits, change counters, usage, wake-ups). Uncorked once the turn's
   * I/O has been handled, so a command waits at most for the other callbacks of its turn.
   */
  private corkTurn(): void {
    const stream = this.client.stream;
    if (this.corked || !stream) return;
    stream.cork();
    this.corked = true;
    setImmediate(() => {
      this.corked = false;
      stream.uncork();
    });
  }

  /** Publishes `message` on `channel` (no key prefix: channels are not keys); a lost message is not reported. */
  publish(channel: string, message: string): Promise<unknown> {
    return this.run((c) => c.publish(channel, message)).catch(() => 0);
  }

  /** Deletes every key under `ns` (behind the prefix) but `ns + k` for k in `keep`, a batch at a time. */
  async deleteNamespace(ns: string, keep: readonly string[] = []): Promise<void> {
    const kept = new Set(keep.map((k) => this.prefix + ns + k));
    const pattern = `${this.prefix}${ns.replace(/[*?[\]\\]/g, '\\$&')}*`;
    await this.run(async (c) => {
      let cursor = '0';
      do {
        const [next, keys] = await c.scan(cursor, 'MATCH', pattern, 'COUNT', 500);
        cursor = next;
        // SCAN answers full key names; commands add the prefix again, so it comes off first.
        const doomed = keys.filter((k) => !kept.has(k)).map((k) => k.slice(this.prefix.length));
        if (doomed.length > 0) await c.del(...doomed);
      } while (cursor !== '0');
    });
  }

  async ping(): Promise<void> {
    await this.run((c) => c.ping());
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.client.status === 'ready') {
      try {
        await withDeadline(this.client.quit(), this.deadlineMs);
        return;
      } catch {
        // fall through to a hard disconnect
      }
    }
    this.client.disconnect(false);
  }

  /**
   * Resolves when a command can be written. A connection being established is waited for (at most the
   * connect timeout); a closed or backing-off connection fails at once, so requests never pile up.
   */
  private async ready(): Promise<void> {
    if (this.closed) throw new ServiceUnavailableError('redis', new Error('connection closed'));
    const status = this.client.status;
    if (status === 'ready') return;
    if (status !== 'wait' && status !== 'connecting' && status !== 'connect') {
      throw new ServiceUnavailableError('redis', this.lastError ?? new Error(`connection is ${status}`));
    }
    await new Promise<void>((resolve, reject) => {
      const client = this.client;
      const done = (err?: Error) => {
        clearTimeout(timer);
        client.off('ready', onReady);
        client.off('close', onClose);
        client.off('end', onClose);
        if (err) reject(new ServiceUnavailableError('redis', err));
        else resolve();
      };
      const onReady = () => done();
      const onClose = () => done(this.lastError ?? new Error('connection closed'));
      const timer = setTimeout(() => done(this.lastError ?? new Error('connect timed out')), this.connectTimeoutMs);
      timer.unref();
      client.on('ready', onReady);
      client.on('close', onClose);
      client.on('end', onClose);
    });
  }
}

/** Rejects when `promise` has not settled within `ms`. */
function withDeadline<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no reply from Redis within ${ms} ms`)), ms);
    timer.unref();
  });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}
