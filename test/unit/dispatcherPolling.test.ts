// How the webhook dispatcher (src/domain/events/dispatcher.ts) decides to run a delivery round, against a stub store
// that counts its reads: a world without webhooks is not woken by its likes; on a shared store, between full rounds
// a poll reads only the outbox's head and runs a round when it moved (another instance's like) or when a local like
// woke it. Counts are compared with generous bounds, never with durations.
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, it } from 'node:test';
import { WebhookDispatcher, POLL_MS, type DispatcherDeps } from '../../src/domain/events/dispatcher.ts';
import { EventSignal } from '../../src/domain/events/eventSignal.ts';
import type { WebhookRecord } from '../../src/domain/events/records.ts';

function stub(webhooks: WebhookRecord[]) {
  const reads = { rounds: 0, heads: 0 };
  let head = '1:1';
  const events = {
    allWebhooks: async () => {
      reads.rounds++;
      return webhooks;
    },
    allSubscriptions: async () => [],
    headPosition: async () => {
      reads.heads++;
      return head;
    },
    pruneEvents: async () => {},
    pruneDeliveries: async () => {},
  };
  const signal = new EventSignal();
  const changed = new EventSignal();
  const deps = {
    store: { events, appById: async () => null },
    webhooks: { changed },
    signal,
    pollMs: POLL_MS.shared,
    clock: { now: () => Date.now() },
    realClock: { now: () => Date.now() },
    log: { warn: () => {}, info: () => {}, error: () => {}, debug: () => {} },
  } as unknown as DispatcherDeps;
  return { dispatcher: new WebhookDispatcher(deps), reads, signal, changed, moveHead: (to: string) => (head = to) };
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

  it('with webhooks on a shared store: polls read the head only until it moves or a local like wakes a round', async () => {
    const { dispatcher, reads, signal, moveHead } = stub([webhook]);
    /** Waits (boundedly) until `done` holds; the assertions after it are about counts, not time. */
    const until = async (done: () => boolean) => {
      for (let i = 0; !done() && i < 400; i++) await sleep(5);
    };
    dispatcher.start();
    try {
      await until(() => reads.heads >= 5);
      assert.ok(reads.rounds < reads.heads, `polls read the head (${reads.heads}) more often than rounds ran (${reads.rounds})`);
      // Another instance's like moves the head: the next poll runs a round (a full round is due every 250 ms anyway,
      // about nine polls later).
      let rounds = reads.rounds;
      let heads = reads.heads;
      moveHead('2:1');
      await until(() => reads.rounds > rounds);
      assert.ok(reads.heads - heads <= 3, `a round ran ${reads.heads - heads} polls after the head moved`);
      // A local like wakes a round at once, without waiting for a poll.
      await until(() => reads.heads >= heads + 5);
      rounds = reads.rounds;
      heads = reads.heads;
      signal.pulse();
      await until(() => reads.rounds > rounds);
      assert.ok(reads.heads - heads <= 1, `a round ran ${reads.heads - heads} polls after the local like`);
    } finally {
      await dispatcher.stop();
    }
  });
});
