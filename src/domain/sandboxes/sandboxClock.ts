// A sandbox's own time: the base clock moved by an offset the operator sets (GET/POST /__admin/sandboxes/{id}/clock).
// It drives the sandbox's rate-limit windows, its monthly cap, token and code expiry and the times of new likes; the
// OAuth 1.0a timestamp window stays checked against the base clock, as X checks it against real time.
import type { FromSchema } from 'json-schema-to-ts';
import type { Clock } from '../../ports/clock.ts';
import { SNOWFLAKE_EPOCH } from '../ids.ts';
import { ControlRequestError } from './controlRequestError.ts';

/** Base time plus an offset that can be changed at any moment (the HTTP edge sets it from the stored one). */
export class SandboxClock implements Clock {
  /** `base`: real time (or a test's clock); the OAuth 1.0a timestamp window is checked against it. */
  constructor(readonly base: Clock, private offset: number = 0) {}

  now(): number {
    return this.base.now() + this.offset;
  }

  get offsetMs(): number {
    return this.offset;
  }

  setOffsetMs(ms: number): void {
    this.offset = ms;
  }
}

/**
 * The body of POST /__admin/sandboxes/{id}/clock: exactly one of the two. `advance_seconds` moves time forward
 * (fractions allowed, to the millisecond); `now` sets it to any instant, earlier ones included: windows, caps and
 * tokens then stand as they were stored, so a window started "later" lasts until its own reset.
 */
export const ClockRequest = {
  type: 'object',
  additionalProperties: false,
  minProperties: 1,
  maxProperties: 1,
  properties: {
    advance_seconds: { type: 'number', minimum: 0 },
    now: { type: 'string', format: 'date-time' },
  },
} as const;

export type ClockRequestBody = FromSchema<typeof ClockRequest>;

export type ClockMove = { advanceMs: number } | { at: number };

/** The earliest sandbox time: X's snowflake epoch, before which no id can be made. */
export const EARLIEST_SANDBOX_TIME = SNOWFLAKE_EPOCH;
/** The latest: the last millisecond an ISO 8601 date with a four-digit year can write. */
export const LATEST_SANDBOX_TIME = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

const ISO_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;

/** Epoch ms of an RFC 3339 date-time (a zone is required), or NaN: Date.parse alone takes 2026-02-30 for 03-02. */
export function parseIsoTime(text: string): number {
  const m = ISO_TIME.exec(text);
  if (!m) return Number.NaN;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number);
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day); // Date.UTC would read years below 100 as 19xx
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return Number.NaN;
  if (hour > 23 || minute > 59 || second > 59) return Number.NaN;
  const zone = m[7];
  if (zone !== 'Z' && (Number(zone.slice(1, 3)) > 23 || Number(zone.slice(4)) > 59)) return Number.NaN;
  return Date.parse(text);
}

const describe = (value: unknown): string => (typeof value === 'string' ? `"${value}"` : JSON.stringify(value) ?? String(value));

/** The move a request body asks for; throws ControlRequestError saying what is wrong with it. */
export function parseClockRequest(body: unknown): ClockMove {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new ControlRequestError('the body must be a JSON object');
  const members = body as Record<string, unknown>;
  for (const name of Object.keys(members)) {
    if (name !== 'advance_seconds' && name !== 'now') throw new ControlRequestError(`unknown member "${name}": give advance_seconds or now`);
  }
  const advance = Object.hasOwn(members, 'advance_seconds') ? members.advance_seconds : undefined;
  const now = Object.hasOwn(members, 'now') ? members.now : undefined;
  if (advance !== undefined && now !== undefined) throw new ControlRequestError('give advance_seconds or now, not both');
  if (advance !== undefined) {
    if (typeof advance !== 'number' || !Number.isFinite(advance) || advance < 0) {
      throw new ControlRequestError(`advance_seconds must be a number of seconds, 0 or more (got ${describe(advance)})`);
    }
    return { advanceMs: Math.round(advance * 1000) };
  }
  if (now !== undefined) {
    const at = typeof now === 'string' ? parseIsoTime(now) : Number.NaN;
    if (Number.isNaN(at)) {
      throw new ControlRequestError(`now must be an ISO 8601 date-time with a time zone, e.g. 2026-01-01T12:00:00Z (got ${describe(now)})`);
    }
    return { at };
  }
  throw new ControlRequestError('give advance_seconds (a number of seconds) or now (an ISO 8601 date-time)');
}

/**
 * The offset after `move`, for a sandbox whose offset is `offsetMs` over a base clock reading `baseNow`. Throws
 * ControlRequestError when the sandbox's time would leave [EARLIEST_SANDBOX_TIME, LATEST_SANDBOX_TIME].
 */
export function offsetAfter(move: ClockMove, baseNow: number, offsetMs: number): number {
  const target = 'at' in move ? move.at : baseNow + offsetMs + move.advanceMs;
  if (target < EARLIEST_SANDBOX_TIME || target > LATEST_SANDBOX_TIME) {
    throw new ControlRequestError(
      `the sandbox's time must stay between ${new Date(EARLIEST_SANDBOX_TIME).toISOString()} and ${new Date(LATEST_SANDBOX_TIME).toISOString()}`,
    );
  }
  return target - baseNow;
}

/** GET …/clock (and POST's answer): the sandbox's time. */
export const presentClock = (sandboxNow: number): { now: string } => ({ now: new Date(sandboxNow).toISOString() });
