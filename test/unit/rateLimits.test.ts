// The rate-limit table of each tier (docs/reference/likes-api.md §7.1) and how one request is counted against it
// (§7.2 headers, per-user and per-App keys, the shared 24-hour window of POST and DELETE likes). A memory limiter and
// hand-set times: no HTTP, no sleeping.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MemoryRateLimiter } from '../../src/adapters/memory/memoryRateLimiter.ts';
import type { EndpointId, LikesEndpointId } from '../../src/domain/access.ts';
import type { RateLimitTier } from '../../src/domain/model.ts';
import { RATE_LIMIT_TIERS, applyRateLimits, windowsFor } from '../../src/domain/rateLimits.ts';

const MIN15 = 15 * 60 * 1000;
const DAY = 24 * 60 * 60 * 1000;
const T0 = Date.UTC(2026, 0, 1);
const APP = '501';
const USER = '11';

/** [scope, limit, window] of each window, as the reference states them. */
type Row = [scope: 'user' | 'app', limit: number, windowMs: number];
const DOCUMENTED: Record<RateLimitTier, Record<LikesEndpointId, Row[]>> = {
  classic: {
    liked_tweets: [['user', 75, MIN15], ['app', 75, MIN15]],
    liking_users: [['user', 75, MIN15], ['app', 75, MIN15]],
    like: [['user', 50, MIN15], ['user', 1000, DAY]],
    unlike: [['user', 50, MIN15], ['user', 1000, DAY]],
    usage_tweets: [['app', 50, MIN15]],
  },
  pro: {
    liked_tweets: [['user', 75, MIN15], ['app', 75, MIN15]],
    liking_users: [['user', 75, MIN15], ['app', 75, MIN15]],
    like: [['user', 1000, DAY]],
    unlike: [['user', 50, MIN15]],
    usage_tweets: [['app', 50, MIN15]],
  },
  basic: {
    liked_tweets: [['user', 5, MIN15], ['app', 5, MIN15]],
    liking_users: [['user', 5, MIN15], ['app', 25, MIN15]],
    like: [['user', 200, DAY]],
    unlike: [['user', 100, DAY]],
    usage_tweets: [['app', 50, MIN15]],
  },
  free: {
    liked_tweets: [['user', 1, MIN15], ['app', 1, MIN15]],
    liking_users: [['user', 1, MIN15], ['app', 1, MIN15]],
    like: [['user', 1, MIN15]],
    unlike: [['user', 1, MIN15]],
    usage_tweets: [['app', 50, MIN15]],
  },
  'pay-per-use': {
    liked_tweets: [['user', 40000, MIN15], ['app', 40000, MIN15]],
    liking_users: [['user', 40000, MIN15], ['app', 40000, MIN15]],
    like: [['user', 50, MIN15], ['user', 1000, DAY]],
    unlike: [['user', 50, MIN15], ['user', 1000, DAY]],
    usage_tweets: [['app', 50, MIN15]],
  },
};

const TIERS = Object.keys(DOCUMENTED) as RateLimitTier[];
const ENDPOINTS = Object.keys(DOCUMENTED.classic) as LikesEndpointId[];
const seconds = (ms: number) => String(Math.ceil(ms / 1000));

describe('the rate-limit table', () => {
  it('holds the documented limit and window of every tier and endpoint', () => {
    assert.deepEqual(Object.keys(RATE_LIMIT_TIERS).sort(), [...TIERS].sort());
    for (const tier of TIERS) {
      for (const endpoint of ENDPOINTS) {
        const actual = RATE_LIMIT_TIERS[tier][endpoint].map((w): Row => [w.scope, w.limit, w.windowMs]);
        assert.deepEqual(actual, DOCUMENTED[tier][endpoint], `${tier} ${endpoint}`);
      }
    }
  });

  it('POST and DELETE likes share the classic 1000 a day; Basic\'s 200 and 100 a day are separate; 15 minutes never shared', () => {
    const buckets = (tier: RateLimitTier, e: EndpointId, windowMs: number) =>
      RATE_LIMIT_TIERS[tier][e].filter((w) => w.windowMs === windowMs).map((w) => w.bucket);
    for (const tier of ['classic', 'pay-per-use'] as const) {
      assert.deepEqual(buckets(tier, 'like', DAY), buckets(tier, 'unlike', DAY), tier);
      assert.equal(buckets(tier, 'like', DAY).length, 1);
    }
    assert.notDeepEqual(buckets('basic', 'like', DAY), buckets('basic', 'unlike', DAY));
    for (const tier of TIERS) {
      for (const b of buckets(tier, 'like', MIN15)) assert.ok(!buckets(tier, 'unlike', MIN15).includes(b), `${tier}: ${b}`);
    }
  });
});

describe('applyRateLimits', () => {
  it('counts down to the limit, then answers X\'s 429 until the window resets', async () => {
    for (const tier of TIERS) {
      for (const endpoint of ENDPOINTS) {
        const limiter = new MemoryRateLimiter();
        const [scope, limit, windowMs] = DOCUMENTED[tier][endpoint][0];
        if (limit > 1000) continue; // pay-per-use's 40000: the same code path as the others
        const userId = scope === 'user' ? USER : null;
        for (let i = 1; i <= limit; i++) {
          const { headers, refusal, exhausted } = await applyRateLimits(limiter, true, tier, endpoint, APP, userId, T0 + i);
          assert.equal(refusal, null, `${tier} ${endpoint} request ${i}`);
          assert.equal(exhausted, null);
          assert.equal(headers['x-rate-limit-limit'], String(limit));
          assert.equal(headers['x-rate-limit-remaining'], String(limit - i));
          assert.equal(headers['x-rate-limit-reset'], seconds(T0 + 1 + windowMs), 'epoch seconds of the window end');
        }
        const over = await applyRateLimits(limiter, true, tier, endpoint, APP, userId, T0 + limit + 1);
        assert.ok(over.refusal, `${tier} ${endpoint}: request ${limit + 1} refused`);
        assert.equal(over.refusal.status, 429);
        assert.deepEqual(over.refusal.body, { title: 'Too Many Requests', type: 'about:blank', status: 429, detail: 'Too Many Requests' });
        assert.equal(over.headers['x-rate-limit-remaining'], '0');
        assert.deepEqual(over.exhausted, { window: windowsFor(tier, endpoint, userId)[0], resetAt: T0 + 1 + windowMs }, 'the window refused and its end');
        const later = await applyRateLimits(limiter, true, tier, endpoint, APP, userId, T0 + 1 + windowMs);
        assert.equal(later.refusal, null, `${tier} ${endpoint}: a new window after the reset`);
        assert.equal(later.headers['x-rate-limit-remaining'], String(limit - 1));
      }
    }
  });

  it('per-user windows count (App, user); app-only requests count the App\'s own bucket', async () => {
    const limiter = new MemoryRateLimiter();
    const remaining = async (app: string, user: string | null) =>
      (await applyRateLimits(limiter, true, 'classic', 'liked_tweets', app, user, T0)).headers['x-rate-limit-remaining'];
    assert.equal(await remaining(APP, USER), '74');
    assert.equal(await remaining(APP, USER), '73');
    assert.equal(await remaining(APP, '12'), '74', 'another user of the same App');
    assert.equal(await remaining('502', USER), '74', 'the same user through another App');
    assert.equal(await remaining(APP, null), '74', 'app-only: the App\'s bucket, untouched by user requests');
    assert.equal(await remaining(APP, null), '73');
    assert.equal(await remaining(APP, USER), '72', 'user requests did not count app-only ones');
  });

  it('POST and DELETE likes: 15-minute headers of their own, x-user-limit-24hour-* from the shared day', async () => {
    const limiter = new MemoryRateLimiter();
    const like = await applyRateLimits(limiter, true, 'classic', 'like', APP, USER, T0);
    assert.deepEqual(like.headers, {
      'x-rate-limit-limit': '50', 'x-rate-limit-remaining': '49', 'x-rate-limit-reset': seconds(T0 + MIN15),
      'x-user-limit-24hour-limit': '1000', 'x-user-limit-24hour-remaining': '999', 'x-user-limit-24hour-reset': seconds(T0 + DAY),
    });
    const unlike = await applyRateLimits(limiter, true, 'classic', 'unlike', APP, USER, T0 + 5);
    assert.equal(unlike.headers['x-rate-limit-remaining'], '49', 'DELETE has its own 15 minutes');
    assert.equal(unlike.headers['x-user-limit-24hour-remaining'], '998', 'and shares the day with POST');
    const lookup = await applyRateLimits(limiter, true, 'classic', 'liked_tweets', APP, USER, T0);
    assert.ok(!Object.keys(lookup.headers).some((h) => h.includes('24hour')), 'no 24-hour headers without a 24-hour window');
  });

  it('a used-up day refuses (Basic: the day is the only window); a full 15-minute window refuses without spending the day (classic)', async () => {
    const limiter = new MemoryRateLimiter();
    // Basic: POST likes only have 200 a day.
    for (let i = 0; i < 200; i++) assert.equal((await applyRateLimits(limiter, true, 'basic', 'like', APP, USER, T0 + i)).refusal, null);
    const refused = await applyRateLimits(limiter, true, 'basic', 'like', APP, USER, T0 + DAY - 1);
    assert.equal(refused.refusal?.status, 429);
    assert.equal(refused.headers['x-user-limit-24hour-remaining'], '0');
    assert.equal(refused.headers['x-rate-limit-limit'], '200', 'the first window names the headers');

    // Classic: a full 15-minute window refuses; the day's window is only looked at, not counted.
    const classic = new MemoryRateLimiter();
    for (let i = 0; i < 50; i++) await applyRateLimits(classic, true, 'classic', 'like', APP, USER, T0);
    const over = await applyRateLimits(classic, true, 'classic', 'like', APP, USER, T0);
    assert.equal(over.refusal?.status, 429);
    assert.equal(over.headers['x-user-limit-24hour-remaining'], '950');
  });

  it('with limits off nothing is counted and the headers show a full window', async () => {
    const limiter = new MemoryRateLimiter();
    for (let i = 0; i < 3; i++) {
      const { headers, refusal } = await applyRateLimits(limiter, false, 'free', 'liked_tweets', APP, USER, T0);
      assert.equal(refusal, null);
      assert.deepEqual(headers, { 'x-rate-limit-limit': '1', 'x-rate-limit-remaining': '1', 'x-rate-limit-reset': seconds(T0 + MIN15) });
    }
    assert.equal((await applyRateLimits(limiter, true, 'free', 'liked_tweets', APP, USER, T0)).refusal, null, 'the bucket is still full');
  });
});
