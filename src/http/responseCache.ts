// Serialised lookup responses, reused while the data they were built from is unchanged. An entry is
// tagged with the data version read BEFORE the response was computed, so a write that lands while it is
// being computed makes the entry stale rather than wrong.

/** A cached answer: its serialised body (what the byte budget counts) and whatever goes with it. */
interface Cached {
  body: Buffer;
}

interface Entry<A extends Cached> {
  version: string;
  answer: A;
}

export class ResponseCache<A extends Cached = Cached> {
  private readonly entries = new Map<string, Entry<A>>();
  private bytes = 0;
  /** Lookups answered from the cache and lookups that were not (absent or stale), for metrics. */
  hits = 0;
  misses = 0;

  constructor(private readonly maxBytes: number) {}

  get(key: string, version: string): A | undefined {
    const entry = this.entries.get(key);
    if (!entry) {
      this.misses++;
      return undefined;
    }
    if (entry.version !== version) {
      this.misses++;
      this.delete(key, entry);
      return undefined;
    }
    this.hits++;
    // Map order is insertion order: re-inserting marks the entry most recently used.
    this.entries.delete(key);
    this.entries.set(key, entry);
    return entry.answer;
  }

  /** Whether `get` would answer now; counts nothing and leaves the entry where it is. */
  has(key: string, version: string): boolean {
    return this.entries.get(key)?.version === version;
  }

  set(key: string, version: string, answer: A): void {
    const old = this.entries.get(key);
    if (old) this.delete(key, old);
    if (answer.body.length > this.maxBytes / 16) return;
    this.entries.set(key, { version, answer });
    this.bytes += answer.body.length + key.length;
    for (const [k, e] of this.entries) {
      if (this.bytes <= this.maxBytes) break;
      this.delete(k, e);
    }
  }

  get size(): number {
    return this.entries.size;
  }

  get bytesUsed(): number {
    return this.bytes;
  }

  private delete(key: string, entry: Entry<A>): void {
    this.entries.delete(key);
    this.bytes -= entry.answer.body.length + key.length;
  }
}
