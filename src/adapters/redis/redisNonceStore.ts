import type { NonceStore } from '../../ports/nonceStore.ts';
import type { RedisConnection, ScriptFn } from './redisConnection.ts';

/**
 * SET NX PX, but judged by the caller's clock: the value is the epoch ms (caller time) until which the
 * nonce is taken, so a key Redis still holds whose time has passed by `now` is taken again. PX lets Redis
 * forget it on its own. With the system clock this behaves exactly as `SET key v NX PX ttl`.
 *
 * KEYS[1] nonce; ARGV[1] now, ARGV[2] now + ttl, ARGV[3] ttl (>= 1). Returns 1 when recorded, 0 when seen.
 */
const REMEMBER_LUA = `
local until_ms = tonumber(redis.call('GET', KEYS[1]))
if until_ms ~= nil and tonumber(ARGV[1]) < until_ms then
  return 0
end
redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
return 1
`;

const KEY_PREFIX = 'nonce:';

/** OAuth 1.0a nonces shared by every instance, so a request replayed to another instance is refused too. */
export class RedisNonceStore implements NonceStore {
  private readonly rememberScript: ScriptFn;

  /** `ns` is the world's key namespace (empty for the default world; see src/worlds.ts). */
  constructor(
    private readonly conn: RedisConnection,
    private readonly ns = '',
  ) {
    this.rememberScript = conn.defineScript('likesApiNonceRemember', REMEMBER_LUA, 1);
  }

  async remember(key: string, ttlMs: number, now: number): Promise<boolean> {
    const t = Math.floor(now);
    const ttl = Math.max(1, Math.floor(ttlMs));
    const until = ttlMs > 0 ? t + ttl : t;
    const reply = await this.conn.run(() =>
      this.rememberScript(this.ns + KEY_PREFIX + key, t.toFixed(0), until.toFixed(0), ttl.toFixed(0)),
    );
    return Number(reply) === 1;
  }

  /** Nothing to release: the connection is closed by whoever opened it (openRedisShared). */
  async close(): Promise<void> {}
}
