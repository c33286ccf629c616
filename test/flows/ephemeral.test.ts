// The ephemeral port (short-lived codes, request tokens, refresh tokens, consent steps) against memory and Redis,
// judged by the caller's clock, with single-use `take` under concurrency; then two server instances sharing one
// store and one Redis: an authorization started on one finishes on the other, and a code or refresh token spent on
// one is refused on the other. Needs Redis at LIKES_API_TEST_REDIS_URL (default redis://127.0.0.1:6379/0): the
// Redis parts FAIL without it.
import assert from 'node:assert/strict';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { Redis } from 'ioredis';
import { MemoryEphemeral } from '../../src/adapters/memory/index.ts';
import { openRedisShared, RedisConnection, RedisEphemeral } from '../../src/adapters/redis/index.ts';
import { SqliteStore } from '../../src/adapters/sqlite/sqliteStore.ts';
import type { EphemeralStore } from '../../src/ports/ephemeral.ts';
import { startTestServer, type TestServer } from '../support/harness.ts';

const REDIS_URL = process.env.LIKES_API_TEST_REDIS_URL || 'redis://127.0.0.1:6379/0';
const T0 = Date.UTC(2026, 0, 1);

async function deleteByPrefix(prefix: string): Promise<void> {
  const client = new Redis(REDIS_URL, { maxRetriesPerRequest: 1, connectTimeout: 5000 });
  try {
    let cursor = '0';
    do {
      const [next, keys] = await client.scan(cursor, 'MATCH', `${prefix.replace(/[*?[\]\\]/g, '\\$&')}*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length) await client.del(...keys);
    } while (cursor !== '0');
  } finally {
    client.disconnect();
  }
}

function contract(name: string, open: () => Promise<{ eph: EphemeralStore; cleanup(): Promise<void> }>): void {
  describe(`${name}: EphemeralStore`, () => {
    const use = async (fn: (eph: EphemeralStore) => Promise<void>) => {
      const { eph, cleanup } = await open();
      try {
        await fn(eph);
      } finally {
        await cleanup();
      }
    };

    it('stores, reads, replaces and deletes values', () =>
      use(async (eph) => {
        assert.equal(await eph.get('a', T0), null);
        await eph.put('a', 'one: with {json} and : colons', 1000, T0);
        assert.equal(await eph.get('a', T0 + 1), 'one: with {json} and : colons');
        await eph.put('a', 'two', 1000, T0);
        assert.equal(await eph.get('a', T0), 'two');
        await eph.delete('a');
        assert.equal(await eph.get('a', T0), null);
        await eph.delete('never-there');
      }));

    it("expires entries by the caller's clock", () =>
      use(async (eph) => {
        await eph.put('k', 'v', 30_000, T0);
        assert.equal(await eph.get('k', T0 + 29_999), 'v');
        assert.equal(await eph.get('k', T0 + 30_000), null);
        await eph.put('t', 'v', 30_000, T0);
        assert.equal(await eph.take('t', T0 + 30_000), null);
        assert.equal(await eph.get('t', T0), null, 'an expired take still removes the entry');
        await eph.put('z', 'v', 0, T0);
        assert.equal(await eph.get('z', T0), null, 'a zero ttl stores nothing');
      }));

    it('take is single-use, also when many race for it', () =>
      use(async (eph) => {
        await eph.put('once', 'value', 60_000, T0);
        assert.equal(await eph.take('once', T0), 'value');
        assert.equal(await eph.take('once', T0), null);
        await eph.put('race', 'prize', 60_000, T0);
        const got = await Promise.all(Array.from({ length: 25 }, () => eph.take('race', T0)));
        assert.deepEqual(got.filter((g) => g !== null), ['prize']);
      }));
  });
}

contract('MemoryEphemeral', async () => {
  const eph = new MemoryEphemeral();
  return { eph, cleanup: () => eph.close() };
});

describe('MemoryEphemeral memory', () => {
  it('sweeps expired entries as time moves on', async () => {
    const eph = new MemoryEphemeral();
    for (let i = 0; i < 3000; i++) await eph.put(`k${i}`, 'v', 1000, T0);
    await eph.put('late', 'v', 1000, T0 + 120_000);
    assert.equal(eph.size, 1);
    await eph.close();
  });
});

contract('RedisEphemeral', async () => {
  const prefix = `likes-api-test:${randomUUID()}:`;
  const connection = new RedisConnection({ url: REDIS_URL, prefix });
  const eph = new RedisEphemeral(connection);
  await connection.ping();
  return {
    eph,
    async cleanup() {
      await connection.close();
      await deleteByPrefix(prefix);
    },
  };
});

describe('two instances sharing one store and one Redis', () => {
  const prefix = `likes-api-test:${randomUUID()}:`;
  const dir = mkdtempSync(join(tmpdir(), 'likes-flows-'));
  const servers: TestServer[] = [];
  after(async () => {
    for (const s of servers.reverse()) await s.close();
    rmSync(dir, { recursive: true, force: true });
    await deleteByPrefix(prefix);
  });

  async function instance(store: SqliteStore): Promise<TestServer> {
    const server = await startTestServer({ store, shared: openRedisShared({ url: REDIS_URL, prefix }) });
    servers.push(server);
    return server;
  }

  it('finishes on B what A started, and a code or refresh token spent on one is refused on the other', async () => {
    const store = new SqliteStore(join(dir, 'likes.db'));
    const a = await instance(store);
    const b = await instance(store);
    assert.equal(a.creds.app.clientId, b.creds.app.clientId);
    const user = a.creds.users[0];
    const verifier = randomBytes(32).toString('base64url');
    const challenge = createHash('sha256').update(verifier).digest('base64url');
    const redirectUri = 'http://127.0.0.1:3333/callback';

    // The authorize page from A, the sign-in and consent forms posted to B.
    const url = new URL('/i/oauth2/authorize', a.baseUrl);
    url.search = new URLSearchParams({
      response_type: 'code', client_id: a.creds.publicApp.clientId, redirect_uri: redirectUri, scope: 'tweet.read users.read like.read offline.access',
      state: 'multi', code_challenge: challenge, code_challenge_method: 'S256',
    }).toString();
    const first = await fetch(url);
    const cookie = /likes_api_flow=[A-Za-z0-9]+/.exec(first.headers.get('set-cookie') ?? '')![0];
    const post = async (html: string, extra: Record<string, string>) => {
      const fields: Record<string, string> = {};
      for (const m of html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) fields[m[1]] = m[2];
      return fetch(`${b.baseUrl}/i/oauth2/authorize`, {
        method: 'POST',
        redirect: 'manual',
        headers: { 'content-type': 'application/x-www-form-urlencoded', cookie },
        body: new URLSearchParams({ ...fields, ...extra }).toString(),
      });
    };
    const consent = await post(await first.text(), { username: user.username, password: 'likes-api-demo', action: 'signin' });
    const consentPage = await consent.text();
    assert.equal(consent.status, 200, consentPage);
    const done = await post(consentPage, { action: 'authorize' });
    assert.equal(done.status, 302);
    const code = new URL(done.headers.get('location')!).searchParams.get('code')!;

    const exchange = (server: TestServer, params: Record<string, string>) =>
      fetch(`${server.baseUrl}/2/oauth2/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ client_id: a.creds.publicApp.clientId, ...params }).toString(),
      }).then(async (r) => ({ status: r.status, body: (await r.json()) as Record<string, string> }));
    const codeParams = { grant_type: 'authorization_code', code, redirect_uri: redirectUri, code_verifier: verifier };
    const [onA, onB] = await Promise.all([exchange(a, codeParams), exchange(b, codeParams)]);
    assert.deepEqual([onA.status, onB.status].sort(), [200, 400], 'the code is spent once across instances');
    const tokens = onA.status === 200 ? onA.body : onB.body;

    const refreshed = await exchange(b, { grant_type: 'refresh_token', refresh_token: tokens.refresh_token });
    assert.equal(refreshed.status, 200);
    const liked = await fetch(`${a.baseUrl}/2/users/${user.id}/liked_tweets`, { headers: { authorization: `Bearer ${refreshed.body.access_token}` } });
    assert.equal(liked.status, 200);

    const reused = await exchange(a, { grant_type: 'refresh_token', refresh_token: tokens.refresh_token });
    assert.equal(reused.status, 400);
    assert.deepEqual(reused.body, { error: 'invalid_request', error_description: 'Value passed for the token was invalid.' });
    // Reuse on A revoked the family B had rotated: B's newest tokens are dead too.
    const killed = await fetch(`${b.baseUrl}/2/users/${user.id}/liked_tweets`, { headers: { authorization: `Bearer ${refreshed.body.access_token}` } });
    assert.equal(killed.status, 401);
    assert.equal((await exchange(b, { grant_type: 'refresh_token', refresh_token: refreshed.body.refresh_token })).status, 400);
  });
});
