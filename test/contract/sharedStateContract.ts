// The contract every SharedState adapter (memory, Redis) must honour: rate limiter, nonce store, usage meter.
// Each test gets a fresh fixture from the factory and a ManualClock; nothing sleeps.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ManualClock } from '../support/clock.ts';
import type { SharedState } from '../../src/ports/shared.ts';
import { LIKE_CHANGES_KEPT } from '../../src/ports/changes.ts';

export interface SharedStateFixture {
  shared: SharedState;
  cleanup(): Promise<void>;
}

export type SharedStateFactory = () => Promise<SharedStateFixture>;

const T0 = Date.UTC(2026, 0, 1, 12, 0, 0);
const MINUTE = 60_000;
const WINDOW = 15 * MINUTE;

export function sharedStateContract(name: string, factory: SharedStateFactory): void {
  /** Runs `fn` on a fresh fixture and always cleans it up. */
  async function withShared(fn: (shared: SharedState, clock: ManualClock) => Promise<void>): Promise<void> {
    const fixture = await factory();
    try {
      await fn(fixture.shared, new ManualClock(T0));
    } finally {
      await fixture.cleanup();
    }
  }

  describe(`${name}: SharedState contract`, () => {
    it('ping resolves', () =>
      withShared(async (shared) => {
        await shared.ping();
      }));

    describe('RateLimiter', () => {
      it('counts hits in a window that starts with the first request', () =>
        withShared(async ({ rateLimiter }, clock) => {
          const first = await rateLimiter.hit('user:1', 3, WINDOW, clock.now());
          assert.deepEqual(first, { limit: 3, remaining: 2, resetAt: T0 + WINDOW, allowed: true });
          clock.advance(MINUTE);
          const second = await rateLimiter.hit('user:1', 3, WINDOW, clock.now());
          assert.deepEqual(second, { limit: 3, remaining: 1, resetAt: T0 + WINDOW, allowed: true });
          const third = await rateLimiter.hit('user:1', 3, WINDOW, clock.now());
          assert.deepEqual(third, { limit: 3, remaining: 0, resetAt: T0 + WINDOW, allowed: true });
        }));

      it('refuses once the limit is reached: allowed false, remaining 0, same resetAt', () =>
        withShared(async ({ rateLimiter }, clock) => {
          for (let i = 0; i < 2; i++) await rateLimiter.hit('k', 2, WINDOW, clock.now());
          for (let i = 0; i < 5; i++) {
            clock.advance(MINUTE);
            const state = await rateLimiter.hit('k', 2, WINDOW, clock.now());
            assert.deepEqual(state, { limit: 2, remaining: 0, resetAt: T0 + WINDOW, allowed: false });
          }
        }));

      it('refused hits neither extend the window nor consume the next one', () =>
        withShared(async ({ rateLimiter }, clock) => {
          await rateLimiter.hit('k', 2, WINDOW, clock.now());
          clock.advance(1000);
          await rateLimiter.hit('k', 2, WINDOW, clock.now());
          clock.set(T0 + WINDOW / 2);
          const refused = await rateLimiter.hit('k', 2, WINDOW, clock.now());
          assert.equal(refused.allowed, false);
          assert.equal(refused.resetAt, T0 + WINDOW);
          clock.set(T0 + WINDOW - 1);
          const lastRefused = await rateLimiter.hit('k', 2, WINDOW, clock.now());
          assert.deepEqual(lastRefused, { limit: 2, remaining: 0, resetAt: T0 + WINDOW, allowed: false });
          // The window ends at resetAt: the bucket is full again and a new window starts with this request.
          clock.set(T0 + WINDOW);
          const fresh = await rateLimiter.hit('k', 2, WINDOW, clock.now());
          assert.deepEqual(fresh, { limit: 2, remaining: 1, resetAt: T0 + 2 * WINDOW, allowed: true });
        }));

      it('after the window ends the quota is full again with a new resetAt', () =>
        withShared(async ({ rateLimiter }, clock) => {
          for (let i = 0; i < 4; i++) await rateLimiter.hit('k', 3, WINDOW, clock.now());
          clock.set(T0 + WINDOW + 5 * MINUTE);
          const idle = await rateLimiter.peek('k', 3, WINDOW, clock.now());
          assert.deepEqual(idle, { limit: 3, remaining: 3, resetAt: clock.now() + WINDOW, allowed: true });
          const start = clock.now();
          const first = await rateLimiter.hit('k', 3, WINDOW, clock.now());
          assert.deepEqual(first, { limit: 3, remaining: 2, resetAt: start + WINDOW, allowed: true });
          clock.advance(MINUTE);
          const second = await rateLimiter.hit('k', 3, WINDOW, clock.now());
          assert.deepEqual(second, { limit: 3, remaining: 1, resetAt: start + WINDOW, allowed: true });
        }));

      it('peek reports the bucket without counting', () =>
        withShared(async ({ rateLimiter }, clock) => {
          const unseen = await rateLimiter.peek('k', 5, WINDOW, clock.now());
          assert.deepEqual(unseen, { limit: 5, remaining: 5, resetAt: T0 + WINDOW, allowed: true });
          for (let i = 0; i < 3; i++) await rateLimiter.peek('k', 5, WINDOW, clock.now());
          const first = await rateLimiter.hit('k', 5, WINDOW, clock.now());
          assert.deepEqual(first, { limit: 5, remaining: 4, resetAt: T0 + WINDOW, allowed: true });
          clock.advance(MINUTE);
          const mid = await rateLimiter.peek('k', 5, WINDOW, clock.now());
          assert.deepEqual(mid, { limit: 5, remaining: 4, resetAt: T0 + WINDOW, allowed: true });
          for (let i = 0; i < 4; i++) await rateLimiter.hit('k', 5, WINDOW, clock.now());
          const full = await rateLimiter.peek('k', 5, WINDOW, clock.now());
          assert.deepEqual(full, { limit: 5, remaining: 0, resetAt: T0 + WINDOW, allowed: false });
          const again = await rateLimiter.peek('k', 5, WINDOW, clock.now());
          assert.deepEqual(again, full);
        }));

      it('keeps keys independent', () =>
        withShared(async ({ rateLimiter }, clock) => {
          await rateLimiter.hit('a', 1, WINDOW, clock.now());
          assert.equal((await rateLimiter.hit('a', 1, WINDOW, clock.now())).allowed, false);
          clock.advance(MINUTE);
          const b = await rateLimiter.hit('b', 1, WINDOW, clock.now());
          assert.deepEqual(b, { limit: 1, remaining: 0, resetAt: T0 + MINUTE + WINDOW, allowed: true });
          const c = await rateLimiter.peek('app:1:GET /2/users/:id/liked_tweets', 75, WINDOW, clock.now());
          assert.deepEqual(c, { limit: 75, remaining: 75, resetAt: T0 + MINUTE + WINDOW, allowed: true });
          assert.equal((await rateLimiter.peek('a', 1, WINDOW, clock.now())).resetAt, T0 + WINDOW);
        }));

      it('is atomic: 50 concurrent hits with limit 20 allow exactly 20', () =>
        withShared(async ({ rateLimiter }, clock) => {
          const now = clock.now();
          const states = await Promise.all(Array.from({ length: 50 }, () => rateLimiter.hit('hot', 20, WINDOW, now)));
          const allowed = states.filter((s) => s.allowed);
          assert.equal(allowed.length, 20);
          assert.deepEqual(allowed.map((s) => s.remaining).sort((x, y) => x - y), Array.from({ length: 20 }, (_, i) => i));
          for (const s of states) {
            assert.equal(s.resetAt, now + WINDOW);
            if (!s.allowed) assert.equal(s.remaining, 0);
          }
          const after = await rateLimiter.peek('hot', 20, WINDOW, now);
          assert.deepEqual(after, { limit: 20, remaining: 0, resetAt: now + WINDOW, allowed: false });
        }));

      it("follows the caller's clock, whatever the real time is", () =>
        withShared(async ({ rateLimiter }) => {
          for (const start of [Date.UTC(2001, 8, 9), Date.UTC(2091, 2, 3)]) {
            const key = `clock:${start}`;
            await rateLimiter.hit(key, 2, WINDOW, start);
            const second = await rateLimiter.hit(key, 2, WINDOW, start + WINDOW - 1);
            assert.deepEqual(second, { limit: 2, remaining: 0, resetAt: start + WINDOW, allowed: true });
            const third = await rateLimiter.hit(key, 2, WINDOW, start + WINDOW - 1);
            assert.equal(third.allowed, false);
            const next = await rateLimiter.hit(key, 2, WINDOW, start + WINDOW);
            assert.deepEqual(next, { limit: 2, remaining: 1, resetAt: start + 2 * WINDOW, allowed: true });
          }
        }));

      it('a limit of 0 refuses everything', () =>
        withShared(async ({ rateLimiter }, clock) => {
          const state = await rateLimiter.hit('zero', 0, WINDOW, clock.now());
          assert.equal(state.allowed, false);
          assert.equal(state.remaining, 0);
        }));

      it('refund gives back one request of the running window, never below zero', () =>
        withShared(async ({ rateLimiter }, clock) => {
          await rateLimiter.refund('never', WINDOW, clock.now());
          assert.equal((await rateLimiter.peek('never', 2, WINDOW, clock.now())).remaining, 2);
          await rateLimiter.hit('k', 2, WINDOW, clock.now());
          await rateLimiter.hit('k', 2, WINDOW, clock.now());
          assert.equal((await rateLimiter.hit('k', 2, WINDOW, clock.now())).allowed, false);
          await rateLimiter.refund('k', WINDOW, clock.now());
          assert.deepEqual(await rateLimiter.hit('k', 2, WINDOW, clock.now()), { limit: 2, remaining: 0, resetAt: T0 + WINDOW, allowed: true });
          for (let i = 0; i < 4; i++) await rateLimiter.refund('k', WINDOW, clock.now());
          assert.equal((await rateLimiter.peek('k', 2, WINDOW, clock.now())).remaining, 2);
          clock.set(T0 + WINDOW);
          await rateLimiter.refund('k', WINDOW, clock.now());
          assert.deepEqual(await rateLimiter.hit('k', 2, WINDOW, clock.now()), { limit: 2, remaining: 1, resetAt: T0 + 2 * WINDOW, allowed: true });
        }));
    });

    describe('RateLimiter attempts', () => {
      const policy = { limit: 6, windowMs: WINDOW, free: 2, delayMs: 1000 };

      it('admits the free attempts at once, then each after a doubling delay, up to the limit', () =>
        withShared(async ({ rateLimiter }, clock) => {
          assert.deepEqual(await rateLimiter.attempt('u', policy, clock.now()), { allowed: true, count: 1, retryAt: T0 });
          assert.deepEqual(await rateLimiter.attempt('u', policy, clock.now()), { allowed: true, count: 2, retryAt: T0 + 1000 });
          assert.deepEqual(await rateLimiter.attempt('u', policy, clock.now()), { allowed: false, count: 2, retryAt: T0 + 1000 });
          clock.advance(999);
          assert.equal((await rateLimiter.attempt('u', policy, clock.now())).allowed, false, 'a refused attempt does not move the wait');
          clock.advance(1);
          assert.deepEqual(await rateLimiter.attempt('u', policy, clock.now()), { allowed: true, count: 3, retryAt: T0 + 1000 + 2000 });
          clock.set(T0 + 3000);
          assert.deepEqual(await rateLimiter.attempt('u', policy, clock.now()), { allowed: true, count: 4, retryAt: T0 + 3000 + 4000 });
          clock.set(T0 + 7000);
          assert.deepEqual(await rateLimiter.attempt('u', policy, clock.now()), { allowed: true, count: 5, retryAt: T0 + 7000 + 8000 });
          clock.set(T0 + 15_000);
          assert.deepEqual(await rateLimiter.attempt('u', policy, clock.now()), { allowed: true, count: 6, retryAt: T0 + WINDOW });
          clock.set(T0 + WINDOW - 1);
          assert.deepEqual(await rateLimiter.attempt('u', policy, clock.now()), { allowed: false, count: 6, retryAt: T0 + WINDOW });
          clock.set(T0 + WINDOW);
          assert.deepEqual(await rateLimiter.attempt('u', policy, clock.now()), { allowed: true, count: 1, retryAt: T0 + WINDOW });
        }));

      it('never waits past the end of the window', () =>
        withShared(async ({ rateLimiter }, clock) => {
          const slow = { limit: 10, windowMs: WINDOW, free: 0, delayMs: WINDOW * 4 };
          assert.deepEqual(await rateLimiter.attempt('s', slow, clock.now()), { allowed: true, count: 1, retryAt: T0 + WINDOW });
          clock.advance(MINUTE);
          assert.deepEqual(await rateLimiter.attempt('s', slow, clock.now()), { allowed: false, count: 1, retryAt: T0 + WINDOW });
        }));

      it('is atomic: of 26 concurrent attempts exactly the limit are admitted', () =>
        withShared(async ({ rateLimiter }, clock) => {
          const flat = { limit: 10, windowMs: WINDOW, free: 10, delayMs: 1000 };
          const states = await Promise.all(Array.from({ length: 26 }, () => rateLimiter.attempt('hot', flat, clock.now())));
          const admitted = states.filter((s) => s.allowed);
          assert.equal(admitted.length, 10);
          assert.deepEqual(admitted.map((s) => s.count).sort((x, y) => x - y), Array.from({ length: 10 }, (_, i) => i + 1));
          const paced = await Promise.all(Array.from({ length: 26 }, () => rateLimiter.attempt('paced', policy, clock.now())));
          assert.equal(paced.filter((s) => s.allowed).length, policy.free, 'the delay also holds under concurrency');
        }));

      it('refund makes room for one more attempt, and a limit of 0 admits nothing', () =>
        withShared(async ({ rateLimiter }, clock) => {
          const flat = { limit: 2, windowMs: WINDOW, free: 2, delayMs: 0 };
          await rateLimiter.attempt('r', flat, clock.now());
          await rateLimiter.attempt('r', flat, clock.now());
          assert.equal((await rateLimiter.attempt('r', flat, clock.now())).allowed, false);
          await rateLimiter.refund('r', WINDOW, clock.now());
          assert.deepEqual(await rateLimiter.attempt('r', flat, clock.now()), { allowed: true, count: 2, retryAt: T0 + WINDOW });
          assert.equal((await rateLimiter.attempt('none', { ...flat, limit: 0 }, clock.now())).allowed, false);
        }));
    });

    describe('NonceStore', () => {
      it('remembers a nonce once within the ttl', () =>
        withShared(async ({ nonceStore }, clock) => {
          assert.equal(await nonceStore.remember('consumer:abc', 5 * MINUTE, clock.now()), true);
          assert.equal(await nonceStore.remember('consumer:abc', 5 * MINUTE, clock.now()), false);
          clock.advance(5 * MINUTE - 1);
          assert.equal(await nonceStore.remember('consumer:abc', 5 * MINUTE, clock.now()), false);
        }));

      it('accepts the nonce again once the ttl has passed, then remembers it anew', () =>
        withShared(async ({ nonceStore }, clock) => {
          assert.equal(await nonceStore.remember('n', 5 * MINUTE, clock.now()), true);
          clock.advance(5 * MINUTE);
          assert.equal(await nonceStore.remember('n', 5 * MINUTE, clock.now()), true);
          clock.advance(MINUTE);
          assert.equal(await nonceStore.remember('n', 5 * MINUTE, clock.now()), false);
        }));

      it('keeps nonces independent', () =>
        withShared(async ({ nonceStore }, clock) => {
          assert.equal(await nonceStore.remember('a', MINUTE, clock.now()), true);
          assert.equal(await nonceStore.remember('b', MINUTE, clock.now()), true);
          assert.equal(await nonceStore.remember('a', MINUTE, clock.now()), false);
        }));

      it('is atomic: of 20 concurrent replays exactly one is accepted', () =>
        withShared(async ({ nonceStore }, clock) => {
          const now = clock.now();
          const results = await Promise.all(Array.from({ length: 20 }, () => nonceStore.remember('race', MINUTE, now)));
          assert.equal(results.filter(Boolean).length, 1);
        }));
    });

    describe('UsageMeter', () => {
      const d1 = '2026-01-01';
      const d2 = '2026-01-02';
      const d3 = '2026-01-03';
      const period = '2025-12-15';

      it('adds per project, per app, per day and per period', () =>
        withShared(async ({ usageMeter }) => {
          await usageMeter.add('p1', 'app-a', d1, period, 3);
          await usageMeter.add('p1', 'app-b', d1, period, 2);
          await usageMeter.add('p1', 'app-a', d2, period, 4);
          await usageMeter.add('p1', 'app-a', d2, '2026-01-15', 10);
          await usageMeter.add('p2', 'app-c', d1, period, 100);

          assert.equal(await usageMeter.periodTotal('p1', period), 9);
          assert.equal(await usageMeter.periodTotal('p1', '2026-01-15'), 10);
          assert.equal(await usageMeter.periodTotal('p2', period), 100);
          assert.deepEqual(await usageMeter.projectDaily('p1', [d1, d2, d3]), [5, 14, 0]);
          assert.deepEqual(await usageMeter.projectDaily('p1', [d3, d1]), [0, 5]);
          assert.deepEqual(await usageMeter.appDaily('p1', 'app-a', [d1, d2, d3]), [3, 14, 0]);
          assert.deepEqual(await usageMeter.appDaily('p1', 'app-b', [d1, d2]), [2, 0]);
          assert.deepEqual(await usageMeter.appDaily('p1', 'app-c', [d1]), [0]);
          assert.deepEqual([...(await usageMeter.appsOf('p1'))].sort(), ['app-a', 'app-b']);
          assert.deepEqual(await usageMeter.appsOf('p2'), ['app-c']);
        }));

      it('answers zero and empty for what was never read', () =>
        withShared(async ({ usageMeter }) => {
          assert.equal(await usageMeter.periodTotal('nobody', period), 0);
          assert.deepEqual(await usageMeter.projectDaily('nobody', [d1, d2]), [0, 0]);
          assert.deepEqual(await usageMeter.appDaily('nobody', 'app', [d1]), [0]);
          assert.deepEqual(await usageMeter.projectDaily('nobody', []), []);
          assert.deepEqual(await usageMeter.appsOf('nobody'), []);
        }));

      it('an add of 0 Tweets does not list the app', () =>
        withShared(async ({ usageMeter }) => {
          await usageMeter.add('p1', 'idle-app', d1, period, 0);
          assert.deepEqual(await usageMeter.appsOf('p1'), []);
          assert.equal(await usageMeter.periodTotal('p1', period), 0);
        }));

      it('loses no concurrent adds', () =>
        withShared(async ({ usageMeter }) => {
          await Promise.all(
            Array.from({ length: 50 }, (_, i) => usageMeter.add('p1', i % 2 ? 'odd' : 'even', d1, period, 1)),
          );
          assert.equal(await usageMeter.periodTotal('p1', period), 50);
          assert.deepEqual(await usageMeter.projectDaily('p1', [d1]), [50]);
          assert.deepEqual(await usageMeter.appDaily('p1', 'odd', [d1]), [25]);
          assert.deepEqual([...(await usageMeter.appsOf('p1'))].sort(), ['even', 'odd']);
        }));
    });

    describe('ChangeCounter', () => {
      it('moves each kind bumped, and only it; bumps asked for together each resolve once the counters moved', () =>
        withShared(async ({ changes }) => {
          const v0 = await changes.current();
          await changes.bump(['credentials']);
          const v1 = await changes.current();
          assert.equal(v1.data, v0.data);
          assert.notEqual(v1.credentials, v0.credentials);
          // Many writers at once (a group-committed batch): every one sees both counters past what they read before.
          const seen = await Promise.all(
            Array.from({ length: 20 }, async (_, i) => {
              await changes.bump(i === 7 ? ['data', 'credentials'] : ['data']);
              return changes.current();
            }),
          );
          for (const v of seen) {
            assert.notEqual(v.data, v1.data);
            assert.notEqual(v.credentials, v1.credentials);
          }
          // A bump asked for after the others resolved moves the counter again.
          const v2 = await changes.current();
          await changes.bump(['data']);
          assert.notEqual((await changes.current()).data, v2.data);
        }));

      it('likes move their own version, once a turn, and record the keys each version changed', () =>
        withShared(async ({ changes }) => {
          const v0 = await changes.current();
          await changes.bumpLikes(['u1', 't9']);
          const v1 = await changes.current();
          assert.equal(v1.likes, v0.likes + 1);
          assert.equal(v1.data, v0.data);
          assert.equal(v1.credentials, v0.credentials);
          assert.deepEqual(await changes.likeChanges(v0.likes, v1.likes), [{ version: v1.likes, keys: ['u1', 't9'] }]);
          // The likes of one turn share a version and record all their keys.
          await Promise.all([changes.bumpLikes(['u2', 't8']), changes.bumpLikes(['u3', 't8'])]);
          const v2 = await changes.current();
          assert.ok(v2.likes > v1.likes);
          const since = await changes.likeChanges(v1.likes, v2.likes);
          assert.ok(since !== null);
          assert.deepEqual(since.map((c) => c.version), Array.from({ length: v2.likes - v1.likes }, (_, i) => v1.likes + 1 + i));
          assert.deepEqual(new Set(since.flatMap((c) => c.keys)), new Set(['u2', 't8', 'u3']));
          // Nothing asked for, and a range partly beyond the versions kept: unknown, so null.
          assert.deepEqual(await changes.likeChanges(v2.likes, v2.likes), []);
          for (let i = 0; i < LIKE_CHANGES_KEPT + 3; i++) await changes.bumpLikes([`u${i}`]);
          const v3 = await changes.current();
          assert.equal(await changes.likeChanges(v2.likes, v3.likes), null);
          const latest = await changes.likeChanges(v3.likes - 2, v3.likes);
          assert.deepEqual(latest?.map((c) => c.keys), [[`u${LIKE_CHANGES_KEPT + 1}`], [`u${LIKE_CHANGES_KEPT + 2}`]]);
        }));

      it('finds the changes asked for however many versions were recorded after them', () =>
        withShared(async ({ changes }) => {
          const v0 = await changes.current();
          for (let i = 0; i < 3; i++) await changes.bumpLikes([`t${i}`]);
          const v1 = await changes.current();
          // Other writers went on after v1 was read, by more versions than anything ever read past what was asked.
          for (let i = 0; i < 300; i++) await changes.bumpLikes([`u${i}`]);
          const asked = await changes.likeChanges(v0.likes, v1.likes);
          assert.deepEqual(asked?.map((c) => c.keys), [['t0'], ['t1'], ['t2']]);
          assert.deepEqual(asked?.map((c) => c.version), [v0.likes + 1, v0.likes + 2, v0.likes + 3]);
        }));
    });

    describe('worlds (forWorld, forgetWorld)', () => {
      it("keeps each world's state apart from the default's and from each other's", () =>
        withShared(async (shared, clock) => {
          const a = shared.forWorld('sbaaaaaaaaaa');
          const b = shared.forWorld('sbbbbbbbbbbb');
          await a.rateLimiter.hit('user:1', 3, WINDOW, clock.now());
          await a.rateLimiter.hit('user:1', 3, WINDOW, clock.now());
          await a.changes.bump(['data']);
          await a.ephemeral.put('code:x', 'in a', MINUTE, clock.now());
          assert.equal((await a.rateLimiter.peek('user:1', 3, WINDOW, clock.now())).remaining, 1);
          assert.equal((await b.rateLimiter.peek('user:1', 3, WINDOW, clock.now())).remaining, 3);
          assert.equal((await shared.rateLimiter.peek('user:1', 3, WINDOW, clock.now())).remaining, 3);
          assert.equal(await b.ephemeral.get('code:x', clock.now()), null);
          assert.equal(await shared.ephemeral.get('code:x', clock.now()), null);
          assert.notEqual((await a.changes.current()).data, (await b.changes.current()).data);
          // The same world asked for again is the same state.
          assert.equal(await shared.forWorld('sbaaaaaaaaaa').ephemeral.get('code:x', clock.now()), 'in a');
          await shared.forgetWorld('sbaaaaaaaaaa');
          await shared.forgetWorld('sbbbbbbbbbbb');
        }));

      it('forgets a world whole, or all but its versions, which never go back', () =>
        withShared(async (shared, clock) => {
          const a = shared.forWorld('sbcccccccccc');
          await a.rateLimiter.hit('user:1', 3, WINDOW, clock.now());
          await a.changes.bump(['data', 'credentials']);
          await a.changes.bump(['data']);
          await a.changes.bumpLikes(['u1', 't1']);
          const before = await a.changes.current();
          await a.controls.setClockOffsetMs(5000);
          await shared.forgetWorld('sbcccccccccc', { keepVersions: true });
          const kept = shared.forWorld('sbcccccccccc');
          assert.equal((await kept.rateLimiter.peek('user:1', 3, WINDOW, clock.now())).remaining, 3);
          assert.equal(await kept.controls.clockOffsetMs(), 0);
          assert.deepEqual(await kept.changes.current(), before);
          await kept.changes.bump(['data']);
          assert.notEqual((await kept.changes.current()).data, before.data);
          await shared.forgetWorld('sbcccccccccc');
          assert.deepEqual(await shared.forWorld('sbcccccccccc').changes.current(), { data: '0', credentials: '0', likes: 0 });
          await shared.forgetWorld('sbcccccccccc');
        }));
    });
  });
}
