// X's CRC rules as a state function: which answers invalidate at once, which are tolerated, the 24-hour quiet
// period, the 30-minute re-checks and the 28-hour rule; and the legacy delivery retry schedule.
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { describe, it } from 'node:test';
import { acceptedCrcTokens } from '../../src/domain/events/webhookCrypto.ts';
import {
  afterCrc,
  CRC_GRACE_MS,
  CRC_QUIET_MS,
  CRC_RECHECK_MS,
  CRC_TIMEOUT_MS,
  crcDue,
  deliveryAcknowledged,
  expireValidity,
  judgeCrc,
  LEGACY_AAA_RETRY_SCHEDULE,
  nextDeliveryAttemptAt,
  validatedAt,
  type CrcJudgement,
  type CrcOutcome,
} from '../../src/domain/events/webhookValidity.ts';

const MIN = 60_000;
const HOUR = 60 * MIN;
const T0 = Date.UTC(2026, 11, 3, 12, 0, 0);

const TOKEN = '9b4507b3-9040-4669-9ca3-6b94edb50553';
const SECRET = 'z3ZX4v7mAAUGykl3EcmkqbartmuW8VFOOzCloLx9Q45P0hLrFu';
const GOOD = 'sha256=Cytd4Sq+NvEcV3MMrXxWJGJx5A+y/lXzzU2Maartkx8=';
const ACCEPTED = [GOOD];

const answered = (status: number, body: unknown): CrcOutcome => ({
  kind: 'answered',
  status,
  body: typeof body === 'string' ? body : JSON.stringify(body),
});

describe('judging a CRC', () => {
  it('passes a 2XX carrying an accepted token', () => {
    assert.equal(GOOD, `sha256=${createHmac('sha256', SECRET).update(TOKEN).digest('base64')}`);
    assert.deepEqual(judgeCrc(answered(200, { response_token: GOOD }), ACCEPTED), { verdict: 'valid' });
    assert.deepEqual(judgeCrc(answered(202, { response_token: GOOD, extra: 1 }), ACCEPTED), { verdict: 'valid' });
    // Either secret's answer passes when the App has both.
    const both = acceptedCrcTokens(TOKEN, { consumerSecret: SECRET, clientSecret: 'client-secret' });
    assert.deepEqual(judgeCrc(answered(200, { response_token: GOOD }), both), { verdict: 'valid' });
    assert.deepEqual(judgeCrc(answered(200, { response_token: both[0] }), both), { verdict: 'valid' });
  });

  const table: Array<[string, CrcOutcome, CrcJudgement['verdict']]> = [
    ['a wrong token', answered(200, { response_token: 'sha256=AAAA' }), 'invalid-now'],
    ['the token without its prefix', answered(200, { response_token: GOOD.slice(7) }), 'invalid-now'],
    ['the token as plain text', answered(200, GOOD), 'invalid-now'],
    ['no body', answered(204, ''), 'invalid-now'],
    ['a JSON array', answered(200, [GOOD]), 'invalid-now'],
    ['a number as the token', answered(200, { response_token: 5 }), 'invalid-now'],
    ['a 301', answered(301, ''), 'invalid-now'],
    ['a 302 with the right body', answered(302, { response_token: GOOD }), 'invalid-now'],
    ['a 308', answered(308, ''), 'invalid-now'],
    ['an SSL exception', { kind: 'tls-error', detail: 'certificate has expired' }, 'invalid-now'],
    ['a 400', answered(400, ''), 'transient'],
    ['a 404 with the right body', answered(404, { response_token: GOOD }), 'transient'],
    ['a 429', answered(429, ''), 'transient'],
    ['a 500', answered(500, ''), 'transient'],
    ['a 503', answered(503, ''), 'transient'],
    ['a 1XX', answered(101, ''), 'transient'],
    ['a timeout', { kind: 'timeout' }, 'transient'],
    ['a closed channel', { kind: 'network-error', detail: 'ECONNRESET' }, 'transient'],
    ['a refused connection', { kind: 'network-error' }, 'transient'],
  ];
  for (const [what, outcome, verdict] of table) {
    it(`${verdict === 'transient' ? 'tolerates' : 'invalidates on'} ${what}`, () => {
      const judgement = judgeCrc(outcome, ACCEPTED);
      assert.equal(judgement.verdict, verdict);
      assert.ok(judgement.verdict !== 'valid' && judgement.reason.length > 0);
    });
  }

  it('says why', () => {
    assert.deepEqual(judgeCrc(answered(302, ''), ACCEPTED), { verdict: 'invalid-now', reason: 'HTTP 302' });
    assert.deepEqual(judgeCrc(answered(200, { response_token: 'x' }), ACCEPTED), {
      verdict: 'invalid-now',
      reason: 'incorrect response_token',
    });
    assert.deepEqual(judgeCrc({ kind: 'timeout' }, ACCEPTED), {
      verdict: 'transient',
      reason: 'no answer within 10 seconds',
    });
    assert.deepEqual(judgeCrc({ kind: 'tls-error', detail: 'self-signed certificate' }, ACCEPTED), {
      verdict: 'invalid-now',
      reason: 'SSL exception: self-signed certificate',
    });
  });
});

const transient: CrcJudgement = { verdict: 'transient', reason: 'HTTP 503' };
const wrong: CrcJudgement = { verdict: 'invalid-now', reason: 'incorrect response_token' };

describe('webhook validity over time', () => {
  it('uses X’s numbers', () => {
    assert.equal(CRC_TIMEOUT_MS, 10_000);
    assert.equal(CRC_QUIET_MS, 24 * HOUR);
    assert.equal(CRC_RECHECK_MS, 30 * MIN);
    assert.equal(CRC_GRACE_MS, 28 * HOUR);
  });

  it('after a pass, checks again only once 24 hours have gone by', () => {
    const s = validatedAt(T0);
    assert.deepEqual(s, {
      valid: true,
      lastValidatedAt: T0,
      lastCheckedAt: T0,
      failure: null,
      nextCheckAt: T0 + 24 * HOUR,
      invalidAfter: T0 + 28 * HOUR,
    });
    assert.equal(crcDue(s, T0 + 24 * HOUR - 1), false);
    assert.equal(crcDue(s, T0 + 24 * HOUR), true);
  });

  it('a pass resets everything', () => {
    let s = afterCrc(validatedAt(T0), transient, T0 + 24 * HOUR);
    s = afterCrc(s, { verdict: 'valid' }, T0 + 25 * HOUR);
    assert.deepEqual(s, validatedAt(T0 + 25 * HOUR));
  });

  it('a transient failure keeps it valid and re-checks every 30 minutes', () => {
    const s = afterCrc(validatedAt(T0), transient, T0 + 24 * HOUR);
    assert.equal(s.valid, true);
    assert.equal(s.failure, 'HTTP 503');
    assert.equal(s.lastCheckedAt, T0 + 24 * HOUR);
    assert.equal(s.nextCheckAt, T0 + 24 * HOUR + 30 * MIN);
    assert.equal(s.invalidAfter, T0 + 28 * HOUR);
  });

  it('a transient failure inside the quiet period (on PUT) does not bring the periodic check forward', () => {
    const s = afterCrc(validatedAt(T0), transient, T0 + 2 * HOUR);
    assert.equal(s.valid, true);
    assert.equal(s.nextCheckAt, T0 + 24 * HOUR);
  });

  it('transient failures turn into invalid after more than 28 hours without a pass', () => {
    let s = validatedAt(T0);
    let checks = 0;
    while (s.valid) {
      assert.ok(s.nextCheckAt !== null);
      s = afterCrc(s, transient, s.nextCheckAt);
      checks += 1;
    }
    // At 24h, 24.5h, ... 28h (9 checks, the last one still in time), then 28.5h is too late.
    assert.equal(checks, 10);
    assert.equal(s.lastCheckedAt, T0 + 28 * HOUR + 30 * MIN);
    assert.deepEqual(
      { valid: s.valid, nextCheckAt: s.nextCheckAt, invalidAfter: s.invalidAfter },
      { valid: false, nextCheckAt: null, invalidAfter: null },
    );
    assert.equal(s.failure, 'not validated for more than 28 hours (last failure: HTTP 503)');
    assert.equal(crcDue(s, T0 + 100 * HOUR), false);
  });

  it('a pass at exactly 28 hours is still in time', () => {
    const s = afterCrc(validatedAt(T0), transient, T0 + 28 * HOUR);
    assert.equal(s.valid, true);
    assert.equal(afterCrc(s, { verdict: 'valid' }, T0 + 28 * HOUR).valid, true);
  });

  it('expires on the 28-hour rule when no check could run at all', () => {
    const s = validatedAt(T0);
    assert.equal(expireValidity(s, T0 + 28 * HOUR), s);
    const expired = expireValidity(s, T0 + 28 * HOUR + 1);
    assert.equal(expired.valid, false);
    assert.equal(expired.failure, 'not validated for more than 28 hours');
    assert.equal(expired.lastCheckedAt, T0);
    const afterFailure = expireValidity(afterCrc(s, transient, T0 + 27 * HOUR), T0 + 29 * HOUR);
    assert.equal(afterFailure.failure, 'not validated for more than 28 hours (last failure: HTTP 503)');
  });

  it('a wrong token, a 3XX or an SSL exception invalidate at once', () => {
    const s = afterCrc(validatedAt(T0), wrong, T0 + 24 * HOUR);
    assert.deepEqual(s, {
      valid: false,
      lastValidatedAt: T0,
      lastCheckedAt: T0 + 24 * HOUR,
      failure: 'incorrect response_token',
      nextCheckAt: null,
      invalidAfter: null,
    });
    assert.equal(afterCrc(validatedAt(T0), judgeCrc(answered(307, ''), ACCEPTED), T0 + 1).valid, false);
    assert.equal(afterCrc(validatedAt(T0), judgeCrc({ kind: 'tls-error' }, ACCEPTED), T0 + 1).valid, false);
  });

  it('an invalid webhook stays invalid until a CRC passes (PUT re-enables it)', () => {
    let s = afterCrc(validatedAt(T0), wrong, T0 + HOUR);
    assert.equal(crcDue(s, T0 + 48 * HOUR), false);
    s = afterCrc(s, transient, T0 + 2 * HOUR);
    assert.equal(s.valid, false);
    assert.equal(s.failure, 'HTTP 503');
    assert.equal(expireValidity(s, T0 + 100 * HOUR), s);
    s = afterCrc(s, { verdict: 'valid' }, T0 + 3 * HOUR);
    assert.deepEqual(s, validatedAt(T0 + 3 * HOUR));
  });
});

describe('delivery retries (legacy Account Activity schedule)', () => {
  it('attempts at 0, 6, 36 and 281 seconds, 3 seconds each, then gives up', () => {
    assert.deepEqual(LEGACY_AAA_RETRY_SCHEDULE, {
      attemptOffsetsMs: [0, 6_000, 36_000, 281_000],
      attemptTimeoutMs: 3_000,
    });
    // The page's waits: 3, 27 and 242 seconds after the previous attempt's timeout.
    const { attemptOffsetsMs: at, attemptTimeoutMs: timeout } = LEGACY_AAA_RETRY_SCHEDULE;
    const waits = [1, 2, 3].map((i) => at[i] - (at[i - 1] + timeout));
    assert.deepEqual(waits, [3_000, 27_000, 242_000]);
    assert.equal(at[3] + timeout, 284_000);
    assert.deepEqual(
      [0, 1, 2, 3, 4].map((n) => nextDeliveryAttemptAt(T0, n)),
      [T0, T0 + 6_000, T0 + 36_000, T0 + 281_000, null],
    );
    assert.equal(nextDeliveryAttemptAt(T0, -1), null);
  });

  it('counts a 2XX as received', () => {
    const statuses = [200, 202, 204, 299, 301, 400, 500];
    assert.deepEqual(statuses.map(deliveryAcknowledged), [true, true, true, true, false, false, false]);
  });
});
