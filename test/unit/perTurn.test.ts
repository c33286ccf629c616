// Lookups of one event-loop turn share one read; each asker gets its own key's answer (or null), a failed read fails
// that turn's askers only.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { nextTurnOnce, oncePerTurn, TurnBatcher, TurnQueue } from '../../src/perTurn.ts';

describe('oncePerTurn', () => {
  it('runs the read once for the callers of a turn, and again in the next', async () => {
    let reads = 0;
    const read = oncePerTurn(async () => ++reads);
    assert.deepEqual(await Promise.all([read(), read(), read()]), [1, 1, 1]);
    assert.equal(read(), 1, 'once it has come back, later callers of the turn get its value itself, not a promise');
    await new Promise((r) => setImmediate(r));
    const next = read();
    assert.ok(next instanceof Promise, 'a new turn reads again');
    assert.equal(await next, 2);
  });

  it('a failed read fails the callers of its turn only, and is never handed out as a value', async () => {
    let reads = 0;
    const read = oncePerTurn(async () => {
      if (++reads === 1) throw new Error('down');
      return reads;
    });
    await assert.rejects(Promise.resolve(read()), /down/);
    await assert.rejects(Promise.resolve(read()), /down/, 'the same turn shares the failed read');
    await new Promise((r) => setImmediate(r));
    assert.equal(await read(), 2);
  });
});

describe('nextTurnOnce', () => {
  it('runs once on the next turn for the callers of this one; a caller after it started waits for the next run', async () => {
    const ran: string[][] = [];
    let asked: string[] = [];
    const run = nextTurnOnce(async () => {
      ran.push(asked);
      asked = [];
      return ran.length;
    });
    const ask = (what: string) => {
      asked.push(what);
      return run();
    };
    const first = [ask('a'), ask('b')];
    assert.deepEqual(ran, [], 'nothing runs in the turn it was asked in');
    assert.deepEqual(await Promise.all(first), [1, 1]);
    assert.deepEqual(await ask('c'), 2);
    assert.deepEqual(ran, [['a', 'b'], ['c']]);
  });
});

describe('TurnQueue', () => {
  it("runs the work of a turn's callers back to back once they have all asked, each answered with its own", async () => {
    const queue = new TurnQueue();
    const log: string[] = [];
    const ask = (name: string) =>
      queue
        .run(() => {
          log.push(`run ${name}`);
          return name.toUpperCase();
        })
        .then((value) => {
          log.push(`answered ${name}`);
          return value;
        });
    const asked = [ask('a'), ask('b')];
    log.push('both asked');
    assert.deepEqual(await Promise.all(asked), ['A', 'B']);
    assert.deepEqual(log, ['both asked', 'run a', 'run b', 'answered a', 'answered b'], 'no caller goes on before the turn\'s work has all run');
  });

  it('a failing work rejects its own caller only; work asked for while answering runs in a later turn', async () => {
    const queue = new TurnQueue();
    const ran: string[] = [];
    const later = queue.run(() => 'x').then(() => queue.run(() => ran.push('later')));
    const outcomes = await Promise.allSettled([
      queue.run(() => {
        throw new Error('no such row');
      }),
      queue.run(() => ran.push('next to the failure')),
    ]);
    assert.deepEqual(outcomes.map((o) => o.status), ['rejected', 'fulfilled']);
    await later;
    assert.deepEqual(ran, ['next to the failure', 'later']);
  });

  it('runs each turn\'s work inside `around`, once a turn', async () => {
    const log: string[] = [];
    const queue = new TurnQueue((turn) => {
      log.push('before');
      turn();
      log.push('after');
    });
    await Promise.all([queue.run(() => log.push('a')), queue.run(() => log.push('b'))]);
    await queue.run(() => log.push('c'));
    assert.deepEqual(log, ['before', 'a', 'b', 'after', 'before', 'c', 'after']);
  });
});

describe('TurnBatcher', () => {
  it('reads the distinct keys of one turn at once and answers every asker', async () => {
    const reads: string[][] = [];
    const batcher = new TurnBatcher<string, string>(async (keys) => {
      reads.push(keys);
      return new Map(keys.filter((k) => k !== 'missing').map((k) => [k, `v-${k}`]));
    });
    const answers = await Promise.all(['a', 'b', 'a', 'missing'].map((k) => batcher.get(k)));
    assert.deepEqual(answers, ['v-a', 'v-b', 'v-a', null]);
    assert.deepEqual(reads, [['a', 'b', 'missing']]);
    // A later turn reads again (nothing is remembered between turns).
    assert.equal(await batcher.get('a'), 'v-a');
    assert.deepEqual(reads, [['a', 'b', 'missing'], ['a']]);
  });

  it('splits a turn into reads of at most maxKeys', async () => {
    const sizes: number[] = [];
    const batcher = new TurnBatcher<number, number>(async (keys) => {
      sizes.push(keys.length);
      return new Map(keys.map((k) => [k, k * 2]));
    }, 2);
    assert.deepEqual(await Promise.all([1, 2, 3, 4, 5].map((k) => batcher.get(k))), [2, 4, 6, 8, 10]);
    assert.deepEqual(sizes, [2, 2, 1]);
  });

  it("a failed read rejects that turn's askers, and the next turn reads afresh", async () => {
    let fail = true;
    const batcher = new TurnBatcher<string, string>(async (keys) => {
      if (fail) throw new Error('unreachable');
      return new Map(keys.map((k) => [k, k]));
    });
    const outcomes = await Promise.allSettled([batcher.get('x'), batcher.get('y')]);
    assert.deepEqual(outcomes.map((o) => o.status), ['rejected', 'rejected']);
    fail = false;
    assert.equal(await batcher.get('x'), 'x');
  });
});
