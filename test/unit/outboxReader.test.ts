// Where a stream starts (now, backfill_minutes back, a start_time/end_time window) and how it follows the outbox
// (src/domain/events/outboxReader.ts), against an outbox in memory whose commits the test makes one by one: local
// wake-ups, polling alone, paging, late commits inside a window, the end past end_time, and X's 400s.
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, it } from 'node:test';
import { EventSignal } from '../../src/domain/events/eventSignal.ts';
import { END_SETTLE_MS, followOutbox, streamStartOf, type StreamStart } from '../../src/domain/events/outboxReader.ts';
import type { OutboxEvent } from '../../src/domain/events/records.ts';
import type { EventStore } from '../../src/ports/eventStore.ts';
import { ManualClock } from '../support/clock.ts';
import { problemOf } from '../support/problems.ts';

const T = Date.UTC(2026, 0, 1, 12);

/** The outbox part of an EventStore: positions are the commit order. */
class Outbox {
  readonly events: OutboxEvent[] = [];

  commit(at: number, tweetId = String(this.events.length + 1)): OutboxEvent {
    const seq = String(this.events.length + 1);
    const e: OutboxEvent = { kind: 'like', userId: '1', tweetId, authorId: '2', at, seq, position: seq };
    this.events.push(e);
    return e;
  }

  private after(position: string | null) {
    return this.events.filter((e) => Number(e.position) > Number(position ?? 0));
  }

  readonly store = {
    eventsAfter: async (position: string | null, limit: number) => this.after(position).slice(0, limit),
    headPosition: async () => this.events.at(-1)?.position ?? null,
    eventsBetween: async (from: number, to: number, position: string | null, limit: number) =>
      this.after(position).filter((e) => e.at >= from && e.at <= to).slice(0, limit),
  } as unknown as EventStore;
}

/** Follows `start` in the background, collecting what it yields; `done` once the follow returns. */
function follow(outbox: Outbox, clock: ManualClock, start: StreamStart, options: { signal?: EventSignal; pollMs?: number } = {}) {
  const abort = new AbortController();
  const got: OutboxEvent[] = [];
  let finished = false;
  const done = (async () => {
    const batches = followOutbox({
      events: outbox.store, signal: options.signal ?? new EventSignal(), clock, start, abort: abort.signal, pollMs: options.pollMs ?? 5,
    });
    for await (const batch of batches) got.push(...batch);
    finished = true;
  })();
  return {
    got,
    tweets: () => got.map((e) => e.tweetId),
    get finished() {
      return finished;
    },
    done,
    stop: async () => {
      abort.abort();
      await done;
    },
  };
}

/** Polls (on a timer that holds the event loop: the reader's own waits do not). */
async function until(done: () => boolean, ms = 2_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!done()) {
    if (Date.now() > deadline) assert.fail('timed out');
    await sleep(2);
  }
}

describe('streamStartOf', () => {
  it('starts live at the head, or backfill_minutes back, or at start_time (which wins)', async () => {
    const outbox = new Outbox();
    outbox.commit(T - 1000);
    assert.deepEqual(await streamStartOf(outbox.store, T, {}), { kind: 'live', after: '1', until: null });
    assert.deepEqual(await streamStartOf(outbox.store, T, { backfill_minutes: 0 }), { kind: 'live', after: '1', until: null });
    assert.deepEqual(await streamStartOf(outbox.store, T, { backfill_minutes: 3 }), { kind: 'backfill', since: T - 180_000, until: null });
    const start = new Date(T - 3600_000).toISOString();
    const end = new Date(T - 1800_000).toISOString();
    assert.deepEqual(
      await streamStartOf(outbox.store, T, { backfill_minutes: 3, start_time: start, end_time: end }),
      { kind: 'recovery', since: T - 3600_000, until: T - 1800_000 },
    );
    assert.deepEqual(await streamStartOf(outbox.store, T, { end_time: end }), { kind: 'live', after: '1', until: T - 1800_000 });
  });

  it("refuses bad times with X's invalid-request, every problem at once", async () => {
    const outbox = new Outbox();
    const p = await problemOf(streamStartOf(outbox.store, T, { start_time: '2026-01-01', end_time: 'soon' }));
    assert.equal(p.status, 400);
    assert.deepEqual((p.body.errors as { parameters: object }[]).map((e) => e.parameters), [
      { start_time: ['2026-01-01'] }, { end_time: ['soon'] },
    ]);
    const old = await problemOf(streamStartOf(outbox.store, T, { start_time: '2025-12-31T11:59:59Z' }));
    assert.equal((old.body.errors as { message: string }[])[0].message,
      "Invalid 'start_time':'2025-12-31T11:59:59Z'. 'start_time' must be on or after 2025-12-31T12:00Z");
    const backwards = await problemOf(streamStartOf(outbox.store, T, { start_time: '2026-01-01T11:00:00Z', end_time: '2026-01-01T11:00:00Z' }));
    assert.equal((backwards.body.errors as { message: string }[])[0].message,
      "Invalid 'end_time':'2026-01-01T11:00:00Z'. 'end_time' must be after 'start_time'");
  });
});

describe('followOutbox', () => {
  it('live: what is committed after the head, woken at once by a local signal', async () => {
    const outbox = new Outbox();
    outbox.commit(T, 'old');
    const clock = new ManualClock(T);
    const signal = new EventSignal();
    const f = follow(outbox, clock, await streamStartOf(outbox.store, T, {}), { signal, pollMs: 60_000 });
    await sleep(10);
    outbox.commit(T + 1, 'a');
    signal.pulse();
    await until(() => f.got.length === 1);
    outbox.commit(T + 2, 'b');
    outbox.commit(T + 3, 'c');
    signal.pulse();
    await until(() => f.got.length === 3);
    await f.stop();
    assert.deepEqual(f.tweets(), ['a', 'b', 'c']);
  });

  it('finds events committed elsewhere by polling alone, in pages, in order', async () => {
    const outbox = new Outbox();
    const clock = new ManualClock(T);
    const f = follow(outbox, clock, { kind: 'live', after: null, until: null });
    for (let i = 0; i < 250; i++) outbox.commit(T + i, `t${i}`);
    await until(() => f.got.length === 250);
    await f.stop();
    assert.deepEqual(f.tweets(), Array.from({ length: 250 }, (_, i) => `t${i}`));
  });

  it('backfill: from `since` on, then by position (a clock set back does not hide new events)', async () => {
    const outbox = new Outbox();
    outbox.commit(T - 120_000, 'too-old');
    for (let i = 0; i < 150; i++) outbox.commit(T - 60_000 + i, `b${i}`);
    const clock = new ManualClock(T);
    const f = follow(outbox, clock, await streamStartOf(outbox.store, T, { backfill_minutes: 1 }));
    await until(() => f.got.length === 150);
    outbox.commit(T - 3600_000, 'stamped-earlier');
    await until(() => f.got.length === 151);
    await f.stop();
    assert.equal(f.tweets()[0], 'b0');
    assert.equal(f.tweets().at(-1), 'stamped-earlier');
    assert.ok(!f.tweets().includes('too-old'));
  });

  it('backfill over an empty window goes on from the head', async () => {
    const outbox = new Outbox();
    outbox.commit(T - 600_000, 'before');
    const clock = new ManualClock(T);
    const f = follow(outbox, clock, await streamStartOf(outbox.store, T, { backfill_minutes: 5 }));
    await sleep(20);
    outbox.commit(T + 1, 'new');
    await until(() => f.got.length === 1);
    await f.stop();
    assert.deepEqual(f.tweets(), ['new']);
  });

  it('recovery: the window only, late commits inside it included, and the end once past end_time', async () => {
    const outbox = new Outbox();
    outbox.commit(T - 10_000, 'before');
    outbox.commit(T - 5_000, 'w1');
    outbox.commit(T + 5_000, 'after');
    const clock = new ManualClock(T);
    const until_ = T + 1_000;
    const f = follow(outbox, clock, { kind: 'recovery', since: T - 6_000, until: until_ });
    await until(() => f.got.length === 1);
    // Stamped inside the window, committed after the reader passed it by position.
    outbox.commit(T + 500, 'late');
    await until(() => f.got.length === 2);
    clock.set(until_ + END_SETTLE_MS);
    await sleep(30);
    assert.equal(f.finished, false, 'still within the settle time');
    clock.set(until_ + END_SETTLE_MS + 1);
    await until(() => f.finished);
    assert.deepEqual(f.tweets(), ['w1', 'late']);
  });

  it('a live stream with end_time leaves later events out and ends', async () => {
    const outbox = new Outbox();
    const clock = new ManualClock(T);
    const f = follow(outbox, clock, { kind: 'live', after: null, until: T + 100 });
    outbox.commit(T + 50, 'in');
    outbox.commit(T + 150, 'out');
    await until(() => f.got.length === 1);
    clock.set(T + 100 + END_SETTLE_MS + 1);
    await until(() => f.finished);
    assert.deepEqual(f.tweets(), ['in']);
  });

  it('ends when aborted, even while waiting', async () => {
    const outbox = new Outbox();
    const clock = new ManualClock(T);
    const f = follow(outbox, clock, { kind: 'live', after: null, until: null }, { pollMs: 60_000 });
    await sleep(10);
    await f.stop();
    assert.deepEqual(f.got, []);
  });
});
