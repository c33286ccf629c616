// How a stream connection reads a world's outbox: where it starts (now, `backfill_minutes` back, or the recovery
// window `start_time`..`end_time`, docs/reference/x-events.md §4.4) and how it follows from there. The outbox alone is
// enough: a local like wakes the reader at once (EventSignal), a like committed by another instance is found by the
// next poll. Reads are by position, so nothing committed late is skipped (the EventStore's gap-free reads).
import type { Clock } from '../../ports/clock.ts';
import type { EventStore } from '../../ports/eventStore.ts';
import { invalidRequest } from '../problems.ts';
import { parseIsoTime } from '../sandboxes/sandboxClock.ts';
import type { EventSignal } from './eventSignal.ts';
import type { OutboxEvent } from './records.ts';

/** How often an open stream polls the outbox when nothing local woke it (events committed on other instances). */
export const STREAM_POLL_MS = 250;
/** X's recovery window: "up to 24 hours in the past". */
export const RECOVERY_WINDOW_MS = 24 * 3600_000;
/** `backfill_minutes` at most (X's OpenAPI: 0 to 5). */
export const MAX_BACKFILL_MINUTES = 5;
/**
 * How long past `end_time` the connection keeps reading before it ends: a like stamped just before `end_time` may
 * still be committing when the clock passes it.
 */
export const END_SETTLE_MS = 1_000;
const BATCH = 100;
const NO_LATER_BOUND = Number.MAX_SAFE_INTEGER;

/**
 * Where a connection starts and what it delivers.
 * - `live`: what is committed after `after` (the head when it connected).
 * - `backfill`: first every event from `since` on (read by time), then on from the last one read, by position.
 * - `recovery` (`start_time`): only events whose time is within `since`..`until`, for the whole connection.
 * With `until` (`end_time`), later events are left out, and the connection ends once the clock is past it
 * ("Once complete, the connection disconnects").
 */
export type StreamStart =
  | { kind: 'live'; after: string | null; until: number | null }
  | { kind: 'backfill'; since: number; until: number | null }
  | { kind: 'recovery'; since: number; until: number | null };

/** The recovery parameters every stream takes, as sent. */
export interface StreamTimeParams {
  backfill_minutes?: number;
  start_time?: string;
  end_time?: string;
}

/** X's wording for a bad time parameter (the form its search endpoints use: `Invalid 'start_time':'…'. …`). */
function badTime(name: 'start_time' | 'end_time', value: string, why: string) {
  return { parameters: { [name]: [value] }, message: `Invalid '${name}':'${value}'. '${name}' ${why}` };
}

/** `2026-01-01T12:00Z`: the minute form X's time messages write. */
const minuteText = (ms: number): string => `${new Date(ms).toISOString().slice(0, 16)}Z`;

/**
 * Where a connection made at `now` starts. A live start's head is read here, before the stream answers: a like made
 * once the client has its 200 is after it (a backfill or a recovery window reads by time, which covers it too). `start_time` wins over `backfill_minutes` (a recovery window says exactly what
 * to replay). Throws X's invalid-request for a time that is not RFC 3339, a `start_time` older than the recovery
 * window, or an `end_time` not after `start_time`.
 */
export async function streamStartOf(events: EventStore, now: number, params: StreamTimeParams): Promise<StreamStart> {
  const errors: ReturnType<typeof badTime>[] = [];
  const since = params.start_time === undefined ? null : parseIsoTime(params.start_time);
  const until = params.end_time === undefined ? null : parseIsoTime(params.end_time);
  if (since !== null && Number.isNaN(since)) errors.push(badTime('start_time', params.start_time!, 'must be a date-time of the form YYYY-MM-DDTHH:mm:ssZ'));
  if (until !== null && Number.isNaN(until)) errors.push(badTime('end_time', params.end_time!, 'must be a date-time of the form YYYY-MM-DDTHH:mm:ssZ'));
  if (since !== null && !Number.isNaN(since) && since < now - RECOVERY_WINDOW_MS) {
    errors.push(badTime('start_time', params.start_time!, `must be on or after ${minuteText(now - RECOVERY_WINDOW_MS)}`));
  }
  if (since !== null && until !== null && !Number.isNaN(since) && !Number.isNaN(until) && until <= since) {
    errors.push(badTime('end_time', params.end_time!, "must be after 'start_time'"));
  }
  if (errors.length) throw invalidRequest(errors);
  if (since !== null) return { kind: 'recovery', since, until };
  const minutes = Math.min(params.backfill_minutes ?? 0, MAX_BACKFILL_MINUTES);
  if (minutes > 0) return { kind: 'backfill', since: now - minutes * 60_000, until };
  return { kind: 'live', after: await events.headPosition(), until };
}

export interface FollowOptions {
  events: EventStore;
  /** Local wake-ups. */
  signal: EventSignal;
  /** The world's clock: `end_time` is a time of the world's events. */
  clock: Clock;
  start: StreamStart;
  /** Ends the follow (the client went, the connection was ended). */
  abort: AbortSignal;
  pollMs?: number;
}

/**
 * The events of `start`, oldest first, in batches, as they are committed; returns when `abort` fires or, with an
 * `until`, once the clock is past it and everything up to it was read.
 */
export async function* followOutbox(options: FollowOptions): AsyncGenerator<OutboxEvent[], void> {
  const { events, signal, clock, start, abort } = options;
  const pollMs = options.pollMs ?? STREAM_POLL_MS;
  const until = start.until;
  let position = start.kind === 'live' ? start.after : null;
  // Reads bounded by time: the whole recovery window, or a backfill until it has caught up.
  let since = start.kind === 'live' ? null : start.since;
  while (!abort.aborted) {
    // Noted before reading: a like committed while this read runs wakes the next wait at once.
    const seen = signal.generation;
    const readAt = clock.now();
    // Until a time-bounded read has found something, the head before it is where reading may resume from.
    const head = since !== null && position === null ? await events.headPosition() : null;
    const batch = since !== null
      ? await events.eventsBetween(since, until ?? NO_LATER_BOUND, position, BATCH)
      : await events.eventsAfter(position, BATCH);
    if (abort.aborted) return;
    if (batch.length > 0) position = batch[batch.length - 1].position;
    else if (since !== null && position === null) position = head;
    const wanted = until === null ? batch : batch.filter((e) => e.at <= until);
    if (wanted.length > 0) yield wanted;
    if (batch.length === BATCH) continue;
    // A backfill has caught up: from here on it follows by position, whatever times the world's clock gives.
    if (start.kind === 'backfill' && since !== null) {
      since = null;
      continue;
    }
    if (until !== null && readAt > until + END_SETTLE_MS) return;
    await signal.wait(pollMs, abort, seen);
  }
}
