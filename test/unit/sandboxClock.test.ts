// A sandbox's clock: base time plus an offset, and the POST body that moves it (the schema and the checks agree).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Ajv } from 'ajv';
import formatsPlugin from 'ajv-formats';
import { ControlRequestError } from '../../src/domain/sandboxes/controlRequestError.ts';
import {
  ClockRequest, EARLIEST_SANDBOX_TIME, LATEST_SANDBOX_TIME, SandboxClock, offsetAfter, parseClockRequest, parseIsoTime,
  presentClock,
} from '../../src/domain/sandboxes/sandboxClock.ts';
import { ManualClock } from '../support/clock.ts';

const T0 = Date.UTC(2026, 0, 1, 12);

/** The message `fn` throws its ControlRequestError with. */
function refusal(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof ControlRequestError);
    return e.message;
  }
  assert.fail('expected a refusal');
}

describe('SandboxClock', () => {
  it('reads the base clock moved by the offset, which can change at any time', () => {
    const base = new ManualClock(T0);
    const clock = new SandboxClock(base);
    assert.equal(clock.now(), T0);
    clock.setOffsetMs(3_600_000);
    assert.equal(clock.offsetMs, 3_600_000);
    assert.equal(clock.now(), T0 + 3_600_000);
    base.advance(1000);
    assert.equal(clock.now(), T0 + 3_601_000);
    assert.equal(new SandboxClock(base, -1000).now(), T0);
  });
});

describe('parseClockRequest', () => {
  it('reads advance_seconds, fractions to the millisecond', () => {
    assert.deepEqual(parseClockRequest({ advance_seconds: 900 }), { advanceMs: 900_000 });
    assert.deepEqual(parseClockRequest({ advance_seconds: 1.5 }), { advanceMs: 1500 });
    assert.deepEqual(parseClockRequest({ advance_seconds: 0.0004 }), { advanceMs: 0 });
    assert.deepEqual(parseClockRequest({ advance_seconds: 0 }), { advanceMs: 0 });
  });

  it('reads now, in any zone', () => {
    assert.deepEqual(parseClockRequest({ now: '2026-01-01T12:00:00Z' }), { at: T0 });
    assert.deepEqual(parseClockRequest({ now: '2026-01-01T14:00:00.000+02:00' }), { at: T0 });
    assert.deepEqual(parseClockRequest({ now: '2026-01-01T12:00:00.123456789Z' }), { at: T0 + 123 });
    assert.deepEqual(parseClockRequest({ now: '2020-02-29T00:00:00Z' }), { at: Date.UTC(2020, 1, 29) });
  });

  it('says what is wrong', () => {
    const cases: [unknown, string][] = [
      [null, 'the body must be a JSON object'],
      [[1], 'the body must be a JSON object'],
      [{}, 'give advance_seconds (a number of seconds) or now (an ISO 8601 date-time)'],
      [{ advance_seconds: 1, now: '2026-01-01T00:00:00Z' }, 'give advance_seconds or now, not both'],
      [{ advance: 60 }, 'unknown member "advance": give advance_seconds or now'],
      [{ advance_seconds: -1 }, 'advance_seconds must be a number of seconds, 0 or more (got -1)'],
      [{ advance_seconds: '60' }, 'advance_seconds must be a number of seconds, 0 or more (got "60")'],
      [{ advance_seconds: null }, 'advance_seconds must be a number of seconds, 0 or more (got null)'],
    ];
    const bad = (text: unknown) => `now must be an ISO 8601 date-time with a time zone, e.g. 2026-01-01T12:00:00Z (got ${JSON.stringify(text)})`;
    for (const now of ['2026-02-30T00:00:00Z', '2026-01-01', '2026-01-01T00:00:00', '2026-01-01T24:00:00Z', '2026-01-01T00:00Z', '2026-13-01T00:00:00Z', '2026-01-01T00:00:00+24:00', 'tomorrow', 1767225600]) {
      cases.push([{ now }, bad(now)]);
    }
    for (const [body, message] of cases) assert.equal(refusal(() => parseClockRequest(body)), message, JSON.stringify(body));
  });

  it('accepts the bodies its JSON schema accepts (a leap second aside)', () => {
    const ajv = new Ajv({ strict: false });
    formatsPlugin.default(ajv);
    const validate = ajv.compile(ClockRequest);
    const bodies: unknown[] = [
      { advance_seconds: 60 }, { advance_seconds: 0.5 }, { advance_seconds: 0 }, { advance_seconds: -1 }, { advance_seconds: '1' },
      { now: '2026-01-01T00:00:00Z' }, { now: '2026-01-01T00:00:00.5-05:30' }, { now: '2026-01-01' }, { now: '2026-01-01T00:00:00' },
      { now: '2026-02-30T00:00:00Z' }, { now: 5 }, {}, { advance_seconds: 1, now: '2026-01-01T00:00:00Z' }, { other: 1 }, null,
    ];
    for (const body of bodies) {
      let parsed = true;
      try {
        parseClockRequest(body);
      } catch {
        parsed = false;
      }
      assert.equal(parsed, validate(body), JSON.stringify(body));
    }
  });
});

describe('parseIsoTime', () => {
  it('reads years below 100 as written, not as 19xx', () => {
    assert.equal(parseIsoTime('0050-01-01T00:00:00Z'), Date.parse('0050-01-01T00:00:00Z'));
    assert.ok(Number.isNaN(parseIsoTime('2026-1-01T00:00:00Z')));
  });
});

describe('offsetAfter', () => {
  it('advances from where the sandbox is', () => {
    assert.equal(offsetAfter({ advanceMs: 60_000 }, T0, 0), 60_000);
    assert.equal(offsetAfter({ advanceMs: 60_000 }, T0, -5000), 55_000);
  });

  it('sets any instant, earlier ones included', () => {
    assert.equal(offsetAfter({ at: T0 + 86_400_000 }, T0, 123), 86_400_000);
    assert.equal(offsetAfter({ at: Date.UTC(2020, 0, 1) }, T0, 0), Date.UTC(2020, 0, 1) - T0);
    assert.equal(offsetAfter({ at: EARLIEST_SANDBOX_TIME }, T0, 0), EARLIEST_SANDBOX_TIME - T0);
    assert.equal(offsetAfter({ at: LATEST_SANDBOX_TIME }, T0, 0), LATEST_SANDBOX_TIME - T0);
  });

  it('keeps the sandbox between X\'s snowflake epoch and the year 9999', () => {
    const message = "the sandbox's time must stay between 2010-11-04T01:42:54.657Z and 9999-12-31T23:59:59.999Z";
    assert.equal(refusal(() => offsetAfter({ at: EARLIEST_SANDBOX_TIME - 1 }, T0, 0)), message);
    assert.equal(refusal(() => offsetAfter({ at: Date.parse('0050-01-01T00:00:00Z') }, T0, 0)), message);
    assert.equal(refusal(() => offsetAfter({ advanceMs: LATEST_SANDBOX_TIME - T0 + 1 }, T0, 0)), message);
  });
});

describe('presentClock', () => {
  it('answers the sandbox time as ISO 8601', () => {
    assert.deepEqual(presentClock(T0 + 1), { now: '2026-01-01T12:00:00.001Z' });
  });
});
