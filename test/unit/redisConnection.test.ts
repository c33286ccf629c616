// RedisConnection against the real Redis at LIKES_API_TEST_REDIS_URL (default redis://127.0.0.1:6379/0; FAILS without
// it): the commands of one turn of the event loop leave in one write to the socket, each still gets its own reply, and
// a command of a later turn is not held back by an earlier one.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { RedisConnection } from '../../src/adapters/redis/index.ts';
import { REDIS_URL, requireRedis } from '../support/processes.ts';

/** Counts the socket's writes: `_write` takes one chunk, `_writev` several (each one system call). */
function countWrites(conn: RedisConnection): { writes: number[]; stop(): void } {
  const stream = conn.client.stream as unknown as { _write: (...a: unknown[]) => void; _writev: (chunks: unknown[], cb: unknown) => void };
  const write = stream._write;
  const writev = stream._writev;
  const writes: number[] = [];
  stream._write = function (this: unknown, ...a: unknown[]) {
    writes.push(1);
    return write.apply(this, a);
  };
  stream._writev = function (this: unknown, chunks: unknown[], cb: unknown) {
    writes.push(chunks.length);
    return writev.call(this, chunks, cb);
  };
  return {
    writes,
    stop() {
      stream._write = write;
      stream._writev = writev;
    },
  };
}

describe('RedisConnection: one write a turn', () => {
  const prefix = `likes-api-test:${randomUUID()}:`;
  let conn: RedisConnection;
  before(async () => {
    await requireRedis();
    conn = new RedisConnection({ url: REDIS_URL, prefix });
    await conn.ping();
  });
  after(async () => {
    await conn.run((c) => c.del('a', 'b', 'c'));
    await conn.close();
  });

  it('sends the commands issued in one turn together, and answers each', async () => {
    await conn.run((c) => c.set('a', '1'));
    const counted = countWrites(conn);
    try {
      const replies = await Promise.all([conn.run((c) => c.incr('a')), conn.run((c) => c.set('b', 'x')), conn.run((c) => c.mget('a', 'b', 'c'))]);
      assert.deepEqual(replies, [2, 'OK', ['2', 'x', null]]);
      assert.equal(counted.writes.length, 1, `one write, not ${JSON.stringify(counted.writes)}`);
      assert.ok(counted.writes[0]! >= 3, `the three commands in it: ${JSON.stringify(counted.writes)}`);
    } finally {
      counted.stop();
    }
  });

  it('sends a later turn’s command in a write of its own, without waiting for more', async () => {
    const counted = countWrites(conn);
    try {
      assert.equal(await conn.run((c) => c.incr('c')), 1);
      await new Promise((resolve) => setImmediate(resolve));
      assert.equal(await conn.run((c) => c.incr('c')), 2);
      assert.deepEqual(counted.writes, [1, 1]);
    } finally {
      counted.stop();
    }
  });

  it('publishes through the same write', async () => {
    const counted = countWrites(conn);
    try {
      const [receivers, value] = await Promise.all([conn.publish(`${prefix}nobody`, 'hi'), conn.run((c) => c.get('b'))]);
      assert.equal(receivers, 0);
      assert.equal(value, 'x');
      assert.equal(counted.writes.length, 1);
    } finally {
      counted.stop();
    }
  });
});
