// The contract every UsageLedger adapter (memory, Redis) must honour: X's daily deduplication per App per UTC day
// (docs/reference/x-pricing.md), writes, the report's order, retention, clear(), and worlds that do not see each
// other. Times are hand-set; nothing sleeps.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  idList, NO_IDS, zeroByEndpoint, type LedgerEndpoint, type UsageDayRow, type UsageEntry, type UsageLedger,
} from '../../src/ports/usageLedger.ts';

export interface UsageLedgerFixture {
  ledger: UsageLedger;
  /** Another world's ledger on the same backing (same Redis connection, another namespace). */
  other: UsageLedger;
  cleanup(): Promise<void>;
}

export type UsageLedgerFactory = () => Promise<UsageLedgerFixture>;

const DAY = 86_400_000;
const D1 = Date.UTC(2026, 0, 1);
const NOON = D1 + 12 * 3_600_000;
const APP = '501';

const read = (
  endpoint: 'liked_tweets' | 'liking_users', at: number, posts: string[], users: string[] = [], appId = APP,
): UsageEntry => ({ appId, at, endpoint, operation: 'read', resources: { posts: idList(posts), users: idList(users) } });

const write = (endpoint: 'like' | 'unlike', at: number, appId = APP): UsageEntry => ({
  appId, at, endpoint, operation: 'write', resources: { posts: NO_IDS, users: NO_IDS },
});

/** A row with only what is given set, the rest zero. */
function row(appId: string, day: string, parts: Partial<Omit<UsageDayRow, 'appId' | 'day' | 'requestsByEndpoint'>> & {
  by?: Partial<Record<LedgerEndpoint, number>>;
}): UsageDayRow {
  const { by, ...counts } = parts;
  return {
    appId, day, requests: 0, requestsByEndpoint: { ...zeroByEndpoint(), ...by }, writes: 0,
    postsRead: 0, postsUnique: 0, usersRead: 0, usersUnique: 0, ...counts,
  };
}

const ids = (from: number, count: number): string[] => Array.from({ length: count }, (_, i) => String(from + i));

export function usageLedgerContract(name: string, factory: UsageLedgerFactory): void {
  async function withLedger(fn: (fixture: UsageLedgerFixture) => Promise<void>): Promise<void> {
    const fixture = await factory();
    try {
      await fn(fixture);
    } finally {
      await fixture.cleanup();
    }
  }

  describe(`${name}: UsageLedger contract`, () => {
    it('reports nothing before anything is recorded', () =>
      withLedger(async ({ ledger }) => {
        assert.deepEqual(await ledger.report(), []);
      }));

    it('counts every resource read, and each distinct one once per App per UTC day', () =>
      withLedger(async ({ ledger }) => {
        await ledger.record(read('liked_tweets', NOON, ['1', '2', '3'], ['10']));
        await ledger.record(read('liked_tweets', NOON + 1000, ['2', '3', '4'], ['10', '11']));
        await ledger.record(read('liking_users', D1 + DAY - 1, [], ['11', '12']));
        assert.deepEqual(await ledger.report(), [
          row(APP, '2026-01-01', {
            requests: 3, by: { liked_tweets: 2, liking_users: 1 },
            postsRead: 6, postsUnique: 4, usersRead: 5, usersUnique: 3,
          }),
        ]);
      }));

    it('counts an id repeated within one response once as distinct', () =>
      withLedger(async ({ ledger }) => {
        await ledger.record(read('liked_tweets', NOON, ['7', '7', '8'], ['9', '9']));
        const [only] = await ledger.report();
        assert.deepEqual(
          [only!.postsRead, only!.postsUnique, only!.usersRead, only!.usersUnique],
          [3, 2, 2, 1],
        );
      }));

    it('bills the same resources again on a new UTC day (the window resets at midnight UTC)', () =>
      withLedger(async ({ ledger }) => {
        await ledger.record(read('liked_tweets', D1 + DAY - 1, ['1', '2'], ['10']));
        await ledger.record(read('liked_tweets', D1 + DAY, ['1', '2'], ['10']));
        await ledger.record(read('liked_tweets', D1 + DAY + 5000, ['2'], ['10']));
        assert.deepEqual(await ledger.report(), [
          row(APP, '2026-01-01', { requests: 1, by: { liked_tweets: 1 }, postsRead: 2, postsUnique: 2, usersRead: 1, usersUnique: 1 }),
          row(APP, '2026-01-02', { requests: 2, by: { liked_tweets: 2 }, postsRead: 3, postsUnique: 2, usersRead: 2, usersUnique: 1 }),
        ]);
      }));

    it('keeps Apps apart: the same Post read by two Apps is billable for each', () =>
      withLedger(async ({ ledger }) => {
        await ledger.record(read('liked_tweets', NOON, ['1', '2'], [], '501'));
        await ledger.record(read('liked_tweets', NOON, ['1', '2'], [], '502'));
        await ledger.record(read('liked_tweets', NOON, ['2', '3'], [], '501'));
        assert.deepEqual(await ledger.report(), [
          row('501', '2026-01-01', { requests: 2, by: { liked_tweets: 2 }, postsRead: 4, postsUnique: 3 }),
          row('502', '2026-01-01', { requests: 1, by: { liked_tweets: 1 }, postsRead: 2, postsUnique: 2 }),
        ]);
      }));

    it('counts writes per request, by endpoint, with no resources', () =>
      withLedger(async ({ ledger }) => {
        await ledger.record(write('like', NOON));
        await ledger.record(write('like', NOON + 1));
        await ledger.record(write('unlike', NOON + 2));
        await ledger.record(read('liked_tweets', NOON + 3, ['1']));
        assert.deepEqual(await ledger.report(), [
          row(APP, '2026-01-01', {
            requests: 4, by: { like: 2, unlike: 1, liked_tweets: 1 }, writes: 3, postsRead: 1, postsUnique: 1,
          }),
        ]);
      }));

    it('reports oldest day first, then by App id in numeric order, whatever the recording order', () =>
      withLedger(async ({ ledger }) => {
        await ledger.record(write('like', D1 + DAY + 1, '10'));
        await ledger.record(write('like', D1 + DAY + 2, '9'));
        await ledger.record(write('like', NOON, '501'));
        await ledger.record(write('like', NOON, '10'));
        await ledger.record(write('like', NOON, '9'));
        const order = (await ledger.report()).map((r) => `${r.day} ${r.appId}`);
        assert.deepEqual(order, ['2026-01-01 9', '2026-01-01 10', '2026-01-01 501', '2026-01-02 9', '2026-01-02 10']);
      }));

    it('takes a page of ids in one record (more than a script batch)', () =>
      withLedger(async ({ ledger }) => {
        await ledger.record(read('liked_tweets', NOON, ids(1, 1200), ids(5000, 700)));
        await ledger.record(read('liked_tweets', NOON, ids(1001, 400), ids(5600, 200)));
        const [only] = await ledger.report();
        assert.deepEqual(
          [only!.postsRead, only!.postsUnique, only!.usersRead, only!.usersUnique],
          [1600, 1400, 900, 800],
        );
      }));

    it('keeps 100 days before the newest day recorded and drops older ones', () =>
      withLedger(async ({ ledger }) => {
        await ledger.record(write('like', NOON));
        await ledger.record(write('like', NOON + DAY));
        await ledger.record(write('like', NOON + 100 * DAY));
        assert.deepEqual((await ledger.report()).map((r) => r.day), ['2026-01-01', '2026-01-02', '2026-04-11']);
        await ledger.record(write('like', NOON + 101 * DAY));
        assert.deepEqual((await ledger.report()).map((r) => r.day), ['2026-01-02', '2026-04-11', '2026-04-12']);
      }));

    it('clear forgets the counts and the ids seen, so the same Posts are billable again', () =>
      withLedger(async ({ ledger }) => {
        await ledger.record(read('liked_tweets', NOON, ['1', '2'], ['10']));
        await ledger.record(write('unlike', NOON));
        await ledger.clear();
        assert.deepEqual(await ledger.report(), []);
        await ledger.record(read('liked_tweets', NOON, ['1', '2'], ['10']));
        assert.deepEqual(await ledger.report(), [
          row(APP, '2026-01-01', { requests: 1, by: { liked_tweets: 1 }, postsRead: 2, postsUnique: 2, usersRead: 1, usersUnique: 1 }),
        ]);
        await ledger.clear();
        await ledger.clear();
        assert.deepEqual(await ledger.report(), []);
      }));

    it("keeps worlds apart: another world's ledger neither sees nor clears this one", () =>
      withLedger(async ({ ledger, other }) => {
        await ledger.record(read('liked_tweets', NOON, ['1', '2']));
        await other.record(read('liked_tweets', NOON, ['2', '3', '4']));
        assert.deepEqual(await ledger.report(), [
          row(APP, '2026-01-01', { requests: 1, by: { liked_tweets: 1 }, postsRead: 2, postsUnique: 2 }),
        ]);
        assert.deepEqual(await other.report(), [
          row(APP, '2026-01-01', { requests: 1, by: { liked_tweets: 1 }, postsRead: 3, postsUnique: 3 }),
        ]);
        await other.clear();
        assert.equal((await ledger.report()).length, 1);
        assert.deepEqual(await other.report(), []);
      }));

    it('hands out rows the caller may change without changing the ledger', () =>
      withLedger(async ({ ledger }) => {
        await ledger.record(write('like', NOON));
        const [first] = await ledger.report();
        first!.requests = 99;
        first!.requestsByEndpoint.like = 99;
        const [again] = await ledger.report();
        assert.equal(again!.requests, 1);
        assert.equal(again!.requestsByEndpoint.like, 1);
      }));
  });
}
