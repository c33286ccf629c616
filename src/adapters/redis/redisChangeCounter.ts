import type { ChangeCounter, ChangeKind, Versions } from '../../ports/changes.ts';
import type { RedisConnection } from './redisConnection.ts';

export const CHANGE_COUNTER_KEYS: Record<ChangeKind, string> = { data: 'data-version', credentials: 'credentials-version' };

/** Counters in Redis that every instance bumps after its writes and reads before using anything remembered. */
export class RedisChangeCounter implements ChangeCounter {
  readonly shared = true;

  /** `ns` is the world's key namespace (empty for the default world; see src/worlds.ts). */
  constructor(
    private readonly conn: RedisConnection,
    private readonly ns = '',
  ) {}

  async current(): Promise<Versions> {
    const [data, credentials] = await this.conn.run((c) => c.mget(this.ns + CHANGE_COUNTER_KEYS.data, this.ns + CHANGE_COUNTER_KEYS.credentials));
    return { data: data ?? '0', credentials: credentials ?? '0' };
  }

  async bump(kinds: readonly ChangeKind[]): Promise<void> {
    await this.conn.run(async (c) => {
      const multi = c.multi();
      for (const kind of kinds) multi.incr(this.ns + CHANGE_COUNTER_KEYS[kind]);
      await multi.exec();
    });
  }
}
