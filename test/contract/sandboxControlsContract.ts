// The contract every SandboxControls adapter (memory, Redis) must honour: the clock offset, faults in creation
// order, a version that moves with every change of them, and single use of counted faults under concurrency, also
// when the calls come through two instances of the same world.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FAULT_ID_PATTERN, type NewFault } from '../../src/domain/sandboxes/faults.ts';
import type { SandboxControls } from '../../src/ports/sandboxControls.ts';

export interface SandboxControlsFixture {
  controls: SandboxControls;
  /** Another instance of the same world, as a second server would hold it (the same object where only one can exist). */
  peer: SandboxControls;
  /** The controls of another world, sharing whatever the adapter shares between worlds. */
  elsewhere: SandboxControls;
  cleanup(): Promise<void>;
}

export type SandboxControlsFactory = () => Promise<SandboxControlsFixture>;

const CREATED = '2026-01-01T12:00:00.000Z';

export const fault = (overrides: Partial<NewFault> = {}): NewFault => ({
  endpoint: 'like',
  user_id: null,
  app_id: null,
  action: 'server_error',
  delay_ms: null,
  times_remaining: null,
  probability: 1,
  created_at: CREATED,
  ...overrides,
});

export function sandboxControlsContract(name: string, factory: SandboxControlsFactory): void {
  /** Runs `fn` on a fresh fixture and always cleans it up. */
  async function withControls(fn: (fixture: SandboxControlsFixture) => Promise<void>): Promise<void> {
    const fixture = await factory();
    try {
      await fn(fixture);
    } finally {
      await fixture.cleanup();
    }
  }

  describe(`${name}: SandboxControls contract`, () => {
    it('starts with no offset and no faults', () =>
      withControls(async ({ controls }) => {
        const snapshot = await controls.snapshot();
        assert.equal(snapshot.clockOffsetMs, 0);
        assert.deepEqual(snapshot.faults, []);
        assert.equal(await controls.version(), snapshot.version);
        assert.equal(await controls.clockOffsetMs(), 0);
        assert.deepEqual(await controls.faults(), []);
      }));

    it('keeps the clock offset, negative ones too', () =>
      withControls(async ({ controls, peer }) => {
        await controls.setClockOffsetMs(90_000);
        assert.equal(await peer.clockOffsetMs(), 90_000);
        await peer.setClockOffsetMs(-86_400_000);
        assert.equal((await controls.snapshot()).clockOffsetMs, -86_400_000);
      }));

    it('adds faults under fresh ids and lists them in creation order, as added', () =>
      withControls(async ({ controls, peer }) => {
        const specs = [
          fault({ endpoint: '*', action: 'drop' }),
          fault({ endpoint: 'liked_tweets', user_id: '12', app_id: '34', action: 'delay', delay_ms: 250, probability: 0.5 }),
          fault({ action: 'rate_limit', times_remaining: 3 }),
        ];
        const added = [];
        for (const [i, spec] of specs.entries()) added.push(await (i % 2 ? peer : controls).addFault(spec));
        for (const [i, f] of added.entries()) {
          assert.match(f.id, FAULT_ID_PATTERN);
          assert.deepEqual(f, { id: f.id, ...specs[i] });
        }
        assert.equal(new Set(added.map((f) => f.id)).size, 3);
        assert.deepEqual(await controls.faults(), added);
        assert.deepEqual((await peer.snapshot()).faults, added);
        // Members in the port's order: the admin API lists them as they come.
        assert.deepEqual(Object.keys((await peer.faults())[0]), ['id', 'endpoint', 'user_id', 'app_id', 'action', 'delay_ms', 'times_remaining', 'probability', 'created_at']);
      }));

    it('removes one fault, or all of them', () =>
      withControls(async ({ controls, peer }) => {
        const a = await controls.addFault(fault({ action: 'drop' }));
        const b = await controls.addFault(fault({ action: 'unavailable' }));
        const c = await controls.addFault(fault({ action: 'usage_capped' }));
        assert.equal(await peer.removeFault(b.id), true);
        assert.equal(await controls.removeFault(b.id), false);
        assert.equal(await controls.removeFault('AAAAAAAA'), false);
        assert.deepEqual(await controls.faults(), [a, c]);
        assert.equal(await peer.clearFaults(), 2);
        assert.equal(await controls.clearFaults(), 0);
        assert.deepEqual(await controls.faults(), []);
        const d = await controls.addFault(fault());
        assert.deepEqual(await peer.faults(), [d]);
      }));

    it('moves the version with every change of the offset or the list, and only then', () =>
      withControls(async ({ controls, peer }) => {
        const seen = new Set<string>([await controls.version()]);
        /** The version after `change`: new when `changes`, the same otherwise (as both instances read it). */
        async function step(change: () => Promise<unknown>, changes: boolean): Promise<void> {
          const before = await controls.version();
          await change();
          const after = await peer.version();
          assert.equal((await controls.snapshot()).version, after);
          if (changes) {
            assert.ok(!seen.has(after), `version ${after} was seen before`);
            seen.add(after);
          } else {
            assert.equal(after, before);
          }
        }
        await step(() => controls.setClockOffsetMs(1000), true);
        await step(() => controls.setClockOffsetMs(2000), true);
        const counted = await controls.addFault(fault({ times_remaining: 2 }));
        seen.add(await controls.version());
        const kept = await controls.addFault(fault());
        seen.add(await controls.version());
        await step(() => controls.consumeFault(kept.id), false);
        await step(() => controls.consumeFault(counted.id), false);
        await step(() => controls.consumeFault(counted.id), true); // used up: it leaves the list
        await step(() => controls.consumeFault(counted.id), false);
        await step(() => controls.removeFault('AAAAAAAA'), false);
        await step(() => controls.removeFault(kept.id), true);
        await step(() => controls.clearFaults(), false);
        await controls.addFault(fault());
        seen.add(await controls.version());
        await step(() => controls.clearFaults(), true);
      }));

    it('consumes a fault without times for every request, and a counted one until it is used up', () =>
      withControls(async ({ controls, peer }) => {
        const always = await controls.addFault(fault());
        const twice = await controls.addFault(fault({ times_remaining: 3 }));
        for (let i = 0; i < 5; i++) assert.equal(await controls.consumeFault(always.id), true);
        assert.equal(await peer.consumeFault(twice.id), true);
        assert.deepEqual((await controls.faults()).map((f) => f.times_remaining), [null, 2]);
        assert.equal(await controls.consumeFault(twice.id), true);
        assert.equal(await controls.consumeFault(twice.id), true);
        assert.equal(await peer.consumeFault(twice.id), false);
        assert.deepEqual(await controls.faults(), [always]);
        assert.equal(await controls.consumeFault('AAAAAAAA'), false);
      }));

    it('gives a fault with times 2 to exactly 2 of 5 concurrent requests, through two instances', () =>
      withControls(async ({ controls, peer }) => {
        const f = await controls.addFault(fault({ times_remaining: 2 }));
        const results = await Promise.all([0, 1, 2, 3, 4].map((i) => (i % 2 ? peer : controls).consumeFault(f.id)));
        assert.equal(results.filter(Boolean).length, 2);
        assert.deepEqual(await peer.faults(), []);
      }));

    it('hands out copies: a listed fault does not change under its reader', () =>
      withControls(async ({ controls }) => {
        const f = await controls.addFault(fault({ times_remaining: 2 }));
        const listed = await controls.faults();
        listed[0].action = 'drop';
        f.endpoint = 'unlike';
        await controls.consumeFault(f.id);
        assert.equal(listed[0].times_remaining, 2);
        assert.deepEqual(await controls.faults(), [{ ...fault({ times_remaining: 1 }), id: f.id }]);
      }));

    it('clear forgets the offset and every fault', () =>
      withControls(async ({ controls, peer }) => {
        await controls.setClockOffsetMs(5000);
        const f = await controls.addFault(fault({ times_remaining: 4 }));
        await peer.clear();
        const snapshot = await controls.snapshot();
        assert.equal(snapshot.clockOffsetMs, 0);
        assert.deepEqual(snapshot.faults, []);
        assert.equal(await controls.consumeFault(f.id), false);
        const g = await controls.addFault(fault());
        assert.deepEqual(await peer.faults(), [g]);
      }));

    it('keeps worlds apart', () =>
      withControls(async ({ controls, elsewhere }) => {
        await controls.setClockOffsetMs(7000);
        const f = await controls.addFault(fault({ times_remaining: 1 }));
        assert.equal(await elsewhere.clockOffsetMs(), 0);
        assert.deepEqual(await elsewhere.faults(), []);
        assert.equal(await elsewhere.consumeFault(f.id), false);
        assert.equal(await elsewhere.removeFault(f.id), false);
        assert.equal(await elsewhere.clearFaults(), 0);
        await elsewhere.clear();
        assert.equal(await controls.clockOffsetMs(), 7000);
        assert.deepEqual(await controls.faults(), [f]);
      }));
  });
}
