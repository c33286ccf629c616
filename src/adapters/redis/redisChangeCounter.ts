import type { ChangeCounter, ChangeKind, Versions } from '../../ports/changes.ts';
import type { RedisConnection } from './redisConnection.ts';
import { nextTurnOnce } from '../../perTurn.ts';

export const CHANGE_COUNTER_KEYS: Record<ChangeKind, string> = { data: 'data-version', credentials: 'credentials-version' };

/** Counters in Redis that every instance bumps after its writes and reads before using anything remembered. */
export class RedisChangeCounter implements ChangeCounter {
  readonly shared = true;
  /** What the writes of this turn bump (taken when the bump is sent). */
  private kinds = new Set<ChangeKind>();

  /** `ns` is the world's key namespace (empty for the default world; see src/worlds.ts). */
  constructor(
    private readonly conn: RedisConnection,
    private readonly ns = '',
  ) {}

  async current(): Promise<Versions> {
    const [data, credentials] = await this.conn.run((c) => c.mget(this.ns + CHANGE_COUNTER_KEYS.data, this.ns + CHANGE_COUNTER_KEYS.credentials));
    return { data: data ?? '0', credentials: credentials ?? '0' };
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
