// Webhook delivery end to end, against one in-process server and a receiver in this process: registration through
// X's CRC (and its refusals), PUT re-validation, in-order exactly-once delivery with valid signatures, X's legacy retry
// schedule driven by a sandbox's clock (attempts at 0, 6, 36, 281 s, then dropped), the 3-second attempt timeout,
// and replay jobs (meta.replay, replay_job_status, one job per webhook, the window's refusals). Each test that
// needs a world of its own (its App's webhooks, its rate limits, its clock) makes a sandbox.
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, describe, it } from 'node:test';
import type { DemoCredentials } from '../../src/demo/demoCredentials.ts';
import { likeId } from '../../src/domain/events/likeEvent.ts';
import { replayCursorName } from '../../src/domain/events/replays.ts';
import type { DeliveryRecord } from '../../src/domain/events/records.ts';
import { acceptedCrcTokens, crcResponse } from '../../src/domain/events/webhookCrypto.ts';
import type { World } from '../../src/worlds.ts';
import { bearerCall, type JsonAnswer } from '../support/bearerCall.ts';
import { serverForSuite } from '../support/harness.ts';
import { PROBLEMS } from '../support/problems.ts';
import { WebhookReceiver, type Delivery } from '../support/webhookReceiver.ts';

type Json = Record<string, any>;
type User = DemoCredentials['users'][number];

const server = serverForSuite();
const receivers: WebhookReceiver[] = [];

const call = (method: string, path: string, token: string, body?: unknown): Promise<JsonAnswer> =>
  bearerCall(server.baseUrl, method, path, token, body);

const admin = (method: string, path: string, body?: unknown): Promise<JsonAnswer> =>
  call(method, `/__admin${path}`, server.creds.adminToken!, body);

interface Sandbox {
  id: string;
  creds: DemoCredentials;
  world: World;
  receiver: WebhookReceiver;
}

/** A fresh demo sandbox and a receiver holding its App's consumer secret. */
async function sandbox(): Promise<Sandbox> {
  const made = await admin('POST', '/sandboxes', { seed: 'demo' });
  assert.equal(made.status, 201, made.text);
  const world = await server.services.worlds.get(made.json.id);
  assert.ok(world, 'the sandbox world opens');
  const receiver = await new WebhookReceiver(made.json.credentials.app.consumerSecret).start();
  receivers.push(receiver);
  return { id: made.json.id, creds: made.json.credentials, world, receiver };
}

after(async () => {
  await Promise.all(receivers.map((r) => r.close()));
});

/** The sandbox's time (epoch ms). */
async function clockOf(sb: Sandbox): Promise<number> {
  const res = await admin('GET', `/sandboxes/${sb.id}/clock`);
  assert.equal(res.status, 200, res.text);
  return Date.parse(res.json.now);
}

/** Sets the sandbox's clock to `ms` (never earlier than it reads now: the tests only move it forward). */
async function setClock(sb: Sandbox, ms: number): Promise<void> {
  const now = await clockOf(sb);
  assert.ok(ms >= now, `the clock is only moved forward (to ${new Date(ms).toISOString()}, it reads ${new Date(now).toISOString()})`);
  const res = await admin('POST', `/sandboxes/${sb.id}/clock`, { now: new Date(ms).toISOString() });
  assert.equal(res.status, 200, res.text);
}

async function register(sb: Sandbox, url = sb.receiver.url): Promise<string> {
  const made = await call('POST', '/2/webhooks', sb.creds.app.bearerToken, { url });
  assert.equal(made.status, 200, made.text);
  assert.equal(made.json.data.valid, true);
  return made.json.data.id as string;
}

/** An outbound like.create subscription of `user` (with the user's own token) posting to `webhookId`. */
async function subscribe(user: User, webhookId: string, tag?: string): Promise<string> {
  const sub = await call('POST', '/2/activity/subscriptions', user.oauth2AccessToken, {
    event_type: 'like.create', filter: { user_id: user.id, direction: 'outbound' }, webhook_id: webhookId, ...(tag ? { tag } : {}),
  });
  assert.equal(sub.status, 200, sub.text);
  return sub.json.data.subscription.subscription_id as string;
}

async function like(user: User, tweetId: string): Promise<void> {
  const r = await call('POST', `/2/users/${user.id}/likes`, user.oauth2AccessToken, { tweet_id: tweetId });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.data.liked, true);
}

async function unlike(user: User, tweetId: string): Promise<void> {
  const r = await call('DELETE', `/2/users/${user.id}/likes/${tweetId}`, user.oauth2AccessToken);
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.data.liked, false);
}

/**
 * Tweets of other users that `user` may like, none liked by them yet (unliked first: those unlike events come
 * before any webhook exists).
 */
async function freshTweets(sb: Sandbox, user: User, n: number, skip = 0): Promise<string[]> {
  const ids = sb.creds.tweets.filter((t) => t.authorId !== user.id).map((t) => t.id).slice(skip, skip + n);
  assert.equal(ids.length, n);
  for (const id of ids) await unlike(user, id);
  return ids;
}

/** The webhook's delivery log, oldest first. */
async function logOf(sb: Sandbox, webhookId: string): Promise<DeliveryRecord[]> {
  return (await sb.world.store.events.deliveriesOf(webhookId, 1000)).reverse();
}

/** The log once it holds at least `n` rows (an attempt is logged just after the receiver answered it). */
async function logUntil(sb: Sandbox, webhookId: string, n: number): Promise<DeliveryRecord[]> {
  for (let i = 0; ; i++) {
    const log = await logOf(sb, webhookId);
    if (log.length >= n || i === 100) return log;
    await sleep(50);
  }
}

/** X's invalid-request document with `errors[0].message` starting with `<reason>: `. */
function assertRefused(res: JsonAnswer, reason: string): void {
  assert.equal(res.status, 400, res.text);
  assert.equal(res.json.title, 'Invalid Request', res.text);
  assert.equal(res.json.detail, 'One or more parameters to your request was invalid.');
  assert.equal(res.json.type, `${PROBLEMS}invalid-request`);
  assert.ok(Array.isArray(res.json.errors) && res.json.errors.length === 1, res.text);
  assert.ok(res.json.errors[0].message.startsWith(`${reason}: `), res.text);
  assert.ok(res.json.errors[0].message.length > reason.length + 2, `${reason} comes with details: ${res.text}`);
  assert.equal(res.json.data, undefined);
}

/** `yyyymmddhhmm` (UTC) of the minute `ms` falls in. */
function minuteOf(ms: number): string {
  return new Date(ms).toISOString().replace(/[-T:]/g, '').slice(0, 12);
}

const payloadOf = (d: Delivery) => d.body.data.payload as Json;
const isReplayStatus = (d: Delivery) => d.body.replay_job_status !== undefined;

/** A quiet spell longer than several dispatcher rounds (250 ms each): what has not arrived by then is not coming. */
const QUIET_MS = 900;

describe('webhook registration', () => {
  it("checks X's documented CRC example: the receiver's answer and the server's accepted token agree with it", () => {
    // docs/reference/x-events.md §1.7: Twitter's published example secret and token; the response computed there.
    const secret = 'z3ZX4v7mAAUGykl3EcmkqbartmuW8VFOOzCloLx9Q45P0hLrFu';
    const token = '9b4507b3-9040-4669-9ca3-6b94edb50553';
    const documented = 'sha256=Cytd4Sq+NvEcV3MMrXxWJGJx5A+y/lXzzU2Maartkx8=';
    assert.equal(WebhookReceiver.crcAnswer(token, secret), documented);
    assert.deepEqual(crcResponse(token, secret), { response_token: documented });
    assert.deepEqual(acceptedCrcTokens(token, { consumerSecret: secret }), [documented]);
  });

  it('refuses a URL whose CRC answer is wrong, or a 500, or nothing, with CrcValidationFailed', { timeout: 60_000 }, async () => {
    const sb = await sandbox();
    const { receiver } = sb;
    receiver.crcMode = 'wrong';
    const wrong = await call('POST', '/2/webhooks', sb.creds.app.bearerToken, { url: receiver.url });
    assertRefused(wrong, 'CrcValidationFailed');
    assert.equal(receiver.crcs.length, 1, 'one CRC GET was made');
    assert.match(receiver.crcs[0], /^[A-Za-z0-9_-]{16,}$/, 'with a crc_token');

    receiver.crcMode = 'error';
    assertRefused(await call('POST', '/2/webhooks', sb.creds.app.bearerToken, { url: receiver.url }), 'CrcValidationFailed');
    assert.equal(receiver.crcs.length, 2);
    assert.notEqual(receiver.crcs[1], receiver.crcs[0], 'every CRC has a new token');

    // Nobody listening at all.
    const gone = await new WebhookReceiver(sb.creds.app.consumerSecret).start();
    const deadUrl = gone.url;
    await gone.close();
    assertRefused(await call('POST', '/2/webhooks', sb.creds.app.bearerToken, { url: deadUrl }), 'CrcValidationFailed');

    const list = await call('GET', '/2/webhooks', sb.creds.app.bearerToken);
    assert.equal(list.status, 200, list.text);
    assert.deepEqual(list.json.data, [], 'nothing was registered');
    assert.equal(list.json.meta.result_count, 0);

    // The same URL, answering right, registers.
    receiver.crcMode = 'right';
    const id = await register(sb);
    const listed = await call('GET', '/2/webhooks', sb.creds.app.bearerToken);
    assert.deepEqual(listed.json.data.map((w: Json) => [w.id, w.url, w.valid]), [[id, receiver.url, true]]);
  });

  it('refuses a second webhook on the same URL with DuplicateUrlFailed, however the URL is spelled', { timeout: 30_000 }, async () => {
    const sb = await sandbox();
    const id = await register(sb);
    const crcs = sb.receiver.crcs.length;
    assertRefused(await call('POST', '/2/webhooks', sb.creds.app.bearerToken, { url: sb.receiver.url }), 'DuplicateUrlFailed');
    assert.equal(sb.receiver.crcs.length, crcs, 'a duplicate is refused before any CRC');
    // checkWebhookUrl keeps (and compares) URLs in their WHATWG form: HTTP:// is the same webhook as http://.
    const shouted = sb.receiver.url.replace(/^http:/, 'HTTP:');
    assertRefused(await call('POST', '/2/webhooks', sb.creds.app.bearerToken, { url: shouted }), 'DuplicateUrlFailed');
    const list = await call('GET', '/2/webhooks', sb.creds.app.bearerToken);
    assert.deepEqual(list.json.data.map((w: Json) => w.id), [id]);

    // Per App: another App of the world may register the same URL.
    const other = await sb.world.credentials.createApp('Another App', sb.creds.project.id, 'read-write');
    const theirs = await call('POST', '/2/webhooks', other.bearerToken, { url: sb.receiver.url });
    // Its CRC is answered with the first App's secret, so it fails: the refusal is about the CRC, not the URL.
    assertRefused(theirs, 'CrcValidationFailed');
  });

  it("refuses another App's webhook id, or nobody's, with WebhookIdInvalid (PUT, DELETE, replay, a subscription)", { timeout: 30_000 }, async () => {
    const sb = await sandbox();
    const id = await register(sb);
    const other = await sb.world.credentials.createApp('Another App', sb.creds.project.id, 'read-write');
    assertRefused(await call('PUT', `/2/webhooks/${id}`, other.bearerToken), 'WebhookIdInvalid');
    assertRefused(await call('DELETE', `/2/webhooks/${id}`, other.bearerToken), 'WebhookIdInvalid');
    const minute = minuteOf(await clockOf(sb));
    assertRefused(
      await call('POST', '/2/webhooks/replay', other.bearerToken, { webhook_id: id, from_date: minute, to_date: minute }),
      'WebhookIdInvalid',
    );
    const theirs = await call('GET', '/2/webhooks', other.bearerToken);
    assert.equal(theirs.status, 200, theirs.text);
    assert.deepEqual(theirs.json.data, []);
    // An id that is nobody's, and the owner's own subscription naming the other App's id the other way round.
    assertRefused(await call('PUT', '/2/webhooks/1234567890123', sb.creds.app.bearerToken), 'WebhookIdInvalid');
    assertRefused(await call('DELETE', '/2/webhooks/1234567890123', sb.creds.app.bearerToken), 'WebhookIdInvalid');
    const [user] = sb.creds.users;
    const sub = await call('POST', '/2/activity/subscriptions', user.oauth2AccessToken, {
      event_type: 'like.create', filter: { user_id: user.id }, webhook_id: '1234567890123',
    });
    assertRefused(sub, 'WebhookIdInvalid');
    // Still there, still the owner's.
    const mine = await call('GET', '/2/webhooks', sb.creds.app.bearerToken);
    assert.deepEqual(mine.json.data.map((w: Json) => [w.id, w.valid]), [[id, true]]);
  });
});

describe('PUT /2/webhooks/{id} re-validates', () => {
  it('turns the webhook invalid on a wrong answer (no deliveries), and valid again on a right one (deliveries resume)', { timeout: 60_000 }, async () => {
    const sb = await sandbox();
    const { receiver } = sb;
    const [user] = sb.creds.users;
    const [t1, t2, t3] = await freshTweets(sb, user, 3);
    const id = await register(sb);
    await subscribe(user, id);
    const valid = async () => (await call('GET', '/2/webhooks', sb.creds.app.bearerToken)).json.data.find((w: Json) => w.id === id).valid;

    await like(user, t1);
    await receiver.until(() => receiver.received.length >= 1);

    // A right answer: 200 {data:{valid:true}}.
    const ok = await call('PUT', `/2/webhooks/${id}`, sb.creds.app.bearerToken);
    assert.equal(ok.status, 200, ok.text);
    assert.deepEqual(ok.json, { data: { valid: true } });

    // A 500 is a transient failure (§1.8): the PUT is refused, the webhook stays valid.
    receiver.crcMode = 'error';
    assertRefused(await call('PUT', `/2/webhooks/${id}`, sb.creds.app.bearerToken), 'CrcValidationFailed');
    assert.equal(await valid(), true);

    // A wrong response_token invalidates at once.
    receiver.crcMode = 'wrong';
    assertRefused(await call('PUT', `/2/webhooks/${id}`, sb.creds.app.bearerToken), 'CrcValidationFailed');
    assert.equal(await valid(), false);
    const before = receiver.deliveries.length;
    await like(user, t2);
    await sleep(QUIET_MS);
    assert.equal(receiver.deliveries.length, before, 'an invalid webhook receives nothing');

    receiver.crcMode = 'right';
    const back = await call('PUT', `/2/webhooks/${id}`, sb.creds.app.bearerToken);
    assert.equal(back.status, 200, back.text);
    assert.deepEqual(back.json, { data: { valid: true } });
    assert.equal(await valid(), true);
    await like(user, t3);
    await receiver.until(() => receiver.received.length >= 2);
    await sleep(QUIET_MS);
    // The like made while invalid was skipped (X: "stop receiving events"); the one after the PUT arrived.
    assert.deepEqual(receiver.received.map((d) => payloadOf(d).liked_tweet_id), [t1, t3]);
    assert.ok(receiver.deliveries.every((d) => d.signed));
    const log = await logOf(sb, id);
    assert.deepEqual(log.map((r) => [r.kind, r.attempt, r.status]), [['event', 1, 200], ['event', 1, 200]]);
  });
});

describe('delivery', () => {
  it('delivers every like of several users, interleaved with unlikes, in order per user, exactly once, signed', { timeout: 90_000 }, async () => {
    const sb = await sandbox();
    const { receiver } = sb;
    const users = sb.creds.users.slice(0, 4);
    const tweetsOf = new Map<string, string[]>();
    for (const [i, u] of users.entries()) tweetsOf.set(u.id, await freshTweets(sb, u, 4, i * 4));
    const id = await register(sb);
    const subs = new Map<string, string>();
    for (const u of users) subs.set(u.id, await subscribe(u, id, `tag-${u.username}`));

    // Per user, one after the other; the users at once.
    const expected = new Map<string, string[]>();
    await Promise.all(users.map(async (u) => {
      const [a, b, c, d] = tweetsOf.get(u.id)!;
      const script: [op: 'like' | 'unlike', tweet: string][] = [
        ['like', a], ['like', b], ['unlike', a], ['like', c], ['like', a], ['unlike', b], ['like', b], ['like', d],
      ];
      const liked: string[] = [];
      for (const [op, t] of script) {
        if (op === 'like') {
          await like(u, t);
          liked.push(t);
        } else {
          await unlike(u, t);
        }
      }
      expected.set(u.id, liked);
    }));
    const total = [...expected.values()].reduce((n, l) => n + l.length, 0);
    assert.equal(total, 24);
    await receiver.until(() => receiver.deliveries.length >= total, 30_000);
    await sleep(QUIET_MS);
    assert.equal(receiver.deliveries.length, total, 'no more deliveries than likes');
    assert.ok(receiver.deliveries.every((d) => d.status === 200));

    for (const d of receiver.deliveries) {
      assert.equal(d.signed, true, `signed: ${d.raw.slice(0, 120)}`);
      assert.equal(d.headers['content-type'], 'application/json');
      assert.equal(d.path, new URL(receiver.url).pathname);
      assert.equal(d.body.data.event_type, 'like.create');
      assert.equal(d.body.meta, undefined, 'not a replay');
    }
    for (const u of users) {
      const mine = receiver.deliveries.filter((d) => d.body.data.filter.user_id === u.id);
      assert.deepEqual(mine.map((d) => payloadOf(d).liked_tweet_id), expected.get(u.id), `in order for ${u.username}`);
      for (const d of mine) {
        const p = payloadOf(d);
        assert.deepEqual(d.body.data.filter, { user_id: u.id, direction: 'outbound' });
        assert.equal(d.body.data.tag, `tag-${u.username}`);
        // The payload id names the like: who, what, when.
        assert.equal(p.id, likeId(u.id, p.liked_tweet_id, Number(p.timestamp_ms)));
      }
      const times = mine.map((d) => Number(payloadOf(d).timestamp_ms));
      assert.deepEqual(times, [...times].sort((x, y) => x - y), `times of ${u.username} never go back`);
    }
    // Exactly once: every like id and every event_uuid once (a re-like is a new like with a new id).
    const ids = receiver.deliveries.map((d) => payloadOf(d).id);
    assert.equal(new Set(ids).size, total, 'each like delivered once');
    assert.equal(new Set(receiver.deliveries.map((d) => d.body.data.event_uuid)).size, total);

    // The log: one acknowledged first attempt per event, for the subscription of its liker.
    const log = await logOf(sb, id);
    assert.equal(log.length, total);
    assert.ok(log.every((r) => r.kind === 'event' && r.attempt === 1 && r.status === 200 && r.error === null), JSON.stringify(log[0]));
    assert.equal(new Set(log.map((r) => r.eventSeq)).size, total);
    assert.deepEqual(new Set(log.map((r) => r.subscriptionId)), new Set(subs.values()));
  });

  it('a world without webhooks reads no webhooks on its likes; one registered here is served without waiting for the idle poll', { timeout: 60_000 }, async () => {
    const sb = await sandbox();
    const [user] = sb.creds.users;
    const tweets = await freshTweets(sb, user, 11);
    // Counts the dispatcher's rounds (each starts by reading the world's webhooks).
    const events = sb.world.store.events;
    const read = events.allWebhooks.bind(events);
    let rounds = 0;
    events.allWebhooks = () => {
      rounds++;
      return read();
    };
    for (const t of tweets.slice(0, 10)) await like(user, t);
    // With no webhook, a like wakes nothing: at most the idle poll (every 2 s) ran meanwhile.
    assert.ok(rounds <= 1, `${rounds} rounds for 10 likes in a world without webhooks`);
    const before = rounds;
    const id = await register(sb);
    await subscribe(user, id);
    // The registration woke the dispatcher (a round well within the 2 s idle poll), which now follows the likes.
    for (let i = 0; rounds === before && i < 20; i++) await sleep(25);
    assert.ok(rounds > before, 'the registration woke the dispatcher');
    await like(user, tweets[10]);
    await sb.receiver.until(() => sb.receiver.received.length >= 1, 10_000);
    assert.deepEqual(sb.receiver.received.map((d) => payloadOf(d).liked_tweet_id), [tweets[10]]);
  });

  it("retries a failing receiver on X's schedule (0, 6, 36, 281 s on the world clock), then drops the event and goes on", { timeout: 90_000 }, async () => {
    const sb = await sandbox();
    const { receiver } = sb;
    const [user] = sb.creds.users;
    const [tA, tB, tC] = await freshTweets(sb, user, 3);
    const id = await register(sb);
    await subscribe(user, id);
    receiver.respond = (d) => (d.body.data?.payload?.liked_tweet_id === tA ? 500 : 200);
    const count = (n: number) => receiver.until(() => receiver.deliveries.length >= n, 15_000, `${n} deliveries`);
    const still = async (n: number, why: string) => {
      await sleep(QUIET_MS);
      assert.equal(receiver.deliveries.length, n, why);
    };

    await like(user, tA);
    await count(1);
    // B comes after A: it waits behind A's retries (in order per user).
    await like(user, tB);
    let log = await logUntil(sb, id, 1);
    assert.deepEqual(log.map((r) => [r.attempt, r.status, r.error]), [[1, 500, 'HTTP 500']]);
    const first = log[0].at;
    await still(1, 'no retry before 6 s have passed on the world clock, and B is held behind A');

    const schedule = [6_000, 36_000, 281_000];
    for (const [k, offset] of schedule.entries()) {
      // Just short of the attempt's time: nothing (real time keeps running, so 1.5 s short).
      await setClock(sb, first + offset - 1_500);
      await still(k + 1, `attempt ${k + 2} is not due before ${offset / 1000} s`);
      await setClock(sb, first + offset);
      await count(k + 2);
    }
    // The fourth attempt failed too: A is dropped and B goes out at once.
    await count(5);
    await still(5, 'nothing after B');
    assert.deepEqual(
      receiver.deliveries.map((d) => [payloadOf(d).liked_tweet_id, d.status]),
      [[tA, 500], [tA, 500], [tA, 500], [tA, 500], [tB, 200]],
    );
    assert.equal(new Set(receiver.deliveries.slice(0, 4).map((d) => d.raw)).size, 1, 'every attempt posts the same body');
    assert.ok(receiver.deliveries.every((d) => d.signed));

    log = await logOf(sb, id);
    assert.deepEqual(log.map((r) => [r.attempt, r.status]), [[1, 500], [2, 500], [3, 500], [4, 500], [1, 200]]);
    const aSeq = log[0].eventSeq;
    assert.ok(log.slice(0, 4).every((r) => r.eventSeq === aSeq && r.error === 'HTTP 500'));
    assert.notEqual(log[4].eventSeq, aSeq);
    assert.equal(log[4].error, null);
    // Attempt k was made at its offset of the world clock from the first (not before it).
    for (const [k, offset] of [0, ...schedule].entries()) {
      assert.ok(log[k].at - first >= offset - 5, `attempt ${k + 1} at +${log[k].at - first} ms, due at +${offset}`);
      assert.ok(log[k].at - first < offset + 5_000, `attempt ${k + 1} at +${log[k].at - first} ms, due at +${offset}`);
    }

    // Dropped means dropped: however far the clock moves, A is not tried again.
    await setClock(sb, first + 3_600_000);
    await still(5, 'a dropped event is never retried');

    // A failure that recovers: C fails once, and its second attempt (6 s later) is acknowledged; once only.
    receiver.failNext = [503];
    await like(user, tC);
    await count(6);
    const cFirst = (await logUntil(sb, id, 6)).at(-1)!;
    assert.deepEqual([cFirst.attempt, cFirst.status], [1, 503]);
    await setClock(sb, cFirst.at + 6_000);
    await count(7);
    await still(7, 'an acknowledged retry is the last attempt');
    assert.deepEqual(receiver.deliveries.slice(5).map((d) => [payloadOf(d).liked_tweet_id, d.status]), [[tC, 503], [tC, 200]]);
    log = await logOf(sb, id);
    assert.deepEqual(log.slice(5).map((r) => [r.attempt, r.status]), [[1, 503], [2, 200]]);
  });

  it('retries only the failed body of a like two subscriptions match; the acknowledged one is not sent again', { timeout: 60_000 }, async () => {
    const sb = await sandbox();
    const { receiver } = sb;
    const [liker, author] = sb.creds.users;
    const tweet = sb.creds.tweets.find((t) => t.authorId === author.id)!.id;
    await unlike(liker, tweet);
    const id = await register(sb);
    await subscribe(liker, id);
    // The author's inbound subscription on the same webhook: the like is two bodies (two event_uuids).
    const inbound = await call('POST', '/2/activity/subscriptions', author.oauth2AccessToken, {
      event_type: 'like.create', filter: { user_id: author.id, direction: 'inbound' }, webhook_id: id,
    });
    assert.equal(inbound.status, 200, inbound.text);
    // Whichever body comes first is acknowledged; the other one fails until told otherwise.
    let acknowledged: string | null = null;
    let failing = true;
    receiver.respond = (d) => {
      acknowledged ??= d.body.data.event_uuid;
      return d.body.data.event_uuid === acknowledged || !failing ? 200 : 500;
    };
    await like(liker, tweet);
    await receiver.until(() => receiver.deliveries.length >= 2);
    await sleep(QUIET_MS);
    const uuids = receiver.deliveries.map((d) => d.body.data.event_uuid);
    assert.deepEqual(
      receiver.deliveries.map((d) => d.status),
      [200, 500],
      `before any retry is due: one acknowledged body, one failed one (got ${receiver.deliveries.length} posts: ${uuids.join(', ')})`,
    );
    const log = await logUntil(sb, id, 2);
    failing = false;
    await setClock(sb, log[1].at + 6_000);
    await receiver.until(() => receiver.deliveries.length >= 3);
    await sleep(QUIET_MS);
    assert.deepEqual(receiver.deliveries.map((d) => [d.body.data.event_uuid === acknowledged, d.status]), [[true, 200], [false, 500], [false, 200]]);
    assert.deepEqual((await logOf(sb, id)).map((r) => [r.attempt, r.status]), [[1, 200], [1, 500], [2, 200]]);
  });

  it('counts an answer later than 3 s as a failed attempt (status 0) and retries it', { timeout: 60_000 }, async () => {
    const sb = await sandbox();
    const { receiver } = sb;
    const [user] = sb.creds.users;
    const [t] = await freshTweets(sb, user, 1);
    const id = await register(sb);
    await subscribe(user, id);
    let slow = true;
    receiver.respond = () => (slow ? { status: 200, delayMs: 4_000 } : 200);
    await like(user, t);
    await receiver.until(() => receiver.deliveries.length >= 1);
    // The server gives up after 3 s and logs the attempt.
    let log: DeliveryRecord[] = [];
    for (let i = 0; i < 60 && log.length === 0; i++) {
      await sleep(100);
      log = await logOf(sb, id);
    }
    assert.equal(log.length, 1, 'the first attempt is logged once its 3 s are up');
    assert.equal(log[0].status, 0);
    assert.match(log[0].error ?? '', /no answer within 3000 ms/);
    assert.ok(log[0].latencyMs >= 2_900 && log[0].latencyMs < 4_000, `latency ${log[0].latencyMs}`);
    slow = false;
    await setClock(sb, log[0].at + 6_000);
    await receiver.until(() => receiver.deliveries.length >= 2);
    await sleep(QUIET_MS);
    log = await logOf(sb, id);
    assert.deepEqual(log.map((r) => [r.attempt, r.status]), [[1, 0], [2, 200]]);
    assert.equal(receiver.deliveries.length, 2);
    assert.equal(receiver.deliveries[0].raw, receiver.deliveries[1].raw);
  });
});

describe('replay', () => {
  /** A sandbox with a webhook, a subscription and `n` likes delivered. */
  async function delivered(n: number) {
    const sb = await sandbox();
    const [user] = sb.creds.users;
    const tweets = await freshTweets(sb, user, n);
    const id = await register(sb);
    await subscribe(user, id);
    const startedAt = await clockOf(sb);
    for (const t of tweets) await like(user, t);
    await sb.receiver.until(() => sb.receiver.received.length >= n);
    await sleep(QUIET_MS);
    assert.equal(sb.receiver.deliveries.length, n);
    return { sb, id, tweets, startedAt, user };
  }

  const replay = (sb: Sandbox, body: Json) => call('POST', '/2/webhooks/replay', sb.creds.app.bearerToken, body);

  it('redelivers the window with meta.replay, then replay_job_status Complete', { timeout: 60_000 }, async () => {
    const { sb, id, tweets, startedAt } = await delivered(3);
    const { receiver } = sb;
    const originals = receiver.deliveries.slice();
    const now = await clockOf(sb);
    const job = await replay(sb, { webhook_id: id, from_date: minuteOf(startedAt), to_date: minuteOf(now) });
    assert.equal(job.status, 200, job.text);
    assert.match(job.json.data.job_id, /^[0-9]{1,19}$/);
    assert.ok(Math.abs(Date.parse(job.json.data.created_at) - now) < 10_000, job.text);
    assert.match(job.json.data.created_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);

    await receiver.until(() => receiver.deliveries.some(isReplayStatus));
    await sleep(QUIET_MS);
    const replayed = receiver.deliveries.slice(originals.length);
    assert.equal(replayed.length, tweets.length + 1, 'each event once, then the status');
    const status = replayed.at(-1)!;
    assert.deepEqual(status.body, {
      replay_job_status: {
        webhook_id: id, job_state: 'Complete', job_state_description: 'Job completed successfully', job_id: job.json.data.job_id,
      },
    });
    assert.equal(status.signed, true);
    const events = replayed.slice(0, -1);
    for (const [i, d] of events.entries()) {
      assert.equal(d.signed, true);
      assert.deepEqual(d.body.meta, { replay: true });
      assert.ok(d.raw.endsWith(',"meta":{"replay":true}}'), d.raw.slice(-60));
      // The same event as first delivered (same like, same delivery uuid), with X's replay marker.
      const { data } = d.body;
      const original = originals[i].body.data;
      assert.deepEqual(data.payload, original.payload);
      assert.equal(data.event_uuid, original.event_uuid);
      assert.deepEqual([data.event_type, data.filter, data.tag], [original.event_type, original.filter, original.tag]);
    }
    assert.deepEqual(events.map((d) => payloadOf(d).liked_tweet_id), tweets);
    const log = await logOf(sb, id);
    assert.deepEqual(log.map((r) => r.kind), ['event', 'event', 'event', 'replay', 'replay', 'replay']);
    assert.deepEqual(log.slice(3).map((r) => r.eventSeq), log.slice(0, 3).map((r) => r.eventSeq));
    assert.ok(log.slice(3).every((r) => r.attempt === 1 && r.status === 200));

    // A window with no events: only the status.
    const later = await clockOf(sb);
    await setClock(sb, later + 5 * 60_000);
    const empty = await replay(sb, { webhook_id: id, from_date: minuteOf(later + 3 * 60_000), to_date: minuteOf(later + 3 * 60_000) });
    assert.equal(empty.status, 200, empty.text);
    const seen = receiver.deliveries.length;
    await receiver.until(() => receiver.deliveries.length > seen && isReplayStatus(receiver.deliveries.at(-1)!));
    await sleep(QUIET_MS);
    assert.equal(receiver.deliveries.length, seen + 1);
    assert.equal(receiver.deliveries.at(-1)!.body.replay_job_status.job_state, 'Complete');
  });

  it('ends with job_state Incomplete when the receiver refuses a replayed event', { timeout: 60_000 }, async () => {
    const { sb, id, startedAt } = await delivered(2);
    const { receiver } = sb;
    let refused = 0;
    receiver.respond = (d) => (d.body.meta?.replay && refused++ === 0 ? 500 : 200);
    const job = await replay(sb, { webhook_id: id, from_date: minuteOf(startedAt), to_date: minuteOf(await clockOf(sb)) });
    assert.equal(job.status, 200, job.text);
    await receiver.until(() => receiver.deliveries.some(isReplayStatus));
    const status = receiver.deliveries.find(isReplayStatus)!;
    assert.deepEqual(status.body.replay_job_status, {
      webhook_id: id, job_state: 'Incomplete',
      job_state_description: 'Job failed to deliver all events, please retry your replay job', job_id: job.json.data.job_id,
    });
    // Both replayed events were tried (a refusal does not stop the job).
    assert.equal(receiver.deliveries.filter((d) => d.body.meta?.replay).length, 2);
  });

  it('refuses a second job for the webhook while one runs (ReplayConflictError), and takes one after it ended', { timeout: 60_000 }, async () => {
    const { sb, id, startedAt } = await delivered(3);
    const { receiver } = sb;
    // Each replayed event is answered after 600 ms: the job runs for about 2 s.
    receiver.respond = (d) => (d.body.meta?.replay ? { status: 200, delayMs: 600 } : 200);
    const window = { webhook_id: id, from_date: minuteOf(startedAt), to_date: minuteOf(await clockOf(sb)) };
    const first = await replay(sb, window);
    assert.equal(first.status, 200, first.text);
    const second = await replay(sb, window);
    assertRefused(second, 'ReplayConflictError');
    assert.equal(second.json.errors[0].message, 'ReplayConflictError: A replay job is already in progress for the specified webhook');
    await receiver.until(() => receiver.deliveries.some(isReplayStatus));
    const done = receiver.deliveries.filter(isReplayStatus);
    assert.equal(done.length, 1);
    assert.equal(done[0].body.replay_job_status.job_id, first.json.data.job_id);
    await sb.world.events.replays.idle();

    // The job ended: the next one is taken.
    receiver.respond = null;
    const third = await replay(sb, window);
    assert.equal(third.status, 200, third.text);
    await receiver.until(() => receiver.deliveries.filter(isReplayStatus).length === 2);
    await sb.world.events.replays.idle();

    // The conflict is the webhook's replay lease: held by anyone (another instance's job), the POST is refused.
    const { events } = sb.world.store;
    const name = replayCursorName(id);
    assert.ok(await events.leaseCursor(name, 'another-instance-job', Date.now(), Date.now() + 60_000, null));
    assertRefused(await replay(sb, window), 'ReplayConflictError');
    await events.releaseCursor(name, 'another-instance-job');
    const fourth = await replay(sb, window);
    assert.equal(fourth.status, 200, fourth.text);
    await receiver.until(() => receiver.deliveries.filter(isReplayStatus).length === 3);
    await sb.world.events.replays.idle();
    // A lease left behind by a dead job expires: it does not block the webhook for ever.
    assert.ok(await events.leaseCursor(name, 'dead-job', Date.now() - 120_000, Date.now() - 60_000, null));
    const fifth = await replay(sb, window);
    assert.equal(fifth.status, 200, fifth.text);
    await receiver.until(() => receiver.deliveries.filter(isReplayStatus).length === 4);
    await sb.world.events.replays.idle();
  });

  it('refuses windows in the future, reversed, older than 24 hours or badly written with QueryParamInvalid', { timeout: 30_000 }, async () => {
    const sb = await sandbox();
    const id = await register(sb);
    const now = await clockOf(sb);
    const minute = (offsetMin: number) => minuteOf(now + offsetMin * 60_000);
    const cases: [from: string, to: string, details: RegExp][] = [
      [minute(2), minute(2), /from_date is in the future/],
      [minute(0), minute(2), /to_date is in the future/],
      [minute(0), minute(-5), /from_date is more recent than to_date/],
      [minuteOf(now - 24 * 3_600_000 - 5 * 60_000), minute(0), /from_date is older than 24 hours/],
      ['202513011200', minute(0), /not in the correct format/], // month 13
      [minute(-5), '202502301200', /not in the correct format/], // 30 February
      ['202501011260', minute(0), /not in the correct format/], // minute 60
    ];
    for (const [from_date, to_date, details] of cases) {
      const res = await call('POST', '/2/webhooks/replay', sb.creds.app.bearerToken, { webhook_id: id, from_date, to_date });
      assertRefused(res, 'QueryParamInvalid');
      assert.match(res.json.errors[0].message, details, `${from_date}..${to_date}: ${res.text}`);
    }
    // Not twelve digits at all: refused as X's OpenAPI pattern refuses it.
    for (const bad of ['2025-01-01T00:00', '20250101', 'abcdefghijkl']) {
      const res = await call('POST', '/2/webhooks/replay', sb.creds.app.bearerToken, { webhook_id: id, from_date: bad, to_date: minute(0) });
      assert.equal(res.status, 400, res.text);
      assert.equal(res.json.type, `${PROBLEMS}invalid-request`, res.text);
    }
    // A window that is fine: the current minute alone.
    const ok = await call('POST', '/2/webhooks/replay', sb.creds.app.bearerToken, { webhook_id: id, from_date: minute(0), to_date: minute(0) });
    assert.equal(ok.status, 200, ok.text);
    await sb.receiver.until(() => sb.receiver.deliveries.some(isReplayStatus));
    await sb.world.events.replays.idle();
  });
});
