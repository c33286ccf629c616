import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LEDGER_IDS_PER_DAY, MemoryUsageLedger } from '../../src/adapters/memory/memoryUsageLedger.ts';
import { idList, NO_IDS } from '../../src/ports/usageLedger.ts';
import { usageLedgerContract } from './usageLedgerContract.ts';

usageLedgerContract('memory', async () => {
  const ledger = new MemoryUsageLedger();
  const other = new MemoryUsageLedger();
  return { ledger, other, cleanup: async () => {} };
});

describe('memory UsageLedger bounds', () => {
  it('remembers at most LEDGER_IDS_PER_DAY ids per App and day, then counts further ids as billable', async () => {
    const ledger = new MemoryUsageLedger();
    const at = Date.UTC(2026, 0, 1, 12);
    const ids = (from: number, n: number) => Array.from({ length: n }, (_, i) => String(from + i));
    const record = (posts: string[]) => ledger.record({ appId: '1', at, endpoint: 'liked_tweets', operation: 'read', resources: { posts: idList(posts), users: NO_IDS } });
    for (let from = 0; from < LEDGER_IDS_PER_DAY; from += 50_000) await record(ids(from, 50_000));
    // The set is full: new ids count, and so does an id seen before the set filled (it is still remembered).
    await record(['x1', 'x2', '0']);
    const [row] = await ledger.report();
    assert.equal(row.postsRead, LEDGER_IDS_PER_DAY + 3);
    assert.equal(row.postsUnique, LEDGER_IDS_PER_DAY + 2);
    // Ids past the bound are not remembered: seen again, they count again (the estimate errs high).
    await record(['x1']);
    assert.equal((await ledger.report())[0].postsUnique, LEDGER_IDS_PER_DAY + 3);
  });
});
