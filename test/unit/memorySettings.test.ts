// The young generation's hold (src/cli/memorySettings.ts): V8's growth factor follows the size it reports.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { YoungGenerationHold, youngGenerationBytes } from '../../src/cli/memorySettings.ts';

const MiB = 1024 * 1024;

describe('YoungGenerationHold', () => {
  it('lets V8 double the young generation while it is below the size, and stops it there', () => {
    let size = 4 * MiB;
    const factors: number[] = [];
    const hold = new YoungGenerationHold(8 * MiB, () => size, (f) => factors.push(f));
    hold.check();
    assert.deepEqual(factors, [2]);
    hold.check();
    assert.deepEqual(factors, [2], 'a flag is set only when the answer changes');
    size = 8 * MiB;
    hold.check();
    assert.deepEqual(factors, [2, 1]);
    // An idle process's young generation shrunk by V8: it may grow back.
    size = 2 * MiB;
    hold.check();
    assert.deepEqual(factors, [2, 1, 2]);
  });

  it('holds a young generation already at the size (or above) where it is', () => {
    const factors: number[] = [];
    new YoungGenerationHold(4 * MiB, () => 4 * MiB, (f) => factors.push(f)).check();
    new YoungGenerationHold(4 * MiB, () => 16 * MiB, (f) => factors.push(f)).check();
    assert.deepEqual(factors, [1, 1]);
  });
});

describe('youngGenerationBytes', () => {
  it('is V8\'s own on PostgreSQL, 4 MiB on SQLite with the response cache, 8 without it', () => {
    assert.equal(youngGenerationBytes('postgres', true), null);
    assert.equal(youngGenerationBytes('postgres', false), null);
    assert.equal(youngGenerationBytes('sqlite', true), 4 * MiB);
    assert.equal(youngGenerationBytes('sqlite', false), 8 * MiB);
  });
});
