// Faults on purpose, the pure half: reading the request body (the schema and the checks agree), matching a request,
// and the answers, byte for byte as X sends them.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Ajv } from 'ajv';
import type { EndpointId } from '../../src/domain/access.ts';
import { RATE_LIMIT_TIERS, windowsFor } from '../../src/domain/rateLimits.ts';
import { ControlRequestError } from '../../src/domain/sandboxes/controlRequestError.ts';
import {
  FAULT_ID_PATTERN, FaultRequest, faultAnswer, matchFault, newFault, newFaultId, parseFaultRequest, type Fault,
  type FaultAnswer, type FaultRequestBody, type FaultTarget,
} from '../../src/domain/sandboxes/faults.ts';

/** The message parseFaultRequest refuses `body` with. */
function refusal(body: unknown): string {
  try {
    parseFaultRequest(body);
  } catch (e) {
    assert.ok(e instanceof ControlRequestError);
    return e.message;
  }
  assert.fail(`expected ${JSON.stringify(body)} to be refused`);
}

describe('parseFaultRequest', () => {
  it('reads a minimal body, with the defaults', () => {
    assert.deepEqual(parseFaultRequest({ endpoint: '*', action: 'drop' }), {
      endpoint: '*', user_id: null, app_id: null, action: 'drop', delay_ms: null, times: null, probability: 1,
    });
  });

  it('reads every member, and takes null for absent', () => {
    const body: FaultRequestBody = {
      endpoint: 'liked_tweets', user_id: '2244994945', app_id: '1', action: 'delay', delay_ms: 60_000, times: 3, probability: 0.25,
    };
    assert.deepEqual(parseFaultRequest(body), { ...body });
    assert.deepEqual(parseFaultRequest({ endpoint: 'unlike', action: 'rate_limit', user_id: null, app_id: null, delay_ms: null, times: null, probability: null }), {
      endpoint: 'unlike', user_id: null, app_id: null, action: 'rate_limit', delay_ms: null, times: null, probability: 1,
    });
    for (const endpoint of ['liked_tweets', 'liking_users', 'like', 'unlike', '*']) {
      assert.equal(parseFaultRequest({ endpoint, action: 'server_error' }).endpoint, endpoint);
    }
    for (const action of ['rate_limit', 'unavailable', 'usage_capped', 'server_error', 'drop']) {
      assert.equal(parseFaultRequest({ endpoint: 'like', action }).action, action);
    }
  });

  it('says what is wrong, first thing first', () => {
    const endpoints = 'one of liked_tweets, liking_users, like, unlike, *';
    const actions = 'one of rate_limit, unavailable, usage_capped, server_error, delay, drop';
    const cases: [unknown, string][] = [
      [null, 'the body must be a JSON object'],
      [[], 'the body must be a JSON object'],
      ['like', 'the body must be a JSON object'],
      [{ endpoint: 'like', action: 'drop', delay: 5 }, 'unknown member "delay": a fault has endpoint, user_id, app_id, action, delay_ms, times, probability'],
      [{ action: 'drop' }, `endpoint is required: ${endpoints}`],
      [{ endpoint: null, action: 'drop' }, `endpoint is required: ${endpoints}`],
      [{ endpoint: 'retweets', action: 'drop' }, `unknown endpoint "retweets": ${endpoints}`],
      [{ endpoint: 'usage_tweets', action: 'drop' }, `unknown endpoint "usage_tweets": ${endpoints}`],
      [{ endpoint: 5, action: 'drop' }, `unknown endpoint 5: ${endpoints}`],
      [{ endpoint: 'like', user_id: 12, action: 'drop' }, 'user_id must be an id of 1 to 19 digits, as a string (got 12)'],
      [{ endpoint: 'like', user_id: 'alice', action: 'drop' }, 'user_id must be an id of 1 to 19 digits, as a string (got "alice")'],
      [{ endpoint: 'like', app_id: '12345678901234567890', action: 'drop' }, 'app_id must be an id of 1 to 19 digits, as a string (got "12345678901234567890")'],
      [{ endpoint: 'like' }, `action is required: ${actions}`],
      [{ endpoint: 'like', action: 'timeout' }, `unknown action "timeout": ${actions}`],
      [{ endpoint: 'like', action: 'delay' }, 'delay_ms is required with action "delay" (1 to 60000)'],
      [{ endpoint: 'like', action: 'delay', delay_ms: 0 }, 'delay_ms must be an integer from 1 to 60000 (got 0)'],
      [{ endpoint: 'like', action: 'delay', delay_ms: 60_001 }, 'delay_ms must be an integer from 1 to 60000 (got 60001)'],
      [{ endpoint: 'like', action: 'delay', delay_ms: 2.5 }, 'delay_ms must be an integer from 1 to 60000 (got 2.5)'],
      [{ endpoint: 'like', action: 'delay', delay_ms: '100' }, 'delay_ms must be an integer from 1 to 60000 (got "100")'],
      [{ endpoint: 'like', action: 'drop', delay_ms: 100 }, 'delay_ms goes only with action "delay" (the action is "drop")'],
      [{ endpoint: 'like', action: 'drop', times: 0 }, 'times must be a positive integer (got 0)'],
      [{ endpoint: 'like', action: 'drop', times: -2 }, 'times must be a positive integer (got -2)'],
      [{ endpoint: 'like', action: 'drop', times: 1.5 }, 'times must be a positive integer (got 1.5)'],
      [{ endpoint: 'like', action: 'drop', times: '2' }, 'times must be a positive integer (got "2")'],
      [{ endpoint: 'like', action: 'drop', times: 2 ** 53 }, 'times must be a positive integer (got 9007199254740992)'],
      [{ endpoint: 'like', action: 'drop', probability: 0 }, 'probability must be a number greater than 0 and at most 1 (got 0)'],
      [{ endpoint: 'like', action: 'drop', probability: 1.01 }, 'probability must be a number greater than 0 and at most 1 (got 1.01)'],
      [{ endpoint: 'like', action: 'drop', probability: '0.5' }, 'probability must be a number greater than 0 and at most 1 (got "0.5")'],
    ];
    for (const [body, message] of cases) assert.equal(refusal(body), message, JSON.stringify(body));
  });

  it('ignores inherited names: only own members count', () => {
    assert.equal(refusal(JSON.parse('{"endpoint":"like","action":"drop","__proto__":{"times":0}}')), 'unknown member "__proto__": a fault has endpoint, user_id, app_id, action, delay_ms, times, probability');
    assert.equal(refusal(Object.create({ endpoint: 'like', action: 'drop' })), 'endpoint is required: one of liked_tweets, liking_users, like, unlike, *');
  });

  it('accepts exactly what its JSON schema accepts', () => {
    const validate = new Ajv({ strict: false, allowUnionTypes: true }).compile(FaultRequest);
    const bodies: unknown[] = [
      { endpoint: '*', action: 'drop' },
      { endpoint: 'like', action: 'delay', delay_ms: 1 },
      { endpoint: 'like', action: 'delay', delay_ms: 60_000, times: 1, probability: 1 },
      { endpoint: 'liking_users', action: 'usage_capped', user_id: '1', app_id: null, times: null, probability: 0.001 },
      { endpoint: 'like', action: 'drop', delay_ms: null },
      { endpoint: 'like', action: 'delay', delay_ms: null },
      { endpoint: 'like', action: 'delay' },
      { endpoint: 'like', action: 'delay', delay_ms: 0 },
      { endpoint: 'like', action: 'delay', delay_ms: 1.5 },
      { endpoint: 'like', action: 'drop', delay_ms: 5 },
      { endpoint: 'like', action: 'drop', times: 0 },
      { endpoint: 'like', action: 'drop', times: 2 ** 53 },
      { endpoint: 'like', action: 'drop', probability: 0 },
      { endpoint: 'like', action: 'drop', probability: 2 },
      { endpoint: 'like', action: 'drop', user_id: '' },
      { endpoint: 'like', action: 'drop', user_id: 'x1' },
      { endpoint: 'like', action: 'drop', extra: true },
      { endpoint: 'tweets', action: 'drop' },
      { endpoint: 'like', action: 'explode' },
      { endpoint: 'like' },
      { action: 'drop' },
      'like',
      null,
    ];
    for (const body of bodies) {
      let parsed = true;
      try {
        parseFaultRequest(body);
      } catch {
        parsed = false;
      }
      assert.equal(parsed, validate(body), JSON.stringify(body));
    }
  });
});

describe('newFault and newFaultId', () => {
  it('keeps the spec, counting from times, stamped with the sandbox time', () => {
    const spec = parseFaultRequest({ endpoint: 'like', action: 'rate_limit', times: 2, user_id: '7' });
    assert.deepEqual(newFault(spec, Date.UTC(2030, 5, 1, 8)), {
      endpoint: 'like', user_id: '7', app_id: null, action: 'rate_limit', delay_ms: null, times_remaining: 2, probability: 1,
      created_at: '2030-06-01T08:00:00.000Z',
    });
  });

  it('draws short random ids', () => {
    const ids = new Set(Array.from({ length: 1000 }, newFaultId));
    assert.equal(ids.size, 1000);
    for (const id of ids) assert.match(id, FAULT_ID_PATTERN);
  });
});

let next = 0;
const fault = (overrides: Partial<Fault> = {}): Fault => ({
  id: `fault${String(next++).padStart(3, '0')}`,
  endpoint: '*',
  user_id: null,
  app_id: null,
  action: 'server_error',
  delay_ms: null,
  times_remaining: null,
  probability: 1,
  created_at: '2026-01-01T00:00:00.000Z',
  ...overrides,
});

const target = (endpoint: EndpointId, userId: string | null = '10', appId = '20'): FaultTarget => ({ endpoint, appId, userId });
const never = (): number => assert.fail('random must not be rolled');

describe('matchFault', () => {
  it('matches `*` on the four Likes endpoints, not on /2/usage/tweets', () => {
    const any = fault();
    for (const endpoint of ['liked_tweets', 'liking_users', 'like', 'unlike'] as const) assert.equal(matchFault([any], target(endpoint), never), any);
    assert.equal(matchFault([any], target('usage_tweets', null), never), null);
  });

  it('matches a named endpoint only', () => {
    const like = fault({ endpoint: 'like' });
    assert.equal(matchFault([like], target('like'), never), like);
    assert.equal(matchFault([like], target('unlike'), never), null);
    assert.equal(matchFault([like], target('liked_tweets'), never), null);
  });

  it('filters on the authenticated user: an app-only request has none', () => {
    const forUser = fault({ user_id: '10' });
    assert.equal(matchFault([forUser], target('liked_tweets', '10'), never), forUser);
    assert.equal(matchFault([forUser], target('liked_tweets', '11'), never), null);
    assert.equal(matchFault([forUser], target('liked_tweets', null), never), null);
    const anyone = fault();
    assert.equal(matchFault([anyone], target('liked_tweets', null), never), anyone);
  });

  it('filters on the App', () => {
    const forApp = fault({ app_id: '20' });
    assert.equal(matchFault([forApp], target('like', '10', '20'), never), forApp);
    assert.equal(matchFault([forApp], target('like', '10', '21'), never), null);
    const both = fault({ app_id: '20', user_id: '10' });
    assert.equal(matchFault([both], target('like', '10', '20'), never), both);
    assert.equal(matchFault([both], target('like', '11', '20'), never), null);
  });

  it('takes the first match in creation order', () => {
    const other = fault({ endpoint: 'unlike' });
    const first = fault({ endpoint: 'like', action: 'drop' });
    const second = fault({ action: 'unavailable' });
    assert.equal(matchFault([other, first, second], target('like'), never), first);
    assert.equal(matchFault([other, second, first], target('like'), never), second);
  });

  it('rolls the injected random once per candidate below probability 1, and goes on when the roll fails', () => {
    const half = fault({ probability: 0.5 });
    const always = fault({ action: 'drop' });
    const rolls = [0.5, 0.49];
    const random = () => rolls.shift() ?? assert.fail('rolled too often');
    assert.equal(matchFault([half, always], target('like'), random), always); // 0.5 is not below 0.5
    assert.equal(matchFault([half, always], target('like'), random), half); // 0.49 is
    assert.deepEqual(rolls, []);
    assert.equal(matchFault([fault({ endpoint: 'unlike', probability: 0.5 })], target('like'), never), null);
  });

  it('passes over a counted fault with no use left', () => {
    const spent = fault({ times_remaining: 0 });
    const left = fault({ times_remaining: 1 });
    assert.equal(matchFault([spent, left], target('like'), never), left);
  });
});

/** The answer's status, body as sent, and headers. */
function sent(answer: FaultAnswer): { status: number; body: string; headers: Record<string, string> } {
  assert.equal(answer.kind, 'refuse');
  return { status: answer.problem.status, body: JSON.stringify(answer.problem.body), headers: answer.headers };
}

describe('faultAnswer', () => {
  const now = Date.UTC(2026, 0, 1, 12, 7, 30); // 12:07:30: the 15-minute window ends 12:15:00
  const window = windowsFor('classic', 'liked_tweets', '10')[0];
  const ctx = { now, projectId: '1500000000000000000', window };

  it('rate_limit: X\'s 429, nothing left until the end of the current window', () => {
    assert.deepEqual(sent(faultAnswer(fault({ action: 'rate_limit' }), ctx)), {
      status: 429,
      body: '{"title":"Too Many Requests","type":"about:blank","status":429,"detail":"Too Many Requests"}',
      headers: { 'x-rate-limit-limit': '75', 'x-rate-limit-remaining': '0', 'x-rate-limit-reset': String(Date.UTC(2026, 0, 1, 12, 15) / 1000) },
    });
    // On a window's first millisecond, the reset is the next boundary, never now.
    const atBoundary = sent(faultAnswer(fault({ action: 'rate_limit' }), { ...ctx, now: Date.UTC(2026, 0, 1, 12, 15) }));
    assert.equal(atBoundary.headers['x-rate-limit-reset'], String(Date.UTC(2026, 0, 1, 12, 30) / 1000));
  });

  it('rate_limit on a 24-hour window: the 24-hour headers too, reset at midnight UTC', () => {
    const day = windowsFor('pro', 'like', '10')[0];
    assert.equal(day, RATE_LIMIT_TIERS.pro.like[0]);
    const midnight = String(Date.UTC(2026, 0, 2) / 1000);
    assert.deepEqual(sent(faultAnswer(fault({ action: 'rate_limit' }), { ...ctx, window: day })).headers, {
      'x-rate-limit-limit': '1000', 'x-rate-limit-remaining': '0', 'x-rate-limit-reset': midnight,
      'x-user-limit-24hour-limit': '1000', 'x-user-limit-24hour-remaining': '0', 'x-user-limit-24hour-reset': midnight,
    });
  });

  it('usage_capped: X\'s usage-capped 429 naming the Project, with no headers of its own', () => {
    assert.deepEqual(sent(faultAnswer(fault({ action: 'usage_capped' }), ctx)), {
      status: 429,
      body:
        '{"account_id":"1500000000000000000","product_name":"standard-basic","title":"UsageCapExceeded","period":"Monthly","scope":"Product",' +
        '"detail":"Usage cap exceeded: Monthly product cap","type":"https://api.twitter.com/2/problems/usage-capped"}',
      headers: {},
    });
  });

  it('unavailable: X\'s 503', () => {
    assert.deepEqual(sent(faultAnswer(fault({ action: 'unavailable' }), ctx)), {
      status: 503,
      body: '{"title":"Service Unavailable","type":"about:blank","status":503,"detail":"Service Unavailable"}',
      headers: {},
    });
  });

  it('server_error: X\'s 500 as captured (xdevplatform/xurl#23)', () => {
    assert.deepEqual(sent(faultAnswer(fault({ action: 'server_error' }), ctx)), {
      status: 500,
      body:
        '{"title":"Internal Server Error","detail":"Something is broken. This is usually a temporary error, for example in a high load situation or if an endpoint is temporarily having issues. Check in the developer forums in case others are having similar issues, or try again later. ","type":"about:blank","status":500}',
      headers: {},
    });
  });

  it('delay and drop', () => {
    assert.deepEqual(faultAnswer(fault({ action: 'delay', delay_ms: 250 }), ctx), { kind: 'delay', ms: 250 });
    assert.deepEqual(faultAnswer(fault({ action: 'drop' }), ctx), { kind: 'drop' });
  });
});
