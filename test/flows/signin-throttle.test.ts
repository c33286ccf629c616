// Sign-in guesses and authorize pages are bounded however they are sent: guesses are counted atomically before
// the password hash (per username, per pending authorization, per client address), hashes run in a few slots,
// the per-username wait grows after a few guesses (manual clock, nothing sleeps), and unauthenticated authorize
// pages cannot fill the ephemeral store. Against memory and Redis (LIKES_API_TEST_REDIS_URL, default
// redis://127.0.0.1:6379/0) and two real instances on PostgreSQL + Redis: those parts FAIL without them.
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { MemoryEphemeral, MemoryRateLimiter } from '../../src/adapters/memory/index.ts';
import { RedisConnection, RedisRateLimiter } from '../../src/adapters/redis/index.ts';
import { HashSlots } from '../../src/auth/flows/hashSlots.ts';
import { setPassword } from '../../src/auth/flows/passwords.ts';
import { AUTHORIZE_ADDRESS_LIMIT, PendingAuthorizations, PendingCapacityError, type OAuth2Grant } from '../../src/auth/flows/pending.ts';
import { SIGN_IN_ADDRESS_LIMIT, SIGN_IN_USERNAME_POLICY, SIGN_IN_WINDOW_MS, SignIn, type SignInOptions, type SignInResult } from '../../src/auth/flows/signIn.ts';
import type { DemoCredentials } from '../../src/demo/demoSeed.ts';
import type { RateLimiter } from '../../src/ports/rateLimiter.ts';
import type { LikesStore } from '../../src/ports/store.ts';
import { ManualClock } from '../support/clock.ts';
import { formOf } from '../support/forms.ts';
import { serverForSuite } from '../support/harness.ts';
import { memoryStore } from '../support/memoryStore.ts';
import { user } from '../support/records.ts';
import {
  REDIS_URL, cleanup, createDatabase, deleteByPrefix, requireRedis, startHealthyInstances, stopAll, tempDir,
  uniquePrefix, type Instance, type TestDatabase,
} from '../support/processes.ts';

const T0 = Date.UTC(2026, 0, 1, 12);
const RIGHT = 'the-right-one';
const PASSWORD = 'likes-api-demo';
/** No growing wait: only the hard bound of 10 (what concurrency alone must never beat). */
const FLAT = { ...SIGN_IN_USERNAME_POLICY, free: SIGN_IN_USERNAME_POLICY.limit };

const reasonOf = (r: SignInResult): string => (r.ok ? 'ok' : r.reason);

/** A real store in memory where alice has the password RIGHT and nobody else exists. */
let store: LikesStore;
/** alice's stored hash, as the store gives it to the password check. */
let aliceHash: string;
before(async () => {
  const memory = await memoryStore();
  await memory.insertUsers([user('1', { username: 'alice' })]);
  await setPassword(memory, '1', RIGHT);
  aliceHash = (await memory.userPasswordHash('1'))!;
  assert.match(aliceHash, /^scrypt\$/);
  store = memory;
});
after(() => store.close());

/** A password check that records what it evaluated, yielding once like a real hash would (RIGHT against alice's hash). */
function countingVerifier(release: Promise<void> = Promise.resolve()) {
  const evaluated: string[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  return {
    evaluated,
    get maxInFlight() {
      return maxInFlight;
    },
    async verify(password: string, stored: string | null): Promise<boolean> {
      evaluated.push(password);
      maxInFlight = Math.max(maxInFlight, ++inFlight);
      await new Promise((r) => setImmediate(r));
      await release;
      inFlight--;
      return stored === aliceHash && password === RIGHT;
    },
  };
}

/** 25 wrong guesses and the right one last, all sent at once. */
const burst = (signIn: SignIn, address = '192.0.2.1') =>
  Promise.all(Array.from({ length: 26 }, (_, i) => signIn.verify('alice', i === 25 ? RIGHT : `wrong-${i}`, { address })));

function limiterCases(name: string, open: () => Promise<{ limiter: () => RateLimiter; close(): Promise<void> }>) {
  describe(`${name}: guesses are counted before the hash`, () => {
    const use = async (fn: (limiter: () => RateLimiter) => Promise<void>) => {
      const opened = await open();
      try {
        await fn(opened.limiter);
      } finally {
        await opened.close();
      }
    };
    const signIn = (limiter: RateLimiter, clock: ManualClock, verify: (p: string, s: string | null) => Promise<boolean>, options: SignInOptions = {}) =>
      new SignIn(store, limiter, clock, { verify, addressLimit: null, ...options });

    it('26 concurrent guesses with the right one among them: 10 evaluated, and the right one (beyond them) loses', () =>
      use(async (limiter) => {
        const counter = countingVerifier();
        const results = await burst(signIn(limiter(), new ManualClock(T0), counter.verify, { usernamePolicy: FLAT }));
        assert.equal(counter.evaluated.length, 10);
        assert.equal(results.filter((r) => r.ok).length, 0);
        assert.deepEqual(results[25], { ok: false, reason: 'locked', retryAt: T0 + SIGN_IN_WINDOW_MS });
        assert.equal(results.filter((r) => reasonOf(r) === 'invalid').length, 10);
      }));

    it('with the default policy the same burst gets only the free guesses evaluated', () =>
      use(async (limiter) => {
        const counter = countingVerifier();
        const results = await burst(signIn(limiter(), new ManualClock(T0), counter.verify));
        assert.equal(counter.evaluated.length, SIGN_IN_USERNAME_POLICY.free);
        assert.equal(results.some((r) => r.ok), false);
      }));

    it('two instances sharing the limiter: 10 evaluated between them', () =>
      use(async (limiter) => {
        const a = countingVerifier();
        const b = countingVerifier();
        const clock = new ManualClock(T0);
        const [onA, onB] = await Promise.all([
          burst(signIn(limiter(), clock, a.verify, { usernamePolicy: FLAT })),
          burst(signIn(limiter(), clock, b.verify, { usernamePolicy: FLAT })),
        ]);
        assert.equal(a.evaluated.length + b.evaluated.length, 10, `A ${a.evaluated.length}, B ${b.evaluated.length}`);
        assert.equal([...onA, ...onB].filter((r) => r.ok).length, 0, 'the right ones came after 10 others on their connection');
      }));

    it('the wait grows after the free guesses, and the bound holds for the whole window', () =>
      use(async (limiter) => {
        const clock = new ManualClock(T0);
        const counter = countingVerifier();
        const s = signIn(limiter(), clock, counter.verify);
        for (let i = 0; i < 5; i++) assert.deepEqual(await s.verify('alice', `wrong-${i}`, { address: 'a' }), { ok: false, reason: 'invalid', exhausted: false });
        let wait = SIGN_IN_USERNAME_POLICY.delayMs;
        for (let i = 5; i < 10; i++) {
          const early = await s.verify('@Alice', RIGHT, { address: 'a' });
          assert.deepEqual(early, { ok: false, reason: 'locked', retryAt: clock.now() + wait }, `guess ${i + 1}`);
          clock.advance(wait - 1);
          assert.equal((await s.verify('alice', RIGHT, { address: 'a' })).ok, false, 'one ms early is still early');
          clock.advance(1);
          assert.equal((await s.verify('alice', `wrong-${i}`, { address: 'a' })).ok, false);
          wait *= 2;
        }
        assert.equal(counter.evaluated.length, 10);
        clock.set(T0 + SIGN_IN_WINDOW_MS - 1);
        assert.deepEqual(await s.verify('alice', RIGHT, { address: 'a' }), { ok: false, reason: 'locked', retryAt: T0 + SIGN_IN_WINDOW_MS });
        assert.equal(counter.evaluated.length, 10, 'nothing more was evaluated in the window');
        clock.set(T0 + SIGN_IN_WINDOW_MS);
        assert.equal((await s.verify('alice', RIGHT, { address: 'a' })).ok, true, 'the next window starts afresh');
      }));

    it('a right password gives its guess back: a user who signs in keeps the budget', () =>
      use(async (limiter) => {
        const clock = new ManualClock(T0);
        const counter = countingVerifier();
        const s = signIn(limiter(), clock, counter.verify);
        for (let i = 0; i < 4; i++) await s.verify('alice', `wrong-${i}`, { address: 'a' });
        for (let i = 0; i < 20; i++) assert.equal((await s.verify('alice', RIGHT, { address: 'a' })).ok, true);
        assert.equal((await s.verify('alice', 'wrong-again', { address: 'a' })).ok, false);
        assert.equal(reasonOf(await s.verify('alice', RIGHT, { address: 'a' })), 'locked', 'the sixth counted guess waits');
      }));

    it('per pending authorization: 5 guesses, the fifth says so, even when sent at once', () =>
      use(async (limiter) => {
        const clock = new ManualClock(T0);
        const counter = countingVerifier();
        const s = signIn(limiter(), clock, counter.verify, { usernamePolicy: FLAT });
        const results = await Promise.all(
          Array.from({ length: 26 }, (_, i) => s.verify(`user${i}`, 'wrong', { address: 'a', pendingId: 'p'.repeat(32) })),
        );
        assert.equal(counter.evaluated.length, 5);
        assert.equal(results.filter((r) => !r.ok && r.reason === 'invalid' && r.exhausted).length, 1);
        assert.equal(results.filter((r) => reasonOf(r) === 'exhausted').length, 21);
        const other = await s.verify('alice', RIGHT, { address: 'a', pendingId: 'q'.repeat(32) });
        assert.equal(other.ok, true, 'another authorization has its own budget');
      }));

    it('per address: guesses over any usernames stop at the limit; refused guesses use no username budget', () =>
      use(async (limiter) => {
        const clock = new ManualClock(T0);
        const counter = countingVerifier();
        const s = signIn(limiter(), clock, counter.verify, { addressLimit: 3 });
        for (const name of ['bob', 'carol', 'dave']) assert.equal(reasonOf(await s.verify(name, 'x', { address: '198.51.100.7' })), 'invalid');
        const refused = await s.verify('alice', RIGHT, { address: '198.51.100.7' });
        assert.deepEqual(refused, { ok: false, reason: 'address', retryAt: T0 + SIGN_IN_WINDOW_MS });
        assert.equal(counter.evaluated.length, 3);
        assert.equal((await s.verify('alice', RIGHT, { address: '198.51.100.8' })).ok, true, 'another address is not affected');
      }));
  });
}

limiterCases('MemoryRateLimiter', async () => {
  const shared = new MemoryRateLimiter();
  return { limiter: () => shared, close: () => shared.close() };
});

limiterCases('RedisRateLimiter', async () => {
  const prefix = uniquePrefix('signin');
  const connections: RedisConnection[] = [];
  return {
    // One connection per "instance", one prefix: what two processes on one Redis have.
    limiter: () => {
      const connection = new RedisConnection({ url: REDIS_URL, prefix });
      connections.push(connection);
      return new RedisRateLimiter(connection);
    },
    async close() {
      for (const c of connections) await c.close();
      await deleteByPrefix(REDIS_URL, prefix);
    },
  };
});

describe('hash slots', () => {
  it('no more hashes run at once than the slots; a full queue is refused and the guess given back', async () => {
    let open!: () => void;
    const counter = countingVerifier(new Promise<void>((r) => (open = r)));
    const limiter = new MemoryRateLimiter();
    const clock = new ManualClock(T0);
    const s = new SignIn(store, limiter, clock, { verify: counter.verify, addressLimit: 10, slots: new HashSlots({ max: 2, maxQueue: 1, maxWaitMs: 60_000 }) });
    const pending = ['bob', 'carol', 'dave'].map((name) => s.verify(name, 'x', { address: 'a' }));
    const refused = await s.verify('erin', 'x', { address: 'a' });
    assert.deepEqual(refused, { ok: false, reason: 'busy' });
    assert.ok(counter.evaluated.length <= 2, 'two hashes running, one waiting');
    open();
    const done = await Promise.all(pending);
    assert.deepEqual(done.map(reasonOf), ['invalid', 'invalid', 'invalid']);
    assert.equal(counter.evaluated.length, 3);
    assert.equal(counter.maxInFlight, 2);
    assert.equal((await limiter.peek('signin-addr:a', 10, SIGN_IN_WINDOW_MS, clock.now())).remaining, 7, 'the refused guess was given back');
  });

  it('a waiter gives up after maxWaitMs', async () => {
    let open!: () => void;
    const counter = countingVerifier(new Promise<void>((r) => (open = r)));
    const s = new SignIn(store, new MemoryRateLimiter(), new ManualClock(T0), { verify: counter.verify, addressLimit: null, slots: new HashSlots({ max: 1, maxQueue: 8, maxWaitMs: 5 }) });
    const first = s.verify('bob', 'x', { address: 'a' });
    assert.deepEqual(await s.verify('carol', 'x', { address: 'a' }), { ok: false, reason: 'busy' });
    open();
    assert.equal(reasonOf(await first), 'invalid');
  });
});

describe('pending authorizations: global creation cap', () => {
  it('opens at most the cap per window, then refuses with the time to retry', async () => {
    const clock = new ManualClock(T0);
    const eph = new MemoryEphemeral();
    const pending = new PendingAuthorizations(eph, clock, new MemoryRateLimiter(), 50);
    const grant: OAuth2Grant = { kind: 'oauth2', appId: '1', clientId: 'c', redirectUri: 'http://127.0.0.1/cb', scopes: ['tweet.read'], state: 's', challenge: 'x'.repeat(43), method: 'S256' };
    let refused = 0;
    for (let i = 0; i < 10_000; i++) {
      try {
        await pending.create(grant);
      } catch (e) {
        assert.ok(e instanceof PendingCapacityError);
        assert.equal(e.retryAt, T0 + 15 * 60_000);
        refused++;
      }
    }
    assert.equal(refused, 9_950);
    assert.equal(eph.size, 50);
  });
});

// ---- over HTTP ----

function authorizeUrl(baseUrl: string, clientId: string): string {
  const url = new URL('/i/oauth2/authorize', baseUrl);
  url.search = new URLSearchParams({
    response_type: 'code', client_id: clientId, redirect_uri: 'http://127.0.0.1/callback', scope: 'tweet.read users.read',
    state: 's', code_challenge: createHash('sha256').update(randomBytes(32)).digest('base64url'), code_challenge_method: 'S256',
  }).toString();
  return url.toString();
}

/** Opens an authorize page; returns a function posting its sign-in form (to `postTo`, default the same origin). */
async function signInForm(baseUrl: string, clientId: string, headers: Record<string, string> = {}) {
  const res = await fetch(authorizeUrl(baseUrl, clientId), { headers });
  const html = await res.text();
  assert.equal(res.status, 200, html);
  const cookie = /likes_api_flow=[A-Za-z0-9]+/.exec(res.headers.get('set-cookie') ?? '')![0];
  const { action, fields } = formOf(html);
  return async (username: string, password: string, postTo = baseUrl) => {
    const r = await fetch(new URL(action, postTo), {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie, ...headers },
      body: new URLSearchParams({ ...fields, username, password, action: 'signin' }).toString(),
    });
    return { status: r.status, page: await r.text(), retryAfter: r.headers.get('retry-after') };
  };
}

const WRONG = /Wrong username or password/;
const LOCKED = /Too many sign-in attempts for this account/;

describe('over HTTP', () => {
  const clock = new ManualClock(Date.now());
  const server = serverForSuite({ clock, env: { LIKES_API_TRUST_PROXY: '1' } });

  it('26 concurrent sign-ins for one account: at most 10 evaluated; once spent, the right password does not win', async () => {
    const user = server.creds.users[2].username;
    const forms = await Promise.all(Array.from({ length: 26 }, () => signInForm(server.baseUrl, server.creds.app.clientId)));
    const replies = await Promise.all(forms.map((post, i) => post(user, i === 13 ? PASSWORD : `wrong-${i}`)));
    const evaluated = replies.filter((r) => r.status === 200 || (r.status === 401 && WRONG.test(r.page)));
    assert.ok(evaluated.length >= 1 && evaluated.length <= 10, `${evaluated.length} evaluated`);
    for (const r of replies.filter((x) => x.status === 429)) {
      assert.match(r.page, LOCKED);
      assert.doesNotMatch(r.page, /password was|username was|no such|unknown/i, 'says nothing about which part was wrong');
      assert.ok(Number(r.retryAfter) >= 1);
    }
    // Spend the rest of the budget with wrong guesses (moving the clock past each wait), then the right password.
    let wrong = evaluated.filter((r) => r.status === 401).length;
    for (let i = 0; wrong < 10; i++) {
      assert.ok(i < 40, 'the budget is spent within 40 tries');
      const post = await signInForm(server.baseUrl, server.creds.app.clientId, { 'x-forwarded-for': `203.0.113.${i}` });
      const r = await post(user, `more-wrong-${i}`);
      if (r.status === 401) wrong++;
      else if (r.status === 429) clock.advance(Number(r.retryAfter) * 1000);
      else assert.fail(`unexpected ${r.status}`);
    }
    const last = await (await signInForm(server.baseUrl, server.creds.app.clientId))(user, PASSWORD);
    assert.equal(last.status, 429, 'the bound is reached: even the right password is not evaluated');
    assert.match(last.page, LOCKED);
  });

  it('per address (X-Forwarded-For trusted by the setting): the limit applies across usernames, another address is free', async () => {
    const from = { 'x-forwarded-for': '10.9.8.7, 198.51.100.20' };
    let evaluated = 0;
    let post = await signInForm(server.baseUrl, server.creds.app.clientId, from);
    for (let i = 0; evaluated < SIGN_IN_ADDRESS_LIMIT; i++) {
      if (i % 5 === 0) post = await signInForm(server.baseUrl, server.creds.app.clientId, from);
      const r = await post(`nobody_${i}`, 'x');
      assert.equal(r.status, 401, r.page);
      evaluated++;
    }
    const refused = await (await signInForm(server.baseUrl, server.creds.app.clientId, from))(server.creds.users[1].username, PASSWORD);
    assert.equal(refused.status, 429);
    assert.match(refused.page, /Too many sign-in attempts from your network/);
    const elsewhere = await (await signInForm(server.baseUrl, server.creds.app.clientId, { 'x-forwarded-for': '198.51.100.21' }))(server.creds.users[1].username, PASSWORD);
    assert.equal(elsewhere.status, 200, elsewhere.page);
  });

  it('10,000 unauthenticated authorize pages leave a bounded number of pending authorizations', async () => {
    const eph = server.services.shared.ephemeral as MemoryEphemeral;
    const before = eph.size;
    const url = new URL(authorizeUrl(server.baseUrl, server.creds.app.clientId));
    const statuses = new Map<number, number>();
    for (let i = 0; i < 10_000; i++) {
      const res = await server.app.inject({ method: 'GET', url: `${url.pathname}${url.search}`, remoteAddress: '192.0.2.77' });
      statuses.set(res.statusCode, (statuses.get(res.statusCode) ?? 0) + 1);
    }
    assert.deepEqual([...statuses.keys()].sort(), [200, 429]);
    assert.equal(statuses.get(200), AUTHORIZE_ADDRESS_LIMIT);
    assert.ok(eph.size - before <= AUTHORIZE_ADDRESS_LIMIT, `${eph.size - before} new entries`);
    // Requests that open nothing (an unknown client_id) do not use the address's allowance.
    for (let i = 0; i < 200; i++) {
      const res = await server.app.inject({ method: 'GET', url: `/i/oauth2/authorize?client_id=nope-${i}`, remoteAddress: '192.0.2.78' });
      assert.equal(res.statusCode, 400);
    }
    const ok = await server.app.inject({ method: 'GET', url: `${url.pathname}${url.search}`, remoteAddress: '192.0.2.78' });
    assert.equal(ok.statusCode, 200);
  });
});

describe('without LIKES_API_TRUST_PROXY, X-Forwarded-For is ignored', () => {
  const server = serverForSuite();

  it('a client cannot escape the per-address limit by inventing addresses', async () => {
    const url = new URL(authorizeUrl(server.baseUrl, server.creds.app.clientId));
    let opened = 0;
    for (let i = 0; i < AUTHORIZE_ADDRESS_LIMIT + 20; i++) {
      const res = await server.app.inject({ method: 'GET', url: `${url.pathname}${url.search}`, remoteAddress: '192.0.2.90', headers: { 'x-forwarded-for': `10.0.${i >> 8}.${i & 255}` } });
      if (res.statusCode === 200) opened++;
    }
    assert.equal(opened, AUTHORIZE_ADDRESS_LIMIT);
  });
});

describe('two instances (processes) on one PostgreSQL database and one Redis', () => {
  const prefix = uniquePrefix('signin-multi');
  const dirs = [tempDir('signin-a'), tempDir('signin-b')];
  let db: TestDatabase | undefined;
  let a: Instance;
  let b: Instance;
  let creds: DemoCredentials;

  before(async () => {
    await requireRedis();
    db = await createDatabase('signin');
    const env = { LIKES_API_DATABASE_URL: db.url, LIKES_API_REDIS_URL: REDIS_URL, LIKES_API_REDIS_PREFIX: prefix, LIKES_API_SECRET_KEY: randomBytes(32).toString('hex') };
    [a, b] = await startHealthyInstances(dirs, env);
    creds = JSON.parse(readFileSync(join(a.dataDir, 'demo-credentials.json'), 'utf8')) as DemoCredentials;
  }, { timeout: 180_000 });
  after(() => cleanup(stopAll, () => db?.drop(), () => deleteByPrefix(REDIS_URL, prefix), () => dirs.forEach((d) => d.remove())), { timeout: 120_000 });

  it('26 guesses split over both at once, the right one among them: at most 10 evaluated', async () => {
    const user = creds.users[0].username;
    const forms = await Promise.all(Array.from({ length: 26 }, (_, i) => signInForm(i % 2 ? b.baseUrl : a.baseUrl, creds.app.clientId)));
    // Each form is posted to the other instance than the one that served it.
    const replies = await Promise.all(forms.map((post, i) => post(user, i === 20 ? PASSWORD : `wrong-${i}`, i % 2 ? a.baseUrl : b.baseUrl)));
    const evaluated = replies.filter((r) => r.status === 200 || (r.status === 401 && WRONG.test(r.page))).length;
    assert.ok(evaluated >= 1 && evaluated <= 10, `${evaluated} evaluated`);
    assert.equal(replies.filter((r) => r.status === 429 && LOCKED.test(r.page)).length, 26 - evaluated);
  });
});

