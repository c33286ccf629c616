// What the portal's usage page shows of one App: its Project's monthly Tweet cap (as GET /2/usage/tweets answers
// it), the App's requests and estimated cost per UTC day (the world's usage ledger, priced), and its app-only
// rate-limit buckets as they stand. Read through the domain services and ports, never the HTTP routes.
import type { AppRecord, ProjectRecord, RateLimitTier } from '../model.ts';
import type { RateLimiter } from '../../ports/rateLimiter.ts';
import type { UsageLedger, LedgerEndpoint } from '../../ports/usageLedger.ts';
import { zeroByEndpoint } from '../../ports/usageLedger.ts';
import { effectivePolicy } from '../access.ts';
import { appOnlyRateLimits, type BucketState } from '../rateLimits.ts';
import { estimateLedger } from '../sandboxes/costs.ts';
import type { UsageService } from '../usage.ts';

const DAY = 24 * 60 * 60 * 1000;
/** The days the page shows, today (UTC) last. */
export const USAGE_DAYS = 7;

export interface CapUse {
  projectId: string;
  cap: number;
  used: number;
  /** Days until the cap resets. */
  resetsInDays: number;
}

export interface AppUsageDay {
  /** YYYY-MM-DD (UTC). */
  day: string;
  requests: number;
  requestsByEndpoint: Record<LedgerEndpoint, number>;
  postsBillable: number;
  usersBillable: number;
  costUsd: number;
}

export interface AppUsage {
  cap: CapUse;
  tier: RateLimitTier;
  days: AppUsageDay[];
  totals: { requests: number; costUsd: number };
  rateLimits: BucketState[];
  /** ISO instant the figures were read at. */
  at: string;
  note: string;
}

export interface UsageDeps {
  usage: Pick<UsageService, 'report'>;
  ledger: Pick<UsageLedger, 'report'>;
  rateLimiter: RateLimiter;
}

/** The Project's monthly Tweet-cap use, as GET /2/usage/tweets reports it. */
export async function capUseOf(usage: Pick<UsageService, 'report'>, project: ProjectRecord, now: number): Promise<CapUse> {
  const { data } = await usage.report(project, 1, new Set(), now);
  return {
    projectId: project.id,
    cap: Number(data.project_cap ?? project.monthlyTweetCap),
    used: Number(data.project_usage ?? 0),
    resetsInDays: data.cap_reset_day ?? 0,
  };
}

export async function appUsageOf(deps: UsageDeps, owned: { app: AppRecord; project: ProjectRecord }, now: number, days = USAGE_DAYS): Promise<AppUsage> {
  const { app, project } = owned;
  // The tier the API counts this App's requests under: the App's policy over the Project's over the defaults.
  const tier = effectivePolicy(project, app).rateLimitTier;
  const [cap, estimate, rateLimits] = await Promise.all([
    capUseOf(deps.usage, project, now),
    estimateLedger(deps.ledger),
    appOnlyRateLimits(deps.rateLimiter, tier, app.id, now),
  ]);
  const rows = new Map(estimate.data.filter((r) => r.app_id === app.id).map((r) => [r.day, r]));
  const list: AppUsageDay[] = Array.from({ length: days }, (_, i) => {
    const day = new Date(now - (days - 1 - i) * DAY).toISOString().slice(0, 10);
    const row = rows.get(day);
    return row
      ? { day, requests: row.requests, requestsByEndpoint: { ...row.requests_by_endpoint }, postsBillable: row.posts_billable, usersBillable: row.users_billable, costUsd: row.cost_usd.total }
      : { day, requests: 0, requestsByEndpoint: zeroByEndpoint(), postsBillable: 0, usersBillable: 0, costUsd: 0 };
  });
  return {
    cap,
    tier,
    days: list,
    totals: {
      requests: list.reduce((n, d) => n + d.requests, 0),
      // Summed in micro-dollars, as the estimate does, so that the total is exact.
      costUsd: list.reduce((n, d) => n + Math.round(d.costUsd * 1_000_000), 0) / 1_000_000,
    },
    rateLimits,
    at: new Date(now).toISOString(),
    note: estimate.note,
  };
}
