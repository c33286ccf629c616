// The admin CLI (`likes-api project|app|user|tweet …`) run as the real command in a child process, on a temp
// data dir that a real server serves at the same time: the credentials it prints must work over HTTP, and
// what it changes must show in the server's next answer.
import assert from 'node:assert/strict';
import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Redis } from 'ioredis';
import { MemoryRateLimiter } from '../../src/adapters/memory/index.ts';
import { appOnlyRateLimits, applyRateLimits } from '../../src/domain/rateLimits.ts';
import { EVENT_ENDPOINT_IDS, EVENT_ENDPOINT_LIMITS } from '../../src/domain/events/eventEndpoints.ts';
import { runCli as cli, type CliRun } from '../support/processes.ts';
import { startTestServer, type TestServer } from '../support/harness.ts';

const REDIS_URL = process.env.LIKES_API_TEST_REDIS_URL || 'redis://127.0.0.1:6379/0';


/** Runs `jobs` at most `width` at a time (each is a child process), results in order. */
async function pool<T>(jobs: readonly (() => Promise<T>)[], width = 4): Promise<T[]> {
  const results: T[] = new Array(jobs.length);
  let next = 0;
  const worker = async () => {
    while (next < jobs.length) {
      const i = next++;
      results[i] = await jobs[i]();
    }
  };
  await Promise.all(Array.from({ length: Math.min(width, jobs.length) }, worker));
  return results;
}

async function cliJson<T = any>(dataDir: string, args: readonly string[], extraEnv: Record<string, string> = {}): Promise<T> {
  const run = await cli(dataDir, [...args, '--json'], extraEnv);
  assert.equal(run.code, 0, `likes-api ${args.join(' ')} exited ${run.code}: ${run.stderr}`);
  assert.equal(run.stderr, '');
  return JSON.parse(run.stdout) as T;
}

/** A usage or operation error: the exit code, nothing on stdout, exactly one line on stderr. */
function assertOneLineError(run: CliRun, code: number, includes: string): void {
  assert.equal(run.code, code, `expected exit ${code}, got ${run.code}: ${run.stderr}`);
  assert.equal(run.stdout, '');
  assert.match(run.stderr, /^likes-api [^\n]+\n$/, `one line on stderr: ${JSON.stringify(run.stderr)}`);
  assert.ok(run.stderr.includes(includes), `stderr ${JSON.stringify(run.stderr)} mentions ${includes}`);
}

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

interface OAuth1Keys {
  consumerKey: string;
  consumerSecret: string;
  accessToken: string;
  accessTokenSecret: string;
}

/** RFC 5849 percent-encoding. */
const enc = (s: string) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

/** A GET signed with OAuth 1.0a HMAC-SHA1 (RFC 5849, as every OAuth 1.0a client signs); resolves to the status. */
async function oauth1Get(url: string, keys: OAuth1Keys): Promise<Response> {
  const u = new URL(url);
  const oauth: [string, string][] = [
    ['oauth_consumer_key', keys.consumerKey],
    ['oauth_nonce', randomBytes(16).toString('hex')],
    ['oauth_signature_method', 'HMAC-SHA1'],
    ['oauth_timestamp', String(Math.floor(Date.now() / 1000))],
    ['oauth_token', keys.accessToken],
    ['oauth_version', '1.0'],
  ];
  const params = [...oauth, ...u.searchParams]
    .map(([k, v]) => [enc(k), enc(v)])
    .sort(([a, x], [b, y]) => (a < b ? -1 : a > b ? 1 : x < y ? -1 : x > y ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
  const base = ['GET', enc(`${u.origin}${u.pathname}`), enc(params)].join('&');
  const signature = createHmac('sha1', `${enc(keys.consumerSecret)}&${enc(keys.accessTokenSecret)}`).update(base).digest('base64');
  const header = [...oauth, ['oauth_signature', signature]].map(([k, v]) => `${k}="${enc(v)}"`).join(', ');
  return fetch(url, { headers: { authorization: `OAuth ${header}` } });
}

async function status(url: string, init: RequestInit = {}): Promise<number> {
  const res = await fetch(url, init);
  await res.arrayBuffer();
  return res.status;
}

/** A Project, an App in it, a liker with tokens and an author with a Tweet, all made through the CLI. */
interface World {
  project: any;
  app: any;
  liker: any;
  author: any;
  tweet: any;
  tokens: any;
}

async function makeWorld(dir: string, tag: string): Promise<World> {
  const project = await cliJson(dir, ['project', 'create', '--name', `Project ${tag}`, '--cap', '1000', '--reset-day', '5']);
  const app = await cliJson(dir, ['app', 'create', '--name', `App ${tag}`, '--project', project.id]);
  const liker = await cliJson(dir, ['user', 'create', '--username', `liker_${tag}`, '--name', 'Liker']);
  const author = await cliJson(dir, ['user', 'create', '--username', `author_${tag}`, '--name', 'Author', '--id', '777000111']);
  const tweet = await cliJson(dir, ['tweet', 'create', '--author', author.id, '--text', `Hello @liker_${tag} #likes`]);
  const tokens = await cliJson(dir, ['user', 'tokens', liker.id, '--app', app.app.id]);
  return { project, app, liker, author, tweet, tokens };
}

describe('likes-api admin CLI against a server on the same data dir', () => {
  let dir: string;
  let server: TestServer;
  let world: World;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'likes-admin-'));
    server = await startTestServer({ env: { LIKES_API_DATA_DIR: dir }, demo: false });
    world = await makeWorld(dir, 'a');
  });
  after(async () => {
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('prints the created records and every credential once, with --json', () => {
    const { project, app, liker, author, tweet, tokens } = world;
    assert.match(project.id, /^\d{1,19}$/);
    assert.equal(project.name, 'Project a');
    assert.equal(project.monthlyTweetCap, 1000);
    assert.equal(project.capResetDay, 5);
    assert.equal(project.developerState, 'approved');
    assert.deepEqual(project.policy, {});

    assert.equal(app.app.projectId, project.id);
    assert.equal(app.app.permission, 'read-write');
    assert.match(app.consumerKey, /^[A-Za-z0-9]{25}$/);
    assert.match(app.consumerSecret, /^[A-Za-z0-9]{50}$/);
    assert.equal(app.clientId, app.app.clientId);
    assert.match(app.clientSecret, /^[A-Za-z0-9]{50}$/);
    assert.match(app.bearerToken, /^A{21}[A-Za-z0-9]+$/);

    assert.equal(author.id, '777000111');
    assert.equal(liker.username, 'liker_a');
    assert.equal(tweet.authorId, author.id);
    assert.deepEqual(tweet.entities.mentions, [{ start: 6, end: 14, username: 'liker_a', id: liker.id }]);
    assert.deepEqual(tweet.entities.hashtags, [{ start: 15, end: 21, tag: 'likes' }]);

    assert.ok(tokens.accessToken.startsWith(`${liker.id}-`), tokens.accessToken);
    assert.ok(tokens.accessTokenSecret.length >= 40);
    assert.ok(tokens.oauth2AccessToken.length >= 40);
    assert.deepEqual(tokens.oauth2Scopes, ['tweet.read', 'users.read', 'like.read', 'like.write', 'offline.access']);
  });

  it('mints an OAuth 2.0 user token and an app-only Bearer that the server accepts', async () => {
    const { liker, tweet, tokens, app } = world;
    const like = await fetch(`${server.baseUrl}/2/users/${liker.id}/likes`, {
      method: 'POST',
      headers: { ...bearer(tokens.oauth2AccessToken), 'content-type': 'application/json' },
      body: JSON.stringify({ tweet_id: tweet.id }),
    });
    assert.equal(like.status, 200);
    assert.deepEqual(await like.json(), { data: { liked: true } });

    const liked = await fetch(`${server.baseUrl}/2/users/${liker.id}/liked_tweets`, { headers: bearer(app.bearerToken) });
    assert.equal(liked.status, 200);
    const body = (await liked.json()) as { data: { id: string; text: string }[] };
    assert.deepEqual(body.data.map((t) => t.id), [tweet.id]);
    assert.equal(body.data[0].text, tweet.text);
  });

  it('mints an OAuth 1.0a access token that works with the App\'s consumer key', async () => {
    const res = await oauth1Get(`${server.baseUrl}/2/tweets/${world.tweet.id}/liking_users?max_results=10`, {
      consumerKey: world.app.consumerKey,
      consumerSecret: world.app.consumerSecret,
      accessToken: world.tokens.accessToken,
      accessTokenSecret: world.tokens.accessTokenSecret,
    });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('x-rate-limit-limit'), '75');
    assert.deepEqual(((await res.json()) as { data: { id: string }[] }).data.map((u) => u.id), [world.liker.id]);
  });

  it('never prints a credential in app list or app show', async () => {
    const secrets = [world.app.consumerKey, world.app.consumerSecret, world.app.clientSecret, world.app.bearerToken];
    const list = await cliJson(dir, ['app', 'list']);
    const mine = list.apps.find((a: { id: string }) => a.id === world.app.app.id);
    assert.ok(mine, 'the App is listed');
    assert.equal(mine.projectId, world.project.id);
    assert.equal(mine.bearerActive, true);
    for (const key of ['consumerKey', 'consumerSecret', 'clientSecret', 'bearerToken']) assert.equal(key in mine, false, key);
    for (const args of [['app', 'list'], ['app', 'list', '--json'], ['app', 'show', world.app.app.id], ['app', 'show', world.app.app.id, '--json']]) {
      const run = await cli(dir, args);
      assert.equal(run.code, 0, run.stderr);
      for (const secret of secrets) assert.equal(run.stdout.includes(secret), false, `${args.join(' ')} leaks a credential`);
    }
  });

  it("sets X's type of App at creation and with app set, and the token endpoint follows it", async () => {
    assert.equal(world.app.app.type, 'web');
    assert.equal(world.app.app.clientType, 'confidential');
    const spa = await cliJson(dir, ['app', 'create', '--name', 'Spa App', '--project', world.project.id, '--type', 'spa']);
    assert.deepEqual([spa.app.type, spa.app.clientType], ['spa', 'public']);
    const revoke = (clientId: string) => fetch(`${server.baseUrl}/2/oauth2/revoke`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token: 'not-a-token', client_id: clientId }).toString(),
    }).then(async (r) => ({ status: r.status, body: await r.json() }));
    assert.deepEqual(await revoke(spa.clientId), { status: 200, body: { revoked: true } });

    const bot = await cliJson(dir, ['app', 'set', spa.app.id, '--type', 'bot']);
    assert.deepEqual([bot.type, bot.clientType], ['bot', 'confidential']);
    assert.deepEqual((await cliJson(dir, ['app', 'show', spa.app.id])).type, 'bot');
    assert.match((await cli(dir, ['app', 'show', spa.app.id])).stdout, /Type of App: +Automated App or bot \(bot: confidential client\)/);
    assert.deepEqual(await revoke(spa.clientId), {
      status: 401, body: { error: 'unauthorized_client', error_description: 'Missing valid authorization header' },
    });
    // Made confidential, the App got a client secret, printed once: HTTP Basic with it is accepted.
    assert.match(bot.clientSecret, /^[A-Za-z0-9]{50}$/);
    const basicRevoke = (secret: string) => fetch(`${server.baseUrl}/2/oauth2/revoke`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from(`${spa.clientId}:${secret}`).toString('base64')}` },
      body: new URLSearchParams({ token: 'not-a-token' }).toString(),
    }).then((r) => r.status);
    assert.equal(await basicRevoke(bot.clientSecret), 200);
    assert.equal((await cliJson(dir, ['app', 'show', spa.app.id])).clientSecret, undefined, 'shown once: not by app show');
    const native = await cliJson(dir, ['app', 'set', spa.app.id, '--type', 'native']);
    assert.equal(native.clientType, 'public');
    assert.equal(native.clientSecret, undefined);
    assert.equal((await revoke(spa.clientId)).status, 200);
    // Confidential again: a new secret; the one it had before being public stays dead.
    const web = await cliJson(dir, ['app', 'set', spa.app.id, '--type', 'web']);
    assert.notEqual(web.clientSecret, bot.clientSecret);
    assert.equal(await basicRevoke(bot.clientSecret), 401);
    assert.equal(await basicRevoke(web.clientSecret), 200);

    const bad = await cli(dir, ['app', 'set', spa.app.id, '--type', 'desktop']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--type/);
  });

  it('reports the Project\'s usage and the App\'s app-only buckets, and says the memory state is not shared', async () => {
    const usage = await cliJson(dir, ['app', 'usage', world.app.app.id, '--days', '3']);
    assert.equal(usage.appId, world.app.app.id);
    assert.equal(usage.usage.data.project_id, world.project.id);
    assert.equal(usage.usage.data.project_cap, '1000');
    assert.equal(usage.usage.data.project_usage, '0');
    assert.equal(typeof usage.usage.data.cap_reset_day, 'number');
    assert.equal(usage.usage.data.daily_project_usage.usage.length, 3);
    assert.equal(usage.rateLimitTier, 'classic');
    // The Likes endpoints' buckets, then one per events endpoint (webhooks, subscriptions, streams).
    assert.deepEqual(
      usage.rateLimits.map((b: { bucket: string; limit: number; windowSeconds: number }) => [b.bucket, b.limit, b.windowSeconds]),
      [
        ['liked_tweets', 75, 900], ['liking_users', 75, 900], ['usage_tweets', 50, 900],
        ...EVENT_ENDPOINT_IDS.map((id) => [id, EVENT_ENDPOINT_LIMITS[id], 900]),
      ],
    );
    assert.equal(usage.sharedState, 'memory');
    assert.ok(usage.notes.some((n: string) => n.includes('LIKES_API_REDIS_URL')), usage.notes.join(' | '));
    const human = await cli(dir, ['app', 'usage', world.app.app.id]);
    assert.equal(human.code, 0);
    assert.match(human.stdout, /Shared state is in memory/);
  });

  it('app regenerate --bearer: the old Bearer gets 401 at once, the new one 200', async () => {
    const url = `${server.baseUrl}/2/users/${world.liker.id}/liked_tweets`;
    const fresh = await cliJson(dir, ['app', 'create', '--name', 'Regenerated', '--project', world.project.id]);
    assert.equal(await status(url, { headers: bearer(fresh.bearerToken) }), 200);
    const out = await cliJson(dir, ['app', 'regenerate', fresh.app.id, '--bearer']);
    assert.deepEqual(Object.keys(out).sort(), ['appId', 'bearerToken']);
    assert.notEqual(out.bearerToken, fresh.bearerToken);
    assert.equal(await status(url, { headers: bearer(fresh.bearerToken) }), 401);
    assert.equal(await status(url, { headers: bearer(out.bearerToken) }), 200);
  });

  it('app regenerate --consumer-keys: the old key pair and its user access tokens stop working', async () => {
    const fresh = await cliJson(dir, ['app', 'create', '--name', 'Rekeyed', '--project', world.project.id]);
    const tokens = await cliJson(dir, ['user', 'tokens', world.liker.id, '--app', fresh.app.id, '--scopes', 'tweet.read,users.read,like.read']);
    assert.deepEqual(tokens.oauth2Scopes, ['tweet.read', 'users.read', 'like.read']);
    const url = `${server.baseUrl}/2/users/${world.liker.id}/liked_tweets`;
    const signedGet = async (consumerKey: string, consumerSecret: string, user: { accessToken: string; accessTokenSecret: string } = tokens) => {
      const res = await oauth1Get(url, { consumerKey, consumerSecret, ...user });
      await res.arrayBuffer();
      return res.status;
    };
    assert.equal(await signedGet(fresh.consumerKey, fresh.consumerSecret), 200);

    const out = await cliJson(dir, ['app', 'regenerate', fresh.app.id, '--consumer-keys', '--client-secret']);
    assert.notEqual(out.consumerKey, fresh.consumerKey);
    assert.notEqual(out.clientSecret, fresh.clientSecret);
    assert.equal(await signedGet(fresh.consumerKey, fresh.consumerSecret), 401);
    // As on X, the App's user access tokens went with the old keys.
    assert.equal(await signedGet(out.consumerKey, out.consumerSecret), 401);
    const again = await cliJson(dir, ['user', 'tokens', world.liker.id, '--app', fresh.app.id]);
    assert.equal(await signedGet(out.consumerKey, out.consumerSecret, again), 200);
    // Both steps kept each other's result: the regenerated consumer key is the App's key now.
    const basic = Buffer.from(`${out.consumerKey}:${out.consumerSecret}`).toString('base64');
    const token = await fetch(`${server.baseUrl}/oauth2/token`, {
      method: 'POST',
      headers: { authorization: `Basic ${basic}`, 'content-type': 'application/x-www-form-urlencoded;charset=UTF-8' },
      body: 'grant_type=client_credentials',
    });
    assert.equal(token.status, 200);
    assert.equal(((await token.json()) as { token_type: string }).token_type, 'bearer');
  });

  it('project set and app set change what the server answers next', async () => {
    const url = `${server.baseUrl}/2/users/${world.liker.id}/liked_tweets`;
    const headers = bearer(world.app.bearerToken);
    const refused = await cliJson(dir, ['project', 'set', world.project.id, '--app-only', 'refuse', '--tier', 'basic']);
    assert.deepEqual(refused.policy, { appOnlyOnLookups: 'refuse', rateLimitTier: 'basic' });
    assert.equal(refused.effectivePolicy.appOnlyOnLookups, 'refuse');
    assert.equal(await status(url, { headers }), 403);

    // The App's override wins over the Project's.
    const app = await cliJson(dir, ['app', 'set', world.app.app.id, '--app-only', 'accept']);
    assert.deepEqual(app.policy, { appOnlyOnLookups: 'accept' });
    assert.equal(app.effectivePolicy.rateLimitTier, 'basic');
    const res = await fetch(url, { headers });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('x-rate-limit-limit'), '5');

    await cliJson(dir, ['app', 'set', world.app.app.id, '--app-only', 'default']);
    const reset = await cliJson(dir, ['project', 'set', world.project.id, '--app-only', 'default', '--tier', 'default', '--developer', 'suspended']);
    assert.deepEqual(reset.policy, {});
    assert.equal(reset.developerState, 'suspended');
    assert.equal(await status(url, { headers }), 403);
    await cliJson(dir, ['project', 'set', world.project.id, '--developer', 'approved']);
    assert.equal(await status(url, { headers }), 200);

    const shown = await cliJson(dir, ['project', 'show', world.project.id]);
    assert.ok(shown.apps.some((a: { id: string }) => a.id === world.app.app.id));

    await cliJson(dir, ['app', 'set', world.app.app.id, '--suspended', 'on']);
    assert.equal(await status(url, { headers }), 401);
    await cliJson(dir, ['app', 'set', world.app.app.id, '--suspended', 'off', '--project', 'none']);
    assert.equal(await status(url, { headers }), 403);
    await cliJson(dir, ['app', 'set', world.app.app.id, '--project', world.project.id]);
    assert.equal(await status(url, { headers }), 200);
  });

  it('--metric-names picks the names of the renamed metrics the server emits next', async () => {
    const auth = { authorization: `Bearer ${world.tokens.oauth2AccessToken}` };
    const like = await fetch(`${server.baseUrl}/2/users/${world.liker.id}/likes`, {
      method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify({ tweet_id: world.tweet.id }),
    });
    assert.equal(like.status, 200);
    const url = `${server.baseUrl}/2/users/${world.liker.id}/liked_tweets?tweet.fields=public_metrics`;
    const metricKeys = async () => Object.keys(((await (await fetch(url, { headers: auth })).json()) as any).data[0].public_metrics);
    assert.deepEqual((await metricKeys()).slice(0, 2), ['retweet_count', 'repost_count'], 'both names by default');

    const project = await cliJson(dir, ['project', 'set', world.project.id, '--metric-names', 'v2167']);
    assert.deepEqual(project.policy, { metricNames: 'v2167' });
    assert.equal((await metricKeys())[0], 'repost_count');
    assert.ok(!(await metricKeys()).includes('retweet_count'));
    const app = await cliJson(dir, ['app', 'set', world.app.app.id, '--metric-names', 'v2159']);
    assert.equal(app.effectivePolicy.metricNames, 'v2159', 'the App\'s override wins');
    assert.ok(!(await metricKeys()).includes('repost_count'));

    await cliJson(dir, ['app', 'set', world.app.app.id, '--metric-names', 'default']);
    const reset = await cliJson(dir, ['project', 'set', world.project.id, '--metric-names', 'default']);
    assert.deepEqual(reset.policy, {});
    assert.equal(reset.effectivePolicy.metricNames, 'both');
    const unlike = await fetch(`${server.baseUrl}/2/users/${world.liker.id}/likes/${world.tweet.id}`, { method: 'DELETE', headers: auth });
    assert.equal(unlike.status, 200);
  });

  it('user set and tweet delete change what the server answers next', async () => {
    const liker = await cliJson(dir, ['user', 'create', '--username', 'set_me', '--name', 'Set Me', '--protected']);
    assert.equal(liker.protected, true);
    const tokens = await cliJson(dir, ['user', 'tokens', liker.id, '--app', world.app.app.id]);
    const tweet = await cliJson(dir, ['tweet', 'create', '--author', world.author.id, '--text', 'to be deleted']);
    const likeUrl = `${server.baseUrl}/2/users/${liker.id}/likes`;
    const post = (tweetId: string) => status(likeUrl, {
      method: 'POST',
      headers: { ...bearer(tokens.oauth2AccessToken), 'content-type': 'application/json' },
      body: JSON.stringify({ tweet_id: tweetId }),
    });
    assert.equal(await post(tweet.id), 200);

    const unprotected = await cliJson(dir, ['user', 'set', liker.id, '--protected', 'off']);
    assert.equal(unprotected.protected, false);
    const listed = await cliJson(dir, ['user', 'list', '--limit', '500']);
    assert.ok(listed.users.some((u: { id: string; protected: boolean }) => u.id === liker.id && !u.protected));

    const deleted = await cliJson(dir, ['tweet', 'delete', tweet.id]);
    assert.equal(deleted.deleted, true);
    const [stored] = await server.services.store.tweetsByIds([tweet.id]);
    assert.equal(stored.deleted, true);
    const page = (await (await fetch(`${server.baseUrl}/2/users/${liker.id}/liked_tweets`, { headers: bearer(tokens.oauth2AccessToken) })).json()) as { data?: unknown[] };
    assert.equal(page.data, undefined);

    const suspended = await cliJson(dir, ['user', 'set', liker.id, '--suspended', 'on']);
    assert.equal(suspended.suspended, true);
    assert.equal(await post(world.tweet.id), 401);
  });

  it('refuses clashing users and Tweets instead of replacing them (exit 1, one line)', async () => {
    assertOneLineError(await cli(dir, ['user', 'create', '--username', 'LIKER_A', '--name', 'Dup']), 1, 'taken');
    assertOneLineError(await cli(dir, ['user', 'create', '--username', 'other', '--name', 'Dup', '--id', world.author.id]), 1, 'already exists');
    assertOneLineError(await cli(dir, ['tweet', 'create', '--author', world.author.id, '--text', 'x', '--id', world.tweet.id]), 1, 'already exists');
    assertOneLineError(await cli(dir, ['tweet', 'create', '--author', '123', '--text', 'x']), 1, 'no user with id 123');
    assertOneLineError(await cli(dir, ['project', 'show', '42']), 1, 'no Project with id 42');
    assertOneLineError(await cli(dir, ['app', 'create', '--name', 'x', '--project', '42']), 1, 'no Project with id 42');
    assertOneLineError(await cli(dir, ['user', 'tokens', world.liker.id, '--app', '42']), 1, 'no App with id 42');
    const [author] = await server.services.store.usersByIds([world.author.id]);
    assert.equal(author.username, 'author_a');
  });
});

describe('likes-api admin CLI: help and usage errors', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'likes-admin-usage-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const SUBCOMMANDS: Record<string, string[]> = {
    project: ['create', 'list', 'show', 'set'],
    app: ['create', 'list', 'show', 'set', 'regenerate', 'usage'],
    user: ['create', 'list', 'set', 'tokens'],
    tweet: ['create', 'delete'],
  };

  it('--help on every command and subcommand exits 0 and prints its usage', async () => {
    const jobs = Object.entries(SUBCOMMANDS).flatMap(([group, subs]) => [
      () => cli(dir, [group, '--help']).then((run) => ({ run, usage: `Usage: likes-api ${group} <${subs.join('|')}>` })),
      ...subs.map((sub) => () => cli(dir, [group, sub, '--help']).then((run) => ({ run, usage: `Usage: likes-api ${group} ${sub}` }))),
    ]);
    for (const { run, usage } of await pool(jobs)) {
      assert.equal(run.code, 0, `${usage}: ${run.stderr}`);
      assert.equal(run.stderr, '');
      assert.ok(run.stdout.startsWith(usage), `${usage}\n---\n${run.stdout}`);
      if (!usage.includes('<')) assert.match(run.stdout, /--json/);
    }
    const top = await cli(dir, ['--help']);
    assert.equal(top.code, 0);
    for (const group of Object.keys(SUBCOMMANDS)) assert.match(top.stdout, new RegExp(`^  ${group} `, 'm'));
  });

  it('usage errors exit 2 with one line on stderr', async () => {
    const cases: [string[], string][] = [
      [['project', 'create', '--name', 'x', '--bogus'], 'unknown option --bogus'],
      [['app', 'list', '--secrets'], 'unknown option --secrets'],
      [['project', 'create'], 'missing --name'],
      [['project', 'create', '--name'], '--name needs a value'],
      [['project', 'create', '--name', 'x', '--tier', 'gold'], '--tier must be one of'],
      [['project', 'create', '--name', 'x', '--reset-day', '31'], '--reset-day must be a whole number from 1 to 28'],
      [['project', 'create', '--name', 'x', '--name', 'y'], 'more than once'],
      [['project', 'show'], 'missing ID'],
      [['project', 'show', '1', '2'], 'unexpected argument "2"'],
      [['project', 'set', '1'], 'nothing to change'],
      [['app', 'show', 'abc'], 'ID must be an id'],
      [['app', 'regenerate', '1'], 'say what to regenerate'],
      [['app', 'usage', '1', '--days', '91'], '--days must be a whole number from 1 to 90'],
      [['user', 'create', '--username', 'no spaces', '--name', 'x'], '--username must be'],
      [['user', 'tokens', '1', '--app', '2', '--scopes', 'like.read,dm.write'], '"dm.write"'],
      [['user', 'set', '1', '--protected', 'yes'], '--protected must be one of on, off'],
      [['tweet', 'create', '--author', '1', '--text', '   '], '--text must not be empty'],
      [['tweet'], 'missing subcommand'],
      [['tweet', 'edit'], 'unknown subcommand "edit"'],
    ];
    const runs = await pool(cases.map(([args]) => () => cli(dir, args)));
    runs.forEach((run, i) => assertOneLineError(run, 2, cases[i][1]));
  });
});

describe('appOnlyRateLimits', () => {
  it('reads the buckets applyRateLimits counts app-only requests in', async () => {
    const limiter = new MemoryRateLimiter();
    const now = Date.UTC(2026, 0, 1);
    await applyRateLimits(limiter, true, 'basic', 'liking_users', '99', null, now);
    await applyRateLimits(limiter, true, 'basic', 'liking_users', '99', null, now + 1000);
    await applyRateLimits(limiter, true, 'basic', 'liked_tweets', '99', 'user-1', now);
    const buckets = await appOnlyRateLimits(limiter, 'basic', '99', now + 2000);
    const byBucket = Object.fromEntries(buckets.map((b) => [b.bucket, b]));
    assert.equal(byBucket.liking_users.limit, 25);
    assert.equal(byBucket.liking_users.remaining, 23);
    assert.equal(byBucket.liking_users.resetAt, new Date(now + 15 * 60_000).toISOString());
    // A user-context request does not touch the App's app-only bucket.
    assert.equal(byBucket.liked_tweets.remaining, 5);
    assert.deepEqual((await appOnlyRateLimits(limiter, 'basic', '100', now)).slice(0, 3).map((b) => b.remaining), [5, 25, 50]);
  });
});

const redis = await (async () => {
  const client = new Redis(REDIS_URL, { lazyConnect: true, connectTimeout: 1000, maxRetriesPerRequest: 0, retryStrategy: () => null });
  client.on('error', () => {});
  try {
    await client.connect();
    await client.ping();
    return client;
  } catch {
    client.disconnect();
    return null;
  }
})();

describe('likes-api app usage with Redis shared state', () => {
  it('has a Redis to talk to (the suite fails, never skips, without one)', () => {
    assert.ok(redis, `no Redis at ${REDIS_URL}`);
  });
  const prefix = `likes-api-test:${randomUUID()}:`;
  const env = { LIKES_API_REDIS_URL: REDIS_URL, LIKES_API_REDIS_PREFIX: prefix };
  let dir: string;
  let server: TestServer;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'likes-admin-redis-'));
    server = await startTestServer({ env: { LIKES_API_DATA_DIR: dir, ...env }, demo: false });
  });
  after(async () => {
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
    if (redis) {
      const keys = await redis.keys(`${prefix.replace(/[*?[\]\\]/g, '\\$&')}*`);
      if (keys.length) await redis.del(...keys);
      redis.disconnect();
    }
  });

  it('sees the counts a server recorded', async () => {
    const world = await makeWorld(dir, 'r');
    const like = await fetch(`${server.baseUrl}/2/users/${world.liker.id}/likes`, {
      method: 'POST',
      headers: { ...bearer(world.tokens.oauth2AccessToken), 'content-type': 'application/json' },
      body: JSON.stringify({ tweet_id: world.tweet.id }),
    });
    assert.equal(like.status, 200);
    for (let i = 0; i < 2; i++) {
      assert.equal(await status(`${server.baseUrl}/2/users/${world.liker.id}/liked_tweets`, { headers: bearer(world.app.bearerToken) }), 200);
    }
    const usage = await cliJson(dir, ['app', 'usage', world.app.app.id], env);
    assert.equal(usage.sharedState, 'redis');
    assert.deepEqual(usage.notes, []);
    assert.equal(usage.usage.data.project_usage, '2');
    const mine = usage.usage.data.daily_client_app_usage.find((u: { client_app_id: string }) => u.client_app_id === world.app.app.id);
    assert.equal(mine.usage.at(-1).usage, '2');
    const liked = usage.rateLimits.find((b: { bucket: string }) => b.bucket === 'liked_tweets');
    assert.equal(liked.remaining, 73);
  });
});
