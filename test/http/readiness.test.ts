// /readyz and /healthz through each state of an instance's life: starting, ready, a dependency down, stopping.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { buildServer } from '../../src/http/server.ts';
import { ServiceUnavailableError } from '../../src/ports/unavailable.ts';
import { faultyStore } from '../support/faultyStore.ts';
import { serverForSuite } from '../support/harness.ts';

describe('readiness', () => {
  // A store that can be taken down: its probe (isEmpty) fails as an outage does.
  const down = faultyStore('isEmpty', () => new ServiceUnavailableError('sqlite'));
  const server = serverForSuite({ demo: false, store: down.store });
  after(() => down.remove());

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
      down.failing = true;
      assert.deepEqual(await get('/readyz'), { status: 503, body: { status: 'unavailable', store: 'down', redis: 'unused' } });
      down.failing = false;
      draining = true;
      assert.deepEqual(await get('/readyz'), { status: 503, body: { status: 'stopping' } });
      // /healthz keeps answering for liveness while the instance drains.
      assert.equal((await get('/healthz')).status, 200);
    } finally {
      down.failing = false;
      await app.close();
    }
  });
});
