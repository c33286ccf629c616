import {
  compareUsageRows, forEachId, utcDay, zeroByEndpoint, type IdList, type UsageDayRow, type UsageEntry, type UsageLedger,
} from '../../ports/usageLedger.ts';

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

/** Slot marker of an empty slot in IdSet's `lo` array (a real low part is below 10^9). */
const EMPTY = 0xffffffff;

/**
 * A set of ids held compactly: X's ids are decimal numbers of up to 19 digits, kept as two 32-bit numbers (the
 * digits above the last nine, and the last nine) in an open-addressing table of typed arrays, 8 bytes a slot, instead
 * of a string and a Set entry each (about 70 bytes an id: 250,000 ids of a busy day were ~17 MiB of heap; 4 MiB
 * now). Any other string (leading zeros, other characters, digits above the last nine past 2^32, i.e. ids from
 * 4,294,967,296,000,000,000 on, X's being near 2 * 10^18) goes to an ordinary Set, so membership is exact.
 */
export class IdSet {
  private hi = new Uint32Array(0);
  private lo = new Uint32Array(0);
  private used = 0;
  private others: Set<string> | null = null;
  /** The split of the last id parsed (set by `parse`). */
  private pHi = 0;
  private pLo = 0;

  get size(): number {
    return this.used + (this.others?.size ?? 0);
  }

  /** Whether the id `text.slice(start, end)` is in the set (the bounds: an id within a list, no string made). */
  has(text: string, start = 0, end = text.length): boolean {
    if (!this.parse(text, start, end)) return this.others?.has(text.slice(start, end)) ?? false;
    return this.lo.length > 0 && this.lo[this.slot(this.pHi, this.pLo)] !== EMPTY;
  }

  /** Adds the id `text.slice(start, end)`; true when it was not in the set yet. */
  add(text: string, start = 0, end = text.length): boolean {
    if (!this.parse(text, start, end)) {
      const id = text.slice(start, end);
      const others = (this.others ??= new Set());
      if (others.has(id)) return false;
      others.add(id);
      return true;
    }
    if ((this.used + 1) * 2 > this.lo.length) this.grow();
    const i = this.slot(this.pHi, this.pLo);
    if (this.lo[i] !== EMPTY) return false;
    this.hi[i] = this.pHi;
    this.lo[i] = this.pLo;
    this.used += 1;
    return true;
  }

  /** Splits a canonical decimal id of 1–19 digits whose high part fits 32 bits into pHi/pLo; false for anything else. */
  private parse(text: string, start: number, end: number): boolean {
    const n = end - start;
    if (n <= 0 || n > 19 || (n > 1 && text.charCodeAt(start) === 48)) return false;
    // The digits above the last nine, then the last nine: two loops without a branch between the parts (every id of
    // every page billed comes through here).
    const split = n > 9 ? start + n - 9 : start;
    let hi = 0;
    for (let k = start; k < split; k++) {
      const d = text.charCodeAt(k) - 48;
      if (d < 0 || d > 9) return false;
      hi = hi * 10 + d;
    }
    let lo = 0;
    for (let k = split; k < end; k++) {
      const d = text.charCodeAt(k) - 48;
      if (d < 0 || d > 9) return false;
      lo = lo * 10 + d;
    }
    if (hi > 0xffffffff) return false;
    this.pHi = hi;
    this.pLo = lo;
    return true;
  }

  /** The slot holding (hi, lo), or the empty slot where it would go (linear probing; the table is never full). */
  private slot(hi: number, lo: number): number {
    const mask = this.lo.length - 1;
    let h = Math.imul(lo ^ Math.imul(hi, 0x9e3779b1), 0x85ebca6b);
    h ^= h >>> 15;
    let i = h & mask;
    for (;;) {
      const l = this.lo[i];
      if (l === EMPTY || (l === lo && this.hi[i] === hi)) return i;
      i = (i + 1) & mask;
    }
  }

  private grow(): void {
    const oldHi = this.hi;
    const oldLo = this.lo;
    const capacity = Math.max(1024, oldLo.length * 2);
    this.hi = new Uint32Array(capacity);
    this.lo = new Uint32Array(capacity).fill(EMPTY);
    for (let k = 0; k < oldLo.length; k++) {
      if (oldLo[k] === EMPTY) continue;
      const i = this.slot(oldHi[k], oldLo[k]);
      this.hi[i] = oldHi[k];
      this.lo[i] = oldLo[k];
    }
  }
}
