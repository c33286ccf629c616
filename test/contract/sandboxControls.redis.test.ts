// The SandboxControls contract against Redis: the second instance is a second connection on the same prefix and
// namespace (another server), the other world a second namespace on the first connection. Plus what only Redis
// has: every key under prefix and namespace, and none left once a world is cleared.
// Needs a Redis at LIKES_API_TEST_REDIS_URL (default redis://127.0.0.1:6379/0): the suite FAILS without it.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, it } from 'node:test';
import { RedisConnection } from '../../src/adapters/redis/redisConnection.ts';
import { RedisSandboxControls } from '../../src/adapters/redis/redisSandboxControls.ts';
import { REDIS_URL, deleteByPrefix, keysWithPrefix, rawRedis } from '../support/processes.ts';
import { fault, sandboxControlsContract, type SandboxControlsFixture } from './sandboxControlsContract.ts';

const NAMESPACE = 'sandbox:a:';

/** Every key under `prefix`, sorted, through a plain client. */
async function keysUnder(prefix: string): Promise<string[]> {
  const client = rawRedis();
  try {
    return (await keysWithPrefix(client, prefix)).sort();
  } finally {
    client.disconnect();
  }
}


/** Two connections on a fresh prefix; throws (failing the test) when Redis is unreachable. */
async function openFixture(): Promise<SandboxControlsFixture & { prefix: string }> {
  const prefix = `likes-api-test:${randomUUID()}:`;
  const first = new RedisConnection({ url: REDIS_URL, prefix });
  const second = new RedisConnection({ url: REDIS_URL, prefix });
  try {
    await Promise.all([first.ping(), second.ping()]);
  } catch (err) {
    await Promise.all([first.close(), second.close()]);
    throw new Error(`Redis at ${REDIS_URL} is unreachable: start redis-server or set LIKES_API_TEST_REDIS_URL`, { cause: err });
  }
  return {
    prefix,
    controls: new RedisSandboxControls(first, NAMESPACE),
    peer: new RedisSandboxControls(second, NAMESPACE),
    elsewhere: new RedisSandboxControls(first, 'sandbox:b:'),
    async cleanup() {
      await Promise.all([first.close(), second.close()]);
      await deleteByPrefix(REDIS_URL, prefix);
    },
  };
}

sandboxControlsContract('redis', openFixture);

describe('redis: SandboxControls keys', () => {
  it('writes every key under the prefix and the namespace, and clear leaves none of the world behind', async () => {
    const fixture = await openFixture();
    try {
      const { controls, elsewhere, prefix } = fixture;
      await controls.setClockOffsetMs(60_000);
      const counted = await controls.addFault(fault({ times_remaining: 5 }));
      await controls.addFault(fault({ action: 'drop' }));
      await controls.consumeFault(counted.id);
      await elsewhere.addFault(fault());
      const keys = await keysUnder(prefix);
      const world = keys.filter((k) => k.startsWith(prefix + NAMESPACE));
      assert.deepEqual(
        world.map((k) => k.slice((prefix + NAMESPACE).length)),
        ['controls:faults', 'controls:offset', 'controls:order', 'controls:seq', 'controls:times', 'controls:version'],
      );
      for (const key of keys) assert.ok(key.startsWith(prefix + NAMESPACE) || key.startsWith(`${prefix}sandbox:b:`), `key outside the worlds: ${key}`);
      await controls.clear();
      assert.ok((await keysUnder(prefix)).every((k) => k.startsWith(`${prefix}sandbox:b:`)));
      assert.equal((await elsewhere.faults()).length, 1);
    } finally {
      await fixture.cleanup();
    }
  });

  it('reads back a cleared world as the empty one it started as', async () => {
    const fixture = await openFixture();
    try {
      const empty = await fixture.controls.snapshot();
      await fixture.controls.setClockOffsetMs(1);
      await fixture.controls.addFault(fault());
      await fixture.peer.clear();
      assert.deepEqual(await fixture.controls.snapshot(), empty);
    } finally {
      await fixture.cleanup();
    }
  });
});
