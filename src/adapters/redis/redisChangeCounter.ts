import type { ChangeCounter, ChangeKind, Versions } from '../../ports/changes.ts';
import type { RedisConnection } from './redisConnection.ts';

const KEYS: Record<ChangeKind, string> = { data: 'data-version', credentials: 'credentials-version' };

/** Counters in Redis that every instance bumps after its writes and reads before using anything remembered. */
export class RedisChangeCounter implements ChangeCounter {
  readonly shared = true;

  constructor(private readonly conn: RedisConnection) {}

  async current(): Promise<Versions> {
    const [data, credentials] = await this.conn.run((c) => c.mget(KEYS.data, KEYS.credentials));
    return { data: data ?? '0', credentials: credentials ?? '0' };
  }

  async bump(kinds: readonly ChangeKind[]): Promise<void> {
    await this.conn.run(async (c) => {
      const multi = c.multi();
      for (const kind of kinds) multi.incr(KEYS[kind]);
      await multi.exec();
    });
  }
}
