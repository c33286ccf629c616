// The UsageLedger contract against Redis, plus what only Redis has: every key behind the connection prefix and the
// ledger's namespace, keys that expire, nothing left after clear(), and ServiceUnavailableError when Redis is away.
// Needs a Redis at LIKES_API_TEST_REDIS_URL (default redis://127.0.0.1:6379/0): the suite FAILS without it.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RedisConnection } from '../../src/adapters/redis/redisConnection.ts';
import { LEDGER_TTL_SECONDS, RedisUsageLedger } from '../../src/adapters/redis/redisUsageLedger.ts';
import { ServiceUnavailableError } from '../../src/ports/unavailable.ts';
import { idList, type UsageEntry } from '../../src/ports/usageLedger.ts';
import { REDIS_URL, deleteByPrefix, keysWithPrefix, rawRedis, requireRedis, uniquePrefix } from '../support/processes.ts';
import { usageLedgerContract } from './usageLedgerContract.ts';

const NOON = Date.UTC(2026, 0, 1, 12);
const entry = (posts: string[], users: string[] = []): UsageEntry => ({
  appId: '501', at: NOON, endpoint: 'liked_tweets', operation: 'read', resources: { posts: idList(posts), users: idList(users) },
});

/** A connection on a fresh prefix; cleanup closes it and deletes everything under the prefix. */
async function openConnection(): Promise<{ conn: RedisConnection; prefix: string; cleanup(): Promise<void> }> {
  await requireRedis();
  const prefix = uniquePrefix('ledger');
  const conn = new RedisConnection({ url: REDIS_URL, prefix });
  return {
    conn,
    prefix,
    async cleanup() {
      await conn.close();
      await deleteByPrefix(REDIS_URL, prefix);
    },
  };
}

usageLedgerContract('redis', async () => {
  const { conn, cleanup } = await openConnection();
  return { ledger: new RedisUsageLedger(conn, 'sbx:a:'), other: new RedisUsageLedger(conn, 'sbx:b:'), cleanup };
});

describe('redis: UsageLedger keys', () => {
  it('puts the prefix and the namespace on every key, with a TTL, and leaves none after clear', async () => {
    const { conn, prefix, cleanup } = await openConnection();
    const raw = rawRedis();
    try {
      // Gathered for a minute here, so that the timer cannot write before the look below: nothing in Redis until a flush.
      const ledger = new RedisUsageLedger(conn, 'sbx:keys:', 60_000);
      await ledger.record(entry(['1', '2'], ['10']));
      assert.deepEqual(await keysWithPrefix(raw, prefix), []);
      await ledger.flush();
      const keys = (await keysWithPrefix(raw, prefix)).sort();
      assert.deepEqual(keys, [
        `${prefix}sbx:keys:ledger:2026-01-01:501:counts`,
        `${prefix}sbx:keys:ledger:2026-01-01:501:posts`,
        `${prefix}sbx:keys:ledger:2026-01-01:501:users`,
        `${prefix}sbx:keys:ledger:index`,
      ]);
      for (const key of keys) {
        const ttl = await raw.ttl(key);
        assert.ok(ttl > LEDGER_TTL_SECONDS - 60 && ttl <= LEDGER_TTL_SECONDS, `${key} ttl ${ttl}`);
      }
      await ledger.clear();
      assert.deepEqual(await keysWithPrefix(raw, prefix), []);
    } finally {
      raw.disconnect();
      await cleanup();
    }
  });

  it('deletes the keys of the days it prunes', async () => {
    const { conn, prefix, cleanup } = await openConnection();
    const raw = rawRedis();
    try {
      const ledger = new RedisUsageLedger(conn);
      await ledger.record(entry(['1']));
      await ledger.record({ ...entry(['1']), at: NOON + 101 * 86_400_000 });
      await ledger.flush();
      const keys = await keysWithPrefix(raw, prefix);
      assert.equal(keys.length, 3);
      assert.ok(keys.every((k) => !k.includes('2026-01-01')), keys.join(' '));
    } finally {
      raw.disconnect();
      await cleanup();
    }
  });

  it('rejects every call with ServiceUnavailableError when Redis is unreachable', { timeout: 60_000 }, async () => {
    const conn = new RedisConnection({ url: 'redis://127.0.0.1:1/0', prefix: uniquePrefix('ledger-down') });
    const isUnavailable = (err: unknown) => err instanceof ServiceUnavailableError && err.dependency === 'redis';
    try {
      const ledger = new RedisUsageLedger(conn, 'sbx:down:');
      // Recording never waits on Redis; the write behind fails, and so does a flush.
      await ledger.record(entry(['1']));
      await assert.rejects(ledger.flush(), isUnavailable);
      await assert.rejects(ledger.report(), isUnavailable);
      await assert.rejects(ledger.clear(), isUnavailable);
    } finally {
      await conn.close();
    }
  });
});
