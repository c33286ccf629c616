// The one OAuth 1.0a verifier: every refusal reason reachable, the host forms a client may sign for, the nonce key
// and lifetime; then the API (Authenticator) and the /oauth/ endpoints (OAuth1Flow) sharing its nonces, so a
// request one accepted is a replay for the other.
import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { MemoryNonceStore } from '../../src/adapters/memory/memoryNonceStore.ts';
import type { AuthRequest } from '../../src/auth/authRequest.ts';
import { openAuthFlows, type AuthFlows } from '../../src/auth/flows/index.ts';
import { oauth1BaseString, oauth1HmacSha1, percentEncode } from '../../src/auth/oauth1.ts';
import {
  OAUTH1_TIMESTAMP_WINDOW_MS, verifyOAuth1Request, type OAuth1Keys, type OAuth1Refusal, type OAuth1VerifierDeps, type SigningToken,
} from '../../src/auth/oauth1Verifier.ts';
import { loadConfig } from '../../src/config.ts';
import { ensureDemo, type DemoCredentials } from '../../src/demo/demoSeed.ts';
import type { AppRecord } from '../../src/domain/model.ts';
import { ApiProblem } from '../../src/domain/problems.ts';
import { ManualClock } from '../support/clock.ts';
import type { NonceStore } from '../../src/ports/nonceStore.ts';
import { openServices, type Services } from '../../src/services.ts';

interface Keys {
  key: string;
  secret: string;
}

interface SignOptions {
  /** The URL the client signed (default: the one the request reached). */
  signedUrl?: string;
  token?: Keys | null;
  nonce?: string;
  timestamp?: string;
  /** Header parameters set (or, with undefined, removed) after signing defaults are chosen. */
  oauth?: Record<string, string | undefined>;
  consumerSecret?: string;
  params?: [string, string][];
}

/** The AuthRequest of `method url` as the server receives it, signed by the client per `o`. */
function signed(method: string, url: string, consumer: Keys, now: number, o: SignOptions = {}): AuthRequest {
  const received = new URL(url);
  const signedFor = new URL(o.signedUrl ?? url);
  const oauth: Record<string, string> = {
    oauth_consumer_key: consumer.key,
    oauth_nonce: o.nonce ?? randomBytes(16).toString('hex'),
    oauth_signature_method: 'HMAC-SHA1',
    oauth_timestamp: o.timestamp ?? String(Math.floor(now / 1000)),
    oauth_version: '1.0',
    ...(o.token ? { oauth_token: o.token.key } : {}),
  };
  for (const [k, v] of Object.entries(o.oauth ?? {})) {
    if (v === undefined) delete oauth[k];
    else oauth[k] = v;
  }
  const params: [string, string][] = [...received.searchParams, ...(o.params ?? [])];
  const base = oauth1BaseString(method, `${signedFor.origin}${signedFor.pathname}`, [...params, ...Object.entries(oauth)]);
  const signature = oauth1HmacSha1(base, o.consumerSecret ?? consumer.secret, o.token?.secret ?? '');
  const header = Object.entries({ ...oauth, oauth_signature: signature }).map(([k, v]) => `${percentEncode(k)}="${percentEncode(v)}"`);
  return {
    method,
    authorization: `OAuth ${header.join(', ')}`,
    scheme: received.protocol.slice(0, -1),
    host: received.host,
    rawPath: received.pathname,
    params,
  };
}

/** A nonce store that records what it was asked to remember. */
class RecordingNonces implements NonceStore {
  readonly calls: { key: string; ttlMs: number; now: number }[] = [];
  constructor(private readonly inner: NonceStore = new MemoryNonceStore()) {}
  remember(key: string, ttlMs: number, now: number): Promise<boolean> {
    this.calls.push({ key, ttlMs, now });
    return this.inner.remember(key, ttlMs, now);
  }
  close(): Promise<void> {
    return this.inner.close();
  }
}

describe('verifyOAuth1Request', () => {
  const consumer: Keys = { key: 'ck-1', secret: 'consumer secret' };
  const token: Keys = { key: '42-token', secret: 'token secret' };
  const other: Keys = { key: 'ck-2', secret: 'other secret' };
  const app = { id: 'app-1', consumerKey: consumer.key, consumerSecretSealed: `sealed:${consumer.secret}` } as AppRecord;
  const otherApp = { id: 'app-2', consumerKey: other.key, consumerSecretSealed: `sealed:${other.secret}` } as AppRecord;
  const tokens = new Map<string, SigningToken<{ userId: string }>>([
    [token.key, { appId: app.id, secretSealed: `sealed:${token.secret}`, record: { userId: '42' } }],
  ]);
  const keys: OAuth1Keys<{ userId: string }> = {
    consumer: async (key) => [app, otherApp].find((a) => a.consumerKey === key) ?? null,
    token: async (t) => (t === undefined ? null : tokens.get(t) ?? null),
  };
  const consumerOnly: OAuth1Keys<never> = { consumer: keys.consumer };
  const URL_ = 'http://127.0.0.1:8080/2/users/42/liked_tweets?max_results=5';

  function setup() {
    const clock = new ManualClock(Date.UTC(2026, 0, 1, 12));
    const nonces = new RecordingNonces();
    const deps: OAuth1VerifierDeps = { nonces, clock, open: (sealed) => sealed.replace(/^sealed:/, '') };
    return { clock, nonces, deps };
  }

  async function reason(req: AuthRequest, k: OAuth1Keys<unknown> = keys, d = setup().deps): Promise<OAuth1Refusal | 'ok'> {
    const result = await verifyOAuth1Request(req, k, d);
    return result.ok ? 'ok' : result.reason;
  }

  it('returns who signed: the App, consumer key, token record and header parameters', async () => {
    const { clock, deps } = setup();
    const result = await verifyOAuth1Request(signed('GET', URL_, consumer, clock.now(), { token }), keys, deps);
    assert.ok(result.ok);
    assert.equal(result.app, app);
    assert.equal(result.consumerKey, consumer.key);
    assert.deepEqual(result.token?.record, { userId: '42' });
    assert.equal(result.oauth.get('oauth_token'), token.key);
    assert.equal(result.oauth.get('oauth_signature_method'), 'HMAC-SHA1');
  });

  it('verifies a request signed with the consumer key alone (empty token secret) when no token is looked up', async () => {
    const { clock } = setup();
    assert.equal(await reason(signed('POST', 'http://127.0.0.1:8080/oauth/request_token', consumer, clock.now()), consumerOnly), 'ok');
    // The same request is refused where a token is required.
    assert.equal(await reason(signed('POST', 'http://127.0.0.1:8080/oauth/request_token', consumer, clock.now())), 'unknown-token');
  });

  it('accepts a signature over the URL as received, api.x.com or api.twitter.com, and no other host', async () => {
    const { clock } = setup();
    const now = clock.now();
    const path = '/2/users/42/liked_tweets?max_results=5';
    for (const signedUrl of [URL_, `https://api.x.com${path}`, `https://api.twitter.com${path}`]) {
      assert.equal(await reason(signed('GET', URL_, consumer, now, { token, signedUrl })), 'ok', signedUrl);
    }
    // Scheme and host are compared normalised (lower case, no default port).
    const https = signed('GET', 'https://likes.example/2/users/42/liked_tweets', consumer, now, { token });
    assert.equal(await reason({ ...https, host: 'LIKES.example:443' }), 'ok');
    for (const signedUrl of [`https://api.example.com${path}`, `http://api.x.com${path}`, `https://api.x.com/2/users/43/liked_tweets`]) {
      assert.equal(await reason(signed('GET', URL_, consumer, now, { token, signedUrl })), 'bad-signature', signedUrl);
    }
  });

  it('reaches every refusal reason', async () => {
    const { clock } = setup();
    const now = clock.now();
    const good = signed('GET', URL_, consumer, now, { token });
    const cases: [OAuth1Refusal, AuthRequest][] = [
      ['missing-header', { ...good, authorization: undefined }],
      ['missing-header', { ...good, authorization: '   ' }],
      ['missing-header', { ...good, authorization: 'Bearer AAAA' }],
      ['malformed-header', { ...good, authorization: 'OAuth oauth_consumer_key=unquoted' }],
      ['malformed-header', { ...good, authorization: `${good.authorization}, trailing` }],
      ['missing-parameter', signed('GET', URL_, consumer, now, { token, oauth: { oauth_nonce: undefined } })],
      ['missing-parameter', signed('GET', URL_, consumer, now, { token, oauth: { oauth_timestamp: undefined } })],
      ['missing-parameter', { ...good, authorization: good.authorization!.replace(/oauth_consumer_key="[^"]*"/, 'oauth_consumer_key=""') }],
      ['missing-parameter', { ...good, authorization: good.authorization!.replace(/, oauth_signature="[^"]*"/, '') }],
      ['unsupported-signature-method', signed('GET', URL_, consumer, now, { token, oauth: { oauth_signature_method: 'PLAINTEXT' } })],
      ['unsupported-signature-method', signed('GET', URL_, consumer, now, { token, oauth: { oauth_signature_method: undefined } })],
      ['unsupported-version', signed('GET', URL_, consumer, now, { token, oauth: { oauth_version: '2.0' } })],
      ['stale-timestamp', signed('GET', URL_, consumer, now, { token, timestamp: String(Math.floor((now - OAUTH1_TIMESTAMP_WINDOW_MS) / 1000) - 1) })],
      ['stale-timestamp', signed('GET', URL_, consumer, now, { token, timestamp: String(Math.floor((now + OAUTH1_TIMESTAMP_WINDOW_MS) / 1000) + 1) })],
      ['stale-timestamp', signed('GET', URL_, consumer, now, { token, timestamp: 'soon' })],
      ['unknown-consumer', signed('GET', URL_, { key: 'ck-nobody', secret: 'x' }, now, { token })],
      ['unknown-token', signed('GET', URL_, consumer, now)],
      ['unknown-token', signed('GET', URL_, consumer, now, { token: { key: '42-unknown', secret: token.secret } })],
      // Another App's consumer key with this App's token.
      ['unknown-token', signed('GET', URL_, other, now, { token })],
      ['bad-signature', signed('GET', URL_, consumer, now, { token, consumerSecret: 'wrong' })],
      ['bad-signature', signed('GET', URL_, consumer, now, { token: { key: token.key, secret: 'wrong' } })],
      ['bad-signature', { ...signed('GET', URL_, consumer, now, { token }), method: 'POST' }],
      ['bad-signature', { ...good, params: [...good.params, ['unsigned', 'extra']] }],
    ];
    for (const [expected, req] of cases) assert.equal(await reason(req), expected, `${expected}: ${req.authorization}`);
  });

  it('refuses a replayed nonce, only while the timestamp is in the window, and spends no nonce on a forgery', async () => {
    const { clock, nonces, deps } = setup();
    const nonce = randomBytes(8).toString('hex');
    const timestamp = String(Math.floor(clock.now() / 1000));
    const forged = signed('GET', URL_, consumer, clock.now(), { token, nonce, timestamp, consumerSecret: 'wrong' });
    assert.equal(await reason(forged, keys, deps), 'bad-signature');
    assert.equal(nonces.calls.length, 0, 'a forged request spends no nonce');

    const first = signed('GET', URL_, consumer, clock.now(), { token, nonce, timestamp });
    assert.equal(await reason(first, keys, deps), 'ok');
    // Another request with the same nonce and timestamp is a replay too, whatever it asks for.
    const again = signed('GET', 'http://127.0.0.1:8080/2/tweets/7/liking_users', consumer, clock.now(), { token, nonce, timestamp });
    assert.equal(await reason(again, keys, deps), 'replayed-nonce');
    // The same nonce with another timestamp, or another token, is another request.
    assert.equal(await reason(signed('GET', URL_, consumer, clock.now(), { token, nonce, timestamp: String(Number(timestamp) + 1) }), keys, deps), 'ok');
    assert.equal(await reason(signed('GET', URL_, consumer, clock.now(), { nonce, timestamp }), consumerOnly, deps), 'ok');

    // Kept under a short digest, until the timestamp leaves the window; after that the timestamp refuses it.
    const call = nonces.calls[0];
    assert.match(call.key, /^oauth1:[0-9a-f]{32}$/);
    assert.ok(!call.key.includes(nonce) && !call.key.includes(consumer.key));
    assert.equal(call.ttlMs, Number(timestamp) * 1000 + OAUTH1_TIMESTAMP_WINDOW_MS - call.now);
    clock.advance(OAUTH1_TIMESTAMP_WINDOW_MS - 1000);
    assert.equal(await reason(first, keys, deps), 'replayed-nonce');
    clock.advance(2000);
    assert.equal(await reason(first, keys, deps), 'stale-timestamp');
  });
});

describe('the API and the /oauth/ endpoints share one nonce scheme', () => {
  let dataDir: string;
  let services: Services;
  let flows: AuthFlows;
  let creds: DemoCredentials;
  const received = 'http://127.0.0.1:8080';

  before(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'likes-verifier-'));
    services = await openServices(loadConfig({ PORT: '0', HOST: '127.0.0.1', LIKES_API_DATA_DIR: dataDir }));
    creds = (await ensureDemo(services, randomUUID()))!;
    flows = await openAuthFlows(services, services);
  });

  after(async () => {
    await services.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('refuses on invalidate_token a nonce the API accepted, and the token stays valid', async () => {
    const user = creds.users[0];
    const consumer = { key: creds.app.consumerKey, secret: creds.app.consumerSecret };
    const token = { key: user.accessToken, secret: user.accessTokenSecret };
    const nonce = randomBytes(16).toString('hex');
    const now = Date.now();
    const timestamp = String(Math.floor(now / 1000));
    const api = signed('GET', `${received}/2/users/${user.id}/liked_tweets`, consumer, now, { token, nonce, timestamp });
    const principal = await services.authenticator.authenticate(api);
    assert.equal(principal.kind, 'oauth1');

    // The same nonce and timestamp on /oauth/invalidate_token: a replay, answered as an invalid token.
    const invalidate = signed('POST', `${received}/oauth/invalidate_token`, consumer, now, { token, nonce, timestamp });
    assert.deepEqual(await flows.oauth1.invalidate(invalidate), {
      status: 401, kind: 'json', body: JSON.stringify({ errors: [{ code: 89, message: 'Invalid or expired token.' }] }),
    });
    // Refused for the nonce, not the signature: the token was not revoked, and a fresh nonce is accepted.
    assert.equal((await services.authenticator.authenticate(signed('GET', `${received}/2/users/${user.id}/liked_tweets`, consumer, now, { token }))).kind, 'oauth1');
    // And the API refuses its own replay with the generic 401.
    await assert.rejects(Promise.resolve(services.authenticator.authenticate(api)), (e: unknown) => e instanceof ApiProblem && e.status === 401);
  });

  it('refuses on the API a nonce invalidate_token accepted', async () => {
    const user = creds.users[1];
    const consumer = { key: creds.app.consumerKey, secret: creds.app.consumerSecret };
    const token = { key: user.accessToken, secret: user.accessTokenSecret };
    const nonce = randomBytes(16).toString('hex');
    const now = Date.now();
    const timestamp = String(Math.floor(now / 1000));
    const invalidate = signed('POST', `${received}/oauth/invalidate_token`, consumer, now, { token, nonce, timestamp });
    assert.equal((await flows.oauth1.invalidate(invalidate)).status, 200);
    // The nonce is spent under the key the API uses too (the token is revoked as well, so check at the verifier).
    const replay = signed('GET', `${received}/2/users/${user.id}/liked_tweets`, consumer, now, { token, nonce, timestamp });
    const result = await verifyOAuth1Request(
      replay,
      { consumer: async () => services.store.appByConsumerKey(consumer.key), token: async () => ({ appId: creds.app.id, secretSealed: services.sealer.seal(token.secret), record: null }) },
      { nonces: services.shared.nonceStore, clock: services.clock, open: (s) => services.sealer.open(s) },
    );
    assert.ok(!result.ok);
    assert.equal(result.reason, 'replayed-nonce');
  });
});
