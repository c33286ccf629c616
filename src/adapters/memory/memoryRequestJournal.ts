import type { InspectedRequest } from '../../domain/sandboxes/inspection.ts';
import { DEFAULT_JOURNAL_CAPACITY, madeEntry, type JournalEntry, type RequestJournal } from '../../ports/requestJournal.ts';

/** The request journal of one process: a ring buffer, so recording never allocates beyond the capacity. */
export class MemoryRequestJournal implements RequestJournal {
  private readonly ring: (JournalEntry | undefined)[];
  /** Where the next entry goes. */
  private next = 0;
  private count = 0;

  constructor(readonly capacity = DEFAULT_JOURNAL_CAPACITY) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new Error(`journal capacity must be a positive integer (got ${capacity})`);
    this.ring = new Array(capacity);
  }

  /** The entry is handed over (the edge gathers one per request and never touches it again): kept as is, made when read. */
  record(entry: JournalEntry): void {
    this.ring[this.next] = entry;
    this.next = (this.next + 1) % this.capacity;
    this.count = Math.min(this.count + 1, this.capacity);
  }

  /** Nothing to write: every reader is in this process. */
  async flush(): Promise<void> {}

  async latest(limit: number): Promise<InspectedRequest[]> {
    const n = Math.min(Math.max(0, Math.floor(limit)), this.count);
    const out: InspectedRequest[] = [];
    for (let i = 1; i <= n; i++) {
      const at = (this.next - i + this.capacity) % this.capacity;
      const entry = (this.ring[at] = madeEntry(this.ring[at]!));
      // Copies, as Redis would give: a reader changing what it got does not rewrite history.
      out.push(structuredClone(entry));
    }
    return out;
  }

  async clear(): Promise<void> {
    this.ring.fill(undefined);
    this.next = 0;
    this.count = 0;
  }
}
