// What a signed-in developer does with an App's webhooks and events in the portal: register a webhook (X's
// Challenge-Response Check runs, and its result is shown), re-validate or delete one, see the subscriptions posting
// to each, read a webhook's delivery log with every body as it was posted, and replay a past window.
// Every change goes through the services the X endpoints use (WebhookService, WebhookReplays) with the App as the
// caller, under the access rules and the policy its own requests get: the same URL rules, limits, CRC and replay
// windows, and X's own messages when something is refused. Each change counts against the App's rate-limit window of
// the endpoint it stands for, the window its API calls count against: the portal is no way around X's limits (nor a
// way to send a URL CRCs and replays without end). The caller has already checked that the App is the
// developer's (DeveloperConsole.appOf).
import type { ContentStore } from '../../ports/contentStore.ts';
import type { Clock } from '../../ports/clock.ts';
import type { RateLimiter } from '../../ports/rateLimiter.ts';
import { authorize, effectivePolicy } from '../access.ts';
import type { EventEndpointId } from '../events/eventEndpoints.ts';
import { EVENT_LIMITS } from '../events/eventLimits.ts';
import { eventFailureOf } from '../events/eventProblems.ts';
import type { EventStore } from '../../ports/eventStore.ts';
import type { DeliveryRecord, SubscriptionRecord, WebhookRecord } from '../events/records.ts';
import type { WorldEvents } from '../events/worldEvents.ts';
import { expireValidity } from '../events/webhookValidity.ts';
import type { AppRecord, Policy, ProjectRecord } from '../model.ts';
import { ApiProblem } from '../problems.ts';
import { applyRateLimits } from '../rateLimits.ts';
import { FormProblem } from './console.ts';

const MINUTE = 60_000;
/** The delivery log page shows this many attempts, newest first. */
export const DELIVERY_LOG_LIMIT = 50;

type OwnedApp = { app: AppRecord; project: ProjectRecord };

/** A subscription with the user it names (`username` null when the user no longer exists). */
export interface SubscriptionView {
  subscription: SubscriptionRecord;
  username: string | null;
}

export interface WebhookView {
  /** As stored, with the 28-hour rule applied as of now (the dispatcher stores that on its next round). */
  webhook: WebhookRecord;
  subscriptions: SubscriptionView[];
}

export interface WebhooksOverview {
  webhooks: WebhookView[];
  /** X Activity API subscriptions that post to no webhook (the App's activity stream only). */
  streamOnly: SubscriptionView[];
  policy: Policy;
  /** How many webhooks the App's tier allows. */
  webhookLimit: number;
}

/** One attempt of the delivery log, with what it delivered. */
export interface DeliveryView {
  delivery: DeliveryRecord;
  /** What the body is: `like.create`, `favorite_events`, or `CRC` for a Challenge-Response Check. */
  event: string;
  /** The subscription the event matched; null for a CRC, or when the subscription is gone since. */
  subscription: SubscriptionView | null;
}

export interface DeliveryLog {
  webhook: WebhookRecord;
  subscriptions: SubscriptionView[];
  deliveries: DeliveryView[];
  policy: Policy;
  /** What the replay form starts with: the last hour the policy lets a replay cover, as `YYYY-MM-DDTHH:MM` (UTC). */
  replayDefaults: { from: string; to: string };
}

/** The result of a CRC run on demand: passed, or X's CrcValidationFailed message. */
export type CrcResult = { passed: true; webhook: WebhookRecord } | { passed: false; reason: string; webhook: WebhookRecord };

export interface ReplayStarted {
  jobId: string;
  /** The window as the form gave it, `YYYY-MM-DDTHH:MM` (UTC). */
  from: string;
  to: string;
}

/** `YYYY-MM-DDTHH:MM` (what a datetime-local field sends; seconds, if any, must be zero) → X's `yyyymmddhhmm`. */
export function replayMinute(value: string): string | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::00(?:\.0{1,3})?)?$/.exec(value.trim());
  return m ? m.slice(1).join('') : null;
}

/** The form's `YYYY-MM-DDTHH:MM` of an instant (UTC, to the minute). */
export function formMinute(ms: number): string {
  return new Date(Math.floor(ms / MINUTE) * MINUTE).toISOString().slice(0, 16);
}

/** What a delivered body is, read from the body itself (the same for a retry, a replay, or after its subscription went). */
export function deliveredEventName(d: Pick<DeliveryRecord, 'kind' | 'body'>): string {
  if (d.kind === 'crc') return 'CRC';
  try {
    const body = JSON.parse(d.body ?? '') as Record<string, unknown>;
    const type = (body.data as Record<string, unknown> | undefined)?.event_type;
    if (typeof type === 'string') return type;
    const named = Object.keys(body).find((k) => k.endsWith('_events'));
    if (named) return named;
  } catch {
    // A row logged before bodies were kept: nothing to read the name from.
  }
  return 'event';
}

export class WebhookConsole {
  constructor(
    private readonly events: Pick<WorldEvents, 'webhooks' | 'replays'>,
    private readonly store: Pick<ContentStore, 'usersByIds'> & { events: Pick<EventStore, 'webhooksOfApp' | 'subscriptionsOfApp' | 'deliveriesOf'> },
    private readonly clock: Clock,
    /** The rate limiter the X endpoints count against, and whether limits are on (LIKES_API_LIMITS). */
    private readonly limits: { limiter: RateLimiter; enabled: boolean },
  ) {}

  /** The App's webhooks with the subscriptions posting to each, and its stream-only subscriptions. */
  async overview(owned: OwnedApp): Promise<WebhooksOverview> {
    const { app, project } = owned;
    const policy = effectivePolicy(project, app);
    const [webhooks, subscriptions] = await Promise.all([this.store.events.webhooksOfApp(app.id), this.subscriptionsOf(app)]);
    const now = this.clock.now();
    return {
      webhooks: webhooks.map((w) => ({
        webhook: { ...w, validity: expireValidity(w.validity, now) },
        subscriptions: subscriptions.filter((s) => s.subscription.webhookId === w.id),
      })),
      streamOnly: subscriptions.filter((s) => s.subscription.webhookId === null),
      policy,
      webhookLimit: EVENT_LIMITS[policy.rateLimitTier].webhooksPerApp,
    };
  }

  /**
   * POST /2/webhooks for the App: the URL rules, the limit, then the CRC. The new webhook's id; a refusal (a URL
   * refused, a failed CRC, the limit reached) is a FormProblem on `url` with X's message.
   */
  async register(owned: OwnedApp, url: string): Promise<string> {
    const policy = await this.admit(owned, 'webhooks_create');
    try {
      const made = await this.events.webhooks.register(owned.app, policy, url.trim());
      return (made.data as { id: string }).id;
    } catch (e) {
      const failure = eventFailureOf(e);
      if (failure) throw new FormProblem({ url: failure.message });
      throw e;
    }
  }

  /** PUT /2/webhooks/{id}: the CRC again, and the webhook as it stands after it; null when it is not the App's. */
  async revalidate(owned: OwnedApp, webhookId: string): Promise<CrcResult | null> {
    await this.admit(owned, 'webhooks_validate'); // no policy applies to a CRC; X's refusal of the App and the limit do
    if (!(await this.own(owned.app, webhookId))) return null;
    let reason: string | null = null;
    try {
      await this.events.webhooks.validate(owned.app, webhookId);
    } catch (e) {
      const failure = eventFailureOf(e);
      if (failure?.reason !== 'CrcValidationFailed') {
        if (failure?.reason === 'WebhookIdInvalid') return null; // deleted meanwhile
        throw e;
      }
      reason = failure.message;
    }
    const webhook = await this.own(owned.app, webhookId);
    if (!webhook) return null;
    return reason === null ? { passed: true, webhook } : { passed: false, reason, webhook };
  }

  /** DELETE /2/webhooks/{id} (its subscriptions go with it); false when it is not the App's. */
  async remove(owned: OwnedApp, webhookId: string): Promise<boolean> {
    await this.admit(owned, 'webhooks_delete'); // as above: only whether X would take the App's call, and the limit
    try {
      await this.events.webhooks.delete(owned.app, webhookId);
      return true;
    } catch (e) {
      if (eventFailureOf(e)?.reason === 'WebhookIdInvalid') return false;
      throw e;
    }
  }

  /** The webhook's latest attempts, newest first, with what each delivered; null when it is not the App's. */
  async deliveryLog(owned: OwnedApp, webhookId: string): Promise<DeliveryLog | null> {
    const { app, project } = owned;
    const webhook = await this.own(app, webhookId);
    if (!webhook) return null;
    const [deliveries, subscriptions] = await Promise.all([this.store.events.deliveriesOf(webhookId, DELIVERY_LOG_LIMIT), this.subscriptionsOf(app)]);
    const byId = new Map(subscriptions.map((s) => [s.subscription.id, s]));
    const policy = effectivePolicy(project, app);
    const now = this.clock.now();
    // The last hour, ending where the policy's window may end (replays.ts): X's 10 minutes back, or the sandbox's now.
    const to = policy.replayWindow === 'x' ? now - 10 * MINUTE : now;
    return {
      webhook: { ...webhook, validity: expireValidity(webhook.validity, now) },
      subscriptions: subscriptions.filter((s) => s.subscription.webhookId === webhookId),
      deliveries: deliveries.map((d) => ({
        delivery: d,
        event: deliveredEventName(d),
        subscription: d.subscriptionId === null ? null : byId.get(d.subscriptionId) ?? null,
      })),
      policy,
      replayDefaults: { from: formMinute(now - 60 * MINUTE), to: formMinute(to) },
    };
  }

  /**
   * POST /2/webhooks/replay for the App's webhook, the window given as `YYYY-MM-DDTHH:MM` (UTC). The job's id; a
   * window X refuses is a FormProblem on `from`, `to` or (not about one end) `replay`. Null when the webhook is not
   * the App's.
   */
  async replay(owned: OwnedApp, webhookId: string, input: { from: string; to: string }): Promise<ReplayStarted | null> {
    const policy = await this.admit(owned, 'webhooks_replay');
    if (!(await this.own(owned.app, webhookId))) return null;
    const fromDate = replayMinute(input.from);
    const toDate = replayMinute(input.to);
    const problems: Record<string, string> = {};
    if (fromDate === null) problems.from = 'Enter the start of the window as a UTC date and time, e.g. 2025-01-15T12:00.';
    if (toDate === null) problems.to = 'Enter the end of the window as a UTC date and time, e.g. 2025-01-15T12:10.';
    if (fromDate === null || toDate === null) throw new FormProblem(problems);
    try {
      const started = await this.events.replays.start(owned.app, policy, webhookId, fromDate, toDate);
      return { jobId: (started.data as { job_id: string }).job_id, from: input.from.trim().slice(0, 16), to: input.to.trim().slice(0, 16) };
    } catch (e) {
      const failure = eventFailureOf(e);
      if (!failure) throw e;
      if (failure.reason === 'WebhookIdInvalid') return null;
      // X's reasons name the end they are about (`from_date is in the future`), or both (`from_date or to_date …`).
      const end = failure.reason === 'QueryParamInvalid' ? /^(from|to)_date (?!or )/.exec(failure.details)?.[1] : undefined;
      const field = end ?? 'replay';
      throw new FormProblem({ [field]: failure.message });
    }
  }

  /** The App's own webhook (as stored), or null. */
  private async own(app: AppRecord, webhookId: string): Promise<WebhookRecord | null> {
    try {
      return await this.events.webhooks.own(app, webhookId);
    } catch (e) {
      if (eventFailureOf(e)?.reason === 'WebhookIdInvalid') return null;
      throw e;
    }
  }

  /**
   * The policy the App's own call of `endpoint` would get, once the call is counted against the App's window of that
   * endpoint. A FormProblem when X would refuse the App itself (on `app`: suspended, its developer account not
   * approved) or the window is spent (on `limit`, X's 429).
   */
  private async admit(owned: OwnedApp, endpoint: EventEndpointId): Promise<Policy> {
    let policy: Policy;
    try {
      policy = authorize({ kind: 'app-only', app: owned.app }, owned.project, endpoint);
    } catch (e) {
      if (!(e instanceof ApiProblem)) throw e;
      const why = owned.app.suspended ? 'this App is suspended' : String(e.body.detail ?? e.message);
      throw new FormProblem({ app: `X refuses this App's requests: ${why}` });
    }
    const now = this.clock.now();
    const { exhausted } = await applyRateLimits(this.limits.limiter, this.limits.enabled, policy.rateLimitTier, endpoint, owned.app.id, null, now);
    if (exhausted) {
      const { window, resetAt } = exhausted;
      // To the second, rounded up as x-rate-limit-reset is.
      const reset = new Date(Math.ceil(resetAt / 1000) * 1000).toISOString().slice(11, 19);
      throw new FormProblem({
        limit: `Too Many Requests: X takes ${window.limit} of these requests from an App every ${window.windowMs / 60_000} minutes, ` +
          `through the API and this portal alike. The window starts again at ${reset} UTC.`,
      });
    }
    return policy;
  }

  /** The App's subscriptions of both products, oldest first, each with its user's username. */
  private async subscriptionsOf(app: AppRecord): Promise<SubscriptionView[]> {
    const [activity, accountActivity] = await Promise.all([
      this.store.events.subscriptionsOfApp(app.id, 'activity'),
      this.store.events.subscriptionsOfApp(app.id, 'account_activity'),
    ]);
    const all = [...activity, ...accountActivity].sort((a, b) => a.createdAt - b.createdAt || a.id.localeCompare(b.id));
    const users = new Map((await this.store.usersByIds([...new Set(all.map((s) => s.userId))])).map((u) => [u.id, u.username]));
    return all.map((subscription) => ({ subscription, username: users.get(subscription.userId) ?? null }));
  }
}
