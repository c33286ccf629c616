import {
  LEDGER_ENDPOINTS, compareUsageRows, utcDay, zeroByEndpoint,
  type UsageDayRow, type UsageEntry, type UsageLedger,
} from '../../ports/usageLedger.ts';
import type { RedisConnection, ScriptFn } from './redisConnection.ts';

/** Each (App, day) lives this long after its last write; days this old before the newest are pruned (as in memory). */
export const LEDGER_TTL_SECONDS = 100 * 86_400;
const LEDGER_RETENTION_MS = LEDGER_TTL_SECONDS * 1000;

/*
 * Keys (all behind the connection prefix and the ledger's namespace N):
 *   N ledger:index                   zset   member "{day}:{appId}", score = the day's epoch ms
 *   N ledger:{day}:{appId}:counts    hash   requests, ep:{endpoint}, writes, posts_read, posts_unique, users_read,
 *                                           users_unique
 *   N ledger:{day}:{appId}:posts     set    Post ids returned to the App that day (deduplication)
 *   N ledger:{day}:{appId}:users     set    user ids alike
 * Every key expires LEDGER_TTL_SECONDS after its last write. The scripts derive a day's key names from the index
 * key (ioredis prefixes only KEYS[]), so the names below and in Lua must agree: base .. member .. suffix.
 */
const INDEX = 'index';

/** Shared by both scripts: the three keys of index member `m` under `base`. */
const KEYS_OF_LUA = `
local base = string.sub(KEYS[1], 1, #KEYS[1] - ${INDEX.length})
local function keysOf(m) return base .. m .. ':counts', base .. m .. ':posts', base .. m .. ':users' end
`;

/**
 * KEYS[1] index, KEYS[2] counts, KEYS[3] posts set, KEYS[4] users set;
 * ARGV[1] member, ARGV[2] day ms, ARGV[3] endpoint, ARGV[4] "1" for a write, ARGV[5] ttl s, ARGV[6] retention ms,
 * ARGV[7] number of Post ids n, ARGV[8 .. 7+n] Post ids, ARGV[8+n ..] user ids.
 */
const RECORD_LUA = `${KEYS_OF_LUA}
local cutoff = '(' .. (tonumber(ARGV[2]) - tonumber(ARGV[6]))
local old = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', cutoff)
if #old > 0 then
  for _, m in ipairs(old) do redis.call('DEL', keysOf(m)) end
  redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', cutoff)
end
redis.call('ZADD', KEYS[1], ARGV[2], ARGV[1])
redis.call('EXPIRE', KEYS[1], ARGV[5])
redis.call('HINCRBY', KEYS[2], 'requests', 1)
redis.call('HINCRBY', KEYS[2], 'ep:' .. ARGV[3], 1)
if ARGV[4] == '1' then redis.call('HINCRBY', KEYS[2], 'writes', 1) end
local function addIds(set, from, to, readField, uniqueField)
  if to < from then return end
  redis.call('HINCRBY', KEYS[2], readField, to - from + 1)
  local added = 0
  for i = from, to, 500 do
    added = added + redis.call('SADD', set, unpack(ARGV, i, math.min(i + 499, to)))
  end
  redis.call('HINCRBY', KEYS[2], uniqueField, added)
  redis.call('EXPIRE', set, ARGV[5])
end
local n = tonumber(ARGV[7])
addIds(KEYS[3], 8, 7 + n, 'posts_read', 'posts_unique')
addIds(KEYS[4], 8 + n, #ARGV, 'users_read', 'users_unique')
redis.call('EXPIRE', KEYS[2], ARGV[5])
return 1
`;

/** KEYS[1] index. Deletes every day of the ledger and the index. */
const CLEAR_LUA = `${KEYS_OF_LUA}
for _, m in ipairs(redis.call('ZRANGE', KEYS[1], 0, -1)) do redis.call('DEL', keysOf(m)) end
redis.call('DEL', KEYS[1])
return 1
`;

/**
 * The usage ledger of one world in Redis, shared by every instance. Several worlds share one connection, each
 * under its own `namespace`. One atomic script per `record`; `report` is two round trips.
 */
export class RedisUsageLedger implements UsageLedger {
  private readonly recordScript: ScriptFn;
  private readonly clearScript: ScriptFn;
  private readonly base: string;

  constructor(private readonly conn: RedisConnection, namespace = '') {
    this.base = `${namespace}ledger:`;
    this.recordScript = conn.defineScript('likesApiLedgerRecord', RECORD_LUA, 4);
    this.clearScript = conn.defineScript('likesApiLedgerClear', CLEAR_LUA, 1);
  }

  async record(entry: UsageEntry): Promise<void> {
    const day = utcDay(entry.at);
    const member = `${day}:${entry.appId}`;
    const { posts, users } = entry.resources;
    await this.conn.run(() =>
      this.recordScript(
        this.base + INDEX, ...this.dayKeys(member),
        member, Date.parse(`${day}T00:00:00Z`), entry.endpoint, entry.operation === 'write' ? '1' : '0',
        LEDGER_TTL_SECONDS, LEDGER_RETENTION_MS, posts.length, ...posts, ...users,
      ),
    );
  }

  async report(): Promise<UsageDayRow[]> {
    return this.conn.run(async (client) => {
      const members = await client.zrange(this.base + INDEX, '0', '-1');
      if (members.length === 0) return [];
      const pipeline = client.pipeline();
      for (const member of members) pipeline.hgetall(this.dayKeys(member)[0]);
      const results = await pipeline.exec();
      if (!results) throw new Error('pipeline was discarded');
      const rows: UsageDayRow[] = [];
      results.forEach(([err, value], i) => {
        if (err) throw err;
        const hash = value as Record<string, string>;
        // A day whose keys expired before the index was pruned has nothing left to report.
        if (!hash.requests) return;
        rows.push(toRow(members[i]!, hash));
      });
      return rows.sort(compareUsageRows);
    });
  }

  async clear(): Promise<void> {
    await this.conn.run(() => this.clearScript(this.base + INDEX));
  }

  private dayKeys(member: string): [counts: string, posts: string, users: string] {
    const key = this.base + member;
    return [`${key}:counts`, `${key}:posts`, `${key}:users`];
  }
}

/** A row from an index member ("{day}:{appId}", the day being 10 characters) and its counts hash. */
function toRow(member: string, hash: Record<string, string>): UsageDayRow {
  const n = (field: string) => Number(hash[field] ?? 0);
  const requestsByEndpoint = zeroByEndpoint();
  for (const endpoint of LEDGER_ENDPOINTS) requestsByEndpoint[endpoint] = n(`ep:${endpoint}`);
  return {
    appId: member.slice(11),
    day: member.slice(0, 10),
    requests: n('requests'),
    requestsByEndpoint,
    writes: n('writes'),
    postsRead: n('posts_read'),
    postsUnique: n('posts_unique'),
    usersRead: n('users_read'),
    usersUnique: n('users_unique'),
  };
}
