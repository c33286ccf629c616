// Starts a real Likes API server for a test: in-process on a free port, on a fresh SQLite file (or the store
// and shared state a test passes), with the demo world seeded. Tests talk to it over real HTTP.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { loadConfig, type Config } from '../../src/config.ts';
import { ensureDemo, type DemoCredentials } from '../../src/demo/demoSeed.ts';
import { buildServer } from '../../src/http/server.ts';
import type { AppLogger } from '../../src/logging.ts';
import type { Clock } from '../../src/ports/clock.ts';
import type { SharedState } from '../../src/ports/shared.ts';
import type { LikesStore } from '../../src/ports/store.ts';
import { openServices, type Services } from '../../src/services.ts';

export interface TestServer {
  baseUrl: string;
  creds: DemoCredentials;
  services: Services;
  app: FastifyInstance;
  config: Config;
  close(): Promise<void>;
}

export interface TestServerOptions {
  env?: Record<string, string>;
  clock?: Clock;
  store?: LikesStore;
  shared?: SharedState;
  /** Seed the demo world (default true). */
  demo?: boolean;
  /** The server's logger (default: one on stdout at the configured level). */
  log?: AppLogger;
}

export async function startTestServer(options: TestServerOptions = {}): Promise<TestServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'likes-test-'));
  const removeDir = () => rmSync(dataDir, { recursive: true, force: true });
  let config: Config;
  let services: Services;
  try {
    config = loadConfig({ PORT: '0', HOST: '127.0.0.1', LIKES_API_DATA_DIR: dataDir, ...options.env });
    services = await openServices(config, { clock: options.clock, store: options.store, shared: options.shared, log: options.log });
  } catch (err) {
    removeDir();
    throw err;
  }
  let app: FastifyInstance | undefined;
  try {
    const creds = options.demo === false ? null : await ensureDemo(services, randomUUID());
    app = await buildServer(services);
    await app.listen({ port: 0, host: '127.0.0.1' });
    const address = app.server.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    const baseUrl = `http://127.0.0.1:${port}`;
    const started = app;
    return {
      baseUrl,
      creds: { ...(creds as DemoCredentials), baseUrl },
      services,
      app: started,
      config,
      async close() {
        await started.close();
        await services.close();
        removeDir();
      },
    };
  } catch (err) {
    // Seeding or listening failed: nothing of this server may outlive the error.
    await app?.close().catch(() => {});
    await services.close().catch(() => {});
    removeDir();
    throw err;
  }
}

/**
 * One server for the enclosing `describe`: started in its `before`, closed in its `after`. The object returned stands
 * for that server (its properties are read from it once started), so suites declare it in one line.
 */
export function serverForSuite(options: TestServerOptions = {}): TestServer {
  let started: TestServer | undefined;
  before(async () => {
    started = await startTestServer(options);
  });
  after(async () => {
    await started?.close();
  });
  return new Proxy({} as TestServer, {
    get(_target, key) {
      if (!started) throw new Error('the suite server is used before its before() hook ran');
      return started[key as keyof TestServer];
    },
  });
}
