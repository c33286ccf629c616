import type { InspectedRequest } from '../../domain/sandboxes/inspection.ts';
import { DEFAULT_JOURNAL_CAPACITY, type RequestJournal } from '../../ports/requestJournal.ts';
import type { RedisConnection } from './redisConnection.ts';

/** A journal nobody writes to for a day is forgotten: the inspector is for what is happening now. */
const JOURNAL_TTL_SECONDS = 24 * 60 * 60;

const KEY = 'requests';

/**
 * The request journal of one sandbox world in Redis, shared by every instance: one list, newest at the head,
 * trimmed to the capacity on every write. `namespace` prefixes the key, so worlds can share one connection.
 */
export class RedisRequestJournal implements RequestJournal {
  private readonly key: string;

  constructor(
    private readonly conn: RedisConnection,
    namespace = '',
    readonly capacity = DEFAULT_JOURNAL_CAPACITY,
  ) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new Error(`journal capacity must be a positive integer (got ${capacity})`);
    this.key = namespace + KEY;
  }

  async record(entry: InspectedRequest): Promise<void> {
    // One round trip, applied whole: the list never holds more than the capacity.
    await this.conn.run(async (c) => {
      const replies = await c
        .multi()
        .lpush(this.key, JSON.stringify(entry))
        .ltrim(this.key, 0, this.capacity - 1)
        .expire(this.key, JOURNAL_TTL_SECONDS)
        .exec();
      const failed = replies?.find(([err]) => err);
      if (!replies || failed) throw failed?.[0] ?? new Error('transaction aborted');
    });
  }

  async latest(limit: number): Promise<InspectedRequest[]> {
    const n = Math.min(Math.max(0, Math.floor(limit)), this.capacity);
    if (n === 0) return [];
    const raw = await this.conn.run((c) => c.lrange(this.key, 0, n - 1));
    return raw.map((json) => JSON.parse(json) as InspectedRequest);
  }

  async clear(): Promise<void> {
    await this.conn.run((c) => c.del(this.key));
  }
}
