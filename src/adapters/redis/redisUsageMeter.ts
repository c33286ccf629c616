import type { UsageMeter } from '../../ports/usageMeter.ts';
import type { RedisConnection, ScriptFn } from './redisConnection.ts';

/** Daily counters live this long (as in the memory adapter). */
export const USAGE_DAY_TTL_SECONDS = 100 * 86_400;
/** Billing-period totals and the Project's App set live this long after their last write. */
export const USAGE_PERIOD_TTL_SECONDS = 400 * 86_400;

/*
 * Keys (all behind the connection prefix):
 *   usage:{project}:day:{YYYY-MM-DD}   hash   field "total" + field "app:{appId}" per App     (100 days)
 *   usage:{project}:period:{period}    string Tweets read in the billing period              (400 days)
 *   usage:{project}:apps               set    App ids that read anything                     (400 days)
 *
 * KEYS[1] day hash, KEYS[2] period counter, KEYS[3] apps set;
 * ARGV[1] appId, ARGV[2] count, ARGV[3] day ttl s, ARGV[4] period ttl s.
 */
const ADD_LUA = `
redis.call('HINCRBY', KEYS[1], 'total', ARGV[2])
redis.call('HINCRBY', KEYS[1], 'app:' .. ARGV[1], ARGV[2])
redis.call('EXPIRE', KEYS[1], ARGV[3])
redis.call('INCRBY', KEYS[2], ARGV[2])
redis.call('EXPIRE', KEYS[2], ARGV[4])
redis.call('SADD', KEYS[3], ARGV[1])
redis.call('EXPIRE', KEYS[3], ARGV[4])
return 1
`;

const dayKey = (projectId: string, day: string) => `usage:${projectId}:day:${day}`;
const periodKey = (projectId: string, period: string) => `usage:${projectId}:period:${period}`;
const appsKey = (projectId: string) => `usage:${projectId}:apps`;

/** Tweet-cap usage shared by every instance; one atomic script per `add`. */
export class RedisUsageMeter implements UsageMeter {
  private readonly addScript: ScriptFn;

  /** `ns` is the world's key namespace (empty for the default world; see src/worlds.ts). */
  constructor(
    private readonly conn: RedisConnection,
    private readonly ns = '',
  ) {
    this.addScript = conn.defineScript('likesApiUsageAdd', ADD_LUA, 3);
  }

  async add(projectId: string, appId: string, day: string, period: string, count: number): Promise<void> {
    const n = Math.trunc(count);
    if (n === 0) return;
    await this.conn.run(() =>
      this.addScript(
        this.ns + dayKey(projectId, day), this.ns + periodKey(projectId, period), this.ns + appsKey(projectId),
        appId, n.toFixed(0), USAGE_DAY_TTL_SECONDS, USAGE_PERIOD_TTL_SECONDS,
      ),
    );
  }

  async periodTotal(projectId: string, period: string): Promise<number> {
    const v = await this.conn.run((client) => client.get(this.ns + periodKey(projectId, period)));
    return v == null ? 0 : Number(v);
  }

  async projectDaily(projectId: string, days: readonly string[]): Promise<number[]> {
    return this.daily(projectId, days, 'total');
  }

  async appDaily(projectId: string, appId: string, days: readonly string[]): Promise<number[]> {
    return this.daily(projectId, days, `app:${appId}`);
  }

  async appsOf(projectId: string): Promise<string[]> {
    const apps = await this.conn.run((client) => client.smembers(this.ns + appsKey(projectId)));
    return apps.sort();
  }

  /** Nothing to release: the connection is closed by whoever opened it (openRedisShared). */
  async close(): Promise<void> {}

  /** One field of each day's hash, in one round trip. */
  private async daily(projectId: string, days: readonly string[], field: string): Promise<number[]> {
    if (days.length === 0) return [];
    return this.conn.run(async (client) => {
      const pipeline = client.pipeline();
      for (const day of days) pipeline.hget(this.ns + dayKey(projectId, day), field);
      const results = await pipeline.exec();
      if (!results) throw new Error('pipeline was discarded');
      return results.map(([err, value]) => {
        if (err) throw err;
        return value == null ? 0 : Number(value);
      });
    });
  }
}
