// The control API under /__admin/: absent (X's empty 404) without a token, 401 with a wrong one, and with the right
// one the sandbox list and a user's likes imported from a streamed like.js (then seen through the X API) and exported.
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { Writable } from 'node:stream';
import { describe, it } from 'node:test';
import { randomUUID } from 'node:crypto';
import { ConfigError, loadConfig } from '../../src/config.ts';
import { ensureDemo, storedDemoCredentials } from '../../src/demo/demoSeed.ts';
import { createLogger } from '../../src/logging.ts';
import { serverForSuite } from '../support/harness.ts';

const ADMIN_PATHS = ['/__admin/sandboxes', '/__admin/sandboxes/default', '/__admin/', '/__admin/nothing/here',
  '/__admin/sandboxes/default/users/1/likes/export', '/__admin/sandboxes/default/users/1/likes/import'];

const UNAUTHORIZED = '{\n  "title": "Unauthorized",\n  "type": "about:blank",\n  "status": 401,\n  "detail": "Unauthorized"\n}';

/** POSTs `chunks` as a chunked body, each written on its own turn of the event loop, and reads the answer. */
function postChunked(baseUrl: string, path: string, token: string, chunks: string[]): Promise<{ status: number; body: string; headers: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const req = request(`${baseUrl}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/javascript', 'transfer-encoding': 'chunked' },
    }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode!, body, headers: res.headers }));
    });
    req.on('error', reject);
    const write = (i: number) => {
      if (i === chunks.length) return void req.end();
      req.write(chunks[i], () => setImmediate(() => write(i + 1)));
    };
    write(0);
  });
}

/** A like.js cut into pieces of 7 bytes: boundaries fall inside keys, strings and numbers. */
function pieces(text: string, size = 7): string[] {
  const out: string[] = [];
  for (let i = 0; i < text.length; i += size) out.push(text.slice(i, i + size));
  return out;
}

describe('control API without a token', () => {
  const server = serverForSuite({ demo: false, env: { LIKES_API_DEMO: '0' } });

  it('every /__admin/ path is an unknown route: the same empty 404 as any other', async () => {
    const unknown = await fetch(`${server.baseUrl}/not/a/route`);
    assert.equal(unknown.status, 404);
    assert.equal(await unknown.text(), '');
    for (const path of ADMIN_PATHS) {
      for (const method of ['GET', 'POST']) {
        const res = await fetch(`${server.baseUrl}${path}`, { method, headers: { authorization: 'Bearer anything' }, ...(method === 'POST' ? { body: 'x' } : {}) });
        assert.equal(res.status, 404, `${method} ${path}`);
        assert.equal(await res.text(), '', `${method} ${path}`);
        assert.equal(res.headers.get('content-type'), unknown.headers.get('content-type'), `${method} ${path}`);
      }
    }
  });
});

describe('control API with LIKES_API_ADMIN_TOKEN and no demo', () => {
  const token = 'operator-token-0123456789abcdef';
  const server = serverForSuite({ demo: false, env: { LIKES_API_DEMO: '0', LIKES_API_ADMIN_TOKEN: token } });

  it('lists the default world, not seeded with the demo', async () => {
    const res = await fetch(`${server.baseUrl}/__admin/sandboxes`, { headers: { authorization: `Bearer ${token}` } });
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), { data: [{ id: 'default', default: true, seed: 'none', store: 'sqlite', created_at: null, snapshots: [] }] });
    const wrong = await fetch(`${server.baseUrl}/__admin/sandboxes`, { headers: { authorization: `Bearer ${token}x` } });
    assert.equal(wrong.status, 401);
  });
});

describe('control API in demo mode', () => {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, done) {
      lines.push(...String(chunk).split('\n').filter(Boolean));
      done();
    },
  });
  const server = serverForSuite({ log: createLogger('info', sink) });
  const admin = (path: string, init: RequestInit = {}) =>
    fetch(`${server.baseUrl}${path}`, { ...init, headers: { authorization: `Bearer ${server.creds.adminToken}`, ...init.headers } });

  it('the demo credentials carry a generated admin token', () => {
    assert.match(server.creds.adminToken ?? '', /^[A-Za-z0-9]{48}$/);
  });

  it('a missing or wrong token is refused with X\'s 401 document, on known and unknown paths alike', async () => {
    const tries: (string | undefined)[] = [undefined, 'Bearer', `Bearer ${server.creds.adminToken}x`, `Basic ${server.creds.adminToken}`, `Bearer ${server.creds.app.bearerToken}`];
    for (const path of ADMIN_PATHS) {
      for (const authorization of tries) {
        const res = await fetch(`${server.baseUrl}${path}`, authorization ? { headers: { authorization } } : {});
        assert.equal(res.status, 401, `${path} ${authorization}`);
        assert.equal(res.headers.get('content-type'), 'application/problem+json');
        assert.equal(await res.text(), UNAUTHORIZED);
      }
    }
  });

  it('lists the default sandbox as the demo world; other ids and paths are JSON 404s', async () => {
    const list = await admin('/__admin/sandboxes');
    assert.equal(list.status, 200);
    assert.match(list.headers.get('content-type') ?? '', /^application\/json/);
    assert.match(list.headers.get('cache-control') ?? '', /no-store/);
    assert.deepEqual(await list.json(), { data: [{ id: 'default', default: true, seed: 'demo', store: 'sqlite', created_at: null, snapshots: [] }] });
    const one = await admin('/__admin/sandboxes/default');
    const world = (await one.json()) as { data: unknown; credentials: { baseUrl: string; app: { id: string } } };
    assert.deepEqual(world.data, { id: 'default', default: true, seed: 'demo', store: 'sqlite', created_at: null, snapshots: [] });
    // The demo world's credentials document, with the base URL the control API was reached by.
    assert.equal(world.credentials.app.id, server.creds.app.id);
    assert.equal(world.credentials.baseUrl, server.baseUrl);
    for (const path of ['/__admin/sandboxes/other', '/__admin/nothing/here', '/__admin/sandboxes/other/users/1/likes/export']) {
      const res = await admin(path);
      assert.equal(res.status, 404, path);
      const body = (await res.json()) as Record<string, unknown>;
      assert.equal(body.title, 'Not Found');
      assert.equal(body.status, 404);
    }
  });

  it('imports a like.js sent as a chunked stream; the likes show through the X API; export re-imports as a no-op', async () => {
    const user = server.creds.users[1];
    const ids = ['1990000000000000001', '1990000000000000002', '1990000000000000003'];
    const archive = `window.YTD.like.part0 = [
  { "like" : { "tweetId" : "${ids[0]}", "fullText" : "first \\u00e9 \\"quoted\\"", "expandedUrl" : "https://twitter.com/i/web/status/${ids[0]}" } },
  { "like" : { "tweetId" : 12345 } },
  { "like" : { "tweetId" : "${ids[1]}", "fullText" : "second" } },
  { "like" : { "tweetId" : "${ids[2]}" } }
]
`;
    const res = await postChunked(server.baseUrl, `/__admin/sandboxes/default/users/${user.id}/likes/import`, server.creds.adminToken!, pieces(archive));
    assert.equal(res.status, 200, res.body);
    const report = JSON.parse(res.body) as Record<string, unknown>;
    assert.equal(report.userId, user.id);
    assert.equal(report.entries, 4);
    assert.equal(report.imported, 3);
    assert.equal(report.alreadyLiked, 0);
    assert.equal(report.tweetsCreated, 3);
    assert.equal(report.skippedCount, 1);
    assert.deepEqual((report.skipped as { index: number }[]).map((s) => s.index), [1]);

    // The newest likes first, in the archive's order.
    const liked = await fetch(`${server.baseUrl}/2/users/${user.id}/liked_tweets?max_results=5`, { headers: { authorization: `Bearer ${user.oauth2AccessToken}` } });
    assert.equal(liked.status, 200);
    const page = (await liked.json()) as { data: { id: string; text: string }[] };
    assert.deepEqual(page.data.slice(0, 3).map((t) => t.id), ids);
    assert.equal(page.data[0].text, 'first é "quoted"');

    const exported = await admin(`/__admin/sandboxes/default/users/${user.id}/likes/export`);
    assert.equal(exported.status, 200);
    assert.match(exported.headers.get('content-type') ?? '', /^application\/javascript/);
    const text = await exported.text();
    assert.match(text, /^window\.YTD\.like\.part0 = \[/);
    for (const id of ids) assert.ok(text.includes(`"tweetId" : "${id}"`), id);

    const again = await postChunked(server.baseUrl, `/__admin/sandboxes/default/users/${user.id}/likes/import`, server.creds.adminToken!, pieces(text, 4096));
    assert.equal(again.status, 200, again.body);
    const second = JSON.parse(again.body) as Record<string, number>;
    assert.equal(second.imported, 0);
    assert.equal(second.tweetsCreated, 0);
    assert.equal(second.skippedCount, 0);
    assert.equal(second.alreadyLiked, second.entries);
    const after = (await (await admin(`/__admin/sandboxes/default/users/${user.id}/likes/export`)).text());
    assert.equal(after, text);
  });

  it('a body that is not a like archive is a 400 naming the line; an unknown user a 404; a bad id a 400', async () => {
    const user = server.creds.users[2];
    const bad = await postChunked(server.baseUrl, `/__admin/sandboxes/default/users/${user.id}/likes/import`, server.creds.adminToken!, ['var x', ' = 1;\n']);
    assert.equal(bad.status, 400, bad.body);
    const doc = JSON.parse(bad.body) as Record<string, unknown>;
    assert.equal(doc.title, 'Invalid Request');
    assert.equal(typeof doc.detail, 'string');
    assert.equal(doc.line, 1);

    const cut = await admin(`/__admin/sandboxes/default/users/${user.id}/likes/import`, { method: 'POST', body: 'window.YTD.like.part0 = [\n{ "like" : {' });
    assert.equal(cut.status, 400);
    assert.equal(((await cut.json()) as Record<string, unknown>).line, 2);

    const nobody = await admin('/__admin/sandboxes/default/users/9999999999999999/likes/import', { method: 'POST', body: 'window.YTD.like.part0 = [ ]' });
    assert.equal(nobody.status, 404);
    assert.equal(((await nobody.json()) as Record<string, unknown>).title, 'Not Found');
    const noExport = await admin('/__admin/sandboxes/default/users/9999999999999999/likes/export');
    assert.equal(noExport.status, 404);
    const badId = await admin('/__admin/sandboxes/default/users/abc/likes/export');
    assert.equal(badId.status, 400);
  });

  it('the admin token never reaches a log line', () => {
    assert.ok(lines.some((l) => l.includes('/__admin/')), 'admin requests are logged');
    const found = lines.find((l) => l.includes(server.creds.adminToken!));
    assert.equal(found, undefined, `the admin token reached the log: ${found}`);
  });
});

describe('the admin token', () => {
  const server = serverForSuite();

  it('LIKES_API_ADMIN_TOKEN must be long and printable', () => {
    for (const bad of ['short', 'has a space in it, and it is long enough', `${'x'.repeat(30)}\u00e9`]) {
      assert.throws(() => loadConfig({ LIKES_API_ADMIN_TOKEN: bad }), ConfigError, bad);
    }
    assert.equal(loadConfig({ LIKES_API_ADMIN_TOKEN: 'a'.repeat(24) }).adminToken, 'a'.repeat(24));
    assert.equal(loadConfig({}).adminToken, null);
  });

  it('demo credentials stored before the control API gain one, every other field kept', async () => {
    const { services } = server;
    const { adminToken, ...old } = (await storedDemoCredentials(services))!;
    assert.ok(adminToken);
    await services.store.setDemoCredentials(services.sealer.seal(JSON.stringify(old)));
    const upgraded = await ensureDemo(services, randomUUID());
    assert.match(upgraded?.adminToken ?? '', /^[A-Za-z0-9]{48}$/);
    assert.notEqual(upgraded!.adminToken, adminToken);
    assert.deepEqual({ ...upgraded, adminToken: undefined }, { ...old, adminToken: undefined });
    assert.deepEqual(await storedDemoCredentials(services), upgraded);
  });
});
