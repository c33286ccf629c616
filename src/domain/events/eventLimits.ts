// How many webhooks, subscriptions and stream connections an App may have, per rate-limit tier, as data
// (docs/reference/x-events.md §1.12, §2.9, §4.4). X publishes these only for some packages: Pro has 1 webhook,
// Enterprise "5+"; X Activity API subscriptions are 1,500 self-serve and 75,000 Enterprise (changelog 2026-07-06);
// redundant stream connections are "up to two" on Enterprise. The `classic` tier (the default) is the Enterprise
// package: a sandbox should not run out of what an integration test needs.
import type { RateLimitTier } from '../model.ts';

export interface EventLimits {
  webhooksPerApp: number;
  activitySubscriptionsPerApp: number;
  accountActivitySubscriptionsPerApp: number;
  /** Open connections per App to one stream (and partition). */
  connectionsPerStream: number;
}

const ENTERPRISE: EventLimits = {
  webhooksPerApp: 5, activitySubscriptionsPerApp: 75_000, accountActivitySubscriptionsPerApp: 5_000, connectionsPerStream: 2,
};
const SELF_SERVE: EventLimits = {
  webhooksPerApp: 1, activitySubscriptionsPerApp: 1_500, accountActivitySubscriptionsPerApp: 3, connectionsPerStream: 1,
};

export const EVENT_LIMITS: Readonly<Record<RateLimitTier, EventLimits>> = {
  classic: ENTERPRISE,
  pro: SELF_SERVE,
  basic: SELF_SERVE,
  free: SELF_SERVE,
  'pay-per-use': SELF_SERVE,
};
