// Rows of the events tables (migration 4 of both stores) to records and back: one mapping for SQLite and PostgreSQL.
import type {
  DeliveryRecord, StreamConnectionRecord, SubscriptionRecord, WebhookRecord,
} from '../domain/events/records.ts';
import type { LikeEventKind } from '../domain/events/likeEvent.ts';

type Row = Record<string, any>;

export const webhookFromRow = (r: Row): WebhookRecord => ({
  id: r.id, appId: r.app_id, url: r.url, createdAt: Number(r.created_at), validity: JSON.parse(r.validity),
});
export const webhookToRow = (w: WebhookRecord): unknown[] => [w.id, w.appId, w.url, w.createdAt, JSON.stringify(w.validity)];

export const SUBSCRIPTION_COLUMNS =
  'id, app_id, product, event_type, user_id, direction, tag, webhook_id, created_at, updated_at';
export const subscriptionFromRow = (r: Row): SubscriptionRecord => ({
  id: r.id, appId: r.app_id, product: r.product, eventType: r.event_type, userId: r.user_id,
  direction: r.direction ?? null, tag: r.tag ?? null, webhookId: r.webhook_id ?? null,
  createdAt: Number(r.created_at), updatedAt: Number(r.updated_at),
});
export const subscriptionToRow = (s: SubscriptionRecord): unknown[] => [
  s.id, s.appId, s.product, s.eventType, s.userId, s.direction, s.tag, s.webhookId, s.createdAt, s.updatedAt,
];

// `body` came with migration 7: rows logged before it have none (null).
export const DELIVERY_COLUMNS = 'webhook_id, kind, event_seq, subscription_id, attempt, status, error, latency_ms, at, body';
export const deliveryFromRow = (r: Row): DeliveryRecord => ({
  webhookId: r.webhook_id, kind: r.kind, eventSeq: r.event_seq ?? null, subscriptionId: r.subscription_id ?? null,
  attempt: Number(r.attempt), status: Number(r.status), error: r.error ?? null, latencyMs: Number(r.latency_ms),
  at: Number(r.at), body: r.body ?? null,
});
export const deliveryToRow = (d: DeliveryRecord): unknown[] => [
  d.webhookId, d.kind, d.eventSeq, d.subscriptionId, d.attempt, d.status, d.error, Math.round(d.latencyMs), d.at, d.body,
];

export const CONNECTION_COLUMNS = 'id, app_id, endpoint, partition, client_ip, started_at, ended_at, end_reason, end_requested';
export const connectionFromRow = (r: Row): StreamConnectionRecord => ({
  id: r.id, appId: r.app_id, endpoint: r.endpoint, partition: r.partition ?? null, clientIp: r.client_ip,
  startedAt: Number(r.started_at), endedAt: r.ended_at === null ? null : Number(r.ended_at),
  endReason: r.end_reason ?? null, endRequested: r.end_requested === true || r.end_requested === 1,
});

/** An outbox row's event fields (the position is the adapter's own). */
export const likeEventFromRow = (r: Row) => ({
  kind: r.kind as LikeEventKind, userId: r.user_id as string, tweetId: r.tweet_id as string,
  authorId: r.author_id as string, at: Number(r.at), seq: String(r.seq),
});
