// The response cache's memory: bodies (JSON text) encoded into a fixed arena within the byte budget, the oldest segment
// emptied whole when it is full, a body being written never overwritten, and what is asked for again kept.
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { describe, it } from 'node:test';
import { ResponseCache } from '../../src/http/responseCache.ts';

const BUDGET = 16 * 1024;
/** Bodies of 199 characters, 200 bytes in UTF-8 (one é), plus a 6-character key: 4 to a 1 KiB segment. */
const text = (i: number) => `${String.fromCharCode(0x21 + (i % 90)).repeat(198)}é`;
const body = (i: number) => Buffer.from(text(i));
const key = (i: number) => `k${String(i).padStart(5, '0')}`;

describe('response cache arena', () => {
  it('answers the UTF-8 bytes of the text set, under the version it was set with, counting bytes', () => {
    const cache = new ResponseCache(BUDGET);
    cache.set('a', 'v1', { body: text(7) });
    assert.equal(cache.bytesUsed, 200 + 1, 'the body\'s bytes and the key\'s');
    assert.deepEqual(cache.get('a', 'v1')?.body, body(7));
    assert.equal(cache.get('a', 'v2'), undefined, 'another version is a miss');
    assert.equal(cache.get('a', 'v1'), undefined, 'the stale entry was dropped');
    assert.deepEqual([cache.hits, cache.misses], [1, 2]);
  });

  it('never holds more than its budget, keeps the newest and forgets the oldest', () => {
    const cache = new ResponseCache(BUDGET);
    const n = 400; // about 5 times the budget
    for (let i = 0; i < n; i++) cache.set(key(i), 'v', { body: text(i) });
    assert.ok(cache.bytesUsed <= BUDGET, `bytes used ${cache.bytesUsed}`);
    assert.ok(cache.bytesUsed >= BUDGET * 0.8, `the arena is used: ${cache.bytesUsed}`);
    assert.equal(cache.get(key(0), 'v'), undefined);
    for (let i = n - 40; i < n; i++) assert.deepEqual(cache.get(key(i), 'v')?.body, body(i), `entry ${i}`);
  });

  it('does not cache a body larger than a sixteenth of the budget', () => {
    const cache = new ResponseCache(BUDGET);
    cache.set('big', 'v', { body: 'x'.repeat(BUDGET / 16) });
    assert.equal(cache.size, 0);
  });

  it('keeps the bytes of a body being written until its response closes, then reuses its segment', () => {
    const cache = new ResponseCache(BUDGET);
    cache.set('held', 'v', { body: text(42) });
    const response = new EventEmitter();
    const held = cache.get('held', 'v', response)!.body;
    for (let i = 0; i < 400; i++) cache.set(key(i), 'v', { body: text(i) });
    assert.deepEqual(held, body(42), 'the pinned segment was not filled again');
    assert.ok(cache.bytesUsed <= BUDGET);
    response.emit('close');
    for (let i = 400; i < 800; i++) cache.set(key(i), 'v', { body: text(i) });
    assert.notDeepEqual(held, body(42), 'once closed, its segment is filled again');
  });

  it('stops caching while every other segment is being written, and answers what it has', () => {
    const cache = new ResponseCache(BUDGET);
    const responses: EventEmitter[] = [];
    // One entry per segment, each pinned.
    for (let s = 0; s < 16; s++) {
      for (let j = 0; j < 4; j++) cache.set(key(s * 4 + j), 'v', { body: text(s * 4 + j) });
      const r = new EventEmitter();
      responses.push(r);
      assert.ok(cache.get(key(s * 4), 'v', r));
    }
    cache.set('late', 'v', { body: text(1) });
    assert.equal(cache.get('late', 'v'), undefined, 'no free segment: not cached');
    assert.deepEqual(cache.get(key(0), 'v')?.body, body(0));
    for (const r of responses) r.emit('close');
    cache.set('late', 'v', { body: text(1) });
    assert.deepEqual(cache.get('late', 'v')?.body, body(1));
  });

  it('keeps an entry asked for again while others churn through (second chance)', () => {
    const cache = new ResponseCache(BUDGET);
    cache.set('hot', 'v', { body: text(9) });
    for (let i = 0; i < 2000; i++) {
      cache.set(key(i), 'v', { body: text(i) });
      if (i % 20 === 0) assert.deepEqual(cache.get('hot', 'v')?.body, body(9), `after ${i} other entries`);
    }
  });
});
