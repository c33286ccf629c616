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
import type { WebhookTransport } from '../../ports/webhookTransport.ts';
import type { AppRecord } from '../model.ts';
import type { EventSignal } from './eventSignal.ts';
import { postsFor, recordsFor, type EventPost } from './feeds.ts';
import { webhookCursorName, type DeliveryRecord, type OutboxEvent, type SubscriptionRecord, type WebhookRecord } from './records.ts';
import { signatureHeaders } from './webhookCrypto.ts';
import type { SecretsOf, WebhookService } from './webhooks.ts';
import {
  crcDue, deliveryAcknowledged, expireValidity, LEGACY_AAA_RETRY_SCHEDULE, nextDeliveryAttemptAt,
} from './webhookValidity.ts';

/** How long a lease lasts without renewal: after a crash, another instance takes the webhook over within this. */
export const LEASE_MS = 5_000;
/** How often the outbox is polled when no local write woke the dispatcher (events made by other instances). */
export const POLL_MS = 250;
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
  /** The world's clock: event times, retry schedule and the delivery log. */
  clock: Clock;
  /** Real time: leases (a world clock moved forward must not steal a lease). */
  realClock: Clock;
  log: Logger;
  /** Told of every event that reached its receiver, for the App it was delivered to (billing). */
  delivered?: (appId: string, event: OutboxEvent) => void;
}

/** A post being retried: which event and post, how many attempts so far, and when the first was made. */
interface Retry {
  position: string;
  index: number;
  attempts: number;
  firstAt: number;
}

export class WebhookDispatcher {
  private readonly owner = randomUUID();
  private readonly retries = new Map<string, Retry>();
  /** The leases this instance holds, by webhook id. */
  private readonly held = new Map<string, { name: string; position: string | null; renewAt: number }>();
  private readonly stopping = new AbortController();
  private running: Promise<void> | null = null;
  private lastPrune = 0;

  constructor(private readonly deps: DispatcherDeps) {}

  start(): void {
    this.running ??= this.loop();
  }

  /** Ends the loop and gives the leases up, so another instance (or this one restarted) takes over at once. */
  async stop(): Promise<void> {
    this.stopping.abort();
    await this.running;
    const held = [...this.held.values()];
    this.held.clear();
    await Promise.all(held.map((h) => this.deps.store.events.releaseCursor(h.name, this.owner).catch(() => {})));
  }

  private async loop(): Promise<void> {
    while (!this.stopping.signal.aborted) {
      try {
        await this.tick();
      } catch (err) {
        this.deps.log.warn({ err }, 'events: a delivery round failed; retrying');
      }
      await this.deps.signal.wait(POLL_MS, this.stopping.signal);
    }
  }

  /** One round: every webhook of the world gets what is due to it. */
  async tick(): Promise<void> {
    const { events } = this.deps.store;
    const webhooks = await events.allWebhooks();
    if (webhooks.length > 0) {
      const subscriptions = [
        ...(await events.allSubscriptions('activity')), ...(await events.allSubscriptions('account_activity')),
      ];
      await Promise.all(webhooks.map((w) => this.pump(w, subscriptions.filter((s) => s.webhookId === w.id))));
    }
    await this.prune();
  }

  private async prune(): Promise<void> {
    const real = this.deps.realClock.now();
    if (real - this.lastPrune < PRUNE_EVERY_MS) return;
    this.lastPrune = real;
    const before = this.deps.clock.now() - EVENT_RETENTION_MS;
    await this.deps.store.events.pruneEvents(before);
    await this.deps.store.events.pruneDeliveries(before);
  }

  /** Delivers what is due to one webhook, if this instance holds (or can take) its lease. */
  private async pump(webhook: WebhookRecord, subscriptions: SubscriptionRecord[]): Promise<void> {
    const { events } = this.deps.store;
    const name = webhookCursorName(webhook.id);
    const position0 = await this.holdLease(webhook.id, name);
    if (position0 === undefined) return;
    const app = await this.deps.store.appById(webhook.appId);
    if (!app) return;
    webhook = await this.keepValid(app, webhook);
    let position = position0;
    for (;;) {
      const batch = await events.eventsAfter(position, BATCH);
      if (batch.length === 0) return;
      const records = await recordsFor(this.deps.store, batch);
      for (const event of batch) {
        // X delivers nothing to an invalid webhook; what it missed can be replayed once it is valid again.
        const posts = webhook.validity.valid ? postsFor(event, subscriptions, records) : [];
        for (let index = 0; index < posts.length; index++) {
          if (!(await this.post(webhook, app, posts[index], index))) return;
        }
        this.retries.delete(webhook.id);
        if (!(await events.moveCursor(name, this.owner, event.position))) {
          this.held.delete(webhook.id);
          return;
        }
        position = event.position;
        const held = this.held.get(webhook.id);
        if (held) held.position = position;
      }
      if (batch.length < BATCH) return;
    }
  }

  /**
   * The webhook's cursor position if this instance holds its lease (taken or renewed in the store at most every half
   * lease; in between, the position this instance moved it to is the cursor's, as only the holder moves it);
   * undefined when another instance holds it.
   */
  private async holdLease(webhookId: string, name: string): Promise<string | null | undefined> {
    const real = this.deps.realClock.now();
    const held = this.held.get(webhookId);
    if (held && real < held.renewAt) return held.position;
    const lease = await this.deps.store.events.leaseCursor(name, this.owner, real, real + LEASE_MS, null);
    if (!lease) {
      this.held.delete(webhookId);
      this.retries.delete(webhookId);
      return undefined;
    }
    this.held.set(webhookId, { name, position: lease.position, renewAt: real + LEASE_MS / 2 });
    return lease.position;
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
   * Posts one body, on X's retry schedule. True when the cursor may move past it: acknowledged, or its attempts
   * spent (the event is dropped, as X drops it); false while a retry is due later.
   */
  private async post(webhook: WebhookRecord, app: AppRecord, post: EventPost, index: number): Promise<boolean> {
    const now = this.deps.clock.now();
    let retry = this.retries.get(webhook.id);
    if (retry && (retry.position !== post.event.position || retry.index !== index)) retry = undefined;
    if (retry) {
      const due = nextDeliveryAttemptAt(retry.firstAt, retry.attempts);
      if (due === null) return true;
      if (due > now) return false;
    }
    const attempt = retry ? retry.attempts + 1 : 1;
    const ok = await deliver(this.deps, webhook, app, post, { kind: 'event', attempt });
    if (ok) {
      this.retries.delete(webhook.id);
      return true;
    }
    const next = { position: post.event.position, index, attempts: attempt, firstAt: retry?.firstAt ?? now };
    if (nextDeliveryAttemptAt(next.firstAt, next.attempts) === null) {
      this.retries.delete(webhook.id);
      return true;
    }
    this.retries.set(webhook.id, next);
    return false;
  }
}

/** One signed POST of a post to its webhook, logged; true when the receiver acknowledged it (a 2XX in time). */
export async function deliver(
  deps: Pick<DispatcherDeps, 'store' | 'transport' | 'secretsOf' | 'clock' | 'delivered'>,
  webhook: WebhookRecord,
  app: AppRecord,
  post: EventPost,
  how: { kind: 'event' | 'replay'; attempt: number },
): Promise<boolean> {
  const body = post.render(how.kind === 'replay');
  const result = await deps.transport.send({
    method: 'POST',
    url: webhook.url,
    headers: { 'content-type': 'application/json', ...signatureHeaders(body, deps.secretsOf(app)) },
    body,
    timeoutMs: LEGACY_AAA_RETRY_SCHEDULE.attemptTimeoutMs,
  });
  const status = 'status' in result ? result.status : 0;
  const ok = 'status' in result && deliveryAcknowledged(result.status);
  const record: DeliveryRecord = {
    webhookId: webhook.id, kind: how.kind, eventSeq: post.event.seq, subscriptionId: post.subscription.id,
    attempt: how.attempt, status, error: ok ? null : 'error' in result ? result.error : `HTTP ${status}`,
    latencyMs: result.latencyMs, at: deps.clock.now(),
  };
  await deps.store.events.logDelivery(record);
  if (ok) deps.delivered?.(app.id, post.event);
  return ok;
}
