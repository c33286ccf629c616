// The events routes, one file per product under events/: webhooks, X Activity API subscriptions, Account Activity.
import type { ApiRoute } from '../routeSpec.ts';
import { accountActivityRoutes } from './events/accountActivity.ts';
import { activitySubscriptionRoutes } from './events/activitySubscriptions.ts';
import { webhookRoutes } from './events/webhooks.ts';

export const eventRoutes: readonly ApiRoute[] = [...webhookRoutes, ...activitySubscriptionRoutes, ...accountActivityRoutes];
