// The young generation's hold (src/cli/memorySettings.ts): V8's growth factor follows the size it reports.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { getHeapSpaceStatistics } from 'node:v8';
import { YoungGenerationHold, youngGenerationBytes, youngGenerationOf } from '../../src/cli/memorySettings.ts';

const MiB = 1024 * 1024;

describe('YoungGenerationHold', () => {
  it('lets V8 double the young generation while it is below the size, and stops it there', () => {
    let size = 4 * MiB;
    const factors: number[] = [];
    const hold = new YoungGenerationHold(8 * MiB, () => size, (f) => factors.push(f));
    assert.equal(hold.check(), true, 'growing: collections must be watched');
    assert.deepEqual(factors, [2]);
    assert.equal(hold.check(), true);
    assert.deepEqual(factors, [2], 'a flag is set only when the answer changes');
    size = 8 * MiB;
    assert.equal(hold.check(), false, 'held: no collection can change it');
    assert.deepEqual(factors, [2, 1]);
    // An idle process's young generation shrunk by V8: it may grow back.
    size = 2 * MiB;
    assert.equal(hold.check(), true);
    assert.deepEqual(factors, [2, 1, 2]);
  });

  it('reads a size a little under the nominal one (pages\' headers) as that size', () => {
    const factors: number[] = [];
    const under = (bytes: number) => Math.floor(bytes * 0.983);
    let size = under(2 * MiB);
    const hold = new YoungGenerationHold(4 * MiB, () => size, (f) => factors.push(f));
    hold.check();
    size = under(4 * MiB);
    hold.check();
    assert.deepEqual(factors, [2, 1]);
  });

  it('holds a young generation already at the size (or above) where it is', () => {
    const factors: number[] = [];
    new YoungGenerationHold(4 * MiB, () => 4 * MiB, (f) => factors.push(f)).check();
    new YoungGenerationHold(4 * MiB, () => 16 * MiB, (f) => factors.push(f)).check();
    assert.deepEqual(factors, [1, 1]);
  });
});

describe('youngGenerationOf', () => {
  // V8's own figures for a young generation of two 2 MiB halves (node --max-semi-space-size=2, after growing).
  const twoMiBHalves = { space_size: 4 * MiB, space_used_size: 1_592, space_available_size: 2_060_168 };

  it('is both halves by what a half holds, a little under their nominal size', () => {
    const bytes = youngGenerationOf(twoMiBHalves);
    assert.equal(bytes, 4_123_520);
    assert.ok(bytes <= 4 * MiB && bytes * 2 > 4 * MiB);
  });

  it('is the same with the idle half given back (committed memory halved, the halves as they were)', () => {
    const givenBack = { ...twoMiBHalves, space_size: 2 * MiB };
    assert.equal(youngGenerationOf(givenBack), youngGenerationOf(twoMiBHalves));
    const factors: number[] = [];
    new YoungGenerationHold(4 * MiB, () => youngGenerationOf(givenBack), (f) => factors.push(f)).check();
    assert.deepEqual(factors, [1], 'not doubled past the size held');
  });

  it('reads this process\'s young generation as at least its committed half', () => {
    const space = getHeapSpaceStatistics().find((s) => s.space_name === 'new_space')!;
    assert.ok(youngGenerationOf(space) >= space.space_size * 0.9, JSON.stringify(space));
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
