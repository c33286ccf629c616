import { attemptDelay, type AttemptPolicy, type AttemptState, type RateLimiter, type WindowState } from '../../ports/rateLimiter.ts';

interface Bucket {
  /** Epoch ms when the window ends (window start + windowMs). */
  resetAt: number;
  /** Requests counted in the window. */
  count: number;
  /** Epoch ms of the last admitted attempt (attempt buckets only). */
  last?: number;
}

/** Sweep expired buckets at most this often (caller time) unless the map grows first. */
const PRUNE_INTERVAL_MS = 60_000;
const MIN_PRUNE_SIZE = 1024;

/**
 * Fixed-window buckets for one process. A window starts with the first request after the previous
 * one ended; a refused request changes nothing. Time comes only from the `now` argument.
 */
export class MemoryRateLimiter implements RateLimiter {
  private readonly buckets = new Map<string, Bucket>();
  private nextPruneAt = Number.NEGATIVE_INFINITY;
  private pruneAtSize = MIN_PRUNE_SIZE;

  /** Buckets held (live or not yet swept); exposed so tests can check memory stays bounded. */
  get size(): number {
    return this.buckets.size;
  }

  async hit(key: string, limit: number, windowMs: number, now: number): Promise<WindowState> {
    this.maybePrune(now);
    let bucket = this.live(key, now);
    if (!bucket) {
      if (limit <= 0) return { limit, remaining: 0, resetAt: now + windowMs, allowed: false };
      bucket = { resetAt: now + windowMs, count: 0 };
      this.buckets.set(key, bucket);
    }
    if (bucket.count >= limit) {
      return { limit, remaining: 0, resetAt: bucket.resetAt, allowed: false };
    }
    bucket.count += 1;
    return { limit, remaining: Math.max(0, limit - bucket.count), resetAt: bucket.resetAt, allowed: true };
  }

  async peek(key: string, limit: number, windowMs: number, now: number): Promise<WindowState> {
    const bucket = this.live(key, now);
    if (!bucket) return { limit, remaining: Math.max(0, limit), resetAt: now + windowMs, allowed: limit > 0 };
    const remaining = Math.max(0, limit - bucket.count);
    return { limit, remaining, resetAt: bucket.resetAt, allowed: remaining > 0 };
  }

  /** Synchronous from lookup to count, so concurrent callers cannot both take the last attempt. */
  async attempt(key: string, policy: AttemptPolicy, now: number): Promise<AttemptState> {
    this.maybePrune(now);
    let bucket = this.live(key, now);
    if (bucket) {
      if (bucket.count >= policy.limit) return { allowed: false, count: bucket.count, retryAt: bucket.resetAt };
      const ready = Math.min(bucket.resetAt, (bucket.last ?? 0) + attemptDelay(policy, bucket.count));
      if (now < ready) return { allowed: false, count: bucket.count, retryAt: ready };
    } else {
      if (policy.limit <= 0) return { allowed: false, count: 0, retryAt: now + policy.windowMs };
      bucket = { resetAt: now + policy.windowMs, count: 0 };
      this.buckets.set(key, bucket);
    }
    bucket.count += 1;
    bucket.last = now;
    const retryAt = bucket.count >= policy.limit ? bucket.resetAt : Math.min(bucket.resetAt, now + attemptDelay(policy, bucket.count));
    return { allowed: true, count: bucket.count, retryAt };
  }

  async refund(key: string, _windowMs: number, now: number): Promise<void> {
    const bucket = this.live(key, now);
    if (bucket && bucket.count > 0) bucket.count -= 1;
  }

  async close(): Promise<void> {
    this.buckets.clear();
  }

  /** The bucket of the current window, or undefined when none is running (an ended one is dropped). */
  private live(key: string, now: number): Bucket | undefined {
    const bucket = this.buckets.get(key);
    if (bucket && now >= bucket.resetAt) {
      this.buckets.delete(key);
      return undefined;
    }
    return bucket;
  }

  /** Drops ended windows now and then: when enough caller time passed or the map doubled. */
  private maybePrune(now: number): void {
    if (now < this.nextPruneAt && this.buckets.size < this.pruneAtSize) return;
    for (const [key, bucket] of this.buckets) {
      if (now >= bucket.resetAt) this.buckets.delete(key);
    }
    this.nextPruneAt = now + PRUNE_INTERVAL_MS;
    this.pruneAtSize = Math.max(MIN_PRUNE_SIZE, this.buckets.size * 2);
  }
}
