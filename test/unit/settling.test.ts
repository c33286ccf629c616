// Values that are ready at once or come as a promise (src/settling.ts), and the request hooks built on them
// (src/http/plugins/hook.ts): a ready value goes on in the same call, a promise when it resolves, and every failure
// reaches Fastify's `done` as an error.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { settlingHook } from '../../src/http/plugins/hook.ts';
import { thenSettle } from '../../src/settling.ts';
import { VersionedMemo } from '../../src/versionedMemo.ts';

describe('thenSettle', () => {
  it('applies the next step at once to a ready value, and after the promise to a pending one', async () => {
    assert.equal(thenSettle(2, (n) => n * 10), 20);
    const later = thenSettle(Promise.resolve(2), (n) => n * 10);
    assert.ok(later instanceof Promise);
    assert.equal(await later, 20);
  });

  it('a step that throws on a ready value throws at once; on a pending one it rejects', async () => {
    assert.throws(() => thenSettle(1, () => { throw new Error('now'); }), /now/);
    await assert.rejects(Promise.resolve(thenSettle(Promise.resolve(1), () => { throw new Error('later'); })), /later/);
  });
});

describe('VersionedMemo.get', () => {
  it('loads once under a version (a promise), then hands the remembered value out as it is; a new version loads again', async () => {
    const memo = new VersionedMemo();
    let loads = 0;
    const load = async () => ({ n: ++loads });
    const first = memo.get('v1', 'k', load);
    assert.ok(first instanceof Promise);
    const value = await first;
    assert.equal(memo.get('v1', 'k', load), value, 'remembered: the value itself');
    assert.ok(memo.get('v2', 'k', load) instanceof Promise);
    assert.equal(loads, 2);
  });

  it('remembers a null as well (a lookup that found nothing)', async () => {
    const memo = new VersionedMemo();
    let loads = 0;
    await memo.get('v1', 'k', async () => (++loads, null));
    assert.equal(memo.get('v1', 'k', async () => (++loads, null)), null);
    assert.equal(loads, 1);
  });
});

describe('settlingHook', () => {
  const req = {} as FastifyRequest;
  const reply = {} as FastifyReply;
  /** Runs `hook` and says how `done` was called, and whether in the same call. */
  async function run(hook: ReturnType<typeof settlingHook>): Promise<{ sync: boolean; error: unknown }> {
    let called: { sync: boolean; error: unknown } | null = null;
    let inCall = true;
    const finished = new Promise<void>((resolve) => {
      hook(req, reply, (error?: unknown) => {
        assert.equal(called, null, 'done is called once');
        called = { sync: inCall, error };
        resolve();
      });
    });
    inCall = false;
    await finished;
    return called!;
  }

  it('calls done in the same call when the concern did not wait', async () => {
    assert.deepEqual(await run(settlingHook(() => undefined)), { sync: true, error: undefined });
  });

  it('calls done once the concern that waited has finished', async () => {
    let finished = false;
    const result = await run(settlingHook(async () => {
      await new Promise((r) => setImmediate(r));
      finished = true;
    }));
    assert.equal(finished, true);
    assert.deepEqual(result, { sync: false, error: undefined });
  });

  it('hands a refusal thrown at once, or rejected later, to done as the error', async () => {
    const refusal = { status: 401 };
    assert.deepEqual(await run(settlingHook(() => { throw refusal; })), { sync: true, error: refusal });
    assert.deepEqual(await run(settlingHook(async () => { throw refusal; })), { sync: false, error: refusal });
  });

  it('a promise rejected without a reason still ends in an error, as in Fastify\'s own runner', async () => {
    const { error } = await run(settlingHook(() => Promise.reject(undefined)));
    assert.ok(error instanceof Error);
  });
});
