// The events endpoints (webhooks, X Activity API, Account Activity API, likes streams, connections) as the API
// pipeline knows endpoints: who may call each (docs/reference/x-events.md §1.1, §2.1, §3.1, §4) and its rate-limit
// windows. X publishes no limits for most of these; the numbers below are ours, generous enough for a test suite
// and the same on every tier, and marked as such in docs/decisions.md.

const MIN15 = 15 * 60 * 1000;

export const EVENT_ENDPOINT_IDS = [
  'webhooks_create', 'webhooks_list', 'webhooks_validate', 'webhooks_delete', 'webhooks_replay',
  'activity_subscriptions_create', 'activity_subscriptions_list', 'activity_subscriptions_update',
  'activity_subscriptions_delete', 'activity_stream',
  'account_activity_subscribe', 'account_activity_validate', 'account_activity_list', 'account_activity_count',
  'account_activity_delete',
  'likes_firehose', 'likes_sample10', 'likes_compliance', 'connections_list', 'connections_delete',
] as const;

export type EventEndpointId = (typeof EVENT_ENDPOINT_IDS)[number];

/**
 * `only`: the App's Bearer token only; `either`: the Bearer token or a user's token; `never`: user context only
 * (Account Activity subscriptions are made by the user).
 */
export const EVENT_ENDPOINT_AUTH: Readonly<Record<EventEndpointId, 'only' | 'either' | 'never'>> = {
  // The OpenAPI also takes OAuth 1.0a user tokens to create, validate and delete webhooks (X's page says Bearer only).
  webhooks_create: 'either',
  webhooks_list: 'only',
  webhooks_validate: 'either',
  webhooks_delete: 'either',
  webhooks_replay: 'only',
  activity_subscriptions_create: 'either',
  activity_subscriptions_list: 'either',
  activity_subscriptions_update: 'only',
  activity_subscriptions_delete: 'only',
  activity_stream: 'only',
  account_activity_subscribe: 'never',
  account_activity_validate: 'never',
  account_activity_list: 'only',
  account_activity_count: 'only',
  account_activity_delete: 'only',
  likes_firehose: 'only',
  likes_sample10: 'only',
  likes_compliance: 'only',
  connections_list: 'only',
  connections_delete: 'only',
};

/** Requests per 15 minutes, per App (app-only) or per App and user (user context). */
export const EVENT_ENDPOINT_LIMITS: Readonly<Record<EventEndpointId, number>> = {
  webhooks_create: 50,
  webhooks_list: 100,
  webhooks_validate: 50,
  webhooks_delete: 50,
  webhooks_replay: 50,
  activity_subscriptions_create: 500,
  activity_subscriptions_list: 500,
  activity_subscriptions_update: 500,
  activity_subscriptions_delete: 500,
  activity_stream: 50,
  account_activity_subscribe: 500,
  account_activity_validate: 500,
  account_activity_list: 500,
  account_activity_count: 500,
  account_activity_delete: 500,
  likes_firehose: 50,
  likes_sample10: 50,
  likes_compliance: 50,
  connections_list: 100,
  connections_delete: 100,
};

export const EVENT_WINDOW_MS = MIN15;
