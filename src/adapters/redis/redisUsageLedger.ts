import {
  LEDGER_ENDPOINTS, compareUsageRows, idsOf, utcDay, zeroByEndpoint,
  type UsageDayRow, type UsageEntry, type UsageLedger,
} from '../../ports/usageLedger.ts';
import type { RedisConnection, ScriptFn } from './redisConnection.ts';
import { WRITE_BEHIND_MS, WriteBehind } from './writeBehind.ts';

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
 * What several requests of one App on one day add up to (a write-behind batch).
 * KEYS[1] index, KEYS[2] counts, KEYS[3] posts set, KEYS[4] users set;
 * ARGV[1] member, ARGV[2] day ms, ARGV[3] ttl s, ARGV[4] retention ms, ARGV[5] requests, then one count per endpoint
 * (in LEDGER_ENDPOINTS order, E of them), then writes, Posts read, users read, the number n of distinct Post ids,
 * those ids, and the distinct user ids.
 */
/** The ARGV index of the first value after the per-endpoint counts. */
const AFTER_ENDPOINTS = 6 + LEDGER_ENDPOINTS.length;
const RECORD_LUA = `${KEYS_OF_LUA}
local cutoff = '(' .. (tonumber(ARGV[2]) - tonumber(ARGV[4]))
local old = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', cutoff)
if #old > 0 then
  for _, m in ipairs(old) do redis.call('DEL', keysOf(m)) end
  redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', cutoff)
end
redis.call('ZADD', KEYS[1], ARGV[2], ARGV[1])
redis.call('EXPIRE', KEYS[1], ARGV[3])
redis.call('HINCRBY', KEYS[2], 'requests', ARGV[5])
${LEDGER_ENDPOINTS.map((e, i) => `redis.call('HINCRBY', KEYS[2], 'ep:${e}', ARGV[${6 + i}])`).join('\n')}
redis.call('HINCRBY', KEYS[2], 'writes', ARGV[${AFTER_ENDPOINTS}])
redis.call('HINCRBY', KEYS[2], 'posts_read', ARGV[${AFTER_ENDPOINTS + 1}])
redis.call('HINCRBY', KEYS[2], 'users_read', ARGV[${AFTER_ENDPOINTS + 2}])
local function addIds(set, from, to, uniqueField)
  if to < from then return end
  local added = 0
  for i = from, to, 500 do
    added = added + redis.call('SADD', set, unpack(ARGV, i, math.min(i + 499, to)))
  end
  redis.call('HINCRBY', KEYS[2], uniqueField, added)
  redis.call('EXPIRE', set, ARGV[3])
end
local n = tonumber(ARGV[${AFTER_ENDPOINTS + 3}])
addIds(KEYS[3], ${AFTER_ENDPOINTS + 4}, ${AFTER_ENDPOINTS + 3} + n, 'posts_unique')
addIds(KEYS[4], ${AFTER_ENDPOINTS + 4} + n, #ARGV, 'users_unique')
redis.call('EXPIRE', KEYS[2], ARGV[3])
return 1
`;

/** What a batch adds to one App's day. */
interface DayBatch {
  dayMs: number;
  requests: number;
  byEndpoint: Record<string, number>;
  writes: number;
  postsRead: number;
  usersRead: number;
  posts: Set<string>;
  users: Set<string>;
  /** Id lists already added, by identity: an answer served again from the cache hands over the same ones. */
  folded: Set<object>;
}

/** KEYS[1] index. Deletes every day of the ledger and the index. */
const CLEAR_LUA = `${KEYS_OF_LUA}
for _, m in ipairs(redis.call('ZRANGE', KEYS[1], 0, -1)) do redis.call('DEL', keysOf(m)) end
redis.call('DEL', KEYS[1])
return 1
`;

/**
 * The usage ledger of one world in Redis, shared by every instance. Several worlds share one connection, each
 * under its own `namespace`. Entries are written behind (src/adapters/redis/writeBehind.ts): a batch becomes one
 * atomic script per App and day, with each distinct id sent once; `report` is two round trips.
 */
export class RedisUsageLedger implements UsageLedger {
  private readonly recordScript: ScriptFn;
  private readonly clearScript: ScriptFn;
  private readonly base: string;
  private readonly writes: WriteBehind<UsageEntry>;

  /** `writeBehindMs`: how long entries are gathered before they are sent. */
  constructor(private readonly conn: RedisConnection, namespace = '', writeBehindMs = WRITE_BEHIND_MS) {
    this.base = `${namespace}ledger:`;
    this.recordScript = conn.defineScript('likesApiLedgerRecord', RECORD_LUA, 4);
    this.clearScript = conn.defineScript('likesApiLedgerClear', CLEAR_LUA, 1);
    this.writes = new WriteBehind('usage ledger', (entries) => this.write(entries), conn.log, writeBehindMs);
  }

  record(entry: UsageEntry): void {
    this.writes.add(entry);
  }

  /** A batch, summed per App and day, each sum one script (sent together: one round trip). */
  private async write(entries: UsageEntry[]): Promise<void> {
    const days = new Map<string, DayBatch>();
    for (const entry of entries) {
      const day = utcDay(entry.at);
      const member = `${day}:${entry.appId}`;
      let batch = days.get(member);
      if (!batch) {
        batch = {
          dayMs: Date.parse(`${day}T00:00:00Z`), requests: 0, byEndpoint: {}, writes: 0, postsRead: 0, usersRead: 0,
          posts: new Set(), users: new Set(), folded: new Set(),
        };
        days.set(member, batch);
      }
      batch.requests += 1;
      batch.byEndpoint[entry.endpoint] = (batch.byEndpoint[entry.endpoint] ?? 0) + 1;
      if (entry.operation === 'write') batch.writes += 1;
      const { posts, users } = entry.resources;
      batch.postsRead += posts.count;
      batch.usersRead += users.count;
      if (batch.folded.has(entry.resources)) continue;
      batch.folded.add(entry.resources);
      for (const id of idsOf(posts)) batch.posts.add(id);
      for (const id of idsOf(users)) batch.users.add(id);
    }
    await this.conn.run(() =>
      Promise.all([...days].map(([member, b]) =>
        this.recordScript(
          this.base + INDEX, ...this.dayKeys(member),
          member, b.dayMs, LEDGER_TTL_SECONDS, LEDGER_RETENTION_MS, b.requests,
          ...LEDGER_ENDPOINTS.map((e) => b.byEndpoint[e] ?? 0), b.writes, b.postsRead, b.usersRead,
          b.posts.size, ...b.posts, ...b.users,
        ),
      )),
    );
  }

  flush(): Promise<void> {
    return this.writes.flush();
  }

  async report(): Promise<UsageDayRow[]> {
    await this.writes.flush();
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
    this.writes.drop();
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
