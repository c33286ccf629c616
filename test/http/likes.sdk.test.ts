// X's real client packages against a local server, with only the base URL changed:
// - twitter-api-v2 (PLhery/node-twitter-api-v2 1.29): OAuth 1.0a user context and the app-only bearer, its
//   paginators (async iteration and fetchNext), like/unlike, tweetLikedBy.
//   The package has no base-URL option: every endpoint is prefixed with https://api.x.com/2/ and sent with
//   https.request. A plugin's onBeforeRequestConfig hook rewrites the URL before the request is signed (so the
//   OAuth 1.0a signature names the URL actually used), and the `httpAgent` setting supplies a plain-HTTP agent,
//   which https.request accepts for an http: URL.
// - twitter-api-sdk (X's own TypeScript SDK 1.2.1): `new Client(auth, { base_url })` (its RequestOptions
//   field; `endpoint` is overwritten by each call), with the app bearer and with a user's OAuth 2.0 token
//   (auth.OAuth2User): usersIdLikedTweets, tweetsIdLikingUsers (paginated), usersIdLike, usersIdUnlike.
// Every response body either client received is validated against X's OpenAPI documents.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Client, auth } from 'twitter-api-sdk';
import { ApiResponseError, TwitterApi, type ITwitterApiClientPlugin } from 'twitter-api-v2';
import { sdkSettings } from '../support/clients.ts';
import { assertValidError, assertValidSuccess } from '../support/openapi.ts';
import { serverForSuite, type TestServer } from '../support/harness.ts';
import { storedLikedTweets, storedLikers, unlikedTweet } from '../support/oracle.ts';
import { PROBLEMS } from '../support/problems.ts';

type Json = Record<string, any>;

const UNSUPPORTED_AUTH = {
  title: 'Unsupported Authentication',
  detail:
    'Authenticating with OAuth 2.0 Application-Only is forbidden for this endpoint.  Supported authentication types are [OAuth 1.0a User Context, OAuth 2.0 User Context].',
  type: `${PROBLEMS}unsupported-authentication`,
  status: 403,
};

interface Exchange {
  host: string;
  /** x-access-level of a 200: `read-write` for the demo App's OAuth 1.0a tokens, `read` for app-only. */
  accessLevel?: string;
  method: string;
  path: string;
  status: number;
  body: unknown;
}

/** A twitter-api-v2 plugin that records what came back. */
function recorder(log: Exchange[]): ITwitterApiClientPlugin {
  return {
    onAfterRequest({ computedParams, response }) {
      log.push({
        host: computedParams.url.host,
        accessLevel: String(response.headers['x-access-level'] ?? ''),
        method: computedParams.method,
        path: computedParams.url.pathname,
        status: 200,
        body: response.data,
      });
    },
    onResponseError({ computedParams, error }) {
      log.push({ host: computedParams.url.host, method: computedParams.method, path: computedParams.url.pathname, status: error.code, body: error.data });
    },
  };
}

function v2Client(server: TestServer, log: Exchange[], credentials: 'app' | { accessToken: string; accessTokenSecret: string }): TwitterApi {
  const settings = sdkSettings(server.baseUrl, recorder(log));
  if (credentials === 'app') return new TwitterApi(server.creds.app.bearerToken, settings);
  return new TwitterApi(
    {
      appKey: server.creds.app.consumerKey,
      appSecret: server.creds.app.consumerSecret,
      accessToken: credentials.accessToken,
      accessSecret: credentials.accessTokenSecret,
    },
    settings,
  );
}

/** Validates every recorded exchange: 200 bodies against both OpenAPI files, errors against Problem. */
function assertAllValid(server: TestServer, log: Exchange[], atLeast: number): void {
  assert.ok(log.length >= atLeast, `expected at least ${atLeast} responses, saw ${log.length}`);
  for (const x of log) {
    assert.equal(x.host, new URL(server.baseUrl).host, 'the client talked to the local server');
    if (x.status === 200) assertValidSuccess(x.path, x.method, x.body);
    else assertValidError(x.body);
  }
}

/** Whatever a promise rejects with (fails when it resolves). */
async function rejection(p: Promise<unknown>): Promise<any> {
  try {
    await p;
  } catch (e) {
    return e;
  }
  assert.fail('expected the call to fail');
}

// ---------------------------------------------------------------------------------------------------------

describe('twitter-api-v2 (OAuth 1.0a user context and app-only bearer)', () => {
  const server = serverForSuite();

  it('likes a Tweet, pages through every like exactly once newest first, then unlikes it', async () => {
    const log: Exchange[] = [];
    const me = server.creds.users[0];
    const client = v2Client(server, log, me);
    const tweet = await unlikedTweet(server, [me.id]);
    try {
      assert.deepEqual(await client.v2.like(me.id, tweet), { data: { liked: true } });
      const expected = await storedLikedTweets(server, me.id);
      assert.equal(expected[0], tweet, 'the store has the new like as the newest');

      // Async iteration: the paginator fetches the following pages itself.
      const paginator = await client.v2.userLikedTweets(me.id, { max_results: 100, 'tweet.fields': ['created_at', 'public_metrics'] });
      const iterated: string[] = [];
      for await (const t of paginator) {
        iterated.push(t.id);
        assert.equal(typeof t.public_metrics?.like_count, 'number');
      }
      assert.equal(new Set(iterated).size, iterated.length, 'no Tweet twice');
      assert.deepEqual(iterated, expected, 'every like once, newest like first');
      assert.equal(paginator.done, true);
      assert.equal(paginator.meta.result_count, expected.length);
      assert.ok(expected.length > 300);

      // fetchNext, page by page, keeping the initial max_results.
      const byPage = await client.v2.userLikedTweets(me.id, { max_results: 40 });
      let pages = 1;
      while (!byPage.done) {
        await byPage.fetchNext();
        pages++;
        assert.ok(pages < 20, 'the walk ends');
      }
      assert.deepEqual(byPage.tweets.map((t) => t.id), expected);
      assert.ok(pages >= Math.ceil(expected.length / 40));

      assert.deepEqual(await client.v2.unlike(me.id, tweet), { data: { liked: false } });
      const after = await client.v2.userLikedTweets(me.id, { max_results: 5 });
      assert.ok(!after.tweets.some((t) => t.id === tweet), 'the unliked Tweet is gone');
      assert.deepEqual(after.tweets.map((t) => t.id), expected.slice(1, 6));
    } finally {
      await server.services.store.unlike(me.id, tweet, Date.now());
    }
    assertAllValid(server, log, 15);
    assert.ok(log.every((x) => x.accessLevel === 'read-write'), 'every call went out as OAuth 1.0a user context');
  });

  it('lists liking users with the app bearer, capped at 100 accounts for the popular Tweet', async () => {
    const log: Exchange[] = [];
    const client = v2Client(server, log, 'app');
    const popular = server.creds.popularTweetId;
    const paginator = await client.v2.tweetLikedBy(popular, { asPaginator: true, max_results: 25 });
    const ids: string[] = [];
    for await (const u of paginator) {
      ids.push(u.id);
      assert.deepEqual(Object.keys(u).sort(), ['id', 'name', 'username']);
    }
    assert.equal(new Set(ids).size, ids.length, 'no account twice');
    assert.ok(ids.length <= 100, `at most 100 accounts, got ${ids.length}`);
    const likers = new Set(await storedLikers(server, popular));
    assert.ok(likers.size >= 130);
    assert.ok(ids.length >= 90, `about 100 accounts, got ${ids.length}`);
    for (const id of ids) assert.ok(likers.has(id), `${id} liked the Tweet`);

    // A Tweet with a handful of likers, without a paginator.
    const tweets = await server.services.store.tweetsByIds(server.creds.tweets.map((t) => t.id));
    const quiet = tweets.find((t) => t.likeCount >= 3 && t.likeCount <= 20)!.id;
    const plain = await client.v2.tweetLikedBy(quiet, { 'user.fields': ['created_at', 'protected'] });
    const expected = await storedLikers(server, quiet);
    const users = new Map((await server.services.store.usersByIds(expected)).map((u) => [u.id, u]));
    assert.deepEqual(
      (plain.data ?? []).map((u) => u.id).sort(),
      expected.filter((id) => !users.get(id)!.suspended).sort(),
    );
    for (const u of plain.data ?? []) assert.equal(typeof u.protected, 'boolean');
    assertAllValid(server, log, 5);
    assert.ok(log.every((x) => x.accessLevel === 'read'), 'every call went out app-only');
  });

  it('surfaces X\'s errors: app-only like → 403 unsupported-authentication, foreign id → 400', async () => {
    const log: Exchange[] = [];
    const me = server.creds.users[1];
    const tweet = await unlikedTweet(server, [me.id, server.creds.users[3].id], 1);
    const appOnly = await rejection(v2Client(server, log, 'app').v2.like(me.id, tweet));
    assert.ok(appOnly instanceof ApiResponseError);
    assert.equal(appOnly.code, 403);
    assert.deepEqual(appOnly.data, UNSUPPORTED_AUTH);

    const foreign = await rejection(v2Client(server, log, me).v2.like(server.creds.users[3].id, tweet));
    assert.ok(foreign instanceof ApiResponseError);
    assert.equal(foreign.code, 400);
    assert.equal(
      (foreign.data as Json).errors[0].message,
      `The \`id\` query parameter value [${server.creds.users[3].id}] must be the same as the authenticating user [${me.id}]`,
    );
    assert.ok(!(await storedLikers(server, tweet)).includes(server.creds.users[3].id));
    assertAllValid(server, log, 2);
  });
});

// ---------------------------------------------------------------------------------------------------------

describe('twitter-api-sdk (app bearer and OAuth 2.0 user token)', () => {
  const server = serverForSuite();

  const userAuth = (user: { oauth2AccessToken: string }) =>
    new auth.OAuth2User({
      client_id: server.creds.app.clientId,
      callback: 'http://127.0.0.1/callback',
      scopes: ['tweet.read', 'users.read', 'like.read', 'like.write'],
      // An expiry keeps the SDK from trying to refresh a token it has no refresh token for.
      token: { access_token: user.oauth2AccessToken, token_type: 'bearer', expires_at: Date.now() + 60 * 60 * 1000 },
    });

  it('pages usersIdLikedTweets with the app bearer: every like once, newest first', async () => {
    const client = new Client(server.creds.app.bearerToken, { base_url: server.baseUrl });
    const heavy = server.creds.heavyLikerUserId;
    const ids: string[] = [];
    let pages = 0;
    for await (const page of client.tweets.usersIdLikedTweets(heavy, { max_results: 100, 'tweet.fields': ['created_at', 'author_id'] })) {
      assertValidSuccess(`/2/users/${heavy}/liked_tweets`, 'GET', page);
      pages++;
      for (const t of page.data ?? []) {
        ids.push(t.id);
        assert.match(t.author_id ?? '', /^\d+$/);
      }
    }
    assert.deepEqual(ids, await storedLikedTweets(server, heavy));
    assert.ok(pages >= 4);

    const first = await client.tweets.usersIdLikedTweets(heavy, { max_results: 5 });
    assertValidSuccess(`/2/users/${heavy}/liked_tweets`, 'GET', first);
    assert.deepEqual(first.data?.map((t) => t.id), ids.slice(0, 5));
    assert.equal(typeof first.meta?.next_token, 'string');
  });

  it('pages tweetsIdLikingUsers with the app bearer and with a user token', async () => {
    const popular = server.creds.popularTweetId;
    const likers = new Set(await storedLikers(server, popular));
    const seen: string[][] = [];
    for (const credential of [server.creds.app.bearerToken, userAuth(server.creds.users[4])]) {
      const client = new Client(credential, { base_url: server.baseUrl });
      const ids: string[] = [];
      for await (const page of client.users.tweetsIdLikingUsers(popular, { max_results: 30, 'user.fields': ['username', 'verified'] })) {
        assertValidSuccess(`/2/tweets/${popular}/liking_users`, 'GET', page);
        for (const u of page.data ?? []) {
          ids.push(u.id);
          assert.equal(typeof u.verified, 'boolean');
        }
      }
      assert.equal(new Set(ids).size, ids.length, 'no account twice');
      assert.ok(ids.length <= 100 && ids.length >= 90, `capped at 100 accounts, got ${ids.length}`);
      for (const id of ids) assert.ok(likers.has(id));
      seen.push(ids);
    }
    assert.deepEqual(seen[0], seen[1], 'the same accounts whichever credential asks');
  });

  it('likes and unlikes with a user\'s OAuth 2.0 token (usersIdLike, usersIdUnlike, usersIdLikedTweets)', async () => {
    const me = server.creds.users[3];
    const client = new Client(userAuth(me), { base_url: server.baseUrl });
    const tweet = await unlikedTweet(server, [me.id], 2);
    try {
      for (let i = 0; i < 2; i++) {
        const liked = await client.tweets.usersIdLike(me.id, { tweet_id: tweet });
        assertValidSuccess(`/2/users/${me.id}/likes`, 'POST', liked);
        assert.deepEqual(liked, { data: { liked: true } });
      }
      const page = await client.tweets.usersIdLikedTweets(me.id, { max_results: 5, 'tweet.fields': ['public_metrics'] });
      assertValidSuccess(`/2/users/${me.id}/liked_tweets`, 'GET', page);
      assert.equal(page.data?.[0].id, tweet, 'the new like comes first');
      assert.equal(page.data?.[0].public_metrics?.like_count, (await storedLikers(server, tweet)).length);

      // Walking all of my likes with the SDK's paginator finds the new one exactly once.
      const all: string[] = [];
      for await (const p of client.tweets.usersIdLikedTweets(me.id, { max_results: 10 })) {
        assertValidSuccess(`/2/users/${me.id}/liked_tweets`, 'GET', p);
        all.push(...(p.data ?? []).map((t) => t.id));
      }
      assert.deepEqual(all, await storedLikedTweets(server, me.id));
      assert.equal(all.filter((id) => id === tweet).length, 1);

      for (let i = 0; i < 2; i++) {
        const unliked = await client.tweets.usersIdUnlike(me.id, tweet);
        assertValidSuccess(`/2/users/${me.id}/likes/${tweet}`, 'DELETE', unliked);
        assert.deepEqual(unliked, { data: { liked: false } });
      }
      assert.ok(!(await storedLikers(server, tweet)).includes(me.id));
    } finally {
      await server.services.store.unlike(me.id, tweet, Date.now());
    }
  });

  it('rejects an app-only like with 403 unsupported-authentication and a deleted Tweet with 400', async () => {
    const me = server.creds.users[3];
    const appClient = new Client(server.creds.app.bearerToken, { base_url: server.baseUrl });
    const tweet = server.creds.tweets[0].id;
    const refused = await rejection(appClient.tweets.usersIdLike(me.id, { tweet_id: tweet }));
    assert.equal(refused.status, 403);
    assertValidError(refused.error);
    assert.deepEqual(refused.error, UNSUPPORTED_AUTH);
    const refusedUnlike = await rejection(appClient.tweets.usersIdUnlike(me.id, tweet));
    assert.equal(refusedUnlike.status, 403);
    assert.deepEqual(refusedUnlike.error, UNSUPPORTED_AUTH);

    const userClient = new Client(userAuth(me), { base_url: server.baseUrl });
    const gone = await rejection(userClient.tweets.usersIdLike(me.id, { tweet_id: server.creds.deletedTweetIds[2] }));
    assert.equal(gone.status, 400);
    assertValidError(gone.error);
    assert.deepEqual(gone.error.errors, [{ message: 'This tweet cannot be found.' }]);
  });
});
