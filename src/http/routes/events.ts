// The events routes, one file per product under events/: webhooks, X Activity API subscriptions (and, as they are
// built, the activity stream, Account Activity and the likes streams).
import type { ApiRoute } from '../routeSpec.ts';
import { activitySubscriptionRoutes } from './events/activitySubscriptions.ts';
import { webhookRoutes } from './events/webhooks.ts';

export const eventRoutes: readonly ApiRoute[] = [...webhookRoutes, ...activitySubscriptionRoutes];
