// The compact id tables (src/adapters/compactIds.ts): IdSet answers exactly as a Set<string> and IdBytes as a
// Map<string, number> for any string, whether an id is stored as two numbers (canonical decimal ids of up to 19
// digits, the part above the last nine below 2^32) or kept as text (everything else).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { IdBytes, IdSet } from '../../src/adapters/compactIds.ts';

/** A small deterministic generator (xorshift32). */
function rng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 0x100000000;
  };
}

const EDGES = [
  '0', '00', '01', '1', '9', '', 'abc', '12a', '-1', ' 1', '1.5', '123456789', '1000000000', '999999999', '1000000001',
  '1234567890123456789', '9999999999999999999', '99999999999999999999', '18446744073709551615', '1000000000000000000',
  '0000000001', '٣', '4294967295999999999', '4294967296000000000', '8589934592000000001',
];

describe('IdSet', () => {
  it('answers like a Set<string> for ids, edge cases and look-alikes', () => {
    const r = rng(13);
    const id = (): string => {
      if (r() < 0.05) return EDGES[Math.floor(r() * EDGES.length)];
      const len = 1 + Math.floor(r() * 19);
      let s = String(1 + Math.floor(r() * 9));
      for (let i = 1; i < len; i++) s += String(Math.floor(r() * 10));
      return s;
    };
    const ours = new IdSet();
    const expected = new Set<string>();
    const seen: string[] = [];
    for (let i = 0; i < 60_000; i++) {
      const x = seen.length && r() < 0.3 ? seen[Math.floor(r() * seen.length)] : id();
      assert.equal(ours.has(x), expected.has(x), x);
      if (r() < 0.7) {
        ours.add(x);
        expected.add(x);
        seen.push(x);
      }
      assert.equal(ours.size, expected.size);
    }
    for (const x of expected) assert.ok(ours.has(x), x);
    for (const x of EDGES) assert.equal(ours.has(x), expected.has(x), x);
  });

  it('keeps ids that differ only in where their digits split apart', () => {
    const s = new IdSet();
    s.add('1000000000'); // 1 and 000000000
    assert.equal(s.has('1'), false);
    assert.equal(s.has('100000000'), false);
    assert.equal(s.has('01000000000'), false);
    s.add('1');
    s.add('1');
    assert.equal(s.size, 2);
    assert.ok(s.has('1') && s.has('1000000000'));
  });

  it('reads an id within a longer text by its bounds, as the ledger reads an answer\'s comma-separated ids', () => {
    const s = new IdSet();
    const text = '1748288086082495633,12,x7,0012';
    assert.equal(s.add(text, 0, 19), true);
    assert.equal(s.add(text, 20, 22), true);
    assert.equal(s.add(text, 23, 25), true); // not digits: kept as text
    assert.equal(s.add(text, 26, 30), true); // leading zeros: kept as text
    assert.equal(s.size, 4);
    for (const id of ['1748288086082495633', '12', 'x7', '0012']) assert.ok(s.has(id), id);
    assert.equal(s.has('1'), false);
    assert.equal(s.has('12,x7'), false);
    assert.equal(s.add('12'), false);
  });

  it('keeps ids whose high parts are equal modulo 2^32 apart (the larger is kept as text)', () => {
    const s = new IdSet();
    s.add('4294967297000000005'); // high part 2^32 + 1
    assert.equal(s.has('1000000005'), false); // high part 1
    s.add('1000000005');
    assert.equal(s.size, 2);
    assert.ok(s.has('4294967297000000005') && s.has('1000000005'));
  });
});

describe('IdBytes', () => {
  it('answers like a Map<string, number> through growth, overwrites and clearing', () => {
    const r = rng(29);
    const id = (): string => {
      if (r() < 0.05) return EDGES[Math.floor(r() * EDGES.length)];
      let s = String(1 + Math.floor(r() * 9));
      for (let i = 1, len = 1 + Math.floor(r() * 19); i < len; i++) s += String(Math.floor(r() * 10));
      return s;
    };
    const ours = new IdBytes();
    const expected = new Map<string, number>();
    const seen: string[] = [];
    for (let i = 0; i < 60_000; i++) {
      const x = seen.length && r() < 0.4 ? seen[Math.floor(r() * seen.length)] : id();
      assert.equal(ours.get(x), expected.get(x) ?? -1, x);
      if (r() < 0.6) {
        const value = Math.floor(r() * 256);
        ours.set(x, value);
        expected.set(x, value);
        seen.push(x);
      }
      if (i === 40_000) {
        ours.clear();
        expected.clear();
      }
      assert.equal(ours.size, expected.size);
    }
    for (const [x, value] of expected) assert.equal(ours.get(x), value, x);
    for (const x of EDGES) assert.equal(ours.get(x), expected.get(x) ?? -1, x);
  });

  it('reads and sets an id within a longer text by its bounds', () => {
    const m = new IdBytes();
    const text = '1748288086082495633\x01x7\x011748288086082495633';
    m.set(text, 3, 0, 19);
    m.set(text, 4, 20, 22);
    assert.equal(m.get('1748288086082495633'), 3);
    assert.equal(m.get(text, 23, 42), 3);
    assert.equal(m.get('x7'), 4);
    assert.equal(m.get(text, 0, 20), -1);
    m.set('1748288086082495633', 0);
    assert.equal(m.get(text, 23, 42), 0);
    assert.equal(m.size, 2);
  });
});
