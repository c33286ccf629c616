// The EventStore contract against PostgreSQL, in a database of its own created for this file and dropped after it,
// plus what only PostgreSQL has to prove: the outbox is gap-free although its sequence orders inserts, not commits
// (an event of a transaction still open holds back every later one). Needs PostgreSQL at LIKES_API_TEST_DATABASE_URL
// (default postgres://postgres@127.0.0.1:5432/test): the suite FAILS, it does not skip, when there is none.
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, describe, it } from 'node:test';
import pg from 'pg';
import { PostgresStore } from '../../src/adapters/postgres/postgresStore.ts';
import type { OutboxEvent } from '../../src/domain/events/records.ts';
import type { EventStore } from '../../src/ports/eventStore.ts';
import { createDatabase, type TestDatabase } from '../support/postgres.ts';
import { tweet, user } from '../support/records.ts';
import { eventStoreContract } from './eventStoreContract.ts';

// Created once, on first use; a failure (no PostgreSQL) is remembered, so every test fails at once with it.
let created: Promise<TestDatabase> | undefined;
const database = async (): Promise<string> => (await (created ??= createDatabase('events'))).url;

after(async () => {
  const db = await created?.catch(() => undefined);
  await db?.drop();
});

eventStoreContract('PostgresStore', async () => {
  const store = new PostgresStore(await database(), { max: 5 });
  return { store, cleanup: () => store.close() };
});

describe('PostgresStore events specifics', () => {
  const what = (e: OutboxEvent) => `${e.kind} ${e.userId} ${e.tweetId} ${e.authorId} ${e.at}`;

  /** Reads after `position` until `n` events come back (a transaction elsewhere on the server may hold them a while). */
  async function readN(events: EventStore, position: string | null, n: number): Promise<OutboxEvent[]> {
    const deadline = Date.now() + 20_000;
    for (;;) {
      const got = await events.eventsAfter(position, 100);
      if (got.length >= n || Date.now() > deadline) return got;
      await sleep(20);
    }
  }

  /**
   * Runs `scenario` with a store and a raw client (its own connection) on the suite's database, with users gx-u1,
   * gx-u2 and Tweets gx-t1, gx-t2 by gx-a under `prefix`; rolls back whatever the client left open.
   */
  async function withStoreAndClient(
    prefix: string,
    scenario: (store: PostgresStore, client: pg.Client, ids: Record<'u1' | 'u2' | 't1' | 't2' | 'a', string>) => Promise<void>,
  ): Promise<void> {
    const url = await database();
    const store = new PostgresStore(url, { max: 2 });
    const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
    client.on('error', () => {});
    try {
      await store.migrate();
      const ids = { u1: `${prefix}-u1`, u2: `${prefix}-u2`, t1: `${prefix}-t1`, t2: `${prefix}-t2`, a: `${prefix}-a` };
      await store.insertUsers([user(ids.u1), user(ids.u2), user(ids.a)]);
      await store.insertTweets([tweet(ids.t1, ids.a), tweet(ids.t2, ids.a)]);
      await client.connect();
      await scenario(store, client, ids);
    } finally {
      await client.query('ROLLBACK').catch(() => {});
      await client.end().catch(() => {});
      await store.close();
    }
  }

  /** The like statement's two writes, as another instance's like would make them, in the client's transaction. */
  async function likeBySql(client: pg.Client, userId: string, tweetId: string, authorId: string, at: number): Promise<void> {
    await client.query('INSERT INTO likes (user_id, tweet_id, liked_at) VALUES ($1, $2, $3)', [userId, tweetId, at]);
    await client.query(
      `INSERT INTO like_events (kind, user_id, tweet_id, author_id, at) VALUES ('like', $1, $2, $3, $4)`,
      [userId, tweetId, authorId, at],
    );
  }

  it('an event of a transaction still open holds back every later one; after its COMMIT both come, it first', async () => {
    await withStoreAndClient('gx', async (store, client, ids) => {
      const { events } = store;
      const start = await events.headPosition();
      await client.query('BEGIN');
      await likeBySql(client, ids.u1, ids.t1, ids.a, 7_000_001);
      // A later like, committed, through the store: its seq is larger, and so is its xid.
      assert.equal(await store.like(ids.u2, ids.t2, 7_000_002), true);

      // Held back while the first transaction is open: a reader moving past it would skip it for good.
      assert.deepEqual(await events.eventsAfter(start, 100), []);
      assert.equal(await events.headPosition(), start);
      assert.deepEqual(await events.eventsBetween(7_000_000, 7_000_010, start, 100), []);
      await sleep(50);
      assert.deepEqual(await events.eventsAfter(start, 100), []);

      await client.query('COMMIT');
      const got = await readN(events, start, 2);
      assert.deepEqual(got.map(what), [
        `like ${ids.u1} ${ids.t1} ${ids.a} 7000001`,
        `like ${ids.u2} ${ids.t2} ${ids.a} 7000002`,
      ]);
      for (const e of got) assert.match(e.position, /^[0-9]+:[0-9]+$/);
      const [xid0, seq0] = got[0].position.split(':').map(BigInt);
      const [xid1, seq1] = got[1].position.split(':').map(BigInt);
      assert.ok(xid0 < xid1 && seq0 < seq1);
      assert.equal(String(seq0), got[0].seq);
      assert.equal(await events.headPosition(), got[1].position);
      assert.deepEqual(await events.eventsAfter(got[0].position, 100), [got[1]]);
      assert.deepEqual(await events.eventsBetween(7_000_000, 7_000_010, start, 100), got);
    });
  });

  it('events come in commit-safe (xid) order, not seq order: an older transaction that inserts last comes first', async () => {
    await withStoreAndClient('gy', async (store, client, ids) => {
      const { events } = store;
      const start = await events.headPosition();
      // The client's transaction takes its xid first, but writes its event after the store's like committed.
      await client.query('BEGIN');
      await client.query('SELECT pg_current_xact_id()');
      assert.equal(await store.like(ids.u2, ids.t2, 7_100_002), true);
      assert.deepEqual(await events.eventsAfter(start, 100), []);
      await likeBySql(client, ids.u1, ids.t1, ids.a, 7_100_001);
      assert.deepEqual(await events.eventsAfter(start, 100), []);
      await client.query('COMMIT');

      const got = await readN(events, start, 2);
      assert.deepEqual(got.map(what), [
        `like ${ids.u1} ${ids.t1} ${ids.a} 7100001`,
        `like ${ids.u2} ${ids.t2} ${ids.a} 7100002`,
      ]);
      const [xid0, seq0] = got[0].position.split(':').map(BigInt);
      const [xid1, seq1] = got[1].position.split(':').map(BigInt);
      assert.ok(xid0 < xid1, 'ordered by transaction id');
      assert.ok(seq0 > seq1, 'although its seq is the larger');
      assert.deepEqual(await events.eventsAfter(got[0].position, 100), [got[1]]);
      assert.deepEqual(await events.eventsAfter(got[1].position, 100), []);
      assert.equal(await events.headPosition(), got[1].position);
    });
  });

  it('orders positions by transaction id as a number: 99 before 100, and the head is the largest', async () => {
    await withStoreAndClient('gw', async (store, client, ids) => {
      const { events } = store;
      // Two events of long-ended transactions whose ids differ in their number of digits (every transaction id the
      // server hands out from now on is larger), among the events earlier tests made.
      for (const [xid, at] of [[100, 7_300_002], [99, 7_300_001]] as const) {
        await client.query(
          `INSERT INTO like_events (xid, kind, user_id, tweet_id, author_id, at) VALUES ($1::text::xid8, 'like', $2, $3, $4, $5)`,
          [xid, ids.u1, ids.t1, ids.a, at],
        );
      }
      assert.equal(await store.like(ids.u2, ids.t2, 7_300_003), true);
      // Every event in pages, until the like's has settled (a transaction elsewhere on the server may hold it a while).
      const all: OutboxEvent[] = [];
      const deadline = Date.now() + 20_000;
      while (all.at(-1)?.at !== 7_300_003 && Date.now() < deadline) {
        const page = await events.eventsAfter(all.at(-1)?.position ?? null, 100);
        all.push(...page);
        if (page.length < 100) await sleep(20);
      }
      const xids = all.map((e) => BigInt(e.position.split(':')[0]));
      assert.deepEqual(xids.slice(0, 2), [99n, 100n]);
      for (let i = 1; i < xids.length; i++) assert.ok(xids[i - 1] <= xids[i], `position ${i}: ${xids[i - 1]} then ${xids[i]}`);
      assert.equal(await events.headPosition(), all[all.length - 1].position);
      assert.equal(all[all.length - 1].at, 7_300_003);
      // A reader that has read the first goes on with the second, not past it.
      assert.deepEqual((await events.eventsAfter(all[0].position, 1)).map((e) => e.at), [7_300_002]);
      assert.deepEqual((await events.eventsBetween(7_300_001, 7_300_003, null, 2)).map((e) => e.at), [7_300_001, 7_300_002]);
    });
  });

  it('a rolled-back transaction\'s event never appears, and stops holding back the others', async () => {
    await withStoreAndClient('gz', async (store, client, ids) => {
      const { events } = store;
      const start = await events.headPosition();
      await client.query('BEGIN');
      await likeBySql(client, ids.u1, ids.t1, ids.a, 7_200_001);
      assert.equal(await store.like(ids.u2, ids.t2, 7_200_002), true);
      assert.deepEqual(await events.eventsAfter(start, 100), []);
      await client.query('ROLLBACK');
      const got = await readN(events, start, 1);
      assert.deepEqual(got.map(what), [`like ${ids.u2} ${ids.t2} ${ids.a} 7200002`]);
      await sleep(50);
      assert.deepEqual(await events.eventsAfter(start, 100), got);
    });
  });
});
