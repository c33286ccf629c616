// Account Activity API subscriptions (docs/reference/x-events.md §3): a user subscribes, with their own user token,
// to the `all` product of one of the App's webhooks; the App lists, counts and removes subscriptions with its Bearer
// token. The events themselves (`favorite_events`, a like by the user or of the user's Tweet) are rendered by feeds.ts
// and posted by the dispatcher: a subscription only has to exist.
//
// Where X is silent, this service decides (docs/reference/x-events.md §6):
// - A subscription belongs to the App and the webhook; the same user may be subscribed on each of the App's webhooks
//   (`DuplicateSubscriptionFailed` is per webhook, as X words it), each counting toward the App's limit.
// - A webhook that is not the App's own, or does not exist, is `WebhookIdInvalid` on every endpoint. A webhook that is
//   currently invalid (failing its CRC) may still be subscribed to; nothing is delivered until it is valid again.
// - OAuth 2.0 user tokens need `tweet.read`, `users.read` and `like.read`: X's OpenAPI asks for `tweet.read`,
//   `users.read`, `dm.read`, `dm.write`, but this service has no Direct Messages (no such scopes exist here) and the
//   only events it delivers are likes, which `like.read` is the grant for. OAuth 1.0a user tokens need no particular
//   App permission (likes are readable with `read`).
// - The create body is optional: X's OpenAPI marks an empty object (`{}`) required, X's own quickstart sends none.
import { createHash } from 'node:crypto';
import type { EventStore } from '../../ports/eventStore.ts';
import type { Clock } from '../../ports/clock.ts';
import type { AppRecord, OAuth2Scope, Policy } from '../model.ts';
import type { Principal } from '../principal.ts';
import { forbidden } from '../problems.ts';
import { eventFailure } from './eventProblems.ts';
import { EVENT_LIMITS } from './eventLimits.ts';
import type { SubscriptionRecord, WebhookRecord } from './records.ts';

type Json = Record<string, unknown>;

const duplicate = () =>
  eventFailure('DuplicateSubscriptionFailed', 'A subscription for this user already exists for the specified webhook_id');

/** The product X has left: every supported event of the user (`/all`). */
export const ACCOUNT_ACTIVITY_ALL = 'all';

/** What an OAuth 2.0 user token must hold to subscribe, or to check a subscription (see the file header). */
export const ACCOUNT_ACTIVITY_SCOPES: readonly OAuth2Scope[] = ['tweet.read', 'users.read', 'like.read'];

export class AccountActivitySubscriptions {
  /** Creations of one App, one after the other: the duplicate and limit checks see each other's writes. */
  private readonly creating = new Map<string, Promise<unknown>>();

  constructor(
    private readonly events: EventStore,
    private readonly clock: Clock,
  ) {}

  /** POST …/webhooks/{webhook_id}/subscriptions/all: subscribes the token's user to the webhook. */
  async subscribe(principal: Principal, policy: Policy, webhookId: string): Promise<Json> {
    const userId = userOf(principal);
    const app = principal.app;
    return this.serially(app.id, async () => {
      await this.ownWebhook(app, webhookId);
      const mine = await this.events.subscriptionsOfApp(app.id, 'account_activity');
      if (mine.some((s) => s.webhookId === webhookId && s.userId === userId)) {
        throw duplicate();
      }
      if (mine.length >= provisioned(policy)) {
        throw eventFailure('SubscriptionLimitExceeded', 'The application has reached its subscription limit across all webhooks');
      }
      const now = this.clock.now();
      const subscription: SubscriptionRecord = {
        id: subscriptionIdOf(app.id, webhookId, userId), appId: app.id, product: 'account_activity', eventType: ACCOUNT_ACTIVITY_ALL, userId,
        direction: null, tag: null, webhookId, createdAt: now, updatedAt: now,
      };
      if (!(await this.events.putSubscription(subscription))) {
        throw duplicate();
      }
      return { data: { subscribed: true } };
    });
  }

  /** GET …/webhooks/{webhook_id}/subscriptions/all: whether the token's user is subscribed to the webhook. */
  async validate(principal: Principal, webhookId: string): Promise<Json> {
    const userId = userOf(principal);
    await this.ownWebhook(principal.app, webhookId);
    return { data: { subscribed: (await this.find(principal.app, webhookId, userId)) !== undefined } };
  }

  /** GET …/webhooks/{webhook_id}/subscriptions/all/list: the webhook's subscribed users, oldest first, unpaged. */
  async list(app: AppRecord, webhookId: string): Promise<Json> {
    const webhook = await this.ownWebhook(app, webhookId);
    const mine = await this.events.subscriptionsOfApp(app.id, 'account_activity');
    return {
      data: {
        application_id: app.id,
        webhook_id: webhook.id,
        webhook_url: webhook.url,
        subscriptions: mine.filter((s) => s.webhookId === webhook.id).map((s) => ({ user_id: s.userId })),
      },
    };
  }

  /** GET /2/account_activity/subscriptions/count: the App's subscriptions across its webhooks; counts as strings. */
  async count(app: AppRecord, policy: Policy): Promise<Json> {
    const mine = await this.events.subscriptionsOfApp(app.id, 'account_activity');
    return {
      data: {
        account_name: app.name,
        provisioned_count: String(provisioned(policy)),
        subscriptions_count_all: String(mine.length),
        // "DM-only subscriptions are no longer supported. The field will always be "0"."
        subscriptions_count_direct_messages: '0',
      },
    };
  }

  /** DELETE …/webhooks/{webhook_id}/subscriptions/{user_id}/all: ends the user's subscription on the webhook. */
  async unsubscribe(app: AppRecord, webhookId: string, userId: string): Promise<Json> {
    await this.ownWebhook(app, webhookId);
    const subscription = await this.find(app, webhookId, userId);
    if (!subscription) {
      throw eventFailure('SubscriptionNotFound', 'No subscription exists for the specified user_id on the given webhook_id');
    }
    await this.events.deleteSubscriptions(app.id, [subscription.id]);
    return { data: { subscribed: false } };
  }

  private async find(app: AppRecord, webhookId: string, userId: string): Promise<SubscriptionRecord | undefined> {
    const mine = await this.events.subscriptionsOfApp(app.id, 'account_activity');
    return mine.find((s) => s.webhookId === webhookId && s.userId === userId);
  }

  private async ownWebhook(app: AppRecord, webhookId: string): Promise<WebhookRecord> {
    const webhook = await this.events.webhookById(webhookId);
    if (!webhook || webhook.appId !== app.id) {
      throw eventFailure('WebhookIdInvalid', 'The provided webhook_id was not found or is not associated with your app');
    }
    return webhook;
  }

  /** Runs `work` after the App's earlier creations have settled (in this process). */
  private async serially<T>(appId: string, work: () => Promise<T>): Promise<T> {
    const before = this.creating.get(appId) ?? Promise.resolve();
    const run = before.then(work, work);
    const settled = run.catch(() => undefined);
    this.creating.set(appId, settled);
    try {
      return await run;
    } finally {
      if (this.creating.get(appId) === settled) this.creating.delete(appId);
    }
  }
}

/**
 * A subscription's id, named by what it subscribes (App, webhook, user): two instances accepting the same
 * subscription at once write one row, not two (the duplicate check above only sees this process's own writes).
 */
function subscriptionIdOf(appId: string, webhookId: string, userId: string): string {
  const digest = createHash('sha256').update(`account_activity\n${appId}\n${webhookId}\n${userId}`).digest();
  return (digest.readBigUInt64BE(0) >> 1n).toString();
}

/** The App's subscription allowance across all its webhooks, by tier (eventLimits.ts). */
function provisioned(policy: Policy): number {
  return EVENT_LIMITS[policy.rateLimitTier].accountActivitySubscriptionsPerApp;
}

/**
 * The subscribing user: the token's. The pipeline lets only user tokens through (eventEndpoints.ts); an OAuth 2.0
 * token must hold ACCOUNT_ACTIVITY_SCOPES, or it gets the 403 the pipeline gives for missing scopes.
 */
function userOf(principal: Principal): string {
  if (principal.kind === 'app-only') throw new Error('account activity: a user-context endpoint reached with an app-only token');
  if (principal.kind === 'oauth2-user' && ACCOUNT_ACTIVITY_SCOPES.some((s) => !principal.scopes.has(s))) throw forbidden();
  return principal.userId;
}
