// "What would it cost": a sandbox's usage ledger priced with X's pay-per-use table, per App and per UTC day, in the
// control API's snake_case. Money is summed in whole micro-dollars so that totals are exact, and shown in USD.
import type { LedgerEndpoint, UsageDayRow, UsageLedger } from '../../ports/usageLedger.ts';
import { zeroByEndpoint } from '../../ports/usageLedger.ts';
import { X_PRICE_TABLE, type PriceTable } from './pricing.ts';

export interface CostUsd {
  posts: number;
  users: number;
  writes: number;
  total: number;
}

export interface UsageCounts {
  requests: number;
  requests_by_endpoint: Record<LedgerEndpoint, number>;
  writes: number;
  posts_read: number;
  /** Distinct Posts per App per UTC day: what X bills. */
  posts_billable: number;
  users_read: number;
  users_billable: number;
  cost_usd: CostUsd;
}

export interface UsageCostRow extends UsageCounts {
  app_id: string;
  /** YYYY-MM-DD (UTC). */
  day: string;
}

export interface UsageEstimate {
  data: UsageCostRow[];
  totals: UsageCounts;
  prices: PriceTable;
  currency: 'USD';
  note: string;
}

export const ESTIMATE_NOTE =
  'estimate: each Post and user is billed once per App per UTC day, likes at User Interaction: Create and ' +
  'unlikes at Interaction: Delete; X may bill otherwise (Owned Reads, outages that defeat deduplication)';

const MICRO = 1_000_000;

/** A USD price in whole micro-dollars (prices finer than that are rounded). */
const micro = (usd: number): number => Math.round(usd * MICRO);

interface MicroCost {
  posts: number;
  users: number;
  writes: number;
}

const toUsd = (c: MicroCost): CostUsd => ({
  posts: c.posts / MICRO,
  users: c.users / MICRO,
  writes: c.writes / MICRO,
  total: (c.posts + c.users + c.writes) / MICRO,
});

/** The ledger's rows priced with `prices`, in the ledger's order, with their totals. */
export function estimateUsage(rows: readonly UsageDayRow[], prices: PriceTable): UsageEstimate {
  const post = micro(prices.per_resource.posts_read);
  const user = micro(prices.per_resource.user_read);
  const like = micro(prices.per_request.user_interaction_create);
  const unlike = micro(prices.per_request.interaction_delete);

  const sum: Omit<UsageCounts, 'cost_usd'> = {
    requests: 0, requests_by_endpoint: zeroByEndpoint(), writes: 0,
    posts_read: 0, posts_billable: 0, users_read: 0, users_billable: 0,
  };
  const sumMicro: MicroCost = { posts: 0, users: 0, writes: 0 };

  const data = rows.map((row): UsageCostRow => {
    const cost: MicroCost = {
      posts: row.postsUnique * post,
      users: row.usersUnique * user,
      writes: row.requestsByEndpoint.like * like + row.requestsByEndpoint.unlike * unlike,
    };
    sum.requests += row.requests;
    for (const endpoint of Object.keys(sum.requests_by_endpoint) as LedgerEndpoint[]) {
      sum.requests_by_endpoint[endpoint] += row.requestsByEndpoint[endpoint];
    }
    sum.writes += row.writes;
    sum.posts_read += row.postsRead;
    sum.posts_billable += row.postsUnique;
    sum.users_read += row.usersRead;
    sum.users_billable += row.usersUnique;
    sumMicro.posts += cost.posts;
    sumMicro.users += cost.users;
    sumMicro.writes += cost.writes;
    return {
      app_id: row.appId,
      day: row.day,
      requests: row.requests,
      requests_by_endpoint: { ...row.requestsByEndpoint },
      writes: row.writes,
      posts_read: row.postsRead,
      posts_billable: row.postsUnique,
      users_read: row.usersRead,
      users_billable: row.usersUnique,
      cost_usd: toUsd(cost),
    };
  });

  return {
    data,
    totals: { ...sum, cost_usd: toUsd(sumMicro) },
    prices,
    currency: 'USD',
    note: ESTIMATE_NOTE,
  };
}

/** What a world's ledger says its requests would cost, at X's prices unless told otherwise. */
export async function estimateLedger(ledger: Pick<UsageLedger, 'report'>, prices: PriceTable = X_PRICE_TABLE): Promise<UsageEstimate> {
  return estimateUsage(await ledger.report(), prices);
}
