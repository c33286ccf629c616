// The events capability's durable state, in each world's store beside the likes: the outbox that like/unlike write in
// their own transaction, webhooks, subscriptions, delivery cursors with leases, the delivery log and stream connections.
import type {
  DeliveryRecord, OutboxEvent, StreamConnectionRecord, SubscriptionProduct, SubscriptionRecord, WebhookRecord,
} from '../domain/events/records.ts';

/** A named reader's place in the outbox, held by one owner at a time until `leasedUntil`. */
export interface CursorLease {
  /** The position read up to (exclusive start of the next read); null: from the outbox's beginning. */
  position: string | null;
}

export interface EventStore {
  // ---- the outbox (ContentStore.like/unlike write it) ----
  /**
   * Committed events after `position` (null: from the beginning), oldest first, at most `limit`. Gap-free: an event
   * not returned because its transaction had not committed yet is never skipped later, whatever position a reader
   * has moved to. Events of one user made one after the other come back in the order they were made.
   */
  eventsAfter(position: string | null, limit: number): Promise<OutboxEvent[]>;
  /** The position a reader that wants only events from now on starts from (null when the outbox is empty). */
  headPosition(): Promise<string | null>;
  /** Events whose time is within [from, to] (inclusive), oldest first, after `position`, at most `limit`. */
  eventsBetween(from: number, to: number, position: string | null, limit: number): Promise<OutboxEvent[]>;
  /** Drops events older than `before`; returns how many. */
  pruneEvents(before: number): Promise<number>;

  // ---- webhooks ----
  putWebhook(webhook: WebhookRecord): Promise<void>;
  webhookById(id: string): Promise<WebhookRecord | null>;
  webhooksOfApp(appId: string): Promise<WebhookRecord[]>;
  /** Every webhook of the world (what a dispatcher delivers to). */
  allWebhooks(): Promise<WebhookRecord[]>;
  /** Removes the webhook, the subscriptions posting to it and its delivery cursor; false when there was none. */
  deleteWebhook(id: string): Promise<boolean>;

  // ---- subscriptions ----
  /**
   * Inserts or replaces (by id); false, writing nothing, when another subscription of the App already subscribes to
   * the same (product, event type, user, direction, webhook): the one check that holds across instances.
   */
  putSubscription(subscription: SubscriptionRecord): Promise<boolean>;
  subscriptionById(id: string): Promise<SubscriptionRecord | null>;
  /** An App's subscriptions of one product, oldest first. */
  subscriptionsOfApp(appId: string, product: SubscriptionProduct): Promise<SubscriptionRecord[]>;
  /** Every subscription of the world of one product (what streams and dispatchers match events against). */
  allSubscriptions(product: SubscriptionProduct): Promise<SubscriptionRecord[]>;
  /** Removes those of `ids` that belong to `appId`; returns the ids removed. */
  deleteSubscriptions(appId: string, ids: readonly string[]): Promise<string[]>;

  // ---- delivery cursors ----
  /**
   * Takes (or renews) the lease of cursor `name` for `owner` until `until`, creating the cursor at `initial` when it
   * does not exist; null when another owner holds an unexpired lease. One owner at a time is what makes each event go
   * out from one instance at a time, and in order.
   */
  leaseCursor(name: string, owner: string, now: number, until: number, initial: string | null): Promise<CursorLease | null>;
  /** Moves the cursor, if `owner` still holds it; false when the lease was lost (another owner may deliver now). */
  moveCursor(name: string, owner: string, position: string): Promise<boolean>;
  /** Gives the lease up (the position stays). */
  releaseCursor(name: string, owner: string): Promise<void>;
  dropCursor(name: string): Promise<void>;

  // ---- the delivery log ----
  /** Appends attempts to the log, in order, in one write. */
  logDeliveries(deliveries: readonly DeliveryRecord[]): Promise<void>;
  /** A webhook's delivery log, newest first, at most `limit`. */
  deliveriesOf(webhookId: string, limit: number): Promise<DeliveryRecord[]>;
  pruneDeliveries(before: number): Promise<number>;

  // ---- stream connections ----
  putConnection(connection: StreamConnectionRecord): Promise<void>;
  connectionById(id: string): Promise<StreamConnectionRecord | null>;
  /** An App's connections, newest first, at most `limit`; `open` only those not ended. */
  connectionsOfApp(appId: string, options: { open?: boolean; limit: number }): Promise<StreamConnectionRecord[]>;
  /** Marks open connections of the App (all, or those of `ids`) to be closed by whichever instance holds them. */
  requestConnectionEnd(appId: string, ids: readonly string[] | null): Promise<string[]>;
}
