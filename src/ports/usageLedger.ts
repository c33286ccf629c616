/**
 * Every billable request of one world (one ledger per sandbox), per App and per UTC day, with the ids of the
 * resources it returned so that each resource is billed once per App per UTC day, as X deduplicates
 * (docs/reference/x-pricing.md). Record only requests X would bill: successful ones.
 */

/** `events`: events delivered (webhook posts, stream lines), billed as the Posts they carry (src/domain/events). */
export const LEDGER_ENDPOINTS = ['liked_tweets', 'liking_users', 'like', 'unlike', 'events'] as const;
export type LedgerEndpoint = (typeof LEDGER_ENDPOINTS)[number];

export const isLedgerEndpoint = (endpoint: string): endpoint is LedgerEndpoint => (LEDGER_ENDPOINTS as readonly string[]).includes(endpoint);

/** The operation each endpoint is: lookups read resources, likes and unlikes are write requests. */
export const ENDPOINT_OPERATION: Readonly<Record<LedgerEndpoint, 'read' | 'write'>> = {
  liked_tweets: 'read',
  liking_users: 'read',
  like: 'write',
  unlike: 'write',
  events: 'read',
};

export interface UsageEntry {
  appId: string;
  /** Epoch ms on the sandbox's clock; its UTC day is the day the request is billed on. */
  at: number;
  endpoint: LedgerEndpoint;
  operation: 'read' | 'write';
  /**
   * Ids of the Posts and users the response returned (empty for writes). Handed over: never changed afterwards (an
   * answer served again from the cache hands over the same object, which an adapter may recognise).
   */
  resources: { posts: IdList; users: IdList };
}

/**
 * Ids in one comma-separated string (X's ids are digits: never a comma), and how many. A cached answer keeps its
 * billed ids for its hits; in one string they take about 20 bytes an id instead of ~48 (a string and an array slot).
 */
export interface IdList {
  readonly text: string;
  readonly count: number;
}

export const NO_IDS: IdList = Object.freeze({ text: '', count: 0 });

export const idList = (ids: readonly string[]): IdList => (ids.length ? { text: ids.join(','), count: ids.length } : NO_IDS);

/** Calls `each` with the bounds of every id in `list.text` (no string made per id). */
export function forEachId(list: IdList, each: (text: string, start: number, end: number) => void): void {
  const { text } = list;
  let start = 0;
  for (let k = 0; k < list.count; k++) {
    let end = text.indexOf(',', start);
    if (end < 0) end = text.length;
    each(text, start, end);
    start = end + 1;
  }
}

export const idsOf = (list: IdList): string[] => (list.count ? list.text.split(',') : []);

/** What one App did on one UTC day. */
export interface UsageDayRow {
  appId: string;
  /** YYYY-MM-DD (UTC). */
  day: string;
  requests: number;
  requestsByEndpoint: Record<LedgerEndpoint, number>;
  /** Requests recorded with operation `write`. */
  writes: number;
  /** Every Post id returned, repeats included. */
  postsRead: number;
  /** Distinct Post ids returned to this App this day: the billable ones. */
  postsUnique: number;
  usersRead: number;
  usersUnique: number;
}

export interface UsageLedger {
  /**
   * Counts an entry, without waiting: adapters write behind (this handle's own report counts it at once, other
   * instances' within moments), and one that cannot be written is lost and logged by the adapter, never thrown.
   */
  record(entry: UsageEntry): void;
  /** Writes what this handle has recorded so that every instance counts it (at shutdown, and in tests). */
  flush(): Promise<void>;
  /**
   * One row per (App, day) with anything recorded, oldest day first, then by App id (numerically for X's digit
   * ids: shorter first, then lexicographically). Days older than the adapter's retention (counted back from the
   * newest day recorded) are gone.
   */
  report(): Promise<UsageDayRow[]>;
  /** Forgets everything recorded. */
  clear(): Promise<void>;
}

let lastDay = { number: Number.NaN, text: '' };

/** The UTC day (YYYY-MM-DD) of an epoch-ms instant (the last one remembered: most calls fall on the same day). */
export function utcDay(at: number): string {
  const number = Math.floor(at / 86_400_000);
  if (number !== lastDay.number) lastDay = { number, text: new Date(at).toISOString().slice(0, 10) };
  return lastDay.text;
}

/** A zero count for each endpoint. */
export function zeroByEndpoint(): Record<LedgerEndpoint, number> {
  return { liked_tweets: 0, liking_users: 0, like: 0, unlike: 0, events: 0 };
}

/** The order of `report()`: day, then App id (shorter first, then lexicographically). */
export function compareUsageRows(a: UsageDayRow, b: UsageDayRow): number {
  if (a.day !== b.day) return a.day < b.day ? -1 : 1;
  if (a.appId.length !== b.appId.length) return a.appId.length - b.appId.length;
  return a.appId < b.appId ? -1 : a.appId > b.appId ? 1 : 0;
}
