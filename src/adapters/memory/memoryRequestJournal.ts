import type { InspectedRequest } from '../../domain/sandboxes/inspection.ts';
import type { Principal } from '../../domain/principal.ts';
import { DEFAULT_JOURNAL_CAPACITY, isFacts, madeEntry, type JournalEntry, type RequestJournal } from '../../ports/requestJournal.ts';

/**
 * `text`, or the equal string the journal holds already: a client sends the same credentials, and often the same
 * request, again and again, and what the journal keeps outlives the young generation; a repeat kept as the string
 * already held leaves the new one to die young (a response-cache hit then promotes nothing of its own).
 */
const sameOrHeld = <T extends string | undefined>(text: T, held: T): T => (text === held ? held : text);

/**
 * The request journal of one process: a ring buffer, so recording never allocates beyond the capacity. A request's
 * facts are kept field by field in columns rather than as an object of their own: an object per request, kept for
 * the next 500 requests, outlives the young generation, and promoting and marking one per request was about a sixth
 * of a response-cache hit's instructions (docs/benchmarks.md, session 21). Entries are made from the columns when read.
 */
export class MemoryRequestJournal implements RequestJournal {
  /** An entry recorded (or read) made; undefined where the slot holds facts not made yet. */
  private readonly made: (InspectedRequest | undefined)[];
  private readonly time: Float64Array;
  private readonly durationMs: Float64Array;
  private readonly status: Uint16Array;
  private readonly method: string[];
  private readonly rawPath: string[];
  private readonly rawQuery: string[];
  private readonly transactionId: string[];
  private readonly authorization: (string | undefined)[];
  private readonly principal: (Principal | null)[];
  private readonly error: unknown[];
  private readonly fault: (string | null | undefined)[];
  /** Where the next entry goes. */
  private next = 0;
  private count = 0;

  constructor(readonly capacity = DEFAULT_JOURNAL_CAPACITY) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new Error(`journal capacity must be a positive integer (got ${capacity})`);
    const column = <T>(empty: T): T[] => new Array<T>(capacity).fill(empty);
    this.made = column<InspectedRequest | undefined>(undefined);
    this.time = new Float64Array(capacity);
    this.durationMs = new Float64Array(capacity);
    this.status = new Uint16Array(capacity);
    this.method = column('');
    this.rawPath = column('');
    this.rawQuery = column('');
    this.transactionId = column('');
    this.authorization = column<string | undefined>(undefined);
    this.principal = column<Principal | null>(null);
    this.error = column<unknown>(undefined);
    this.fault = column<string | null | undefined>(undefined);
  }

  /** The entry is handed over (the edge gathers one per request and never touches it again): made when read. */
  record(entry: JournalEntry): void {
    const i = this.next;
    if (isFacts(entry)) {
      this.made[i] = undefined;
      this.time[i] = entry.time;
      this.durationMs[i] = entry.durationMs;
      this.status[i] = entry.status;
      const before = (i + this.capacity - 1) % this.capacity;
      this.method[i] = entry.method;
      this.rawPath[i] = sameOrHeld(entry.rawPath, this.rawPath[before]);
      this.rawQuery[i] = sameOrHeld(entry.rawQuery, this.rawQuery[before]);
      this.transactionId[i] = entry.transactionId;
      this.authorization[i] = sameOrHeld(entry.authorization, this.authorization[before]);
      this.principal[i] = entry.principal;
      this.error[i] = entry.error;
      this.fault[i] = entry.fault;
    } else {
      // The slot's earlier facts stay until facts overwrite them: `made` takes precedence.
      this.made[i] = entry;
    }
    this.next = (i + 1) % this.capacity;
    this.count = Math.min(this.count + 1, this.capacity);
  }

  /** Nothing to write: every reader is in this process. */
  async flush(): Promise<void> {}

  async latest(limit: number): Promise<InspectedRequest[]> {
    const n = Math.min(Math.max(0, Math.floor(limit)), this.count);
    const out: InspectedRequest[] = [];
    for (let k = 1; k <= n; k++) {
      const at = (this.next - k + this.capacity) % this.capacity;
      const entry = (this.made[at] ??= madeEntry(this.factsAt(at)));
      // Copies, as Redis would give: a reader changing what it got does not rewrite history.
      out.push(structuredClone(entry));
    }
    return out;
  }

  async clear(): Promise<void> {
    // Nothing of the cleared requests is kept: their paths, queries, Authorization headers and principals go too.
    this.made.fill(undefined);
    for (const column of [this.method, this.rawPath, this.rawQuery, this.transactionId]) column.fill('');
    this.authorization.fill(undefined);
    this.principal.fill(null);
    this.error.fill(undefined);
    this.fault.fill(undefined);
    this.next = 0;
    this.count = 0;
  }

  private factsAt(i: number): JournalEntry {
    return {
      time: this.time[i],
      method: this.method[i],
      rawPath: this.rawPath[i],
      rawQuery: this.rawQuery[i],
      status: this.status[i],
      durationMs: this.durationMs[i],
      transactionId: this.transactionId[i],
      authorization: this.authorization[i],
      principal: this.principal[i],
      error: this.error[i],
      fault: this.fault[i],
    };
  }
}
