// Serialised lookup responses, reused while the data they were built from is unchanged. An entry is
// tagged with the data version read BEFORE the response was computed, so a write that lands while it is
// being computed makes the entry stale rather than wrong.

interface Entry {
  version: string;
  body: Buffer;
  /** Tweets the response returned, which still count against the Tweet cap on every hit. */
  tweetCount: number;
}

export class ResponseCache {
  private readonly entries = new Map<string, Entry>();
  private bytes = 0;
  /** Lookups answered from the cache and lookups that were not (absent or stale), for metrics. */
  hits = 0;
  misses = 0;

  constructor(private readonly maxBytes: number) {}

  get(key: string, version: string): Entry | undefined {
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
    return entry;
  }

  set(key: string, version: string, body: Buffer, tweetCount: number): void {
    const old = this.entries.get(key);
    if (old) this.delete(key, old);
    if (body.length > this.maxBytes / 16) return;
    this.entries.set(key, { version, body, tweetCount });
    this.bytes += body.length + key.length;
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

  private delete(key: string, entry: Entry): void {
    this.entries.delete(key);
    this.bytes -= entry.body.length + key.length;
  }
}
