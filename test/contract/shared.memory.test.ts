import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { openMemoryShared } from '../../src/adapters/memory/index.ts';
import { sharedStateContract } from './sharedStateContract.ts';

sharedStateContract('memory', async () => {
  const shared = openMemoryShared();
  return { shared, cleanup: () => shared.close() };
});

describe('memory: bounded memory', () => {
  const T0 = Date.UTC(2026, 0, 1);

  it('drops ended rate-limit windows', async () => {
    const { rateLimiter } = openMemoryShared();
    for (let i = 0; i < 5000; i++) await rateLimiter.hit(`k${i}`, 10, 1000, T0 + i);
    assert.ok(rateLimiter.size >= 1000);
    await rateLimiter.hit('late', 10, 1000, T0 + 10 * 60_000);
    assert.equal(rateLimiter.size, 1);
    await rateLimiter.close();
  });

  it('drops expired nonces', async () => {
    const { nonceStore } = openMemoryShared();
    for (let i = 0; i < 5000; i++) await nonceStore.remember(`n${i}`, 1000, T0 + i);
    assert.ok(nonceStore.size >= 1000);
    assert.equal(await nonceStore.remember('late', 1000, T0 + 10 * 60_000), true);
    assert.equal(nonceStore.size, 1);
    await nonceStore.close();
  });

  it('drops daily usage older than the retention once newer days are written', async () => {
    const { usageMeter } = openMemoryShared();
    await usageMeter.add('p', 'a', '2026-01-01', '2026-01-01', 5);
    await usageMeter.add('p', 'a', '2026-03-01', '2026-01-01', 1);
    assert.deepEqual(await usageMeter.projectDaily('p', ['2026-01-01', '2026-03-01']), [5, 1]);
    await usageMeter.add('p', 'a', '2026-06-01', '2026-05-01', 2);
    assert.deepEqual(await usageMeter.projectDaily('p', ['2026-01-01', '2026-03-01', '2026-06-01']), [0, 1, 2]);
    assert.equal(await usageMeter.periodTotal('p', '2026-01-01'), 6);
    await usageMeter.close();
  });
});
