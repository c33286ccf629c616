// Delivers a world's events to its webhooks: at least once, in outbox order (so in order per user), from one
// instance at a time per webhook. Each webhook has a cursor in the store; the instance holding its lease reads the
// events after it, posts what they become (feeds.ts) signed with the App's secret, and moves the cursor only once
// every post of an event was acknowledged or its retries were spent. A crash anywhere repeats from the cursor.
import { randomUUID } from 'node:crypto';
import type { Clock } from '../../ports/clock.ts';
import type { ContentStore } from '../../ports/contentStore.ts';
import type { CredentialStore } from '../../ports/credentialStore.ts';
import type { EventStore } from '../../ports/eventStore.ts';
import type { Logger } from '../../ports/logger.ts';
import type { OutboundResult, WebhookTransport } from '../../ports/webhookTransport.ts';
import type { AppRecord } from '../model.ts';
import type { EventSignal } from './eventSignal.ts';
import type { Wakeups } from '../../ports/wakeups.ts';
import { postsFor, recordsFor, subscriptionsByWebhook, type EventPost } from './feeds.ts';
import { webhookCursorName, type DeliveryRecord, type OutboxEvent, type SubscriptionRecord, type WebhookRecord } from './records.ts';
import { signatureHeaders } from './webhookCrypto.ts';
import type { SecretsOf, WebhookService } from './webhooks.ts';
import {
  crcDue, deliveryAcknowledged, expireValidity, LEGACY_AAA_RETRY_SCHEDULE, nextDeliveryAttemptAt,
} from './webhookValidity.ts';

/** How long a lease lasts without renewal: after a crash, another instance takes the webhook over within this. */
export const LEASE_MS = 8_000;
/** A lease is renewed once less than this is left: more than one attempt's timeout, so no post outlives it. */
const RENEW_BEFORE_MS = LEGACY_AAA_RETRY_SCHEDULE.attemptTimeoutMs + 1_000;
/**
 * How often a world with webhooks polls its outbox for events nothing woke it for: a local like wakes it at once, another
 * instance's like through the world's wake-ups (Redis); a word lost while Redis is away costs this much latency.
 */
export const POLL_MS = 250;
/** How often a world without webhooks looks for one (registered through another instance; a local one wakes it). */
const IDLE_POLL_MS = 2_000;
const BATCH = 100;
/** Events and the delivery log are kept this long past the longest window X offers (replay: 24 hours). */
export const EVENT_RETENTION_MS = 48 * 3600_000;
const PRUNE_EVERY_MS = 60_000;

export interface DispatcherDeps {
  store: ContentStore & CredentialStore & { events: EventStore };
  webhooks: WebhookService;
  transport: WebhookTransport;
  secretsOf: SecretsOf;
  signal: EventSignal;
  /** Other instances' word that the outbox has new events (absent: no other instance). */
  wakeups?: Wakeups;
  /** The world's clock: event times, retry schedule and the delivery log. */
  clock: Clock;
  /** Real time: leases (a world clock moved forward must not steal a lease). */
  realClock: Clock;
  log: Logger;
  /** Told of every event that reached its receiver, for the App it was delivered to (billing). */
  delivered?: (appId: string, event: OutboxEvent) => void;
}

/** A post being retried: how many attempts so far, and when the first was made (world clock). */
interface Retry {
  attempts: number;
  firstAt: number;
}

/** What this instance holds of one webhook while it has the lease. */
interface Held {
  name: string;
  /** The cursor's position (only the holder moves it). */
  position: string | null;
  /** When the lease is next renewed in the store (real time). */
  renewAt: number;
  /** Posts past the cursor already acknowledged (or given up), by `position#index`: not sent again. */
  done: Set<string>;
  /** Posts waiting for their next attempt, by `position#index`. */
  retries: Map<string, Retry>;
}

/** Posts of one batch in flight at once at most (each lane, one filtered user's, goes one post at a time). */
const LANES = 16;

export class WebhookDispatcher {
  private readonly owner = randomUUID();
  /** The leases this instance holds, by webhook id. */
  private readonly held = new Map<string, Held>();
  private readonly stopping = new AbortController();
  private running: Promise<void> | null = null;
  private unlisten: (() => void) | null = null;
  private lastPrune = 0;

  constructor(private readonly deps: DispatcherDeps) {}

  start(): void {
    // Another instance's like wakes this one's round as a local like does (and the world's streams with it).
    this.unlisten ??= this.deps.wakeups?.listen(() => this.deps.signal.pulse()) ?? null;
    this.running ??= this.loop();
  }

  /** Ends the loop and gives the leases up, so another instance (or this one restarted) takes over at once. */
  async stop(): Promise<void> {
    this.unlisten?.();
    this.stopping.abort();
    await this.running;
    const held = [...this.held.values()];
    this.held.clear();
    await Promise.all(held.map((h) => this.deps.store.events.releaseCursor(h.name, this.owner).catch(() => {})));
  }

  private async loop(): Promise<void> {
    const { signal, webhooks } = this.deps;
    while (!this.stopping.signal.aborted) {
      const seenLikes = signal.generation;
      const seenWebhooks = webhooks.changed.generation;
      let idle = false;
      try {
        idle = !(await this.tick());
      } catch (err) {
        this.deps.log.warn({ err }, 'events: a delivery round failed; retrying');
      }
      // A world without webhooks is not woken by its likes (each would cost a read of the webhooks for nothing): a
      // webhook registered here wakes it, one registered through another instance is found by the idle poll. The
      // events liked meanwhile are not missed: a new webhook's cursor starts at the outbox's head when it is made.
      if (idle) await webhooks.changed.wait(IDLE_POLL_MS, this.stopping.signal, seenWebhooks);
      else await signal.wait(POLL_MS, this.stopping.signal, seenLikes);
    }
  }

  /** One round: every webhook of the world gets what is due to it. False when the world has no webhook. */
  async tick(): Promise<boolean> {
    const { events } = this.deps.store;
    const webhooks = await events.allWebhooks();
    if (webhooks.length > 0) {
      const subscriptions = await subscriptionsByWebhook(events);
      await Promise.all(webhooks.map((w) => this.pump(w, subscriptions.get(w.id) ?? [])));
    }
    await this.prune();
    return webhooks.length > 0;
  }

  private async prune(): Promise<void> {
    const real = this.deps.realClock.now();
    if (real - this.lastPrune < PRUNE_EVERY_MS) return;
    this.lastPrune = real;
    const before = this.deps.clock.now() - EVENT_RETENTION_MS;
    await this.deps.store.events.pruneEvents(before);
    await this.deps.store.events.pruneDeliveries(before);
  }

  /**
   * Delivers what is due to one webhook, if this instance holds (or can take) its lease. A batch's posts go out in
   * lanes, one per filtered user, in parallel: each lane in outbox order (order per user), a failing post holding
   * back its lane's later posts only. The cursor then moves to the last event all of whose posts are done, and the
   * batch's attempts are logged in one write: a crash in between repeats those events (at least once), never skips one.
   */
  private async pump(webhook: WebhookRecord, subscriptions: SubscriptionRecord[]): Promise<void> {
    const { events } = this.deps.store;
    const app = await this.deps.store.appById(webhook.appId);
    if (!app) return;
    const log: DeliveryRecord[] = [];
    try {
      for (let first = true; ; first = false) {
        const held = await this.holdLease(webhook.id);
        if (!held) return;
        if (first) webhook = await this.keepValid(app, webhook);
        const batch = await events.eventsAfter(held.position, BATCH);
        if (batch.length === 0) return;
        const records = await recordsFor(this.deps.store, batch);
        // X delivers nothing to an invalid webhook; what it missed can be replayed once it is valid again.
        const plan = batch.map((event) => ({ event, posts: webhook.validity.valid ? postsFor(event, subscriptions, records) : [] }));
        await this.sendLanes(held, webhook, app, plan, log);
        let done = held.position;
        for (const { event, posts } of plan) {
          if (!posts.every((_, i) => held.done.has(postKey(event, i)))) break;
          done = event.position;
        }
        if (done !== held.position && done !== null) {
          if (!(await events.moveCursor(held.name, this.owner, done))) {
            this.held.delete(webhook.id);
            return;
          }
          held.position = done;
          const passed = new Set(plan.slice(0, plan.findIndex((p) => p.event.position === done) + 1).map((p) => p.event.position));
          for (const key of held.done) if (passed.has(key.slice(0, key.lastIndexOf('#')))) held.done.delete(key);
        }
        if (done !== batch[batch.length - 1].position || batch.length < BATCH) return;
      }
    } finally {
      if (log.length > 0) await events.logDeliveries(log);
    }
  }

  /** Sends a batch's posts, lane by lane (a lane: the posts of one filtered user, in order), LANES at a time. */
  private async sendLanes(
    held: Held, webhook: WebhookRecord, app: AppRecord, plan: { event: OutboxEvent; posts: EventPost[] }[], log: DeliveryRecord[],
  ): Promise<void> {
    const lanes = new Map<string, { post: EventPost; key: string }[]>();
    for (const { event, posts } of plan) {
      posts.forEach((post, i) => {
        const key = postKey(event, i);
        if (held.done.has(key)) return;
        const lane = lanes.get(post.subscription.userId) ?? [];
        lane.push({ post, key });
        lanes.set(post.subscription.userId, lane);
      });
    }
    const queue = [...lanes.values()];
    const worker = async () => {
      for (let lane = queue.shift(); lane; lane = queue.shift()) {
        for (const { post, key } of lane) {
          if ((await this.holdLease(webhook.id)) !== held) return; // renewed as the round goes: a long round keeps its lease
          if (!(await this.post(held, webhook, app, post, key, log))) break;
          held.done.add(key);
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(LANES, queue.length) }, worker));
  }

  /**
   * What this instance holds of the webhook, taking or renewing its lease in the store when due (every half lease;
   * in between, the position this instance moved the cursor to is the cursor's, as only the holder moves it); null
   * when another instance holds it.
   */
  private async holdLease(webhookId: string): Promise<Held | null> {
    const real = this.deps.realClock.now();
    const held = this.held.get(webhookId);
    if (held && real < held.renewAt) return held;
    const name = webhookCursorName(webhookId);
    const lease = await this.deps.store.events.leaseCursor(name, this.owner, real, real + LEASE_MS, null);
    if (!lease) {
      this.held.delete(webhookId);
      return null;
    }
    // A lease kept keeps what this instance knows; one (re)taken starts from the stored cursor.
    const kept = held && held.position === lease.position ? held : undefined;
    const next: Held = kept ?? { name, position: lease.position, renewAt: 0, done: new Set(), retries: new Map() };
    next.renewAt = real + LEASE_MS - RENEW_BEFORE_MS;
    this.held.set(webhookId, next);
    return next;
  }

  /** The periodic CRC (by the lease holder only) and the 28-hour rule. */
  private async keepValid(app: AppRecord, webhook: WebhookRecord): Promise<WebhookRecord> {
    const now = this.deps.clock.now();
    if (crcDue(webhook.validity, now)) return this.deps.webhooks.recheck(app, webhook);
    const validity = expireValidity(webhook.validity, now);
    if (validity === webhook.validity) return webhook;
    const expired = { ...webhook, validity };
    await this.deps.store.events.putWebhook(expired);
    return expired;
  }

  /**
   * Posts one body, on X's retry schedule. True when it is done: acknowledged, or its attempts spent (the event is
   * dropped for this webhook, as X drops it); false while a retry is due later.
   */
  private async post(held: Held, webhook: WebhookRecord, app: AppRecord, post: EventPost, key: string, log: DeliveryRecord[]): Promise<boolean> {
    const now = this.deps.clock.now();
    const retry = held.retries.get(key);
    if (retry) {
      const due = nextDeliveryAttemptAt(retry.firstAt, retry.attempts);
      if (due === null) return true;
      if (due > now) return false;
    }
    const attempt = retry ? retry.attempts + 1 : 1;
    const { ok, record } = await deliver(this.deps, webhook, app, post, { kind: 'event', attempt });
    log.push(record);
    const next = { attempts: attempt, firstAt: retry?.firstAt ?? now };
    if (ok || nextDeliveryAttemptAt(next.firstAt, next.attempts) === null) {
      held.retries.delete(key);
      return true;
    }
    held.retries.set(key, next);
    return false;
  }
}

const postKey = (event: OutboxEvent, index: number): string => `${event.position}#${index}`;

/** A JSON body POSTed to the webhook with X's signature header, within one attempt's timeout. */
export function postSigned(
  deps: Pick<DispatcherDeps, 'transport' | 'secretsOf'>, webhook: WebhookRecord, app: AppRecord, body: string,
): Promise<OutboundResult> {
  return deps.transport.send({
    method: 'POST',
    url: webhook.url,
    headers: { 'content-type': 'application/json', ...signatureHeaders(body, deps.secretsOf(app)) },
    body,
    timeoutMs: LEGACY_AAA_RETRY_SCHEDULE.attemptTimeoutMs,
  });
}

/**
 * One signed POST of a post to its webhook: whether the receiver acknowledged it (a 2XX in time), and the attempt
 * as the delivery log keeps it (the caller writes it).
 */
export async function deliver(
  deps: Pick<DispatcherDeps, 'transport' | 'secretsOf' | 'clock' | 'delivered'>,
  webhook: WebhookRecord,
  app: AppRecord,
  post: EventPost,
  how: { kind: 'event' | 'replay'; attempt: number },
): Promise<{ ok: boolean; record: DeliveryRecord }> {
  const body = post.render(how.kind === 'replay');
  const result = await postSigned(deps, webhook, app, body);
  const status = 'status' in result ? result.status : 0;
  const ok = 'status' in result && deliveryAcknowledged(result.status);
  const record: DeliveryRecord = {
    webhookId: webhook.id, kind: how.kind, eventSeq: post.event.seq, subscriptionId: post.subscription.id,
    attempt: how.attempt, status, error: ok ? null : 'error' in result ? result.error : `HTTP ${status}`,
    latencyMs: result.latencyMs, at: deps.clock.now(), body,
  };
  if (ok) deps.delivered?.(app.id, post.event);
  return { ok, record };
}
