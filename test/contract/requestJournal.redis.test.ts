// The RequestJournal contract against Redis, plus what only Redis has: the connection's prefix and the world's
// namespace on the key, the journal forgotten after a day without requests, and failing fast while Redis is away.
// Needs a Redis at LIKES_API_TEST_REDIS_URL (default redis://127.0.0.1:6379/0): the suite FAILS without it.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, it } from 'node:test';
import { Redis } from 'ioredis';
import { RedisConnection } from '../../src/adapters/redis/redisConnection.ts';
import { RedisRequestJournal } from '../../src/adapters/redis/redisRequestJournal.ts';
import { ServiceUnavailableError } from '../../src/ports/unavailable.ts';
import { REDIS_URL, keysWithPrefix, rawRedis } from '../support/processes.ts';
import { entry, requestJournalContract, type RequestJournalFixture } from './requestJournalContract.ts';


/** A connection on a fresh prefix; throws (failing the test) when Redis is unreachable. */
async function openFixture(): Promise<RequestJournalFixture & { prefix: string; conn: RedisConnection }> {
  const prefix = `likes-api-test:${randomUUID()}:`;
  const conn = new RedisConnection({ url: REDIS_URL, prefix });
  try {
    await conn.ping();
  } catch (err) {
    await conn.close();
    throw new Error(`Redis at ${REDIS_URL} is unreachable: start redis-server or set LIKES_API_TEST_REDIS_URL`, { cause: err });
  }
  return {
    prefix,
    conn,
    open: (namespace, capacity) => new RedisRequestJournal(conn, `sbx:${namespace}:`, capacity),
    async cleanup() {
      await conn.close();
      const raw = rawRedis();
      try {
        const keys = await keysWithPrefix(raw, prefix);
        if (keys.length) await raw.del(...keys);
      } finally {
        raw.disconnect();
      }
    },
  };
}

requestJournalContract('redis', openFixture);

/** Runs `fn` with a fresh fixture and a raw client beside it, both closed after. */
async function withRaw(fn: (fixture: Awaited<ReturnType<typeof openFixture>>, raw: Redis) => Promise<void>): Promise<void> {
  const fixture = await openFixture();
  const raw = rawRedis();
  try {
    await fn(fixture, raw);
  } finally {
    raw.disconnect();
    await fixture.cleanup();
  }
}

describe('redis: request journal', () => {
  it('writes one list under the connection prefix and the world namespace, forgotten after a day', () =>
    withRaw(async (fixture, raw) => {
      // Gathered for a minute here, so that the timer cannot write before the look below: nothing in Redis until a flush.
      const a = new RedisRequestJournal(fixture.conn, 'sbx:a:', undefined, 60_000);
      const b = new RedisRequestJournal(fixture.conn, 'sbx:b:', undefined, 60_000);
      await a.record(entry(1));
      await b.record(entry(2));
      assert.deepEqual(await keysWithPrefix(raw, fixture.prefix), []);
      await Promise.all([a.flush(), b.flush()]);
      assert.deepEqual((await keysWithPrefix(raw, fixture.prefix)).sort(), [`${fixture.prefix}sbx:a:requests`, `${fixture.prefix}sbx:b:requests`]);
      const ttl = await raw.ttl(`${fixture.prefix}sbx:a:requests`);
      assert.ok(ttl > 23 * 3600 && ttl <= 24 * 3600, `ttl ${ttl}`);
      assert.deepEqual(JSON.parse((await raw.lindex(`${fixture.prefix}sbx:a:requests`, 0))!), [Date.parse(entry(1).time), entry(1)]);
    }));

  it('reads items written before arrivals were kept (the entry alone) beside newer ones, by their time', () =>
    withRaw(async (fixture, raw) => {
      const journal = new RedisRequestJournal(fixture.conn, 'sbx:w:');
      await journal.record(entry(2));
      await journal.flush();
      await raw.rpush(`${fixture.prefix}sbx:w:requests`, JSON.stringify(entry(1)));
      await raw.lpush(`${fixture.prefix}sbx:w:requests`, JSON.stringify(entry(3)));
      assert.deepEqual(await journal.latest(10), [entry(3), entry(2), entry(1)]);
    }));

  it('takes no namespace as the bare key (a connection for one world)', () =>
    withRaw(async (fixture, raw) => {
      const journal = new RedisRequestJournal(fixture.conn);
      await journal.record(entry(1));
      await journal.flush();
      assert.deepEqual(await keysWithPrefix(raw, fixture.prefix), [`${fixture.prefix}requests`]);
    }));

  it('rejects every call with ServiceUnavailableError when Redis is unreachable', { timeout: 60_000 }, async () => {
    const conn = new RedisConnection({ url: 'redis://127.0.0.1:1/0', prefix: `likes-api-test:${randomUUID()}:` });
    const journal = new RedisRequestJournal(conn, 'w:');
    const unavailable = (err: unknown) => err instanceof ServiceUnavailableError && err.dependency === 'redis';
    try {
      // Recording never waits on Redis; the write behind fails, and so does a flush.
      await journal.record(entry(1));
      await assert.rejects(journal.flush(), unavailable);
      await assert.rejects(journal.latest(10), unavailable);
      await assert.rejects(journal.clear(), unavailable);
    } finally {
      await conn.close();
    }
  });

  it('refuses a capacity that is not a positive integer', async () => {
    const fixture = await openFixture();
    try {
      for (const capacity of [0, -1, 2.5]) assert.throws(() => fixture.open('w', capacity), /capacity/);
    } finally {
      await fixture.cleanup();
    }
  });
});
