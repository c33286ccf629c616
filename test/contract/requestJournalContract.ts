// The contract every RequestJournal adapter (memory, Redis) must honour: newest first, limits, the capacity bound,
// one history per world whoever records it, worlds isolated, clear; entries come back as they were recorded.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { inspectRequest, type InspectedRequest, type RequestFacts } from '../../src/domain/sandboxes/inspection.ts';
import { unauthorized } from '../../src/domain/problems.ts';
import type { AppRecord } from '../../src/domain/model.ts';
import { DEFAULT_JOURNAL_CAPACITY, type RequestJournal } from '../../src/ports/requestJournal.ts';

export interface RequestJournalFixture {
  /** A journal of world `namespace`; every call, with the same namespace, is another handle on the same history. */
  open(namespace: string, capacity?: number): RequestJournal;
  cleanup(): Promise<void>;
}

export type RequestJournalFactory = () => Promise<RequestJournalFixture>;

const T0 = Date.UTC(2026, 0, 1, 12);
const APP = { id: '1000', projectId: 'p1' } as AppRecord;

/** The `n`-th request: a different time, path and transaction id for each. */
export function entry(n: number, over: Partial<InspectedRequest> = {}): InspectedRequest {
  return {
    time: new Date(T0 + n * 1000).toISOString(),
    method: 'GET',
    path: `/2/users/${n}/liked_tweets`,
    query: 'max_results=5',
    status: 200,
    duration_ms: 1.25,
    transaction_id: `tx-${n}`,
    app_id: '1000',
    user_id: String(n),
    auth: { scheme: 'oauth2_user', verdict: 'accepted' },
    ...over,
  };
}

/** The facts of the `n`-th request as the edge gathers them (src/http/plugins/worldRouting.ts, inspect). */
export function facts(n: number, over: Partial<RequestFacts> = {}): RequestFacts {
  return {
    time: T0 + n * 1000 + 0.5,
    method: 'GET',
    rawPath: `/2/users/${n}/liked_tweets`,
    rawQuery: 'max_results=5&pagination_token=abc',
    status: 200,
    durationMs: 1.2345,
    transactionId: `tx-${n}`,
    authorization: `Bearer token-${n}`,
    principal: { kind: 'oauth2-user', app: APP, userId: String(n), scopes: new Set(['like.read']) },
    error: undefined,
    fault: null,
    ...over,
  };
}

const ids = (entries: InspectedRequest[]) => entries.map((e) => e.transaction_id);

export function requestJournalContract(name: string, factory: RequestJournalFactory): void {
  async function withFixture(fn: (fixture: RequestJournalFixture) => Promise<void>): Promise<void> {
    const fixture = await factory();
    try {
      await fn(fixture);
    } finally {
      await fixture.cleanup();
    }
  }

  describe(`${name}: RequestJournal contract`, () => {
    it('starts empty', () =>
      withFixture(async (f) => {
        assert.deepEqual(await f.open('w').latest(10), []);
      }));

    it('answers newest first, at most `limit`', () =>
      withFixture(async (f) => {
        const journal = f.open('w');
        for (let i = 1; i <= 5; i++) await journal.record(entry(i));
        assert.deepEqual(ids(await journal.latest(10)), ['tx-5', 'tx-4', 'tx-3', 'tx-2', 'tx-1']);
        assert.deepEqual(ids(await journal.latest(2)), ['tx-5', 'tx-4']);
        assert.deepEqual(ids(await journal.latest(1)), ['tx-5']);
        assert.deepEqual(await journal.latest(0), []);
        assert.deepEqual(await journal.latest(-3), []);
      }));

    it('gives entries back as recorded: every field, a refusal\'s diagnosis included', () =>
      withFixture(async (f) => {
        const journal = f.open('w');
        const refused = entry(1, {
          status: 401,
          app_id: null,
          user_id: null,
          query: 'q=%E2%9C%93&oauth_signature=',
          auth: {
            scheme: 'oauth1',
            verdict: 'refused',
            reason: 'bad-signature',
            oauth1: {
              consumer_key: 'ck',
              token: '42-t',
              signature_method: 'HMAC-SHA1',
              base_strings: [{ base_url: 'https://api.x.com/2/x', repeats_once: false, base_string: 'GET&https%3A%2F%2Fapi.x.com%2F2%2Fx&a%3D%E2%9C%93' }],
              parameters: [{ name: 'a', value: '%E2%9C%93' }],
            },
          },
          fault: 'delay',
        });
        await journal.record(refused);
        await journal.record(entry(2));
        assert.deepEqual(await journal.latest(2), [entry(2), refused]);
      }));

    it("makes an entry handed over as a request's facts when it is read or sent, as inspectRequest makes it", () =>
      withFixture(async (f) => {
        const journal = f.open('w', 2);
        for (let i = 1; i <= 3; i++) journal.record(facts(i));
        assert.deepEqual(await journal.latest(5), [inspectRequest(facts(3)), inspectRequest(facts(2))]);
        assert.deepEqual(await journal.latest(5), [inspectRequest(facts(3)), inspectRequest(facts(2))], 'the same when read again');
      }));

    it('keeps facts and made entries side by side, each slot as it was last recorded', () =>
      withFixture(async (f) => {
        const journal = f.open('w', 2);
        const refused = facts(1, { status: 401, principal: null, error: unauthorized({ scheme: 'unknown', reason: 'unknown-bearer-token' }), fault: 'delay' });
        journal.record(refused);
        journal.record(entry(2));
        await journal.flush();
        assert.deepEqual(await journal.latest(5), [entry(2), inspectRequest(refused)]);
        journal.record(facts(3));
        journal.record(entry(4));
        journal.record(facts(5));
        assert.deepEqual(await journal.latest(5), [inspectRequest(facts(5)), entry(4)]);
      }));

    it('keeps at most its capacity, dropping the oldest', () =>
      withFixture(async (f) => {
        const journal = f.open('w', 3);
        for (let i = 1; i <= 10; i++) await journal.record(entry(i));
        assert.deepEqual(ids(await journal.latest(100)), ['tx-10', 'tx-9', 'tx-8']);
      }));

    it(`keeps ${DEFAULT_JOURNAL_CAPACITY} entries by default`, () =>
      withFixture(async (f) => {
        const journal = f.open('w');
        for (let i = 1; i <= DEFAULT_JOURNAL_CAPACITY + 5; i++) await journal.record(entry(i));
        const kept = await journal.latest(10_000);
        assert.equal(kept.length, DEFAULT_JOURNAL_CAPACITY);
        assert.equal(kept[0].transaction_id, `tx-${DEFAULT_JOURNAL_CAPACITY + 5}`);
        assert.equal(kept.at(-1)!.transaction_id, 'tx-6');
      }));

    it('is one history per world, whichever handle (instance) records', () =>
      withFixture(async (f) => {
        const a = f.open('w');
        const b = f.open('w');
        // Each handle makes what it recorded readable everywhere before the other records (a write-behind adapter
        // sends it later otherwise).
        await a.record(entry(1));
        await a.flush();
        await b.record(entry(2));
        await b.flush();
        await a.record(entry(3));
        await a.flush();
        assert.deepEqual(ids(await b.latest(10)), ['tx-3', 'tx-2', 'tx-1']);
        assert.deepEqual(ids(await a.latest(10)), ['tx-3', 'tx-2', 'tx-1']);
      }));

    it('orders requests by when they arrived, to the microsecond, whichever handle sends its entries first', () =>
      withFixture(async (f) => {
        const a = f.open('w');
        const b = f.open('w');
        // One client's requests, each sent once the last was answered, to two instances within one millisecond: the
        // later one's instance sends its entries first.
        a.record(facts(1, { time: T0 + 0.25 }));
        b.record(facts(2, { time: T0 + 0.75 }));
        await b.flush();
        await a.flush();
        assert.equal(inspectRequest(facts(1, { time: T0 + 0.25 })).time, inspectRequest(facts(2, { time: T0 + 0.75 })).time, 'one millisecond');
        assert.deepEqual(ids(await a.latest(10)), ['tx-2', 'tx-1']);
        assert.deepEqual(ids(await b.latest(10)), ['tx-2', 'tx-1']);
      }));

    it('keeps worlds apart', () =>
      withFixture(async (f) => {
        const one = f.open('one');
        const two = f.open('two');
        await one.record(entry(1));
        await two.record(entry(2));
        await one.record(entry(3));
        assert.deepEqual(ids(await one.latest(10)), ['tx-3', 'tx-1']);
        assert.deepEqual(ids(await two.latest(10)), ['tx-2']);
        await two.clear();
        assert.deepEqual(ids(await one.latest(10)), ['tx-3', 'tx-1']);
      }));

    it('clear empties the journal, which records again afterwards', () =>
      withFixture(async (f) => {
        const journal = f.open('w');
        for (let i = 1; i <= 3; i++) await journal.record(entry(i));
        await journal.clear();
        assert.deepEqual(await journal.latest(10), []);
        await journal.clear();
        await journal.record(entry(4));
        assert.deepEqual(ids(await journal.latest(10)), ['tx-4']);
      }));

    it('keeps what was recorded, whatever a reader does with what it got', () =>
      withFixture(async (f) => {
        const journal = f.open('w');
        await journal.record(entry(1));
        const [kept] = await journal.latest(1);
        assert.deepEqual(kept, entry(1));
        kept.status = 418;
        assert.deepEqual(await journal.latest(1), [entry(1)]);
      }));
  });
}
