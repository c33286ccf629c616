import { randomBytes } from 'node:crypto';
import type { ChainableCommander, Redis } from 'ioredis';
import { newFaultId, type Fault, type NewFault } from '../../domain/sandboxes/faults.ts';
import { UNSET_CONTROLS, type ControlsSnapshot, type SandboxControls } from '../../ports/sandboxControls.ts';
import type { RedisConnection, ScriptFn } from './redisConnection.ts';

/*
 * Keys (behind the connection prefix, then the world's namespace; no expiry: controls last until removed):
 *   controls:offset    string  clock offset in ms
 *   controls:version   string  a fresh random token at every change; absent (version "0") while nothing was set
 *   controls:faults    hash    fault id -> the fault as JSON, without times_remaining
 *   controls:times     hash    fault id -> requests it still applies to (only faults given `times`)
 *   controls:order     zset    fault id, scored by controls:seq: creation order
 *   controls:seq       string  the last order number given
 * Every change that touches more than one key is one script or one MULTI, so a snapshot never sees half of it.
 */

/** KEYS faults, times, order, seq, version; ARGV id, fault JSON, times ('' for none), token. 0 when the id is taken. */
const ADD_LUA = `
if redis.call('HSETNX', KEYS[1], ARGV[1], ARGV[2]) == 0 then return 0 end
if ARGV[3] ~= '' then redis.call('HSET', KEYS[2], ARGV[1], ARGV[3]) end
redis.call('ZADD', KEYS[3], redis.call('INCR', KEYS[4]), ARGV[1])
redis.call('SET', KEYS[5], ARGV[4])
return 1
`;

/** KEYS faults, times, order, version; ARGV id, token. 1 when the fault was there. */
const REMOVE_LUA = `
if redis.call('HDEL', KEYS[1], ARGV[1]) == 0 then return 0 end
redis.call('HDEL', KEYS[2], ARGV[1])
redis.call('ZREM', KEYS[3], ARGV[1])
redis.call('SET', KEYS[4], ARGV[2])
return 1
`;

/** KEYS faults, times, order, version; ARGV token. The number of faults removed. */
const CLEAR_FAULTS_LUA = `
local n = redis.call('HLEN', KEYS[1])
redis.call('DEL', KEYS[1], KEYS[2], KEYS[3])
if n > 0 then redis.call('SET', KEYS[4], ARGV[1]) end
return n
`;

/**
 * KEYS faults, times, order, version; ARGV id, token. 1 when the request may apply the fault: always for one without
 * times, else while uses are left, the last one removing it (and changing the version).
 */
const CONSUME_LUA = `
if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 0 then return 0 end
local left = redis.call('HGET', KEYS[2], ARGV[1])
if not left then return 1 end
left = tonumber(left)
if left <= 0 then return 0 end
if left == 1 then
  redis.call('HDEL', KEYS[1], ARGV[1])
  redis.call('HDEL', KEYS[2], ARGV[1])
  redis.call('ZREM', KEYS[3], ARGV[1])
  redis.call('SET', KEYS[4], ARGV[2])
else
  redis.call('HINCRBY', KEYS[2], ARGV[1], -1)
end
return 1
`;

const token = (): string => randomBytes(9).toString('base64url');

type Stored = Omit<Fault, 'times_remaining'>;

/** A stored fault with its count, members in the order the port's type lists them (the admin API's JSON order). */
function faultOf(json: string, times: string | undefined): Fault {
  const f = JSON.parse(json) as Stored;
  return {
    id: f.id,
    endpoint: f.endpoint,
    user_id: f.user_id,
    app_id: f.app_id,
    action: f.action,
    delay_ms: f.delay_ms,
    times_remaining: times === undefined ? null : Number(times),
    probability: f.probability,
    created_at: f.created_at,
  };
}

/** HGETALL as ioredis answers it, inside a MULTI or not: an object, or a flat [field, value, …] list. */
function hash(reply: unknown): Record<string, string> {
  if (!Array.isArray(reply)) return (reply ?? {}) as Record<string, string>;
  const out: Record<string, string> = {};
  for (let i = 0; i + 1 < reply.length; i += 2) out[String(reply[i])] = String(reply[i + 1]);
  return out;
}

/** The replies of a MULTI, in order; an error reply of any command fails the whole call. */
async function replies(multi: ChainableCommander): Promise<unknown[]> {
  const results = await multi.exec();
  if (!results) throw new Error('transaction was discarded');
  return results.map(([err, value]) => {
    if (err) throw err;
    return value;
  });
}

/** One sandbox's controls in Redis, shared by every instance; `namespace` keeps worlds on one connection apart. */
export class RedisSandboxControls implements SandboxControls {
  private readonly addScript: ScriptFn;
  private readonly removeScript: ScriptFn;
  private readonly clearFaultsScript: ScriptFn;
  private readonly consumeScript: ScriptFn;
  private readonly keys: { offset: string; version: string; faults: string; times: string; order: string; seq: string };

  constructor(private readonly conn: RedisConnection, namespace = '') {
    const key = (name: string) => `${namespace}controls:${name}`;
    this.keys = { offset: key('offset'), version: key('version'), faults: key('faults'), times: key('times'), order: key('order'), seq: key('seq') };
    this.addScript = conn.defineScript('likesApiControlsAdd', ADD_LUA, 5);
    this.removeScript = conn.defineScript('likesApiControlsRemove', REMOVE_LUA, 4);
    this.clearFaultsScript = conn.defineScript('likesApiControlsClearFaults', CLEAR_FAULTS_LUA, 4);
    this.consumeScript = conn.defineScript('likesApiControlsConsume', CONSUME_LUA, 4);
  }

  async snapshot(): Promise<ControlsSnapshot> {
    const k = this.keys;
    const read = (c: Redis) => replies(c.multi().get(k.version).get(k.offset).zrange(k.order, '0', '-1').hgetall(k.faults).hgetall(k.times));
    const [version, offset, order, faults, times] = (await this.conn.run(read)) as [string | null, string | null, string[], unknown, unknown];
    const stored = hash(faults);
    const counts = hash(times);
    return {
      version: version ?? UNSET_CONTROLS,
      clockOffsetMs: offset === null ? 0 : Number(offset),
      // The order set and the hash change together; the filter only guards against a key edited by hand.
      faults: order.filter((id) => stored[id] !== undefined).map((id) => faultOf(stored[id], counts[id])),
    };
  }

  async version(): Promise<string> {
    return (await this.conn.run((c) => c.get(this.keys.version))) ?? UNSET_CONTROLS;
  }

  async clockOffsetMs(): Promise<number> {
    return (await this.snapshot()).clockOffsetMs;
  }

  async setClockOffsetMs(ms: number): Promise<void> {
    const value = Math.trunc(ms).toFixed(0);
    await this.conn.run((c) => replies(c.multi().set(this.keys.offset, value).set(this.keys.version, token())));
  }

  async faults(): Promise<Fault[]> {
    return (await this.snapshot()).faults;
  }

  async addFault(fault: NewFault): Promise<Fault> {
    const k = this.keys;
    for (;;) {
      const id = newFaultId();
      const { times_remaining, ...rest } = fault;
      const stored: Stored = { id, ...rest };
      const times = times_remaining === null ? '' : times_remaining.toFixed(0);
      const added = await this.conn.run(() => this.addScript(k.faults, k.times, k.order, k.seq, k.version, id, JSON.stringify(stored), times, token()));
      // 48 random bits: a taken id is all but impossible, and then another is drawn.
      if (Number(added) === 1) return { id, ...fault };
    }
  }

  async removeFault(id: string): Promise<boolean> {
    const k = this.keys;
    return Number(await this.conn.run(() => this.removeScript(k.faults, k.times, k.order, k.version, id, token()))) === 1;
  }

  async clearFaults(): Promise<number> {
    const k = this.keys;
    return Number(await this.conn.run(() => this.clearFaultsScript(k.faults, k.times, k.order, k.version, token())));
  }

  async consumeFault(id: string): Promise<boolean> {
    const k = this.keys;
    return Number(await this.conn.run(() => this.consumeScript(k.faults, k.times, k.order, k.version, id, token()))) === 1;
  }

  async clear(): Promise<void> {
    const k = this.keys;
    await this.conn.run((c) => c.del(k.offset, k.version, k.faults, k.times, k.order, k.seq));
  }
}
