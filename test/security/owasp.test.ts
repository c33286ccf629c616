// The OWASP API Security Top 10 (2023), item by item, against a real server (rate limits on, as deployed).
// Every answer seen here is also kept and checked at the end for what no answer may carry: secrets, internal
// fields, stack traces, framework banners, missing security headers.
//
// API7 Server-Side Request Forgery does not apply: the service never fetches a URL a client gives it. OAuth
// callback and redirect URIs are only ever sent back to the browser as a 302 Location (and must match what the
// App registered); media, profile and place URLs are stored data written out as text. The only outbound request
// in src/ is `serve` probing its own configured /healthz before it starts.
// API10 Unsafe Consumption of APIs does not apply: the service consumes no third-party API. Its only upstreams
// are its own PostgreSQL and Redis, whose outages are answered with 503 (test/multi/redis-down.test.ts).
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { hashToken } from '../../src/auth/secrets.ts';
import { setPassword } from '../../src/auth/flows/passwords.ts';
import { ACCEPTED } from '../../src/domain/fields.ts';
import type { TweetRecord } from '../../src/domain/model.ts';
import { MAX_HEADER_COUNT } from '../../src/http/connectionLimits.ts';
import { assertValidError } from '../support/openapi.ts';
import { serverForSuite, startTestServer, type TestServer } from '../support/harness.ts';
import { PROBLEMS } from '../support/problems.ts';
import { call as fetchReply, oauth1Authorization, type Reply } from '../support/processes.ts';
import { exchange, parseResponse } from '../support/rawHttp.ts';

type Json = Record<string, any>;

const UNAUTHORIZED_PRETTY = '{\n  "title": "Unauthorized",\n  "type": "about:blank",\n  "status": 401,\n  "detail": "Unauthorized"\n}';
const FORBIDDEN_PRETTY = '{\n  "title": "Forbidden",\n  "type": "about:blank",\n  "status": 403,\n  "detail": "Forbidden"\n}';

/** Every answer of the run, for the checks that hold for all of them. */
const seen: { what: string; status: number; headers: Record<string, string>; text: string }[] = [];

describe('OWASP API Security Top 10 (2023)', { timeout: 120_000 }, () => {
  const server = serverForSuite();
  let port: number;
  /** users[0] and users[1] are public token holders; users[2] is a protected one. */
  let me: TestServer['creds']['users'][number];
  let other: TestServer['creds']['users'][number];
  let locked: TestServer['creds']['users'][number];
  /** A Tweet by the protected users[2], liked by `other`, and a public Tweet of `me` quoting it. */
  let protectedTweet: string;
  let quotingTweet: string;
  const secrets: string[] = [];

  async function call(method: string, path: string, auth?: string, body?: { type: string; text: string }, headers: Record<string, string> = {}): Promise<Reply> {
    const r = await fetchReply(`${server.baseUrl}${path}`, {
      method,
      headers: { ...(auth ? { authorization: auth } : {}), ...(body ? { 'content-type': body.type } : {}), ...headers },
      body: body?.text,
      redirect: 'manual',
    });
    seen.push({ what: `${method} ${path}`, status: r.status, headers: Object.fromEntries(r.headers), text: r.text });
    return r;
  }
  const bearer = (token: string) => `Bearer ${token}`;
  /** The status of a GET that may answer with a stream kept open (the connection is closed once the status is read). */
  const streamStatus = async (path: string, auth: string): Promise<number> => {
    const controller = new AbortController();
    const res = await fetch(`${server.baseUrl}${path}`, { headers: { authorization: auth }, signal: controller.signal });
    controller.abort();
    return res.status;
  };
  const json = (value: unknown) => ({ type: 'application/json', text: JSON.stringify(value) });
  const signed = (method: string, path: string, user = me, opts: { nonce?: string; timestamp?: number } = {}) =>
    oauth1Authorization(method, `${server.baseUrl}${path}`, {
      consumerKey: server.creds.app.consumerKey,
      consumerSecret: server.creds.app.consumerSecret,
      token: user.accessToken,
      tokenSecret: user.accessTokenSecret,
    }, opts);

  /** Sends raw bytes, reads until the server closes; the text of what came back. */
  const raw = async (bytes: string, to = port) => {
    const received = await exchange(to, bytes);
    const answer = parseResponse(received);
    seen.push({ what: `raw ${bytes.slice(0, 40)}`, status: answer.status, headers: answer.headers, text: answer.body.toString('latin1') });
    return received.toString('latin1');
  };

  before(async () => {
    port = Number(new URL(server.baseUrl).port);
    [me, other, locked] = server.creds.users;
    assert.equal(locked.protected, true, 'users[2] of the demo world is protected');
    assert.equal(me.protected || other.protected, false);

    // Data the API cannot make itself: a protected author's Tweet, liked by `other`, quoted by `me`.
    const { store } = server.services;
    const [template] = await store.tweetsByIds([server.creds.tweets[0].id]);
    const base: TweetRecord = { ...template, referencedTweets: [], mediaKeys: [], pollIds: [], placeId: null, entities: null, inReplyToUserId: null, likeCount: 0 };
    protectedTweet = '1999999999999990001';
    quotingTweet = '1999999999999990002';
    await store.insertTweets([
      { ...base, id: protectedTweet, conversationId: protectedTweet, authorId: locked.id, text: 'protected words' },
      { ...base, id: quotingTweet, conversationId: quotingTweet, authorId: me.id, text: 'quoting', referencedTweets: [{ type: 'quoted', id: protectedTweet }] },
    ]);
    await store.like(other.id, protectedTweet, Date.now());
    await store.like(other.id, quotingTweet, Date.now());
    await store.like(locked.id, server.creds.tweets[3].id, Date.now());

    // What must never leave the server: every secret of the demo App and users, and their stored forms.
    await setPassword(store, me.id, 'correct horse battery staple');
    const app = (await store.appById(server.creds.app.id))!;
    secrets.push(
      server.creds.app.consumerSecret, server.creds.app.clientSecret, app.consumerSecretSealed, app.clientSecretHash,
      hashToken(server.creds.app.bearerToken), (await store.userPasswordHash(me.id))!, 'correct horse battery staple',
    );
    for (const u of server.creds.users) secrets.push(u.accessTokenSecret, hashToken(u.oauth2AccessToken));
  });

  // ---------------------------------------------------------------------------------------------------------
  describe('API1 broken object level authorization', () => {
    const mismatch = (r: Reply, pathId: string, userId: string) => {
      assert.equal(r.status, 400, r.text);
      const message = `The \`id\` query parameter value [${pathId}] must be the same as the authenticating user [${userId}]`;
      assert.equal(r.body!.type, `${PROBLEMS}invalid-request`);
      assert.equal(r.body!.errors[0].message, message);
      assertValidError(r.body);
    };

    it("liking or unliking as another user's :id is refused (X's id-mismatch document) and changes nothing", async () => {
      const tweet = server.creds.tweets[5].id;
      const before = await server.services.store.likesByUser(other.id, { limit: 100_000, direction: 'older' });
      for (const auth of [bearer(me.oauth2AccessToken), signed('POST', `/2/users/${other.id}/likes`)]) {
        mismatch(await call('POST', `/2/users/${other.id}/likes`, auth, json({ tweet_id: tweet })), other.id, me.id);
      }
      const liked = before[0].tweetId;
      for (const auth of [bearer(me.oauth2AccessToken), signed('DELETE', `/2/users/${other.id}/likes/${liked}`)]) {
        mismatch(await call('DELETE', `/2/users/${other.id}/likes/${liked}`, auth), other.id, me.id);
      }
      const afterwards = await server.services.store.likesByUser(other.id, { limit: 100_000, direction: 'older' });
      assert.deepEqual(afterwards, before, "the other user's likes are untouched");
    });

    it("a protected user's likes are readable by that user only (user and app-only callers alike)", async () => {
      const path = `/2/users/${locked.id}/liked_tweets?max_results=10`;
      for (const auth of [bearer(me.oauth2AccessToken), bearer(server.creds.app.bearerToken), signed('GET', path)]) {
        const r = await call('GET', path, auth);
        assert.equal(r.status, 200, r.text);
        assert.equal(r.body!.data, undefined, 'no likes of a protected user');
        assert.equal(r.body!.errors[0].type, `${PROBLEMS}not-authorized-for-resource`);
        assert.equal(r.body!.errors[0].resource_id, locked.id);
      }
      const own = await call('GET', path, bearer(locked.oauth2AccessToken));
      assert.equal(own.status, 200);
      assert.ok(own.body!.data.length > 0, 'the protected user reads their own likes');
    });

    it("a protected author's Tweet is left out of others' liked_tweets and its likers are not listed", async () => {
      const likedPath = `/2/users/${other.id}/liked_tweets?max_results=100`;
      for (const auth of [bearer(me.oauth2AccessToken), bearer(server.creds.app.bearerToken)]) {
        const page = await call('GET', likedPath, auth);
        assert.equal(page.status, 200);
        assert.ok(!page.body!.data.some((t: Json) => t.id === protectedTweet), 'the protected Tweet is not shown');
        const likers = await call('GET', `/2/tweets/${protectedTweet}/liking_users`, auth);
        assert.equal(likers.status, 200);
        assert.equal(likers.body!.data, undefined);
        assert.equal(likers.body!.errors[0].type, `${PROBLEMS}not-authorized-for-resource`);
      }
      const author = await call('GET', likedPath, bearer(locked.oauth2AccessToken));
      assert.ok(author.body!.data.some((t: Json) => t.id === protectedTweet), 'its author sees it');
    });

    it("cannot like a protected author's Tweet it may not see", async () => {
      const r = await call('POST', `/2/users/${me.id}/likes`, bearer(me.oauth2AccessToken), json({ tweet_id: protectedTweet }));
      assert.equal(r.status, 400);
      assert.equal(r.body!.errors[0].message, 'This tweet cannot be found.');
    });

    // Expansions: every path is covered by test/http/expansions.visibility.test.ts; here the two leaks of objects
    // (a referenced Tweet, a pinned Tweet) a caller may not ask for directly.
    it('a referenced Tweet of a protected author is reported, not included, under referenced_tweets.id', async () => {
      const q = `/2/users/${other.id}/liked_tweets?max_results=100&expansions=referenced_tweets.id,referenced_tweets.id.author_id&tweet.fields=referenced_tweets`;
      const r = await call('GET', q, bearer(me.oauth2AccessToken));
      assert.equal(r.status, 200);
      assert.ok(r.body!.data.some((t: Json) => t.id === quotingTweet), 'the quoting Tweet is listed');
      assert.ok(!(r.body!.includes?.tweets ?? []).some((t: Json) => t.id === protectedTweet), 'the protected Tweet is not included');
      assert.ok(!r.text.includes('protected words'), "the protected Tweet's text appears nowhere");
      const error = (r.body!.errors as Json[]).find((e) => e.resource_id === protectedTweet);
      assert.equal(error?.type, `${PROBLEMS}not-authorized-for-resource`);
      assert.equal(error?.section, 'includes');
    });

    it("a protected liker's pinned Tweet is reported, not included, for an app-only caller under pinned_tweet_id", async () => {
      const { store } = server.services;
      const [lockedRecord] = await store.usersByIds([locked.id]);
      await store.insertUsers([{ ...lockedRecord, pinnedTweetId: protectedTweet }]);
      try {
        const q = `/2/tweets/${server.creds.tweets[3].id}/liking_users?max_results=100&expansions=pinned_tweet_id&user.fields=pinned_tweet_id,protected`;
        const r = await call('GET', q, bearer(server.creds.app.bearerToken));
        assert.equal(r.status, 200, r.text);
        assert.ok(r.body!.data.some((u: Json) => u.id === locked.id), 'the protected liker is listed (profiles are public)');
        assert.ok(!(r.body!.includes?.tweets ?? []).some((t: Json) => t.id === protectedTweet), 'the pinned Tweet is not included');
        assert.ok(!r.text.includes('protected words'), "the pinned Tweet's text appears nowhere");
        const error = (r.body!.errors as Json[]).find((e) => e.resource_id === protectedTweet);
        assert.equal(error?.type, `${PROBLEMS}not-authorized-for-resource`);
        assert.equal(error?.parameter, 'pinned_tweet_id');
      } finally {
        await store.insertUsers([lockedRecord]);
      }
    });
  });

  // ---------------------------------------------------------------------------------------------------------
  describe('API2 broken authentication', () => {
    const path = () => `/2/users/${me.id}/liked_tweets?max_results=5`;
    const unauthorized = (r: Reply, what: string) => {
      assert.equal(r.status, 401, `${what}: ${r.text}`);
      assert.equal(r.text, UNAUTHORIZED_PRETTY, what);
    };

    it('refuses missing, wrong, malformed and misplaced bearer tokens', async () => {
      const cases: [string, string | undefined][] = [
        ['no credentials', undefined],
        ['unknown token', bearer('A'.repeat(91))],
        ['token with a character changed', bearer(`${me.oauth2AccessToken.slice(0, -1)}${me.oauth2AccessToken.endsWith('a') ? 'b' : 'a'}`)],
        ['token hash instead of token', bearer(hashToken(me.oauth2AccessToken))],
        ['OAuth 1.0a access token as a bearer', bearer(me.accessToken)],
        ['consumer secret as a bearer', bearer(server.creds.app.consumerSecret)],
        ['empty bearer', 'Bearer '],
        ['Basic app credentials on a v2 path', `Basic ${Buffer.from(`${server.creds.app.consumerKey}:${server.creds.app.consumerSecret}`).toString('base64')}`],
        ['two tokens', `Bearer ${me.oauth2AccessToken} ${me.oauth2AccessToken}`],
      ];
      for (const [what, auth] of cases) unauthorized(await call('GET', path(), auth), what);
    });

    it('refuses an expired OAuth 2.0 user token and a revoked one', async () => {
      const { credentials, store } = server.services;
      const app = (await store.appById(server.creds.app.id))!;
      const expired = await credentials.mintOAuth2AccessToken(app, me.id, ['tweet.read', 'users.read', 'like.read'], -1_000);
      unauthorized(await call('GET', path(), bearer(expired.accessToken)), 'expired');
      const live = await credentials.mintOAuth2AccessToken(app, me.id, ['tweet.read', 'users.read', 'like.read'], 60_000);
      assert.equal((await call('GET', path(), bearer(live.accessToken))).status, 200);
      await credentials.revokeOAuth2AccessToken(app.id, live.tokenHash);
      unauthorized(await call('GET', path(), bearer(live.accessToken)), 'revoked');
    });

    it('refuses OAuth 1.0a with a bad signature, a replayed nonce, a stale or future timestamp, or another user token', async () => {
      const good = signed('GET', path());
      assert.equal((await call('GET', path(), good)).status, 200);
      unauthorized(await call('GET', path(), good), 'the same header again (replayed nonce)');
      const tampered = signed('GET', path()).replace(/oauth_signature="[^"]+"/, 'oauth_signature="AAAAAAAAAAAAAAAAAAAAAAAAAAA%3D"');
      unauthorized(await call('GET', path(), tampered), 'bad signature');
      unauthorized(await call('GET', `${path()}&tweet.fields=id`, signed('GET', path())), 'signed for another query');
      const now = Math.floor(Date.now() / 1000);
      unauthorized(await call('GET', path(), signed('GET', path(), me, { timestamp: now - 10 * 60 })), 'timestamp 10 minutes old');
      unauthorized(await call('GET', path(), signed('GET', path(), me, { timestamp: now + 10 * 60 })), 'timestamp 10 minutes ahead');
      // A token signed with another user's secret.
      const mixed = oauth1Authorization('GET', `${server.baseUrl}${path()}`, {
        consumerKey: server.creds.app.consumerKey, consumerSecret: server.creds.app.consumerSecret, token: me.accessToken, tokenSecret: other.accessTokenSecret,
      });
      unauthorized(await call('GET', path(), mixed), "another user's token secret");
      const wrongConsumer = oauth1Authorization('GET', `${server.baseUrl}${path()}`, {
        consumerKey: server.creds.appWithoutProject.consumerKey, consumerSecret: server.creds.appWithoutProject.consumerSecret, token: me.accessToken, tokenSecret: me.accessTokenSecret,
      });
      unauthorized(await call('GET', path(), wrongConsumer), "a token used with another App's consumer key");
    });

    it('refuses app-only token requests with wrong consumer credentials (X legacy code 99)', async () => {
      const basic = `Basic ${Buffer.from(`${server.creds.app.consumerKey}:wrong`).toString('base64')}`;
      const r = await call('POST', '/oauth2/token', basic, { type: 'application/x-www-form-urlencoded', text: 'grant_type=client_credentials' });
      assert.equal(r.status, 403);
      assert.equal(r.body!.errors[0].code, 99);
      assert.ok(!r.text.includes('AAAA'), 'no token issued');
    });
  });

  // ---------------------------------------------------------------------------------------------------------
  describe('API3 broken object property level authorization', () => {
    const DEFAULTS = { tweet: ['id', 'text', 'edit_history_tweet_ids'], user: ['id', 'name', 'username'], media: ['media_key', 'type'], poll: ['id', 'options'], place: ['id', 'full_name'] };
    const keysOutside = (objects: Json[] | undefined, allowed: readonly string[]) =>
      (objects ?? []).flatMap((o) => Object.keys(o).filter((k) => !allowed.includes(k)));

    it('returns no field beyond the ones requested and the defaults, with every field and expansion asked for', async () => {
      const all = (name: string, values: readonly string[]) => `${name}=${values.join(',')}`;
      const likedQuery = [
        'max_results=100', all('expansions', ACCEPTED.tweetExpansions), all('tweet.fields', ACCEPTED.tweetFields), all('user.fields', ACCEPTED.userFields),
        all('media.fields', ACCEPTED.mediaFields), all('poll.fields', ACCEPTED.pollFields), all('place.fields', ACCEPTED.placeFields),
      ].join('&');
      const liked = await call('GET', `/2/users/${server.creds.heavyLikerUserId}/liked_tweets?${likedQuery}`, bearer(me.oauth2AccessToken));
      assert.equal(liked.status, 200, liked.text);
      const b = liked.body!;
      assert.deepEqual(keysOutside(b.data, [...DEFAULTS.tweet, ...ACCEPTED.tweetFields]), []);
      assert.deepEqual(keysOutside(b.includes?.tweets, [...DEFAULTS.tweet, ...ACCEPTED.tweetFields]), []);
      assert.deepEqual(keysOutside(b.includes?.users, [...DEFAULTS.user, ...ACCEPTED.userFields]), []);
      // Every kind of object is on the page, so each check below looks at something.
      for (const kind of ['tweets', 'users', 'media', 'polls', 'places']) assert.ok(b.includes?.[kind]?.length > 0, `includes.${kind} is empty`);
      assert.deepEqual(keysOutside(b.includes?.media, [...DEFAULTS.media, ...ACCEPTED.mediaFields]), []);
      assert.deepEqual(keysOutside(b.includes?.polls, [...DEFAULTS.poll, ...ACCEPTED.pollFields]), []);
      assert.deepEqual(keysOutside(b.includes?.places, [...DEFAULTS.place, ...ACCEPTED.placeFields]), []);

      const few = await call('GET', `/2/users/${server.creds.heavyLikerUserId}/liked_tweets?max_results=20&tweet.fields=lang`, bearer(me.oauth2AccessToken));
      assert.deepEqual(keysOutside(few.body!.data, [...DEFAULTS.tweet, 'lang']), []);

      const likersQuery = [all('expansions', ACCEPTED.userExpansions), all('user.fields', ACCEPTED.userFields), all('tweet.fields', ACCEPTED.tweetFields)].join('&');
      const likers = await call('GET', `/2/tweets/${server.creds.popularTweetId}/liking_users?${likersQuery}`, bearer(me.oauth2AccessToken));
      assert.equal(likers.status, 200, likers.text);
      assert.deepEqual(keysOutside(likers.body!.data, [...DEFAULTS.user, ...ACCEPTED.userFields]), []);
    });

    it("shows private metrics of the caller's own Tweets only", async () => {
      const fields = 'tweet.fields=non_public_metrics,organic_metrics,public_metrics';
      const r = await call('GET', `/2/users/${other.id}/liked_tweets?max_results=100&${fields}`, bearer(me.oauth2AccessToken));
      const mine = (r.body!.data as Json[]).filter((t) => t.id === quotingTweet);
      assert.equal(mine.length, 1, "`me`'s own Tweet is in the page");
      assert.ok(mine[0].non_public_metrics, 'own Tweet: private metrics shown');
      const others = await call('GET', `/2/users/${other.id}/liked_tweets?max_results=100&${fields}`, bearer(other.oauth2AccessToken));
      const foreign = (others.body!.data as Json[]).find((t) => t.id === quotingTweet)!;
      assert.equal(foreign.non_public_metrics, undefined, "another user's Tweet: no private metrics");
      assert.equal(foreign.organic_metrics, undefined);
      assert.ok(foreign.public_metrics);
    });

    it('refuses unknown fields and expansions, internal names included, as X does', async () => {
      for (const [name, value] of [['tweet.fields', 'author_id,password'], ['user.fields', 'suspended'], ['user.fields', 'password_hash'], ['expansions', 'liker_id'], ['media.fields', 'internal']]) {
        const r = await call('GET', `/2/users/${me.id}/liked_tweets?${name}=${value}`, bearer(me.oauth2AccessToken));
        assert.equal(r.status, 400, `${name}=${value}`);
        assert.equal(r.body!.type, `${PROBLEMS}invalid-request`);
        assert.match(r.body!.errors[0].message, new RegExp(`^The \`${name.replace('.', '\\.')}\` query parameter value \\[[a-z_]+\\] is not one of \\[`));
      }
      const r = await call('GET', `/2/users/${me.id}/liked_tweets?include_internal=true`, bearer(me.oauth2AccessToken));
      assert.equal(r.status, 400);
      assert.match(r.body!.errors[0].message, /^The query parameter \[include_internal\] is not one of \[/);
    });

    it('ignores extra body fields on POST likes (no mass assignment): only tweet_id is read', async () => {
      const tweet = server.creds.tweets[7].id;
      const r = await call('POST', `/2/users/${me.id}/likes`, bearer(me.oauth2AccessToken), json({ tweet_id: tweet, user_id: other.id, liked_at: 0, id: other.id }));
      assert.equal(r.status, 200, r.text);
      assert.deepEqual(r.body, { data: { liked: true } });
      const rows = await server.services.store.likesByUser(me.id, { limit: 100_000, direction: 'older' });
      const row = rows.find((x) => x.tweetId === tweet)!;
      assert.ok(row && row.likedAt > 0, 'the like is `me`s, at the server time');
      const others = await server.services.store.likesByUser(other.id, { limit: 100_000, direction: 'older' });
      assert.ok(!others.some((x) => x.tweetId === tweet), 'no like made for another user');
    });
  });

  // ---------------------------------------------------------------------------------------------------------
  describe('API4 unrestricted resource consumption', () => {
    it('refuses oversized bodies (413), hostile JSON (400) and out-of-range max_results (400)', async () => {
      const likes = `/2/users/${me.id}/likes`;
      const big = await call('POST', likes, bearer(me.oauth2AccessToken), { type: 'application/json', text: `{"tweet_id":"1","pad":"${'x'.repeat(70_000)}"}` });
      assert.equal(big.status, 413);
      assert.deepEqual(big.body, { title: 'Payload Too Large', type: 'about:blank', status: 413, detail: 'Payload Too Large' });
      for (const text of [`{"tweet_id":${'['.repeat(20_000)}${']'.repeat(20_000)}}`, `{"tweet_id":[${'1,'.repeat(10_000)}1]}`, `{"tweet_id":"${'1'.repeat(50_000)}"}`]) {
        const r = await call('POST', likes, bearer(me.oauth2AccessToken), { type: 'application/json', text });
        assert.equal(r.status, 400);
        assert.equal(r.body!.errors[0].message, 'The request body is not valid JSON.');
      }
      const token = await call('POST', '/2/oauth2/token', undefined, { type: 'application/json', text: `{"grant_type":${'['.repeat(20_000)}${']'.repeat(20_000)}}` });
      assert.equal(token.status, 400);
      for (const [path, bad] of [[`/2/users/${me.id}/liked_tweets`, ['0', '4', '101', '1000000', '-1']], [`/2/tweets/${server.creds.popularTweetId}/liking_users`, ['0', '101']]] as const) {
        for (const n of bad) {
          const r = await call('GET', `${path}?max_results=${n}`, bearer(server.creds.app.bearerToken));
          assert.equal(r.status, 400, `max_results=${n}`);
          assert.match(r.body!.errors[0].message, /is not between \d+ and 100$/);
        }
      }
    });

    it('refuses more than 16 KiB of headers and more than the allowed header count with 431', async () => {
      const big = await raw(`GET /2/usage/tweets HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`);
      assert.match(big, /^HTTP\/1\.1 431 /);
      const lines = Array.from({ length: MAX_HEADER_COUNT + 5 }, (_, i) => `X-H${i}: ${i}\r\n`).join('');
      const many = await raw(`GET /2/usage/tweets HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n${lines}\r\n`);
      assert.match(many, /^HTTP\/1\.1 431 /);
    });

    it('answers 429 past a rate limit, with the limit headers', async () => {
      const { credentials } = server.services;
      const free = await credentials.createApp('Free tier App', server.creds.project.id, 'read-write', { rateLimitTier: 'free' });
      const path = `/2/tweets/${server.creds.popularTweetId}/liking_users?max_results=5`;
      const statuses: number[] = [];
      let last: Reply | null = null;
      for (let i = 0; i < 30 && !statuses.includes(429); i++) {
        last = await call('GET', path, bearer(free.bearerToken));
        statuses.push(last.status);
      }
      assert.ok(statuses.includes(429), `no 429 in ${statuses.join(',')}`);
      assert.deepEqual(last!.body, { title: 'Too Many Requests', type: 'about:blank', status: 429, detail: 'Too Many Requests' });
      assert.equal(last!.headers.get('x-rate-limit-remaining'), '0');
    });

    // Request, header and idle timeouts and the connection cap: test/http/connectionLimits.test.ts (it needs its
    // own server with a one-second bound). What it shows is summed up here with a connection that never sends.
    it('closes a connection whose request headers never finish (headers timeout)', async () => {
      const short = await startTestServer({ env: { LIKES_API_REQUEST_TIMEOUT_MS: '500' }, demo: false });
      try {
        // Headers started and never finished.
        const text = await raw('GET /2/usage/tweets HTTP/1.1\r\nHost: 127.0.0.1\r\n', Number(new URL(short.baseUrl).port));
        assert.match(text, /^HTTP\/1\.1 408 /);
      } finally {
        await short.close();
      }
    });
  });

  // ---------------------------------------------------------------------------------------------------------
  describe('API5 broken function level authorization', () => {
    it('an app-only bearer cannot like or unlike (unsupported-authentication)', async () => {
      const app = bearer(server.creds.app.bearerToken);
      for (const [method, path, body] of [
        ['POST', `/2/users/${me.id}/likes`, json({ tweet_id: server.creds.tweets[9].id })],
        ['DELETE', `/2/users/${me.id}/likes/${server.creds.tweets[9].id}`, undefined],
      ] as const) {
        const r = await call(method, path, app, body);
        assert.equal(r.status, 403, `${method}: ${r.text}`);
        assert.equal(r.body!.type, `${PROBLEMS}unsupported-authentication`);
        assertValidError(r.body);
      }
    });

    it('a read-only App cannot write with OAuth 1.0a (oauth1-permissions) but can read', async () => {
      const { credentials, store } = server.services;
      const readOnly = await credentials.createApp('Read-only', server.creds.project.id, 'read');
      const tokens = await credentials.mintUserTokens(readOnly.app, me.id);
      const keys = { consumerKey: readOnly.consumerKey, consumerSecret: readOnly.consumerSecret, token: tokens.accessToken, tokenSecret: tokens.accessTokenSecret };
      const likes = `/2/users/${me.id}/likes`;
      const r = await call('POST', likes, oauth1Authorization('POST', `${server.baseUrl}${likes}`, keys), json({ tweet_id: server.creds.tweets[9].id }));
      assert.equal(r.status, 403);
      assert.equal(r.body!.type, `${PROBLEMS}oauth1-permissions`);
      const read = `/2/users/${me.id}/liked_tweets?max_results=5`;
      assert.equal((await call('GET', read, oauth1Authorization('GET', `${server.baseUrl}${read}`, keys))).status, 200);
      assert.ok(!(await store.likesByUser(me.id, { limit: 100_000, direction: 'older' })).some((l) => l.tweetId === server.creds.tweets[9].id));
    });

    it('an OAuth 2.0 token without the needed scope is refused (403 Forbidden)', async () => {
      const { credentials, store } = server.services;
      const app = (await store.appById(server.creds.app.id))!;
      const readOnly = await credentials.mintOAuth2AccessToken(app, me.id, ['tweet.read', 'users.read', 'like.read'], 60_000);
      const write = await call('POST', `/2/users/${me.id}/likes`, bearer(readOnly.accessToken), json({ tweet_id: server.creds.tweets[9].id }));
      assert.equal(write.status, 403);
      assert.equal(write.text, FORBIDDEN_PRETTY);
      const noLikeRead = await credentials.mintOAuth2AccessToken(app, me.id, ['tweet.read', 'users.read'], 60_000);
      const read = await call('GET', `/2/users/${me.id}/liked_tweets`, bearer(noLikeRead.accessToken));
      assert.equal(read.status, 403);
      assert.equal(read.text, FORBIDDEN_PRETTY);
    });

    it('user tokens cannot read the Project usage (app-only only), and an App outside a Project is refused', async () => {
      const r = await call('GET', '/2/usage/tweets', bearer(me.oauth2AccessToken));
      assert.equal(r.status, 403);
      assert.equal(r.body!.type, `${PROBLEMS}unsupported-authentication`);
      const outside = await call('GET', `/2/tweets/${server.creds.popularTweetId}/liking_users`, bearer(server.creds.appWithoutProject.bearerToken));
      assert.equal(outside.status, 403);
      assert.equal(outside.body!.type, `${PROBLEMS}client-forbidden`);
    });
  });

  // ---------------------------------------------------------------------------------------------------------
  describe('API6 unrestricted access to sensitive business flows', () => {
    it('liking is limited per user (free tier: one like per 15 minutes)', async () => {
      const { credentials } = server.services;
      const free = await credentials.createApp('Free tier likes', server.creds.project.id, 'read-write', { rateLimitTier: 'free' });
      const tokens = await credentials.mintUserTokens(free.app, other.id);
      const like = (i: number) => call('POST', `/2/users/${other.id}/likes`, bearer(tokens.oauth2AccessToken), json({ tweet_id: server.creds.tweets[20 + i].id }));
      assert.equal((await like(0)).status, 200);
      assert.equal((await like(1)).status, 429);
    });
  });

  // ---------------------------------------------------------------------------------------------------------
  describe('API8 security misconfiguration', () => {
    it('unknown routes answer an empty 404, OPTIONS too (no CORS), and TRACE echoes nothing', async () => {
      for (const [method, path] of [['GET', '/admin'], ['GET', '/.env'], ['GET', '/2/users'], ['POST', '/graphql'], ['OPTIONS', `/2/users/${me.id}/liked_tweets`], ['GET', '/documentation']]) {
        const r = await call(method, path, bearer(me.oauth2AccessToken), undefined, { origin: 'https://evil.example' });
        assert.equal(r.status, 404, `${method} ${path}`);
        assert.equal(r.text, '');
        assert.equal(r.headers.get('access-control-allow-origin'), null);
      }
      const trace = await raw(`TRACE /2/users/${me.id}/liked_tweets HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${me.oauth2AccessToken}\r\nConnection: close\r\n\r\n`);
      assert.match(trace, /^HTTP\/1\.1 404 /);
      assert.ok(!trace.includes(me.oauth2AccessToken), 'TRACE must not echo the request (cross-site tracing)');
    });

    it('a failure inside answers the generic 500 document, never the error itself', async () => {
      // The instance's own property shadows the method for this test only.
      const likes = server.services.likes as { likedTweets: unknown };
      likes.likedTweets = async () => {
        throw new Error('boom at /srv/app/src/adapters/sqlite/sqliteStore.ts:42:7 password=hunter2');
      };
      try {
        const r = await call('GET', `/2/users/${other.id}/liked_tweets?max_results=7&tweet.fields=lang`, bearer(me.oauth2AccessToken));
        assert.equal(r.status, 500);
        assert.deepEqual(r.body, { title: 'Internal Server Error', type: 'about:blank', status: 500, detail: 'Internal Server Error' });
      } finally {
        delete (likes as { likedTweets?: unknown }).likedTweets;
      }
    });
  });

  // ---------------------------------------------------------------------------------------------------------
  describe('API9 improper inventory management', () => {
    /**
     * Non-API routes, each on purpose: OAuth flows X serves beside v2, the liveness and readiness probes, the
     * Prometheus metrics, the document itself, and the control API (/__admin/, for operators, not X clients).
     */
    const NOT_IN_OPENAPI: Record<string, string[]> = {
      '/oauth2/token': ['POST'], '/oauth2/invalidate_token': ['POST'], '/1.1/oauth2/token': ['POST'], '/1.1/oauth2/invalidate_token': ['POST'],
      '/i/oauth2/authorize': ['GET', 'POST'], '/2/oauth2/authorize': ['GET', 'POST'], '/2/oauth2/token': ['POST'], '/2/oauth2/revoke': ['POST'],
      '/oauth/request_token': ['POST'], '/oauth/authorize': ['GET', 'POST'], '/oauth/authenticate': ['GET', 'POST'], '/oauth/access_token': ['POST'],
      '/oauth/invalidate_token': ['POST'], '/1.1/oauth/invalidate_token': ['POST'], '/healthz': ['GET'], '/openapi.json': ['GET'],
      '/readyz': ['GET'], '/metrics': ['GET'],
      '/__admin/sandboxes': ['GET', 'POST'], '/__admin/sandboxes/:id': ['DELETE', 'GET'],
      '/__admin/sandboxes/:id/reset': ['POST'], '/__admin/sandboxes/:id/snapshots': ['GET', 'POST'],
      '/__admin/sandboxes/:id/snapshots/:name/restore': ['POST'], '/__admin/sandboxes/:id/clock': ['GET', 'POST'],
      '/__admin/sandboxes/:id/faults': ['DELETE', 'GET', 'POST'], '/__admin/sandboxes/:id/faults/:fault': ['DELETE'],
      '/__admin/sandboxes/:id/requests': ['GET'], '/__admin/sandboxes/:id/usage': ['GET'], '/__admin/sandboxes/:id/webhooks': ['GET'],
      '/__admin/sandboxes/:id/users/:user_id/likes/import': ['POST'], '/__admin/sandboxes/:id/users/:user_id/likes/export': ['GET'],
      '/portal': ['GET'], '/portal/signin': ['GET', 'POST'], '/portal/signout': ['GET', 'POST'],
      '/portal/projects': ['GET', 'POST'], '/portal/projects/:id/apps': ['GET', 'POST'], '/portal/projects/:id/apps/new': ['GET'],
      '/portal/apps/:id': ['GET'], '/portal/apps/:id/keys': ['GET'], 
      '/portal/apps/:id/regenerate': ['GET', 'POST'], '/portal/apps/:id/usage': ['GET'],
      '/portal/operator': ['GET', 'POST'], '/portal/operator/signin': ['GET', 'POST'],
      // portal: sandboxes (operator)
      '/portal/sandboxes': ['GET', 'POST'], '/portal/sandboxes/:id': ['GET'], '/portal/sandboxes/:id/credentials.json': ['GET'],
      '/portal/sandboxes/:id/clock': ['GET', 'POST'], '/portal/sandboxes/:id/faults': ['GET', 'POST'],
      '/portal/sandboxes/:id/faults/:fault/remove': ['GET', 'POST'], '/portal/sandboxes/:id/faults/remove-all': ['GET', 'POST'],
      '/portal/sandboxes/:id/snapshots': ['GET', 'POST'], '/portal/sandboxes/:id/snapshots/:name/restore': ['GET', 'POST'],
      '/portal/sandboxes/:id/reset': ['GET', 'POST'], '/portal/sandboxes/:id/delete': ['GET', 'POST'],
      // portal: webhooks and events
      '/portal/apps/:id/webhooks': ['GET', 'POST'], '/portal/apps/:id/webhooks/:webhookId': ['GET'],
      '/portal/apps/:id/webhooks/:webhookId/validate': ['GET', 'POST'], '/portal/apps/:id/webhooks/:webhookId/delete': ['GET', 'POST'],
      '/portal/apps/:id/webhooks/:webhookId/replay': ['GET', 'POST'],
      // portal: inspector and App settings
      '/portal/apps/:id/settings': ['GET', 'POST'],
      '/portal/apps/:id/requests': ['GET'],
    };

    /** Every route the server serves, from Fastify's own route tree: path → methods (HEAD left out: it follows GET). */
    function servedRoutes(): Map<string, string[]> {
      const out = new Map<string, string[]>();
      const stack: string[] = [];
      for (const line of server.app.printRoutes({ commonPrefix: false }).split('\n')) {
        const m = /^([│ ]*)[├└]── (\S+)(?: \(([^)]*)\))?/.exec(line);
        if (!m) continue;
        const depth = m[1].length / 4;
        stack.length = depth;
        stack.push(m[2]);
        if (m[3]) out.set(stack.join(''), m[3].split(', ').filter((x) => x !== 'HEAD').sort());
      }
      return out;
    }

    it('/openapi.json documents exactly the served API routes; everything else served is a listed non-API route', async () => {
      const r = await call('GET', '/openapi.json');
      assert.equal(r.status, 200);
      const documented = new Map<string, string[]>();
      for (const [path, ops] of Object.entries(r.body!.paths as Record<string, Json>)) {
        documented.set(path.replace(/\{([^}]+)\}/g, ':$1'), Object.keys(ops).map((m) => m.toUpperCase()).sort());
      }
      const served = servedRoutes();
      const undocumented = new Map([...served].filter(([p]) => !(p in NOT_IN_OPENAPI)));
      assert.deepEqual(Object.fromEntries(undocumented), Object.fromEntries(documented), 'served API routes = documented routes');
      for (const [path, methods] of Object.entries(NOT_IN_OPENAPI)) assert.deepEqual(served.get(path), [...methods].sort(), path);
    });

    it('every documented operation answers on its path (no dead entries) and an old version path is not served', async () => {
      const doc = (await call('GET', '/openapi.json')).body!;
      for (const [path, ops] of Object.entries(doc.paths as Record<string, Json>)) {
        const concrete = path.replace('{id}', me.id).replace('{tweet_id}', server.creds.tweets[0].id);
        for (const method of Object.keys(ops)) {
          // A stream stays open: its status line is all this needs.
          const status = path.endsWith('/stream')
            ? await streamStatus(concrete, bearer(server.creds.app.bearerToken))
            : (await call(method.toUpperCase(), concrete, bearer(server.creds.app.bearerToken))).status;
          assert.notEqual(status, 404, `${method.toUpperCase()} ${path}`);
        }
      }
      for (const path of [`/1.1/favorites/list.json`, `/1.1/favorites/create.json`, `/2/users/${me.id}/liked_tweets.json`, `/labs/2/users/${me.id}/liked_tweets`]) {
        assert.equal((await call('GET', path, bearer(me.oauth2AccessToken))).status, 404, path);
      }
    });
  });

  // ---------------------------------------------------------------------------------------------------------
  // Last: node:test runs a suite's tests in order, so every answer above has been seen.
  describe('every answer above (API3, API8)', () => {
    it('carried no secret, no stored secret form, no stack trace and no framework banner', () => {
      assert.ok(seen.length >= 80, `only ${seen.length} answers seen`);
      const STACK = [/\n\s+at\s/, /\.(?:ts|js|mjs):\d+:\d+/, /node:internal/, /node_modules/, /hunter2/, /scrypt\$/];
      // Key names of stored records that are not X fields (passwords, sealed secrets, token hashes, account flags).
      const SECRET_KEYS = /"(?:[a-z_]*(?:password|secret|sealed|salt)[a-z_]*|[a-z_]*hash|suspended|deleted|policy|permission|developer_?state)"\s*:/i;
      for (const s of seen) {
        const all = `${JSON.stringify(s.headers)}\n${s.text}`;
        for (const secret of secrets) assert.ok(!all.includes(secret), `${s.what}: a secret appears in the answer`);
        for (const p of STACK) assert.ok(!p.test(s.text), `${s.what}: ${p} in ${s.text.slice(0, 300)}`);
        // X's own delete replies (DeleteWebhooksResponse, DeleteActivitySubscriptionResponse) have a `deleted` member:
        // as a schema in /openapi.json it is X's field, not a stored record's flag.
        const text = s.what === 'GET /openapi.json' ? s.text.replaceAll('"deleted":{"type":"boolean"}', '') : s.text;
        assert.ok(!SECRET_KEYS.test(text), `${s.what}: internal field in ${text.slice(0, 300)}`);
        assert.equal(s.headers['x-powered-by'], undefined, s.what);
        assert.ok(!/fastify|node|express/i.test(s.headers.server ?? ''), `${s.what}: server banner`);
      }
    });

    it('carried x-content-type-options, x-frame-options and cache-control: no-store, every status alike', () => {
      const statuses = new Set(seen.map((s) => s.status));
      for (const status of [200, 400, 401, 403, 404, 408, 413, 429, 431, 500]) assert.ok(statuses.has(status), `no ${status} was seen`);
      for (const s of seen) {
        assert.equal(s.headers['x-content-type-options'], 'nosniff', `${s.what} (${s.status})`);
        assert.equal(s.headers['x-frame-options'], 'SAMEORIGIN', `${s.what} (${s.status})`);
        assert.match(s.headers['cache-control'] ?? '', /no-store/, `${s.what} (${s.status})`);
      }
    });
  });
});
