// A sandbox's usage priced with X's table (docs/reference/x-pricing.md): per App and UTC day, billable = distinct,
// likes and unlikes at their own per-request prices, exact totals. Expected figures are worked out by hand below.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ESTIMATE_NOTE, estimateUsage } from '../../src/domain/sandboxes/costs.ts';
import { X_PRICE_TABLE, type PriceTable } from '../../src/domain/sandboxes/pricing.ts';
import { zeroByEndpoint, type UsageDayRow } from '../../src/ports/usageLedger.ts';

const rowOf = (appId: string, day: string, parts: Partial<UsageDayRow>): UsageDayRow => ({
  appId, day, requests: 0, requestsByEndpoint: zeroByEndpoint(), writes: 0,
  postsRead: 0, postsUnique: 0, usersRead: 0, usersUnique: 0, ...parts,
});

describe('estimateUsage', () => {
  it("uses X's documented figures", () => {
    // Posts: Read $0.005 and User: Read $0.010 per resource; User Interaction: Create $0.015 and
    // Interaction: Delete $0.010 per request; 3 million Post reads a month.
    assert.deepEqual(
      [X_PRICE_TABLE.per_resource, X_PRICE_TABLE.per_request, X_PRICE_TABLE.monthly_post_read_cap],
      [{ posts_read: 0.005, user_read: 0.01 }, { user_interaction_create: 0.015, interaction_delete: 0.01 }, 3_000_000],
    );
  });

  it('prices distinct resources and each write request, per App and day, with totals', () => {
    const rows = [
      rowOf('501', '2026-01-01', {
        requests: 5, requestsByEndpoint: { liked_tweets: 2, liking_users: 1, like: 1, unlike: 1, events: 0 }, writes: 2,
        postsRead: 150, postsUnique: 120, usersRead: 30, usersUnique: 25,
      }),
      rowOf('502', '2026-01-02', { requests: 3, requestsByEndpoint: { ...zeroByEndpoint(), like: 3 }, writes: 3 }),
    ];
    const estimate = estimateUsage(rows, X_PRICE_TABLE);
    // 501: 120 Posts × 0.005 = 0.6; 25 users × 0.010 = 0.25; 1 like × 0.015 + 1 unlike × 0.010 = 0.025; 0.875.
    // 502: 3 likes × 0.015 = 0.045.
    assert.deepEqual(estimate.data, [
      {
        app_id: '501', day: '2026-01-01', requests: 5,
        requests_by_endpoint: { liked_tweets: 2, liking_users: 1, like: 1, unlike: 1, events: 0 }, writes: 2,
        posts_read: 150, posts_billable: 120, users_read: 30, users_billable: 25,
        cost_usd: { posts: 0.6, users: 0.25, writes: 0.025, total: 0.875 },
      },
      {
        app_id: '502', day: '2026-01-02', requests: 3,
        requests_by_endpoint: { liked_tweets: 0, liking_users: 0, like: 3, unlike: 0, events: 0 }, writes: 3,
        posts_read: 0, posts_billable: 0, users_read: 0, users_billable: 0,
        cost_usd: { posts: 0, users: 0, writes: 0.045, total: 0.045 },
      },
    ]);
    // 0.6 + 0 = 0.6; 0.25; 0.025 + 0.045 = 0.07; 0.875 + 0.045 = 0.92.
    assert.deepEqual(estimate.totals, {
      requests: 8, requests_by_endpoint: { liked_tweets: 2, liking_users: 1, like: 4, unlike: 1, events: 0 }, writes: 5,
      posts_read: 150, posts_billable: 120, users_read: 30, users_billable: 25,
      cost_usd: { posts: 0.6, users: 0.25, writes: 0.07, total: 0.92 },
    });
    assert.equal(estimate.currency, 'USD');
    assert.equal(estimate.prices, X_PRICE_TABLE);
    assert.equal(estimate.note, ESTIMATE_NOTE);
  });

  it('sums exactly: no floating-point residue over many rows', () => {
    // 1000 Apps of 7 Posts and 3 users: 7000 × 0.005 = 35, 3000 × 0.010 = 30, total 65.
    const rows = Array.from({ length: 1000 }, (_, i) =>
      rowOf(String(i + 1), '2026-01-01', { requests: 1, postsRead: 7, postsUnique: 7, usersRead: 3, usersUnique: 3 }));
    const { totals } = estimateUsage(rows, X_PRICE_TABLE);
    assert.deepEqual(totals.cost_usd, { posts: 35, users: 30, writes: 0, total: 65 });
  });

  it("uses an operator's own table, and echoes it", () => {
    const prices: PriceTable = {
      ...X_PRICE_TABLE,
      per_resource: { posts_read: 0.001, user_read: 0.002 },
      per_request: { user_interaction_create: 0.1, interaction_delete: 0.2 },
      source: 'operator',
    };
    const rows = [rowOf('9', '2026-02-01', {
      requests: 4, requestsByEndpoint: { liked_tweets: 1, liking_users: 1, like: 1, unlike: 1, events: 0 }, writes: 2,
      postsRead: 10, postsUnique: 3, usersRead: 9, usersUnique: 9,
    })];
    const estimate = estimateUsage(rows, prices);
    // 3 × 0.001 = 0.003; 9 × 0.002 = 0.018; 0.1 + 0.2 = 0.3; total 0.321.
    assert.deepEqual(estimate.data[0]!.cost_usd, { posts: 0.003, users: 0.018, writes: 0.3, total: 0.321 });
    assert.equal(estimate.prices, prices);
  });

  it('answers zeros for a ledger with nothing in it', () => {
    const estimate = estimateUsage([], X_PRICE_TABLE);
    assert.deepEqual(estimate.data, []);
    assert.deepEqual(estimate.totals, {
      requests: 0, requests_by_endpoint: zeroByEndpoint(), writes: 0,
      posts_read: 0, posts_billable: 0, users_read: 0, users_billable: 0,
      cost_usd: { posts: 0, users: 0, writes: 0, total: 0 },
    });
  });
});
