// Whether a webhook is valid, as X's CRC rules decide it (docs/reference/x-events.md §1.8), and the one delivery
// retry schedule X has published (§1.10). Pure: the caller makes the GET or POST and hands in what came back.

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/** How long the webhook has to answer a CRC: "Respond within 10 seconds" (the v2 requirement table). */
export const CRC_TIMEOUT_MS = 10_000;
/** The periodic CRC waits until the last pass is this old ("not been successfully validated in the past 24 hours"). */
export const CRC_QUIET_MS = 24 * HOUR;
/** ...and then "every 30 minutes" until one passes. Older pages say hourly; the newest introduction says 30 minutes. */
export const CRC_RECHECK_MS = 30 * MINUTE;
/** No pass for more than this and transient failures turn into invalid (24 hours plus the 4-hour grace). */
export const CRC_GRACE_MS = 28 * HOUR;

/** What one CRC GET came to. `network-error` covers X's "Channel closed" and any failure to connect or resolve. */
export type CrcOutcome =
  | { kind: 'answered'; status: number; body: string }
  | { kind: 'timeout' }
  | { kind: 'network-error'; detail?: string }
  | { kind: 'tls-error'; detail?: string };

/**
 * `valid`: the answer carried an accepted token. `invalid-now`: X marks the webhook invalid at once (a 2XX with a
 * wrong `response_token`, any 3XX, an SSL exception). `transient`: X tolerates it until the 28-hour rule runs out.
 */
export type CrcJudgement =
  | { verdict: 'valid' }
  | { verdict: 'invalid-now'; reason: string }
  | { verdict: 'transient'; reason: string };

/** Judges one CRC outcome. `acceptedTokens`: every `response_token` that passes (see acceptedCrcTokens). */
export function judgeCrc(outcome: CrcOutcome, acceptedTokens: readonly string[]): CrcJudgement {
  switch (outcome.kind) {
    case 'timeout':
      return { verdict: 'transient', reason: `no answer within ${CRC_TIMEOUT_MS / 1000} seconds` };
    case 'network-error':
      return { verdict: 'transient', reason: withDetail('connection failed', outcome.detail) };
    case 'tls-error':
      return { verdict: 'invalid-now', reason: withDetail('SSL exception', outcome.detail) };
    case 'answered':
      return judgeAnswer(outcome.status, outcome.body, acceptedTokens);
  }
}

function withDetail(what: string, detail: string | undefined): string {
  return detail ? `${what}: ${detail}` : what;
}

function judgeAnswer(status: number, body: string, acceptedTokens: readonly string[]): CrcJudgement {
  // Redirects are not followed: X lists any 3XX among the answers that invalidate at once.
  if (status >= 300 && status < 400) return { verdict: 'invalid-now', reason: `HTTP ${status}` };
  // 4XX and 5XX are X's transient errors; a status outside 200-599 is no better, and no worse, than a closed channel.
  if (status < 200 || status >= 400) return { verdict: 'transient', reason: `HTTP ${status}` };
  // Any 2XX counts as an answer (X: "Returns a 2XX status code but the response_token is incorrect" invalidates).
  const token = responseToken(body);
  if (token !== null && acceptedTokens.includes(token)) return { verdict: 'valid' };
  const reason = token === null ? 'no response_token in the answer' : 'incorrect response_token';
  return { verdict: 'invalid-now', reason };
}

function responseToken(body: string): string | null {
  try {
    const parsed: unknown = JSON.parse(body);
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return null;
    const token = (parsed as Record<string, unknown>).response_token;
    return typeof token === 'string' ? token : null;
  } catch {
    return null;
  }
}

/** A webhook's standing between CRCs, times in epoch ms of the world's clock. */
export interface WebhookValidity {
  valid: boolean;
  /** The last CRC that passed; registration needs one, so there always is one. */
  lastValidatedAt: number;
  /** The last CRC of any outcome. */
  lastCheckedAt: number;
  /** Why the last CRC failed, or why the webhook is invalid; null after a pass. */
  failure: string | null;
  /** When the periodic CRC is next due; null while invalid (only PUT /2/webhooks/{id} re-enables). */
  nextCheckAt: number | null;
  /** Past this instant without a pass the webhook is invalid (the 28-hour rule); null while invalid. */
  invalidAfter: number | null;
}

/** The standing right after a CRC passed: at registration, on PUT, or periodically. */
export function validatedAt(now: number): WebhookValidity {
  return {
    valid: true,
    lastValidatedAt: now,
    lastCheckedAt: now,
    failure: null,
    nextCheckAt: now + CRC_QUIET_MS,
    invalidAfter: now + CRC_GRACE_MS,
  };
}

function invalid(state: WebhookValidity, now: number, failure: string): WebhookValidity {
  return { ...state, valid: false, lastCheckedAt: now, failure, nextCheckAt: null, invalidAfter: null };
}

/**
 * The standing after a CRC judged at `now`, whatever started it. A transient failure of a valid webhook keeps it
 * valid until the 28-hour rule runs out and brings the next check forward to 30 minutes (never before the 24-hour
 * quiet period ends); an invalid webhook stays invalid until a CRC passes.
 */
export function afterCrc(state: WebhookValidity, judgement: CrcJudgement, now: number): WebhookValidity {
  if (judgement.verdict === 'valid') return validatedAt(now);
  if (judgement.verdict === 'invalid-now' || !state.valid) return invalid(state, now, judgement.reason);
  if (now > state.lastValidatedAt + CRC_GRACE_MS) return invalid(state, now, staleReason(judgement.reason));
  return {
    ...state,
    lastCheckedAt: now,
    failure: judgement.reason,
    nextCheckAt: Math.max(state.lastValidatedAt + CRC_QUIET_MS, now + CRC_RECHECK_MS),
  };
}

function staleReason(lastFailure: string | null): string {
  const why = 'not validated for more than 28 hours';
  return lastFailure ? `${why} (last failure: ${lastFailure})` : why;
}

/** The standing at `now` with no CRC run: the 28-hour rule applies even when no check could be made. */
export function expireValidity(state: WebhookValidity, now: number): WebhookValidity {
  if (!state.valid || state.invalidAfter === null || now <= state.invalidAfter) return state;
  return { ...state, valid: false, failure: staleReason(state.failure), nextCheckAt: null, invalidAfter: null };
}

/** Whether the periodic CRC should run now. */
export function crcDue(state: WebhookValidity, now: number): boolean {
  return state.valid && state.nextCheckAt !== null && now >= state.nextCheckAt;
}

/**
 * The delivery retry schedule: the legacy (v1.1 enterprise) Account Activity one, the only schedule X has published;
 * no v2 page gives one. An attempt, then retries 3, 27 and 242 seconds after the previous attempt's 3-second timeout,
 * i.e. attempts at 0, 6, 36 and 281 seconds, then the event is dropped (at 284 s). Offsets are from the first attempt,
 * also when an attempt fails before its timeout.
 */
export const LEGACY_AAA_RETRY_SCHEDULE = {
  attemptOffsetsMs: [0, 6_000, 36_000, 281_000],
  attemptTimeoutMs: 3_000,
} as const;

/** When attempt `attemptsMade + 1` is due, or null once the schedule is spent. */
export function nextDeliveryAttemptAt(firstAttemptAt: number, attemptsMade: number): number | null {
  const offset = LEGACY_AAA_RETRY_SCHEDULE.attemptOffsetsMs[attemptsMade];
  return offset === undefined ? null : firstAttemptAt + offset;
}

/** A delivery counts as received on a 2XX within the attempt's timeout; anything else is retried. */
export function deliveryAcknowledged(status: number): boolean {
  return status >= 200 && status < 300;
}
