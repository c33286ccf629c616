import type { InspectedRequest } from '../../domain/sandboxes/inspection.ts';
import { DEFAULT_JOURNAL_CAPACITY, isFacts, madeEntry, type JournalEntry, type RequestJournal } from '../../ports/requestJournal.ts';
import type { RedisConnection } from './redisConnection.ts';
import { WRITE_BEHIND_MS, WriteBehind } from './writeBehind.ts';

/** A journal nobody writes to for a day is forgotten: the inspector is for what is happening now. */
const JOURNAL_TTL_SECONDS = 24 * 60 * 60;

const KEY = 'requests';

/**
 * When an entry's request arrived, in epoch ms: to the microsecond for a request's facts (the edge's clock), to the
 * millisecond of its `time` for an entry made already.
 */
const arrivalOf = (entry: JournalEntry): number => (isFacts(entry) ? entry.time : Date.parse(entry.time));

/**
 * An item of the list: `[arrival, entry]` (arrival as arrivalOf says), or the entry alone as items were written
 * before arrivals were kept (for a day, the list's time to live).
 */
function itemOf(json: string): { arrival: number; entry: InspectedRequest } {
  const item = JSON.parse(json) as [number, InspectedRequest] | InspectedRequest;
  return Array.isArray(item) ? { arrival: item[0], entry: item[1] } : { arrival: arrivalOf(item), entry: item };
}

/**
 * The request journal of one sandbox world in Redis, shared by every instance: one list, newest at the head,
 * trimmed to the capacity on every write. `namespace` prefixes the key, so worlds can share one connection. Entries
 * are written behind (src/adapters/redis/writeBehind.ts): one transaction per batch, not per request.
 */
export class RedisRequestJournal implements RequestJournal {
  private readonly key: string;
  private readonly writes: WriteBehind<JournalEntry>;

  constructor(
    private readonly conn: RedisConnection,
    namespace = '',
    readonly capacity = DEFAULT_JOURNAL_CAPACITY,
    /** How long entries are gathered before they are sent. */
    writeBehindMs = WRITE_BEHIND_MS,
  ) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new Error(`journal capacity must be a positive integer (got ${capacity})`);
    this.key = namespace + KEY;
    this.writes = new WriteBehind('request journal', (entries) => this.write(entries), conn.log, writeBehindMs);
  }

  record(entry: JournalEntry): void {
    this.writes.add(entry);
  }

  /**
   * One round trip, applied whole: the list never holds more than the capacity. Oldest first, so newest on top. Only
   * the entries that fit are made.
   */
  private async write(entries: JournalEntry[]): Promise<void> {
    const texts = entries.slice(-this.capacity).map((e) => JSON.stringify([arrivalOf(e), madeEntry(e)]));
    await this.conn.run(async (c) => {
      const replies = await c
        .multi()
        .lpush(this.key, ...texts)
        .ltrim(this.key, 0, this.capacity - 1)
        .expire(this.key, JOURNAL_TTL_SECONDS)
        .exec();
      const failed = replies?.find(([err]) => err);
      if (!replies || failed) throw failed?.[0] ?? new Error('transaction aborted');
    });
  }

  flush(): Promise<void> {
    return this.writes.flush();
  }

  async latest(limit: number): Promise<InspectedRequest[]> {
    const n = Math.min(Math.max(0, Math.floor(limit)), this.capacity);
    if (n === 0) return [];
    await this.writes.flush();
    // Instances write their batches in turn: the list is in order of writing, the inspector in order of arrival, so
    // the whole list is read and the newest `n` kept. Arrivals to the microsecond: requests one client sends one
    // after the other to two instances can arrive within one millisecond.
    const raw = await this.conn.run((c) => c.lrange(this.key, 0, this.capacity - 1));
    return raw
      .map(itemOf)
      .sort((a, b) => b.arrival - a.arrival)
      .slice(0, n)
      .map((item) => item.entry);
  }

  async clear(): Promise<void> {
    this.writes.drop();
    await this.conn.run((c) => c.del(this.key));
  }
}
