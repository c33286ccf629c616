// The SQLite store's remembered account flags (src/adapters/sqlite/rememberedAccountFlags.ts) over a source that
// counts its reads: each unknown id is read once, and everything is read again after a version move or a forget.
// The store contract (test/contract/storeContract.ts) checks the same through real files and two connections.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MAX_REMEMBERED_ACCOUNTS, RememberedAccountFlags } from '../../src/adapters/sqlite/rememberedAccountFlags.ts';

function source(accounts: Map<string, number>) {
  const s = {
    version: 1,
    reads: [] as string[][],
    source: {
      version: () => s.version,
      read: (ids: readonly string[]) => {
        s.reads.push([...ids]);
        return ids.filter((id) => accounts.has(id)).map((id) => [id, accounts.get(id)!] as const);
      },
    },
  };
  return s;
}

/** Field rows of width 3 with the account id in the middle. */
const rows = (...ids: (string | string[])[]) => ids.flat().flatMap((id) => ['x', id, 'y']);

describe('RememberedAccountFlags', () => {
  it('reads the ids it does not hold once, in one read, and answers the rest from memory', () => {
    const s = source(new Map([['11', 0], ['12', 1], ['13', 3], ['99', 2]]));
    const flags = new RememberedAccountFlags(s.source);
    assert.deepEqual([...flags.ofRows(rows('11', '12', '', '14', '12'), 3, 1, '99')], [0, 1, null, null, 1, 2]);
    assert.deepEqual(s.reads, [['11', '12', '14', '99']]);
    assert.deepEqual([...flags.ofRows(rows('12', '14', '11'), 3, 1, '99')], [1, null, 0, 2]);
    assert.deepEqual([...flags.ofRows(rows('13'), 3, 1, '11')], [3, 0]);
    assert.deepEqual(s.reads, [['11', '12', '14', '99'], ['13']]);
    assert.deepEqual([...flags.ofRows([], 3, 1, '13')], [3]);
    assert.equal(s.reads.length, 2);
  });

  it('reads rows given as arrays alike, a null id (no Tweet) as no account', () => {
    const s = source(new Map([['11', 0], ['12', 1]]));
    const flags = new RememberedAccountFlags(s.source);
    assert.deepEqual(flags.ofValues([['a', '12'], ['b', null], ['c', '13']], 1, '11'), [1, null, null, 0]);
    assert.deepEqual(flags.ofRows(rows('12', '11', '13'), 3, 1, '12'), [1, 0, null, 1]);
    assert.deepEqual(s.reads, [['12', '13', '11']]);
  });

  it('reads everything again once the version moved or after forget', () => {
    const accounts = new Map([['11', 0]]);
    const s = source(accounts);
    const flags = new RememberedAccountFlags(s.source);
    assert.deepEqual([...flags.ofRows(rows('11', '12'), 3, 1, '11')], [0, null, 0]);
    accounts.set('11', 2).set('12', 1);
    assert.deepEqual([...flags.ofRows(rows('11', '12'), 3, 1, '11')], [0, null, 0], 'nothing said it changed');
    s.version = 2;
    assert.deepEqual([...flags.ofRows(rows('11', '12'), 3, 1, '11')], [2, 1, 2]);
    accounts.set('12', 3);
    flags.forget();
    assert.deepEqual([...flags.ofRows(rows('12'), 3, 1, '11')], [3, 2]);
    assert.equal(s.reads.length, 3);
  });

  it('reads the version once a turn, and before every use outside one', () => {
    const s = source(new Map([['11', 0]]));
    let versionReads = 0;
    const flags = new RememberedAccountFlags({ ...s.source, version: () => (versionReads++, s.version) });
    flags.ofRows(rows('11'), 3, 1, '11');
    flags.ofRows(rows('11'), 3, 1, '11');
    assert.equal(versionReads, 2);
    flags.oneTurn(() => {
      for (let i = 0; i < 5; i++) assert.deepEqual(flags.ofRows(rows('11'), 3, 1, '11'), [0, 0]);
    });
    assert.equal(versionReads, 3);
    s.version = 2;
    flags.oneTurn(() => {
      flags.forget();
      assert.deepEqual(flags.ofRows(rows('11'), 3, 1, '11'), [0, 0]);
      assert.deepEqual(flags.ofRows(rows('11'), 3, 1, '11'), [0, 0]);
    });
    assert.equal(versionReads, 4);
    assert.equal(s.reads.length, 2, 'read again once the version moved');
    flags.ofRows(rows('11'), 3, 1, '11');
    assert.equal(versionReads, 5);
  });

  it('forgets everything past its bound and still answers the page that crossed it', () => {
    const accounts = new Map<string, number>();
    const ids = Array.from({ length: MAX_REMEMBERED_ACCOUNTS + 10 }, (_, i) => String(1_000_000_000_000 + i));
    ids.forEach((id, i) => accounts.set(id, i % 4));
    const s = source(accounts);
    const flags = new RememberedAccountFlags(s.source);
    const first = ids.slice(0, MAX_REMEMBERED_ACCOUNTS - 5);
    assert.deepEqual([...flags.ofRows(rows(first), 3, 1, first[0])], [...first, first[0]].map((id) => accounts.get(id)));
    const rest = ids.slice(MAX_REMEMBERED_ACCOUNTS - 5);
    // The held ones are answered from memory before the bound empties it; the page is whole either way.
    assert.deepEqual([...flags.ofRows(rows(first[1], rest), 3, 1, first[2])], [first[1], ...rest, first[2]].map((id) => accounts.get(id)));
    assert.deepEqual(s.reads.map((r) => r.length), [first.length, rest.length]);
    // What the crossing page read is held; what was held before it is read again.
    assert.deepEqual([...flags.ofRows(rows(rest[0], first[1]), 3, 1, rest[1])], [rest[0], first[1], rest[1]].map((id) => accounts.get(id)));
    assert.deepEqual(s.reads.at(-1), [first[1]]);
  });
});
