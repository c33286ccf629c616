// X Activity API subscriptions (docs/reference/x-events.md §2): `like.create` for a user, optionally one direction,
// delivered to a webhook and to the App's activity stream. `like.create` is a private event: the user must have
// authorized the App with `like.read` (their own OAuth 2.0 token, or a grant the App holds when it calls with its
// Bearer token).
import type { Clock } from '../../ports/clock.ts';
import type { CredentialStore } from '../../ports/credentialStore.ts';
import type { EventStore } from '../../ports/eventStore.ts';
import type { SnowflakeIds } from '../ids.ts';
import type { AppRecord, Policy } from '../model.ts';
import type { Principal } from '../principal.ts';
import { LIKE_CREATE, echoFilter } from './activityPayload.ts';
import { eventFailure } from './eventProblems.ts';
import { EVENT_LIMITS } from './eventLimits.ts';
import { isoTime } from '../isoTime.ts';
import { activityFilterOf } from './feeds.ts';
import type { SubscriptionRecord } from './records.ts';

type Json = Record<string, unknown>;

export interface SubscriptionChange {
  event_type?: string;
  filter?: { user_id?: string; direction?: 'inbound' | 'outbound'; keyword?: string };
  tag?: string;
  webhook_id?: string;
}

const duplicate = () =>
  eventFailure('DuplicateSubscriptionFailed', 'A subscription with this event_type, filter and webhook_id already exists');

export function subscriptionJson(s: SubscriptionRecord): Json {
  return {
    subscription_id: s.id,
    event_type: s.eventType,
    filter: echoFilter(activityFilterOf(s)),
    ...(s.tag !== null ? { tag: s.tag } : {}),
    ...(s.webhookId !== null ? { webhook_id: s.webhookId } : {}),
    created_at: isoTime(s.createdAt),
    updated_at: isoTime(s.updatedAt),
  };
}

export class ActivitySubscriptions {
  constructor(
    private readonly events: EventStore,
    private readonly credentials: Pick<CredentialStore, 'userGrantScopes'>,
    private readonly ids: SnowflakeIds,
    private readonly clock: Clock,
  ) {}

  async create(principal: Principal, policy: Policy, body: SubscriptionChange): Promise<Json> {
    const app = principal.app;
    if (body.event_type !== LIKE_CREATE) {
      throw eventFailure('SubscriptionInvalid', `event_type ${body.event_type} is not available here: this service emits like.create`);
    }
    const userId = body.filter?.user_id;
    if (userId === undefined) throw eventFailure('SubscriptionInvalid', 'like.create needs filter.user_id');
    if (body.filter?.keyword !== undefined) throw eventFailure('SubscriptionInvalid', 'like.create takes no keyword filter');
    await this.requireAuthorized(principal, userId);
    if (body.webhook_id !== undefined) await this.requireWebhook(app, body.webhook_id);
    const mine = await this.events.subscriptionsOfApp(app.id, 'activity');
    const direction = body.filter?.direction ?? null;
    const webhookId = body.webhook_id ?? null;
    if (mine.some((s) => s.eventType === LIKE_CREATE && s.userId === userId && s.direction === direction && s.webhookId === webhookId)) {
      throw duplicate();
    }
    if (mine.length >= EVENT_LIMITS[policy.rateLimitTier].activitySubscriptionsPerApp) {
      throw eventFailure('SubscriptionLimitExceeded', 'Your application has reached its maximum number of subscriptions');
    }
    const now = this.clock.now();
    const subscription: SubscriptionRecord = {
      id: this.ids.next(), appId: app.id, product: 'activity', eventType: LIKE_CREATE, userId, direction,
      tag: body.tag ?? null, webhookId, createdAt: now, updatedAt: now,
    };
    // The store's own check catches what the one above cannot see: the same subscription taken by another instance.
    if (!(await this.events.putSubscription(subscription))) throw duplicate();
    return { data: { subscription: subscriptionJson(subscription) }, meta: { total_subscriptions: mine.length + 1 } };
  }

  /** The App's subscriptions, oldest first, `max_results` at a time (`pagination_token` is the next one's id). */
  async list(app: AppRecord, maxResults: number, paginationToken: string | undefined): Promise<Json> {
    const mine = await this.events.subscriptionsOfApp(app.id, 'activity');
    const start = paginationToken === undefined ? 0 : mine.findIndex((s) => s.id === paginationToken);
    if (start < 0) throw eventFailure('QueryParamInvalid', 'pagination_token is not one this endpoint gave');
    const page = mine.slice(start, start + maxResults);
    const next = mine[start + maxResults];
    return {
      data: page.map(subscriptionJson),
      meta: { result_count: page.length, total_subscriptions: mine.length, ...(next ? { next_token: next.id } : {}) },
    };
  }

  /** PUT: the tag and webhook may change (X's UpdateActivitySubscriptionRequest); event type and filter stay. */
  async update(app: AppRecord, id: string, body: Pick<SubscriptionChange, 'tag' | 'webhook_id'>): Promise<Json> {
    const current = await this.own(app, id);
    if (body.webhook_id !== undefined) await this.requireWebhook(app, body.webhook_id);
    const updated: SubscriptionRecord = {
      ...current,
      tag: body.tag !== undefined ? body.tag : current.tag,
      webhookId: body.webhook_id !== undefined ? body.webhook_id : current.webhookId,
      updatedAt: this.clock.now(),
    };
    if (!(await this.events.putSubscription(updated))) throw duplicate();
    const total = (await this.events.subscriptionsOfApp(app.id, 'activity')).length;
    return { data: { subscription: subscriptionJson(updated), total_subscriptions: total } };
  }

  async delete(app: AppRecord, id: string): Promise<Json> {
    await this.own(app, id);
    await this.events.deleteSubscriptions(app.id, [id]);
    const total = (await this.events.subscriptionsOfApp(app.id, 'activity')).length;
    return { data: { deleted: true, total_subscriptions: total } };
  }

  /** DELETE /2/activity/subscriptions?ids=…: the App's own among them go; the others are reported as not found. */
  async deleteMany(app: AppRecord, ids: readonly string[]): Promise<Json> {
    const own = new Set((await this.events.subscriptionsOfApp(app.id, 'activity')).map((s) => s.id));
    const deleted = await this.events.deleteSubscriptions(app.id, ids.filter((id) => own.has(id)));
    const failed = [...new Set(ids.filter((id) => !deleted.includes(id)))];
    // X's DeleteActivitySubscriptionsByIdsResponse: one entry per deleted id, per-id failures, what remains.
    return {
      data: deleted.map((id) => ({ subscription_id: id, deleted: true })),
      ...(failed.length
        ? { errors: failed.map((id) => ({ subscription_id: id, reason: 'SubscriptionNotFound', message: 'The subscription was not found or is not associated with your app' })) }
        : {}),
      meta: { total_subscriptions: own.size - deleted.length },
    };
  }

  private async own(app: AppRecord, id: string): Promise<SubscriptionRecord> {
    const s = await this.events.subscriptionById(id);
    if (!s || s.appId !== app.id || s.product !== 'activity') {
      throw eventFailure('SubscriptionNotFound', 'The subscription was not found or is not associated with your app');
    }
    return s;
  }

  private async requireWebhook(app: AppRecord, webhookId: string): Promise<void> {
    const webhook = await this.events.webhookById(webhookId);
    if (!webhook || webhook.appId !== app.id) {
      throw eventFailure('WebhookIdInvalid', 'The provided webhook_id was not found or is not associated with your app');
    }
  }

  /**
   * `like.create` is private: a user token of `userId` holding `like.read`, or the App's Bearer token once the user
   * has granted the App `like.read` (any OAuth 2.0 token of theirs for it with that scope).
   */
  private async requireAuthorized(principal: Principal, userId: string): Promise<void> {
    const refuse = () => eventFailure('UserNotAuthorized', `user ${userId} has not authorized this App to read their likes (like.read)`);
    if (principal.kind === 'oauth2-user') {
      if (principal.userId !== userId || !principal.scopes.has('like.read')) throw refuse();
      return;
    }
    if (principal.kind === 'oauth1') throw refuse();
    const scopes = await this.credentials.userGrantScopes(principal.app.id, userId);
    if (!scopes.includes('like.read')) throw refuse();
  }
}
