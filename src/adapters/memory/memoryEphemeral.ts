import type { EphemeralStore } from '../../ports/ephemeral.ts';

const PRUNE_INTERVAL_MS = 60_000;
const MIN_PRUNE_SIZE = 1024;

/** Ephemeral values of a single process. Time comes only from `now`; expired entries are swept as they are met. */
export class MemoryEphemeral implements EphemeralStore {
  private readonly entries = new Map<string, { value: string; expiresAt: number }>();
  private nextPruneAt = Number.NEGATIVE_INFINITY;
  private pruneAtSize = MIN_PRUNE_SIZE;

  /** Entries held (live or not yet swept); exposed so tests can check memory stays bounded. */
  get size(): number {
    return this.entries.size;
  }

  async put(key: string, value: string, ttlMs: number, now: number): Promise<void> {
    this.maybePrune(now);
    if (ttlMs > 0) this.entries.set(key, { value, expiresAt: now + ttlMs });
    else this.entries.delete(key);
  }

  /** Synchronous, so that `take` reads and removes with no await in between. */
  private live(key: string, now: number): string | null {
    const entry = this.entries.get(key);
    if (!entry) return null;
    if (now >= entry.expiresAt) {
      this.entries.delete(key);
      return null;
    }
    return entry.value;
  }

  async get(key: string, now: number): Promise<string | null> {
    return this.live(key, now);
  }

  async take(key: string, now: number): Promise<string | null> {
    const value = this.live(key, now);
    this.entries.delete(key);
    return value;
  }

  async delete(key: string): Promise<void> {
    this.entries.delete(key);
  }

  async close(): Promise<void> {
    this.entries.clear();
  }

  private maybePrune(now: number): void {
    if (now < this.nextPruneAt && this.entries.size < this.pruneAtSize) return;
    for (const [key, entry] of this.entries) if (now >= entry.expiresAt) this.entries.delete(key);
    this.nextPruneAt = now + PRUNE_INTERVAL_MS;
    this.pruneAtSize = Math.max(MIN_PRUNE_SIZE, this.entries.size * 2);
  }
}
