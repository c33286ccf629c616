// The stores' group commit: writes asked for together commit together, a pair never twice in one batch nor in two
// batches at once, each caller answered by its own outcome.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LikeWriteQueue, type LikeWrite, type LikeWriteOutcome } from '../../src/adapters/likeWriteQueue.ts';

const like = (userId: string, tweetId: string): LikeWrite => ({ kind: 'like', userId, tweetId, at: 1 });
const unlike = (userId: string, tweetId: string): LikeWrite => ({ kind: 'unlike', userId, tweetId, at: 2 });
const key = (w: LikeWrite) => `${w.kind} ${w.userId}/${w.tweetId}`;

/** A store that records its batches and answers after `delayMs`, applying them to a set of likes. */
function recordingStore(delayMs = 0) {
  const likes = new Set<string>();
  const batches: string[][] = [];
  let committing = 0;
  let mostAtOnce = 0;
  const commit = async (batch: readonly LikeWrite[]): Promise<LikeWriteOutcome[]> => {
    batches.push(batch.map(key));
    mostAtOnce = Math.max(mostAtOnce, ++committing);
    await new Promise((r) => setTimeout(r, delayMs));
    committing--;
    return batch.map((w) => {
      const pair = `${w.userId}/${w.tweetId}`;
      if (w.userId === 'bad') return { error: new Error('refused') };
      const had = likes.has(pair);
      if (w.kind === 'like') likes.add(pair);
      else likes.delete(pair);
      return { ok: w.kind === 'like' ? !had : had };
    });
  };
  return { commit, batches, likes, mostAtOnce: () => mostAtOnce };
}

describe('LikeWriteQueue', () => {
  it('commits the writes of one turn as one batch and answers each', async () => {
    const store = recordingStore();
    const q = new LikeWriteQueue(store.commit, { maxInFlight: 1, maxBatch: 100, distinctPairs: false });
    const results = await Promise.all([q.write(like('a', '1')), q.write(like('b', '1')), q.write(like('a', '1'))]);
    assert.deepEqual(results, [true, true, false]);
    assert.deepEqual(store.batches, [['like a/1', 'like b/1', 'like a/1']]);
  });

  it('with distinct pairs, a repeated pair waits for a later batch, and batches holding it never overlap', async () => {
    const store = recordingStore(5);
    const q = new LikeWriteQueue(store.commit, { maxInFlight: 4, maxBatch: 100, distinctPairs: true });
    const results = await Promise.all([
      q.write(like('a', '1')), q.write(unlike('a', '1')), q.write(like('b', '1')), q.write(like('a', '1')),
    ]);
    assert.deepEqual(results, [true, true, true, true]);
    assert.deepEqual(store.batches, [['like a/1'], ['unlike a/1', 'like b/1'], ['like a/1']]);
    assert.equal(store.mostAtOnce(), 1, 'each later batch held a pair of the one before, so none overlapped');
    assert.deepEqual([...store.likes].sort(), ['a/1', 'b/1']);
  });

  it('writes asked for while a batch commits form the next one; at most maxInFlight commit at once', async () => {
    const store = recordingStore(10);
    const q = new LikeWriteQueue(store.commit, { maxInFlight: 1, maxBatch: 100, distinctPairs: true });
    const first = q.write(like('a', '1'));
    await new Promise((r) => setImmediate(r));
    const later = [q.write(like('b', '1')), q.write(like('c', '1')), q.write(like('d', '1'))];
    await Promise.all([first, ...later]);
    assert.deepEqual(store.batches, [['like a/1'], ['like b/1', 'like c/1', 'like d/1']]);
    assert.equal(store.mostAtOnce(), 1);
  });

  it('splits at maxBatch', async () => {
    const store = recordingStore();
    const q = new LikeWriteQueue(store.commit, { maxInFlight: 2, maxBatch: 2, distinctPairs: false });
    await Promise.all(['1', '2', '3', '4', '5'].map((t) => q.write(like('a', t))));
    assert.deepEqual(store.batches.map((b) => b.length), [2, 2, 1]);
  });

  it('a write that fails fails alone; a batch that throws fails its writes and the queue goes on', async () => {
    const store = recordingStore();
    const q = new LikeWriteQueue(store.commit, { maxInFlight: 1, maxBatch: 100, distinctPairs: false });
    const outcomes = await Promise.allSettled([q.write(like('a', '1')), q.write(like('bad', '1')), q.write(like('b', '1'))]);
    assert.deepEqual(outcomes.map((o) => o.status), ['fulfilled', 'rejected', 'fulfilled']);

    let calls = 0;
    const flaky = new LikeWriteQueue(async (batch) => {
      if (calls++ === 0) throw new Error('connection lost');
      return batch.map(() => ({ ok: true }));
    }, { maxInFlight: 1, maxBatch: 100, distinctPairs: true });
    await assert.rejects(flaky.write(like('a', '1')), /connection lost/);
    assert.equal(await flaky.write(like('a', '1')), true);
  });
});
