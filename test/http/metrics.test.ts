// GET /metrics of a real server: request counts move with requests and are labelled by route pattern (never a raw
// path with ids), 429s are counted by kind, store calls and response-cache lookups are measured, each server has
// its own registry, and LIKES_API_METRICS=off removes the endpoint.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestServer, type TestServer } from '../support/harness.ts';
import { cleanup } from '../support/processes.ts';

/** `name{labels} value` samples of a Prometheus text exposition. */
function samples(text: string): { name: string; labels: Record<string, string>; value: number }[] {
  const out = [];
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    assert.ok(m, `not a sample: ${line}`);
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) labels[l[1]] = l[2];
    out.push({ name: m[1], labels, value: Number(m[3]) });
  }
  return out;
}

async function scrape(server: TestServer) {
  const res = await fetch(`${server.baseUrl}/metrics`);
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
  return samples(await res.text());
}

function value(all: ReturnType<typeof samples>, name: string, labels: Record<string, string>): number {
  return all
    .filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))
    .reduce((sum, s) => sum + s.value, 0);
}

describe('GET /metrics', () => {
  let server: TestServer;
  let other: TestServer;
  before(async () => {
    server = await startTestServer();
    other = await startTestServer({ demo: false });
  });
  after(() => cleanup(() => server?.close(), () => other?.close()));

  const get = (path: string, token = server.creds.app.bearerToken) =>
    fetch(`${server.baseUrl}${path}`, { headers: { authorization: `Bearer ${token}` } }).then(async (r) => {
      await r.arrayBuffer();
      return r.status;
    });

  it('counts requests by method, route pattern and status', async () => {
    const before = await scrape(server);
    const name = 'likes_api_http_requests_total';
    const route = '/2/users/:id/liked_tweets';
    const base = value(before, name, { method: 'GET', route, status: '200' });
    const { heavyLikerUserId, users } = server.creds;
    assert.equal(await get(`/2/users/${heavyLikerUserId}/liked_tweets?max_results=5`), 200);
    assert.equal(await get(`/2/users/${users[1].id}/liked_tweets?max_results=5`), 200);
    assert.equal(await get('/2/users/abc/liked_tweets'), 400);
    assert.equal(await get('/no/such/thing/12345'), 404);
    assert.equal(await get('/another/unknown/67890'), 404);

    const after = await scrape(server);
    assert.equal(value(after, name, { method: 'GET', route, status: '200' }), base + 2);
    assert.equal(value(after, name, { method: 'GET', route, status: '400' }), value(before, name, { method: 'GET', route, status: '400' }) + 1);
    assert.equal(value(after, name, { route: 'unmatched', status: '404' }), value(before, name, { route: 'unmatched', status: '404' }) + 2);
    assert.ok(value(after, 'likes_api_http_request_duration_seconds_count', { route, status: '200' }) >= 2);
    // Labels name patterns only: no id or raw path of any request made.
    for (const s of after) {
      for (const v of Object.values(s.labels)) {
        assert.ok(!/\d{6,}|12345|67890|abc/.test(v), `${s.name} has a raw value in a label: ${JSON.stringify(s.labels)}`);
      }
    }
  });

  it('measures store calls and response-cache lookups', async () => {
    const path = `/2/users/${server.creds.users[2].id}/liked_tweets?max_results=9`;
    const before = await scrape(server);
    assert.equal(await get(path), 200);
    assert.equal(await get(path), 200);
    const after = await scrape(server);
    const lookups = (all: typeof after, result: string) => value(all, 'likes_api_response_cache_lookups_total', { result });
    assert.equal(lookups(after, 'miss'), lookups(before, 'miss') + 1);
    assert.equal(lookups(after, 'hit'), lookups(before, 'hit') + 1);
    const storeCalls = (all: typeof after) => value(all, 'likes_api_dependency_duration_seconds_count', { dependency: 'sqlite', outcome: 'ok' });
    assert.ok(storeCalls(after) > storeCalls(before), 'the miss read the store');
    assert.ok(after.some((s) => s.name === 'likes_api_dependency_duration_seconds_bucket' && s.labels.operation === 'likedTweetCoresByUser'));
    assert.ok(value(after, 'likes_api_dependency_duration_seconds_count', { dependency: 'memory', operation: 'rateLimiter.hit' }) > 0);
    assert.ok(value(after, 'likes_api_process_cpu_seconds_total', {}) > 0, 'default process metrics are there');
  });

  it('measures the event tables\' calls as the store\'s, under their own names', async () => {
    const calls = (all: Awaited<ReturnType<typeof scrape>>) =>
      value(all, 'likes_api_dependency_duration_seconds_count', { dependency: 'sqlite', operation: 'events.webhooksOfApp', outcome: 'ok' });
    const before = calls(await scrape(server));
    assert.equal(await get('/2/webhooks'), 200);
    assert.equal(calls(await scrape(server)), before + 1, 'GET /2/webhooks read the App\'s webhooks through the watched store');
  });

  it('counts rate-limit and Tweet-cap refusals by kind', async () => {
    const { credentials } = server.services;
    const project = await credentials.createProject('Metrics cap', { monthlyTweetCap: 5 });
    const app = await credentials.createApp('Metrics App', project.id);
    const before = await scrape(server);
    const user = server.creds.heavyLikerUserId;
    assert.equal(await get(`/2/users/${user}/liked_tweets?max_results=5`, app.bearerToken), 200);
    assert.equal(await get(`/2/users/${user}/liked_tweets?max_results=6`, app.bearerToken), 429);
    let status = 0;
    for (let i = 0; i < 60 && status !== 429; i++) status = await get('/2/usage/tweets', app.bearerToken);
    assert.equal(status, 429);
    const after = await scrape(server);
    const refusals = (all: typeof after, kind: string) => value(all, 'likes_api_refusals_total', { kind });
    assert.equal(refusals(after, 'usage_cap'), refusals(before, 'usage_cap') + 1);
    assert.equal(refusals(after, 'rate_limit'), refusals(before, 'rate_limit') + 1);
  });

  it('counts a locked sign-in and the authorize page refusing an address each under its own kind', async () => {
    const refusals = (all: Awaited<ReturnType<typeof scrape>>, kind: string) => value(all, 'likes_api_refusals_total', { kind });
    const authorize = new URL('/i/oauth2/authorize', server.baseUrl);
    for (const [k, v] of Object.entries({
      response_type: 'code', client_id: server.creds.publicApp.clientId, redirect_uri: 'http://127.0.0.1:1/callback',
      scope: 'tweet.read users.read', state: 'metrics', code_challenge: 'a'.repeat(43), code_challenge_method: 'S256',
    })) authorize.searchParams.set(k, v);
    const open = async () => {
      const res = await fetch(authorize, { redirect: 'manual' });
      return { status: res.status, page: await res.text(), cookie: /likes_api_flow=[A-Za-z0-9]+/.exec(res.headers.get('set-cookie') ?? '')?.[0] ?? '' };
    };

    // Wrong passwords for one username, over as many authorizations as it takes, until the username is locked.
    const before = await scrape(server);
    let page = await open();
    let status = 0;
    for (let i = 0; i < 20 && status !== 429; i++) {
      const action = /<form method="post" action="([^"]+)"/.exec(page.page)?.[1];
      if (!action || !/name="password"/.test(page.page)) {
        page = await open();
        continue;
      }
      const fields = Object.fromEntries([...page.page.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)].map((m) => [m[1], m[2]]));
      const res = await fetch(new URL(action, server.baseUrl), {
        method: 'POST',
        redirect: 'manual',
        headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: page.cookie },
        body: new URLSearchParams({ ...fields, username: server.creds.users[0].username, password: 'wrong', action: 'signin' }).toString(),
      });
      status = res.status;
      page = { status, page: await res.text(), cookie: page.cookie };
    }
    assert.equal(status, 429);
    const locked = await scrape(server);
    assert.equal(refusals(locked, 'sign_in'), refusals(before, 'sign_in') + 1);
    assert.equal(refusals(locked, 'authorize'), refusals(before, 'authorize'));

    // The authorize page refuses an address that opened too many authorizations: its own kind, not a sign-in.
    status = 0;
    for (let i = 0; i < 200 && status !== 429; i++) status = (await open()).status;
    assert.equal(status, 429);
    const after = await scrape(server);
    assert.equal(refusals(after, 'authorize'), refusals(locked, 'authorize') + 1);
    assert.equal(refusals(after, 'sign_in'), refusals(locked, 'sign_in'));
  });

  it('keeps one registry per server', async () => {
    const route = { route: '/2/users/:id/liked_tweets' };
    assert.equal(await get(`/2/users/${server.creds.heavyLikerUserId}/liked_tweets?max_results=5`), 200);
    assert.ok(value(await scrape(server), 'likes_api_http_requests_total', route) > 0, 'the request is counted where it was served');
    assert.equal(value(await scrape(other), 'likes_api_http_requests_total', route), 0, 'and nowhere else');
  });

  it('is absent with LIKES_API_METRICS=off', async () => {
    const off = await startTestServer({ demo: false, env: { LIKES_API_METRICS: 'off' } });
    try {
      const res = await fetch(`${off.baseUrl}/metrics`);
      assert.equal(res.status, 404);
    } finally {
      await off.close();
    }
  });
});
