// The protected and suspended flags of liked Tweets' authors, remembered by the SQLite store between pages.
// A liked_tweets page needs each Tweet's author's flags (visibility), and joining the authors cost a third of a
// default-fields page's statement: one more index seek a row (docs/benchmarks.md, session 25). Authors repeat across
// pages and their flags rarely change, so the store looks them up here instead, reading the ones it does not hold
// in one statement.
//
// Exact: what is remembered is forgotten when it may have changed. Other connections' commits (other processes: the
// CLI, a seed) move SQLite's data_version, read before every use (once a turn: `oneTurn`); this connection's own
// writes to users do not, so the store calls `forget` after each of them (insertUsers, setUserFlags,
// replaceContentsFrom).
import { IdBytes } from '../compactIds.ts';

/** An account's flags as one number: protected + 2 * suspended (as PostgreSQL's OWNER_FLAGS and AUTHOR_FLAGS are). */
export type FlagsByte = number;
/** What is remembered of an id no account has (handed out as null). */
const NO_ACCOUNT: FlagsByte = 4;
const handedOut = (f: FlagsByte): FlagsByte | null => (f === NO_ACCOUNT ? null : f);

/** A row's mark while its account is being read (no flags byte is this). */
const UNREAD = 255;

/**
 * Accounts remembered at most; past this, everything is forgotten. The table then has 2^18 slots (IdBytes fills
 * them to 80 %), 9 bytes each: 2.3 MiB; the 100,000 accounts of the 10M benchmark take 1.2 MiB.
 */
export const MAX_REMEMBERED_ACCOUNTS = 200_000;

export interface AccountFlagsSource {
  /** SQLite's data_version on this connection: moves when another connection commits. */
  version(): unknown;
  /** The flags of those of `ids` that are accounts, as [id, flags] pairs (distinct ids, none empty). */
  read(ids: readonly string[]): Iterable<readonly [string, FlagsByte]>;
}

export class RememberedAccountFlags {
  private readonly flags = new IdBytes();
  private version: unknown = undefined;
  /** Inside `oneTurn`: whether the version has been read in it. */
  private turn: { versionRead: boolean } | null = null;

  constructor(private readonly source: AccountFlagsSource) {}

  /**
   * Runs `reads`, the reads of one turn back to back (TurnQueue), reading the version once for all of them (a
   * statement, 1-2 µs): each of the turn's requests had arrived before the turn began, so a commit that came before
   * one of them was sent is seen, and nothing of this process runs in between to write.
   */
  oneTurn(reads: () => void): void {
    this.turn = { versionRead: false };
    try {
      reads();
    } finally {
      this.turn = null;
    }
  }

  /** Forgets every account: this connection wrote users. */
  forget(): void {
    this.flags.clear();
  }

  /**
   * The flags of the account whose id is at `at` in each row of `fields` (field rows of `width` values), one per
   * row, then those of `also`: null for an empty id (a row without a Tweet has no author) and for an id no account
   * has.
   */
  ofRows(fields: readonly string[], width: number, at: number, also: string): (FlagsByte | null)[] {
    return this.resolve(fields.length / width, (k) => fields[k * width + at], also);
  }

  /** As `ofRows`, for rows as arrays of values (JSON rows), the id at `at` in each (null: no Tweet, so no author). */
  ofValues(rows: readonly (readonly unknown[])[], at: number, also: string): (FlagsByte | null)[] {
    return this.resolve(rows.length, (k) => rows[k][at] as string | null, also);
  }

  private resolve(count: number, idOf: (row: number) => string | null, also: string): (FlagsByte | null)[] {
    if (!this.turn?.versionRead) {
      const version = this.source.version();
      if (version !== this.version) {
        this.flags.clear();
        this.version = version;
      }
      if (this.turn) this.turn.versionRead = true;
    }
    // An array, not a Uint8Array: a typed array past 64 bytes keeps its store outside V8's heap, one a page.
    const flags: (FlagsByte | null)[] = new Array(count + 1);
    // The ids not remembered, NO_ACCOUNT until read; their places marked UNREAD meanwhile.
    let missing: Map<string, FlagsByte> | null = null;
    const look = (id: string | null, k: number) => {
      const f = id === null || id === '' ? NO_ACCOUNT : this.flags.get(id);
      if (f >= 0) flags[k] = handedOut(f);
      else {
        flags[k] = UNREAD;
        (missing ??= new Map()).set(id!, NO_ACCOUNT);
      }
    };
    for (let k = 0; k < count; k++) look(idOf(k), k);
    look(also, count);
    if (missing === null) return flags;
    const read: Map<string, FlagsByte> = missing;
    for (const [id, f] of this.source.read([...read.keys()])) read.set(id, f);
    if (this.flags.size + read.size > MAX_REMEMBERED_ACCOUNTS) this.flags.clear();
    for (const [id, f] of read) this.flags.set(id, f);
    for (let k = 0; k <= count; k++) {
      if (flags[k] === UNREAD) flags[k] = handedOut(read.get(k < count ? idOf(k)! : also)!);
    }
    return flags;
  }
}
