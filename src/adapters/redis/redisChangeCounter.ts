import { LIKE_CHANGES_KEPT, type ChangeCounter, type ChangeKind, type LikeChange, type Versions } from '../../ports/changes.ts';
import type { RedisConnection, ScriptFn } from './redisConnection.ts';
import { nextTurnOnce } from '../../perTurn.ts';

export const CHANGE_COUNTER_KEYS: Record<ChangeKind | 'likes' | 'likeChanges', string> = {
  data: 'data-version',
  credentials: 'credentials-version',
  likes: 'likes-version',
  // A list of `<likes version> <key>,<key>,…`, oldest first: the latest LIKE_CHANGES_KEPT versions' keys.
  likeChanges: 'like-changes',
};

/** The likes version moves on and its keys are recorded with it in one step, so the list stays in version order. */
const BUMP_LIKES_LUA = `
local v = redis.call('INCR', KEYS[1])
redis.call('RPUSH', KEYS[2], v .. ' ' .. ARGV[1])
redis.call('LTRIM', KEYS[2], -tonumber(ARGV[2]), -1)
return v`;

/**
 * Entries read beyond the ones asked for, in case later versions were recorded since the version was read (the list
 * is read from its tail). Enough for the other instances' bumps of a turn or two; a read that falls short is read
 * again from where its newest entry says the versions asked for are now.
 */
const LIKE_CHANGES_SLACK = 16;

/** The likes version an entry of the list of like changes was recorded with. */
const versionOf = (entry: string): number => Number(entry.slice(0, entry.indexOf(' ')));

/** Counters in Redis that every instance bumps after its writes and reads before using anything remembered. */
export class RedisChangeCounter implements ChangeCounter {
  readonly shared = true;
  /** What the writes of this turn bump (taken when the bump is sent). */
  private kinds = new Set<ChangeKind>();
  /** The keys the likes and unlikes of this turn changed (taken when the bump is sent). */
  private likeKeys = new Set<string>();
  private readonly bumpLikesScript: ScriptFn;

  /** `ns` is the world's key namespace (empty for the default world; see src/worlds.ts). */
  constructor(
    private readonly conn: RedisConnection,
    private readonly ns = '',
  ) {
    this.bumpLikesScript = conn.defineScript('likesApiBumpLikes', BUMP_LIKES_LUA, 2);
  }

  async current(): Promise<Versions> {
    const k = CHANGE_COUNTER_KEYS;
    const [data, credentials, likes] = await this.conn.run((c) => c.mget(this.ns + k.data, this.ns + k.credentials, this.ns + k.likes));
    return { data: data ?? '0', credentials: credentials ?? '0', likes: Number(likes ?? 0) };
  }

  /** Like bump(): the likes and unlikes of one turn move the likes version once, with all their keys. */
  bumpLikes(keys: readonly string[]): Promise<void> {
    for (const key of keys) this.likeKeys.add(key);
    return this.bumpLikesNextTurn();
  }

  private readonly bumpLikesNextTurn = nextTurnOnce(async () => {
    const keys = [...this.likeKeys];
    this.likeKeys = new Set();
    const k = CHANGE_COUNTER_KEYS;
    await this.conn.run(() => this.bumpLikesScript(this.ns + k.likes, this.ns + k.likeChanges, keys.join(','), LIKE_CHANGES_KEPT));
  });

  async likeChanges(after: number, upTo: number): Promise<LikeChange[] | null> {
    if (upTo <= after) return [];
    if (upTo - after > LIKE_CHANGES_KEPT) return null;
    let rows = await this.tail(upTo - after + LIKE_CHANGES_SLACK);
    const newest = rows.length ? versionOf(rows[rows.length - 1]) : 0;
    if (rows.length && versionOf(rows[0]) > after + 1 && newest - after <= LIKE_CHANGES_KEPT) rows = await this.tail(newest - after + LIKE_CHANGES_SLACK);
    const changes: LikeChange[] = [];
    for (const row of rows) {
      const version = versionOf(row);
      if (version > after && version <= upTo) changes.push({ version, keys: row.slice(row.indexOf(' ') + 1).split(',') });
    }
    // Complete only when every version asked for is there (the list may have been trimmed, or more recorded since).
    return changes.length === upTo - after && changes[0].version === after + 1 ? changes : null;
  }

  /** The latest `n` entries of the list of like changes, oldest first. */
  private tail(n: number): Promise<string[]> {
    return this.conn.run((c) => c.lrange(this.ns + CHANGE_COUNTER_KEYS.likeChanges, -n, -1));
  }

  /**
   * The writes that commit during one turn of the event loop share one bump: each counter moves once, after all of
   * them committed, and each writer is answered once it has (a group-committed batch of likes costs one round trip).
   */
  bump(kinds: readonly ChangeKind[]): Promise<void> {
    for (const kind of kinds) this.kinds.add(kind);
    return this.bumpNextTurn();
  }

  private readonly bumpNextTurn = nextTurnOnce(() => {
    // Kinds asked for from now on go with the next bump: this one may be sent before their writes commit.
    const kinds = this.kinds;
    this.kinds = new Set();
    return this.incr(kinds);
  });

  private async incr(kinds: ReadonlySet<ChangeKind>): Promise<void> {
    await this.conn.run(async (c) => {
      // Likes bump the data counter alone: one INCR, not MULTI, INCR and EXEC (a fifth of the Redis commands a turn of
      // likes sent, each its own socket write). Both counters move together when a turn wrote both kinds.
      if (kinds.size === 1) {
        const [kind] = kinds;
        await c.incr(this.ns + CHANGE_COUNTER_KEYS[kind]);
        return;
      }
      const multi = c.multi();
      for (const kind of kinds) multi.incr(this.ns + CHANGE_COUNTER_KEYS[kind]);
      await multi.exec();
    });
  }
}
