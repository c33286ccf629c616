import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig, localBaseUrl } from '../config.ts';
import { ensureDemo, type DemoCredentials } from '../demo/demoSeed.ts';
import { buildServer } from '../http/server.ts';
import { ensurePrivateDir, restrictFile, writePrivateFile } from '../privateFiles.ts';
import { openServices } from '../services.ts';
import type { Command } from './command.ts';
import { applyMemorySettings } from './memorySettings.ts';

const HELP = `Usage: likes-api serve

Serves the X API v2 Likes endpoints. On an empty store it seeds deterministic demo data and writes
$LIKES_API_DATA_DIR/demo-credentials.json before /healthz answers 200.

SIGTERM or SIGINT: stop accepting connections, finish the requests in flight, close the stores, exit 0
(forced, with exit code 1, after 10 s).`;

/** How long in-flight requests may take to finish once a stop is asked for. */
const SHUTDOWN_GRACE_MS = 10_000;

/** A shell word that reads one field of the credentials file when the command runs (the token is never printed). */
const fromFile = (file: string, field: string): string => `$(jq -r '${field}' '${file.replace(/'/g, `'\\''`)}')`;

/** Writes the file atomically, unless it already names another instance that is still answering. */
async function writeDemoCredentials(dataDir: string, doc: DemoCredentials): Promise<string> {
  const file = join(dataDir, 'demo-credentials.json');
  try {
    const current = JSON.parse(readFileSync(file, 'utf8')) as DemoCredentials;
    if (current.baseUrl && current.baseUrl !== doc.baseUrl) {
      const alive = await fetch(`${current.baseUrl}/healthz`, { signal: AbortSignal.timeout(500) }).then((r) => r.ok, () => false);
      if (alive) {
        restrictFile(file);
        return file;
      }
    }
  } catch {
    /* absent or unreadable: write it */
  }
  // Secrets in plaintext: a 0700 directory, a 0600 file, whatever the umask.
  ensurePrivateDir(dataDir);
  writePrivateFile(file, `${JSON.stringify(doc, null, 2)}\n`);
  return file;
}

export const serveCommand: Command = {
  summary: 'Serve the API',
  async run(args) {
    if (args.includes('--help') || args.includes('-h')) {
      console.log(HELP);
      return 0;
    }
    const config = loadConfig();
    const memory = applyMemorySettings(config.databaseUrl ? 'postgres' : 'sqlite', config.responseCache);
    const services = await openServices(config);
    for (const warning of services.warnings) services.log.warn(warning);
    let demo: DemoCredentials | null = null;
    try {
      // A store seeded now is saved as seeded: POST /__admin/sandboxes/default/reset goes back to it.
      const seeding = config.demo && (await services.store.isEmpty());
      demo = config.demo ? await ensureDemo(services, randomUUID()) : null;
      if (seeding && demo) await services.worlds.saveDefaultSeed();
    } catch (error) {
      await services.close();
      throw error;
    }
    let ready = false;
    let draining = false;
    const app = await buildServer(services, { ready: () => ready, draining: () => draining });
    try {
      await app.listen({ port: config.port, host: config.host });
    } catch (error) {
      await services.close();
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EADDRINUSE') throw new Error(`${config.host}:${config.port} is already in use (another instance?); set PORT to serve elsewhere`);
      throw error;
    }
    const address = app.server.address();
    const port = typeof address === 'object' && address ? address.port : config.port;
    const baseUrl = localBaseUrl(config.host, port);
    const where = config.databaseUrl ? 'PostgreSQL' : `SQLite ${join(config.dataDir, 'likes.db')}`;
    console.log(`Likes API listening on ${baseUrl} (${where}; shared state: ${config.redisUrl ? 'Redis' : 'memory'}; limits ${config.limits ? 'on' : 'off'})`);
    if (demo) {
      // A configured admin token is the operator's and is never written; the demo's own would not be accepted then.
      const { adminToken, ...rest } = demo;
      const file = await writeDemoCredentials(config.dataDir, { ...rest, baseUrl, ...(config.adminToken ? {} : { adminToken }) });
      console.log(`Demo credentials: ${file}`);
      console.log('Try (the tokens are read from that file, never printed):');
      console.log(`  curl -s -H "Authorization: Bearer ${fromFile(file, '.app.bearerToken')}" '${baseUrl}/2/users/${demo.heavyLikerUserId}/liked_tweets?max_results=5'`);
      console.log(`  curl -s -H "Authorization: Bearer ${fromFile(file, '.users[0].oauth2AccessToken')}" '${baseUrl}/2/tweets/${demo.popularTweetId}/liking_users?max_results=5'`);
      if (demo.developer) {
        console.log(`Developer portal: ${baseUrl}/portal (sign in as ${demo.developer.username}; password: ${fromFile(file, '.developer.password')})`);
      }
    }
    ready = true;
    memory.serving();
    const { log } = services;
    // Stop listening (idle keep-alive connections are closed, in-flight requests finish), then close Redis and
    // the store: nothing is using them any more. A stop that overruns the grace period is forced.
    const stop = async (signal: NodeJS.Signals) => {
      if (draining) {
        // A second signal is an operator who does not want to wait.
        log.warn({ signal }, 'second stop signal: exiting with requests still open');
        process.exit(1);
      }
      draining = true;
      log.info({ signal }, 'shutting down: finishing requests in flight');
      const force = setTimeout(() => {
        log.warn({ signal, graceMs: SHUTDOWN_GRACE_MS }, 'shutdown did not finish in time: exiting with requests still open');
        process.exit(1);
      }, SHUTDOWN_GRACE_MS);
      force.unref();
      try {
        await app.close();
        await services.close();
        log.info({ signal }, 'shut down');
        process.exit(0);
      } catch (err) {
        log.error({ signal, err }, 'shutdown failed');
        process.exit(1);
      }
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
    return 0;
  },
};
