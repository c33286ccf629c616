// How the webhook dispatcher (src/domain/events/dispatcher.ts) decides to run a delivery round, against a stub store
// that counts its rounds: a world without webhooks is not woken by its likes, a webhook registered here wakes it;
// another instance's word (the world's wake-ups) runs a round as a local like does, listened to while it runs.
// Counts are compared with generous bounds, never with durations.
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, it } from 'node:test';
import { WebhookDispatcher, type DispatcherDeps } from '../../src/domain/events/dispatcher.ts';
import { EventSignal } from '../../src/domain/events/eventSignal.ts';
import type { WebhookRecord } from '../../src/domain/events/records.ts';

function stub(webhooks: WebhookRecord[]) {
  const reads = { rounds: 0 };
  const wakeups = { wake: null as (() => void) | null, announce() {}, listen(wake: () => void) {
    wakeups.wake = wake;
    return () => (wakeups.wake = null);
  } };
  const events = {
    allWebhooks: async () => {
      reads.rounds++;
      return webhooks;
    },
    allSubscriptions: async () => [],
    pruneEvents: async () => {},
    pruneDeliveries: async () => {},
  };
  const signal = new EventSignal();
  const changed = new EventSignal();
  const deps = {
    store: { events, appById: async () => null },
    webhooks: { changed },
    signal,
    wakeups,
    clock: { now: () => Date.now() },
    realClock: { now: () => Date.now() },
    log: { warn: () => {}, info: () => {}, error: () => {}, debug: () => {} },
  } as unknown as DispatcherDeps;
  return { dispatcher: new WebhookDispatcher(deps), reads, signal, changed, wakeups };
}

const webhook = { id: 'w1', appId: 'a1', url: 'http://127.0.0.1:1/hook', createdAt: 0, validity: {} } as unknown as WebhookRecord;

describe('WebhookDispatcher polling', () => {
  it('a world without webhooks: likes wake no round; a webhook registered here does', async () => {
    const { dispatcher, reads, signal, changed } = stub([]);
    dispatcher.start();
    try {
      await sleep(20);
      const first = reads.rounds;
      for (let i = 0; i < 20; i++) {
        signal.pulse();
        await sleep(2);
      }
      assert.equal(reads.rounds, first, 'likes woke no round');
      changed.pulse();
      await sleep(20);
      assert.equal(reads.rounds, first + 1, 'the registration did');
    } finally {
      await dispatcher.stop();
    }
  });

  it("another instance's word runs a round at once, as a local like does; it is listened to while the dispatcher runs", async () => {
    const { dispatcher, reads, wakeups } = stub([webhook]);
    /** Waits (boundedly) until `done` holds; the assertions after it are about counts, not time. */
    const until = async (done: () => boolean) => {
      for (let i = 0; !done() && i < 400; i++) await sleep(5);
    };
    const listening = (): (() => void) | null => wakeups.wake;
    assert.equal(listening(), null);
    dispatcher.start();
    try {
      await until(() => reads.rounds >= 1);
      assert.ok(listening(), 'listening once started');
      // Ten words, each waited for: ten rounds (the 250 ms poll alone would take 2.5 s, past the bound).
      const from = reads.rounds;
      for (let i = 1; i <= 10; i++) {
        listening()!();
        await until(() => reads.rounds >= from + i);
      }
      assert.ok(reads.rounds >= from + 10, `${reads.rounds - from} rounds for 10 words`);
    } finally {
      await dispatcher.stop();
    }
    assert.equal(listening(), null, 'no longer listening once stopped');
  });
});
