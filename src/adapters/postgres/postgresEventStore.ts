// The events tables of a PostgreSQL store (migration 4). A sequence orders inserts, not commits: an event with a
// smaller seq may commit after one with a larger seq, and a reader that had moved past it would skip it. So a reader
// only takes events of transactions that have all ended (xid below the xmin of the current snapshot: no transaction
// still running can have such an id), in (xid, seq) order, and its position is that pair, written `xid:seq`.
// Events of one user made one after another are in separate transactions, the later one started after the earlier
// committed, so its xid is larger: they come back in the order they were made.
import type {
  DeliveryRecord, OutboxEvent, StreamConnectionRecord, SubscriptionProduct, SubscriptionRecord, WebhookRecord,
} from '../../domain/events/records.ts';
import { webhookCursorName } from '../../domain/events/records.ts';
import type { CursorLease, EventStore } from '../../ports/eventStore.ts';
import {
  CONNECTION_COLUMNS, DELIVERY_COLUMNS, SUBSCRIPTION_COLUMNS, connectionFromRow, deliveryFromRow, deliveryToRow,
  likeEventFromRow, subscriptionFromRow, subscriptionToRow, webhookFromRow, webhookToRow,
} from '../eventRows.ts';
import type { Stmt } from './postgresStatements.ts';

type Row = Record<string, any>;
/** SQLSTATE of a unique index refusing a row. */
const UNIQUE_VIOLATION = '23505';
type Query = (stmt: Stmt, values?: unknown[]) => Promise<Row[]>;
type Transaction = <T>(fn: (run: Query) => Promise<T>) => Promise<T>;

const EVENT_COLUMNS = 'seq, xid::text AS xid, kind, user_id, tweet_id, author_id, at';
/**
 * The outbox's order. Qualified: a bare `xid` in ORDER BY names the output column, the xid as text, which put
 * 1000 before 999 (a reader then moved past events it had not read).
 */
const IN_ORDER = 'like_events.xid, seq';
const NEWEST_FIRST = 'like_events.xid DESC, seq DESC';
/** Transactions below this id have all ended: their events are final. */
const SETTLED = 'xid < pg_snapshot_xmin(pg_current_snapshot())';
const eventFromRow = (r: Row): OutboxEvent => ({ ...likeEventFromRow(r), position: `${r.xid}:${r.seq}` });
const positionArgs = (position: string | null): [string, string] => {
  if (position === null) return ['0', '0'];
  const [xid, seq] = position.split(':');
  return [xid, seq];
};

const stmt = (name: string, text: string): Stmt => ({ name: `likes_events_${name}`, text });
const S = {
  after: stmt('after', `SELECT ${EVENT_COLUMNS} FROM like_events WHERE ${SETTLED} AND (xid, seq) > ($1::xid8, $2::bigint)
    ORDER BY ${IN_ORDER} LIMIT $3`),
  head: stmt('head', `SELECT xid::text AS xid, seq FROM like_events WHERE ${SETTLED} ORDER BY ${NEWEST_FIRST} LIMIT 1`),
  between: stmt('between', `SELECT ${EVENT_COLUMNS} FROM like_events WHERE ${SETTLED} AND at BETWEEN $1 AND $2
    AND (xid, seq) > ($3::xid8, $4::bigint) ORDER BY ${IN_ORDER} LIMIT $5`),
  pruneEvents: stmt('prune', 'WITH d AS (DELETE FROM like_events WHERE at < $1 RETURNING 1) SELECT count(*) AS n FROM d'),
  putWebhook: stmt('put_webhook', `INSERT INTO webhooks (id, app_id, url, created_at, validity) VALUES ($1, $2, $3, $4, $5)
    ON CONFLICT (id) DO UPDATE SET url = excluded.url, validity = excluded.validity`),
  webhook: stmt('webhook', 'SELECT * FROM webhooks WHERE id = $1'),
  webhooksOfApp: stmt('webhooks_of_app', 'SELECT * FROM webhooks WHERE app_id = $1 ORDER BY created_at, id'),
  allWebhooks: stmt('all_webhooks', 'SELECT * FROM webhooks ORDER BY created_at, id'),
  deleteWebhook: stmt('delete_webhook', 'DELETE FROM webhooks WHERE id = $1 RETURNING id'),
  deleteSubscriptionsOfWebhook: stmt('delete_subs_of_webhook', 'DELETE FROM event_subscriptions WHERE webhook_id = $1'),
  putSubscription: stmt('put_subscription', `INSERT INTO event_subscriptions (${SUBSCRIPTION_COLUMNS})
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
    ON CONFLICT (id) DO UPDATE SET app_id = excluded.app_id, product = excluded.product, event_type = excluded.event_type,
      user_id = excluded.user_id, direction = excluded.direction, tag = excluded.tag, webhook_id = excluded.webhook_id,
      created_at = excluded.created_at, updated_at = excluded.updated_at`),
  subscription: stmt('subscription', `SELECT ${SUBSCRIPTION_COLUMNS} FROM event_subscriptions WHERE id = $1`),
  subscriptionsOfApp: stmt('subscriptions_of_app', `SELECT ${SUBSCRIPTION_COLUMNS} FROM event_subscriptions
    WHERE app_id = $1 AND product = $2 ORDER BY created_at, id`),
  allSubscriptions: stmt('all_subscriptions', `SELECT ${SUBSCRIPTION_COLUMNS} FROM event_subscriptions
    WHERE product = $1 ORDER BY created_at, id`),
  deleteSubscriptions: stmt('delete_subscriptions',
    'DELETE FROM event_subscriptions WHERE app_id = $1 AND id = ANY($2::text[]) RETURNING id'),
  lease: stmt('lease', `INSERT INTO event_cursors AS c (name, position, owner, leased_until) VALUES ($1, $2, $3, $4)
    ON CONFLICT (name) DO UPDATE SET owner = excluded.owner, leased_until = excluded.leased_until
    WHERE c.owner = excluded.owner OR c.leased_until < $5
    RETURNING position`),
  move: stmt('move', 'UPDATE event_cursors SET position = $1 WHERE name = $2 AND owner = $3 RETURNING 1'),
  release: stmt('release', 'UPDATE event_cursors SET leased_until = 0 WHERE name = $1 AND owner = $2'),
  dropCursor: stmt('drop_cursor', 'DELETE FROM event_cursors WHERE name = $1'),
  logDeliveries: stmt('log_deliveries', `INSERT INTO webhook_deliveries (${DELIVERY_COLUMNS})
    SELECT ${DELIVERY_COLUMNS}
    FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::int[], $6::int[], $7::text[], $8::bigint[], $9::bigint[],
      $10::text[])
    WITH ORDINALITY AS d(webhook_id, kind, event_seq, subscription_id, attempt, status, error, latency_ms, at, body, n) ORDER BY n`),
  deliveries: stmt('deliveries', `SELECT ${DELIVERY_COLUMNS} FROM webhook_deliveries WHERE webhook_id = $1
    ORDER BY id DESC LIMIT $2`),
  pruneDeliveries: stmt('prune_deliveries',
    'WITH d AS (DELETE FROM webhook_deliveries WHERE at < $1 RETURNING 1) SELECT count(*) AS n FROM d'),
  putConnection: stmt('put_connection', `INSERT INTO stream_connections (${CONNECTION_COLUMNS})
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
    ON CONFLICT (id) DO UPDATE SET ended_at = excluded.ended_at, end_reason = excluded.end_reason,
      end_requested = stream_connections.end_requested OR excluded.end_requested`),
  connection: stmt('connection', `SELECT ${CONNECTION_COLUMNS} FROM stream_connections WHERE id = $1`),
  connectionsOfApp: stmt('connections_of_app', `SELECT ${CONNECTION_COLUMNS} FROM stream_connections
    WHERE app_id = $1 AND (NOT $2::boolean OR ended_at IS NULL) ORDER BY started_at DESC, id DESC LIMIT $3`),
  endConnections: stmt('end_connections', `UPDATE stream_connections SET end_requested = true
    WHERE app_id = $1 AND ended_at IS NULL AND ($2::text[] IS NULL OR id = ANY($2::text[])) RETURNING id`),
};

export class PostgresEventStore implements EventStore {
  constructor(private readonly q: Query, private readonly tx: Transaction) {}

  async eventsAfter(position: string | null, limit: number): Promise<OutboxEvent[]> {
    return (await this.q(S.after, [...positionArgs(position), limit])).map(eventFromRow);
  }
  async headPosition(): Promise<string | null> {
    const rows = await this.q(S.head);
    return rows.length ? `${rows[0].xid}:${rows[0].seq}` : null;
  }
  async eventsBetween(from: number, to: number, position: string | null, limit: number): Promise<OutboxEvent[]> {
    return (await this.q(S.between, [from, to, ...positionArgs(position), limit])).map(eventFromRow);
  }
  async pruneEvents(before: number): Promise<number> {
    return Number((await this.q(S.pruneEvents, [before]))[0].n);
  }

  async putWebhook(webhook: WebhookRecord): Promise<void> {
    await this.q(S.putWebhook, webhookToRow(webhook));
  }
  async webhookById(id: string): Promise<WebhookRecord | null> {
    const rows = await this.q(S.webhook, [id]);
    return rows.length ? webhookFromRow(rows[0]) : null;
  }
  async webhooksOfApp(appId: string): Promise<WebhookRecord[]> {
    return (await this.q(S.webhooksOfApp, [appId])).map(webhookFromRow);
  }
  async allWebhooks(): Promise<WebhookRecord[]> {
    return (await this.q(S.allWebhooks)).map(webhookFromRow);
  }
  async deleteWebhook(id: string): Promise<boolean> {
    return this.tx(async (run) => {
      const gone = (await run(S.deleteWebhook, [id])).length > 0;
      await run(S.deleteSubscriptionsOfWebhook, [id]);
      await run(S.dropCursor, [webhookCursorName(id)]);
      return gone;
    });
  }

  async putSubscription(subscription: SubscriptionRecord): Promise<boolean> {
    try {
      await this.q(S.putSubscription, subscriptionToRow(subscription));
      return true;
    } catch (error) {
      if ((error as { code?: string }).code === UNIQUE_VIOLATION) return false;
      throw error;
    }
  }
  async subscriptionById(id: string): Promise<SubscriptionRecord | null> {
    const rows = await this.q(S.subscription, [id]);
    return rows.length ? subscriptionFromRow(rows[0]) : null;
  }
  async subscriptionsOfApp(appId: string, product: SubscriptionProduct): Promise<SubscriptionRecord[]> {
    return (await this.q(S.subscriptionsOfApp, [appId, product])).map(subscriptionFromRow);
  }
  async allSubscriptions(product: SubscriptionProduct): Promise<SubscriptionRecord[]> {
    return (await this.q(S.allSubscriptions, [product])).map(subscriptionFromRow);
  }
  async deleteSubscriptions(appId: string, ids: readonly string[]): Promise<string[]> {
    return (await this.q(S.deleteSubscriptions, [appId, ids])).map((r) => r.id as string);
  }

  async leaseCursor(name: string, owner: string, now: number, until: number, initial: string | null): Promise<CursorLease | null> {
    const rows = await this.q(S.lease, [name, initial, owner, until, now]);
    return rows.length ? { position: rows[0].position ?? null } : null;
  }
  async moveCursor(name: string, owner: string, position: string): Promise<boolean> {
    return (await this.q(S.move, [position, name, owner])).length > 0;
  }
  async releaseCursor(name: string, owner: string): Promise<void> {
    await this.q(S.release, [name, owner]);
  }
  async dropCursor(name: string): Promise<void> {
    await this.q(S.dropCursor, [name]);
  }

  async logDeliveries(deliveries: readonly DeliveryRecord[]): Promise<void> {
    if (deliveries.length === 0) return;
    const rows = deliveries.map(deliveryToRow);
    await this.q(S.logDeliveries, rows[0].map((_, column) => rows.map((r) => r[column])));
  }
  async deliveriesOf(webhookId: string, limit: number): Promise<DeliveryRecord[]> {
    return (await this.q(S.deliveries, [webhookId, limit])).map(deliveryFromRow);
  }
  async pruneDeliveries(before: number): Promise<number> {
    return Number((await this.q(S.pruneDeliveries, [before]))[0].n);
  }

  async putConnection(c: StreamConnectionRecord): Promise<void> {
    await this.q(S.putConnection, [
      c.id, c.appId, c.endpoint, c.partition, c.clientIp, c.startedAt, c.endedAt, c.endReason, c.endRequested,
    ]);
  }
  async connectionById(id: string): Promise<StreamConnectionRecord | null> {
    const rows = await this.q(S.connection, [id]);
    return rows.length ? connectionFromRow(rows[0]) : null;
  }
  async connectionsOfApp(appId: string, options: { open?: boolean; limit: number }): Promise<StreamConnectionRecord[]> {
    return (await this.q(S.connectionsOfApp, [appId, options.open === true, options.limit])).map(connectionFromRow);
  }
  async requestConnectionEnd(appId: string, ids: readonly string[] | null): Promise<string[]> {
    return (await this.q(S.endConnections, [appId, ids])).map((r) => r.id as string);
  }
}
