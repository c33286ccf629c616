// /readyz and /healthz through each state of an instance's life: starting, ready, a dependency down, stopping.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteStore } from '../../src/adapters/sqlite/sqliteStore.ts';
import { buildServer } from '../../src/http/server.ts';
import type { LikesStore } from '../../src/ports/store.ts';
import { ServiceUnavailableError } from '../../src/ports/unavailable.ts';
import { startTestServer, type TestServer } from '../support/harness.ts';

describe('readiness', () => {
  let server: TestServer;
  let storeDown = false;
  const dir = mkdtempSync(join(tmpdir(), 'likes-readiness-'));
  // A store that can be taken down: its probe (isEmpty) fails as an outage does.
  const real = new SqliteStore(join(dir, 'likes.db'));
  const store = new Proxy(real, {
    get(target, prop) {
      const value = Reflect.get(target, prop, target);
      if (prop === 'isEmpty') return () => (storeDown ? Promise.reject(new ServiceUnavailableError('sqlite')) : real.isEmpty());
      return typeof value === 'function' ? value.bind(target) : value;
    },
  }) as LikesStore;
  before(async () => {
    server = await startTestServer({ demo: false, store });
  });
  after(async () => {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers starting, ready, unavailable and stopping as the instance moves through them', async () => {
    let ready = false;
    let draining = false;
    const app = await buildServer(server.services, { ready: () => ready, draining: () => draining });
    const get = async (url: string) => {
      const res = await app.inject({ method: 'GET', url });
      return { status: res.statusCode, body: res.json() };
    };
    try {
      assert.deepEqual(await get('/readyz'), { status: 503, body: { status: 'starting' } });
      assert.deepEqual(await get('/healthz'), { status: 503, body: { status: 'starting' } });
      ready = true;
      assert.deepEqual(await get('/readyz'), { status: 200, body: { status: 'ready', store: 'up', redis: 'unused' } });
      assert.deepEqual(await get('/healthz'), { status: 200, body: { status: 'ok', store: 'sqlite' } });
      storeDown = true;
      assert.deepEqual(await get('/readyz'), { status: 503, body: { status: 'unavailable', store: 'down', redis: 'unused' } });
      storeDown = false;
      draining = true;
      assert.deepEqual(await get('/readyz'), { status: 503, body: { status: 'stopping' } });
      // /healthz keeps answering for liveness while the instance drains.
      assert.equal((await get('/healthz')).status, 200);
    } finally {
      storeDown = false;
      await app.close();
    }
  });
});
