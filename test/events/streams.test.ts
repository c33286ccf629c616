// The activity stream, the likes streams and /2/connections end to end, over real HTTP: streams are read line by
// line as a client reads them, likes are made through the API, and what each stream carries is checked against what
// X's streams promise (the App's subscriptions only, in order; each like on exactly one firehose partition; a
// stable 10% sample; unlikes on the compliance stream), as are backfill, recovery windows, connection limits and
// ending connections with DELETE /2/connections.
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, describe, it } from 'node:test';
import { likeId } from '../../src/domain/events/likeEvent.ts';
import { firehosePartition, inSample10, sample10Partition } from '../../src/domain/events/likesStreamPayload.ts';
import type { LikeEvent } from '../../src/domain/events/likeEvent.ts';
import { bearerCall, type JsonAnswer } from '../support/bearerCall.ts';
import { serverForSuite } from '../support/harness.ts';
import { StreamClient } from '../support/streamClient.ts';
import { PROBLEMS } from '../support/problems.ts';

type Json = Record<string, any>;

const server = serverForSuite();
const WAIT_MS = 10_000;

const call = (method: string, path: string, token: string, body?: unknown): Promise<JsonAnswer> =>
  bearerCall(server.baseUrl, method, path, token, body);

async function until(what: string, done: () => boolean, ms = WAIT_MS): Promise<void> {
  const deadline = Date.now() + ms;
  while (!done()) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

/** `read()` again until `done` holds of its value; that value. */
async function eventually<T>(what: string, read: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
  const deadline = Date.now() + WAIT_MS;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

const open: StreamClient[] = [];
async function stream(path: string, token = server.creds.app.bearerToken): Promise<StreamClient> {
  const client = await StreamClient.open(server.baseUrl, path, token);
  open.push(client);
  return client;
}
after(async () => {
  await Promise.all(open.map((c) => c.close()));
});

type User = (typeof server.creds.users)[number];
const user = (i: number): User => server.creds.users[i];

/** Tweets not used yet by this file, so that each like names its own Tweet. */
const used = new Set<string>();
function tweetBy(test: (authorId: string) => boolean): { id: string; authorId: string } {
  const t = server.creds.tweets.find((x) => !used.has(x.id) && test(x.authorId));
  assert.ok(t, 'the demo world has run out of Tweets');
  used.add(t.id);
  return t;
}

/** A like made now through the API (any earlier like of the Tweet by the user undone first). */
async function like(u: User, tweetId: string): Promise<void> {
  const undone = await call('DELETE', `/2/users/${u.id}/likes/${tweetId}`, u.oauth2AccessToken);
  assert.equal(undone.status, 200, JSON.stringify(undone.json));
  const made = await call('POST', `/2/users/${u.id}/likes`, u.oauth2AccessToken, { tweet_id: tweetId });
  assert.equal(made.status, 200, JSON.stringify(made.json));
  assert.equal(made.json.data.liked, true);
}

async function unlike(u: User, tweetId: string): Promise<void> {
  const r = await call('DELETE', `/2/users/${u.id}/likes/${tweetId}`, u.oauth2AccessToken);
  assert.equal(r.status, 200, JSON.stringify(r.json));
}

async function subscribe(u: User, direction: 'inbound' | 'outbound', tag: string): Promise<string> {
  const r = await call('POST', '/2/activity/subscriptions', u.oauth2AccessToken, {
    event_type: 'like.create', filter: { user_id: u.id, direction }, tag,
  });
  assert.equal(r.status, 200, JSON.stringify(r.json));
  return r.json.data.subscription.subscription_id;
}

async function connections(query = ''): Promise<Json[]> {
  const r = await call('GET', `/2/connections${query}`, server.creds.app.bearerToken);
  assert.equal(r.status, 200, JSON.stringify(r.json));
  return r.json.data ?? [];
}

/** What an activity line says, in a form easy to compare. */
const activity = (line: Json) => `${line.data.tag}:${line.data.payload.liked_tweet_id}`;

describe('GET /2/activity/stream', () => {
  // users[0]'s outbound subscription, made by the first test; the backfill and recovery tests read its events.
  let outbound: string;

  it("carries the like.create events of the App's subscriptions, in order, and only those", { timeout: 30_000 }, async () => {
    const [u0, u1, , u3] = server.creds.users;
    outbound = await subscribe(u0, 'outbound', 'out-0');
    const inbound = await subscribe(u1, 'inbound', 'in-1');
    const client = await stream('/2/activity/stream');
    assert.equal(client.status, 200);

    const a1 = tweetBy((a) => a !== u0.id && a !== u1.id);
    const b1 = tweetBy((a) => a === u1.id);
    const none = tweetBy((a) => a !== u0.id && a !== u1.id && a !== u3.id);
    const ab = tweetBy((a) => a === u1.id);
    const a2 = tweetBy((a) => a !== u0.id && a !== u1.id);
    await like(u0, a1.id);
    await like(u3, b1.id);
    await like(u3, none.id); // u3's own likes are nobody's subscription
    await like(u0, ab.id); // both: u0's outbound and u1's inbound, oldest subscription first
    await like(u0, a2.id);
    await until('five events', () => client.lines.length >= 5);

    // Deleted while the stream is open: its events stop at once.
    const deleted = await call('DELETE', `/2/activity/subscriptions/${inbound}`, server.creds.app.bearerToken);
    assert.equal(deleted.status, 200, JSON.stringify(deleted.json));
    const gone = tweetBy((a) => a === u1.id);
    await like(u3, gone.id);
    const last = tweetBy((a) => a !== u0.id && a !== u1.id);
    await like(u0, last.id);
    await until('the last event', () => client.lines.some((l) => l.data.payload.liked_tweet_id === last.id));

    assert.deepEqual(client.lines.map(activity), [
      `out-0:${a1.id}`, `in-1:${b1.id}`, `out-0:${ab.id}`, `in-1:${ab.id}`, `out-0:${a2.id}`, `out-0:${last.id}`,
    ]);
    const first = client.lines[0].data;
    assert.equal(first.event_type, 'like.create');
    assert.deepEqual(first.filter, { user_id: u0.id, direction: 'outbound' });
    assert.equal(first.payload.liked_tweet_author_id, a1.authorId);
    assert.match(first.payload.id, /^[0-9a-f]{32}$/);
    assert.equal(client.lines[1].data.filter.user_id, u1.id);
    await client.close();
  });

  it('recovers what was missed with backfill_minutes, which a plain reconnection does not', { timeout: 30_000 }, async () => {
    const u0 = user(0);
    const first = await stream('/2/activity/stream');
    await first.close();
    const missed = [tweetBy((a) => a !== u0.id), tweetBy((a) => a !== u0.id)];
    for (const t of missed) await like(u0, t.id);

    const plain = await stream('/2/activity/stream');
    const backfilled = await stream('/2/activity/stream?backfill_minutes=2');
    const sentinel = tweetBy((a) => a !== u0.id);
    await like(u0, sentinel.id);
    const sawSentinel = (c: StreamClient) => () => c.lines.some((l) => l.data.payload.liked_tweet_id === sentinel.id);
    await until('the sentinel on the plain stream', sawSentinel(plain));
    await until('the sentinel on the backfilled stream', sawSentinel(backfilled));

    const ids = (c: StreamClient) => c.lines.map((l) => l.data.payload.liked_tweet_id as string);
    assert.deepEqual(ids(plain), [sentinel.id]);
    // Older events first, then the new ones; earlier events of the window may come too (X does not deduplicate).
    const wanted = new Set([...missed.map((t) => t.id), sentinel.id]);
    assert.deepEqual(ids(backfilled).filter((id) => wanted.has(id)), [missed[0].id, missed[1].id, sentinel.id]);
    await plain.close();
    await backfilled.close();
  });

  it('replays a start_time/end_time window and then disconnects', { timeout: 30_000 }, async () => {
    const u0 = user(0);
    const from = new Date(Date.now() - 1).toISOString();
    const window = [tweetBy((a) => a !== u0.id), tweetBy((a) => a !== u0.id)];
    for (const t of window) await like(u0, t.id);
    // Each like was stamped before its answer came back: all are at or before `to`, the next one after it.
    const to = new Date(Date.now()).toISOString();
    await sleep(5);
    await like(u0, tweetBy((a) => a !== u0.id).id);
    const recovery = await stream(`/2/activity/stream?start_time=${from}&end_time=${to}`);
    assert.equal(recovery.status, 200);
    await until('the recovery stream to end by itself', () => recovery.ended);
    assert.deepEqual(recovery.lines.map(activity), window.map((t) => `out-0:${t.id}`));
    const ended = await connections('?status=inactive&max_results=100');
    assert.ok(ended.some((c) => c.disconnect_reason === 'end_time_reached' && c.endpoint_name === 'activity_stream'));
  });

  it('is refused to a user token', async () => {
    const r = await call('GET', '/2/activity/stream', user(0).oauth2AccessToken);
    assert.equal(r.status, 403);
  });

  after(async () => {
    if (outbound) await call('DELETE', `/2/activity/subscriptions/${outbound}`, server.creds.app.bearerToken);
  });
});

/** The like a firehose line names, made by `liker`. */
function likeOf(line: Json, liker: string): LikeEvent {
  return { kind: 'like', userId: liker, tweetId: line.data.liked_tweet_id, authorId: line.data.tweet_author_id, at: line.data.timestamp_ms, seq: '0' };
}

describe('the likes streams', () => {
  it('firehose: the 20 partitions together carry each public like exactly once; sample10: a stable tenth', { timeout: 90_000 }, async () => {
    const partitions = await Promise.all(Array.from({ length: 20 }, (_, i) => stream(`/2/likes/firehose/stream?partition=${i + 1}`)));
    const samples = await Promise.all([1, 2].map((p) => stream(`/2/likes/sample10/stream?partition=${p}`)));
    const expanded = await stream(
      '/2/likes/firehose/stream?partition=1&expansions=liked_tweet_id,liked_tweet_author_id&like_with_tweet_author.fields=id,liked_tweet_id&tweet.fields=author_id',
    );
    for (const c of [...partitions, ...samples, expanded]) assert.equal(c.status, 200, JSON.stringify(c.refusal));

    const likers = [0, 1, 3, 4].map(user);
    const likerOf = new Map<string, string>();
    const seen = () => partitions.flatMap((c) => c.lines);
    const sampled = () => seen().filter((l) => inSample10(likeOf(l, likerOf.get(l.data.liked_tweet_id)!)));
    // Rounds of likes until at least two are in the sample (each is with probability 1/10).
    for (let round = 0; round < 8 && (round < 4 || sampled().length < 2); round++) {
      for (const u of likers) {
        for (let k = 0; k < 2; k++) {
          const t = tweetBy((a) => a !== u.id);
          likerOf.set(t.id, u.id);
          await like(u, t.id);
        }
      }
      await until('every like on the firehose', () => seen().length >= likerOf.size);
    }
    // A protected user's like is not public: it never shows (the sentinel after it does).
    const hidden = tweetBy((a) => a !== user(2).id);
    await like(user(2), hidden.id);
    const sentinel = tweetBy((a) => a !== user(0).id);
    likerOf.set(sentinel.id, user(0).id);
    await like(user(0), sentinel.id);
    await until('the sentinel', () => seen().some((l) => l.data.liked_tweet_id === sentinel.id));

    const lines = seen();
    assert.deepEqual(lines.map((l) => l.data.liked_tweet_id).sort(), [...likerOf.keys()].sort(), 'each like exactly once');
    partitions.forEach((c, i) => {
      for (const line of c.lines) {
        const event = likeOf(line, likerOf.get(line.data.liked_tweet_id)!);
        assert.equal(firehosePartition(event), i + 1, 'on the partition of its like');
        assert.equal(line.data.id, likeId(event.userId, event.tweetId, event.at));
        assert.equal(line.data.created_at, new Date(Math.floor(event.at / 1000) * 1000).toISOString());
      }
    });

    // sample10: exactly the sampled likes, each on its partition.
    const want = sampled().map((l) => l.data.id).sort();
    await until('the sample', () => samples.flatMap((c) => c.lines).length >= want.length);
    await sleep(300);
    assert.deepEqual(samples.flatMap((c) => c.lines).map((l) => l.data.id).sort(), want);
    samples.forEach((c, i) => {
      for (const line of c.lines) assert.equal(sample10Partition(likeOf(line, likerOf.get(line.data.liked_tweet_id)!)), i + 1);
    });
    assert.ok(want.length < lines.length);

    // Fields and expansions asked for.
    await until('the expanded partition', () => expanded.lines.length === partitions[0].lines.length);
    for (const [i, line] of expanded.lines.entries()) {
      assert.deepEqual(Object.keys(line.data), ['id', 'liked_tweet_id']);
      assert.equal(line.data.id, partitions[0].lines[i].data.id);
      assert.equal(line.includes.tweets[0].id, line.data.liked_tweet_id);
      assert.equal(line.includes.tweets[0].author_id, line.includes.users[0].id);
    }
    await Promise.all([...partitions, ...samples, expanded].map((c) => c.close()));
  });

  it('compliance: carries unlikes, not likes', { timeout: 30_000 }, async () => {
    const u1 = user(1);
    const [c1, c2, liked] = [tweetBy((a) => a !== u1.id), tweetBy((a) => a !== u1.id), tweetBy((a) => a !== u1.id)];
    await like(u1, c1.id);
    await like(u1, c2.id);
    const compliance = await stream('/2/likes/compliance/stream');
    await unlike(u1, c1.id);
    await like(u1, liked.id);
    await unlike(u1, c2.id);
    await until('two unlikes', () => compliance.lines.length >= 2);
    await sleep(300);
    assert.deepEqual(compliance.lines.map((l) => l.data.delete.favorite), [
      { id: c1.id, user_id: u1.id }, { id: c2.id, user_id: u1.id },
    ]);
    assert.match(compliance.lines[0].data.delete.event_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.000Z$/);
    await compliance.close();
  });

  it('refuses bad parameters with X\'s invalid-request document', async () => {
    const bearer = server.creds.app.bearerToken;
    const cases: [string, string, string][] = [
      ['/2/likes/firehose/stream?partition=0', 'partition', 'The `partition` query parameter value [0] is not between 1 and 20'],
      ['/2/likes/firehose/stream?partition=21', 'partition', 'The `partition` query parameter value [21] is not between 1 and 20'],
      ['/2/likes/firehose/stream', 'partition', 'The `partition` query parameter can not be empty'],
      ['/2/likes/sample10/stream?partition=3', 'partition', 'The `partition` query parameter value [3] is not between 1 and 2'],
      ['/2/likes/compliance/stream?backfill_minutes=6', 'backfill_minutes', 'The `backfill_minutes` query parameter value [6] is not between 0 and 5'],
      ['/2/activity/stream?backfill_minutes=6', 'backfill_minutes', 'The `backfill_minutes` query parameter value [6] is not between 0 and 5'],
      ['/2/activity/stream?start_time=yesterday', 'start_time', "Invalid 'start_time':'yesterday'. 'start_time' must be a date-time of the form YYYY-MM-DDTHH:mm:ssZ"],
      ['/2/likes/firehose/stream?partition=1&expansions=author_id', 'expansions', 'The `expansions` query parameter value [author_id] is not one of [attachments.media_keys,liked_tweet_author_id,liked_tweet_id]'],
    ];
    for (const [path, parameter, message] of cases) {
      const r = await call('GET', path, bearer);
      assert.equal(r.status, 400, path);
      assert.equal(r.json.title, 'Invalid Request');
      assert.equal(r.json.type, `${PROBLEMS}invalid-request`);
      assert.ok(parameter in r.json.errors[0].parameters, path);
      assert.equal(r.json.errors[0].message, message, path);
    }
    const old = new Date(Date.now() - 25 * 3600_000).toISOString();
    const tooOld = await call('GET', `/2/likes/compliance/stream?start_time=${old}`, bearer);
    assert.equal(tooOld.status, 400);
    assert.match(tooOld.json.errors[0].message, /'start_time' must be on or after \d{4}-\d\d-\d\dT\d\d:\d\dZ$/);
    const now = new Date().toISOString();
    const backwards = await call('GET', `/2/likes/compliance/stream?start_time=${now}&end_time=${now}`, bearer);
    assert.equal(backwards.status, 400);
    assert.equal(backwards.json.errors[0].message, `Invalid 'end_time':'${now}'. 'end_time' must be after 'start_time'`);
  });
});

describe('/2/connections', () => {
  it('refuses a connection over the limit with X\'s 429, and lists open and ended connections', { timeout: 30_000 }, async () => {
    const bearer = server.creds.app.bearerToken;
    await eventually('the earlier tests\' connections to end', () => connections(), (l) => l.length === 0);
    const first = await stream('/2/likes/compliance/stream');
    const second = await stream('/2/likes/compliance/stream');
    // A connection is recorded once its stream runs, just after the client has its 200.
    const active = await eventually('two open compliance connections', () => connections('?endpoints=likes_compliance_stream'), (l) => l.length === 2);
    const third = await stream('/2/likes/compliance/stream');
    assert.equal(third.status, 429);
    assert.deepEqual(third.refusal, {
      title: 'ConnectionException',
      detail: 'This stream is currently at the maximum allowed connection limit.',
      connection_issue: 'TooManyConnections',
      type: 'https://api.x.com/2/problems/streaming-connection',
    });
    // The limit is per stream: another stream still connects.
    const other = await stream('/2/likes/firehose/stream?partition=7');
    assert.equal(other.status, 200);

    const c = active[0];
    assert.deepEqual(Object.keys(c), ['id', 'endpoint_name', 'client_ip', 'connected_at']);
    assert.match(c.id, /^[0-9a-f-]{36}$/);
    assert.equal(c.endpoint_name, 'likes_compliance_stream');
    assert.equal(c.client_ip, '127.0.0.1');

    await first.close();
    const inactive = await eventually(
      'the closed one listed as ended',
      () => connections('?status=inactive&endpoints=likes_compliance_stream&max_results=100'),
      (l) => l.some((x) => active.some((a) => a.id === x.id)),
    );
    const ended = inactive.find((x) => active.some((a) => a.id === x.id))!;
    assert.equal(ended.disconnect_reason, 'client_disconnected');
    assert.ok(Date.parse(ended.disconnected_at) >= Date.parse(ended.connected_at));
    // Now there is room again.
    const again = await stream('/2/likes/compliance/stream');
    assert.equal(again.status, 200);

    // Fields, pages.
    const onlyIds = await call('GET', '/2/connections?status=all&connection.fields=id', bearer);
    assert.ok(onlyIds.json.data.every((x: Json) => Object.keys(x).join() === 'id'));
    const page1 = await call('GET', '/2/connections?status=all&max_results=1', bearer);
    assert.equal(page1.json.meta.result_count, 1);
    const page2 = await call('GET', `/2/connections?status=all&max_results=1&pagination_token=${page1.json.meta.next_token}`, bearer);
    assert.equal(page2.status, 200);
    assert.notEqual(page2.json.data[0].id, page1.json.data[0].id);
    const bad = await call('GET', '/2/connections?status=sometimes', bearer);
    assert.equal(bad.status, 400);
    await Promise.all([second, other, again].map((x) => x.close()));
  });

  it('DELETE /2/connections/all ends the open streams; by UUID and by endpoint end only those', { timeout: 30_000 }, async () => {
    const bearer = server.creds.app.bearerToken;
    await eventually('the earlier tests\' connections to end', () => connections(), (l) => l.length === 0);
    const activityStream = await stream('/2/activity/stream');
    const firehose = await stream('/2/likes/firehose/stream?partition=3');
    const compliance = await stream('/2/likes/compliance/stream');
    const active = await eventually('three open connections', () => connections(), (l) => l.length === 3);

    // By endpoint: the compliance stream only.
    const byEndpoint = await call('DELETE', '/2/connections/likes_compliance_stream', bearer);
    assert.equal(byEndpoint.status, 200, JSON.stringify(byEndpoint.json));
    assert.equal(byEndpoint.json.data.successful_kills, 1);
    await until('the compliance stream to end', () => compliance.ended);
    assert.equal(activityStream.ended, false);

    // By UUID: one known, one not.
    const firehoseId = active.find((c) => c.endpoint_name === 'likes_firehose_stream')!.id;
    const byUuid = await call('DELETE', '/2/connections', bearer, { uuids: [firehoseId, 'no-such-connection'] });
    assert.equal(byUuid.status, 200, JSON.stringify(byUuid.json));
    assert.deepEqual(byUuid.json.data, {
      successful_kills: 1, failed_kills: 1,
      results: [
        { uuid: firehoseId, success: true },
        { uuid: 'no-such-connection', success: false, error_message: 'No open connection of this App has this UUID' },
      ],
    });
    await until('the firehose stream to end', () => firehose.ended);
    assert.equal(activityStream.ended, false);

    const all = await call('DELETE', '/2/connections/all', bearer);
    assert.equal(all.status, 200);
    assert.equal(all.json.data.successful_kills, 1);
    assert.equal(all.json.data.failed_kills, 0);
    await until('the activity stream to end', () => activityStream.ended);
    const ended = await connections('?status=inactive&max_results=100');
    for (const c of active) {
      assert.equal(ended.find((x) => x.id === c.id)?.disconnect_reason, 'terminated_by_app', c.endpoint_name);
    }

    const badBody = await call('DELETE', '/2/connections', bearer, { uuids: [] });
    assert.equal(badBody.status, 400);
    assert.equal(badBody.json.errors[0].message, 'The `uuids` body parameter value [[]] must have between 1 and 100 items');
    const badEndpoint = await call('DELETE', '/2/connections/activity_stream', bearer);
    assert.equal(badEndpoint.status, 400);
  });
});
