import type { ChangeCounter } from '../../ports/changes.ts';
import type { RedisConnection } from './redisConnection.ts';

const KEY = 'data-version';

/** One counter in Redis that every instance bumps after its writes and reads before building a response. */
export class RedisChangeCounter implements ChangeCounter {
  readonly shared = true;

  constructor(private readonly conn: RedisConnection) {}

  async current(): Promise<string> {
    return (await this.conn.run((c) => c.get(KEY))) ?? '0';
  }

  async bump(): Promise<void> {
    await this.conn.run((c) => c.incr(KEY));
  }
}
