import type { NonceStore } from '../../ports/nonceStore.ts';

const PRUNE_INTERVAL_MS = 60_000;
const MIN_PRUNE_SIZE = 1024;

/** Nonces seen by this process, each kept until `now + ttlMs`. Time comes only from `now`. */
export class MemoryNonceStore implements NonceStore {
  /** nonce key -> epoch ms when it may be used again */
  private readonly seen = new Map<string, number>();
  private nextPruneAt = Number.NEGATIVE_INFINITY;
  private pruneAtSize = MIN_PRUNE_SIZE;

  /** Nonces held (live or not yet swept); exposed so tests can check memory stays bounded. */
  get size(): number {
    return this.seen.size;
  }

  async remember(key: string, ttlMs: number, now: number): Promise<boolean> {
    this.maybePrune(now);
    const expiresAt = this.seen.get(key);
    if (expiresAt !== undefined && now < expiresAt) return false;
    if (ttlMs > 0) this.seen.set(key, now + ttlMs);
    else this.seen.delete(key);
    return true;
  }

  async close(): Promise<void> {
    this.seen.clear();
  }

  private maybePrune(now: number): void {
    if (now < this.nextPruneAt && this.seen.size < this.pruneAtSize) return;
    for (const [key, expiresAt] of this.seen) {
      if (now >= expiresAt) this.seen.delete(key);
    }
    this.nextPruneAt = now + PRUNE_INTERVAL_MS;
    this.pruneAtSize = Math.max(MIN_PRUNE_SIZE, this.seen.size * 2);
  }
}
