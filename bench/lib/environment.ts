// The machine and tools a run measured with: versions, the commit, the bench's own tools, PostgreSQL and Redis.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { withAdmin } from '../../test/support/postgres.ts';
import { ROOT } from './proc.ts';

/** The commit the servers ran from, with "+dirty" when src/, bin/ or package.json had uncommitted changes. */
export function gitState(): string {
  try {
    const head = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT }).toString().trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--', 'src', 'bin', 'package.json'], { cwd: ROOT }).toString().trim();
    return `${head}${dirty ? '+dirty' : ''}`;
  } catch {
    return 'unknown';
  }
}

export function versions(): Record<string, string> {
  const v = (file: string) => {
    try {
      return (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version;
    } catch {
      return 'not installed';
    }
  };
  return {
    node: process.version,
    'likes-api': v(join(ROOT, 'package.json')),
    fastify: v(join(ROOT, 'node_modules/fastify/package.json')),
    'better-sqlite3': v(join(ROOT, 'node_modules/better-sqlite3/package.json')),
    pg: v(join(ROOT, 'node_modules/pg/package.json')),
    ioredis: v(join(ROOT, 'node_modules/ioredis/package.json')),
    autocannon: v(join(ROOT, 'bench/node_modules/autocannon/package.json')),
    '@stoplight/prism-cli': v(join(ROOT, 'bench/node_modules/@stoplight/prism-cli/package.json')),
    'json-server': v(join(ROOT, 'bench/node_modules/json-server/package.json')),
  };
}

export function ensureBenchDeps(log: (line: string) => void): void {
  if (existsSync(join(ROOT, 'bench', 'node_modules', 'autocannon'))) return;
  log('Installing benchmark tools (npm ci --prefix bench)...');
  try {
    execFileSync('npm', ['ci', '--prefix', join(ROOT, 'bench'), '--no-audit', '--no-fund'], { stdio: 'inherit', timeout: 10 * 60_000 });
  } catch (error) {
    // A peer that cannot be installed is recorded, not fatal; autocannon is needed for any load at all.
    log(`npm ci --prefix bench failed: ${(error as Error).message}`);
    if (!existsSync(join(ROOT, 'bench', 'node_modules', 'autocannon'))) {
      execFileSync('npm', ['install', '--prefix', join(ROOT, 'bench'), '--no-audit', '--no-fund', '--no-save', 'autocannon@8.0.0'], { stdio: 'inherit', timeout: 10 * 60_000 });
    }
  }
}

/** Why PostgreSQL or Redis cannot be used, or null when it answers. */
export async function reachable(what: 'pg' | 'redis', pgAdmin: string, redisUrl: string): Promise<string | null> {
  try {
    if (what === 'pg') await withAdmin((c) => c.query('SELECT 1'), pgAdmin);
    else {
      const r = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1, connectTimeout: 2000 });
      try {
        await r.connect();
        await r.ping();
      } finally {
        r.disconnect();
      }
    }
    return null;
  } catch (error) {
    return (error as Error).message;
  }
}

export async function redisVersion(redisUrl: string): Promise<string> {
  const r = new Redis(redisUrl, { maxRetriesPerRequest: 1 });
  try {
    const info = await r.info('server');
    return /redis_version:(\S+)/.exec(info)?.[1] ?? '?';
  } finally {
    r.disconnect();
  }
}

/** Deletes every key under the run's prefix. */
export async function cleanRedis(redisUrl: string, prefix: string): Promise<void> {
  const r = new Redis(redisUrl, { maxRetriesPerRequest: 1 });
  try {
    let cursor = '0';
    let rounds = 0;
    do {
      const [next, keys] = await r.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      if (keys.length) await r.del(...keys);
      cursor = next;
    } while (cursor !== '0' && ++rounds < 100_000);
  } finally {
    r.disconnect();
  }
}
