// /readyz and /healthz through each state of an instance's life: starting, ready, a dependency down, stopping.
import assert from 'node:assert/strict';
import { fdatasync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { SqliteStore } from '../../src/adapters/sqlite/sqliteStore.ts';
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

describe('a SQLite store whose WAL sync fails', () => {
  // The disk refuses to sync (EIO) once `failing` is set: what a like batch's sync (src/adapters/sqlite/walSync.ts) then
  // gets from the kernel.
  let failing = false;
  const dir = mkdtempSync(join(tmpdir(), 'likes-failed-sync-'));
  const store = new SqliteStore(join(dir, 'likes.db'), {
    syncFile: (fd, done) => (failing ? done(Object.assign(new Error('EIO: i/o error, fdatasync'), { code: 'EIO' })) : fdatasync(fd, done)),
  });
  const server = serverForSuite({ store });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('answers likes X\'s 503 from the failed sync on, and takes the instance out of rotation', async () => {
    const user = server.creds.users[0];
    const like = (tweetId: string) =>
      fetch(`${server.baseUrl}/2/users/${user.id}/likes`, {
        method: 'POST',
        headers: { authorization: `Bearer ${user.oauth2AccessToken}`, 'content-type': 'application/json' },
        body: JSON.stringify({ tweet_id: tweetId }),
      });
    const [first, second] = server.creds.tweets.filter((t) => !server.creds.deletedTweetIds.includes(t.id)).map((t) => t.id);
    const ok = await like(first);
    assert.equal(ok.status, 200, await ok.text());
    assert.equal((await fetch(`${server.baseUrl}/readyz`)).status, 200);
    failing = true;
    for (const tweetId of [second, first]) {
      const refused = await like(tweetId);
      assert.equal(refused.status, 503);
      assert.deepEqual(await refused.json(), { title: 'Service Unavailable', type: 'about:blank', status: 503, detail: 'Service Unavailable' });
    }
    const ready = await fetch(`${server.baseUrl}/readyz`);
    assert.deepEqual([ready.status, await ready.json()], [503, { status: 'unavailable', store: 'down', redis: 'unused' }]);
    assert.equal((await fetch(`${server.baseUrl}/healthz`)).status, 503);
  });
});
