import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from '../config.ts';
import { ensureDemo, type DemoCredentials } from '../demo/demoSeed.ts';
import { buildServer } from '../http/server.ts';
import { ensurePrivateDir, restrictFile, writePrivateFile } from '../privateFiles.ts';
import { openServices } from '../services.ts';
import type { Command } from './command.ts';

const HELP = `Usage: likes-api serve

Serves the X API v2 Likes endpoints. On an empty store it seeds deterministic demo data and writes
$LIKES_API_DATA_DIR/demo-credentials.json before /healthz answers 200.`;

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
    const services = await openServices(config);
    for (const warning of services.warnings) console.warn(`likes-api: WARNING: ${warning}`);
    let demo: DemoCredentials | null = null;
    try {
      demo = config.demo ? await ensureDemo(services, randomUUID()) : null;
    } catch (error) {
      await services.close();
      throw error;
    }
    let ready = false;
    const app = await buildServer(services, { ready: () => ready });
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
    const baseUrl = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`;
    const where = config.databaseUrl ? 'PostgreSQL' : `SQLite ${join(config.dataDir, 'likes.db')}`;
    console.log(`Likes API listening on ${baseUrl} (${where}; shared state: ${config.redisUrl ? 'Redis' : 'memory'}; limits ${config.limits ? 'on' : 'off'})`);
    if (demo) {
      const file = await writeDemoCredentials(config.dataDir, { ...demo, baseUrl });
      console.log(`Demo credentials: ${file}`);
      console.log('Try:');
      console.log(`  curl -s -H 'Authorization: Bearer ${demo.app.bearerToken}' '${baseUrl}/2/users/${demo.heavyLikerUserId}/liked_tweets?max_results=5'`);
      console.log(`  curl -s -H 'Authorization: Bearer ${demo.users[0].oauth2AccessToken}' '${baseUrl}/2/tweets/${demo.popularTweetId}/liking_users?max_results=5'`);
    }
    ready = true;
    const stop = async () => {
      await app.close();
      await services.close();
      process.exit(0);
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    return 0;
  },
};
