// The EventStore contract (src/ports/eventStore.ts): one suite, run against every adapter's `events`
// (eventStore.sqlite.test.ts, eventStore.postgres.test.ts). The outbox is written by LikesStore.like/unlike in their
// own transaction; everything else (webhooks, subscriptions, cursors, the delivery log, connections) through the port.
// Every adapter must pass the SAME assertions; when they differ, fix the adapter, not this file.
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, it } from 'node:test';
import type {
  DeliveryRecord, OutboxEvent, StreamConnectionRecord, SubscriptionRecord, WebhookRecord,
} from '../../src/domain/events/records.ts';
import { webhookCursorName } from '../../src/domain/events/records.ts';
import { validatedAt, type WebhookValidity } from '../../src/domain/events/webhookValidity.ts';
import type { EventStore } from '../../src/ports/eventStore.ts';
import { tweet, user } from '../support/records.ts';
import { openedStores, type OpenedStore } from '../support/openedStores.ts';

// Times of the outbox events, one range per test so that eventsBetween and pruneEvents (which act on the whole
// outbox) see only the test's own events: pruning uses the smallest times, nothing else goes below EVENTS_FLOOR.
const EVENTS_FLOOR = 1_000_000;
const T_BASIC = 1_700_000_000_000;
const T_PAGING = 1_700_000_100_000;
const T_CONCURRENT = 1_700_000_200_000;
const T_BETWEEN = 5_000_000;
/** How long a reader keeps polling for events it expects before the test gives up (commits can be held back). */
const SETTLE_MS = 20_000;

/** What names an event, without its (adapter-specific) position and seq. */
const what = (e: OutboxEvent) => ({ kind: e.kind, userId: e.userId, tweetId: e.tweetId, authorId: e.authorId, at: e.at });
const keyOf = (e: { kind: string; userId: string; tweetId: string }) => `${e.userId}|${e.tweetId}|${e.kind}`;

/** Every event after `position`, paging by `pageSize`, asserting no page is longer than asked. */
async function readAll(events: EventStore, position: string | null, pageSize = 100): Promise<OutboxEvent[]> {
  const all: OutboxEvent[] = [];
  for (let pos = position; ;) {
    const page = await events.eventsAfter(pos, pageSize);
    assert.ok(page.length <= pageSize, `a page of ${page.length} for a limit of ${pageSize}`);
    if (page.length === 0) return all;
    all.push(...page);
    pos = page[page.length - 1].position;
  }
}

/**
 * readAll, polling until `done(events)` holds: an adapter may hold committed events back for a while (PostgreSQL
 * does while any transaction older than theirs is still open on the server, another test file's included).
 */
async function readUntil(
  events: EventStore, position: string | null, done: (all: OutboxEvent[]) => boolean,
): Promise<OutboxEvent[]> {
  const deadline = Date.now() + SETTLE_MS;
  for (;;) {
    const all = await readAll(events, position);
    if (done(all) || Date.now() > deadline) return all;
    await sleep(20);
  }
}

function webhook(id: string, appId: string, createdAt: number, over: Partial<WebhookRecord> = {}): WebhookRecord {
  return { id, appId, url: `https://hooks.example/${id}`, createdAt, validity: validatedAt(createdAt), ...over };
}

function subscription(
  id: string, appId: string, createdAt: number, over: Partial<SubscriptionRecord> = {},
): SubscriptionRecord {
  return {
    id, appId, product: 'activity', eventType: 'like.create', userId: `user-of-${id}`, direction: 'outbound',
    tag: `tag ${id}`, webhookId: null, createdAt, updatedAt: createdAt, ...over,
  };
}

function connection(
  id: string, appId: string, startedAt: number, over: Partial<StreamConnectionRecord> = {},
): StreamConnectionRecord {
  return {
    id, appId, endpoint: '/2/likes/firehose/stream', partition: null, clientIp: '203.0.113.7', startedAt,
    endedAt: null, endReason: null, endRequested: false, ...over,
  };
}

const byId = <T extends { id: string }>(xs: T[]): T[] => [...xs].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
const sorted = (xs: readonly string[]): string[] => [...xs].sort();

/**
 * Runs the contract against one adapter. `open()` must return a NEW, not yet migrated store instance on the same
 * storage every time it is called, and that storage must be empty before the first call (the first test checks the
 * empty outbox). Every test runs against one shared, migrated instance, with ids of its own; the concurrency test
 * opens more instances on the same storage.
 */
export function eventStoreContract(name: string, open: () => Promise<OpenedStore>): void {
  describe(`EventStore contract: ${name}`, () => {
    const { openStore, closeStore, ready } = openedStores(open);

    describe('the outbox', () => {
      it('is empty at first: headPosition() is null and eventsAfter(null) returns nothing', async () => {
        const { events } = await ready();
        assert.equal(await events.headPosition(), null);
        assert.deepEqual(await events.eventsAfter(null, 10), []);
        assert.deepEqual(await events.eventsBetween(0, Number.MAX_SAFE_INTEGER, null, 10), []);
      });

      it('like and unlike append an event when they change something, none when they do not', async () => {
        const store = await ready();
        const { events } = store;
        await store.insertUsers([user('ob-u1'), user('ob-u2'), user('ob-a1'), user('ob-a2')]);
        await store.insertTweets([tweet('ob-t1', 'ob-a1'), tweet('ob-t2', 'ob-a2')]);
        const start = await events.headPosition();

        assert.equal(await store.like('ob-u1', 'ob-t1', T_BASIC + 1), true);
        assert.equal(await store.like('ob-u1', 'ob-t1', T_BASIC + 2), false); // already liked: no event
        assert.equal(await store.unlike('ob-u2', 'ob-t1', T_BASIC + 3), false); // nothing to unlike: no event
        assert.equal(await store.like('ob-u2', 'ob-t2', T_BASIC + 4), true);
        assert.equal(await store.unlike('ob-u1', 'ob-t1', T_BASIC + 5), true);
        assert.equal(await store.unlike('ob-u1', 'ob-t1', T_BASIC + 6), false); // already unliked: no event
        assert.equal(await store.like('ob-u1', 'ob-unknown', T_BASIC + 7), true); // a Tweet the store does not have

        const got = await readUntil(events, start, (all) => all.length >= 4);
        assert.deepEqual(got.map(what), [
          { kind: 'like', userId: 'ob-u1', tweetId: 'ob-t1', authorId: 'ob-a1', at: T_BASIC + 1 },
          { kind: 'like', userId: 'ob-u2', tweetId: 'ob-t2', authorId: 'ob-a2', at: T_BASIC + 4 },
          { kind: 'unlike', userId: 'ob-u1', tweetId: 'ob-t1', authorId: 'ob-a1', at: T_BASIC + 5 },
          { kind: 'like', userId: 'ob-u1', tweetId: 'ob-unknown', authorId: '', at: T_BASIC + 7 },
        ]);
        // seq: decimal strings, increasing with the order the events were made; positions: distinct strings.
        for (const e of got) {
          assert.match(e.seq, /^[0-9]+$/);
          assert.equal(typeof e.position, 'string');
        }
        const seqs = got.map((e) => BigInt(e.seq));
        for (let i = 1; i < seqs.length; i++) assert.ok(seqs[i] > seqs[i - 1], `seq ${seqs[i]} after ${seqs[i - 1]}`);
        assert.equal(new Set(got.map((e) => e.position)).size, got.length);

        // The head is the last event's position; nothing comes after it until something happens.
        const head = await events.headPosition();
        assert.equal(head, got[got.length - 1].position);
        assert.deepEqual(await events.eventsAfter(head, 10), []);
        assert.equal(await store.like('ob-u2', 'ob-t1', T_BASIC + 8), true);
        const later = await readUntil(events, head, (all) => all.length >= 1);
        assert.deepEqual(later.map(what), [
          { kind: 'like', userId: 'ob-u2', tweetId: 'ob-t1', authorId: 'ob-a1', at: T_BASIC + 8 },
        ]);
        assert.equal(await events.headPosition(), later[0].position);
        // Reading from an earlier position still returns the same events, in the same order, with the same fields.
        assert.deepEqual(await events.eventsAfter(start, 100), [...got, ...later]);
        assert.deepEqual(await events.eventsAfter(got[1].position, 100), [...got.slice(2), ...later]);
      });

      it('eventsAfter pages through the outbox in order, from null or from a position, without repeats or gaps', async () => {
        const store = await ready();
        const { events } = store;
        const users = ['pg-u0', 'pg-u1', 'pg-u2', 'pg-u3', 'pg-u4'];
        await store.insertUsers([...users.map((u) => user(u)), user('pg-a')]);
        await store.insertTweets(['pg-t0', 'pg-t1', 'pg-t2', 'pg-t3', 'pg-t4'].map((t) => tweet(t, 'pg-a')));
        const start = await events.headPosition();
        const made: string[] = [];
        for (let i = 0; i < 25; i++) {
          const u = users[i % 5];
          const t = `pg-t${Math.floor(i / 5)}`;
          assert.equal(await store.like(u, t, T_PAGING + i), true);
          made.push(keyOf({ userId: u, tweetId: t, kind: 'like' }));
        }

        const whole = await readUntil(events, start, (all) => all.length >= 25);
        assert.deepEqual(await events.eventsAfter(start, 1000), whole);
        assert.deepEqual(whole.map(keyOf), made);
        for (const size of [1, 7, 25, 26]) {
          const pages: OutboxEvent[][] = [];
          for (let pos = start; ;) {
            const page = await events.eventsAfter(pos, size);
            if (page.length === 0) break;
            pages.push(page);
            pos = page[page.length - 1].position;
          }
          // Full pages but the last, and together exactly the whole, in order.
          pages.slice(0, -1).forEach((p) => assert.equal(p.length, size));
          assert.ok(pages[pages.length - 1].length <= size);
          assert.deepEqual(pages.flat(), whole, `pages of ${size}`);
        }

        // From the beginning (null): the whole outbox, paged, is the whole outbox read at once, and ends with ours.
        const fromStart = await readAll(events, null, 6);
        assert.deepEqual(fromStart, await events.eventsAfter(null, 100_000));
        assert.equal(new Set(fromStart.map((e) => e.position)).size, fromStart.length);
        assert.deepEqual(fromStart.slice(-25), whole);
        assert.deepEqual((await events.eventsAfter(null, 3)), fromStart.slice(0, 3));
      });

      it('200 likes made concurrently on 4 instances: a polling reader sees each once, and each user\'s in order', async () => {
        const reader = await ready();
        const writers = await Promise.all([openStore(), openStore(), openStore(), openStore()]);
        try {
          await Promise.all(writers.map((w) => w.migrate()));
          const users = Array.from({ length: 20 }, (_, u) => `cc-u${String(u).padStart(2, '0')}`);
          const tweets = Array.from({ length: 10 }, (_, t) => `cc-t${t}`);
          await reader.insertUsers([...users.map((u) => user(u)), user('cc-a')]);
          await reader.insertTweets(tweets.map((t) => tweet(t, 'cc-a')));
          const start = await reader.events.headPosition();

          // The reader polls from its position until the writers are done and it has read everything (or, once
          // they are done, SETTLE_MS have passed: a commit elsewhere may hold events back for a while).
          let stopAt = Number.POSITIVE_INFINITY;
          const seen: OutboxEvent[] = [];
          const poll = (async () => {
            let pos = start;
            for (;;) {
              const page = await reader.events.eventsAfter(pos, 17);
              assert.ok(page.length <= 17);
              if (page.length > 0) {
                seen.push(...page);
                pos = page[page.length - 1].position;
                continue;
              }
              if (Date.now() > stopAt && (seen.length >= 200 || Date.now() > stopAt + SETTLE_MS)) return;
              await sleep(2);
            }
          })();
          poll.catch(() => {}); // a failure is reported by `await poll` below, not as an unhandled rejection
          // Each user likes the 10 Tweets one after the other (each like awaited), the next like on the next
          // instance; the 20 users at once.
          const writes = Promise.all(users.map(async (u, ui) => {
            for (let i = 0; i < tweets.length; i++) {
              const at = T_CONCURRENT + ui * 100 + i;
              assert.equal(await writers[(ui + i) % writers.length].like(u, tweets[i], at), true);
            }
          }));
          try {
            await writes;
          } finally {
            stopAt = Date.now();
            await poll.catch(() => {}); // the writers' failure first, if they failed
          }
          await poll;

          const expected = users.flatMap((u) => tweets.map((t) => keyOf({ userId: u, tweetId: t, kind: 'like' })));
          const keys = seen.map(keyOf);
          assert.equal(new Set(seen.map((e) => e.position)).size, seen.length, 'a position came back twice');
          assert.equal(new Set(keys).size, keys.length, 'an event came back twice');
          assert.deepEqual(sorted(keys), sorted(expected));
          assert.equal(seen.length, 200);
          for (const e of seen) assert.equal(e.authorId, 'cc-a');
          // Per user: the order the likes were made in.
          for (const u of users) {
            const mine = seen.filter((e) => e.userId === u);
            assert.deepEqual(mine.map((e) => e.tweetId), tweets, `the order of ${u}'s likes`);
            assert.deepEqual(mine.map((e) => e.at), tweets.map((_, i) => T_CONCURRENT + users.indexOf(u) * 100 + i));
          }
          // A reader starting over from the same position reads the same sequence.
          assert.deepEqual(await readAll(reader.events, start, 50), seen);
        } finally {
          for (const w of writers) await closeStore(w);
        }
      });

      it('eventsBetween returns the events within [from, to] (inclusive), after a position, at most limit', async () => {
        const store = await ready();
        const { events } = store;
        await store.insertUsers([user('bw-u'), user('bw-a')]);
        const tweets = Array.from({ length: 10 }, (_, i) => `bw-t${i}`);
        await store.insertTweets(tweets.map((t) => tweet(t, 'bw-a')));
        const start = await events.headPosition();
        for (let i = 0; i < 10; i++) assert.equal(await store.like('bw-u', tweets[i], T_BETWEEN + i), true);
        const all = await readUntil(events, start, (xs) => xs.length >= 10);
        assert.deepEqual(all.map((e) => e.at), tweets.map((_, i) => T_BETWEEN + i));
        const ats = (xs: OutboxEvent[]) => xs.map((e) => e.at);

        assert.deepEqual(await events.eventsBetween(T_BETWEEN + 2, T_BETWEEN + 5, start, 100), all.slice(2, 6));
        assert.deepEqual(await events.eventsBetween(T_BETWEEN + 2, T_BETWEEN + 5, null, 100), all.slice(2, 6));
        assert.deepEqual(ats(await events.eventsBetween(T_BETWEEN + 3, T_BETWEEN + 3, null, 100)), [T_BETWEEN + 3]);
        assert.deepEqual(await events.eventsBetween(T_BETWEEN + 2, T_BETWEEN + 5, all[3].position, 100), all.slice(4, 6));
        assert.deepEqual(await events.eventsBetween(T_BETWEEN + 2, T_BETWEEN + 5, all[5].position, 100), []);
        assert.deepEqual(await events.eventsBetween(T_BETWEEN, T_BETWEEN + 9, null, 3), all.slice(0, 3));
        assert.deepEqual(await events.eventsBetween(T_BETWEEN, T_BETWEEN + 9, all[2].position, 3), all.slice(3, 6));
        assert.deepEqual(await events.eventsBetween(T_BETWEEN - 10, T_BETWEEN - 1, null, 100), []);
        assert.deepEqual(await events.eventsBetween(T_BETWEEN + 10, T_BETWEEN + 20, null, 100), []);
        assert.deepEqual(await events.eventsBetween(T_BETWEEN + 5, T_BETWEEN + 2, null, 100), []);
      });

      it('pruneEvents drops the events older than `before` and counts them; remaining positions still work', async () => {
        const store = await ready();
        const { events } = store;
        await store.insertUsers([user('pr-u'), user('pr-a')]);
        const tweets = ['pr-t1', 'pr-t2', 'pr-t3', 'pr-t4', 'pr-t5'];
        await store.insertTweets(tweets.map((t) => tweet(t, 'pr-a')));
        const start = await events.headPosition();
        // Times below EVENTS_FLOOR: no other test's events are old enough to be pruned here.
        for (let i = 0; i < 5; i++) assert.equal(await store.like('pr-u', tweets[i], 100 * (i + 1)), true);
        assert.ok(100 * 5 < EVENTS_FLOOR);
        const made = await readUntil(events, start, (all) => all.length >= 5);
        assert.deepEqual(made.map((e) => e.at), [100, 200, 300, 400, 500]);

        assert.equal(await events.pruneEvents(100), 0); // strictly older: the event at 100 stays
        assert.equal(await events.pruneEvents(300), 2); // 100 and 200
        assert.deepEqual(await events.eventsAfter(start, 100), made.slice(2));
        assert.equal(await events.pruneEvents(350), 1); // 300
        assert.equal(await events.pruneEvents(350), 0);
        const left = made.slice(3);
        assert.deepEqual(await events.eventsAfter(start, 100), left);
        // A reader positioned on a pruned event goes on from there, neither repeating nor skipping anything.
        assert.deepEqual(await events.eventsAfter(made[0].position, 100), left);
        assert.deepEqual(await events.eventsAfter(made[2].position, 100), left);
        assert.deepEqual(await events.eventsAfter(made[3].position, 100), made.slice(4));
        assert.deepEqual(await events.eventsAfter(made[4].position, 100), []);
        assert.equal(await events.headPosition(), made[4].position);
        assert.deepEqual(await events.eventsBetween(0, 1000, null, 100), left);
        // And new events still come after them (no position is reused).
        assert.equal(await store.unlike('pr-u', 'pr-t1', 600), true);
        const next = await readUntil(events, made[4].position, (all) => all.length >= 1);
        assert.deepEqual(next.map(what), [{ kind: 'unlike', userId: 'pr-u', tweetId: 'pr-t1', authorId: 'pr-a', at: 600 }]);
        assert.ok(!made.some((e) => e.position === next[0].position || e.seq === next[0].seq));
        assert.equal(await events.pruneEvents(EVENTS_FLOOR), 3); // 400, 500, 600: every other event is newer
        assert.deepEqual(await events.eventsBetween(0, EVENTS_FLOOR, null, 100), []);
      });
    });

    describe('webhooks', () => {
      it('put, read by id, by App and all; put again updates url and validity', async () => {
        const { events } = await ready();
        const invalidity: WebhookValidity = {
          valid: false, lastValidatedAt: 1_000, lastCheckedAt: 90_000_000, failure: 'HTTP 503 "busy" — é',
          nextCheckAt: null, invalidAfter: null,
        };
        const w1 = webhook('wh-1', 'wh-app1', 1_000);
        const w2 = webhook('wh-2', 'wh-app1', 2_000, { validity: invalidity });
        const w3 = webhook('wh-3', 'wh-app2', 1_500);
        for (const w of [w2, w3, w1]) await events.putWebhook(w);

        assert.deepEqual(await events.webhookById('wh-1'), w1);
        assert.deepEqual(await events.webhookById('wh-2'), w2);
        assert.equal(await events.webhookById('wh-missing'), null);
        assert.deepEqual(byId(await events.webhooksOfApp('wh-app1')), [w1, w2]);
        assert.deepEqual(await events.webhooksOfApp('wh-app2'), [w3]);
        assert.deepEqual(await events.webhooksOfApp('wh-app-none'), []);
        assert.deepEqual(byId((await events.allWebhooks()).filter((w) => w.id.startsWith('wh-'))), [w1, w2, w3]);

        const w1b = { ...w1, url: 'https://elsewhere.example/hook?x=1', validity: invalidity };
        await events.putWebhook(w1b);
        assert.deepEqual(await events.webhookById('wh-1'), w1b);
        assert.deepEqual(byId(await events.webhooksOfApp('wh-app1')), [w1b, w2]);
        assert.equal((await events.allWebhooks()).filter((w) => w.id === 'wh-1').length, 1);
        const w1c = { ...w1b, validity: validatedAt(5_000) };
        await events.putWebhook(w1c);
        assert.deepEqual(await events.webhookById('wh-1'), w1c);
      });

      it('deleteWebhook removes it, the subscriptions posting to it and its cursor; false when there is none', async () => {
        const { events } = await ready();
        const keep = webhook('whd-keep', 'whd-app', 1_000);
        const gone = webhook('whd-gone', 'whd-app', 2_000);
        await events.putWebhook(keep);
        await events.putWebhook(gone);
        const s1 = subscription('whd-s1', 'whd-app', 1_000, { webhookId: 'whd-gone' });
        const s2 = subscription('whd-s2', 'whd-app', 1_100, {
          product: 'account_activity', eventType: 'all', direction: null, tag: null, webhookId: 'whd-gone',
        });
        const s3 = subscription('whd-s3', 'whd-app', 1_200, { webhookId: 'whd-keep' });
        const s4 = subscription('whd-s4', 'whd-app', 1_300, { webhookId: null });
        for (const s of [s1, s2, s3, s4]) await events.putSubscription(s);
        // Both webhooks' cursors leased far into the future by a dispatcher.
        const FAR = 9_000_000_000_000;
        assert.deepEqual(await events.leaseCursor(webhookCursorName('whd-gone'), 'disp', 1_000, FAR, 'p1'), { position: 'p1' });
        assert.equal(await events.moveCursor(webhookCursorName('whd-gone'), 'disp', 'p2'), true);
        assert.deepEqual(await events.leaseCursor(webhookCursorName('whd-keep'), 'disp', 1_000, FAR, 'k1'), { position: 'k1' });

        assert.equal(await events.deleteWebhook('whd-gone'), true);
        assert.equal(await events.webhookById('whd-gone'), null);
        assert.deepEqual(await events.webhooksOfApp('whd-app'), [keep]);
        assert.equal(await events.subscriptionById('whd-s1'), null);
        assert.equal(await events.subscriptionById('whd-s2'), null);
        assert.deepEqual(await events.subscriptionById('whd-s3'), s3);
        assert.deepEqual(await events.subscriptionById('whd-s4'), s4);
        assert.deepEqual(await events.subscriptionsOfApp('whd-app', 'activity'), [s3, s4]);
        assert.deepEqual(await events.subscriptionsOfApp('whd-app', 'account_activity'), []);
        // The cursor is gone (another owner gets a fresh one at its initial position, the lease notwithstanding);
        // the other webhook's is not.
        assert.deepEqual(await events.leaseCursor(webhookCursorName('whd-gone'), 'other', 2_000, 3_000, 'fresh'), { position: 'fresh' });
        assert.equal(await events.leaseCursor(webhookCursorName('whd-keep'), 'other', 2_000, 3_000, 'fresh'), null);
        assert.deepEqual(await events.leaseCursor(webhookCursorName('whd-keep'), 'disp', 2_000, FAR, null), { position: 'k1' });

        assert.equal(await events.deleteWebhook('whd-gone'), false);
        assert.equal(await events.deleteWebhook('whd-never'), false);
        assert.deepEqual(await events.webhookById('whd-keep'), keep);
      });
    });

    describe('subscriptions', () => {
      it('put (insert, replace by id), by id, of an App oldest first by product, all of a product, delete', async () => {
        const { events } = await ready();
        const s1 = subscription('sb-1', 'sb-app1', 1_000);
        const s2 = subscription('sb-2', 'sb-app1', 3_000, { direction: 'inbound', tag: null });
        const s3 = subscription('sb-3', 'sb-app1', 2_000, {
          product: 'account_activity', eventType: 'all', userId: 'sb-user', direction: null, tag: null, webhookId: 'sb-w',
        });
        const s4 = subscription('sb-4', 'sb-app1', 2_000, { eventType: 'like.delete', webhookId: 'sb-w' });
        const s5 = subscription('sb-5', 'sb-app2', 500);
        for (const s of [s2, s5, s4, s3, s1]) await events.putSubscription(s);

        assert.deepEqual(await events.subscriptionById('sb-3'), s3);
        assert.deepEqual(await events.subscriptionById('sb-4'), s4);
        assert.equal(await events.subscriptionById('sb-missing'), null);
        assert.deepEqual(await events.subscriptionsOfApp('sb-app1', 'activity'), [s1, s4, s2]);
        assert.deepEqual(await events.subscriptionsOfApp('sb-app1', 'account_activity'), [s3]);
        assert.deepEqual(await events.subscriptionsOfApp('sb-app2', 'activity'), [s5]);
        assert.deepEqual(await events.subscriptionsOfApp('sb-app2', 'account_activity'), []);
        const allActivity = await events.allSubscriptions('activity');
        assert.ok(allActivity.every((s) => s.product === 'activity'));
        assert.deepEqual(byId(allActivity.filter((s) => s.id.startsWith('sb-'))), [s1, s2, s4, s5]);
        const allAaa = await events.allSubscriptions('account_activity');
        assert.ok(allAaa.every((s) => s.product === 'account_activity'));
        assert.deepEqual(allAaa.filter((s) => s.id.startsWith('sb-')), [s3]);

        // Replace by id: the new fields, one row, in the same place.
        const s1b: SubscriptionRecord = {
          ...s1, eventType: 'like.delete', userId: 'sb-other', direction: 'inbound', tag: 'changed', webhookId: 'sb-w2',
          updatedAt: 9_000,
        };
        await events.putSubscription(s1b);
        assert.deepEqual(await events.subscriptionById('sb-1'), s1b);
        assert.deepEqual(await events.subscriptionsOfApp('sb-app1', 'activity'), [s1b, s4, s2]);
        const s1c: SubscriptionRecord = { ...s1b, direction: null, tag: null, webhookId: null, updatedAt: 9_500 };
        await events.putSubscription(s1c);
        assert.deepEqual(await events.subscriptionById('sb-1'), s1c);

        // Delete: only the App's own; the ids removed.
        const removed = await events.deleteSubscriptions('sb-app1', ['sb-1', 'sb-5', 'sb-missing', 'sb-3']);
        assert.deepEqual(sorted(removed), ['sb-1', 'sb-3']);
        assert.equal(await events.subscriptionById('sb-1'), null);
        assert.equal(await events.subscriptionById('sb-3'), null);
        assert.deepEqual(await events.subscriptionById('sb-5'), s5);
        assert.deepEqual(await events.subscriptionsOfApp('sb-app1', 'activity'), [s4, s2]);
        assert.deepEqual(await events.subscriptionsOfApp('sb-app1', 'account_activity'), []);
        assert.deepEqual(await events.deleteSubscriptions('sb-app1', ['sb-1', 'sb-3']), []);
        assert.deepEqual(await events.deleteSubscriptions('sb-app1', []), []);
        assert.deepEqual(await events.deleteSubscriptions('sb-app2', ['sb-5']), ['sb-5']);
        assert.equal(await events.subscriptionById('sb-5'), null);
      });

      it('putSubscription of an existing id replaces the whole record (App, product and creation time too)', async () => {
        const { events } = await ready();
        const before = subscription('sbr-1', 'sbr-app1', 1_000);
        await events.putSubscription(before);
        const replaced = subscription('sbr-1', 'sbr-app2', 2_000, {
          product: 'account_activity', eventType: 'all', userId: 'sbr-user', direction: null, tag: null,
          webhookId: 'sbr-w', updatedAt: 3_000,
        });
        await events.putSubscription(replaced);
        assert.deepEqual(await events.subscriptionById('sbr-1'), replaced);
        assert.deepEqual(await events.subscriptionsOfApp('sbr-app1', 'activity'), []);
        assert.deepEqual(await events.subscriptionsOfApp('sbr-app2', 'account_activity'), [replaced]);
      });
      it('putSubscription refuses (false, nothing written) a second subscription of the App to the same thing', async () => {
        const { events } = await ready();
        const first = subscription('sbu-1', 'sbu-app', 1_000, { userId: 'sbu-user', webhookId: null });
        assert.equal(await events.putSubscription(first), true);
        // The same product, event, user, direction and webhook under another id: refused, whichever tag it has.
        assert.equal(await events.putSubscription({ ...first, id: 'sbu-2', tag: 'other' }), false);
        assert.equal(await events.subscriptionById('sbu-2'), null);
        // Anything else different: taken.
        const inbound = { ...first, id: 'sbu-3', direction: 'inbound' as const };
        assert.equal(await events.putSubscription(inbound), true);
        assert.equal(await events.putSubscription({ ...first, id: 'sbu-4', webhookId: 'sbu-w' }), true);
        assert.equal(await events.putSubscription({ ...first, id: 'sbu-5', appId: 'sbu-app2' }), true);
        assert.equal(await events.putSubscription({ ...first, id: 'sbu-6', direction: null }), true);
        // Replacing by id is no conflict with itself; a replacement that would duplicate another is refused whole.
        assert.equal(await events.putSubscription({ ...first, tag: 'renamed', updatedAt: 2_000 }), true);
        assert.equal(await events.putSubscription({ ...inbound, direction: 'outbound', tag: 'moved' }), false);
        assert.deepEqual(await events.subscriptionById('sbu-3'), inbound);
        assert.deepEqual((await events.subscriptionsOfApp('sbu-app', 'activity')).map((s) => s.id), ['sbu-1', 'sbu-3', 'sbu-4', 'sbu-6']);
      });
    });

    describe('delivery cursors', () => {
      it('one owner at a time: lease, renew, expiry, move, release and drop', async () => {
        const { events } = await ready();
        const c = 'cur-1';
        // Created at `initial` for the first owner.
        assert.deepEqual(await events.leaseCursor(c, 'A', 1_000, 2_000, 'init'), { position: 'init' });
        // Another owner: null while the lease is unexpired (up to and including leased_until).
        assert.equal(await events.leaseCursor(c, 'B', 1_500, 2_500, 'other'), null);
        assert.equal(await events.leaseCursor(c, 'B', 2_000, 3_000, 'other'), null);
        // The same owner renews (the initial position is ignored now the cursor exists).
        assert.deepEqual(await events.leaseCursor(c, 'A', 1_900, 4_000, 'ignored'), { position: 'init' });
        assert.equal(await events.leaseCursor(c, 'B', 3_000, 5_000, 'other'), null); // renewed past 3_000
        // Only the owner moves it.
        assert.equal(await events.moveCursor(c, 'B', 'by-B'), false);
        assert.equal(await events.moveCursor(c, 'A', 'by-A'), true);
        assert.deepEqual(await events.leaseCursor(c, 'A', 3_500, 4_000, null), { position: 'by-A' });
        assert.equal(await events.moveCursor(c, 'A', 'by-A-2'), true);
        // Past leased_until another owner takes it, where it was left.
        assert.deepEqual(await events.leaseCursor(c, 'B', 4_001, 6_000, 'other'), { position: 'by-A-2' });
        assert.equal(await events.moveCursor(c, 'A', 'late-A'), false); // A lost it
        assert.equal(await events.leaseCursor(c, 'A', 4_002, 7_000, null), null);
        assert.deepEqual(await events.leaseCursor(c, 'B', 4_003, 6_000, null), { position: 'by-A-2' });
        // Releasing by a non-owner does nothing; by the owner lets another take it at once, at the same position.
        await events.releaseCursor(c, 'A');
        assert.equal(await events.leaseCursor(c, 'A', 4_004, 7_000, null), null);
        assert.equal(await events.moveCursor(c, 'B', 'by-B'), true);
        await events.releaseCursor(c, 'B');
        assert.deepEqual(await events.leaseCursor(c, 'A', 4_005, 9_000, 'ignored'), { position: 'by-B' });
        assert.equal(await events.leaseCursor(c, 'B', 4_006, 9_000, null), null);
        // Dropped: the next lease, anyone's, creates it afresh at its initial position.
        await events.dropCursor(c);
        assert.equal(await events.moveCursor(c, 'A', 'after-drop'), false);
        assert.deepEqual(await events.leaseCursor(c, 'B', 4_007, 5_000, 'new-init'), { position: 'new-init' });
        assert.equal(await events.leaseCursor(c, 'A', 4_008, 9_000, null), null);
        await events.dropCursor(c);
        await events.dropCursor(c); // dropping a missing cursor is no error
        // A null initial position is kept as null (read from the outbox's beginning).
        assert.deepEqual(await events.leaseCursor(c, 'A', 5_000, 6_000, null), { position: null });
        assert.deepEqual(await events.leaseCursor(c, 'A', 5_001, 6_000, 'ignored'), { position: null });
      });

      it('cursors are independent of one another, and moving a missing cursor fails', async () => {
        const { events } = await ready();
        assert.equal(await events.moveCursor('cur-missing', 'A', 'p'), false);
        assert.deepEqual(await events.leaseCursor('cur-x', 'A', 1_000, 2_000, 'x0'), { position: 'x0' });
        assert.deepEqual(await events.leaseCursor('cur-y', 'B', 1_000, 2_000, 'y0'), { position: 'y0' });
        assert.equal(await events.moveCursor('cur-x', 'A', 'x1'), true);
        assert.equal(await events.moveCursor('cur-y', 'A', 'y1'), false);
        assert.deepEqual(await events.leaseCursor('cur-y', 'B', 1_100, 2_000, null), { position: 'y0' });
        assert.deepEqual(await events.leaseCursor('cur-x', 'A', 1_100, 2_000, null), { position: 'x1' });
      });
    });

    describe('the delivery log', () => {
      it('logDeliveries, deliveriesOf newest first with a limit, pruneDeliveries', async () => {
        const { events } = await ready();
        const d = (i: number, over: Partial<DeliveryRecord> = {}): DeliveryRecord => ({
          webhookId: 'dl-w1', kind: 'event', eventSeq: String(100 + i), subscriptionId: 'dl-s', attempt: 1,
          status: 200, error: null, latencyMs: 10 + i, at: 1_000 + i, body: `{"data":{"n":${i},"text":"caf\u00e9 ✓"}}`, ...over,
        });
        const logged = [
          d(0, { kind: 'crc', eventSeq: null, subscriptionId: null, body: null }),
          d(1, { status: 0, error: 'timed out after 3 seconds', latencyMs: 3_000 }),
          d(2, { attempt: 2, status: 503, error: 'HTTP 503' }),
          d(3, { kind: 'replay' }),
          d(4),
        ];
        await events.logDeliveries(logged.slice(0, 2));
        await events.logDeliveries(logged.slice(2));
        await events.logDeliveries([]);
        const other = d(9, { webhookId: 'dl-w2' });
        await events.logDeliveries([other]);

        assert.deepEqual(await events.deliveriesOf('dl-w1', 10), [...logged].reverse());
        assert.deepEqual(await events.deliveriesOf('dl-w1', 3), [logged[4], logged[3], logged[2]]);
        assert.deepEqual(await events.deliveriesOf('dl-w1', 1), [logged[4]]);
        assert.deepEqual(await events.deliveriesOf('dl-w2', 10), [other]);
        assert.deepEqual(await events.deliveriesOf('dl-none', 10), []);

        assert.equal(await events.pruneDeliveries(1_000), 0); // strictly older
        assert.equal(await events.pruneDeliveries(1_002), 2);
        assert.deepEqual(await events.deliveriesOf('dl-w1', 10), [logged[4], logged[3], logged[2]]);
        assert.equal(await events.pruneDeliveries(1_002), 0);
        assert.equal(await events.pruneDeliveries(1_010), 4); // the rest of dl-w1 and dl-w2's
        assert.deepEqual(await events.deliveriesOf('dl-w1', 10), []);
        assert.deepEqual(await events.deliveriesOf('dl-w2', 10), []);
      });
    });

    describe('stream connections', () => {
      it('put, by id, of an App newest first (open only, limit); end requests; ending', async () => {
        const { events } = await ready();
        const c1 = connection('cn-1', 'cn-app1', 1_000);
        const c2 = connection('cn-2', 'cn-app1', 2_000, { endpoint: '/2/likes/sample10/stream', partition: 2 });
        const c3 = connection('cn-3', 'cn-app1', 3_000, { endedAt: 3_500, endReason: 'client_disconnected' });
        const c4 = connection('cn-4', 'cn-app1', 4_000, { endpoint: '/2/activity/stream', clientIp: '2001:db8::1' });
        const d1 = connection('cn-d1', 'cn-app2', 1_500);
        for (const c of [c2, d1, c4, c1, c3]) await events.putConnection(c);

        assert.deepEqual(await events.connectionById('cn-2'), c2);
        assert.deepEqual(await events.connectionById('cn-3'), c3);
        assert.equal(await events.connectionById('cn-missing'), null);
        assert.deepEqual(await events.connectionsOfApp('cn-app1', { limit: 10 }), [c4, c3, c2, c1]);
        assert.deepEqual(await events.connectionsOfApp('cn-app1', { open: false, limit: 10 }), [c4, c3, c2, c1]);
        assert.deepEqual(await events.connectionsOfApp('cn-app1', { limit: 2 }), [c4, c3]);
        assert.deepEqual(await events.connectionsOfApp('cn-app1', { open: true, limit: 10 }), [c4, c2, c1]);
        assert.deepEqual(await events.connectionsOfApp('cn-app1', { open: true, limit: 2 }), [c4, c2]);
        assert.deepEqual(await events.connectionsOfApp('cn-app2', { open: true, limit: 10 }), [d1]);
        assert.deepEqual(await events.connectionsOfApp('cn-none', { limit: 10 }), []);

        // One by id: only the App's own, only open ones.
        const one = await events.requestConnectionEnd('cn-app1', ['cn-2', 'cn-d1', 'cn-3', 'cn-missing']);
        assert.deepEqual(one, ['cn-2']);
        assert.equal((await events.connectionById('cn-2'))!.endRequested, true);
        assert.equal((await events.connectionById('cn-d1'))!.endRequested, false);
        assert.equal((await events.connectionById('cn-3'))!.endRequested, false);
        assert.equal((await events.connectionById('cn-1'))!.endRequested, false);
        assert.deepEqual(await events.requestConnectionEnd('cn-app1', []), []);

        // The holder writing its record again does not undo the request.
        await events.putConnection({ ...c2, endRequested: false });
        assert.deepEqual(await events.connectionById('cn-2'), { ...c2, endRequested: true });

        // All of the App's open ones.
        assert.deepEqual(sorted(await events.requestConnectionEnd('cn-app1', null)), ['cn-1', 'cn-2', 'cn-4']);
        for (const id of ['cn-1', 'cn-2', 'cn-4']) assert.equal((await events.connectionById(id))!.endRequested, true, id);
        assert.equal((await events.connectionById('cn-3'))!.endRequested, false);
        assert.equal((await events.connectionById('cn-d1'))!.endRequested, false);

        // Ending: out of the open listings and of later end requests, the request itself kept.
        await events.putConnection({ ...c4, endedAt: 5_000, endReason: 'terminated_by_app', endRequested: false });
        const c4ended = { ...c4, endedAt: 5_000, endReason: 'terminated_by_app', endRequested: true };
        assert.deepEqual(await events.connectionById('cn-4'), c4ended);
        assert.deepEqual(await events.connectionsOfApp('cn-app1', { open: true, limit: 10 }), [
          { ...c2, endRequested: true }, { ...c1, endRequested: true },
        ]);
        assert.deepEqual((await events.connectionsOfApp('cn-app1', { limit: 10 })).map((c) => c.id), ['cn-4', 'cn-3', 'cn-2', 'cn-1']);
        assert.deepEqual(sorted(await events.requestConnectionEnd('cn-app1', null)), ['cn-1', 'cn-2']);
        assert.deepEqual(await events.requestConnectionEnd('cn-app1', ['cn-4']), []);
        assert.deepEqual(await events.requestConnectionEnd('cn-app2', null), ['cn-d1']);
        assert.deepEqual(await events.requestConnectionEnd('cn-none', null), []);
      });
    });
  });
}
