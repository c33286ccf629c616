// Webhook delivery across real `likes-api serve` processes. (a) SIGKILL while deliveries are in flight (the receiver
// holds its answers), a restart on the same SQLite data: every like made before the kill still reaches the receiver,
// in order per user; nothing is lost. (b) Two instances on one PostgreSQL database and one Redis prefix: likes made
// through either are delivered, each exactly once (one instance at a time holds a webhook's lease), also when a slow
// receiver makes a round last longer than the lease; a stream client on one instance sees likes made through the
// other. Needs PostgreSQL (LIKES_API_TEST_DATABASE_URL) and Redis
// (LIKES_API_TEST_REDIS_URL) for (b): the suite fails without them.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import type { DemoCredentials } from '../../src/demo/demoCredentials.ts';
import { LEASE_MS } from '../../src/domain/events/dispatcher.ts';
import { likeId } from '../../src/domain/events/likeEvent.ts';
import {
  REDIS_URL, bearer, call, cleanup, createDatabase, deleteByPrefix, requireRedis, startHealthyInstances, startInstance,
  stopAll, stopInstance, tempDir, uniquePrefix, waitHealthy, type Instance, type TestDatabase,
} from '../support/processes.ts';
import { StreamClient } from '../support/streamClient.ts';
import { WebhookReceiver, type Delivery } from '../support/webhookReceiver.ts';

type User = DemoCredentials['users'][number];

const readCreds = (dir: string): DemoCredentials => JSON.parse(readFileSync(join(dir, 'demo-credentials.json'), 'utf8'));

async function api(inst: Instance, method: string, path: string, token: string, body?: unknown) {
  return call(`${inst.baseUrl}${path}`, {
    method,
    headers: { ...bearer(token), ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
}

async function like(inst: Instance, user: User, tweetId: string): Promise<void> {
  const r = await api(inst, 'POST', `/2/users/${user.id}/likes`, user.oauth2AccessToken, { tweet_id: tweetId });
  assert.equal(r.status, 200, `${inst.name}: ${r.text}`);
  assert.equal(r.body.data.liked, true);
}

async function unlike(inst: Instance, user: User, tweetId: string): Promise<void> {
  const r = await api(inst, 'DELETE', `/2/users/${user.id}/likes/${tweetId}`, user.oauth2AccessToken);
  assert.equal(r.status, 200, `${inst.name}: ${r.text}`);
}

/** `n` Tweets of other users per user (distinct per user), unliked by them first (before any webhook exists). */
async function freshTweets(inst: Instance, creds: DemoCredentials, users: User[], n: number): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  for (const [i, u] of users.entries()) {
    const ids = creds.tweets.filter((t) => t.authorId !== u.id).slice(i * n, i * n + n).map((t) => t.id);
    assert.equal(ids.length, n);
    for (const id of ids) await unlike(inst, u, id);
    out.set(u.id, ids);
  }
  return out;
}

/** A webhook of the demo App on `receiver`, and an outbound like.create subscription of each user posting to it. */
async function webhookFor(inst: Instance, creds: DemoCredentials, users: User[], receiver: WebhookReceiver, subscribeOn = inst): Promise<string> {
  const made = await api(inst, 'POST', '/2/webhooks', creds.app.bearerToken, { url: receiver.url });
  assert.equal(made.status, 200, made.text);
  const id = made.body.data.id as string;
  for (const u of users) {
    const sub = await api(subscribeOn, 'POST', '/2/activity/subscriptions', u.oauth2AccessToken, {
      event_type: 'like.create', filter: { user_id: u.id, direction: 'outbound' }, webhook_id: id,
    });
    assert.equal(sub.status, 200, sub.text);
  }
  return id;
}

const keyOf = (d: Delivery): string => `${d.body.data.filter.user_id}/${d.body.data.payload.liked_tweet_id}`;

/** Each user's deliveries (liked Tweet ids, in arrival order). */
function perUser(deliveries: readonly Delivery[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const d of deliveries) {
    const user = d.body.data.filter.user_id as string;
    out.set(user, [...(out.get(user) ?? []), d.body.data.payload.liked_tweet_id]);
  }
  return out;
}

/** Whether `seen` follows the order of `made` (each one later in `made` than the one before: in order, no repeat). */
function inOrder(seen: readonly string[], made: readonly string[]): boolean {
  const at = seen.map((t) => made.indexOf(t));
  return at.every((i, k) => i >= 0 && (k === 0 || i > at[k - 1]));
}

describe('SIGKILL with webhook deliveries in flight (SQLite)', () => {
  const dir = tempDir('events-crash');
  const receivers: WebhookReceiver[] = [];
  after(() => cleanup(stopAll, () => Promise.all(receivers.map((r) => r.close())), () => dir.remove()), { timeout: 60_000 });

  it('delivers every like made before the kill after the restart, in order per user', { timeout: 180_000 }, async () => {
    const start = async (n: number): Promise<Instance> => {
      const inst = await startInstance({ name: `events-crash#${n}`, dataDir: dir.path, env: { LIKES_API_LIMITS: 'off' } });
      assert.ok(await waitHealthy(inst.baseUrl), inst.output());
      return inst;
    };
    let inst = await start(0);
    const creds = readCreds(dir.path);
    const users = creds.users.slice(0, 5);
    const receiver = await new WebhookReceiver(creds.app.consumerSecret).start();
    receivers.push(receiver);
    const PER_USER = 8;
    const tweets = await freshTweets(inst, creds, users, PER_USER + 2);
    await webhookFor(inst, creds, users, receiver);

    // Every answer is held 400 ms: the deliveries are still going out when the process dies.
    receiver.delayMs = 400;
    await Promise.all(users.map(async (u) => {
      for (const t of tweets.get(u.id)!.slice(0, PER_USER)) await like(inst, u, t);
    }));
    const made = new Map(users.map((u) => [u.id, tweets.get(u.id)!.slice(0, PER_USER)]));
    const total = users.length * PER_USER;
    await receiver.until(() => receiver.deliveries.length >= 10 && receiver.pending > 0, 30_000, 'deliveries under way');
    inst.child.kill('SIGKILL');
    assert.deepEqual(await inst.exited, { code: null, signal: 'SIGKILL' });
    const beforeKill = receiver.deliveries.slice();
    assert.ok(beforeKill.length < total, `the kill came while deliveries were under way (${beforeKill.length} of ${total} had arrived)`);
    await sleep(500); // answers held at the kill find their sender gone
    const unanswered = beforeKill.filter((d) => !d.answered);
    assert.ok(unanswered.length > 0, 'some deliveries were in flight at the kill');
    console.log(`events crash: ${beforeKill.length} of ${total} likes had arrived at the kill, ${unanswered.length} of them unanswered`);

    receiver.delayMs = 0;
    inst = await start(1);
    // Likes after the restart are delivered too, after the earlier ones of the same user.
    for (const u of users.slice(0, 2)) {
      const more = tweets.get(u.id)!.slice(PER_USER, PER_USER + 2);
      for (const t of more) await like(inst, u, t);
      made.set(u.id, [...made.get(u.id)!, ...more]);
    }
    const expectedKeys = new Set([...made].flatMap(([u, ts]) => ts.map((t) => `${u}/${t}`)));
    const afterRestart = () => receiver.deliveries.slice(beforeKill.length);
    // The dead process's lease runs out (LEASE_MS, 8 s) before the new one takes the webhook over.
    await receiver.until(
      () => [...expectedKeys].every((k) => afterRestart().some((d) => keyOf(d) === k) || beforeKill.some((d) => d.answered && keyOf(d) === k)),
      60_000,
      'every like after the restart',
    );
    await sleep(1_500);

    // No like lost: each one was acknowledged before the kill or delivered after the restart.
    const acknowledged = new Set([...beforeKill.filter((d) => d.answered), ...afterRestart()].map(keyOf));
    assert.deepEqual([...expectedKeys].filter((k) => !acknowledged.has(k)), [], 'likes never delivered');
    // What was in flight at the kill was delivered again.
    const redelivered = new Set(afterRestart().map(keyOf));
    assert.deepEqual(unanswered.map(keyOf).filter((k) => !redelivered.has(k)), [], 'in-flight deliveries sent again after the restart');
    // In order per user, before the kill and after the restart (a restart may repeat, never reorder).
    for (const [phase, list] of [['before the kill', beforeKill], ['after the restart', afterRestart()]] as const) {
      for (const [user, seen] of perUser(list)) {
        assert.ok(inOrder(seen, made.get(user)!), `${phase}, ${user}: ${seen.join(',')} is not in the order ${made.get(user)!.join(',')}`);
      }
    }
    // Nothing but these likes, all signed and acknowledged.
    assert.ok(receiver.deliveries.every((d) => expectedKeys.has(keyOf(d)) && d.signed));
    assert.ok(afterRestart().every((d) => d.status === 200 && d.answered));
    console.log(`events crash: ${afterRestart().length} deliveries after the restart for ${expectedKeys.size} likes`);
    assert.deepEqual(await stopInstance(inst), { code: 0, signal: null }, inst.output());
  });
});

describe('webhook deliveries from two instances on one PostgreSQL database and one Redis prefix', () => {
  const prefix = uniquePrefix('events');
  const dirs = [tempDir('events-a'), tempDir('events-b')];
  const receivers: WebhookReceiver[] = [];
  let db: TestDatabase | undefined;
  let a: Instance;
  let b: Instance;
  let creds: DemoCredentials;

  before(async () => {
    await requireRedis();
    db = await createDatabase('events');
    [a, b] = await startHealthyInstances(dirs, {
      LIKES_API_DATABASE_URL: db.url,
      LIKES_API_REDIS_URL: REDIS_URL,
      LIKES_API_REDIS_PREFIX: prefix,
      LIKES_API_SECRET_KEY: randomBytes(32).toString('hex'),
      LIKES_API_LIMITS: 'off',
    });
    creds = readCreds(a.dataDir);
  }, { timeout: 180_000 });

  after(
    () => cleanup(
      stopAll, () => Promise.all(receivers.map((r) => r.close())), () => db?.drop(), () => deleteByPrefix(REDIS_URL, prefix),
      () => dirs.forEach((d) => d.remove()),
    ),
    { timeout: 120_000 },
  );

  /** The like id of every like event of the webhook's delivery log, with how many attempts were logged for it. */
  async function attemptsByLike(webhookId: string): Promise<Map<string, { attempts: number; statuses: number[] }>> {
    const rows = await db!.query<{ user_id: string; tweet_id: string; at: string; attempt: number; status: number }>(
      `SELECT e.user_id, e.tweet_id, e.at, d.attempt, d.status FROM webhook_deliveries d
         JOIN like_events e ON e.seq::text = d.event_seq
        WHERE d.webhook_id = $1 AND d.kind = 'event' ORDER BY d.id`,
      [webhookId],
    );
    const out = new Map<string, { attempts: number; statuses: number[] }>();
    for (const r of rows) {
      const id = likeId(r.user_id, r.tweet_id, Number(r.at));
      const entry = out.get(id) ?? { attempts: 0, statuses: [] };
      entry.attempts++;
      entry.statuses.push(r.status);
      out.set(id, entry);
    }
    return out;
  }

  /** Each like delivered exactly once: once at the receiver, one logged attempt (a 200), in order per user. */
  async function assertExactlyOnce(receiver: WebhookReceiver, webhookId: string, made: Map<string, string[]>): Promise<void> {
    const total = [...made.values()].reduce((n, l) => n + l.length, 0);
    await receiver.until(() => new Set(receiver.deliveries.map(keyOf)).size >= total, 90_000, `${total} likes`);
    // Longer than a lease (LEASE_MS): an instance that lost the webhook mid-round would have posted again by now.
    await sleep(LEASE_MS + 1_000);
    const byLike = new Map<string, number>();
    for (const d of receiver.deliveries) byLike.set(d.body.data.payload.id, (byLike.get(d.body.data.payload.id) ?? 0) + 1);
    const repeated = [...byLike].filter(([, n]) => n > 1);
    assert.deepEqual(
      repeated.slice(0, 10), [],
      `${repeated.length} of ${byLike.size} likes were delivered more than once (${receiver.deliveries.length} posts for ${total} likes)`,
    );
    assert.equal(receiver.deliveries.length, total);
    for (const [user, seen] of perUser(receiver.deliveries)) assert.deepEqual(seen, made.get(user), `in order for ${user}`);
    assert.ok(receiver.deliveries.every((d) => d.signed && d.status === 200));
    // The log, written by whichever instance delivered: one attempt per like, as many as the receiver got.
    let logged = await attemptsByLike(webhookId);
    for (let i = 0; i < 50 && logged.size < total; i++) {
      await sleep(100);
      logged = await attemptsByLike(webhookId);
    }
    assert.equal(logged.size, total, 'every delivered like is in the log');
    for (const [id, n] of byLike) {
      assert.deepEqual(logged.get(id), { attempts: n, statuses: [200] }, `like ${id}: logged attempts equal the deliveries received`);
    }
  }

  it('delivers likes made through both instances, each exactly once, in order per user', { timeout: 180_000 }, async () => {
    const users = creds.users.slice(0, 5);
    const receiver = await new WebhookReceiver(creds.app.consumerSecret).start();
    receivers.push(receiver);
    const PER_USER = 10;
    const tweets = await freshTweets(a, creds, users, PER_USER);
    const id = await webhookFor(a, creds, users, receiver, b);
    // Each user's likes alternate between the instances; the users at once.
    await Promise.all(users.map(async (u, i) => {
      for (const [k, t] of tweets.get(u.id)!.entries()) await like((k + i) % 2 === 0 ? a : b, u, t);
    }));
    await assertExactlyOnce(receiver, id, tweets);
  });

  it('a stream client on one instance sees the likes made through the other, in order', { timeout: 120_000 }, async () => {
    const [u] = creds.users.slice(3, 4);
    const tweets = (await freshTweets(a, creds, [u], 60)).get(u.id)!.slice(50);
    const sub = await api(a, 'POST', '/2/activity/subscriptions', u.oauth2AccessToken, {
      event_type: 'like.create', filter: { user_id: u.id, direction: 'outbound' }, tag: 'across',
    });
    assert.equal(sub.status, 200, sub.text);
    const stream = await StreamClient.open(b.baseUrl, '/2/activity/stream', creds.app.bearerToken);
    try {
      assert.equal(stream.status, 200);
      for (const t of tweets) await like(a, u, t);
      const ours = () => stream.lines.filter((l) => l.data?.tag === 'across');
      const deadline = Date.now() + 30_000;
      while (ours().length < tweets.length && Date.now() < deadline) await sleep(50);
      assert.deepEqual(ours().map((l) => l.data.payload.liked_tweet_id), tweets, 'every like, once, in the order made');
    } finally {
      await stream.close();
      await api(a, 'DELETE', `/2/activity/subscriptions/${sub.body.data.subscription.subscription_id}`, creds.app.bearerToken);
    }
  });

  it('keeps one instance at a time on the webhook when a slow receiver makes a round outlast the lease', { timeout: 180_000 }, async () => {
    // A second App of the world would need credentials minted outside the API; the demo App's second webhook will do.
    const [u] = creds.users.slice(4, 5);
    const receiver = await new WebhookReceiver(creds.app.consumerSecret).start();
    receivers.push(receiver);
    const LIKES = 30;
    const tweets = (await freshTweets(a, creds, [u], 10 + LIKES)).get(u.id)!.slice(10);
    const made = new Map([[u.id, tweets]]);
    // Its own webhook: only this test's likes reach it (the user's earlier subscription posts to the first one).
    const id = await webhookFor(b, creds, [u], receiver);
    // Every answer takes 400 ms: one user's 30 likes are one lane of about 12 s, longer than the lease (LEASE_MS).
    receiver.delayMs = 400;
    assert.ok(LIKES * 400 > LEASE_MS);
    for (const [k, t] of tweets.entries()) await like(k % 2 === 0 ? a : b, u, t);
    await assertExactlyOnce(receiver, id, made);
  });
});
