import type { EphemeralStore } from '../../ports/ephemeral.ts';
import type { RedisConnection, ScriptFn } from './redisConnection.ts';

// Values are stored as "<expires-at ms (caller time)>:<value>" with PX as well, so an entry is judged expired by
// the caller's clock (like the nonce store) and Redis still forgets it on its own. With the system clock this is
// plain SET PX / GET / GETDEL.

/** KEYS[1]; ARGV[1] now. Returns the value when live, else nil. */
const GET_LUA = `
local raw = redis.call('GET', KEYS[1])
if not raw then return false end
local sep = string.find(raw, ':', 1, true)
if tonumber(string.sub(raw, 1, sep - 1)) <= tonumber(ARGV[1]) then return false end
return string.sub(raw, sep + 1)
`;

/** KEYS[1]; ARGV[1] now. Deletes the key and returns its value when it was live, else nil. Atomic. */
const TAKE_LUA = `
local raw = redis.call('GET', KEYS[1])
if not raw then return false end
redis.call('DEL', KEYS[1])
local sep = string.find(raw, ':', 1, true)
if tonumber(string.sub(raw, 1, sep - 1)) <= tonumber(ARGV[1]) then return false end
return string.sub(raw, sep + 1)
`;

const KEY_PREFIX = 'eph:';

/** Ephemeral values in Redis, shared by every instance; `take` is one Lua script, so single use holds across instances. */
export class RedisEphemeral implements EphemeralStore {
  private readonly getScript: ScriptFn;
  private readonly takeScript: ScriptFn;

  /** `ns` is the world's key namespace (empty for the default world; see src/worlds.ts). */
  constructor(
    private readonly conn: RedisConnection,
    private readonly ns = '',
  ) {
    this.getScript = conn.defineScript('likesApiEphemeralGet', GET_LUA, 1);
    this.takeScript = conn.defineScript('likesApiEphemeralTake', TAKE_LUA, 1);
  }

  async put(key: string, value: string, ttlMs: number, now: number): Promise<void> {
    const ttl = Math.floor(ttlMs);
    if (ttl <= 0) return this.delete(key);
    const expiresAt = Math.floor(now) + ttl;
    await this.conn.run((c) => c.set(this.ns + KEY_PREFIX + key, `${expiresAt}:${value}`, 'PX', ttl));
  }

  async get(key: string, now: number): Promise<string | null> {
    const reply = await this.conn.run(() => this.getScript(this.ns + KEY_PREFIX + key, Math.floor(now).toFixed(0)));
    return typeof reply === 'string' ? reply : null;
  }

  async take(key: string, now: number): Promise<string | null> {
    const reply = await this.conn.run(() => this.takeScript(this.ns + KEY_PREFIX + key, Math.floor(now).toFixed(0)));
    return typeof reply === 'string' ? reply : null;
  }

  async delete(key: string): Promise<void> {
    await this.conn.run((c) => c.del(this.ns + KEY_PREFIX + key));
  }

  /** Nothing to release: the connection is closed by whoever opened it (openRedisShared). */
  async close(): Promise<void> {}
}
