// A like or unlike as the event outbox holds it, and the identifiers X's event payloads derive from it
// (docs/reference/x-events.md §2.8, §3.3). Every identifier is a hash of the event, never a counter or a random
// value: a redelivery, a replay or a rebuilt outbox names the same event with the same id, and at-least-once
// consumers deduplicate by it ("deduplicate by event ID", X's webhook quickstart).
import { createHash } from 'node:crypto';

export type LikeEventKind = 'like' | 'unlike';

export interface LikeEvent {
  kind: LikeEventKind;
  /** Who liked (or unliked). */
  userId: string;
  tweetId: string;
  /** The liked Tweet's author, as it was when the event happened. */
  authorId: string;
  /** When the like (or unlike) happened, epoch milliseconds. */
  at: number;
  /** The outbox position, a decimal string: orders events; it is not part of what names the like. */
  seq: string;
}

function sha256(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

/**
 * The like's own id: 32 lowercase hex characters, the form of X's like ids (`payload.id` of `like.create`, the `id`
 * of an Account Activity favorite event, `LikeId` of the likes streams). It names the like (who, what, when), so
 * the same like has the same id in every product and however often it is delivered; a like undone and done again
 * is a new like with a new id.
 */
export function likeId(userId: string, tweetId: string, likedAt: number): string {
  return sha256(`like\n${userId}\n${tweetId}\n${likedAt}`).subarray(0, 16).toString('hex');
}

/** `likeId` of the like an event is about (for an unlike: the time of the unlike, as no like row is left). */
export function likeIdOf(event: LikeEvent): string {
  return likeId(event.userId, event.tweetId, event.at);
}

/**
 * `event_uuid` of an X Activity API delivery: a signed 64-bit decimal string, negative about half the time as X's
 * examples are (`"-3402274206530057851"`; its OpenAPI's `^[0-9]{1,19}$` says otherwise, the examples win). X calls
 * it "Unique identifier for this event delivery", so it is per subscription: one like matching two subscriptions
 * (the liker's outbound, the author's inbound) is two deliveries with two uuids, while the stream and the webhook
 * of one subscription, and every retry or replay, carry the same one.
 */
export function eventUuid(event: LikeEvent, subscriptionId: string): string {
  const digest = sha256(`event\n${event.kind}\n${event.seq}\n${likeIdOf(event)}\n${subscriptionId}`);
  return digest.readBigInt64BE(0).toString();
}

/** Unsigned 32 bits of a salted hash of the like id: the draws partitions and sampling are made from. */
export function likeHash(event: LikeEvent, salt: string): number {
  return sha256(`${salt}\n${likeIdOf(event)}`).readUInt32BE(0);
}

/** ISO 8601 to the second with `.000Z`, as every `created_at`/`event_at` in X's like examples is written. */
export function isoSeconds(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString();
}
