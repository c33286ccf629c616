// What an outbox event becomes for the subscriptions it matches: an X Activity API `like.create` per matching
// subscription, an Account Activity `favorite_events` body per subscribed user the like concerns. One place decides
// matching and rendering, for webhooks, replays and the activity stream alike.
import type { ContentStore } from '../../ports/contentStore.ts';
import type { EventStore } from '../../ports/eventStore.ts';
import type { TweetRecord, UserRecord } from '../model.ts';
import { accountActivityJson, favoriteEvents } from './accountActivityPayload.ts';
import { activityLikeCreate, LIKE_CREATE, type ActivityFilter } from './activityPayload.ts';
import type { OutboxEvent, SubscriptionRecord } from './records.ts';

/** One body for one subscription; `render` adds X's replay marker (`"meta":{"replay":true}`) when asked. */
export interface EventPost {
  subscription: SubscriptionRecord;
  event: OutboxEvent;
  render(replay?: boolean): string;
}

/** Whether the event is one the subscription asked for (the subscription existed when the like was made). */
export function matches(event: OutboxEvent, s: SubscriptionRecord): boolean {
  if (event.kind !== 'like' || s.createdAt > event.at) return false;
  if (s.product === 'account_activity') return s.userId === event.userId || s.userId === event.authorId;
  if (s.eventType !== LIKE_CREATE) return false;
  const outbound = s.direction !== 'inbound' && s.userId === event.userId;
  const inbound = s.direction !== 'outbound' && s.userId === event.authorId;
  return outbound || inbound;
}

export function activityFilterOf(s: SubscriptionRecord): ActivityFilter {
  return { user_id: s.userId, ...(s.direction ? { direction: s.direction } : {}) };
}

const withReplay = (json: string, replay: boolean | undefined): string =>
  replay ? `${json.slice(0, -1)},"meta":{"replay":true}}` : json;

/** The subscriptions posting to each webhook, of both products: what a webhook's events are matched against. */
export async function subscriptionsByWebhook(events: Pick<EventStore, 'allSubscriptions'>): Promise<Map<string, SubscriptionRecord[]>> {
  const byWebhook = new Map<string, SubscriptionRecord[]>();
  for (const s of [...(await events.allSubscriptions('activity')), ...(await events.allSubscriptions('account_activity'))]) {
    if (s.webhookId !== null) byWebhook.set(s.webhookId, [...(byWebhook.get(s.webhookId) ?? []), s]);
  }
  return byWebhook;
}

/** The users and Tweets a batch of events needs, read in two lookups (no query per event). */
export async function recordsFor(store: ContentStore, events: readonly OutboxEvent[]) {
  const tweets = new Map<string, TweetRecord>();
  const users = new Map<string, UserRecord>();
  if (events.length === 0) return { tweets, users };
  for (const t of await store.tweetsByIds([...new Set(events.map((e) => e.tweetId))])) tweets.set(t.id, t);
  const userIds = new Set(events.flatMap((e) => [e.userId, e.authorId]));
  for (const u of await store.usersByIds([...userIds])) users.set(u.id, u);
  return { tweets, users };
}

export type EventRecords = Awaited<ReturnType<typeof recordsFor>>;

/**
 * The posts of `event` for `subscriptions` (in their order). A like whose Tweet or users are gone by the time it is
 * presented has nothing X could show, and is left out.
 */
export function postsFor(event: OutboxEvent, subscriptions: readonly SubscriptionRecord[], records: EventRecords): EventPost[] {
  const tweet = records.tweets.get(event.tweetId);
  const author = records.users.get(event.authorId);
  const liker = records.users.get(event.userId);
  if (!tweet || !author || !liker) return [];
  const posts: EventPost[] = [];
  for (const subscription of subscriptions) {
    if (!matches(event, subscription)) continue;
    if (subscription.product === 'activity') {
      const json = JSON.stringify(activityLikeCreate(event, {
        subscriptionId: subscription.id, filter: activityFilterOf(subscription), tag: subscription.tag, tweet, author, liker,
      }));
      posts.push({ subscription, event, render: (replay) => withReplay(json, replay) });
    } else {
      const body = favoriteEvents(subscription.userId, [{ event, tweet, author, liker }]);
      if (!body) continue;
      const json = accountActivityJson(body);
      posts.push({ subscription, event, render: (replay) => withReplay(json, replay) });
    }
  }
  return posts;
}
