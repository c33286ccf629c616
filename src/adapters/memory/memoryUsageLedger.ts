import {
  compareUsageRows, forEachId, utcDay, zeroByEndpoint, type IdList, type UsageDayRow, type UsageEntry, type UsageLedger,
} from '../../ports/usageLedger.ts';
import { IdSet } from '../compactIds.ts';

/** Days are kept this long before the newest day recorded (the Redis adapter keeps them alike). */
export const LEDGER_RETENTION_DAYS = 100;

const DAY_MS = 86_400_000;
/**
 * Ids remembered per App, day and kind. A busy default world would otherwise keep every id it served for 100 days;
 * past this, further ids are counted as billable without being remembered (the estimate errs high, never low).
 */
export const LEDGER_IDS_PER_DAY = 250_000;

interface DayBucket {
  row: UsageDayRow;
  /** Ids seen this day by this App: what makes a repeat free. */
  posts: IdSet;
  users: IdSet;
  /**
   * Resource lists already folded into the sets, by identity: an answer served again from the response cache hands
   * over the same list, whose ids are then known to be in the sets already.
   */
  folded: WeakSet<object>;
}

/**
 * The usage ledger of one world in one process. Memory is bounded by the retention: old days go as newer ones
 * are recorded, and a day's id sets hold at most the world's Posts and users.
 */
export class MemoryUsageLedger implements UsageLedger {
  /** By `${day}:${appId}`. */
  private readonly buckets = new Map<string, DayBucket>();
  /** Newest day recorded, as epoch ms: retention counts back from it (the port carries no clock). */
  private latestDayMs = Number.NEGATIVE_INFINITY;
  /** The bucket recorded into last: consecutive requests are mostly one App's on one day. */
  private last: DayBucket | null = null;

  record(entry: UsageEntry): void {
    const day = utcDay(entry.at);
    const last = this.last;
    const bucket = last && last.row.day === day && last.row.appId === entry.appId ? last : (this.last = this.bucketOf(day, entry.appId));
    const { row } = bucket;
    row.requests += 1;
    row.requestsByEndpoint[entry.endpoint] += 1;
    if (entry.operation === 'write') row.writes += 1;
    row.postsRead += entry.resources.posts.count;
    row.usersRead += entry.resources.users.count;
    if (bucket.folded.has(entry.resources)) return;
    row.postsUnique += remember(bucket.posts, entry.resources.posts);
    row.usersUnique += remember(bucket.users, entry.resources.users);
    bucket.folded.add(entry.resources);
  }

  /** Nothing to write: every reader is in this process. */
  async flush(): Promise<void> {}

  private bucketOf(day: string, appId: string): DayBucket {
    const key = `${day}:${appId}`;
    let bucket = this.buckets.get(key);
    if (!bucket) {
      bucket = {
        row: {
          appId, day, requests: 0, requestsByEndpoint: zeroByEndpoint(), writes: 0,
          postsRead: 0, postsUnique: 0, usersRead: 0, usersUnique: 0,
        },
        posts: new IdSet(),
        users: new IdSet(),
        folded: new WeakSet(),
      };
      this.buckets.set(key, bucket);
      const ms = Date.parse(`${day}T00:00:00Z`);
      if (ms > this.latestDayMs) {
        this.latestDayMs = ms;
        this.prune();
      }
    }
    return bucket;
  }

  async report(): Promise<UsageDayRow[]> {
    return [...this.buckets.values()]
      .map(({ row }) => ({ ...row, requestsByEndpoint: { ...row.requestsByEndpoint } }))
      .sort(compareUsageRows);
  }

  async clear(): Promise<void> {
    this.buckets.clear();
    this.last = null;
    this.latestDayMs = Number.NEGATIVE_INFINITY;
  }

  private prune(): void {
    const cutoff = this.latestDayMs - LEDGER_RETENTION_DAYS * DAY_MS;
    for (const [key, bucket] of this.buckets) {
      if (Date.parse(`${bucket.row.day}T00:00:00Z`) >= cutoff) continue;
      this.buckets.delete(key);
      if (bucket === this.last) this.last = null;
    }
  }
}

/** Adds the ids not seen yet to `seen` (up to LEDGER_IDS_PER_DAY of them) and says how many were new. */
function remember(seen: IdSet, ids: IdList): number {
  let added = 0;
  forEachId(ids, (text, start, end) => {
    // One probe per id while the set takes more; past its bound, new ids are counted, not kept.
    if (seen.size < LEDGER_IDS_PER_DAY ? seen.add(text, start, end) : !seen.has(text, start, end)) added += 1;
  });
  return added;
}
