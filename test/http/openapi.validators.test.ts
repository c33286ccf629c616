// The schema validators every HTTP test relies on (test/support/openapi.ts): they accept the bodies real X
// responses carried (test/fixtures/x/recordings) and reject bodies that break X's schemas, in each of the
// two OpenAPI documents they load.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  assertValidError, assertValidRecordedSuccess, assertValidSuccess, errorViolations, readReferenceJson, successViolations,
} from '../support/openapi.ts';

type Json = Record<string, any>;

interface Recording {
  request?: { method: string; path: string } | null;
  status: number | null;
  body: unknown;
  note?: string;
}

const xRecordings = readReferenceJson('recordings/x-recordings.json') as Recording[];
const tweepy = (readReferenceJson('recordings/tweepy-likes-recordings.json') as { recordings: Recording[] }).recordings;

const LIKED = '/2/users/{id}/liked_tweets';
const LIKING = '/2/tweets/{id}/liking_users';
const P = 'https://api.twitter.com/2/problems/';

const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;

function rejected(path: string, method: string, body: unknown, spec?: 'v2159' | 'v2167'): void {
  const v = successViolations(path, method, body);
  if (spec) assert.notEqual(v[spec], '', `${spec} rejects ${JSON.stringify(body).slice(0, 200)}`);
  else assert.ok(v.v2159 !== '' || v.v2167 !== '', `rejected: ${JSON.stringify(body).slice(0, 200)}`);
  assert.throws(() => assertValidSuccess(path, method, body), /does not match X's schema/);
}

describe('OpenAPI validators: real X bodies', () => {
  it('accept every recorded tweepy success body (R1–R4) in both documents', () => {
    assert.ok(tweepy.length >= 6);
    for (const r of tweepy) {
      assert.equal(r.status, 200);
      assertValidSuccess(r.request!.path, r.request!.method, r.body);
    }
  });

  it('accept the recorded liked_tweets and liking_users pages and not-found bodies (H, R7, R10)', () => {
    // Recording 0 (2021) predates impression_count/bookmark_count, which v2.159 requires in public_metrics.
    const predatesImpressions = (body: Json) =>
      (body.data ?? []).some((t: Json) => t.public_metrics && 'retweet_count' in t.public_metrics && !('impression_count' in t.public_metrics));
    const successes = xRecordings.filter((r) => r.status === 200 && r.request && !predatesImpressions(r.body as Json));
    assert.ok(successes.length >= 5, `${successes.length} recorded success bodies`);
    // X's bodies carry only retweet_count/tweet_count, which v2.167 renamed (and requires): see the next test.
    for (const r of successes) assertValidRecordedSuccess(r.request!.path, r.request!.method, r.body);
  });

  it('read recorded bodies under v2.167 with the renamed metrics only through assertValidRecordedSuccess', () => {
    const withMetrics = xRecordings.filter((r) => r.status === 200 && r.request?.path.endsWith('/liking_users') && JSON.stringify(r.body).includes('"tweet_count"'));
    assert.ok(withMetrics.length > 0, 'a recorded liking_users page carries user public_metrics');
    for (const r of withMetrics) {
      const v = successViolations(r.request!.path, r.request!.method, r.body);
      assert.equal(v.v2159, '');
      assert.match(v.v2167, /post_count/, 'as sent, X\'s own body lacks the name v2.167 requires');
    }
  });

  it('accept every recorded Likes error document (401, 403s, 400s, 429s)', () => {
    const errors = xRecordings.filter(
      (r) => r.status !== null && r.status >= 400 && r.body && typeof r.body === 'object' && (r.body as Json).type !== `${P}oauth1-permissions`,
    );
    const checked = errors.filter((r) => typeof (r.body as Json).title === 'string');
    assert.ok(checked.length >= 8, `${checked.length} recorded problem bodies`);
    for (const r of checked) assertValidError(r.body);
  });

  it('reject oauth1-permissions, which X sends but its v2.159 discriminator mapping lacks (§6.2)', () => {
    const body = xRecordings.find((r) => (r.body as Json | null)?.type === `${P}oauth1-permissions`)!.body;
    assert.match(errorViolations(body), /type must be equal to one of the allowed values/);
  });
});

describe('OpenAPI validators: what they reject', () => {
  const page = { data: [{ edit_history_tweet_ids: ['1'], id: '1', text: 'a' }], meta: { result_count: 1 } };
  const users = { data: [{ id: '2', name: 'B', username: 'b' }], meta: { result_count: 1 } };

  it('accepts the plain shapes used below', () => {
    assertValidSuccess(LIKED, 'GET', page);
    assertValidSuccess(LIKING, 'GET', users);
    assertValidSuccess('/2/users/{id}/likes', 'POST', { data: { liked: true } });
    assertValidSuccess('/2/users/{id}/likes/{tweet_id}', 'DELETE', { data: { liked: false } });
  });

  it('rejects numeric ids, empty data/errors/includes arrays and wrongly typed members', () => {
    const numericId = clone(page);
    (numericId.data[0] as Json).id = 1;
    rejected(LIKED, 'GET', numericId);
    rejected(LIKED, 'GET', { data: [], meta: { result_count: 0 } }, 'v2159');
    rejected(LIKED, 'GET', { ...page, errors: [] }, 'v2159');
    rejected(LIKED, 'GET', { ...page, includes: { users: [] } }, 'v2159');
    rejected(LIKED, 'GET', { ...page, meta: { result_count: '1' } });
    rejected(LIKED, 'GET', { data: [{ id: '1', text: 'a', edit_history_tweet_ids: [1] }], meta: { result_count: 1 } }, 'v2159');
    rejected(LIKING, 'GET', { data: [{ id: '2', name: 'B' }], meta: { result_count: 1 } }, 'v2159');
    rejected('/2/users/{id}/likes', 'POST', { data: { liked: 'true' } });
  });

  it('checks v2.167 on its own: `liked` is required there only (§10)', () => {
    const v = successViolations('/2/users/{id}/likes', 'POST', { data: {} });
    assert.equal(v.v2159, '');
    assert.match(v.v2167, /liked/);
  });

  it('checks the renamed metrics as sent: each document needs its own names, both names satisfy both', () => {
    const tweet = (m: Json) => ({ data: [{ edit_history_tweet_ids: ['1'], id: '1', text: 'a', public_metrics: m }], meta: { result_count: 1 } });
    const user = (m: Json) => ({ data: [{ id: '2', name: 'B', username: 'b', public_metrics: m }], meta: { result_count: 1 } });
    const t = { reply_count: 1, like_count: 2, quote_count: 3, bookmark_count: 4, impression_count: 5 };
    const u = { followers_count: 1, following_count: 2, listed_count: 3, like_count: 4 };
    const oldT = successViolations(LIKED, 'GET', tweet({ retweet_count: 0, ...t }));
    assert.equal(oldT.v2159, '');
    assert.match(oldT.v2167, /repost_count/);
    const newT = successViolations(LIKED, 'GET', tweet({ repost_count: 0, ...t }));
    assert.match(newT.v2159, /retweet_count/);
    assert.equal(newT.v2167, '');
    assertValidSuccess(LIKED, 'GET', tweet({ retweet_count: 0, repost_count: 0, ...t }));
    const oldU = successViolations(LIKING, 'GET', user({ tweet_count: 0, ...u }));
    assert.equal(oldU.v2159, '');
    assert.match(oldU.v2167, /post_count/);
    const newU = successViolations(LIKING, 'GET', user({ post_count: 0, ...u }));
    assert.match(newU.v2159, /tweet_count/);
    assert.equal(newU.v2167, '');
    assertValidSuccess(LIKING, 'GET', user({ tweet_count: 0, post_count: 0, ...u }));
  });

  it('checks partial errors through the discriminator mapping, in both documents', () => {
    const missing = { value: '9', detail: 'Could not find tweet with id: [9].', title: 'Not Found Error', resource_type: 'tweet', parameter: 'id', resource_id: '9', type: `${P}resource-not-found` };
    assertValidSuccess(LIKING, 'GET', { errors: [missing] });
    const noResourceType = { ...missing } as Json;
    delete noResourceType.resource_type;
    const v = successViolations(LIKING, 'GET', { errors: [noResourceType] });
    assert.notEqual(v.v2159, '');
    assert.notEqual(v.v2167, '');
    rejected(LIKING, 'GET', { errors: [{ ...missing, type: `${P}no-such-problem` }] });
  });

  it('rejects error documents that break Problem or the schema of their type', () => {
    assertValidError({ title: 'Unauthorized', type: 'about:blank', status: 401, detail: 'Unauthorized' });
    const bad: unknown[] = [
      { type: 'about:blank', status: 401 },
      { title: 'Unauthorized', status: 401 },
      { title: 'Unauthorized', type: 'about:blank', status: '401' },
      { title: 'X', type: `${P}no-such-problem` },
      { title: 'X', type: 'https://api.x.com/2/problems/invalid-request' },
      { title: 'Invalid Request', type: `${P}invalid-request`, errors: [] },
      { title: 'Invalid Request', type: `${P}invalid-request`, errors: [{ message: 'm', parameters: { id: '1' } }] },
      { title: 'Not Found Error', type: `${P}resource-not-found`, parameter: 'id', value: '1', resource_id: '1', resource_type: 'planet' },
      { title: 'Client Forbidden', type: `${P}client-forbidden`, reason: 'not-a-reason' },
      { title: 'Authorization Error', type: `${P}not-authorized-for-resource`, parameter: 'id', value: '1', resource_id: '1', resource_type: 'user' },
      { title: 'UsageCapExceeded', type: `${P}usage-capped`, period: 'Weekly' },
    ];
    for (const body of bad) {
      assert.notEqual(errorViolations(body), '', `rejects ${JSON.stringify(body)}`);
      assert.throws(() => assertValidError(body), /does not match X's Problem schema/);
    }
  });
});
