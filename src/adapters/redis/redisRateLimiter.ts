import type { AttemptPolicy, AttemptState, RateLimiter, WindowState } from '../../ports/rateLimiter.ts';
import type { RedisConnection, ScriptFn } from './redisConnection.ts';

/**
 * One bucket is a hash {s: window start (caller's epoch ms), c: requests counted}. Windows are computed
 * from the caller's `now` (ARGV[3]), never from Redis TIME, so every instance and a test's manual clock
 * agree. The hash expires windowMs after the window started, so Redis drops ended buckets by itself.
 * A refused request writes nothing.
 *
 * KEYS[1] bucket; ARGV[1] limit, ARGV[2] windowMs, ARGV[3] now.
 * Returns {allowed (0|1), count, window start (string)}; count 0 and start '' when no window runs.
 */
const HIT_LUA = `
local limit = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local now = tonumber(ARGV[3])
local state = redis.call('HMGET', KEYS[1], 's', 'c')
local start = tonumber(state[1])
local count = tonumber(state[2]) or 0
if start == nil or now >= start + window then
  if limit <= 0 then
    return {0, 0, ''}
  end
  redis.call('DEL', KEYS[1])
  redis.call('HSET', KEYS[1], 's', ARGV[3], 'c', 1)
  redis.call('PEXPIRE', KEYS[1], window)
  return {1, 1, ARGV[3]}
end
if count >= limit then
  return {0, count, state[1]}
end
count = redis.call('HINCRBY', KEYS[1], 'c', 1)
if redis.call('PTTL', KEYS[1]) < 0 then
  local ttl = start + window - now
  if ttl < 1 then ttl = 1 end
  redis.call('PEXPIRE', KEYS[1], math.floor(ttl))
end
return {1, count, state[1]}
`;

/**
 * An attempt bucket is the same hash plus l: the last admitted attempt (caller ms). Mirrors
 * MemoryRateLimiter.attempt and attemptDelay (src/ports/rateLimiter.ts).
 *
 * KEYS[1] bucket; ARGV[1] limit, ARGV[2] windowMs, ARGV[3] now, ARGV[4] free, ARGV[5] delayMs.
 * Returns {allowed (0|1), count, retryAt}.
 */
const ATTEMPT_LUA = `
local limit = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local now = tonumber(ARGV[3])
local free = tonumber(ARGV[4])
local delay = tonumber(ARGV[5])
local function wait(n)
  if n < free then return 0 end
  local d = delay * 2 ^ math.min(n - free, 30)
  if d > window then d = window end
  return math.floor(d)
end
local state = redis.call('HMGET', KEYS[1], 's', 'c', 'l')
local start = tonumber(state[1])
local count = tonumber(state[2]) or 0
local last = tonumber(state[3]) or 0
if start ~= nil and now < start + window then
  local reset = start + window
  if count >= limit then return {0, count, reset} end
  local ready = last + wait(count)
  if ready > reset then ready = reset end
  if now < ready then return {0, count, ready} end
else
  if limit <= 0 then return {0, 0, now + window} end
  redis.call('DEL', KEYS[1])
  redis.call('HSET', KEYS[1], 's', ARGV[3])
  redis.call('PEXPIRE', KEYS[1], window)
  start = now
end
count = redis.call('HINCRBY', KEYS[1], 'c', 1)
redis.call('HSET', KEYS[1], 'l', ARGV[3])
local reset = start + window
local nxt = reset
if count < limit then
  nxt = now + wait(count)
  if nxt > reset then nxt = reset end
end
return {1, count, nxt}
`;

/** KEYS[1] bucket; ARGV[1] windowMs, ARGV[2] now. Decrements the running window's count, never below zero. */
const REFUND_LUA = `
local state = redis.call('HMGET', KEYS[1], 's', 'c')
local start = tonumber(state[1])
local count = tonumber(state[2]) or 0
if start == nil or tonumber(ARGV[2]) >= start + tonumber(ARGV[1]) or count <= 0 then return 0 end
redis.call('HINCRBY', KEYS[1], 'c', -1)
return 1
`;

const KEY_PREFIX = 'rl:';

/** Fixed-window rate limiting shared by every instance through Redis; one atomic script per hit. */
export class RedisRateLimiter implements RateLimiter {
  private readonly hitScript: ScriptFn;
  private readonly attemptScript: ScriptFn;
  private readonly refundScript: ScriptFn;

  /** `ns` is the world's key namespace (empty for the default world; see src/worlds.ts). */
  constructor(
    private readonly conn: RedisConnection,
    private readonly ns = '',
  ) {
    this.hitScript = conn.defineScript('likesApiRateLimitHit', HIT_LUA, 1);
    this.attemptScript = conn.defineScript('likesApiRateLimitAttempt', ATTEMPT_LUA, 1);
    this.refundScript = conn.defineScript('likesApiRateLimitRefund', REFUND_LUA, 1);
  }

  async hit(key: string, limit: number, windowMs: number, now: number): Promise<WindowState> {
    const reply = await this.conn.run(() => this.hitScript(this.ns + KEY_PREFIX + key, int(limit), int(windowMs), int(now)));
    const [allowed, count, start] = reply as [number | string, number | string, string | null];
    const resetAt = start ? Number(start) + windowMs : now + windowMs;
    return { limit, remaining: Math.max(0, limit - Number(count)), resetAt, allowed: Number(allowed) === 1 };
  }

  async peek(key: string, limit: number, windowMs: number, now: number): Promise<WindowState> {
    const [s, c] = await this.conn.run((client) => client.hmget(this.ns + KEY_PREFIX + key, 's', 'c'));
    const start = s == null ? Number.NaN : Number(s);
    if (!Number.isFinite(start) || now >= start + windowMs) {
      return { limit, remaining: Math.max(0, limit), resetAt: now + windowMs, allowed: limit > 0 };
    }
    const remaining = Math.max(0, limit - Number(c ?? 0));
    return { limit, remaining, resetAt: start + windowMs, allowed: remaining > 0 };
  }

  async attempt(key: string, policy: AttemptPolicy, now: number): Promise<AttemptState> {
    const reply = await this.conn.run(() =>
      this.attemptScript(this.ns + KEY_PREFIX + key, int(policy.limit), int(policy.windowMs), int(now), int(policy.free), int(policy.delayMs)),
    );
    const [allowed, count, retryAt] = reply as [number | string, number | string, number | string];
    return { allowed: Number(allowed) === 1, count: Number(count), retryAt: Number(retryAt) };
  }

  async refund(key: string, windowMs: number, now: number): Promise<void> {
    await this.conn.run(() => this.refundScript(this.ns + KEY_PREFIX + key, int(windowMs), int(now)));
  }

  /** Nothing to release: the connection is closed by whoever opened it (openRedisShared). */
  async close(): Promise<void> {}
}

/** Integral ms / counts as Lua reads them exactly (no exponent notation). */
function int(n: number): string {
  return Number.isFinite(n) ? Math.floor(n).toFixed(0) : '0';
}
