// What the events capability keeps in each world's store: the outbox's events, webhooks, subscriptions (X Activity
// API and Account Activity API alike), the delivery log and stream connections. Times are epoch ms on the world's clock.
import type { LikeEvent } from './likeEvent.ts';
import type { WebhookValidity } from './webhookValidity.ts';

/** An outbox event with its position: an opaque string only the store compares (the cursor readers keep). */
export interface OutboxEvent extends LikeEvent {
  position: string;
}

export interface WebhookRecord {
  id: string;
  appId: string;
  url: string;
  createdAt: number;
  validity: WebhookValidity;
}

/** `activity`: an X Activity API subscription; `account_activity`: an Account Activity API one (a webhook and a user). */
export type SubscriptionProduct = 'activity' | 'account_activity';

export interface SubscriptionRecord {
  id: string;
  appId: string;
  product: SubscriptionProduct;
  /** The event type (`like.create`); Account Activity subscriptions take every event of the user (`all`). */
  eventType: string;
  /** The user the filter names (the subscribed user of an Account Activity subscription). */
  userId: string;
  direction: 'inbound' | 'outbound' | null;
  tag: string | null;
  /** Where its events are posted; null for a stream-only X Activity API subscription. */
  webhookId: string | null;
  createdAt: number;
  updatedAt: number;
}

/** One attempt to post an event (or a replayed one, or a CRC) to a webhook, for its delivery log. */
export interface DeliveryRecord {
  webhookId: string;
  /** What was sent: an event (`event`), a replayed event (`replay`) or a Challenge-Response Check (`crc`). */
  kind: 'event' | 'replay' | 'crc';
  /** The outbox event's seq, or null for a CRC. */
  eventSeq: string | null;
  /** The subscription the event matched, or null for a CRC. */
  subscriptionId: string | null;
  /** 1 for the first attempt at this event, 2 for the first retry, ... */
  attempt: number;
  /** The receiver's HTTP status; 0 when it gave none (refused, timed out, reset). */
  status: number;
  /** Why the attempt did not count as received (a non-2XX status, a timeout, an error); null when it did. */
  error: string | null;
  latencyMs: number;
  at: number;
  /** The JSON body exactly as posted and signed (what the portal's delivery log shows); null for a CRC, a GET. */
  body: string | null;
}

/** A streaming connection of an App (`/2/activity/stream`, the likes streams), as `GET /2/connections` lists them. */
export interface StreamConnectionRecord {
  id: string;
  appId: string;
  /** The stream's path, e.g. `/2/likes/firehose/stream`. */
  endpoint: string;
  partition: number | null;
  clientIp: string;
  startedAt: number;
  /** Null while open. */
  endedAt: number | null;
  /** Why it ended (`client_disconnected`, `terminated_by_app`, `server_shutdown`, ...); null while open. */
  endReason: string | null;
  /** Set when `DELETE /2/connections` asks the instance holding it to close it. */
  endRequested: boolean;
}

/** The delivery cursor of a webhook: one per webhook, so its events go out in order, from one instance at a time. */
export function webhookCursorName(webhookId: string): string {
  return `webhook:${webhookId}`;
}
