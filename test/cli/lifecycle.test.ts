// `likes-api serve` stopping and reporting readiness, as real processes: on SIGTERM or SIGINT a request already in
// flight is finished, new connections are refused, and the process exits 0; /readyz answers 503 while Redis is down
// (and 200 again once it is back), with the outage logged as a JSON warning on stdout.
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, describe, it } from 'node:test';
import type { DemoCredentials } from '../../src/demo/demoSeed.ts';
import {
  call, cleanup, freePort, startInstance, startRedisServer, stopAll, stopRedisServer, tempDir, uniquePrefix, waitHealthy,
} from '../support/processes.ts';
import { readUntil } from '../support/rawHttp.ts';

/** Resolves with the connect error code once connecting to `port` fails (bounded), or null if it never does. */
async function refusedWithin(port: number, attempts = 200): Promise<string | null> {
  for (let i = 0; i < attempts; i++) {
    const code = await new Promise<string | null>((resolve) => {
      const s = connect(port, '127.0.0.1');
      s.once('connect', () => {
        s.destroy();
        resolve(null);
      });
      s.once('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? 'error'));
    });
    if (code) return code;
    await sleep(25);
  }
  return null;
}

describe('stopping on a signal', () => {
  after(() => stopAll(), { timeout: 60_000 });

  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    it(`${signal}: finishes the request in flight, refuses new connections, exits 0`, async () => {
      const dir = tempDir(`lifecycle-${signal}`);
      try {
        const inst = await startInstance({ name: signal, dataDir: dir.path, env: {} });
        assert.ok(await waitHealthy(inst.baseUrl), inst.output());
        const creds = JSON.parse(readFileSync(join(dir.path, 'demo-credentials.json'), 'utf8')) as DemoCredentials;
        const port = Number(new URL(inst.baseUrl).port);

        // A request held open by its own body: the headers are in (the server answered 100 Continue), half of the
        // body is not. A keep-alive connection, as clients keep them.
        const body = 'grant_type=client_credentials';
        const basic = Buffer.from(`${creds.app.consumerKey}:${creds.app.consumerSecret}`).toString('base64');
        const socket = connect(port, '127.0.0.1');
        await new Promise((resolve) => socket.once('connect', resolve));
        socket.write(
          `POST /oauth2/token HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nAuthorization: Basic ${basic}\r\n` +
            `Content-Type: application/x-www-form-urlencoded\r\nContent-Length: ${body.length}\r\nExpect: 100-continue\r\n` +
            `Connection: keep-alive\r\n\r\n`,
        );
        assert.match(await readUntil(socket, (t) => t.includes('\r\n\r\n')), /^HTTP\/1\.1 100 Continue/);
        socket.write(body.slice(0, 10));

        inst.child.kill(signal);
        assert.equal(await refusedWithin(port), 'ECONNREFUSED', 'new connections are refused once stopping');
        assert.ok(inst.alive(), `exited with a request in flight:\n${inst.output()}`);

        const response = readUntil(socket, (t) => /\r\n\r\n\{.*\}$/s.test(t));
        socket.write(body.slice(10));
        const text = await response;
        assert.match(text, /^HTTP\/1\.1 200 OK/, text);
        assert.match(text, /"token_type":"bearer"/);
        socket.destroy();

        const exit = await inst.exited;
        assert.deepEqual(exit, { code: 0, signal: null }, inst.output());
        assert.doesNotMatch(inst.output(), /did not finish in time/);
      } finally {
        dir.remove();
      }
    });
  }
});

describe('/readyz', () => {
  const dir = tempDir('readyz');
  let redis: ChildProcess;
  after(() => cleanup(stopAll, () => dir.remove()), { timeout: 60_000 });

  it('answers ready with its dependencies up, 503 while Redis is down, ready again when it is back', async () => {
    const redisPort = await freePort();
    redis = await startRedisServer(redisPort);
    const inst = await startInstance({
      name: 'readyz',
      dataDir: dir.path,
      env: { LIKES_API_REDIS_URL: `redis://127.0.0.1:${redisPort}/0`, LIKES_API_REDIS_PREFIX: uniquePrefix('readyz') },
    });
    assert.ok(await waitHealthy(inst.baseUrl), inst.output());
    const ready = await call(`${inst.baseUrl}/readyz`);
    assert.equal(ready.status, 200);
    assert.deepEqual(ready.body, { status: 'ready', store: 'up', redis: 'up' });

    await stopRedisServer(redis);
    const down = await call(`${inst.baseUrl}/readyz`);
    assert.equal(down.status, 503);
    assert.deepEqual(down.body, { status: 'unavailable', store: 'up', redis: 'down' });
    // /healthz keeps its own answer (503 with X's document) for the tools that read it.
    assert.equal((await call(`${inst.baseUrl}/healthz`)).status, 503);
    assert.ok(inst.alive());
    // The outage is in the log by default, as one JSON warning naming the dependency (the pipe may deliver it a
    // little after the 503, so the output is polled, bounded; a line still arriving is left for the next look).
    const redisWarned = () =>
      inst.output().split('\n').slice(0, -1).filter((l) => l.startsWith('{')).map((l) => JSON.parse(l)).some((l) => l.level === 40 && l.dependency === 'redis');
    let warned = redisWarned();
    for (let i = 0; i < 100 && !warned; i++) {
      await sleep(50);
      warned = redisWarned();
    }
    assert.ok(warned, inst.output());

    redis = await startRedisServer(redisPort);
    let back = 0;
    for (let i = 0; i < 100 && back !== 200; i++) {
      back = (await call(`${inst.baseUrl}/readyz`)).status;
      if (back !== 200) await sleep(100);
    }
    assert.equal(back, 200, inst.output());
  });
});
