// The events routes, one file per product under events/: webhooks, X Activity API subscriptions and stream,
// Account Activity, the likes streams and stream connections.
import type { ApiRoute } from '../routeSpec.ts';
import { accountActivityRoutes } from './events/accountActivity.ts';
import { activityStreamRoutes } from './events/activityStream.ts';
import { activitySubscriptionRoutes } from './events/activitySubscriptions.ts';
import { connectionRoutes } from './events/connections.ts';
import { likesStreamRoutes } from './events/likesStreams.ts';
import { webhookRoutes } from './events/webhooks.ts';

export const eventRoutes: readonly ApiRoute[] = [
  ...webhookRoutes, ...activitySubscriptionRoutes, ...activityStreamRoutes, ...accountActivityRoutes,
  ...likesStreamRoutes, ...connectionRoutes,
];
