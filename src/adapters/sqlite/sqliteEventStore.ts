// The events tables of a SQLite store (migration 4). SQLite has one writer at a time, so an event's seq is its commit
// order and a position is just the seq.
import type Database from 'better-sqlite3';
import type {
  DeliveryRecord, OutboxEvent, StreamConnectionRecord, SubscriptionProduct, SubscriptionRecord, WebhookRecord,
} from '../../domain/events/records.ts';
import { webhookCursorName } from '../../domain/events/records.ts';
import type { CursorLease, EventStore } from '../../ports/eventStore.ts';
import {
  CONNECTION_COLUMNS, DELIVERY_COLUMNS, SUBSCRIPTION_COLUMNS, connectionFromRow, deliveryFromRow, deliveryToRow,
  likeEventFromRow, subscriptionFromRow, subscriptionToRow, webhookFromRow, webhookToRow,
} from '../eventRows.ts';
import { COUNT_PARAM } from './sqlParams.ts';

type Row = Record<string, any>;

const EVENT_COLUMNS = 'seq, kind, user_id, tweet_id, author_id, at';
const eventFromRow = (r: Row): OutboxEvent => ({ ...likeEventFromRow(r), position: String(r.seq) });
const seqOf = (position: string | null): number => (position === null ? 0 : Number(position));

export class SqliteEventStore implements EventStore {
  private readonly s;

  /**
   * `durable`: resolves once every like committed so far is on disk (SqliteStore's WalSync); events are read only then,
   * so none is delivered, streamed or listed before its like's commit is durable (and none at all once a sync failed).
   */
  constructor(
    private readonly db: Database.Database,
    private readonly durable: () => Promise<void> | undefined = () => undefined,
  ) {
    this.s = {
      after: db.prepare(`SELECT ${EVENT_COLUMNS} FROM like_events WHERE seq > ? ORDER BY seq LIMIT ${COUNT_PARAM}`),
      head: db.prepare('SELECT max(seq) AS seq FROM like_events'),
      between: db.prepare(
        `SELECT ${EVENT_COLUMNS} FROM like_events WHERE at BETWEEN ? AND ? AND seq > ? ORDER BY seq LIMIT ${COUNT_PARAM}`,
      ),
      pruneEvents: db.prepare('DELETE FROM like_events WHERE at < ?'),
      putWebhook: db.prepare(
        `INSERT INTO webhooks (id, app_id, url, created_at, validity) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (id) DO UPDATE SET url = excluded.url, validity = excluded.validity`,
      ),
      webhook: db.prepare('SELECT * FROM webhooks WHERE id = ?'),
      webhooksOfApp: db.prepare('SELECT * FROM webhooks WHERE app_id = ? ORDER BY created_at, id'),
      allWebhooks: db.prepare('SELECT * FROM webhooks ORDER BY created_at, id'),
      deleteWebhook: db.prepare('DELETE FROM webhooks WHERE id = ?'),
      deleteSubscriptionsOfWebhook: db.prepare('DELETE FROM event_subscriptions WHERE webhook_id = ?'),
      putSubscription: db.prepare(
        `INSERT INTO event_subscriptions (${SUBSCRIPTION_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (id) DO UPDATE SET app_id = excluded.app_id, product = excluded.product,
           event_type = excluded.event_type, user_id = excluded.user_id, direction = excluded.direction,
           tag = excluded.tag, webhook_id = excluded.webhook_id, created_at = excluded.created_at,
           updated_at = excluded.updated_at`,
      ),
      subscription: db.prepare(`SELECT ${SUBSCRIPTION_COLUMNS} FROM event_subscriptions WHERE id = ?`),
      subscriptionsOfApp: db.prepare(
        `SELECT ${SUBSCRIPTION_COLUMNS} FROM event_subscriptions WHERE app_id = ? AND product = ? ORDER BY created_at, id`,
      ),
      allSubscriptions: db.prepare(
        `SELECT ${SUBSCRIPTION_COLUMNS} FROM event_subscriptions WHERE product = ? ORDER BY created_at, id`,
      ),
      deleteSubscription: db.prepare('DELETE FROM event_subscriptions WHERE id = ? AND app_id = ? RETURNING id'),
      lease: db.prepare(
        `INSERT INTO event_cursors (name, position, owner, leased_until) VALUES (?, ?, ?, ?)
         ON CONFLICT (name) DO UPDATE SET owner = excluded.owner, leased_until = excluded.leased_until
         WHERE event_cursors.owner = excluded.owner OR event_cursors.leased_until < ?
         RETURNING position`,
      ),
      move: db.prepare('UPDATE event_cursors SET position = ? WHERE name = ? AND owner = ?'),
      release: db.prepare('UPDATE event_cursors SET leased_until = 0 WHERE name = ? AND owner = ?'),
      dropCursor: db.prepare('DELETE FROM event_cursors WHERE name = ?'),
      logDelivery: db.prepare(`INSERT INTO webhook_deliveries (${DELIVERY_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
      deliveries: db.prepare(
        `SELECT ${DELIVERY_COLUMNS} FROM webhook_deliveries WHERE webhook_id = ? ORDER BY id DESC LIMIT ${COUNT_PARAM}`,
      ),
      pruneDeliveries: db.prepare('DELETE FROM webhook_deliveries WHERE at < ?'),
      // An end asked for by another instance (end_requested) is never undone by the holder writing its record.
      putConnection: db.prepare(
        `INSERT INTO stream_connections (${CONNECTION_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (id) DO UPDATE SET ended_at = excluded.ended_at, end_reason = excluded.end_reason,
           end_requested = stream_connections.end_requested OR excluded.end_requested`,
      ),
      connection: db.prepare(`SELECT ${CONNECTION_COLUMNS} FROM stream_connections WHERE id = ?`),
      connectionsOfApp: db.prepare(
        `SELECT ${CONNECTION_COLUMNS} FROM stream_connections WHERE app_id = ? AND (? = 0 OR ended_at IS NULL)
         ORDER BY started_at DESC, id DESC LIMIT ${COUNT_PARAM}`,
      ),
      endAll: db.prepare(
        'UPDATE stream_connections SET end_requested = 1 WHERE app_id = ? AND ended_at IS NULL RETURNING id',
      ),
      endOne: db.prepare(
        'UPDATE stream_connections SET end_requested = 1 WHERE app_id = ? AND id = ? AND ended_at IS NULL RETURNING id',
      ),
    };
  }

  async eventsAfter(position: string | null, limit: number): Promise<OutboxEvent[]> {
    await this.durable();
    return (this.s.after.all(seqOf(position), limit) as Row[]).map(eventFromRow);
  }
  async headPosition(): Promise<string | null> {
    await this.durable();
    const seq = (this.s.head.get() as Row).seq;
    return seq === null ? null : String(seq);
  }
  async eventsBetween(from: number, to: number, position: string | null, limit: number): Promise<OutboxEvent[]> {
    await this.durable();
    return (this.s.between.all(from, to, seqOf(position), limit) as Row[]).map(eventFromRow);
  }
  async pruneEvents(before: number): Promise<number> {
    return this.s.pruneEvents.run(before).changes;
  }

  async putWebhook(webhook: WebhookRecord): Promise<void> {
    this.s.putWebhook.run(...webhookToRow(webhook));
  }
  async webhookById(id: string): Promise<WebhookRecord | null> {
    const r = this.s.webhook.get(id) as Row | undefined;
    return r ? webhookFromRow(r) : null;
  }
  async webhooksOfApp(appId: string): Promise<WebhookRecord[]> {
    return (this.s.webhooksOfApp.all(appId) as Row[]).map(webhookFromRow);
  }
  async allWebhooks(): Promise<WebhookRecord[]> {
    return (this.s.allWebhooks.all() as Row[]).map(webhookFromRow);
  }
  async deleteWebhook(id: string): Promise<boolean> {
    return this.db.transaction(() => {
      const gone = this.s.deleteWebhook.run(id).changes > 0;
      this.s.deleteSubscriptionsOfWebhook.run(id);
      this.s.dropCursor.run(webhookCursorName(id));
      return gone;
    }).immediate();
  }

  async putSubscription(subscription: SubscriptionRecord): Promise<boolean> {
    try {
      this.s.putSubscription.run(...subscriptionToRow(subscription));
      return true;
    } catch (error) {
      if ((error as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE') return false;
      throw error;
    }
  }
  async subscriptionById(id: string): Promise<SubscriptionRecord | null> {
    const r = this.s.subscription.get(id) as Row | undefined;
    return r ? subscriptionFromRow(r) : null;
  }
  async subscriptionsOfApp(appId: string, product: SubscriptionProduct): Promise<SubscriptionRecord[]> {
    return (this.s.subscriptionsOfApp.all(appId, product) as Row[]).map(subscriptionFromRow);
  }
  async allSubscriptions(product: SubscriptionProduct): Promise<SubscriptionRecord[]> {
    return (this.s.allSubscriptions.all(product) as Row[]).map(subscriptionFromRow);
  }
  async deleteSubscriptions(appId: string, ids: readonly string[]): Promise<string[]> {
    return this.db.transaction(() =>
      ids.flatMap((id) => (this.s.deleteSubscription.all(id, appId) as Row[]).map((r) => r.id as string)),
    ).immediate();
  }

  async leaseCursor(name: string, owner: string, now: number, until: number, initial: string | null): Promise<CursorLease | null> {
    const r = this.s.lease.get(name, initial, owner, until, now) as Row | undefined;
    return r ? { position: r.position ?? null } : null;
  }
  async moveCursor(name: string, owner: string, position: string): Promise<boolean> {
    return this.s.move.run(position, name, owner).changes > 0;
  }
  async releaseCursor(name: string, owner: string): Promise<void> {
    this.s.release.run(name, owner);
  }
  async dropCursor(name: string): Promise<void> {
    this.s.dropCursor.run(name);
  }

  async logDeliveries(deliveries: readonly DeliveryRecord[]): Promise<void> {
    if (deliveries.length === 0) return;
    this.db.transaction(() => {
      for (const d of deliveries) this.s.logDelivery.run(...deliveryToRow(d));
    }).immediate();
  }
  async deliveriesOf(webhookId: string, limit: number): Promise<DeliveryRecord[]> {
    return (this.s.deliveries.all(webhookId, limit) as Row[]).map(deliveryFromRow);
  }
  async pruneDeliveries(before: number): Promise<number> {
    return this.s.pruneDeliveries.run(before).changes;
  }

  async putConnection(c: StreamConnectionRecord): Promise<void> {
    this.s.putConnection.run(
      c.id, c.appId, c.endpoint, c.partition, c.clientIp, c.startedAt, c.endedAt, c.endReason, c.endRequested ? 1 : 0,
    );
  }
  async connectionById(id: string): Promise<StreamConnectionRecord | null> {
    const r = this.s.connection.get(id) as Row | undefined;
    return r ? connectionFromRow(r) : null;
  }
  async connectionsOfApp(appId: string, options: { open?: boolean; limit: number }): Promise<StreamConnectionRecord[]> {
    return (this.s.connectionsOfApp.all(appId, options.open ? 1 : 0, options.limit) as Row[]).map(connectionFromRow);
  }
  async requestConnectionEnd(appId: string, ids: readonly string[] | null): Promise<string[]> {
    return this.db.transaction(() => {
      const rows = ids === null ? (this.s.endAll.all(appId) as Row[]) : ids.flatMap((id) => this.s.endOne.all(appId, id) as Row[]);
      return rows.map((r) => r.id as string);
    }).immediate();
  }
}

