// Why an OAuth 1.0a request was refused, for the sandbox request inspector: the base strings the server computed
// (checked against ones computed here from RFC 5849 §3.4.1, not by the service's code), the parameters it used,
// never a secret; the refusal every 401 of the Authenticator carries; and the answer the client gets, unchanged.
import assert from 'node:assert/strict';
import { createHmac, randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { MemoryNonceStore } from '../../src/adapters/memory/memoryNonceStore.ts';
import { Authenticator } from '../../src/auth/authenticate.ts';
import type { AuthRequest } from '../../src/auth/authRequest.ts';
import { OAUTH1_TIMESTAMP_WINDOW_MS, verifyOAuth1Request, type OAuth1Keys, type OAuth1VerifierDeps } from '../../src/auth/oauth1Verifier.ts';
import { hashToken, SecretSealer } from '../../src/auth/secrets.ts';
import type { AuthRefusal, OAuth1Diagnosis } from '../../src/domain/authRefusal.ts';
import type { BearerRecord, OAuth1TokenRecord, UserRecord } from '../../src/domain/model.ts';
import { Unauthorized } from '../../src/domain/problems.ts';
import type { ContentStore } from '../../src/ports/contentStore.ts';
import type { CredentialStore } from '../../src/ports/credentialStore.ts';
import { ManualClock } from '../support/clock.ts';
import { serverForSuite } from '../support/harness.ts';
import { app as appRecord, user as userRecord } from '../support/records.ts';

const UNAUTHORIZED_PRETTY = '{\n  "title": "Unauthorized",\n  "type": "about:blank",\n  "status": 401,\n  "detail": "Unauthorized"\n}';
const UNAUTHORIZED_BODY = { title: 'Unauthorized', type: 'about:blank', status: 401, detail: 'Unauthorized' };

// ---- RFC 5849, written out here ----

/** §3.6: RFC 3986 percent-encoding, only unreserved characters left as they are. */
const enc = (s: string) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

/** §3.4.1.3.2: names and values encoded, sorted by name then value. */
function normalized(params: [string, string][]): [string, string][] {
  return params
    .map(([k, v]): [string, string] => [enc(k), enc(v)])
    .sort(([ak, av], [bk, bv]) => (ak < bk ? -1 : ak > bk ? 1 : av < bv ? -1 : av > bv ? 1 : 0));
}

/** §3.4.1.2: lower-case scheme and host, no default port, the path; no query. */
function baseUri(url: string): string {
  const u = new URL(url);
  const defaultPort = (u.protocol === 'http:' && u.port === '80') || (u.protocol === 'https:' && u.port === '443') || u.port === '';
  return `${u.protocol.toLowerCase()}//${u.hostname.toLowerCase()}${defaultPort ? '' : `:${u.port}`}${u.pathname}`;
}

/** §3.4.1.1: METHOD & base URI & normalized parameters, each encoded. */
function specBaseString(method: string, url: string, params: [string, string][]): string {
  const pairs = normalized(params).map(([k, v]) => `${k}=${v}`).join('&');
  return `${method.toUpperCase()}&${enc(baseUri(url))}&${enc(pairs)}`;
}

/** §3.4.2: HMAC-SHA1 keyed by encoded consumer secret & encoded token secret. */
const hmac = (base: string, consumerSecret: string, tokenSecret: string) =>
  createHmac('sha1', `${enc(consumerSecret)}&${enc(tokenSecret)}`).update(base).digest('base64');

interface Client {
  consumerKey: string;
  consumerSecret: string;
  token: string;
  tokenSecret: string;
}

interface Signed {
  req: AuthRequest;
  /** What the client put in its base string: the query's parameters and the oauth_* header parameters. */
  params: [string, string][];
  /** The base string the client signed. */
  base: string;
  signature: string;
}

/**
 * `method url` as the server at `received` gets it, signed by `client` for `signedFor` (default: where it is sent)
 * with whatever secrets the client holds.
 */
function sign(method: string, url: string, client: Client, now: number, o: { signedFor?: string; timestamp?: string; nonce?: string } = {}): Signed {
  const received = new URL(url);
  const oauth: [string, string][] = [
    ['oauth_consumer_key', client.consumerKey],
    ['oauth_nonce', o.nonce ?? randomBytes(16).toString('hex')],
    ['oauth_signature_method', 'HMAC-SHA1'],
    ['oauth_timestamp', o.timestamp ?? String(Math.floor(now / 1000))],
    ['oauth_token', client.token],
    ['oauth_version', '1.0'],
  ];
  const query = [...received.searchParams];
  const params = [...query, ...oauth];
  const base = specBaseString(method, o.signedFor ?? url, params);
  const signature = hmac(base, client.consumerSecret, client.tokenSecret);
  const header = [...oauth, ['oauth_signature', signature]].map(([k, v]) => `${enc(k)}="${enc(v)}"`).join(', ');
  return {
    req: { method, authorization: `OAuth ${header}`, scheme: received.protocol.slice(0, -1), host: received.host, rawPath: received.pathname, params: query },
    params,
    base,
    signature,
  };
}

/** Every way a secret (or what is derived from it) could be spelled in the diagnosis. */
function assertNoSecret(diagnosis: unknown, client: Client, secrets: readonly string[], derived: readonly string[]): void {
  const json = JSON.stringify(diagnosis);
  for (const s of [...secrets, client.consumerSecret, client.tokenSecret]) {
    for (const spelling of [s, enc(s), enc(enc(s)), JSON.stringify(s).slice(1, -1)]) assert.ok(!json.includes(spelling), `secret ${s} in ${json}`);
  }
  for (const d of derived) {
    for (const spelling of [d, enc(d), enc(enc(d))]) assert.ok(!json.includes(spelling), `${d} in ${json}`);
  }
}

// ---- the verifier ----

describe('OAuth 1.0a refusal diagnosis (verifier)', () => {
  const real: Client = { consumerKey: 'ck-diag', consumerSecret: 'CS-secret-4f9a1c7e2b', token: '42-token-diag', tokenSecret: 'TS-secret-8d3e6b0a55' };
  /** The same client, holding a wrong consumer secret. */
  const wrong: Client = { ...real, consumerSecret: 'CS-wrong-77c1d2e3f4' };
  const app = appRecord('app-diag', { consumerKey: real.consumerKey, consumerSecretSealed: `sealed:${real.consumerSecret}` });
  const keys: OAuth1Keys<{ userId: string }> = {
    consumer: async (key) => (key === real.consumerKey ? app : null),
    token: async (t) => (t === real.token ? { appId: app.id, secretSealed: `sealed:${real.tokenSecret}`, record: { userId: '42' } } : null),
  };
  const RECEIVED = 'http://127.0.0.1:8080/2/users/42/liked_tweets?max_results=5&tweet.fields=created_at%2Cauthor_id&q=a+b%7E%21';
  const PATH = '/2/users/42/liked_tweets';
  const HOST_FORMS = [`http://127.0.0.1:8080${PATH}`, `https://api.x.com${PATH}`, `https://api.twitter.com${PATH}`];

  function setup() {
    const clock = new ManualClock(Date.UTC(2026, 0, 1, 12));
    const deps: OAuth1VerifierDeps = { nonces: new MemoryNonceStore(), clock, open: (sealed) => sealed.replace(/^sealed:/, '') };
    return { clock, deps };
  }

  async function diagnose(req: AuthRequest, deps = setup().deps): Promise<{ reason: string; diagnosis?: OAuth1Diagnosis }> {
    const result = await verifyOAuth1Request(req, keys, deps);
    assert.equal(result.ok, false, 'refused');
    return result as { reason: string; diagnosis?: OAuth1Diagnosis };
  }

  it('bad-signature: the base string for each host form, the one for the received host equal to the client\'s', async () => {
    const { clock, deps } = setup();
    const signed = sign('GET', RECEIVED, wrong, clock.now());
    const { reason, diagnosis } = await diagnose(signed.req, deps);
    assert.equal(reason, 'bad-signature');
    assert.ok(diagnosis?.base_strings);
    assert.deepEqual(diagnosis.base_strings.map((b) => b.base_url), HOST_FORMS);
    assert.deepEqual(diagnosis.base_strings.map((b) => b.repeats_once), [false, false, false]);
    // The client signed for where it sent the request: the first base string is the client's, byte for byte.
    assert.equal(diagnosis.base_strings[0].base_string, signed.base);
    // The others are the same request named by X's hosts, per the spec.
    for (const [i, url] of HOST_FORMS.entries()) assert.equal(diagnosis.base_strings[i].base_string, specBaseString('GET', url, signed.params));

    // The parameters as encoded in the base string, sorted, without oauth_signature.
    assert.deepEqual(diagnosis.parameters, normalized(signed.params).map(([name, value]) => ({ name, value })));
    assert.ok(!diagnosis.parameters!.some((p) => p.name === 'oauth_signature'));
    assert.ok(diagnosis.parameters!.some((p) => p.name === 'q' && p.value === 'a%20b~%21'), 'encoded as in the base string');
    // Public identifiers as sent.
    const header = new Map(signed.params);
    assert.equal(diagnosis.consumer_key, real.consumerKey);
    assert.equal(diagnosis.token, real.token);
    assert.equal(diagnosis.signature_method, 'HMAC-SHA1');
    assert.equal(diagnosis.version, '1.0');
    assert.equal(diagnosis.timestamp, header.get('oauth_timestamp'));
    assert.equal(diagnosis.nonce, header.get('oauth_nonce'));

    // Never a secret, the signing key, the signature expected for any base string, nor the one received.
    const expected = HOST_FORMS.map((url) => hmac(specBaseString('GET', url, signed.params), real.consumerSecret, real.tokenSecret));
    const signingKey = `${enc(real.consumerSecret)}&${enc(real.tokenSecret)}`;
    assertNoSecret(diagnosis, real, [wrong.consumerSecret], [signingKey, ...expected, signed.signature]);
  });

  it('bad-signature with a wrong token secret, and signed for api.x.com: that host form\'s base string is the client\'s', async () => {
    const { clock, deps } = setup();
    const client = { ...real, tokenSecret: 'TS-wrong-0011223344' };
    const signed = sign('GET', RECEIVED, client, clock.now(), { signedFor: `https://api.x.com${PATH}` });
    const { reason, diagnosis } = await diagnose(signed.req, deps);
    assert.equal(reason, 'bad-signature');
    assert.equal(diagnosis?.base_strings?.[1].base_string, signed.base);
    assertNoSecret(diagnosis, real, [client.tokenSecret], [`${enc(real.consumerSecret)}&${enc(real.tokenSecret)}`]);
  });

  it('bad-signature with identical repeated parameters: both variants tried are shown', async () => {
    const { clock, deps } = setup();
    const signed = sign('GET', 'http://127.0.0.1:8080/2/users/42/liked_tweets?a=1&a=1&b=2', wrong, clock.now());
    const { diagnosis } = await diagnose(signed.req, deps);
    const tried = diagnosis!.base_strings!;
    assert.deepEqual(tried.map((b) => [b.base_url, b.repeats_once]), HOST_FORMS.flatMap((url) => [[url, false], [url, true]]));
    const once = signed.params.filter(([k], i) => !(k === 'a' && i === 1));
    assert.equal(tried[0].base_string, signed.base);
    assert.equal(tried[1].base_string, specBaseString('GET', HOST_FORMS[0], once));
  });

  it('other refusals: what each needs, never a base string', async () => {
    const { clock, deps } = setup();
    const now = clock.now();
    const stale = String(Math.floor((now - OAUTH1_TIMESTAMP_WINDOW_MS) / 1000) - 1);
    const staleRefusal = await diagnose(sign('GET', RECEIVED, real, now, { timestamp: stale }).req, deps);
    assert.equal(staleRefusal.reason, 'stale-timestamp');
    assert.equal(staleRefusal.diagnosis?.timestamp, stale);
    assert.equal(staleRefusal.diagnosis?.server_time, Math.floor(now / 1000));
    assert.equal(staleRefusal.diagnosis?.window_seconds, 300);

    const unknown = await diagnose(sign('GET', RECEIVED, { ...real, consumerKey: 'ck-nobody' }, now).req, deps);
    assert.equal(unknown.reason, 'unknown-consumer');
    assert.equal(unknown.diagnosis?.consumer_key, 'ck-nobody');

    const noToken = await diagnose(sign('GET', RECEIVED, { ...real, token: '42-unknown' }, now).req, deps);
    assert.deepEqual([noToken.reason, noToken.diagnosis?.token], ['unknown-token', '42-unknown']);

    const good = sign('GET', RECEIVED, real, now);
    const missing = await diagnose({ ...good.req, authorization: good.req.authorization!.replace(/oauth_nonce="[^"]*", /, '') }, deps);
    assert.equal(missing.reason, 'missing-parameter');
    assert.deepEqual(missing.diagnosis?.missing, ['oauth_nonce']);

    assert.equal((await verifyOAuth1Request(good.req, keys, deps)).ok, true);
    const replay = await diagnose(good.req, deps);
    assert.equal(replay.reason, 'replayed-nonce');
    assert.equal(replay.diagnosis?.nonce, new Map(good.params).get('oauth_nonce'));

    const malformed = await diagnose({ ...good.req, authorization: 'OAuth oauth_consumer_key=unquoted' }, deps);
    assert.deepEqual(malformed, { ok: false, reason: 'malformed-header' });

    for (const refusal of [staleRefusal, unknown, noToken, missing, replay]) {
      assert.equal(refusal.diagnosis?.base_strings, undefined, refusal.reason);
      assert.equal(refusal.diagnosis?.parameters, undefined, refusal.reason);
      assertNoSecret(refusal.diagnosis, real, [], []);
    }
  });
});

// ---- the Authenticator: X's generic 401, carrying the refusal ----

describe('Authenticator refusals', () => {
  const sealer = new SecretSealer(SecretSealer.newKeyHex());
  const client: Client = { consumerKey: 'ck-auth', consumerSecret: 'CS-auth-secret-91aa', token: '7-token-auth', tokenSecret: 'TS-auth-secret-37bb' };
  const app = appRecord('app-auth', { consumerKey: client.consumerKey, consumerSecretSealed: sealer.seal(client.consumerSecret) });
  const users = new Map<string, UserRecord>([
    ['7', userRecord('7')],
    ['8', userRecord('8', { suspended: true })],
  ]);
  const tokens = new Map<string, OAuth1TokenRecord>([
    [client.token, { token: client.token, appId: app.id, userId: '7', secretSealed: sealer.seal(client.tokenSecret), permission: 'read-write' }],
    ['8-token-auth', { token: '8-token-auth', appId: app.id, userId: '8', secretSealed: sealer.seal(client.tokenSecret), permission: 'read' }],
  ]);
  const T0 = Date.UTC(2026, 0, 1, 12);
  const userBearer = (token: string, over: { userId?: string; expiresAt?: number } = {}): [string, BearerRecord] => [
    hashToken(token),
    { kind: 'user', tokenHash: hashToken(token), appId: app.id, userId: '7', scopes: ['tweet.read'], expiresAt: null, ...over },
  ];
  const bearers = new Map<string, BearerRecord>([
    [hashToken('app-bearer'), { kind: 'app', tokenHash: hashToken('app-bearer'), appId: app.id }],
    userBearer('user-bearer'),
    userBearer('expired-bearer', { expiresAt: T0 - 1 }),
    userBearer('suspended-bearer', { userId: '8' }),
    userBearer('gone-user-bearer', { userId: '9' }),
  ]);
  const store = {
    appByConsumerKey: async (key: string) => (key === app.consumerKey ? app : null),
    appById: async (id: string) => (id === app.id ? app : null),
    oauth1Token: async (token: string) => tokens.get(token) ?? null,
    bearerByHash: async (hash: string) => bearers.get(hash) ?? null,
    accountFlags: async (id: string) => users.get(id) ?? null,
  } as unknown as CredentialStore & Pick<ContentStore, 'accountFlags'>;
  const clock = new ManualClock(T0);
  const authenticator = new Authenticator(store, sealer, new MemoryNonceStore(), clock);
  const URL_ = 'http://127.0.0.1:8080/2/users/7/liked_tweets?max_results=5';
  const plain = (authorization: string | undefined): AuthRequest => ({
    method: 'GET', authorization, scheme: 'http', host: '127.0.0.1:8080', rawPath: '/2/users/7/liked_tweets', params: [['max_results', '5']],
  });

  /** Authenticating `req` throws X's generic 401, whose refusal is returned. */
  async function refusalOf(req: AuthRequest): Promise<AuthRefusal> {
    const err = await Promise.resolve(authenticator.authenticate(req)).then(
      () => assert.fail('accepted'),
      (e: unknown) => e,
    );
    assert.ok(err instanceof Unauthorized, String(err));
    assert.equal(err.status, 401);
    assert.deepEqual(err.body, UNAUTHORIZED_BODY);
    assert.equal(err.style, 'problem+json-pretty');
    assert.ok(err.refusal);
    return err.refusal;
  }

  it('names the scheme and reason of every refusal, with the App and user where they were found', async () => {
    assert.deepEqual(await refusalOf(plain(undefined)), { scheme: 'none', reason: 'missing-header' });
    assert.deepEqual(await refusalOf(plain('Basic Y2s6Y3M=')), { scheme: 'basic', reason: 'unsupported-scheme' });
    assert.deepEqual(await refusalOf(plain('Digest x')), { scheme: 'unknown', reason: 'unsupported-scheme' });
    assert.deepEqual(await refusalOf(plain('Bearer %zz')), { scheme: 'unknown', reason: 'malformed-bearer-token' });
    assert.deepEqual(await refusalOf(plain('Bearer nobody')), { scheme: 'unknown', reason: 'unknown-bearer-token' });
    assert.deepEqual(await refusalOf(plain('Bearer expired-bearer')), { scheme: 'oauth2_user', reason: 'expired-token', app_id: app.id, user_id: '7' });
    assert.deepEqual(await refusalOf(plain('Bearer suspended-bearer')), { scheme: 'oauth2_user', reason: 'suspended-user', app_id: app.id, user_id: '8' });
    assert.deepEqual(await refusalOf(plain('Bearer gone-user-bearer')), { scheme: 'oauth2_user', reason: 'unknown-user', app_id: app.id, user_id: '9' });
    const suspended = sign('GET', URL_, { ...client, token: '8-token-auth' }, clock.now());
    assert.deepEqual(await refusalOf(suspended.req), { scheme: 'oauth1', reason: 'suspended-user', app_id: app.id, user_id: '8' });
    const stale = await refusalOf(sign('GET', URL_, client, clock.now(), { timestamp: '1' }).req);
    assert.deepEqual([stale.scheme, stale.reason, stale.oauth1?.timestamp], ['oauth1', 'stale-timestamp', '1']);
    // Accepted credentials still authenticate.
    assert.equal((await authenticator.authenticate(plain('Bearer app-bearer'))).kind, 'app-only');
    assert.equal((await authenticator.authenticate(plain('Bearer user-bearer'))).kind, 'oauth2-user');
    assert.equal((await authenticator.authenticate(sign('GET', URL_, client, clock.now()).req)).kind, 'oauth1');
  });

  it('remembers what a bearer token authenticates under one version, yet refuses it once it has expired', async () => {
    const reads = { bearer: 0, app: 0, account: 0 };
    const counting = {
      ...store,
      bearerByHash: async (hash: string) => (reads.bearer++, bearers.get(hash) ?? null),
      appById: async (id: string) => (reads.app++, id === app.id ? app : null),
      accountFlags: async (id: string) => (reads.account++, users.get(id) ?? null),
    } as unknown as CredentialStore & Pick<ContentStore, 'accountFlags'>;
    const ticking = new ManualClock(T0);
    const remembering = new Authenticator(counting, sealer, new MemoryNonceStore(), ticking);
    const [hash, record] = userBearer('soon-bearer', { expiresAt: T0 + 60_000 });
    bearers.set(hash, record);
    const first = await remembering.authenticate(plain('Bearer soon-bearer'), 'v1');
    const again = await remembering.authenticate(plain('Bearer soon-bearer'), 'v1');
    assert.equal(again, first, 'the same principal under the same version');
    assert.deepEqual(reads, { bearer: 1, app: 1, account: 1 });
    ticking.advance(60_000);
    const err = await Promise.resolve(remembering.authenticate(plain('Bearer soon-bearer'), 'v1')).then(() => assert.fail('accepted'), (e: unknown) => e);
    assert.ok(err instanceof Unauthorized);
    assert.deepEqual(err.refusal, { scheme: 'oauth2_user', reason: 'expired-token', app_id: app.id, user_id: '7' });
    // Another version reads afresh: a credential write (or a suspension) since is seen.
    ticking.set(T0);
    await remembering.authenticate(plain('Bearer soon-bearer'), 'v2');
    assert.deepEqual(reads, { bearer: 2, app: 2, account: 2 });
  });

  it('a bad OAuth 1.0a signature carries the diagnosis, and no secret anywhere on the error', async () => {
    const wrong = { ...client, consumerSecret: 'CS-auth-wrong-55cc' };
    const signed = sign('GET', URL_, wrong, clock.now());
    const refusal = await refusalOf(signed.req);
    assert.equal(refusal.scheme, 'oauth1');
    assert.equal(refusal.reason, 'bad-signature');
    assert.equal(refusal.oauth1?.base_strings?.[0].base_string, signed.base);
    const err = await Promise.resolve(authenticator.authenticate(signed.req)).catch((e: unknown) => e);
    assertNoSecret({ ...(err as object), message: (err as Error).message }, client, [wrong.consumerSecret], [`${enc(client.consumerSecret)}&${enc(client.tokenSecret)}`]);
  });
});

// ---- over HTTP: the client sees nothing of it ----

describe('a refused OAuth 1.0a request over HTTP', () => {
  const server = serverForSuite();

  it('answers X\'s generic 401, whatever the diagnosis', async () => {
    const user = server.creds.users[0];
    const path = `/2/users/${user.id}/liked_tweets?max_results=5`;
    const client: Client = { consumerKey: server.creds.app.consumerKey, consumerSecret: 'wrong-secret', token: user.accessToken, tokenSecret: user.accessTokenSecret };
    for (const c of [client, { ...client, consumerSecret: server.creds.app.consumerSecret, tokenSecret: 'wrong' }]) {
      const { req } = sign('GET', `${server.baseUrl}${path}`, c, Date.now());
      const res = await fetch(`${server.baseUrl}${path}`, { headers: { authorization: req.authorization! } });
      assert.equal(res.status, 401);
      assert.equal(res.headers.get('content-type'), 'application/problem+json');
      assert.equal(await res.text(), UNAUTHORIZED_PRETTY);
    }
  });
});
