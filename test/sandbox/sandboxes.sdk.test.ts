// Sandboxes as a developer drives them: the control API (/__admin/, plain fetch) to make, reset, snapshot, restore,
// delete, move the clock of and inject faults into a sandbox, and X's own client packages (twitter-api-v2 with OAuth
// 1.0a and the app bearer, twitter-api-sdk with the bearer and a user's OAuth 2.0 token) to use it, pointed at the
// server by base URL alone. One server for the file; a fresh sandbox per test.
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { describe, it } from 'node:test';
import { Client, auth } from 'twitter-api-sdk';
import { ApiRequestError, ApiResponseError, TwitterApi, type ITwitterApiClientPlugin, type TwitterRateLimit } from 'twitter-api-v2';
import type { DemoCredentials } from '../../src/demo/demoCredentials.ts';
import { sdkSettings } from '../support/clients.ts';
import { serverForSuite } from '../support/harness.ts';
import { PROBLEMS } from '../support/problems.ts';

type Json = Record<string, any>;
type User = DemoCredentials['users'][number];

interface Sandbox {
  id: string;
  creds: DemoCredentials;
}

const server = serverForSuite();

// ---- the control API ----

interface AdminAnswer {
  status: number;
  headers: Headers;
  text: string;
  json: Json;
}

async function admin(method: string, path: string, body?: unknown): Promise<AdminAnswer> {
  const res = await fetch(`${server.baseUrl}/__admin${path}`, {
    method,
    headers: {
      authorization: `Bearer ${server.creds.adminToken}`,
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, text, json: text ? (JSON.parse(text) as Json) : {} };
}

async function createSandbox(seed: 'demo' | 'empty' = 'demo'): Promise<Sandbox> {
  const made = await admin('POST', '/sandboxes', { seed });
  assert.equal(made.status, 201, made.text);
  const id = made.json.id as string;
  assert.match(id, /^sb[0-9a-z]{10}$/);
  const creds = made.json.credentials as DemoCredentials;
  assert.equal(creds.baseUrl, server.baseUrl);
  return { id, creds };
}

async function addFault(sandbox: string, fault: Json): Promise<Json> {
  const res = await admin('POST', `/sandboxes/${sandbox}/faults`, fault);
  assert.equal(res.status, 201, res.text);
  assert.match(res.json.id, /^[A-Za-z0-9_-]{8}$/);
  return res.json;
}

async function clockOf(sandbox: string): Promise<number> {
  const res = await admin('GET', `/sandboxes/${sandbox}/clock`);
  assert.equal(res.status, 200, res.text);
  return Date.parse(res.json.now);
}

async function moveClock(sandbox: string, body: Json): Promise<number> {
  const res = await admin('POST', `/sandboxes/${sandbox}/clock`, body);
  assert.equal(res.status, 200, res.text);
  return Date.parse(res.json.now);
}

/**
 * The sandbox's latest `limit` requests once `ready` holds of them: the inspector writes an entry after the answer
 * is sent, so the newest may land a moment after the client has it.
 */
async function requestLog(sandbox: string, limit: number, ready: (data: Json[]) => boolean): Promise<{ data: Json[]; text: string }> {
  for (let i = 0; ; i++) {
    const res = await admin('GET', `/sandboxes/${sandbox}/requests?limit=${limit}`);
    assert.equal(res.status, 200, res.text);
    const data = res.json.data as Json[];
    if (ready(data) || i === 40) return { data, text: res.text };
    await new Promise((r) => setTimeout(r, 25));
  }
}

// ---- X's clients ----

function v2User(creds: Pick<DemoCredentials, 'app'>, user: Pick<User, 'accessToken' | 'accessTokenSecret'>, ...plugins: ITwitterApiClientPlugin[]): TwitterApi {
  return new TwitterApi(
    { appKey: creds.app.consumerKey, appSecret: creds.app.consumerSecret, accessToken: user.accessToken, accessSecret: user.accessTokenSecret },
    sdkSettings(server.baseUrl, ...plugins),
  );
}

const v2App = (creds: Pick<DemoCredentials, 'app'>, ...plugins: ITwitterApiClientPlugin[]): TwitterApi =>
  new TwitterApi(creds.app.bearerToken, sdkSettings(server.baseUrl, ...plugins));

const sdkUser = (creds: DemoCredentials, user: User): Client =>
  new Client(
    new auth.OAuth2User({
      client_id: creds.app.clientId,
      callback: 'http://127.0.0.1/callback',
      scopes: ['tweet.read', 'users.read', 'like.read', 'like.write'],
      // An expiry keeps the SDK from trying to refresh a token it has no refresh token for.
      token: { access_token: user.oauth2AccessToken, token_type: 'bearer', expires_at: Date.now() + 60 * 60 * 1000 },
    }),
    { base_url: server.baseUrl },
  );

const sdkApp = (creds: DemoCredentials): Client => new Client(creds.app.bearerToken, { base_url: server.baseUrl });

/** A promise, or twitter-api-sdk's paginated answer (a thenable that sends its request when awaited). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Thenable = { then(resolve: any, reject: any): unknown };

/** The error `run` rejects with; fails when it resolves. */
async function rejection(run: Thenable): Promise<unknown> {
  try {
    await new Promise((resolve, reject) => run.then(resolve, reject));
  } catch (error) {
    return error;
  }
  assert.fail('expected the call to fail');
}

async function responseError(run: Thenable): Promise<ApiResponseError> {
  const error = await rejection(run);
  assert.ok(error instanceof ApiResponseError, `expected an ApiResponseError, got ${String(error)}`);
  return error;
}

/** GET with a Bearer token, the body as bytes. */
async function rawGet(path: string, bearer: string): Promise<{ status: number; bytes: Buffer; headers: Headers }> {
  const res = await fetch(`${server.baseUrl}${path}`, { headers: { authorization: `Bearer ${bearer}` } });
  return { status: res.status, bytes: Buffer.from(await res.arrayBuffer()), headers: res.headers };
}

async function rawJson(path: string, bearer: string): Promise<Json> {
  const res = await rawGet(path, bearer);
  assert.equal(res.status, 200, res.bytes.toString());
  return JSON.parse(res.bytes.toString()) as Json;
}

/** Ids of a user's liked Tweets, newest like first (one page of up to 100: the users used here like fewer). */
async function likedIds(bearer: string, userId: string): Promise<string[]> {
  const body = await rawJson(`/2/users/${userId}/liked_tweets?max_results=100`, bearer);
  assert.equal(body.meta.next_token, undefined, 'one page holds every like');
  return (body.data ?? []).map((t: Json) => t.id as string);
}

/** Ids of a Tweet's liking users, newest like first (one page of up to 100). */
async function likerIds(bearer: string, tweetId: string): Promise<string[]> {
  const body = await rawJson(`/2/tweets/${tweetId}/liking_users?max_results=100`, bearer);
  assert.equal(body.meta.next_token, undefined, 'one page holds every liker');
  return (body.data ?? []).map((u: Json) => u.id as string);
}

/** Demo Tweets (the oldest first: they have few likes) that `userId` has not liked, as `bearer`'s world says. */
async function unlikedTweets(creds: DemoCredentials, bearer: string, userId: string, count: number): Promise<string[]> {
  const liked = new Set(await likedIds(bearer, userId));
  const out = creds.tweets.map((t) => t.id).filter((id) => !liked.has(id)).slice(0, count);
  assert.equal(out.length, count);
  return out;
}

/** Swaps the sandbox tag `from.` of every tagged string in `value` for `to.`. */
function retag<T>(value: T, from: string, to: string): T {
  return JSON.parse(JSON.stringify(value).split(`"${from}.`).join(`"${to}.`)) as T;
}

/** Records each answer's rate-limit headers as twitter-api-v2 parsed them. */
function rateLimitRecorder(seen: (TwitterRateLimit | undefined)[]): ITwitterApiClientPlugin {
  return {
    onAfterRequest({ response }) {
      seen.push(response.rateLimit);
    },
  };
}

// ---- 1. isolation ----

describe('sandboxes side by side', () => {
  it('see and change only their own world on every endpoint; a swapped tag is refused; the default world sees nothing', async () => {
    const a = await createSandbox();
    const b = await createSandbox();
    const d = server.creds;
    assert.notEqual(a.id, b.id);
    for (const token of [a.creds.app.consumerKey, a.creds.app.bearerToken, a.creds.app.clientId, a.creds.users[0].oauth2AccessToken]) {
      assert.ok(token.startsWith(`${a.id}.`), token);
    }
    const me = a.creds.users[3];
    assert.equal(me.id, b.creds.users[3].id, 'both are made from the demo seed');
    // A's Project has read nothing yet.
    const usageA0 = (await v2App(a.creds).v2.usage()).data;
    assert.equal(usageA0.project_id, a.creds.project.id);
    assert.equal(String(usageA0.project_usage), '0');
    const [tweet, other] = await unlikedTweets(a.creds, a.creds.app.bearerToken, me.id, 2);

    const worlds = { a: a.creds.app.bearerToken, b: b.creds.app.bearerToken, default: d.app.bearerToken };
    const likedBefore = { b: await likedIds(worlds.b, me.id), default: await likedIds(worlds.default, me.id) };
    const likersBefore = { b: await likerIds(worlds.b, tweet), default: await likerIds(worlds.default, tweet) };
    assert.ok(!likersBefore.b.includes(me.id) && !likersBefore.default.includes(me.id));
    const usageBefore = {
      b: (await v2App(b.creds).v2.usage()).data,
      default: (await v2App(d).v2.usage()).data,
    };
    assert.equal(usageBefore.b.project_id, b.creds.project.id);
    assert.notEqual(a.creds.project.id, b.creds.project.id);

    // like (OAuth 1.0a) in A: visible in A's liking_users and liked_tweets, with A's own credentials of every kind.
    const inA = v2User(a.creds, me);
    assert.deepEqual(await inA.v2.like(me.id, tweet), { data: { liked: true } });
    assert.deepEqual(await inA.v2.like(me.id, other), { data: { liked: true } });
    assert.deepEqual((await inA.v2.userLikedTweets(me.id, { max_results: 100 })).tweets.slice(0, 2).map((t) => t.id), [other, tweet]);
    assert.equal((await inA.v2.tweetLikedBy(tweet)).data[0].id, me.id);
    assert.equal((await likerIds(worlds.a, tweet))[0], me.id);
    const viaSdk = await sdkUser(a.creds, me).tweets.usersIdLikedTweets(me.id, { max_results: 5 });
    assert.deepEqual(viaSdk.data?.slice(0, 2).map((t) => t.id), [other, tweet]);
    // unlike in A: gone from A only.
    assert.deepEqual(await inA.v2.unlike(me.id, other), { data: { liked: false } });
    assert.ok(!(await likedIds(worlds.a, me.id)).includes(other));

    // B and the default world saw none of it.
    assert.deepEqual(await likedIds(worlds.b, me.id), likedBefore.b);
    assert.deepEqual(await likedIds(worlds.default, me.id), likedBefore.default);
    assert.deepEqual(await likerIds(worlds.b, tweet), likersBefore.b);
    assert.deepEqual(await likerIds(worlds.default, tweet), likersBefore.default);
    assert.deepEqual((await v2User(b.creds, b.creds.users[3]).v2.tweetLikedBy(tweet)).data?.map((u) => u.id) ?? [], likersBefore.b);
    assert.deepEqual((await v2User(d, d.users[3]).v2.userLikedTweets(me.id, { max_results: 100 })).tweets.map((t) => t.id), likedBefore.default);

    // /2/usage/tweets: the Tweets each world's liked_tweets returned count in that world's Project only. A returned
    // L (the likes seeded), L + 2 (two liked), 5 (a page of 5), L + 1 (one unliked); B one read of its L since.
    const seeded = likedBefore.b.length;
    const usageA = (await v2App(a.creds).v2.usage()).data;
    assert.equal(Number(usageA.project_usage), 3 * seeded + 8, `A's usage: ${JSON.stringify(usageA)}`);
    const usageB = (await v2App(b.creds).v2.usage()).data;
    assert.equal(Number(usageB.project_usage), Number(usageBefore.b.project_usage) + seeded);
    const usageD = (await v2App(d).v2.usage()).data;
    assert.equal(usageD.project_id, d.project.id);
    // The default world's own reads above (likedIds, tweetLikedBy, userLikedTweets) count; A's do not.
    const defaultReads = likedBefore.default.length * 2;
    assert.equal(Number(usageD.project_usage), Number(usageBefore.default.project_usage) + defaultReads);

    // A's credentials with B's tag: refused (X's 401) on every endpoint, through every client and scheme.
    const forged = retag(a.creds, a.id, b.id);
    const forgedUser = forged.users[3];
    assert.ok(forged.app.consumerKey.startsWith(`${b.id}.`) && forgedUser.oauth2AccessToken.startsWith(`${b.id}.`));
    const refusals: [string, () => Thenable][] = [
      ['oauth1 liked_tweets', () => v2User(forged, forgedUser).v2.userLikedTweets(me.id)],
      ['oauth1 liking_users', () => v2User(forged, forgedUser).v2.tweetLikedBy(tweet)],
      ['oauth1 like', () => v2User(forged, forgedUser).v2.like(me.id, other)],
      ['oauth1 unlike', () => v2User(forged, forgedUser).v2.unlike(me.id, tweet)],
      ['bearer liked_tweets', () => v2App(forged).v2.userLikedTweets(me.id)],
      ['bearer liking_users', () => v2App(forged).v2.tweetLikedBy(tweet)],
      ['bearer usage', () => v2App(forged).v2.usage()],
      ['oauth2 user liked_tweets', () => sdkUser(forged, forgedUser).tweets.usersIdLikedTweets(me.id)],
      ['oauth2 user liking_users', () => sdkUser(forged, forgedUser).users.tweetsIdLikingUsers(tweet)],
      ['oauth2 user like', () => sdkUser(forged, forgedUser).tweets.usersIdLike(me.id, { tweet_id: other })],
      ['oauth2 user unlike', () => sdkUser(forged, forgedUser).tweets.usersIdUnlike(me.id, tweet)],
    ];
    for (const [what, call] of refusals) {
      const error = (await rejection(call())) as Json;
      const status = error instanceof ApiResponseError ? error.code : error.status;
      const body = error instanceof ApiResponseError ? error.data : error.error;
      assert.equal(status, 401, what);
      assert.deepEqual(body, { title: 'Unauthorized', type: 'about:blank', status: 401, detail: 'Unauthorized' }, what);
    }
    // The refusals were logged in B (the tag routes there), not in A.
    const inB = await requestLog(b.id, 11, (data) => data.length === 11 && data.every((e) => e.status === 401));
    assert.equal(inB.data.length, 11);
    for (const entry of inB.data) {
      assert.equal(entry.status, 401, JSON.stringify(entry));
      assert.equal(entry.auth.verdict, 'refused');
    }
    const logA = await requestLog(a.id, 100, () => true);
    assert.ok(logA.data.length > 0 && logA.data.every((e) => e.status === 200), 'A only saw its own successful requests');

    // Without its tag, an A credential names nothing in the default world either.
    const stripped = JSON.parse(JSON.stringify(a.creds).split(`"${a.id}.`).join('"')) as DemoCredentials;
    assert.equal((await responseError(v2User(stripped, stripped.users[3]).v2.userLikedTweets(me.id))).code, 401);
    assert.equal((await responseError(v2App(stripped).v2.tweetLikedBy(tweet))).code, 401);

    // A's data is as A left it, B's as it was.
    assert.equal((await likedIds(worlds.a, me.id))[0], tweet);
    assert.deepEqual(await likedIds(worlds.b, me.id), likedBefore.b);
  });
});

describe('controls are per world', () => {
  it('a fault, a clock move and the request log of one world leave the others (default included) alone', async () => {
    const a = await createSandbox();
    const b = await createSandbox();
    const d = server.creds;
    const userId = a.creds.users[1].id;
    assert.equal(userId, d.users[1].id, 'the same user id in every demo world');
    const call = (creds: DemoCredentials) => v2User(creds, creds.users[1]).v2.userLikedTweets(userId, { max_results: 5 });

    await addFault(a.id, { endpoint: '*', action: 'unavailable' });
    const aNow = await moveClock(a.id, { advance_seconds: 3 * 86_400 });
    // The default world is a world like the others: one fault for this user, once.
    await addFault('default', { endpoint: 'liked_tweets', user_id: userId, action: 'server_error', times: 1 });
    try {
      assert.equal((await responseError(call(a.creds))).code, 503);
      assert.equal((await call(b.creds)).tweets.length, 5, 'B answers normally');
      assert.equal((await responseError(call(d))).code, 500, 'the default world\'s fault applies there');
      assert.equal((await call(d)).tweets.length, 5, 'once');
      assert.equal((await call(b.creds)).tweets.length, 5);
      assert.equal((await responseError(call(a.creds))).code, 503, 'A still faulted: the default\'s fault was not A\'s');
    } finally {
      await admin('DELETE', '/sandboxes/default/faults');
    }
    assert.deepEqual((await admin('GET', `/sandboxes/${b.id}/faults`)).json, { data: [] });
    assert.equal((await admin('GET', `/sandboxes/${a.id}/faults`)).json.data.length, 1);

    // Only A's clock moved.
    assert.ok((await clockOf(a.id)) >= aNow);
    for (const id of [b.id, 'default']) assert.ok(Math.abs((await clockOf(id)) - Date.now()) < 5_000, id);

    // Each world's inspector shows its own requests.
    const logA = await requestLog(a.id, 10, (data) => data.length === 2);
    assert.deepEqual(logA.data.map((e) => [e.status, e.fault]), [[503, 'unavailable'], [503, 'unavailable']]);
    const logB = await requestLog(b.id, 10, (data) => data.length === 2);
    assert.deepEqual(logB.data.map((e) => [e.status, e.app_id]), [[200, b.creds.app.id], [200, b.creds.app.id]]);
    const logD = await requestLog('default', 2, (data) => data[0]?.status === 200);
    assert.deepEqual(logD.data.map((e) => [e.status, e.app_id, e.fault]), [[200, d.app.id, undefined], [500, d.app.id, 'server_error']]);
  });
});

// ---- 2. reset, snapshot, restore ----

describe('reset and restore', () => {
  it('give back the exact bytes of earlier answers; credentials still work after reset', async () => {
    const sb = await createSandbox();
    const bearer = sb.creds.app.bearerToken;
    const me = sb.creds.users[4];
    const client = v2User(sb.creds, me);
    const [t1, t2, t3, t4] = await unlikedTweets(sb.creds, bearer, me.id, 4);
    const liked = `/2/users/${me.id}/liked_tweets?max_results=100&tweet.fields=created_at,public_metrics&expansions=author_id`;
    const likers = (t: string) => `/2/tweets/${t}/liking_users?user.fields=public_metrics`;
    const read = async () => [
      (await rawGet(liked, bearer)).bytes,
      (await rawGet(likers(t1), bearer)).bytes,
      (await rawGet(likers(t3), bearer)).bytes,
    ];

    const created = await read();
    const likedBefore = await likedIds(bearer, me.id);
    await client.v2.like(me.id, t1);
    await client.v2.like(me.id, t2);
    await client.v2.unlike(me.id, likedBefore[0]);
    const snapped = await read();
    assert.notDeepEqual(snapped, created);
    const snap = await admin('POST', `/sandboxes/${sb.id}/snapshots`, { name: 's1' });
    assert.equal(snap.status, 201, snap.text);
    assert.deepEqual((await admin('GET', `/sandboxes/${sb.id}/snapshots`)).json, { data: [{ name: 's1' }] });

    await client.v2.unlike(me.id, t1);
    await client.v2.like(me.id, t3);
    await client.v2.like(me.id, t4);
    const later = await read();
    assert.notDeepEqual(later, snapped);

    const restored = await admin('POST', `/sandboxes/${sb.id}/snapshots/s1/restore`);
    assert.equal(restored.status, 200, restored.text);
    assert.deepEqual(await read(), snapped, 'restore: the bytes of the snapshot time');

    const reset = await admin('POST', `/sandboxes/${sb.id}/reset`);
    assert.equal(reset.status, 200, reset.text);
    assert.equal(reset.json.data.id, sb.id);
    assert.deepEqual(await read(), created, 'reset: the bytes right after creation');

    // The same credentials, every kind, still work after reset; the snapshot is still there to restore.
    assert.deepEqual(await client.v2.like(me.id, t4), { data: { liked: true } });
    assert.equal((await sdkUser(sb.creds, me).tweets.usersIdLikedTweets(me.id, { max_results: 5 })).data?.[0].id, t4);
    assert.equal((await v2App(sb.creds).v2.tweetLikedBy(t4)).data[0].id, me.id);
    assert.equal((await admin('GET', `/sandboxes/${sb.id}`)).json.credentials.app.consumerKey, sb.creds.app.consumerKey);
    assert.equal((await admin('POST', `/sandboxes/${sb.id}/snapshots/s1/restore`)).status, 200);
    assert.deepEqual(await read(), snapped);

    // Snapshotting under a name taken replaces it.
    await client.v2.unlike(me.id, t2);
    const second = await read();
    assert.equal((await admin('POST', `/sandboxes/${sb.id}/snapshots`, { name: 's1' })).status, 201);
    await client.v2.like(me.id, t3);
    assert.equal((await admin('POST', `/sandboxes/${sb.id}/snapshots/s1/restore`)).status, 200);
    assert.deepEqual(await read(), second);
    assert.deepEqual((await admin('GET', `/sandboxes/${sb.id}/snapshots`)).json, { data: [{ name: 's1' }] });
  });
});

describe('reset', () => {
  it('also forgets rate-limit windows, usage, the clock, faults and the request log', async () => {
    const sb = await createSandbox();
    const me = sb.creds.users[3];
    const seen: (TwitterRateLimit | undefined)[] = [];
    const client = v2User(sb.creds, me, rateLimitRecorder(seen));
    const [tweet] = await unlikedTweets(sb.creds, sb.creds.app.bearerToken, me.id, 1);
    for (let i = 0; i < 50; i++) await client.v2.like(me.id, tweet);
    assert.equal((await responseError(client.v2.like(me.id, tweet))).code, 429);
    await addFault(sb.id, { endpoint: 'liking_users', action: 'unavailable' });
    await moveClock(sb.id, { now: '2030-01-01T00:00:00Z' });
    assert.equal((await responseError(client.v2.tweetLikedBy(tweet))).code, 503);
    assert.ok((await admin('GET', `/sandboxes/${sb.id}/usage`)).json.data.length > 0);
    assert.ok((await requestLog(sb.id, 100, (data) => data.length >= 53)).data.length >= 53);

    assert.equal((await admin('POST', `/sandboxes/${sb.id}/reset`)).status, 200);
    assert.ok(Math.abs((await clockOf(sb.id)) - Date.now()) < 5_000, 'real time again');
    assert.deepEqual((await admin('GET', `/sandboxes/${sb.id}/faults`)).json, { data: [] });
    assert.deepEqual((await admin('GET', `/sandboxes/${sb.id}/usage`)).json.data, []);
    assert.deepEqual((await admin('GET', `/sandboxes/${sb.id}/requests`)).json, { data: [] });
    // A fresh window: the like is counted as the first of 50.
    assert.deepEqual(await client.v2.like(me.id, tweet), { data: { liked: true } });
    assert.equal(seen.at(-1)?.remaining, 49);
    assert.equal((await client.v2.tweetLikedBy(tweet)).data[0].id, me.id);
  });
});

// ---- 3. the clock ----

describe('the sandbox clock', () => {
  it('advanced by 15 minutes ends a 429 window with no sleeping; new likes are timed by it', async () => {
    const sb = await createSandbox();
    const me = sb.creds.users[3];
    const seen: (TwitterRateLimit | undefined)[] = [];
    const client = v2User(sb.creds, me, rateLimitRecorder(seen));
    const [tweet, early, late] = await unlikedTweets(sb.creds, sb.creds.app.bearerToken, me.id, 3);

    const start = await clockOf(sb.id);
    assert.ok(Math.abs(start - Date.now()) < 5_000, 'a new sandbox runs on real time');
    // The like endpoint's per-user window (classic tier): 50 per 15 minutes. Liking a liked Tweet counts too.
    for (let i = 0; i < 50; i++) assert.deepEqual(await client.v2.like(me.id, tweet), { data: { liked: true } });
    assert.equal(seen.length, 50);
    assert.equal(seen[0]?.limit, 50);
    assert.equal(seen[49]?.remaining, 0);
    const refused = await responseError(client.v2.like(me.id, tweet));
    assert.equal(refused.code, 429);
    assert.equal(refused.rateLimitError, true);
    assert.deepEqual(refused.data, { title: 'Too Many Requests', type: 'about:blank', status: 429, detail: 'Too Many Requests' });
    const header = Number(refused.response.headers['x-rate-limit-reset']);
    assert.equal(refused.rateLimit?.reset, header);
    assert.equal(refused.rateLimit?.remaining, 0);
    assert.ok(header * 1000 >= start + 899_000 && header * 1000 <= Date.now() + 901_000, `reset ${header} is 15 minutes after the first like`);
    // Still refused a moment later: the window is real.
    assert.equal((await responseError(client.v2.like(me.id, tweet))).code, 429);

    const moved = await moveClock(sb.id, { advance_seconds: 900 });
    assert.ok(moved >= start + 900_000, 'POST clock answers the new time');
    assert.ok(moved >= header * 1000 - 1000, 'past the window\'s reset (the header rounds up to the second)');
    const read = await clockOf(sb.id);
    assert.ok(read >= moved && read - moved < 5_000, 'GET clock shows it');

    assert.deepEqual(await client.v2.like(me.id, tweet), { data: { liked: true } });
    const fresh = seen.at(-1)!;
    assert.equal(fresh.remaining, 49, 'a new window');
    assert.ok(fresh.reset * 1000 >= moved + 899_000, 'whose reset is 15 minutes of sandbox time later');

    // The time of a new like is the sandbox's: liked at "now" it is the newest; liked with the clock set back to
    // 2021 it is older than every demo like (all from 2026).
    const other = sb.creds.users[4];
    const otherClient = v2User(sb.creds, other);
    const [newest, oldest] = [late, early];
    await otherClient.v2.like(other.id, newest);
    const back = await moveClock(sb.id, { now: '2021-06-01T00:00:00Z' });
    assert.equal(back, Date.parse('2021-06-01T00:00:00Z'));
    const readBack = await clockOf(sb.id);
    assert.ok(readBack >= back && readBack - back < 5_000);
    await otherClient.v2.like(other.id, oldest);
    const likes = await likedIds(sb.creds.app.bearerToken, other.id);
    assert.equal(likes[0], newest);
    assert.equal(likes.at(-1), oldest, `a like made in 2021 sorts last: ${likes.join(',')}`);
    const oldestLikers = await likerIds(sb.creds.app.bearerToken, oldest);
    assert.equal(oldestLikers.at(-1), other.id);
  });
  it('stamps a fault added right after a clock move with the moved time, not the time before it', async () => {
    const sb = await createSandbox('empty');
    const moved = await moveClock(sb.id, { advance_seconds: 30 * 86_400 });
    const fault = await addFault(sb.id, { endpoint: 'like', action: 'drop' });
    const stamped = Date.parse(fault.created_at);
    assert.ok(stamped >= moved && stamped - moved < 60_000, `created_at ${fault.created_at} follows the clock moved to ${new Date(moved).toISOString()}`);
  });
});

// ---- 4. an injected 429 through twitter-api-v2's rate-limit handling ----

describe('an injected rate_limit fault', () => {
  it('is the 429 twitter-api-v2 sees from X: rateLimitError, remaining 0, a reset ahead', async () => {
    const sb = await createSandbox();
    const me = sb.creds.users[1];
    const client = v2User(sb.creds, me);
    // A normal answer first: twitter-api-v2 keeps the rate limit it saw per endpoint URL.
    await client.v2.userLikedTweets(me.id, { max_results: 5 });
    // twitter-api-v2 keys what it saw by the endpoint's URL template.
    const url = `${server.baseUrl}/2/users/:id/liked_tweets`;
    assert.equal(client.v2.getLastRateLimitStatus(url)?.limit, 75);
    assert.equal(client.v2.hasHitRateLimit(url), false);

    await addFault(sb.id, { endpoint: 'liked_tweets', action: 'rate_limit' });
    const before = Date.now();
    const error = await responseError(client.v2.userLikedTweets(me.id, { max_results: 5 }));
    assert.equal(error.code, 429);
    assert.equal(error.rateLimitError, true);
    assert.equal(error.isAuthError, false);
    assert.deepEqual(error.data, { title: 'Too Many Requests', type: 'about:blank', status: 429, detail: 'Too Many Requests' });
    const limit = error.rateLimit!;
    assert.ok(limit, 'the error carries the rate limit');
    assert.equal(limit.limit, 75, 'the liked_tweets user window of the classic tier');
    assert.equal(limit.remaining, 0);
    assert.ok(limit.reset * 1000 > before, 'reset is in the future');
    assert.ok(limit.reset * 1000 <= before + 15 * 60 * 1000 + 1000, 'within the 15-minute window');
    assert.equal(limit.reset % 900, 0, 'at the end of the current quarter hour');
    assert.equal(error.response.headers['x-rate-limit-remaining'], '0');
    // The package's own bookkeeping (what its rate-limit plugin reads) now says the endpoint is exhausted.
    assert.deepEqual(client.v2.getLastRateLimitStatus(url), limit);
    assert.equal(client.v2.hasHitRateLimit(url), true);
    assert.equal(client.v2.isRateLimitStatusObsolete(url), false);

    // X's own SDK too: a 429 with the headers it would wait on.
    const sdkError = (await rejection(sdkApp(sb.creds).tweets.usersIdLikedTweets(me.id))) as Json;
    assert.equal(sdkError.status, 429);
    assert.equal(sdkError.headers['x-rate-limit-remaining'], '0');
    assert.ok(Number(sdkError.headers['x-rate-limit-reset']) * 1000 > Date.now());

    // The inspector names the fault; removing it ends it.
    const log = await requestLog(sb.id, 2, (data) => data.every((e) => e.status === 429));
    assert.deepEqual(log.data.map((e) => [e.status, e.fault]), [[429, 'rate_limit'], [429, 'rate_limit']]);
    // Refused requests are not billed: only the first answer is in the usage ledger.
    const billed = (await admin('GET', `/sandboxes/${sb.id}/usage`)).json.totals;
    assert.deepEqual([billed.requests, billed.posts_read], [1, 5]);
    assert.deepEqual((await admin('DELETE', `/sandboxes/${sb.id}/faults`)).json, { removed: 1 });
    const ok = await client.v2.userLikedTweets(me.id, { max_results: 5 });
    assert.ok(ok.tweets.length > 0);
  });
});

// ---- 5. X's error documents, times, user_id, no data change ----

describe('injected error faults', () => {
  it('usage_capped, unavailable and server_error are X\'s documents through the SDKs', async () => {
    const sb = await createSandbox();
    const me = sb.creds.users[1];
    const client = v2User(sb.creds, me);
    const expected: Record<string, { status: number; body: Json }> = {
      usage_capped: {
        status: 429,
        body: {
          account_id: sb.creds.project.id,
          product_name: 'standard-basic',
          title: 'UsageCapExceeded',
          period: 'Monthly',
          scope: 'Product',
          detail: 'Usage cap exceeded: Monthly product cap',
          type: `${PROBLEMS}usage-capped`,
        },
      },
      unavailable: { status: 503, body: { title: 'Service Unavailable', type: 'about:blank', status: 503, detail: 'Service Unavailable' } },
      server_error: {
        status: 500,
        body: {
          title: 'Internal Server Error',
          detail:
            'Something is broken. This is usually a temporary error, for example in a high load situation or if an endpoint is temporarily having issues. Check in the developer forums in case others are having similar issues, or try again later. ',
          type: 'about:blank',
          status: 500,
        },
      },
    };
    for (const [action, { status, body }] of Object.entries(expected)) {
      const fault = await addFault(sb.id, { endpoint: '*', action });
      for (const [what, call] of [
        ['liked_tweets', () => client.v2.userLikedTweets(me.id)],
        ['liking_users', () => client.v2.tweetLikedBy(sb.creds.popularTweetId)],
      ] as const) {
        const error = await responseError(call());
        assert.equal(error.code, status, `${action} ${what}`);
        assert.deepEqual(error.data, body, `${action} ${what}`);
        assert.equal(error.rateLimitError, status === 429, `${action} ${what}`);
      }
      if (action === 'usage_capped') {
        // X's usage-capped 429 carries the request's own rate-limit headers: the window is not what ran out.
        const capped = await responseError(client.v2.userLikedTweets(me.id));
        assert.ok(capped.rateLimit && capped.rateLimit.remaining > 0, JSON.stringify(capped.rateLimit));
        assert.equal(capped.rateLimit.limit, 75);
      }
      const sdkError = (await rejection(sdkUser(sb.creds, me).tweets.usersIdLikedTweets(me.id))) as Json;
      assert.equal(sdkError.status, status, action);
      assert.deepEqual(sdkError.error, body, action);
      assert.equal((await admin('DELETE', `/sandboxes/${sb.id}/faults/${fault.id}`)).status, 204);
      assert.equal((await admin('DELETE', `/sandboxes/${sb.id}/faults/${fault.id}`)).status, 404, 'gone');
    }
    assert.ok((await client.v2.userLikedTweets(me.id)).tweets.length > 0);
  });

  it('times: 2 applies exactly twice; user_id only to that user; a faulted like changes no data', async () => {
    const sb = await createSandbox();
    const [me, other] = [sb.creds.users[1], sb.creds.users[3]];
    const bearer = sb.creds.app.bearerToken;
    const client = v2User(sb.creds, me);
    const otherClient = v2User(sb.creds, other);

    const twice = await addFault(sb.id, { endpoint: 'liked_tweets', action: 'unavailable', times: 2 });
    assert.equal(twice.times_remaining, 2);
    assert.equal((await responseError(client.v2.userLikedTweets(me.id))).code, 503);
    assert.deepEqual((await admin('GET', `/sandboxes/${sb.id}/faults`)).json.data.map((f: Json) => f.times_remaining), [1]);
    assert.equal((await responseError(client.v2.userLikedTweets(me.id))).code, 503);
    for (let i = 0; i < 3; i++) assert.ok((await client.v2.userLikedTweets(me.id)).tweets.length > 0, `normal answer ${i + 1}`);
    assert.deepEqual((await admin('GET', `/sandboxes/${sb.id}/faults`)).json.data, [], 'used up');
    // Requests racing for the same fault: still exactly twice.
    await addFault(sb.id, { endpoint: 'liking_users', action: 'unavailable', times: 2 });
    const raced = await Promise.allSettled(Array.from({ length: 8 }, () => v2App(sb.creds).v2.tweetLikedBy(sb.creds.popularTweetId)));
    const failed = raced.filter((r) => r.status === 'rejected');
    assert.equal(failed.length, 2, JSON.stringify(raced.map((r) => r.status)));
    for (const f of failed) assert.equal(((f as PromiseRejectedResult).reason as ApiResponseError).code, 503);

    // A fault for one user: that user's requests only (not another user's, not app-only ones).
    await addFault(sb.id, { endpoint: '*', user_id: me.id, action: 'server_error' });
    assert.equal((await responseError(client.v2.userLikedTweets(me.id))).code, 500);
    assert.equal((await responseError(client.v2.tweetLikedBy(sb.creds.popularTweetId))).code, 500);
    assert.ok((await otherClient.v2.userLikedTweets(me.id)).tweets.length > 0);
    assert.ok((await v2App(sb.creds).v2.userLikedTweets(me.id)).tweets.length > 0);

    // A faulted like (and unlike) changes nothing.
    const [tweet] = await unlikedTweets(sb.creds, bearer, me.id, 1);
    const likersBefore = await likerIds(bearer, tweet);
    const likedBefore = await likedIds(bearer, me.id);
    assert.equal((await responseError(client.v2.like(me.id, tweet))).code, 500);
    await addFault(sb.id, { endpoint: 'like', user_id: other.id, action: 'usage_capped' });
    const capped = await responseError(otherClient.v2.like(other.id, tweet));
    assert.equal(capped.code, 429);
    assert.equal(capped.data.title, 'UsageCapExceeded');
    assert.equal((await responseError(client.v2.unlike(me.id, likedBefore[0]))).code, 500);
    assert.deepEqual(await likerIds(bearer, tweet), likersBefore);
    assert.deepEqual(await likedIds(bearer, me.id), likedBefore);
    assert.ok(!(await likedIds(bearer, other.id)).includes(tweet));
    // The other user's unlike is not faulted (the usage_capped fault names `like` only).
    assert.deepEqual(await otherClient.v2.unlike(other.id, tweet), { data: { liked: false } });

    assert.deepEqual((await admin('DELETE', `/sandboxes/${sb.id}/faults`)).json, { removed: 2 });
    assert.deepEqual(await client.v2.like(me.id, tweet), { data: { liked: true } });
    assert.equal((await likerIds(bearer, tweet))[0], me.id);
  });
});

// ---- 6. drop and delay ----

describe('drop and delay faults', () => {
  it('a drop is a connection error to the client; a delay answers late, normally', async () => {
    const sb = await createSandbox();
    const me = sb.creds.users[1];
    const path = `/2/users/${me.id}/liked_tweets?max_results=5`;
    const bearer = sb.creds.app.bearerToken;
    const normal = await rawGet(path, bearer);
    assert.equal(normal.status, 200);

    await addFault(sb.id, { endpoint: 'liked_tweets', action: 'drop', times: 3 });
    const fetched = await rejection(fetch(`${server.baseUrl}${path}`, { headers: { authorization: `Bearer ${bearer}` } }));
    assert.ok(fetched instanceof TypeError, `fetch rejects: ${String(fetched)}`);
    const sdk = await rejection(v2App(sb.creds).v2.userLikedTweets(me.id, { max_results: 5 }));
    assert.ok(sdk instanceof ApiRequestError, `twitter-api-v2 reports a request error, not a response: ${String(sdk)}`);
    assert.ok(!(sdk instanceof ApiResponseError));
    const xsdk = (await rejection(sdkApp(sb.creds).tweets.usersIdLikedTweets(me.id, { max_results: 5 }))) as Json;
    assert.equal(xsdk.status, undefined, 'no HTTP status');
    assert.equal(xsdk.name, 'FetchError', String(xsdk));
    // Used up: answers again.
    assert.deepEqual((await rawGet(path, bearer)).bytes, normal.bytes);

    await addFault(sb.id, { endpoint: 'liked_tweets', action: 'delay', delay_ms: 300 });
    const t0 = performance.now();
    const late = await rawGet(path, bearer);
    const elapsed = performance.now() - t0;
    assert.equal(late.status, 200);
    assert.deepEqual(late.bytes, normal.bytes, 'the normal answer');
    assert.ok(elapsed >= 280, `answered after ${elapsed} ms`);
    const responseTime = late.headers.get('x-response-time') ?? '';
    assert.match(responseTime, /^\d+$/, 'x-response-time: whole milliseconds');
    assert.ok(Number(responseTime) >= 295 && Number(responseTime) <= elapsed + 1, `x-response-time ${responseTime} ms counts the delay`);
    assert.ok(Number(normal.headers.get('x-response-time')) < 295, 'an answer without the delay says so');
    const t1 = performance.now();
    const viaSdk = await v2User(sb.creds, me).v2.userLikedTweets(me.id, { max_results: 5 });
    assert.ok(performance.now() - t1 >= 280);
    assert.equal(viaSdk.tweets.length, 5);
    // The inspector shows the delay in the request's own time; once removed, requests are not delayed.
    assert.deepEqual((await admin('DELETE', `/sandboxes/${sb.id}/faults`)).json, { removed: 1 });
    assert.equal((await rawGet(path, bearer)).status, 200);
    const log = await requestLog(sb.id, 3, (data) => data.length === 3 && data[0].fault === undefined);
    assert.deepEqual(log.data.map((e) => e.fault), [undefined, 'delay', 'delay']);
    assert.ok(log.data[1].duration_ms >= 280 && log.data[2].duration_ms >= 280, 'delayed requests took the delay');
  });
});

// ---- 7. a refused OAuth 1.0a signature in the inspector ----

/** RFC 3986 percent-encoding (RFC 5849 §3.6). */
const enc = (s: string) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

/** RFC 5849 §3.4.1: the signature base string of `method url` with the OAuth header's parameters. */
function specBaseString(method: string, url: string, oauth: [string, string][]): string {
  const u = new URL(url);
  const defaultPort = u.port === '' || (u.protocol === 'http:' && u.port === '80') || (u.protocol === 'https:' && u.port === '443');
  const baseUri = `${u.protocol}//${u.hostname.toLowerCase()}${defaultPort ? '' : `:${u.port}`}${u.pathname}`;
  const pairs = [...u.searchParams, ...oauth]
    .map(([k, v]) => [enc(k), enc(v)])
    .sort(([ak, av], [bk, bv]) => (ak < bk ? -1 : ak > bk ? 1 : av < bv ? -1 : av > bv ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
  return `${method.toUpperCase()}&${enc(baseUri)}&${enc(pairs)}`;
}

/** The parameters of an `OAuth k="v", …` header, decoded. */
function oauthHeaderParams(header: string): [string, string][] {
  assert.match(header, /^OAuth /);
  return [...header.slice(6).matchAll(/([A-Za-z0-9_%.-]+)="([^"]*)"/g)].map((m) => [decodeURIComponent(m[1]), decodeURIComponent(m[2])]);
}

describe('the request inspector', () => {
  it('shows a refused OAuth 1.0a signature: bad-signature, the base string per host, never a secret', async () => {
    const sb = await createSandbox();
    const me = sb.creds.users[1];
    const wrongSecret = 'wrong-consumer-secret-7f3c9a1e5d';
    let sent: { url: string; authorization: string } | undefined;
    const capture: ITwitterApiClientPlugin = {
      onBeforeRequest({ computedParams, requestOptions }) {
        const headers = requestOptions.headers as Record<string, string>;
        sent = { url: computedParams.url.href, authorization: headers.Authorization ?? headers.authorization };
      },
    };
    const client = v2User({ app: { ...sb.creds.app, consumerSecret: wrongSecret } }, me, capture);
    const refused = await responseError(client.v2.userLikedTweets(me.id, { max_results: 5, 'tweet.fields': ['created_at', 'author_id'] }));
    assert.equal(refused.code, 401);
    assert.ok(sent, 'the request was captured');

    const log = await requestLog(sb.id, 1, (data) => data[0]?.status === 401);
    const [entry] = log.data;
    assert.equal(entry.status, 401);
    assert.equal(entry.method, 'GET');
    assert.equal(entry.path, `/2/users/${me.id}/liked_tweets`);
    assert.equal(entry.auth.scheme, 'oauth1');
    assert.equal(entry.auth.verdict, 'refused');
    assert.equal(entry.auth.reason, 'bad-signature');
    const diagnosis = entry.auth.oauth1 as Json;
    assert.equal(diagnosis.consumer_key, sb.creds.app.consumerKey);
    assert.equal(diagnosis.token, me.accessToken);

    // One base string per host form: the request as received, and X's two hosts.
    const received = new URL(sent.url);
    const path = received.pathname;
    const hosts = (diagnosis.base_strings as Json[]).map((b) => b.base_url);
    for (const form of [`${server.baseUrl}${path}`, `https://api.x.com${path}`, `https://api.twitter.com${path}`]) {
      assert.ok(hosts.includes(form), `${form} in ${hosts.join(', ')}`);
    }
    assert.equal(hosts[0], `${server.baseUrl}${path}`, 'the request as received first');

    // The received host's base string is RFC 5849's, computed here from what the client sent; and it is what the
    // client signed (its signature is this base string's HMAC with the secrets it holds).
    const oauth = oauthHeaderParams(sent.authorization);
    const signature = oauth.find(([k]) => k === 'oauth_signature')![1];
    const signed = oauth.filter(([k]) => k !== 'oauth_signature' && k !== 'realm');
    const expected = specBaseString('GET', sent.url, signed);
    const receivedBase = (diagnosis.base_strings as Json[]).find((b) => b.base_url === `${server.baseUrl}${path}` && !b.repeats_once);
    assert.equal(receivedBase?.base_string, expected);
    const hmac = (secret: string) => createHmac('sha1', `${enc(secret)}&${enc(me.accessTokenSecret)}`).update(expected).digest('base64');
    assert.equal(hmac(wrongSecret), signature, 'the client signed this base string');
    // The X host forms differ only in the base URL.
    const xBase = (diagnosis.base_strings as Json[]).find((b) => b.base_url === `https://api.x.com${path}` && !b.repeats_once);
    assert.equal(xBase?.base_string, specBaseString('GET', `https://api.x.com${path}${received.search}`, signed));
    // The parameters as encoded, without the signature.
    const names = (diagnosis.parameters as Json[]).map((p) => p.name);
    for (const name of ['max_results', 'tweet.fields', 'oauth_consumer_key', 'oauth_nonce', 'oauth_timestamp', 'oauth_token']) assert.ok(names.includes(name), name);
    assert.ok(!names.includes('oauth_signature'));

    // No secret, nor what the server expected, anywhere in the JSON.
    const rightSignature = hmac(sb.creds.app.consumerSecret);
    for (const secret of [sb.creds.app.consumerSecret, wrongSecret, me.accessTokenSecret, rightSignature, signature]) {
      for (const spelling of [secret, enc(secret), enc(enc(secret))]) assert.ok(!log.text.includes(spelling), `${spelling} in the inspector`);
    }

    // The same request signed with the right secret is accepted, and shown so.
    await v2User(sb.creds, me).v2.userLikedTweets(me.id, { max_results: 5 });
    const [ok] = (await requestLog(sb.id, 1, (data) => data[0]?.status === 200)).data;
    assert.deepEqual([ok.status, ok.auth], [200, { scheme: 'oauth1', verdict: 'accepted' }]);
    assert.equal(ok.user_id, me.id);
  });

  it('names the App and user of a refused OAuth 1.0a signature', async () => {
    // The verifier found the App (consumer key) and the user's token (of that App) before it checked the signature,
    // and AuthRefusal.app_id/user_id are "the App and user the credentials named, where the refusal came after
    // finding them" (as an expired OAuth 2.0 token or a suspended user's refusal carries them).
    const sb = await createSandbox();
    const me = sb.creds.users[1];
    const client = v2User({ app: { ...sb.creds.app, consumerSecret: 'wrong-consumer-secret-7f3c9a1e5d' } }, me);
    assert.equal((await responseError(client.v2.userLikedTweets(me.id))).code, 401);
    const [signatureRefused] = (await requestLog(sb.id, 1, (data) => data[0]?.status === 401)).data;
    assert.equal(signatureRefused.auth.reason, 'bad-signature');
    assert.deepEqual([signatureRefused.app_id, signatureRefused.user_id], [sb.creds.app.id, me.id]);
  });
});

// ---- 8. costs ----

describe('the usage ledger', () => {
  it('adds up a scripted run with X\'s prices, deduplicated per App per UTC day of the sandbox clock', async () => {
    const sb = await createSandbox();
    const heavy = sb.creds.heavyLikerUserId;
    const me = sb.creds.users[3];
    // Tweets to like, found by reading; then reset, which forgets that read (and the clock).
    const [t1, t2] = await unlikedTweets(sb.creds, sb.creds.app.bearerToken, me.id, 2);
    assert.equal((await admin('GET', `/sandboxes/${sb.id}/usage`)).json.data.length, 1);
    assert.equal((await admin('POST', `/sandboxes/${sb.id}/reset`)).status, 200);
    assert.deepEqual((await admin('GET', `/sandboxes/${sb.id}/usage`)).json.data, []);
    // A fixed instant of the sandbox's time: the day rows are known whatever time the test runs.
    await moveClock(sb.id, { now: '2027-03-15T12:00:00Z' });
    const app = v2App(sb.creds);
    const user = v2User(sb.creds, me);
    const posts: string[] = [];
    const users: string[] = [];
    const collect = (body: Json, kind: 'posts' | 'users') => {
      for (const x of body.data ?? []) (kind === 'posts' ? posts : users).push(x.id);
      for (const t of body.includes?.tweets ?? []) posts.push(t.id);
      for (const u of body.includes?.users ?? []) users.push(u.id);
    };

    // Three liked_tweets pages of 5, the first read again.
    const page1 = await app.v2.userLikedTweets(heavy, { max_results: 5 });
    collect(page1.data, 'posts');
    const page2 = await app.v2.userLikedTweets(heavy, { max_results: 5, pagination_token: page1.meta.next_token });
    collect(page2.data, 'posts');
    const page3 = await app.v2.userLikedTweets(heavy, { max_results: 5, pagination_token: page2.meta.next_token });
    collect(page3.data, 'posts');
    const again = await app.v2.userLikedTweets(heavy, { max_results: 5 });
    collect(again.data, 'posts');
    assert.equal(posts.length, 20);
    assert.equal(new Set(posts).size, 15);
    // Two likes, one unlike.
    await user.v2.like(me.id, t1);
    await user.v2.like(me.id, t2);
    await user.v2.unlike(me.id, t2);
    // One liking_users call, with the likers' pinned Tweets as includes (resources too).
    const likers = await user.v2.tweetLikedBy(sb.creds.popularTweetId, { max_results: 20, expansions: ['pinned_tweet_id'] });
    collect(likers, 'users');
    assert.equal(likers.data.length, 20);
    assert.ok((likers.includes?.tweets?.length ?? 0) > 0, 'some likers have a pinned Tweet: includes are billed too');
    // Reads through the inspector's own route, /2/usage/tweets, are not priced.
    await app.v2.usage();

    const distinctPosts = new Set(posts).size;
    const distinctUsers = new Set(users).size;
    const micro = { post: 5_000, user: 10_000, like: 15_000, unlike: 10_000 };
    const cost = (p: number, u: number, likes: number, unlikes: number) => {
      const c = { posts: p * micro.post, users: u * micro.user, writes: likes * micro.like + unlikes * micro.unlike };
      return { posts: c.posts / 1e6, users: c.users / 1e6, writes: c.writes / 1e6, total: (c.posts + c.users + c.writes) / 1e6 };
    };
    const usage = await admin('GET', `/sandboxes/${sb.id}/usage`);
    assert.equal(usage.status, 200, usage.text);
    assert.deepEqual(usage.json.prices.per_resource, { posts_read: 0.005, user_read: 0.01 });
    assert.deepEqual(usage.json.prices.per_request, { user_interaction_create: 0.015, interaction_delete: 0.01 });
    assert.equal(usage.json.currency, 'USD');
    const day1 = {
      app_id: sb.creds.app.id,
      day: '2027-03-15',
      requests: 8,
      requests_by_endpoint: { liked_tweets: 4, liking_users: 1, like: 2, unlike: 1, events: 0 },
      writes: 3,
      posts_read: posts.length,
      posts_billable: distinctPosts,
      users_read: users.length,
      users_billable: distinctUsers,
      cost_usd: cost(distinctPosts, distinctUsers, 2, 1),
    };
    assert.deepEqual(usage.json.data, [day1]);
    const { app_id: _app, day: _day, ...day1Totals } = day1;
    assert.deepEqual(usage.json.totals, day1Totals);
    // 15 Posts at $0.005, 3 writes at $0.015 + $0.015 + $0.010: figures a developer can check by hand.
    assert.equal(day1.cost_usd.writes, 0.04);
    assert.ok(Math.abs(day1.cost_usd.posts - (distinctPosts * 0.005)) < 1e-12);

    // A day later (sandbox time), the same Posts are billable again, on a row of their own.
    await moveClock(sb.id, { advance_seconds: 86_400 });
    const nextDay = await app.v2.userLikedTweets(heavy, { max_results: 5 });
    assert.deepEqual(nextDay.tweets.map((t) => t.id), page1.tweets.map((t) => t.id));
    const later = await admin('GET', `/sandboxes/${sb.id}/usage`);
    assert.equal(later.json.data.length, 2);
    assert.deepEqual(later.json.data[0], day1, 'the first day is as it was');
    assert.deepEqual(later.json.data[1], {
      app_id: sb.creds.app.id,
      day: '2027-03-16',
      requests: 1,
      requests_by_endpoint: { liked_tweets: 1, liking_users: 0, like: 0, unlike: 0, events: 0 },
      writes: 0,
      posts_read: 5,
      posts_billable: 5,
      users_read: 0,
      users_billable: 0,
      cost_usd: cost(5, 0, 0, 0),
    });
    assert.equal(later.json.totals.posts_billable, distinctPosts + 5);
    assert.equal(later.json.totals.requests, 9);
    const totalMicro = (distinctPosts + 5) * micro.post + distinctUsers * micro.user + 2 * micro.like + micro.unlike;
    assert.equal(later.json.totals.cost_usd.total, totalMicro / 1e6);

    // Reset forgets the ledger.
    await admin('POST', `/sandboxes/${sb.id}/reset`);
    assert.deepEqual((await admin('GET', `/sandboxes/${sb.id}/usage`)).json.data, []);
  });
});

// ---- 9. delete ----

describe('deleting a sandbox', () => {
  it('refuses its credentials (401), 404s its id, drops it from the list', async () => {
    const sb = await createSandbox();
    const keep = await createSandbox();
    const me = sb.creds.users[1];
    assert.ok((await v2User(sb.creds, me).v2.userLikedTweets(me.id, { max_results: 5 })).tweets.length > 0);
    assert.ok((await admin('GET', '/sandboxes')).json.data.some((s: Json) => s.id === sb.id));

    const deleted = await admin('DELETE', `/sandboxes/${sb.id}`);
    assert.equal(deleted.status, 204);
    assert.equal(deleted.text, '');

    for (const [what, call] of [
      ['oauth1', () => v2User(sb.creds, me).v2.userLikedTweets(me.id)],
      ['bearer', () => v2App(sb.creds).v2.tweetLikedBy(sb.creds.popularTweetId)],
      ['bearer usage', () => v2App(sb.creds).v2.usage()],
      ['oauth1 like', () => v2User(sb.creds, me).v2.like(me.id, sb.creds.tweets[0].id)],
    ] as const) {
      const error = await responseError(call());
      assert.equal(error.code, 401, what);
      assert.equal(error.data.title, 'Unauthorized', what);
    }
    const viaSdk = (await rejection(sdkUser(sb.creds, me).tweets.usersIdLikedTweets(me.id))) as Json;
    assert.equal(viaSdk.status, 401);

    for (const [method, path] of [
      ['GET', ''], ['DELETE', ''], ['POST', '/reset'], ['GET', '/clock'], ['GET', '/faults'], ['GET', '/requests'],
      ['GET', '/usage'], ['GET', '/snapshots'],
    ] as const) {
      const res = await admin(method, `/sandboxes/${sb.id}${path}`);
      assert.equal(res.status, 404, `${method} ${path}`);
      assert.equal(res.json.title, 'Not Found');
    }
    const list = (await admin('GET', '/sandboxes')).json.data.map((s: Json) => s.id);
    assert.equal((await admin('DELETE', '/sandboxes/default')).status, 409, 'the default world cannot be deleted');
    assert.ok(!list.includes(sb.id));
    assert.ok(list.includes(keep.id) && list.includes('default'));
    // The other sandbox is untouched.
    assert.ok((await v2User(keep.creds, keep.creds.users[1]).v2.userLikedTweets(me.id, { max_results: 5 })).tweets.length > 0);
  });
});

// ---- 10. the empty seed ----

describe('an empty sandbox', () => {
  it('has the token holders and their credentials, and no Tweets or likes', async () => {
    const sb = await createSandbox('empty');
    assert.equal(sb.creds.users.length, 5);
    assert.deepEqual(sb.creds.tweets, []);
    assert.deepEqual(sb.creds.deletedTweetIds, []);
    const summary = await admin('GET', `/sandboxes/${sb.id}`);
    assert.equal(summary.json.data.seed, 'empty');

    const me = sb.creds.users[1];
    // X's answer for a user with no likes: meta.result_count 0 and nothing else.
    const page = await sdkUser(sb.creds, me).tweets.usersIdLikedTweets(me.id);
    assert.deepEqual(page, { meta: { result_count: 0 } });
    const raw = await rawGet(`/2/users/${me.id}/liked_tweets`, me.oauth2AccessToken);
    assert.equal(raw.status, 200);
    assert.deepEqual(JSON.parse(raw.bytes.toString()), { meta: { result_count: 0 } });
    const v1 = await v2User(sb.creds, me).v2.userLikedTweets(me.id);
    assert.deepEqual(v1.tweets, []);
    assert.equal(v1.meta.result_count, 0);

    // No Tweets: a demo Tweet is not found here, cannot be liked.
    const demoTweet = server.creds.tweets[0].id;
    const likers = await v2App(sb.creds).v2.tweetLikedBy(demoTweet);
    assert.equal(likers.data, undefined);
    assert.equal(likers.errors?.[0]?.title, 'Not Found Error');
    const like = await responseError(v2User(sb.creds, me).v2.like(me.id, demoTweet));
    assert.equal(like.code, 400);
    // And the users are there: a user of the demo world that is no token holder is not.
    const stranger = await v2App(sb.creds).v2.userLikedTweets('1234567890123456789');
    assert.equal(stranger.tweets.length, 0);
    assert.equal(stranger.errors[0]?.title, 'Not Found Error');
  });
});

// ---- 11. bad control requests ----

describe('bad control requests', () => {
  const assertBadRequest = (res: AdminAnswer, what: string) => {
    assert.equal(res.status, 400, `${what}: ${res.text}`);
    assert.match(res.headers.get('content-type') ?? '', /json/, what);
    assert.equal(res.json.title, 'Invalid Request', what);
    assert.equal(res.json.status, 400, what);
    assert.equal(res.json.type, 'about:blank', what);
    assert.equal(typeof res.json.detail, 'string', what);
  };

  it('get the control API\'s 400 JSON, and unknown sandbox ids a 404', async () => {
    const sb = await createSandbox();
    const before = (await admin('GET', '/sandboxes')).json.data.length;
    for (const body of [{ seed: 'bogus' }, { seed: 7 }, { seed: 'demo', extra: 1 }, '[1]', '{not json']) {
      assertBadRequest(await admin('POST', '/sandboxes', body), `seed ${JSON.stringify(body)}`);
    }
    assert.equal((await admin('GET', '/sandboxes')).json.data.length, before, 'no sandbox made');

    for (const body of [
      { endpoint: 'liked_tweets', action: 'explode' },
      { endpoint: 'nowhere', action: 'drop' },
      { action: 'drop' },
      { endpoint: 'like', action: 'delay' },
      { endpoint: 'like', action: 'delay', delay_ms: 0 },
      { endpoint: 'like', action: 'drop', delay_ms: 10 },
      { endpoint: 'like', action: 'drop', times: 0 },
      { endpoint: 'like', action: 'drop', probability: 2 },
      { endpoint: 'like', action: 'drop', user_id: 'me' },
    ]) {
      assertBadRequest(await admin('POST', `/sandboxes/${sb.id}/faults`, body), `fault ${JSON.stringify(body)}`);
    }
    assert.deepEqual((await admin('GET', `/sandboxes/${sb.id}/faults`)).json, { data: [] });

    const clockBefore = await clockOf(sb.id);
    for (const body of [{}, { advance_seconds: -1 }, { advance_seconds: '60' }, { now: 'yesterday' }, { now: '2026-02-30T00:00:00Z' },
      { advance_seconds: 1, now: '2027-01-01T00:00:00Z' }, { tick: 1 }]) {
      assertBadRequest(await admin('POST', `/sandboxes/${sb.id}/clock`, body), `clock ${JSON.stringify(body)}`);
    }
    assert.ok((await clockOf(sb.id)) - clockBefore < 5_000, 'the clock did not move');

    for (const body of [{ name: 'has space' }, { name: '_seed' }, { name: '' }, { name: 'x'.repeat(41) }, {}, { name: 3 }]) {
      assertBadRequest(await admin('POST', `/sandboxes/${sb.id}/snapshots`, body), `snapshot ${JSON.stringify(body)}`);
    }
    assert.deepEqual((await admin('GET', `/sandboxes/${sb.id}/snapshots`)).json, { data: [] });
    assertBadRequest(await admin('GET', `/sandboxes/${sb.id}/requests?limit=0`), 'requests limit');
    // The default world has no seed to go back to.
    assert.equal((await admin('POST', '/sandboxes/default/reset')).status, 409);
    // An unknown snapshot, fault: 404.
    assert.equal((await admin('POST', `/sandboxes/${sb.id}/snapshots/nope/restore`)).status, 404);
    assert.equal((await admin('DELETE', `/sandboxes/${sb.id}/faults/AAAAAAAA`)).status, 404);

    for (const id of ['sbzzzzzzzzzz', 'nope']) {
      for (const [method, path, body] of [
        ['GET', '', undefined], ['DELETE', '', undefined], ['POST', '/reset', undefined], ['GET', '/clock', undefined],
        ['POST', '/clock', { advance_seconds: 1 }], ['POST', '/faults', { endpoint: 'like', action: 'drop' }], ['GET', '/faults', undefined],
        ['GET', '/requests', undefined], ['GET', '/usage', undefined], ['POST', '/snapshots', { name: 's1' }],
        ['POST', '/snapshots/s1/restore', undefined],
      ] as const) {
        const res = await admin(method, `/sandboxes/${id}${path}`, body);
        assert.equal(res.status, 404, `${method} ${id}${path}: ${res.text}`);
        assert.equal(res.json.title, 'Not Found');
        assert.equal(res.json.status, 404);
      }
    }
  });
});
