// OAuth 1.0a user context over real HTTP (spec §8.2), signed by hand here (RFC 5849 §3.4, HMAC-SHA1), not by
// the service's own code: which base URLs a signature may name, what a wrong secret or an edited request
// gets, nonce replay, the timestamp window (real clock), and which bodies are part of the signature.
import assert from 'node:assert/strict';
import { createHmac, randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { assertValidError, assertValidSuccess } from '../support/openapi.ts';
import { serverForSuite, type TestServer } from '../support/harness.ts';

type Json = Record<string, any>;

const UNAUTHORIZED_PRETTY = '{\n  "title": "Unauthorized",\n  "type": "about:blank",\n  "status": 401,\n  "detail": "Unauthorized"\n}';

/** RFC 3986 percent-encoding: only A-Z a-z 0-9 - . _ ~ stay as they are. */
const enc = (s: string) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

interface Keys {
  consumerKey: string;
  consumerSecret: string;
  token: string;
  tokenSecret: string;
}

interface SignOptions {
  /** The URL the signature names (scheme, host, path and query), which need not be where the request goes. */
  url: string;
  method: string;
  keys: Keys;
  /** Extra parameters in the base string (form-encoded body fields), decoded. */
  bodyParams?: [string, string][];
  timestamp?: number;
  nonce?: string;
  signatureMethod?: string;
}

/** The `Authorization: OAuth …` header for a request, per RFC 5849 §3.4.1 (base string) and §3.4.2 (HMAC-SHA1). */
function oauthHeader(o: SignOptions): string {
  const url = new URL(o.url);
  const oauth: [string, string][] = [
    ['oauth_consumer_key', o.keys.consumerKey],
    ['oauth_nonce', o.nonce ?? randomBytes(16).toString('hex')],
    ['oauth_signature_method', o.signatureMethod ?? 'HMAC-SHA1'],
    ['oauth_timestamp', String(o.timestamp ?? Math.floor(Date.now() / 1000))],
    ['oauth_token', o.keys.token],
    ['oauth_version', '1.0'],
  ];
  const params = [...url.searchParams.entries(), ...(o.bodyParams ?? []), ...oauth]
    .map(([k, v]) => [enc(k), enc(v)] as const)
    .sort(([ak, av], [bk, bv]) => (ak < bk ? -1 : ak > bk ? 1 : av < bv ? -1 : av > bv ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
  const port = url.port && !((url.protocol === 'http:' && url.port === '80') || (url.protocol === 'https:' && url.port === '443')) ? `:${url.port}` : '';
  const baseUrl = `${url.protocol.toLowerCase()}//${url.hostname.toLowerCase()}${port}${url.pathname}`;
  const base = `${o.method.toUpperCase()}&${enc(baseUrl)}&${enc(params)}`;
  const signature = createHmac('sha1', `${enc(o.keys.consumerSecret)}&${enc(o.keys.tokenSecret)}`).update(base).digest('base64');
  return `OAuth ${[...oauth, ['oauth_signature', signature]].map(([k, v]) => `${enc(k)}="${enc(v)}"`).join(', ')}`;
}

interface Reply {
  status: number;
  headers: Headers;
  text: string;
  body: Json | null;
}

/** Sends `method pathAndQuery` to the local server with the given Authorization header; validates the body. */
async function send(
  server: TestServer,
  method: string,
  pathAndQuery: string,
  authorization: string,
  body?: { contentType: string; text: string },
): Promise<Reply> {
  const headers: Record<string, string> = { authorization };
  if (body) headers['content-type'] = body.contentType;
  const res = await fetch(`${server.baseUrl}${pathAndQuery}`, { method, headers, body: body?.text });
  const text = await res.text();
  const parsed = text ? (JSON.parse(text) as Json) : null;
  if (res.status === 200) assertValidSuccess(pathAndQuery, method, parsed);
  else if (text) assertValidError(parsed);
  return { status: res.status, headers: res.headers, text, body: parsed };
}

function assertUnauthorized(r: Reply, what: string): void {
  assert.equal(r.status, 401, `${what}: ${r.text}`);
  assert.equal(r.text, UNAUTHORIZED_PRETTY, what);
  assert.equal(r.headers.get('content-type'), 'application/problem+json');
  assert.equal(r.headers.get('x-rate-limit-limit'), null, `${what}: no rate-limit headers on a 401`);
}

describe('OAuth 1.0a user context over HTTP (§8.2)', () => {
  const server = serverForSuite();

  const keysOf = (i: number): Keys => ({
    consumerKey: server.creds.app.consumerKey,
    consumerSecret: server.creds.app.consumerSecret,
    token: server.creds.users[i].accessToken,
    tokenSecret: server.creds.users[i].accessTokenSecret,
  });
  const likedPath = () => `/2/users/${server.creds.heavyLikerUserId}/liked_tweets?max_results=5`;

  /** A visible Tweet user `i` has not liked (the `skip`-th such). */
  async function unliked(i: number, skip: number): Promise<string> {
    const rows = await server.services.store.likesByUser(server.creds.users[i].id, { limit: 100_000, direction: 'older' });
    const liked = new Set(rows.map((r) => r.tweetId));
    return server.creds.tweets.filter((t) => !liked.has(t.id))[skip].id;
  }

  it('accepts a request signed for the URL it was sent to', async () => {
    const path = likedPath();
    const r = await send(server, 'GET', path, oauthHeader({ method: 'GET', url: `${server.baseUrl}${path}`, keys: keysOf(0) }));
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body!.data.length, 5);
    assert.match(r.headers.get('x-access-level') ?? '', /^read-write/);
  });

  it('accepts requests signed for https://api.x.com/2/… and https://api.twitter.com/2/… but sent here', async () => {
    const path = likedPath();
    for (const host of ['https://api.x.com', 'https://api.twitter.com', 'https://API.X.COM:443']) {
      const r = await send(server, 'GET', path, oauthHeader({ method: 'GET', url: `${host}${path}`, keys: keysOf(0) }));
      assert.equal(r.status, 200, `signed for ${host}: ${r.text}`);
      assert.equal(r.body!.data.length, 5);
    }
  });

  it('accepts a realm, any parameter order and no spaces in the header (realm is not signed)', async () => {
    const path = likedPath();
    const header = oauthHeader({ method: 'GET', url: `${server.baseUrl}${path}`, keys: keysOf(0) });
    const params = header.slice('OAuth '.length).split(', ');
    const reshaped = `OAuth realm="https://api.x.com/",${[...params].reverse().join(',')}`;
    const r = await send(server, 'GET', path, reshaped);
    assert.equal(r.status, 200, r.text);
  });

  it('refuses a signature for any other host or path', async () => {
    const path = likedPath();
    const other = `/2/users/${server.creds.users[1].id}/liked_tweets?max_results=5`;
    for (const url of [`https://example.com${path}`, `http://api.x.com${path}`, `https://api.x.com/1.1${path.slice(2)}`, `https://api.x.com${other}`]) {
      assertUnauthorized(await send(server, 'GET', path, oauthHeader({ method: 'GET', url, keys: keysOf(0) })), `signed for ${url}`);
    }
  });

  it('refuses a wrong consumer secret, a wrong token secret, an unknown token or a token of another App', async () => {
    const path = likedPath();
    const url = `${server.baseUrl}${path}`;
    const good = keysOf(1);
    const variants: [string, Keys][] = [
      ['wrong consumer secret', { ...good, consumerSecret: `${good.consumerSecret}x` }],
      ['wrong token secret', { ...good, tokenSecret: `${good.tokenSecret[0] === 'x' ? 'y' : 'x'}${good.tokenSecret.slice(1)}` }],
      ['no token secret', { ...good, tokenSecret: '' }],
      ['unknown token', { ...good, token: `${server.creds.users[1].id}-nope` }],
      ['token of another App', { ...good, consumerKey: server.creds.appWithoutProject.consumerKey, consumerSecret: server.creds.appWithoutProject.consumerSecret }],
    ];
    for (const [what, keys] of variants) {
      assertUnauthorized(await send(server, 'GET', path, oauthHeader({ method: 'GET', url, keys })), what);
    }
    assert.equal((await send(server, 'GET', path, oauthHeader({ method: 'GET', url, keys: good }))).status, 200, 'the right keys work');
  });

  it('refuses a request whose query, method or path was changed after signing', async () => {
    const keys = keysOf(1);
    const path = likedPath();
    const signed = oauthHeader({ method: 'GET', url: `${server.baseUrl}${path}`, keys });
    assertUnauthorized(await send(server, 'GET', path.replace('max_results=5', 'max_results=6'), signed), 'tampered query');
    const extra = oauthHeader({ method: 'GET', url: `${server.baseUrl}${path}`, keys });
    assertUnauthorized(await send(server, 'GET', `${path}&tweet.fields=created_at`, extra), 'added parameter');
    const dropped = oauthHeader({ method: 'GET', url: `${server.baseUrl}${path}`, keys });
    assertUnauthorized(await send(server, 'GET', path.split('?')[0], dropped), 'removed parameter');
    const otherUser = `/2/users/${server.creds.users[3].id}/liked_tweets?max_results=5`;
    const moved = oauthHeader({ method: 'GET', url: `${server.baseUrl}${path}`, keys });
    assertUnauthorized(await send(server, 'GET', otherUser, moved), 'other path');
    const asPost = oauthHeader({ method: 'POST', url: `${server.baseUrl}${path}`, keys });
    assertUnauthorized(await send(server, 'GET', path, asPost), 'signed as POST, sent as GET');
  });

  it('refuses a replayed nonce', async () => {
    const path = likedPath();
    const header = oauthHeader({ method: 'GET', url: `${server.baseUrl}${path}`, keys: keysOf(2) });
    assert.equal((await send(server, 'GET', path, header)).status, 200);
    assertUnauthorized(await send(server, 'GET', path, header), 'the same signed request again');
    // The same nonce in a request with different parameters (so a different signature) is a replay too.
    const nonce = randomBytes(8).toString('hex');
    const timestamp = Math.floor(Date.now() / 1000);
    const first = oauthHeader({ method: 'GET', url: `${server.baseUrl}${path}`, keys: keysOf(2), nonce, timestamp });
    assert.equal((await send(server, 'GET', path, first)).status, 200);
    const path6 = path.replace('max_results=5', 'max_results=6');
    const second = oauthHeader({ method: 'GET', url: `${server.baseUrl}${path6}`, keys: keysOf(2), nonce, timestamp });
    assertUnauthorized(await send(server, 'GET', path6, second), 'nonce used again with the same timestamp');
  });

  it('refuses timestamps 10 minutes off either way, accepts a clock 2 minutes off', async () => {
    const path = likedPath();
    const now = Math.floor(Date.now() / 1000);
    for (const offset of [-600, 600, -86_400]) {
      const header = oauthHeader({ method: 'GET', url: `${server.baseUrl}${path}`, keys: keysOf(3), timestamp: now + offset });
      assertUnauthorized(await send(server, 'GET', path, header), `timestamp ${offset} s off`);
    }
    for (const offset of [-120, 120]) {
      const header = oauthHeader({ method: 'GET', url: `${server.baseUrl}${path}`, keys: keysOf(3), timestamp: now + offset });
      assert.equal((await send(server, 'GET', path, header)).status, 200, `timestamp ${offset} s off is within the window`);
    }
  });

  it('refuses other signature methods', async () => {
    const path = likedPath();
    for (const method of ['PLAINTEXT', 'HMAC-SHA256', 'RSA-SHA1']) {
      const header = oauthHeader({ method: 'GET', url: `${server.baseUrl}${path}`, keys: keysOf(3), signatureMethod: method });
      assertUnauthorized(await send(server, 'GET', path, header), method);
    }
  });

  it('signs decoded query values, whatever their encoding on the wire', async () => {
    const keys = keysOf(4);
    const base = `/2/users/${server.creds.heavyLikerUserId}/liked_tweets?max_results=5`;
    for (const query of ['&tweet.fields=created_at,author_id', '&tweet.fields=created_at%2Cauthor_id', '&tweet.fields=created_at%2cauthor_id']) {
      const path = `${base}${query}`;
      const r = await send(server, 'GET', path, oauthHeader({ method: 'GET', url: `${server.baseUrl}${path}`, keys }));
      assert.equal(r.status, 200, `${query}: ${r.text}`);
      assert.ok(r.body!.data.every((t: Json) => typeof t.author_id === 'string'));
    }
    // Reserved characters and spaces: the signature holds, so the request reaches validation (400, not 401).
    const odd = `${base}&x=a%20b%2B%21%2A%27%28%29~`;
    const r = await send(server, 'GET', odd, oauthHeader({ method: 'GET', url: `${server.baseUrl}${odd}`, keys }));
    assert.equal(r.status, 400, r.text);
    assert.deepEqual(r.body!.errors[0].parameters, { x: ["a b+!*'()~"] });
  });

  it('leaves a JSON body out of the signature base string', async () => {
    const me = server.creds.users[1];
    const path = `/2/users/${me.id}/likes`;
    const tweet = await unliked(1, 0);
    const json = { contentType: 'application/json', text: JSON.stringify({ tweet_id: tweet }) };
    try {
      const withBody = oauthHeader({ method: 'POST', url: `${server.baseUrl}${path}`, keys: keysOf(1), bodyParams: [['tweet_id', tweet]] });
      assertUnauthorized(await send(server, 'POST', path, withBody, json), 'JSON body fields signed as parameters');
      const header = oauthHeader({ method: 'POST', url: `${server.baseUrl}${path}`, keys: keysOf(1) });
      const r = await send(server, 'POST', path, header, json);
      assert.equal(r.status, 200, r.text);
      assert.equal(r.text, '{"data":{"liked":true}}');
      const del = `${path}/${tweet}`;
      const d = await send(server, 'DELETE', del, oauthHeader({ method: 'DELETE', url: `${server.baseUrl}${del}`, keys: keysOf(1) }));
      assert.equal(d.text, '{"data":{"liked":false}}');
    } finally {
      await server.services.store.unlike(me.id, tweet, Date.now());
    }
  });

  it('includes form-encoded body parameters in the signature base string', async () => {
    const me = server.creds.users[2];
    const path = `/2/users/${me.id}/likes`;
    const tweet = await unliked(2, 1);
    const form = { contentType: 'application/x-www-form-urlencoded', text: `tweet_id=${tweet}&note=a+b%21` };
    const without = oauthHeader({ method: 'POST', url: `${server.baseUrl}${path}`, keys: keysOf(2) });
    assertUnauthorized(await send(server, 'POST', path, without, form), 'form parameters left out of the signature');
    const signed = oauthHeader({
      method: 'POST',
      url: `${server.baseUrl}${path}`,
      keys: keysOf(2),
      bodyParams: [['tweet_id', tweet], ['note', 'a b!']],
    });
    // Authenticated; then refused for the content type, as X does (§4.3).
    const r = await send(server, 'POST', path, signed, form);
    assert.equal(r.status, 400, r.text);
    assert.deepEqual(r.body!.errors, [{ parameters: {}, message: 'Requests with bodies must have content-type of application/json.' }]);
    assert.ok(!(await server.services.store.likesOfTweet(tweet, { limit: 1000, direction: 'older' })).some((l) => l.userId === me.id));
  });
});
