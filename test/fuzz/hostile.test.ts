// Hostile input against a real server: generated bad requests (fast-check, fixed seeds) over a raw TCP socket
// where fetch would refuse to send them, and over fetch otherwise. Whatever arrives, the answer must be a 4xx
// (never a 5xx, never silence, never a hang) carrying either nothing or one of X's error documents, never HTML
// or a stack trace; unknown routes answer an empty 404. Afterwards the server must still be healthy and a like
// made before the run must be untouched.
//
// How many generated requests a run sends is LIKES_API_FUZZ_RUNS (default 3,000 across all families, shared out
// by the weights below; `npm run fuzz` sends 50,000). The listed edge cases are sent once on top of that. The
// last test reports the count of requests sent and of server errors (5xx) seen.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { Ajv, type ValidateFunction } from 'ajv';
import formatsPlugin from 'ajv-formats';
import fc from 'fast-check';
import { serverForSuite } from '../support/harness.ts';
import { oauth1Authorization } from '../support/processes.ts';
import { RawTimeoutError, exchange, parseResponse, type RawResponse } from '../support/rawHttp.ts';

const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const X_OPENAPI_V2159 = join(REPO_ROOT, 'test', 'fixtures', 'x', 'x-openapi-likes-v2.159.json');

/** Generated requests per run, over all families (the listed edge cases come on top). */
const FUZZ_RUNS = Number(process.env.LIKES_API_FUZZ_RUNS || 3_000);
if (!Number.isSafeInteger(FUZZ_RUNS) || FUZZ_RUNS < 1) throw new Error(`LIKES_API_FUZZ_RUNS must be a positive whole number (got "${process.env.LIKES_API_FUZZ_RUNS}")`);
/** Each family's share of FUZZ_RUNS. */
const WEIGHTS = {
  rawPath: 30, rawOverlong: 10, rawMethod: 15, rawHeaders: 20, rawBodies: 30, badId: 30, badQuery: 60, badBody: 40, badCredentials: 40,
  wrongMethod: 5, unknownRoute: 20, legacyOAuth2: 20, oauth1Params: 50, headers: 50, oauth2Params: 30, flowEndpoints: 20,
} as const;
type Family = keyof typeof WEIGHTS;
const WEIGHT_TOTAL = Object.values(WEIGHTS).reduce((a, b) => a + b, 0);
/** Generated requests per family: each its share rounded down, what rounding left over to the heaviest, so they sum to FUZZ_RUNS. */
const RUNS: Record<Family, number> = (() => {
  const families = Object.keys(WEIGHTS) as Family[];
  const runs = Object.fromEntries(families.map((f) => [f, Math.floor((FUZZ_RUNS * WEIGHTS[f]) / WEIGHT_TOTAL)])) as Record<Family, number>;
  const heaviest = families.reduce((a, b) => (WEIGHTS[b] > WEIGHTS[a] ? b : a));
  runs[heaviest] += FUZZ_RUNS - families.reduce((sum, f) => sum + runs[f], 0);
  return runs;
})();

/** Any single exchange taking longer than this is a hang. */
const REQUEST_TIMEOUT_MS = 5_000;
const BODY_LIMIT = 64 * 1024;

type Json = Record<string, unknown>;

// ---------------------------------------------------------------------------------------------------------------
// X's error documents, checked against x-openapi-likes-v2.159.json (self-contained: a minimal validator).

interface ErrorDocValidator {
  /** Problem dispatched through its discriminator mapping; null when valid, else the ajv errors as text. */
  problem(body: Json): string | null;
  /** The legacy v1.1 `Error` item ({code, message}). */
  legacyItem(item: unknown): string | null;
}

function buildErrorDocValidator(): ErrorDocValidator {
  const doc = JSON.parse(readFileSync(X_OPENAPI_V2159, 'utf8')) as { components: { schemas: Record<string, Json> } };
  const schemas = doc.components.schemas;
  const mapping = (schemas.Problem.discriminator as { mapping: Record<string, string> }).mapping;
  const ajv = new Ajv({ strict: false, allErrors: true, logger: false });
  formatsPlugin.default(ajv);
  const formats = new Set<string>();
  (function collect(node: unknown): void {
    if (Array.isArray(node)) node.forEach(collect);
    else if (node && typeof node === 'object') {
      for (const [k, v] of Object.entries(node)) {
        if (k === 'format' && typeof v === 'string') formats.add(v);
        else collect(v);
      }
    }
  })(doc);
  for (const f of formats) if (!ajv.formats[f]) ajv.addFormat(f, true);
  ajv.addSchema(doc, 'x159');
  const compiled = new Map<string, ValidateFunction>();
  const validate = (ref: string, value: unknown): string | null => {
    let fn = compiled.get(ref);
    if (!fn) {
      fn = ajv.compile({ $ref: `x159${ref}` });
      compiled.set(ref, fn);
    }
    return fn(value) ? null : ajv.errorsText(fn.errors);
  };
  return {
    problem(body) {
      const type = body.type;
      if (typeof type !== 'string' || !(type in mapping)) return `type ${JSON.stringify(type)} is not one of Problem's discriminator values`;
      return validate(mapping[type], body);
    },
    legacyItem: (item) => validate('#/components/schemas/Error', item),
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Sending: fetch, and raw bytes over TCP.

/** status 0 when the connection closed without any HTTP response. */
type Exchange = RawResponse;

interface Hostile {
  family: string;
  /** The path the request targets, as far as it has one (decides where the legacy /oauth2 shape is allowed). */
  path: string;
  fetch?: { method: string; headers?: Record<string, string>; body?: string | Uint8Array<ArrayBuffer> };
  raw?: Buffer;
  expect?: { status?: readonly number[]; emptyNotFound?: boolean; problemType?: string; harmless200?: string };
}

function describeRequest(req: Hostile): string {
  if (req.raw) {
    const text = req.raw.toString('latin1');
    const shown = text.length > 600 ? `${text.slice(0, 600)}… (${text.length} bytes)` : text;
    return `raw TCP bytes ${JSON.stringify(shown)}`;
  }
  const f = req.fetch!;
  const body = f.body === undefined ? '' : typeof f.body === 'string' ? f.body : Buffer.from(f.body).toString('utf8');
  const shownBody = body.length > 300 ? `${body.slice(0, 300)}… (${body.length} bytes)` : body;
  return `${f.method} ${req.path} headers=${JSON.stringify(f.headers ?? {})}${body ? ` body=${JSON.stringify(shownBody)}` : ''}`;
}

function describeResponse(res: Exchange): string {
  if (res.status === 0) return 'connection closed without an HTTP response';
  const text = res.body.toString('utf8');
  return `${res.status} content-type=${JSON.stringify(res.headers['content-type'] ?? null)} body=${JSON.stringify(text.length > 600 ? `${text.slice(0, 600)}…` : text)}`;
}

async function sendFetch(baseUrl: string, req: Hostile): Promise<Exchange> {
  const f = req.fetch!;
  let res: Response;
  try {
    res = await fetch(`${baseUrl}${req.path}`, {
      method: f.method,
      headers: f.headers,
      body: f.body,
      redirect: 'manual',
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
  } catch (e) {
    const cause = (e as { cause?: unknown }).cause;
    throw new assert.AssertionError({
      message: `no answer within ${REQUEST_TIMEOUT_MS} ms or connection failure (${String(e)}${cause ? `: ${String(cause)}` : ''}) for ${describeRequest(req)}`,
    });
  }
  const body = Buffer.from(await res.arrayBuffer());
  return { status: res.status, headers: Object.fromEntries(res.headers), body };
}

/** Writes the bytes, half-closes (so a truncated body is final), and reads until the server closes. */
async function sendRaw(port: number, req: Hostile): Promise<Exchange> {
  try {
    return parseResponse(await exchange(port, req.raw!, { halfClose: true, timeoutMs: REQUEST_TIMEOUT_MS }));
  } catch (e) {
    if (!(e instanceof RawTimeoutError)) throw e;
    const got = e.received.toString('latin1').slice(0, 300);
    throw new assert.AssertionError({ message: `hang: no complete answer within ${REQUEST_TIMEOUT_MS} ms (got ${JSON.stringify(got)}) for ${describeRequest(req)}` });
  }
}

// ---------------------------------------------------------------------------------------------------------------
// The properties every answer to a hostile request must have.

const STACK_TRACE = [/\n\s+at\s/, /\bat\s+\S*\s*\(?\/[^\s)]*\.(?:ts|js|mjs|cjs)/, /\.(?:ts|js|mjs|cjs):\d+:\d+/, /node:internal/, /node_modules/, /Error:/];
const JSON_TYPE = /^application\/(?:problem\+)?json\s*(?:;|$)/i;

/** Which family of answer a path gives: X's v2 documents, or one of the OAuth endpoints' own shapes. */
function answerKind(path: string): 'x' | 'page' | 'oauth1-flow' | 'oauth2-token' {
  const p = path.split('?')[0];
  if (/^\/(?:i|2)\/oauth2\/authorize$|^\/oauth\/(?:authorize|authenticate)$/.test(p)) return 'page';
  if (/^\/(?:1\.1\/)?oauth\/(?:request_token|access_token|invalidate_token)$/.test(p)) return 'oauth1-flow';
  if (/^\/2\/oauth2\/(?:token|revoke)$/.test(p)) return 'oauth2-token';
  return 'x';
}

function checkAnswer(validator: ErrorDocValidator, req: Hostile, res: Exchange): void {
  const where = () => `\n  request:  ${describeRequest(req)}\n  response: ${describeResponse(res)}`;
  const fail = (why: string): never => {
    throw new assert.AssertionError({ message: `${req.family}: ${why}${where()}` });
  };
  if (res.status === 0) fail('no HTTP response at all (expected a 4xx)');
  // A success that changes nothing, where the protocol requires one (RFC 7009: revoking an unknown token).
  if (res.status === 200 && req.expect?.harmless200 !== undefined && res.body.toString('utf8') === req.expect.harmless200) return;
  if (res.status < 400 || res.status > 499) fail(`status ${res.status} is not a 4xx`);
  if (req.expect?.status && !req.expect.status.includes(res.status)) fail(`status ${res.status}, expected one of ${req.expect.status.join(', ')}`);

  const contentType = res.headers['content-type'] ?? '';
  const text = res.body.toString('utf8');
  const kind = answerKind(req.path);
  const markup = /<\s*(?:!doctype|html|head|body|pre)\b/i.test(text);
  // Pages answer browsers with HTML; X's OAuth 1.0a flow endpoints answer some refusals as text/html plain text.
  if (kind !== 'page' && (markup || (/html/i.test(contentType) && kind !== 'oauth1-flow'))) fail('the answer is HTML');
  for (const pattern of STACK_TRACE) if (pattern.test(text)) fail(`the body looks like a stack trace (${pattern})`);

  if (res.status === 404 || req.expect?.emptyNotFound) {
    // X answers unknown routes with zero bytes and no JSON content type.
    if (req.expect?.emptyNotFound && res.status !== 404) fail('an unknown route must answer 404');
    if (res.body.length !== 0) fail('a 404 must have an empty body');
    return;
  }
  if (kind === 'page') {
    if (!/^text\/html/i.test(contentType)) fail('a page route answered without text/html');
    return;
  }
  if (res.body.length === 0) return;
  if (kind === 'oauth1-flow' && /^text\/html/i.test(contentType)) return;
  if (!JSON_TYPE.test(contentType)) fail('a body was sent without a JSON content type');

  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    fail('the JSON body does not parse');
  }
  if (!body || typeof body !== 'object' || Array.isArray(body)) fail('the body is not a JSON object');
  const doc = body as Json;
  if (kind === 'oauth2-token') {
    // RFC 6749 §5.2, as X's /2/oauth2/token and /2/oauth2/revoke answer.
    if (typeof doc.error !== 'string' || !/^[a-z_]+$/.test(doc.error)) fail('not an RFC 6749 error (`error`)');
    if (doc.error_description !== undefined && typeof doc.error_description !== 'string') fail('`error_description` must be a string');
    return;
  }
  const legacyAllowed = /^\/(?:1\.1\/)?oauth2?\//.test(req.path);
  if ('title' in doc || 'type' in doc) {
    if (typeof doc.title !== 'string' || typeof doc.type !== 'string') fail('a problem needs string `title` and `type`');
    const invalid = validator.problem(doc);
    if (invalid) fail(`not a valid X Problem (x-openapi-likes-v2.159.json): ${invalid}`);
    if (doc.errors !== undefined) {
      if (!Array.isArray(doc.errors) || doc.errors.length === 0) fail('`errors` must be a non-empty array');
      for (const item of doc.errors as unknown[]) {
        if (!item || typeof (item as Json).message !== 'string') fail('every `errors[]` item needs a `message`');
      }
    }
    if (req.expect?.problemType && doc.type !== req.expect.problemType) fail(`problem type ${String(doc.type)}, expected ${req.expect.problemType}`);
    return;
  }
  if (req.expect?.problemType) fail(`expected a ${req.expect.problemType} problem`);
  if (!Array.isArray(doc.errors) || doc.errors.length === 0) fail('neither a Problem (title+type) nor an `errors` array');
  for (const item of doc.errors as unknown[]) {
    if (!item || typeof item !== 'object' || typeof (item as Json).message !== 'string') fail('every `errors[]` item needs a `message`');
    if (legacyAllowed) {
      const invalid = validator.legacyItem(item);
      if (invalid) fail(`not X's legacy {code, message} error: ${invalid}`);
    }
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Building blocks for generated requests.

const latin1 = (s: string) => Buffer.from(s, 'latin1');
const rawRequest = (requestLine: string, headerLines: readonly string[], body = ''): Buffer =>
  latin1(`${requestLine}\r\n${headerLines.map((h) => `${h}\r\n`).join('')}\r\n${body}`);
const char = (min: number, max: number) => fc.integer({ min, max }).map((c) => String.fromCharCode(c));
const digits = (min: number, max: number) => fc.array(char(48, 57), { minLength: min, maxLength: max }).map((a) => a.join(''));
/** A word that is no route segment or parameter name anywhere in the API: always starts with "zz". */
const junkWord = fc.stringMatching(/^[a-z0-9_-]{0,10}$/).map((w) => `zz${w}`);
const alnum = (min: number, max: number) => fc.stringMatching(new RegExp(`^[A-Za-z0-9]{${min},${max}}$`));
const UNICODE_DIGITS = ['٠١٢٣٤٥٦٧٨٩', '۰۱۲۳۴۵۶۷۸۹', '०१२३४५६७८९', '০১২৩৪৫৬৭৮৯', '０１２３４５６７８９', '𝟎𝟏𝟐𝟑𝟒𝟓𝟔𝟕𝟖𝟗'];
const unicodeDigits = fc
  .tuple(fc.constantFrom(...UNICODE_DIGITS), fc.array(fc.nat({ max: 9 }), { minLength: 1, maxLength: 19 }), fc.boolean())
  .map(([set, ds, mixAscii]) => {
    const glyphs = [...set];
    const s = ds.map((d) => glyphs[d]).join('');
    return mixAscii ? `1${s}` : s;
  });

/** Path or tweet ids X's `^[0-9]{1,19}$` refuses. Never "." or "..", which URL parsing would resolve away. */
const BAD_IDS = [
  '', 'abc', '12a', '1.5', '1e5', '+1', '-1', '0x1f', '1_000', '1,2', '1 2', ' 1', '1 ', '٣', '١٢٣', '１２３', '¹²³', 'Ⅻ', 'null',
  'undefined', '%31', '12345678901234567890', '-9223372036854775808', '18446744073709551616',
];
const badId = fc.oneof(
  fc.stringMatching(/^[A-Za-z][A-Za-z0-9]{0,15}$/),
  digits(20, 40),
  digits(1, 19).map((d) => `-${d}`),
  unicodeDigits,
  fc.constantFrom(...BAD_IDS),
  digits(1, 18).map((d) => `${d}\u0660`),
);

/** Ways to rewrite a query string that keep what it means: the same pairs, so the same defects. */
const REENCODINGS = ['as sent', 'percent-encoded', 'lower-case hex', 'reordered', 'empty pairs', 'plus for space'] as const;
function reencodeQuery(query: string, how: (typeof REENCODINGS)[number], salt: number): string {
  const pairs = query.split('&');
  const hex = (c: string, lower: boolean) => {
    const h = Buffer.from(c, 'utf8').toString('hex');
    return (lower ? h : h.toUpperCase()).replace(/../g, '%$&');
  };
  // Unreserved characters and '.', which decode to themselves: pair names and values stay the same.
  const encodeSome = (s: string, lower: boolean) =>
    s.replace(/%[0-9A-Fa-f]{2}|[A-Za-z0-9._~-]/g, (c: string, i: number) => (c.length === 1 && (i + salt) % 3 === 0 ? hex(c, lower) : c));
  switch (how) {
    case 'percent-encoded': return pairs.map((p) => encodeSome(p.replace('=', '\u0000'), false).replace('\u0000', '=')).join('&');
    case 'lower-case hex': return pairs.map((p) => encodeSome(p.replace('=', '\u0000'), true).replace('\u0000', '=')).join('&');
    case 'reordered': return pairs.map((p, i) => [p, (i * 7919 + salt) % 101] as const).sort((a, b) => a[1] - b[1]).map(([p]) => p).join('&');
    case 'empty pairs': return `&${pairs.join('&&')}&`;
    case 'plus for space': return query.replace(/%20/g, '+');
    default: return query;
  }
}

describe('hostile requests', { timeout: Math.max(300_000, FUZZ_RUNS * 20) }, () => {
  // Limits off: the point is to reach validation, not to be turned away with 429s.
  const server = serverForSuite({ env: { LIKES_API_LIMITS: 'off' } });
  /** Requests sent by the generated runs (edge cases included), and how many of them got a 5xx. */
  let sent = 0;
  /** Listed edge cases handed to the runs (sent on top of the FUZZ_RUNS generated ones). */
  let listed = 0;
  let serverErrors = 0;
  let validator: ErrorDocValidator;
  let port: number;
  let uid: string;
  let userToken: string;
  let appBearer: string;
  let likedTweetId: string;
  let otherTweetId: string;
  let likeCountAfterLike: number;
  let realPaginationToken: string;

  async function likedTweetEntry(): Promise<{ found: boolean; likeCount: number | null }> {
    let token: string | undefined;
    for (let page = 0; page < 50; page++) {
      const q = new URLSearchParams({ max_results: '100', 'tweet.fields': 'public_metrics' });
      if (token) q.set('pagination_token', token);
      const res = await fetch(`${server.baseUrl}/2/users/${uid}/liked_tweets?${q}`, {
        headers: { authorization: `Bearer ${userToken}` },
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
      assert.equal(res.status, 200);
      const body = (await res.json()) as { data?: { id: string; public_metrics?: { like_count: number } }[]; meta: { next_token?: string } };
      const hit = body.data?.find((t) => t.id === likedTweetId);
      if (hit) return { found: true, likeCount: hit.public_metrics?.like_count ?? null };
      token = body.meta.next_token;
      if (!token) break;
    }
    return { found: false, likeCount: null };
  }

  /**
   * Sends every listed edge case once, then `randomRuns` generated requests, each through the transport it
   * needs, and checks every answer.
   */
  async function run(arb: fc.Arbitrary<Hostile>, seed: number, family: Family, examples: readonly Hostile[] = []): Promise<void> {
    listed += examples.length;
    // Counterexamples print as the request they are, not as a byte array.
    const readable = (h: Hostile): Hostile => Object.assign(h, { [fc.toStringMethod]: () => describeRequest(h) });
    await fc.assert(
      fc.asyncProperty(arb.map(readable), async (req) => {
        sent++;
        const res = req.raw ? await sendRaw(port, req) : await sendFetch(server.baseUrl, req);
        if (res.status >= 500) serverErrors++;
        checkAnswer(validator, req, res);
      }),
      {
        seed,
        numRuns: examples.length + RUNS[family],
        examples: examples.map((e) => [readable(e)] as [Hostile]),
        includeErrorInReport: true,
      },
    );
  }

  before(async () => {
    validator = buildErrorDocValidator();
    port = Number(new URL(server.baseUrl).port);
    const user = server.creds.users[1];
    uid = user.id;
    userToken = user.oauth2AccessToken;
    appBearer = server.creds.app.bearerToken;
    likedTweetId = server.creds.tweets[0].id;
    otherTweetId = server.creds.tweets[1].id;

    const like = await fetch(`${server.baseUrl}/2/users/${uid}/likes`, {
      method: 'POST',
      headers: { authorization: `Bearer ${userToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ tweet_id: likedTweetId }),
    });
    assert.equal(like.status, 200);
    assert.deepEqual(await like.json(), { data: { liked: true } });
    const entry = await likedTweetEntry();
    assert.ok(entry.found, 'the like made before the run is listed');
    assert.equal(typeof entry.likeCount, 'number');
    likeCountAfterLike = entry.likeCount!;

    const page = await fetch(`${server.baseUrl}/2/users/${server.creds.heavyLikerUserId}/liked_tweets?max_results=5`, {
      headers: { authorization: `Bearer ${appBearer}` },
    });
    assert.equal(page.status, 200);
    realPaginationToken = ((await page.json()) as { meta: { next_token: string } }).meta.next_token;
    assert.match(realPaginationToken, /^[0-9a-z]+$/);
  });

  const authLine = () => fc.constantFrom('', `Authorization: Bearer ${userToken}`, `Authorization: Bearer ${appBearer}`);

  // ---- raw TCP ----

  it('raw: control characters, raw non-ASCII bytes and invalid percent-encoding in the path', async () => {
    const PUNCTUATION = [' ', '\t', '"', '<', '>', '\\', '^', '`', '{', '|', '}'];
    const BAD_PERCENT = ['%', '%z', '%zz', '%G0', '%E0%A4%A', '%C0%AF', '%FF', '%00', '%ED%A0%80', '%%', '%u0031', '%0a', '%0d%0a'];
    const hostilePiece = fc.oneof(
      char(0x00, 0x08),
      char(0x0b, 0x0c),
      char(0x0e, 0x1f),
      fc.constant('\x7f'),
      char(0x80, 0xff),
      fc.constantFrom(...PUNCTUATION),
      fc.constantFrom(...BAD_PERCENT),
    );
    const segment = fc
      .tuple(fc.array(fc.oneof(char(48, 57), hostilePiece), { maxLength: 6 }), hostilePiece, fc.nat())
      .map(([pieces, must, at]) => {
        const all = [...pieces];
        all.splice(at % (all.length + 1), 0, must);
        return all.join('');
      });
    const make = (seg: string, shape: number, auth: string): Hostile => {
      const targets: [string, string][] = [
        ['GET', `/2/users/${seg}/liked_tweets`],
        ['GET', `/2/tweets/${seg}/liking_users`],
        ['DELETE', `/2/users/${uid}/likes/${seg}`],
        ['POST', `/2/users/${seg}/likes`],
        ['GET', `/2/users/${uid}/liked_tweets?max_results=${seg}`],
        ['GET', `/2/users/${uid}/liked_tweets?${seg}=1`],
        ['GET', `/2/users/${uid}/liked_tweets?tweet.fields=id,${seg}`],
      ];
      const [method, path] = targets[shape];
      const body = method === 'POST' ? JSON.stringify({ tweet_id: likedTweetId }) : '';
      const headers = ['Host: 127.0.0.1', ...(auth ? [auth] : []), 'Connection: close'];
      if (body) headers.push('Content-Type: application/json', `Content-Length: ${body.length}`);
      return { family: 'raw path bytes', path, raw: rawRequest(`${method} ${path} HTTP/1.1`, headers, body) };
    };
    const arb = fc.tuple(segment, fc.nat({ max: 6 }), authLine()).map(([seg, shape, auth]) => make(seg, shape, auth));
    const auths = ['', `Authorization: Bearer ${userToken}`, `Authorization: Bearer ${appBearer}`];
    const pieces = [...BAD_PERCENT, ...PUNCTUATION, '\x00', '\x01', '\x1f', '\x7f', '\x80', '\xc3', '\xff'];
    const examples = pieces.map((piece, i) => make(`1${piece}2`, i % 7, auths[i % 3]));
    await run(arb, 1001, 'rawPath', examples);
  });

  it('raw: overlong paths and query strings', async () => {
    const arb = fc
      .oneof(
        fc.integer({ min: 20, max: 20_000 }).map((n) => `/2/users/${'9'.repeat(n)}/liked_tweets`),
        fc.integer({ min: 20, max: 3_000 }).map((n) => `/2/users/${uid}/likes/${'1'.repeat(n)}`),
        fc.integer({ min: 1_000, max: 100_000 }).map((n) => `/${'a'.repeat(n)}`),
        fc.integer({ min: 50, max: 5_000 }).map((n) => `/2${'/users'.repeat(n)}`),
        fc.integer({ min: 100, max: 6_000 }).map((n) => `/2/users/${uid}/liked_tweets?max_results=0&${'zz=1&'.repeat(n)}`),
        fc.integer({ min: 1_000, max: 40_000 }).map((n) => `/2/users/${uid}/liked_tweets?pagination_token=${'z'.repeat(n)}`),
      )
      .chain((path) => authLine().map((auth): Hostile => ({
        family: 'raw overlong',
        path,
        raw: rawRequest(`GET ${path} HTTP/1.1`, ['Host: 127.0.0.1', ...(auth ? [auth] : []), 'Connection: close']),
      })));
    await run(arb, 1002, 'rawOverlong');
  });

  it('raw: bad HTTP methods', async () => {
    const METHODS = [
      'FOO', 'G@T', 'get', 'Get', 'GET\x01', 'CONNECT', 'TRACE', 'PROPFIND', 'PURGE', 'MKCOL', 'LINK', 'M-SEARCH', 'SOURCE',
      'BREW', 'X'.repeat(200), '', '\xc9T', 'GET /x', 'QUERY', 'PRI',
    ];
    const TARGETS = [
      `/2/users/{uid}/liked_tweets`, `/2/users/{uid}/likes`, `/2/users/{uid}/likes/{tweet}`, '/2/usage/tweets', '/oauth2/token', '/healthz',
      // CONNECT's own authority form.
      '127.0.0.1:{port}',
    ];
    const make = (m: string, t: string, auth: string): Hostile => {
      const path = t.replace('{uid}', uid).replace('{tweet}', likedTweetId).replace('{port}', String(port));
      return {
        family: 'raw bad method',
        path,
        raw: rawRequest(`${m} ${path} HTTP/1.1`, ['Host: 127.0.0.1', ...(auth ? [auth] : []), 'Connection: close']),
      };
    };
    const arb = fc.tuple(fc.constantFrom(...METHODS), fc.constantFrom(...TARGETS), authLine()).map(([m, t, auth]) => make(m, t, auth));
    const user = `Authorization: Bearer ${userToken}`;
    const examples = [
      ...METHODS.map((m, i) => make(m, TARGETS[i % (TARGETS.length - 1)], user)),
      make('CONNECT', '127.0.0.1:{port}', ''),
    ];
    await run(arb, 1003, 'rawMethod', examples);
  });

  it('raw: header injection attempts', async () => {
    const INJECTIONS = [
      'X-Inject: a\rb',
      'X-Inject: a\nInjected: b',
      'X-Inject: a\x00b',
      'X-Inject: a\x01b',
      'X-Inject: a\x7fb',
      'Bad Header: x',
      'X@Y: z',
      'X-\xe9: z',
      ': empty-name',
      'X-No-Colon',
      'X-Folded: a\r\n folded',
      'X-Inject: a\r\nAuthorization: Bearer junk',
      'Host: second.example',
      'Transfer-Encoding: chunked\r\nContent-Length: 3',
      'Transfer-Encoding: xchunked',
      'Content-Length: 5\r\nContent-Length: 6',
      `X-Long: ${'a'.repeat(20_000)}`,
      'Authorization: Bearer \xff\xfe\x80',
      'Authorization: OAuth oauth_consumer_key="a\r\n"',
      'X-Forwarded-Proto: \xff',
      'Content-Type: \x01',
    ];
    const make = (injections: string[], at: number, auth: string): Hostile => {
      // max_results=0 keeps the request invalid even if an injection were (wrongly) accepted as harmless.
      const path = `/2/users/${uid}/liked_tweets?max_results=0`;
      const headers = ['Host: 127.0.0.1', ...(auth ? [auth] : []), 'Connection: close'];
      headers.splice(at % (headers.length + 1), 0, ...injections);
      return { family: 'raw header injection', path, raw: rawRequest(`GET ${path} HTTP/1.1`, headers) };
    };
    const arb = fc
      .tuple(fc.array(fc.constantFrom(...INJECTIONS), { minLength: 1, maxLength: 3 }), fc.nat(), authLine())
      .map(([injections, at, auth]) => make(injections, at, auth));
    const examples = INJECTIONS.map((inj, i) => make([inj], i, `Authorization: Bearer ${userToken}`));
    await run(arb, 1004, 'rawHeaders', examples);
  });

  it('raw: absurd Content-Length and truncated bodies', async () => {
    const json = () => JSON.stringify({ tweet_id: likedTweetId });
    const head = (extra: string[]) => [
      'Host: 127.0.0.1',
      `Authorization: Bearer ${userToken}`,
      'Content-Type: application/json',
      ...extra,
      'Connection: close',
    ];
    const likesPath = () => `/2/users/${uid}/likes`;
    const ABSURD = ['1.5', '0x10', 'abc', '', ' ', '1,2', '1 2', '+5', '5e3', 'Infinity', 'NaN', '\xb9\xb2', '99999999999999999999999', '-1'];
    const absurdHostile = (cl: string): Hostile => ({
      family: 'raw absurd Content-Length',
      path: likesPath(),
      raw: rawRequest(`POST ${likesPath()} HTTP/1.1`, head([`Content-Length: ${cl}`]), json()),
    });
    const absurd = fc
      .oneof(digits(20, 40).map((d) => `9${d}`), digits(1, 12).map((d) => `-${d}`), fc.constantFrom(...ABSURD))
      .map(absurdHostile);
    const tooLarge = fc.integer({ min: BODY_LIMIT + 1, max: 2_000_000_000 }).map((n): Hostile => ({
      family: 'raw oversized Content-Length',
      path: likesPath(),
      raw: rawRequest(`POST ${likesPath()} HTTP/1.1`, head([`Content-Length: ${n}`]), json()),
      expect: { status: [413] },
    }));
    const truncated = fc
      .tuple(fc.nat(), fc.integer({ min: 1, max: 100_000 }), fc.constantFrom('POST', 'DELETE', 'GET'))
      .map(([cut, missing, method]): Hostile => {
        const full = json();
        const sent = full.slice(0, cut % (full.length + 1));
        const path = method === 'POST' ? likesPath() : method === 'DELETE' ? `/2/users/${uid}/likes/x${likedTweetId}` : `/2/users/${uid}/liked_tweets?max_results=0`;
        return {
          family: 'raw truncated body',
          path,
          raw: rawRequest(`${method} ${path} HTTP/1.1`, head([`Content-Length: ${sent.length + missing}`]), sent),
        };
      });
    const CHUNKED = ['5\r\nab', 'zz\r\nabc\r\n0\r\n\r\n', '10\r\n{"tweet_id":"1"}', `${(BODY_LIMIT * 2).toString(16)}\r\nabc`, '-1\r\nx\r\n', '0\r\n'];
    const chunkedHostile = (chunks: string): Hostile => ({
      family: 'raw truncated chunked body',
      path: likesPath(),
      raw: rawRequest(`POST ${likesPath()} HTTP/1.1`, head(['Transfer-Encoding: chunked']), chunks),
    });
    const truncatedChunked = fc.constantFrom(...CHUNKED).map(chunkedHostile);
    const examples = [...ABSURD.map(absurdHostile), ...CHUNKED.map(chunkedHostile)];
    await run(fc.oneof(absurd, tooLarge, truncated, truncatedChunked), 1005, 'rawBodies', examples);
  });

  // ---- fetch ----

  it('malformed ids on every endpoint answer 400 invalid-request', async () => {
    const make = (id: string, shape: number, app: boolean): Hostile => {
      const enc = encodeURIComponent(id);
      const user = { authorization: `Bearer ${userToken}` };
      const readAuth = app ? { authorization: `Bearer ${appBearer}` } : user;
      const json = { ...user, 'content-type': 'application/json' };
      const body = JSON.stringify({ tweet_id: likedTweetId });
      const expect = { status: [400], problemType: 'https://api.twitter.com/2/problems/invalid-request' };
      const cases: Hostile[] = [
        { family: 'bad id', path: `/2/users/${enc}/liked_tweets`, fetch: { method: 'GET', headers: readAuth }, expect },
        { family: 'bad id', path: `/2/tweets/${enc}/liking_users`, fetch: { method: 'GET', headers: readAuth }, expect },
        { family: 'bad id', path: `/2/users/${enc}/likes`, fetch: { method: 'POST', headers: json, body }, expect },
        { family: 'bad id', path: `/2/users/${uid}/likes/${enc}`, fetch: { method: 'DELETE', headers: user }, expect },
        { family: 'bad id', path: `/2/users/${enc}/likes/${likedTweetId}`, fetch: { method: 'DELETE', headers: user }, expect },
        { family: 'bad id', path: `/2/users/${enc}/liked_tweets?max_results=10`, fetch: { method: 'GET', headers: readAuth }, expect },
      ];
      return cases[shape];
    };
    const arb = fc.tuple(badId, fc.nat({ max: 5 }), fc.boolean()).map(([id, shape, app]) => make(id, shape, app));
    const examples = BAD_IDS.flatMap((id, i) => [make(id, i % 6, i % 2 === 0), make(id, (i + 3) % 6, i % 2 === 1)]);
    await run(arb, 2001, 'badId', examples);
  });

  it('bad query parameters answer 400 invalid-request', async () => {
    type Endpoint = { path: string; auth: string; intName: string; min: number; max: number; lists: Record<string, string[]>; known: string[] };
    const endpoints = (): Endpoint[] => [
      {
        path: `/2/users/${uid}/liked_tweets`,
        auth: userToken,
        intName: 'max_results',
        min: 5,
        max: 100,
        lists: { 'tweet.fields': ['id', 'text', 'created_at', 'public_metrics'], expansions: ['author_id', 'attachments.media_keys'], 'user.fields': ['username', 'name'], 'media.fields': ['url', 'type'] },
        known: ['max_results', 'pagination_token', 'expansions', 'tweet.fields', 'media.fields', 'poll.fields', 'place.fields', 'user.fields', 'post.fields'],
      },
      {
        path: `/2/tweets/${server.creds.popularTweetId}/liking_users`,
        auth: appBearer,
        intName: 'max_results',
        min: 1,
        max: 100,
        lists: { 'user.fields': ['id', 'username', 'created_at'], expansions: ['pinned_tweet_id'], 'tweet.fields': ['id', 'text'] },
        known: ['max_results', 'pagination_token', 'expansions', 'tweet.fields', 'user.fields', 'post.fields'],
      },
      {
        path: '/2/usage/tweets',
        auth: appBearer,
        intName: 'days',
        min: 1,
        max: 90,
        lists: { 'usage.fields': ['project_cap', 'project_id', 'cap_reset_day'] },
        known: ['days', 'usage.fields'],
      },
    ];
    const query = (e: Endpoint): fc.Arbitrary<string> => {
      const outOfRange = fc.oneof(fc.integer({ min: -1_000_000, max: e.min - 1 }), fc.integer({ min: e.max + 1, max: 2_000_000_000 }), fc.constant(2 ** 40));
      const notNumber = fc.constantFrom('abc', '5.5', '1e2', ' 10', '10 ', '+10', '0x10', '', '١٠', '10abc', 'ten', '--5', '5-', '½');
      const badInt = fc.oneof(outOfRange.map(String), notNumber).map((v) => `${e.intName}=${encodeURIComponent(v)}`);
      const unknown = fc
        .tuple(fc.stringMatching(/^[a-z_.]{0,14}$/), alnum(0, 10))
        .filter(([n]) => !e.known.includes(n) && !n.startsWith('oauth_'))
        .map(([n, v]) => `${encodeURIComponent(n)}=${v}`);
      const listName = fc.constantFrom(...Object.keys(e.lists));
      const repeated = fc.oneof(
        fc.tuple(fc.integer({ min: e.min, max: e.max }), fc.integer({ min: e.min, max: e.max })).map(([a, b]) => `${e.intName}=${a}&${e.intName}=${b}`),
        listName.map((n) => `${n}=${e.lists[n][0]}&${n}=${e.lists[n][0]}`),
      );
      const empty = fc.oneof(
        fc.constantFrom(`${e.intName}=`, '=', '=x', `${e.intName}`),
        listName.map((n) => `${n}=`),
        ...(e.path.includes('/2/usage') ? [] : [fc.constant('pagination_token=')]),
      );
      const badList = fc
        .tuple(listName, fc.nat(), fc.constantFrom('empty', 'trailing', 'leading', 'unknown', 'duplicate', 'upper', 'space'), alnum(1, 8))
        .map(([n, pick, defect, word]) => {
          const good = e.lists[n];
          const items = good.slice(0, 1 + (pick % good.length));
          const list =
            defect === 'empty' ? [items[0], '', ...items.slice(1)].join(',')
            : defect === 'trailing' ? `${items.join(',')},`
            : defect === 'leading' ? `,${items.join(',')}`
            : defect === 'unknown' ? [...items, `zz${word}`].join(',')
            : defect === 'duplicate' ? [...items, items[0]].join(',')
            : defect === 'upper' ? [...items.slice(1), items[0].toUpperCase()].join(',')
            : [...items.slice(1), ` ${items[0]}`].join(',');
          return `${n}=${encodeURIComponent(list).replace(/%2C/g, pick % 2 ? ',' : '%2C')}`;
        });
      const badToken = fc
        .oneof(
          alnum(1, 80).map((t) => t.toUpperCase()),
          fc.array(fc.constantFrom(...'0123456789abcdefghijklmnopqrstuvwxyz'), { minLength: 1, maxLength: 64 }).map((a) => a.join('')),
          fc.tuple(fc.nat(), fc.integer({ min: 1, max: 35 })).map(([at, shift]) => {
            const abc = '0123456789abcdefghijklmnopqrstuvwxyz';
            const i = at % realPaginationToken.length;
            return realPaginationToken.slice(0, i) + abc[(abc.indexOf(realPaginationToken[i]) + shift) % 36] + realPaginationToken.slice(i + 1);
          }),
          fc.constantFrom('meta.next_token', 'null', '-1', ' ', '%20', 'a b', '7140dibdnow9c7btw4543y9ogasjr42z236pfnyg7hsts', 'z'.repeat(65)),
          fc.constant(`${'0'.repeat(3)}zzz`),
        )
        .map((t) => `pagination_token=${encodeURIComponent(t)}`);
      const defects = [badInt, unknown, repeated, empty, badList, ...(e.path.includes('/2/usage') ? [] : [badToken])];
      const validExtra = fc.constantFrom('', `${e.intName}=${e.max}`, `${Object.keys(e.lists)[0]}=${e.lists[Object.keys(e.lists)[0]][0]}`);
      return fc.tuple(fc.oneof(...defects), validExtra, fc.boolean()).map(([bad, extra, first]) => {
        const name = (p: string) => p.split('=')[0];
        const parts = extra && name(extra) !== name(bad) ? (first ? [bad, extra] : [extra, bad]) : [bad];
        return parts.join('&');
      });
    };
    // One arbitrary per endpoint, built once (building them per sample costs more than sending the request).
    const arb = fc.oneof(
      ...endpoints().map((e) => {
        return fc.tuple(query(e), fc.constantFrom(...REENCODINGS), fc.nat()).map(([raw, how, salt]): Hostile => ({
          family: `bad query (${how})`,
          path: `${e.path}?${reencodeQuery(raw, how, salt)}`,
          fetch: { method: 'GET', headers: { authorization: `Bearer ${e.auth}` } },
          expect: { status: [400], problemType: 'https://api.twitter.com/2/problems/invalid-request' },
        }));
      }),
    );
    await run(arb, 2002, 'badQuery');
  });

  it('bad bodies on POST likes answer 400 invalid-request (413 when oversized)', async () => {
    const jsonTypes = fc.constantFrom('application/json', 'application/json; charset=utf-8', 'Application/JSON', 'application/json;charset=UTF-8');
    const NON_JSON_TYPES = [
      'text/plain',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=zz',
      'application/xml',
      'application/octet-stream',
      'application/jsonx',
      'json',
      '*/*',
      'application/json, text/plain',
      '', // sent with no content type at all
    ];
    const nonJsonTypes = fc.constantFrom(...NON_JSON_TYPES);
    const tweet = () => likedTweetId;
    const BAD_JSON = ['', '{', '}', '{"tweet_id":', '{"tweet_id":"1"', "{'tweet_id':'1'}", '{tweet_id:"1"}', 'tweet_id=1', '{"tweet_id":"1",}', '\u0000', '\ufeff{}x', 'NaN', '[1,]', '{"a":1}{"b":2}'];
    const WRONG_JSON = ['[]', '{}', 'null', 'true', 'false', '0', '"1"', '[{"tweet_id":"1"}]', '{"tweetid":"1"}', '{"tweet_id":null}', '{"tweet_id":{}}', '{"tweet_id":[]}', '{"tweet_id":true}', '{"tweet_id":""}', '{"tweet_id":"-1"}', '{"tweet_id":"1.0"}', '{"tweet_id":" 1"}', '{"tweet_id":"١٢٣"}', '{"tweet_id":1e400}', '{"__proto__":{"tweet_id":"1"}}', '{"constructor":{"prototype":{"tweet_id":"1"}}}'];
    const badJson = fc.oneof(
      fc.constantFrom(...BAD_JSON),
      alnum(1, 40).filter((s) => !/^(?:\d+|true|false|null)$/.test(s)),
      fc.nat({ max: 30 }).map((n) => JSON.stringify({ tweet_id: tweet() }).slice(0, n)),
    );
    const wrongJson = fc.oneof(
      fc.constantFrom(...WRONG_JSON),
      fc.constant(null).map(() => `[${JSON.stringify({ tweet_id: tweet() })}]`),
      fc.constant(null).map(() => tweet()),
      fc.constant(null).map(() => `{"tweet_id":${tweet()}}`),
      fc.integer().map((n) => `{"tweet_id":${n}}`),
      fc.double({ noNaN: true, noDefaultInfinity: true }).map((n) => `{"tweet_id":${JSON.stringify(n)}}`),
      digits(20, 30).map((d) => `{"tweet_id":"${d}"}`),
      fc.constant(null).map(() => `{"tweet_id":["${tweet()}"]}`),
    );
    const send = (contentType: string, body: string, expect: Hostile['expect']): Hostile => ({
      family: 'bad body',
      path: `/2/users/${uid}/likes`,
      fetch: {
        method: 'POST',
        headers: { authorization: `Bearer ${userToken}`, ...(contentType ? { 'content-type': contentType } : {}) },
        // A Uint8Array body carries no content type of its own; a string would be sent as text/plain.
        body: new TextEncoder().encode(body),
      },
      expect,
    });
    // Bodies within the size limit that are deep, wide or long enough to hurt anything that walks them.
    const HUGE_JSON = [
      `{"tweet_id":${'['.repeat(20_000)}${']'.repeat(20_000)}}`,
      `{"tweet_id":${'{"a":'.repeat(5_000)}1${'}'.repeat(5_000)}}`,
      '['.repeat(60_000),
      `{"tweet_id":[${'1,'.repeat(20_000)}1]}`,
      `{${Array.from({ length: 3_000 }, (_, i) => `"k${i}":1`).join(',')},"tweet_id":"${likedTweetId}"}`,
      `{"tweet_id":"${'1'.repeat(60_000)}"}`,
      `{"tweet_id":${'9'.repeat(60_000)}}`,
    ];
    const hugeJson = fc.oneof(
      fc.integer({ min: 5, max: 30_000 }).map((n) => `{"tweet_id":${'['.repeat(n)}"${likedTweetId}"${']'.repeat(n)}}`),
      fc.integer({ min: 5, max: 30_000 }).map((n) => `{"tweet_id":${'['.repeat(n)}`),
      fc.integer({ min: 300, max: 15_000 }).map((n) => `{"tweet_id":[${'"1",'.repeat(n)}"1"]}`),
      fc.integer({ min: 4_100, max: 60_000 }).map((n) => `{"tweet_id":"${'7'.repeat(n)}"}`),
    );
    const invalid = { status: [400], problemType: 'https://api.twitter.com/2/problems/invalid-request' };
    const arb = fc.oneof(
      fc.tuple(jsonTypes, fc.oneof(badJson, wrongJson, hugeJson)).map(([ct, body]) => send(ct, body, invalid)),
      fc.tuple(nonJsonTypes, fc.oneof(badJson, wrongJson, fc.constant(null).map(() => JSON.stringify({ tweet_id: tweet() })))).map(([ct, body]) => send(ct, body, invalid)),
      fc.tuple(jsonTypes, fc.integer({ min: BODY_LIMIT + 1, max: 4 * BODY_LIMIT })).map(([ct, size]) => {
        const prefix = `{"tweet_id":"${tweet()}","pad":"`;
        return send(ct, `${prefix}${'x'.repeat(size - prefix.length - 2)}"}`, { status: [413] });
      }),
    );
    const valid = JSON.stringify({ tweet_id: tweet() });
    const examples = [
      ...HUGE_JSON.map((body) => send('application/json', body, invalid)),
      ...[...BAD_JSON, ...WRONG_JSON].map((body, i) => send(['application/json', 'application/json; charset=utf-8'][i % 2], body, invalid)),
      ...NON_JSON_TYPES.map((ct) => send(ct, valid, invalid)),
      send('application/json', `{"tweet_id":"${tweet()}","pad":"${'x'.repeat(BODY_LIMIT)}"}`, { status: [413] }),
    ];
    await run(arb, 2003, 'badBody', examples);
  });

  it('bad or garbled credentials answer 401 on v2 paths and 403 (legacy code 99) on /oauth2/*', async () => {
    const creds = () => server.creds;
    const b64 = (s: string) => Buffer.from(s).toString('base64');
    const oauthParams = () => [
      ['oauth_consumer_key', creds().app.consumerKey],
      ['oauth_nonce', 'kYjzVBB8Y0ZFabxSWbWovY3uYSQ2pTgmZeNu2VS4cg'],
      ['oauth_signature', 'hCtSmYh%2BiHYCEqBWrE7C7hYmtUk%3D'],
      ['oauth_signature_method', 'HMAC-SHA1'],
      ['oauth_timestamp', String(Math.floor(Date.now() / 1000))],
      ['oauth_token', creds().users[1].accessToken],
      ['oauth_version', '1.0'],
    ];
    const brokenOAuth = fc.tuple(fc.constantFrom(...Array.from({ length: 12 }, (_, i) => i)), fc.nat()).map(([how, at]) => {
      const ps = oauthParams();
      const i = at % ps.length;
      const quoted = ps.map(([k, v]) => `${k}="${v}"`);
      switch (how) {
        case 0: quoted[i] = quoted[i].slice(0, -1); break; // unterminated quote
        case 1: quoted[i] = quoted[i].replace(/"/g, ''); break; // unquoted
        case 2: quoted[i] = quoted[i].replace(/"/g, "'"); break; // single quotes
        case 3: return `OAuth ${quoted.join(' ')}`; // no commas
        case 4: quoted[i] = `${ps[i][0]}="%zz"`; break; // broken percent-encoding
        case 5: quoted[i] = `${ps[i][0]}="a"b"`; break; // stray quote
        case 6: quoted.splice(i, 1); break; // a required parameter missing (or version, then the bad signature)
        case 7: quoted[3] = 'oauth_signature_method="PLAINTEXT"'; break;
        case 8: quoted[4] = `oauth_timestamp="${['abc', '0', '99999999999999', '-1'][i % 4]}"`; break;
        case 9: quoted[6] = 'oauth_version="2.0"'; break;
        case 10: quoted.push(`${ps[i][0]}="dup"`); break; // a repeated parameter
        default: return `OAuth ${quoted.join(', ')}, junk`;
      }
      return `OAuth ${quoted.join(', ')}`;
    });
    const FIXED: (string | undefined)[] = [
      'Bearer', 'Bearer ', 'Bearer  ', 'bearer', 'Bearer %', 'Bearer %E0%A4%A', 'Bearer%20x', 'Bearer\tx', 'BearerAAAA',
      `Bearer ${'A'.repeat(3000)}`, `Bearer ${userToken}x`, `Bearer ${userToken.slice(0, -1)}`, `Bearer ${userToken} ${userToken}`,
      `Bearer "${userToken}"`, `Bearer ${appBearer.toLowerCase()}x`, `Bearer ${encodeURIComponent(userToken)}%`,
      `OAuth ${oauthParams().map(([k, v]) => `${k}="${v}"`).join(', ')}`, // well-formed, wrong signature
      'OAuth', 'OAuth ', 'OAuth ,', 'OAuth =', 'OAuth realm="x"', 'OAuth oauth_token',
      'Basic', 'Basic !!!', 'Basic Og==', 'Basic =', 'Basic a', 'Digest username="x"', 'Negotiate YII=', 'Token abc',
      'AWS4-HMAC-SHA256 Credential=x', '', `Basic ${b64(`${creds().app.consumerKey}:${creds().app.consumerSecret}`)}`,
      `Basic ${b64(`${creds().app.consumerKey}:`)}`, `Basic ${b64(`:${creds().app.consumerSecret}`)}`, undefined,
    ];
    const credential = fc.oneof(
      alnum(0, 60).map((j) => `Bearer ${j}`),
      fc.stringMatching(/^[A-Za-z0-9%/+=._~-]{1,60}$/).map((j) => `Bearer ${j}`),
      brokenOAuth,
      fc.string({ unit: 'binary-ascii', maxLength: 30 }).filter((s) => /^[\x20-\x7e]*$/.test(s)).map((s) => `Basic ${b64(s)}`),
      fc.constantFrom(...FIXED),
    );
    const TARGETS = ['liked', 'liking', 'like', 'unlike', 'usage', 'token', 'invalidate'] as const;
    const make = (auth: string | undefined, t: (typeof TARGETS)[number]): Hostile => {
      const headers: Record<string, string> = auth === undefined ? {} : { authorization: auth };
      const unauthorized = { status: [401] };
      switch (t) {
        case 'liked':
          return { family: 'bad credentials', path: `/2/users/${uid}/liked_tweets?max_results=10`, fetch: { method: 'GET', headers }, expect: unauthorized };
        case 'liking':
          return { family: 'bad credentials', path: `/2/tweets/${server.creds.popularTweetId}/liking_users`, fetch: { method: 'GET', headers }, expect: unauthorized };
        case 'like':
          return {
            family: 'bad credentials',
            path: `/2/users/${uid}/likes`,
            fetch: { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body: JSON.stringify({ tweet_id: likedTweetId }) },
            expect: unauthorized,
          };
        case 'unlike':
          // Not the tweet liked before the run: even a wrongly accepted credential must not touch that like.
          return { family: 'bad credentials', path: `/2/users/${uid}/likes/${otherTweetId}`, fetch: { method: 'DELETE', headers }, expect: unauthorized };
        case 'usage':
          return { family: 'bad credentials', path: '/2/usage/tweets', fetch: { method: 'GET', headers }, expect: unauthorized };
        default: {
          const isBasicApp = auth === `Basic ${b64(`${creds().app.consumerKey}:${creds().app.consumerSecret}`)}`;
          const path = t === 'token' ? '/oauth2/token' : '/oauth2/invalidate_token';
          // The App's real Basic credentials with a bad grant or an unknown token: still refused.
          const body = t === 'token' ? (isBasicApp ? 'grant_type=password' : 'grant_type=client_credentials') : 'access_token=AAAAzzzznotatoken';
          return {
            family: 'bad credentials',
            path,
            fetch: { method: 'POST', headers: { ...headers, 'content-type': 'application/x-www-form-urlencoded' }, body },
            expect: { status: [403] },
          };
        }
      }
    };
    const arb = fc.tuple(credential, fc.constantFrom(...TARGETS)).map(([auth, t]) => make(auth, t));
    const examples = FIXED.map((auth, i) => make(auth, TARGETS[i % TARGETS.length]));
    await run(arb, 2004, 'badCredentials', examples);
  });

  it('wrong methods on known paths answer 4xx (an empty 404 when unrouted)', async () => {
    const routes = (): [string, string[]][] => [
      [`/2/users/${uid}/liked_tweets`, ['GET', 'HEAD']],
      [`/2/tweets/${server.creds.popularTweetId}/liking_users`, ['GET', 'HEAD']],
      [`/2/users/${uid}/likes`, ['POST']],
      [`/2/users/${uid}/likes/${likedTweetId}`, ['DELETE']],
      ['/2/usage/tweets', ['GET', 'HEAD']],
      ['/oauth2/token', ['POST']],
      ['/oauth2/invalidate_token', ['POST']],
      ['/healthz', ['GET', 'HEAD']],
    ];
    const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];
    const make = (r: number, method: string, withBody: boolean): Hostile => {
        const [path] = routes()[r];
        const canHaveBody = method !== 'GET';
        return {
          family: 'wrong method',
          path,
          fetch: {
            method,
            headers: { authorization: `Bearer ${userToken}`, ...(canHaveBody && withBody ? { 'content-type': 'application/json' } : {}) },
            body: canHaveBody && withBody ? JSON.stringify({ tweet_id: likedTweetId }) : undefined,
          },
        };
    };
    const arb = fc
      .tuple(fc.nat({ max: 7 }), fc.constantFrom(...METHODS), fc.boolean())
      .filter(([r, m]) => !routes()[r][1].includes(m))
      .map(([r, m, withBody]) => make(r, m, withBody));
    const examples = routes().flatMap(([, allowed], r) => METHODS.filter((m) => !allowed.includes(m)).map((m, i) => make(r, m, i % 2 === 0)));
    await run(arb, 2005, 'wrongMethod', examples);
  });

  it('unknown routes answer 404 with an empty body', async () => {
    const NEAR_MISSES = [
      '/2/users/{uid}/liked_tweet', '/2/users/{uid}/liked_tweets/zz', '/2/tweets/{tweet}/liking_users/zz', '/2/users/{uid}/likes/{tweet}/zz',
      '/2/usage/tweet', '/2/usage/tweets/zz', '/oauth2/tokens', '/3/users/{uid}/liked_tweets', '/2/users/{uid}/liked_tweets.json',
      '/1.1/favorites/zz.json', '/zz', '/2', '/2/', '/healthz/zz', '/2/users/{uid}/zzliked_tweets', '/2/tweets/{tweet}/liking_userszz',
    ];
    const nearMiss = fc.constantFrom(...NEAR_MISSES);
    const random = fc
      .tuple(fc.constantFrom('', '/2', '/1.1', '/3', '/2/users/{uid}', '/2/tweets/{tweet}', '/2/usage', '/oauth2', '/2/oauth2'), fc.array(junkWord, { minLength: 1, maxLength: 3 }))
      .map(([prefix, words]) => `${prefix}/${words.join('/')}`);
    const make = (template: string, method: string, auth: string): Hostile => {
      const path = template.replace('{uid}', uid).replace('{tweet}', likedTweetId);
      const headers: Record<string, string> = auth === 'none' ? {} : { authorization: `Bearer ${auth === 'user' ? userToken : appBearer}` };
      return { family: 'unknown route', path, fetch: { method, headers }, expect: { status: [404], emptyNotFound: true } };
    };
    const arb = fc
      .tuple(fc.oneof(nearMiss, random), fc.constantFrom('GET', 'POST', 'DELETE', 'PUT'), fc.constantFrom('none', 'user', 'app'))
      .map(([template, method, auth]) => make(template, method, auth));
    const examples = NEAR_MISSES.map((t, i) => make(t, ['GET', 'POST', 'DELETE', 'PUT'][i % 4], ['none', 'user', 'app'][i % 3]));
    await run(arb, 2006, 'unknownRoute', examples);
  });

  it('bad requests to /oauth2/token and /oauth2/invalidate_token answer X\'s legacy errors', async () => {
    const basic = () => `Basic ${Buffer.from(`${server.creds.app.consumerKey}:${server.creds.app.consumerSecret}`).toString('base64')}`;
    const TOKEN_BODIES: [string, string][] = [
        ['application/x-www-form-urlencoded', ''],
        ['application/x-www-form-urlencoded', 'grant_type='],
        ['application/x-www-form-urlencoded', 'grant_type=password'],
        ['application/x-www-form-urlencoded', 'grant_type=authorization_code&code=x'],
        ['application/x-www-form-urlencoded', 'grant_type=CLIENT_CREDENTIALS'],
        ['application/x-www-form-urlencoded', 'grant_type=client_credentials%zz'],
        ['application/x-www-form-urlencoded', '%zz=1'],
        ['application/x-www-form-urlencoded', 'grant_type%3Dclient_credentials'],
        ['application/json', '{"grant_type":1}'],
        ['application/json', '["grant_type","client_credentials"]'],
        ['application/json', 'null'],
        ['application/json', '{"grant_type":'],
        ['text/plain', 'hello'],
    ];
    const tokenBody = fc.oneof(
      fc.constantFrom(...TOKEN_BODIES),
      alnum(1, 20).map((g): [string, string] => ['application/x-www-form-urlencoded', `grant_type=zz${g}`]),
    );
    const INVALIDATE_BODIES: [string, string][] = [
        ['application/x-www-form-urlencoded', ''],
        ['application/x-www-form-urlencoded', 'access_token='],
        ['application/x-www-form-urlencoded', 'access_token=%zz'],
        ['application/x-www-form-urlencoded', 'access_token=%E0%A4%A'],
        ['application/json', '{"access_token":null}'],
        ['application/json', '[1'],
    ];
    const invalidateBody = fc.oneof(
      fc.constantFrom(...INVALIDATE_BODIES),
      alnum(1, 60).map((t): [string, string] => ['application/x-www-form-urlencoded', `access_token=zz${t}`]),
    );
    const make = (family: string, path: string, [ct, body]: [string, string], status: number): Hostile => ({
      family,
      path,
      fetch: { method: 'POST', headers: { authorization: basic(), 'content-type': ct }, body },
      expect: { status: [status] },
    });
    const oversized = fc
      .integer({ min: BODY_LIMIT + 1, max: 3 * BODY_LIMIT })
      .map((n) => make('oauth2 oversized body', '/oauth2/token', ['application/x-www-form-urlencoded', `grant_type=client_credentials&pad=${'x'.repeat(n)}`], 413));
    const arb = fc.oneof(
      fc.tuple(fc.constantFrom('/oauth2/token', '/1.1/oauth2/token'), tokenBody).map(([path, b]) => make('oauth2 bad body', path, b, 403)),
      fc.tuple(fc.constantFrom('/oauth2/invalidate_token', '/1.1/oauth2/invalidate_token'), invalidateBody).map(([path, b]) => make('oauth2 bad body', path, b, 403)),
      oversized,
    );
    const examples = [
      ...TOKEN_BODIES.map((b, i) => make('oauth2 bad body', i % 2 ? '/1.1/oauth2/token' : '/oauth2/token', b, 403)),
      ...INVALIDATE_BODIES.map((b, i) => make('oauth2 bad body', i % 2 ? '/1.1/oauth2/invalidate_token' : '/oauth2/invalidate_token', b, 403)),
    ];
    await run(arb, 2007, 'legacyOAuth2', examples);
  });

  it('OAuth 1.0a: a signed request with a duplicated, dropped, renamed, re-encoded or edited parameter answers 401', async () => {
    const user = server.creds.users[1];
    const keys = { consumerKey: server.creds.app.consumerKey, consumerSecret: server.creds.app.consumerSecret, token: user.accessToken, tokenSecret: user.accessTokenSecret };
    const json = JSON.stringify({ tweet_id: likedTweetId });
    const TARGETS = [
      { method: 'GET', path: () => `/2/users/${uid}/liked_tweets?max_results=5&tweet.fields=id,lang` },
      { method: 'GET', path: () => `/2/tweets/${server.creds.popularTweetId}/liking_users` },
      { method: 'POST', path: () => `/2/users/${uid}/likes` },
      // The like made before the run: a forged DELETE must leave it in place.
      { method: 'DELETE', path: () => `/2/users/${uid}/likes/${likedTweetId}` },
      { method: 'GET', path: () => '/2/usage/tweets' },
    ];
    const DEFECTS = ['duplicate', 'drop', 'rename', 'double-encode', 'timestamp', 'edit', 'extra', 'method', 'path', 'signature method', 'version'] as const;
    const BAD_TIMESTAMPS = ['+{now}', ' {now}', '{now}.0', '0x{hex}', '١٢٣', '', '-{now}', '{now}0', '99999999999999'];
    const split = (header: string) => header.slice('OAuth '.length).split(', ').map((p) => [p.slice(0, p.indexOf('=')), p.slice(p.indexOf('=') + 2, -1)] as [string, string]);
    const join = (pairs: [string, string][], sep: string) => `OAuth ${pairs.map(([k, v]) => `${k}="${v}"`).join(sep)}`;
    let nonce = 0;
    const make = (t: number, defect: (typeof DEFECTS)[number], at: number, shuffle: number, realm: boolean, sep: string): Hostile => {
      const { method, path: pathOf } = TARGETS[t];
      const path = pathOf();
      const now = Math.floor(Date.now() / 1000);
      const signedMethod = defect === 'method' ? (method === 'GET' ? 'DELETE' : 'GET') : method;
      // Signed for another resource: another user, another Tweet, another query.
      const signedPath = defect !== 'path' ? path
        : path.includes(uid) ? path.replace(uid, server.creds.users[0].id)
        : path.includes('/liking_users') ? path.replace(server.creds.popularTweetId, likedTweetId)
        : `${path}?days=7`;
      // Odd `at`: a well-formed timestamp outside the window, in the future or in the past, signed as it is (only the
      // time is wrong); even `at`: a malformed one put in after signing.
      const outOfWindow = defect === 'timestamp' && at % 2 ? now + (Math.floor(at / 2) % 2 ? 1 : -1) * (301 + (at % 1_000_000)) : undefined;
      let pairs = split(oauth1Authorization(signedMethod, `${server.baseUrl}${signedPath}`, keys, { nonce: `fuzz${process.pid}n${nonce++}`, timestamp: outOfWindow }));
      const i = at % pairs.length;
      const [name, value] = pairs[i];
      switch (defect) {
        case 'duplicate': pairs.splice(at % (pairs.length + 1), 0, [name, `${value}x`]); break; // either copy may come last
        case 'drop': pairs.splice(i, 1); break;
        case 'rename': pairs[i] = [name.toUpperCase(), value]; break;
        case 'double-encode': pairs = pairs.map(([k, v]) => [k, k === 'oauth_signature' ? encodeURIComponent(v) : v]); break;
        case 'timestamp': {
          if (outOfWindow !== undefined) break;
          const bad = BAD_TIMESTAMPS[at % BAD_TIMESTAMPS.length].replace('{now}', String(now)).replace('{hex}', now.toString(16));
          pairs = pairs.map(([k, v]) => [k, k === 'oauth_timestamp' ? encodeURIComponent(bad) : v]);
          break;
        }
        case 'edit': pairs[i] = [name, `${value.slice(0, -1)}${value.endsWith('A') ? 'B' : 'A'}`]; break;
        case 'extra': pairs.splice(i, 0, [at % 2 ? 'oauth_callback' : 'oauth_zz', 'oob']); break;
        case 'signature method': pairs = pairs.map(([k, v]) => [k, k === 'oauth_signature_method' ? ['hmac-sha1', 'HMAC-SHA256', 'RSA-SHA1', 'PLAINTEXT', 'HMAC-SHA1%20'][at % 5] : v]); break;
        case 'version': pairs = pairs.map(([k, v]) => [k, k === 'oauth_version' ? ['1.0a', '1', '2.0', '', '1.0%20'][at % 5] : v]); break;
        default: break; // method, path: signed for another request
      }
      // Cosmetic changes a valid header may have: any order, a realm, any separator spacing.
      pairs = pairs.map((p, j) => [p, (j * 7919 + shuffle) % 97] as const).sort((a, b) => a[1] - b[1]).map(([p]) => p);
      if (realm) pairs.unshift(['realm', 'https://api.x.com/']);
      const headers: Record<string, string> = { authorization: join(pairs, sep) };
      if (method === 'POST') headers['content-type'] = 'application/json';
      return { family: `oauth1 ${defect}`, path, fetch: { method, headers, body: method === 'POST' ? json : undefined }, expect: { status: [401] } };
    };
    const arb = fc
      .tuple(fc.nat({ max: TARGETS.length - 1 }), fc.constantFrom(...DEFECTS), fc.nat(), fc.nat(), fc.boolean(), fc.constantFrom(', ', ',', ' ,\t', ',   '))
      .map(([t, d, at, shuffle, realm, sep]) => make(t, d, at, shuffle, realm, sep));
    // A request signed correctly, then sent again: the replayed nonce is refused. The timestamp is pinned: a nonce is
    // unique per timestamp (RFC 5849 3.3), so one signed again a second later would be a new request, and answered.
    const signedAt = Math.floor(Date.now() / 1000);
    const replayed = (): Hostile => {
      const path = TARGETS[0].path();
      const authorization = oauth1Authorization('GET', `${server.baseUrl}${path}`, keys, { nonce: `fuzz${process.pid}replay`, timestamp: signedAt });
      return { family: 'oauth1 replay', path, fetch: { method: 'GET', headers: { authorization } }, expect: { status: [401] } };
    };
    const first = replayed();
    const ok = await fetch(`${server.baseUrl}${first.path}`, { headers: first.fetch!.headers });
    assert.equal(ok.status, 200, 'the signing in this test is right');
    await ok.arrayBuffer();
    const examples = [
      first, replayed(),
      ...DEFECTS.flatMap((d, k) => TARGETS.map((_, t) => make(t, d, k * 3 + t, k, k % 2 === 0, ', '))),
      // A duplicated parameter where the right copy comes last.
      ...TARGETS.map((_, t) => make(t, 'duplicate', 0, 0, false, ', ')),
    ];
    await run(arb, 3001, 'oauth1Params', examples);
  });

  it('hostile headers on every route leave each answer what the request alone deserves', async () => {
    const b64 = (s: string) => Buffer.from(s).toString('base64');
    // Each route with a request that is wrong by construction, and the statuses it may get.
    const ROUTES = (): { method: string; path: string; auth: string; type?: string; body?: string; status: number[] }[] => [
      { method: 'GET', path: `/2/users/${uid}/liked_tweets?max_results=0`, auth: `Bearer ${userToken}`, status: [400] },
      { method: 'GET', path: `/2/tweets/x${likedTweetId}/liking_users`, auth: `Bearer ${appBearer}`, status: [400] },
      { method: 'POST', path: `/2/users/${uid}/likes`, auth: `Bearer ${userToken}`, type: 'application/json', body: '{"tweet_id":"x"}', status: [400] },
      { method: 'DELETE', path: `/2/users/${uid}/likes/x${likedTweetId}`, auth: `Bearer ${userToken}`, status: [400] },
      { method: 'DELETE', path: `/2/users/${uid}/likes/${likedTweetId}`, auth: `Bearer ${appBearer}`, status: [403] },
      { method: 'GET', path: '/2/usage/tweets', auth: `Bearer ${userToken}`, status: [403] },
      { method: 'POST', path: '/oauth2/token', auth: `Basic ${b64('zz:zz')}`, type: 'application/x-www-form-urlencoded', body: 'grant_type=client_credentials', status: [403] },
      { method: 'POST', path: '/oauth2/invalidate_token', auth: `Basic ${b64('zz:zz')}`, type: 'application/x-www-form-urlencoded', body: `access_token=${appBearer}`, status: [403] },
      { method: 'POST', path: '/2/oauth2/token', auth: `Basic ${b64('zz:zz')}`, type: 'application/x-www-form-urlencoded', body: 'grant_type=authorization_code&code=zz', status: [400, 401] },
      { method: 'POST', path: '/2/oauth2/revoke', auth: '', type: 'application/x-www-form-urlencoded', body: 'token=zz&client_id=zz', status: [400, 401] },
      { method: 'POST', path: '/oauth/request_token', auth: 'OAuth oauth_consumer_key="zz"', status: [400, 401] },
      { method: 'POST', path: '/oauth/access_token', auth: 'OAuth oauth_token="zz"', status: [400, 401] },
      { method: 'POST', path: '/oauth/invalidate_token', auth: 'OAuth oauth_token="zz"', status: [400, 401] },
      { method: 'GET', path: '/i/oauth2/authorize?response_type=code&client_id=zz&redirect_uri=https%3A%2F%2Fevil.example%2F', auth: '', status: [400] },
      { method: 'POST', path: '/i/oauth2/authorize', auth: '', type: 'application/x-www-form-urlencoded', body: 'pending=zz&csrf=zz&action=authorize', status: [400, 403] },
      { method: 'GET', path: '/oauth/authorize?oauth_token=zz', auth: '', status: [400] },
      { method: 'POST', path: '/oauth/authenticate', auth: '', type: 'application/x-www-form-urlencoded', body: 'pending=zz&step=consent&action=authorize', status: [400, 403] },
    ];
    const junk = fc.stringMatching(/^[\x21-\x7e]{0,40}$/);
    const HEADERS: [string, fc.Arbitrary<string>][] = [
      ['x-http-method-override', fc.constantFrom('DELETE', 'POST', 'GET', 'PUT')],
      ['x-forwarded-proto', fc.oneof(fc.constantFrom('https', 'https, http', 'ftp', '', 'HTTPS', 'javascript'), junk)],
      ['x-forwarded-host', fc.oneof(fc.constantFrom('api.x.com', 'evil.example', '127.0.0.1:1'), junk)],
      ['x-forwarded-for', fc.oneof(fc.constantFrom('127.0.0.1', '::1', 'unknown', '1.1.1.1, 2.2.2.2'), junk)],
      ['x-original-url', fc.constantFrom('/2/usage/tweets', '/healthz', '/openapi.json')],
      ['x-rewrite-url', fc.constantFrom('/2/usage/tweets', '/healthz')],
      ['content-encoding', fc.constantFrom('gzip', 'br', 'deflate', 'identity', 'zz', 'gzip, gzip')],
      ['accept', fc.oneof(fc.constantFrom('text/html', 'application/xml', '*/*;q=0', 'application/problem+json'), junk)],
      ['accept-encoding', fc.constantFrom('gzip', 'br', '*', 'zz;q=2')],
      ['accept-charset', fc.constantFrom('utf-16', 'latin1')],
      ['range', fc.constantFrom('bytes=0-0', 'bytes=-1', 'bytes=abc')],
      ['if-none-match', fc.constantFrom('*', '"x"', 'W/"x"')],
      ['if-modified-since', fc.constantFrom('Thu, 01 Jan 1970 00:00:00 GMT', 'junk')],
      ['origin', fc.constantFrom('https://evil.example', 'null', 'https://api.x.com')],
      ['referer', fc.oneof(fc.constantFrom('https://evil.example/'), junk)],
      ['cookie', fc.oneof(fc.constantFrom('likes_api_flow=zz', `likes_api_flow=${'a'.repeat(32)}; likes_api_flow=${'b'.repeat(32)}`, '=; ;;'), junk.map((j) => `zz=${j}`))],
      ['x-transaction-id', junk],
      ['x-access-level', fc.constantFrom('read-write', 'read-write-directmessages')],
      ['user-agent', fc.oneof(fc.constantFrom('', '() { :; }; echo vulnerable', "' OR 1=1 --", '${jndi:ldap://x}'), junk)],
      ['content-language', junk],
      ['authorization', fc.constantFrom(`Bearer ${appBearer}, Bearer ${userToken}`, `Bearer ${userToken}, Basic zz`)],
      ['content-type', fc.constantFrom('application/json; charset=utf-16', 'application/json;;', 'APPLICATION/JSON ; CHARSET="UTF-8"', 'application/json; charset=latin1', 'application/x-www-form-urlencoded; charset=utf-7', 'text/plain', 'multipart/form-data')],
    ];
    const header = fc.oneof(...HEADERS.map(([name, value]) => value.map((v) => [name, v] as [string, string])));
    const make = (r: number, extra: [string, string][]): Hostile => {
      const route = ROUTES()[r];
      const headers: Record<string, string> = {};
      if (route.auth) headers.authorization = route.auth;
      if (route.type) headers['content-type'] = route.type;
      const overrides = extra.filter(([k]) => k === 'authorization' || k === 'content-type');
      for (const [k, v] of extra) headers[k] = headers[k] && !overrides.some(([o]) => o === k) ? `${headers[k]}, ${v}` : v;
      // A replaced credential or content type can change which refusal comes first, never whether it is one.
      const status = overrides.length ? [400, 401, 403, 404] : route.status;
      return { family: `headers on ${route.method} ${route.path.split('?')[0]}`, path: route.path, fetch: { method: route.method, headers, body: route.body }, expect: { status } };
    };
    const arb = fc.tuple(fc.nat({ max: ROUTES().length - 1 }), fc.array(header, { minLength: 1, maxLength: 6 })).map(([r, extra]) => make(r, extra));
    const examples = ROUTES().flatMap((_, r) => HEADERS.filter(([n]) => n !== 'authorization' && n !== 'content-type').map(([name], k) => make(r, [[name, ['DELETE', 'https', 'evil.example', 'gzip', 'text/html'][k % 5]]])));
    await run(arb, 3002, 'headers', examples);
  });

  it('OAuth 2.0 token and revoke parameters: duplicates, encodings, JSON or form, wrong grants answer 4xx (RFC 6749 errors)', async () => {
    const app = () => server.creds.app;
    const PARAMS = ['grant_type', 'code', 'redirect_uri', 'code_verifier', 'client_id', 'refresh_token', 'token', 'token_type_hint', 'scope', 'client_secret'];
    const VALUES = (): fc.Arbitrary<string>[] => [
      fc.constantFrom('authorization_code', 'refresh_token', 'client_credentials', 'password', 'AUTHORIZATION_CODE', 'authorization_code ', ''),
      fc.constantFrom(app().clientId, app().clientId.toLowerCase(), `${app().clientId} `, 'zz', server.creds.publicApp.clientId),
      fc.constantFrom('https://evil.example/cb', 'http://127.0.0.1/callback', 'javascript:alert(1)', '//evil.example', 'https://example.com/cb#frag'),
      fc.stringMatching(/^[A-Za-z0-9._~-]{0,200}$/),
      fc.string({ maxLength: 30 }),
    ];
    const value = fc.oneof(...VALUES());
    const pairs = fc.array(fc.tuple(fc.constantFrom(...PARAMS), value), { minLength: 0, maxLength: 8 });
    const encodings = fc.constantFrom('form', 'form-plus', 'form-lower-hex', 'json', 'json-nested', 'query');
    const auths = fc.constantFrom('', `Basic ${Buffer.from(`${app().clientId}:wrong`).toString('base64')}`, `Basic ${Buffer.from(`${app().clientId}:`).toString('base64')}`, 'Basic !!', `Bearer ${appBearer}`);
    const make = (path: string, ps: [string, string][], how: string, auth: string): Hostile => {
      const form = (plus: boolean, lower: boolean) =>
        ps.map(([k, v]) => {
          let e = encodeURIComponent(v);
          if (plus) e = e.replace(/%20/g, '+');
          if (lower) e = e.replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase());
          return `${k}=${e}`;
        }).join('&');
      const headers: Record<string, string> = auth ? { authorization: auth } : {};
      let body: string | undefined;
      let target = path;
      switch (how) {
        case 'json': headers['content-type'] = 'application/json'; body = JSON.stringify(Object.fromEntries(ps)); break;
        case 'json-nested': headers['content-type'] = 'application/json'; body = JSON.stringify({ params: Object.fromEntries(ps), grant_type: [ps[0]?.[1] ?? ''] }); break;
        case 'query': target = `${path}?${form(false, false)}`; break;
        default: headers['content-type'] = 'application/x-www-form-urlencoded'; body = form(how === 'form-plus', how === 'form-lower-hex');
      }
      // A public client (it has no secret to send) revoking a token that is not one gets RFC 7009's 200: allowed only
      // when the request names the public client. The generated tokens never are real ones, and the last test checks
      // that the real ones still work. The confidential App's client_id never revokes without its secret.
      const namesPublicClient = ps.some(([k, v]) => k === 'client_id' && v === server.creds.publicApp.clientId);
      const harmless200 = path === '/2/oauth2/revoke' && namesPublicClient ? '{"revoked":true}' : undefined;
      return { family: `oauth2 params (${how})`, path: target, fetch: { method: 'POST', headers, body }, expect: { status: [400, 401], harmless200 } };
    };
    const arb = fc
      .tuple(fc.constantFrom('/2/oauth2/token', '/2/oauth2/revoke'), pairs, encodings, auths)
      .map(([path, ps, how, auth]) => make(path, ps, how, auth));
    const examples = [
      make('/2/oauth2/token', [['grant_type', 'authorization_code'], ['grant_type', 'refresh_token'], ['code', 'zz'], ['client_id', app().clientId]], 'form', ''),
      make('/2/oauth2/token', [['grant_type', 'authorization_code'], ['code', 'zz'], ['code', 'zz'], ['client_id', app().clientId], ['code_verifier', 'x'.repeat(43)]], 'form', ''),
      // A real token with a duplicated client_id: refused, and the token keeps working.
      { ...make('/2/oauth2/revoke', [['token', userToken], ['client_id', app().clientId], ['client_id', 'zz']], 'form', ''), expect: { status: [400] } },
      make('/2/oauth2/token', [['grant_type', 'client_credentials'], ['client_id', app().clientId]], 'json', ''),
      make('/2/oauth2/token', [['grant_type', 'refresh_token'], ['refresh_token', 'zz'], ['client_id', app().clientId]], 'query', ''),
    ];
    await run(arb, 3003, 'oauth2Params', examples);
  });

  it('OAuth 1.0a flow endpoints and the authorization pages refuse junk with 4xx (legacy errors, error pages)', async () => {
    const junkHeader = fc.oneof(
      fc.constantFrom('', 'OAuth', 'OAuth oauth_callback="oob"', `OAuth oauth_consumer_key="${server.creds.app.consumerKey}"`, `OAuth oauth_consumer_key="${server.creds.app.consumerKey}", oauth_consumer_key="zz"`, 'Basic zz'),
      fc.stringMatching(/^[A-Za-z0-9_]{1,20}$/).map((v) => `OAuth oauth_token="${v}", oauth_verifier="${v}", oauth_consumer_key="${server.creds.app.consumerKey}", oauth_signature="zz", oauth_nonce="n", oauth_timestamp="${Math.floor(Date.now() / 1000)}", oauth_signature_method="HMAC-SHA1"`),
    );
    const junkQuery = fc.array(fc.tuple(fc.constantFrom('oauth_token', 'oauth_callback', 'screen_name', 'force_login', 'x_auth_access_type', 'client_id', 'redirect_uri', 'response_type', 'state', 'code_challenge', 'code_challenge_method', 'scope', 'pending', 'csrf', 'step', 'action'), fc.string({ maxLength: 20 })), { maxLength: 6 })
      .map((ps) => ps.map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join('&'));
    const TARGETS = [
      ['POST', '/oauth/request_token'], ['POST', '/oauth/access_token'], ['POST', '/oauth/invalidate_token'], ['POST', '/1.1/oauth/invalidate_token'],
      ['GET', '/oauth/authorize'], ['GET', '/oauth/authenticate'], ['POST', '/oauth/authorize'], ['POST', '/oauth/authenticate'],
      ['GET', '/i/oauth2/authorize'], ['GET', '/2/oauth2/authorize'], ['POST', '/i/oauth2/authorize'], ['POST', '/2/oauth2/authorize'],
    ] as const;
    const make = (t: number, auth: string, query: string, formBody: boolean): Hostile => {
      const [method, path] = TARGETS[t];
      const headers: Record<string, string> = auth ? { authorization: auth } : {};
      // A GET authorize page asked for something it can act on would redirect: the client id is never a real one.
      const q = method === 'GET' ? query.replace(/(^|&)client_id=[^&]*/g, '$1client_id=zz') : query;
      const body = method === 'POST' && formBody ? q : undefined;
      if (body !== undefined) headers['content-type'] = 'application/x-www-form-urlencoded';
      return { family: `flow ${method} ${path}`, path: body === undefined && q ? `${path}?${q}` : path, fetch: { method, headers, body } };
    };
    const arb = fc.tuple(fc.nat({ max: TARGETS.length - 1 }), junkHeader, junkQuery, fc.boolean()).map(([t, a, q, f]) => make(t, a, q, f));
    const examples = TARGETS.map((_, t) => make(t, '', '', false));
    await run(arb, 3004, 'flowEndpoints', examples);
  });

  // Last: node:test runs the tests of a suite in order.
  it('leaves the server healthy and the earlier like untouched', async (t) => {
    t.diagnostic(`${sent} hostile requests (LIKES_API_FUZZ_RUNS=${FUZZ_RUNS} generated, the rest listed edge cases), ${serverErrors} answered 5xx`);
    assert.equal(sent, FUZZ_RUNS + listed, 'as many generated requests as asked for');
    assert.equal(serverErrors, 0);
    const health = await fetch(`${server.baseUrl}/healthz`, { signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
    assert.equal(health.status, 200);
    assert.equal(((await health.json()) as { status: string }).status, 'ok');

    const entry = await likedTweetEntry();
    assert.equal(entry.found, true, `liked_tweets of ${uid} no longer lists ${likedTweetId}`);
    assert.equal(entry.likeCount, likeCountAfterLike, 'like_count of the liked tweet changed');

    // The app bearer survived the /oauth2/invalidate_token attempts.
    const usage = await fetch(`${server.baseUrl}/2/usage/tweets`, {
      headers: { authorization: `Bearer ${appBearer}` },
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    assert.equal(usage.status, 200);
    await usage.arrayBuffer();
  });
});
