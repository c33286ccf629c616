// The events capability of one world: its wake-up signal, its webhooks and subscriptions, and its dispatcher.
import type { Clock } from '../../ports/clock.ts';
import type { Logger } from '../../ports/logger.ts';
import type { Wakeups } from '../../ports/wakeups.ts';
import type { LikesStore } from '../../ports/store.ts';
import type { WebhookTransport } from '../../ports/webhookTransport.ts';
import type { SnowflakeIds } from '../ids.ts';
import { AccountActivitySubscriptions } from './accountActivity.ts';
import { ActivitySubscriptions } from './activitySubscriptions.ts';
import { WebhookDispatcher, type DispatcherDeps } from './dispatcher.ts';
import { EventSignal } from './eventSignal.ts';
import type { OutboxEvent } from './records.ts';
import { WebhookReplays } from './replays.ts';
import { StreamConnections } from './streamConnections.ts';
import { WebhookService, type SecretsOf } from './webhooks.ts';

export interface WorldEvents {
  signal: EventSignal;
  webhooks: WebhookService;
  activity: ActivitySubscriptions;
  accountActivity: AccountActivitySubscriptions;
  dispatcher: WebhookDispatcher;
  replays: WebhookReplays;
  /** The world's stream connections (the activity stream, the likes streams). */
  connections: StreamConnections;
  /** Bills an event delivered to an App (webhook post or stream line). */
  delivered: (appId: string, event: OutboxEvent) => void;
}

export interface WorldEventsParts {
  store: LikesStore;
  transport: WebhookTransport;
  secretsOf: SecretsOf;
  ids: SnowflakeIds;
  /** The world's clock. */
  clock: Clock;
  /** Real time (leases). */
  realClock: Clock;
  log: Logger;
  delivered?: DispatcherDeps['delivered'];
  /** Other instances' word that the outbox has new events (DispatcherDeps). */
  wakeups?: Wakeups;
}

export function assembleEvents(parts: WorldEventsParts, signal = new EventSignal()): WorldEvents {
  const { store, transport, secretsOf, ids, clock } = parts;
  const webhooks = new WebhookService(store.events, transport, secretsOf, ids, clock);
  return {
    signal,
    webhooks,
    activity: new ActivitySubscriptions(store.events, store, ids, clock),
    accountActivity: new AccountActivitySubscriptions(store.events, clock),
    dispatcher: new WebhookDispatcher({ ...parts, webhooks, signal }),
    replays: new WebhookReplays(parts, webhooks, ids, parts.log),
    connections: new StreamConnections(store.events, clock, parts.realClock),
    delivered: parts.delivered ?? (() => {}),
  };
}
