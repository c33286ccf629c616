// The SharedState contract against Redis, plus what only Redis has: the database number, the key prefix,
// failing fast while Redis is away, and recovering without a restart once it is back.
// Needs a Redis at LIKES_API_TEST_REDIS_URL (default redis://127.0.0.1:6379/0): the suite FAILS without it.
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type Server, type Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, describe, it } from 'node:test';
import { Redis } from 'ioredis';
import { openRedisShared } from '../../src/adapters/redis/index.ts';
import { ServiceUnavailableError } from '../../src/ports/unavailable.ts';
import type { SharedState } from '../../src/ports/shared.ts';
import { idList, NO_IDS } from '../../src/ports/usageLedger.ts';
import { freePort, startRedisServer, stopAll, stopRedisServer } from '../support/processes.ts';
import { sharedStateContract } from './sharedStateContract.ts';

const REDIS_URL = process.env.LIKES_API_TEST_REDIS_URL || 'redis://127.0.0.1:6379/0';
const T0 = Date.UTC(2026, 0, 1);
const WINDOW = 15 * 60_000;

const uniquePrefix = () => `likes-api-test:${randomUUID()}:`;
const globEscape = (s: string) => s.replace(/[*?[\]\\]/g, '\\$&');

function urlWithDb(url: string, db: number): string {
  const u = new URL(url);
  u.pathname = `/${db}`;
  return u.toString();
}

function dbOf(url: string): number {
  const path = new URL(url).pathname.replace(/^\/+/, '');
  return path === '' ? 0 : Number(path);
}

/** A plain client (no prefix) for looking at what the adapters wrote. */
function rawClient(url: string): Redis {
  return new Redis(url, {
    commandTimeout: 5000,
    connectTimeout: 5000,
    maxRetriesPerRequest: 1,
    retryStrategy: (times) => (times > 3 ? null : 100),
  });
}

async function scanKeys(client: Redis, pattern: string): Promise<string[]> {
  const keys: string[] = [];
  let cursor = '0';
  do {
    const [next, batch] = await client.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
    cursor = next;
    keys.push(...batch);
  } while (cursor !== '0');
  return keys;
}

/** Deletes every key under `prefix` (SCAN MATCH prefix*). */
async function deleteByPrefix(url: string, prefix: string): Promise<void> {
  const client = rawClient(url);
  try {
    const keys = await scanKeys(client, `${globEscape(prefix)}*`);
    for (let i = 0; i < keys.length; i += 500) await client.del(...keys.slice(i, i + 500));
  } finally {
    client.disconnect();
  }
}

/** Opens shared state on a fresh prefix; throws (failing the test) when Redis is unreachable. */
async function openFixture(url = REDIS_URL): Promise<{ shared: SharedState; prefix: string; cleanup(): Promise<void> }> {
  const prefix = uniquePrefix();
  const shared = openRedisShared({ url, prefix });
  try {
    await shared.ping();
  } catch (err) {
    await shared.close();
    throw new Error(`Redis at ${url} is unreachable: start redis-server or set LIKES_API_TEST_REDIS_URL`, {
      cause: err,
    });
  }
  return {
    shared,
    prefix,
    async cleanup() {
      await shared.close();
      await deleteByPrefix(url, prefix);
    },
  };
}

const isUnavailable = (err: unknown): boolean => {
  assert.ok(err instanceof ServiceUnavailableError, `expected ServiceUnavailableError, got ${String(err)}`);
  assert.equal(err.dependency, 'redis');
  return true;
};

/** Retries `fn` while Redis is unavailable (the client reconnects in the background). */
async function eventually<T>(fn: () => Promise<T>, attempts = 300): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await fn();
    } catch (err) {
      if (!(err instanceof ServiceUnavailableError) || i >= attempts) throw err;
      await sleep(100);
    }
  }
}

// redis-server children: each test kills what it starts; stopAll is the backstop.
after(() => stopAll());

// ---- the contract ----

sharedStateContract('redis', () => openFixture());

// ---- Redis only ----

describe('redis: connection', () => {
  it('honours the database number in the URL', async () => {
    const baseDb = dbOf(REDIS_URL);
    const otherDb = baseDb === 3 ? 4 : 3;
    const otherUrl = urlWithDb(REDIS_URL, otherDb);
    const fixture = await openFixture(otherUrl);
    const inOther = rawClient(otherUrl);
    const inBase = rawClient(REDIS_URL);
    try {
      await fixture.shared.rateLimiter.hit('db-check', 5, WINDOW, T0);
      await fixture.shared.nonceStore.remember('db-check', WINDOW, T0);
      await fixture.shared.usageMeter.add('db-project', 'db-app', '2026-01-01', '2026-01-01', 1);
      const pattern = `${globEscape(fixture.prefix)}*`;
      assert.equal((await scanKeys(inOther, pattern)).length, 5);
      assert.deepEqual(await scanKeys(inBase, pattern), []);
    } finally {
      inOther.disconnect();
      inBase.disconnect();
      await fixture.cleanup();
    }
  });

  it('puts the prefix on every key', async () => {
    const fixture = await openFixture();
    const marker = randomUUID();
    const raw = rawClient(REDIS_URL);
    try {
      const { rateLimiter, nonceStore, usageMeter } = fixture.shared;
      await rateLimiter.hit(`rl-${marker}`, 5, WINDOW, T0);
      await nonceStore.remember(`nonce-${marker}`, WINDOW, T0);
      await usageMeter.add(`project-${marker}`, 'app', '2026-01-01', '2026-01-01', 1);
      const keys = await scanKeys(raw, `*${marker}*`);
      assert.equal(keys.length, 5);
      for (const key of keys) assert.ok(key.startsWith(fixture.prefix), `unprefixed key ${key}`);
    } finally {
      raw.disconnect();
      await fixture.cleanup();
    }
  });

  it('rejects every call with ServiceUnavailableError when Redis is unreachable', { timeout: 60_000 }, async () => {
    const shared = openRedisShared({ url: 'redis://127.0.0.1:1/0', prefix: uniquePrefix() });
    try {
      await assert.rejects(shared.rateLimiter.hit('k', 5, WINDOW, T0), isUnavailable);
      await assert.rejects(shared.rateLimiter.peek('k', 5, WINDOW, T0), isUnavailable);
      await assert.rejects(shared.nonceStore.remember('n', WINDOW, T0), isUnavailable);
      await assert.rejects(Promise.resolve(shared.usageMeter.add('p', 'a', '2026-01-01', '2026-01-01', 1)), isUnavailable);
      await assert.rejects(shared.usageMeter.projectDaily('p', ['2026-01-01']), isUnavailable);
      await assert.rejects(shared.usageMeter.appsOf('p'), isUnavailable);
      await assert.rejects(shared.ping(), isUnavailable);
    } finally {
      await shared.close();
    }
  });

  it('rejects, rather than hangs, when the server accepts connections but never answers', { timeout: 60_000 }, async () => {
    const sockets = new Set<Socket>();
    const silent: Server = createServer((socket) => {
      sockets.add(socket);
      socket.on('error', () => {});
      socket.on('close', () => sockets.delete(socket));
    });
    silent.listen(0, '127.0.0.1');
    await once(silent, 'listening');
    const address = silent.address();
    assert.ok(address && typeof address === 'object');
    const shared = openRedisShared({ url: `redis://127.0.0.1:${address.port}/0`, prefix: uniquePrefix() });
    try {
      await assert.rejects(shared.rateLimiter.hit('k', 5, WINDOW, T0), isUnavailable);
      await assert.rejects(shared.ping(), isUnavailable);
    } finally {
      await shared.close();
      for (const socket of sockets) socket.destroy();
      silent.close();
    }
  });

  it('times out commands to a Redis that stops answering, and works again when it resumes', { timeout: 60_000 }, async () => {
    const port = await freePort();
    const child = await startRedisServer(port);
    const shared = openRedisShared({ url: `redis://127.0.0.1:${port}/0`, prefix: uniquePrefix() });
    try {
      assert.equal((await eventually(() => shared.rateLimiter.hit('k', 100, WINDOW, T0))).allowed, true);
      child.kill('SIGSTOP');
      await assert.rejects(shared.rateLimiter.hit('k', 100, WINDOW, T0), isUnavailable);
      await assert.rejects(shared.nonceStore.remember('n', WINDOW, T0), isUnavailable);
      child.kill('SIGCONT');
      const state = await eventually(() => shared.rateLimiter.peek('k', 100, WINDOW, T0));
      assert.equal(state.resetAt, T0 + WINDOW);
      assert.equal(await eventually(() => shared.nonceStore.remember('fresh', WINDOW, T0)), true);
    } finally {
      await shared.close();
      await stopRedisServer(child, 'SIGKILL');
    }
  });

  it('recovers without a restart: down at start, up, down again, up again', { timeout: 90_000 }, async () => {
    const port = await freePort();
    const url = `redis://127.0.0.1:${port}/0`;
    const shared = openRedisShared({ url, prefix: uniquePrefix(), maxReconnectDelayMs: 250 });
    let child: ChildProcess | undefined;
    try {
      await assert.rejects(shared.rateLimiter.hit('k', 10, WINDOW, T0), isUnavailable);

      child = await startRedisServer(port);
      const first = await eventually(() => shared.rateLimiter.hit('k', 10, WINDOW, T0));
      assert.deepEqual(first, { limit: 10, remaining: 9, resetAt: T0 + WINDOW, allowed: true });

      await stopRedisServer(child, 'SIGTERM');
      await assert.rejects(shared.rateLimiter.hit('k', 10, WINDOW, T0), isUnavailable);
      await assert.rejects(shared.ping(), isUnavailable);

      child = await startRedisServer(port);
      await eventually(() => shared.ping());
      // The restarted server kept nothing (--save ''), so the bucket starts over.
      const again = await shared.rateLimiter.hit('k', 10, WINDOW, T0 + 1);
      assert.deepEqual(again, { limit: 10, remaining: 9, resetAt: T0 + 1 + WINDOW, allowed: true });
      assert.equal(await shared.nonceStore.remember('n', WINDOW, T0), true);
    } finally {
      await shared.close();
      if (child) await stopRedisServer(child, 'SIGKILL');
    }
  });

  it('rejects every call with ServiceUnavailableError after close; close is idempotent', async () => {
    const fixture = await openFixture();
    await fixture.shared.close();
    await fixture.shared.close();
    try {
      await assert.rejects(fixture.shared.rateLimiter.hit('k', 5, WINDOW, T0), isUnavailable);
      await assert.rejects(fixture.shared.ping(), isUnavailable);
    } finally {
      await fixture.cleanup();
    }
  });
});

describe('redis SharedState: what is written behind', () => {
  it('reaches Redis when the shared state closes (a stopping instance loses no inspector entry or usage)', async () => {
    const { shared, prefix } = await openFixture();
    const world = shared.forWorld('sbclosingxx1');
    await world.journal.record({
      time: new Date().toISOString(), method: 'GET', path: '/2/users/1/liked_tweets', query: '', status: 200, duration_ms: 1,
      transaction_id: 'tx-close', app_id: '1', user_id: '1', auth: { scheme: 'app_only', verdict: 'accepted' },
    });
    await world.ledger.record({ appId: '1', at: Date.now(), endpoint: 'liked_tweets', operation: 'read', resources: { posts: idList(['5']), users: NO_IDS } });
    await shared.close();
    const other = openRedisShared({ url: REDIS_URL, prefix });
    try {
      const seen = other.forWorld('sbclosingxx1');
      assert.deepEqual((await seen.journal.latest(5)).map((e) => e.transaction_id), ['tx-close']);
      assert.equal((await seen.ledger.report())[0]?.postsUnique, 1);
    } finally {
      await other.close();
      await deleteByPrefix(REDIS_URL, prefix);
    }
  });
});

describe('redis SharedState: wake-ups between instances', () => {
  it("another instance's announcement wakes a world's listeners; its own, another world's and a stopped listener's do not", { timeout: 30_000 }, async () => {
    const prefix = uniquePrefix();
    const a = openRedisShared({ url: REDIS_URL, prefix });
    const b = openRedisShared({ url: REDIS_URL, prefix });
    const other = openRedisShared({ url: REDIS_URL, prefix: uniquePrefix() });
    try {
      const heard = { root: 0, sandbox: 0 };
      const stopRoot = a.wakeups.listen(() => heard.root++);
      a.forWorld('sbwakeupsxx1').wakeups.listen(() => heard.sandbox++);
      /** Announces until `done` holds (the subscriber connects in the background), at most 5 s. */
      const announceUntil = async (from: SharedState, done: () => boolean) => {
        for (let i = 0; !done() && i < 100; i++) {
          from.wakeups.announce();
          await sleep(50);
        }
      };
      await announceUntil(b, () => heard.root > 0);
      assert.ok(heard.root > 0, 'the default world heard the other instance');
      assert.equal(heard.sandbox, 0, 'a sandbox does not hear the default world');
      await announceUntil(b.forWorld('sbwakeupsxx1'), () => heard.sandbox > 0);
      assert.ok(heard.sandbox > 0, 'the sandbox heard its own world');
      // Its own word, and a deployment with another prefix, wake nobody here.
      const before = { ...heard };
      for (let i = 0; i < 5; i++) {
        a.wakeups.announce();
        other.wakeups.announce();
        await sleep(20);
      }
      await sleep(200);
      assert.deepEqual(heard, before);
      stopRoot();
      b.wakeups.announce();
      await sleep(300);
      assert.equal(heard.root, before.root, 'no longer listening');
    } finally {
      await Promise.all([a.close(), b.close(), other.close()]);
    }
  });
});
