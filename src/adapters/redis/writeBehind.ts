// Writes that need not hold up the answer they describe (the inspector's entries, the usage ledger's counts), gathered
// for a moment and sent to Redis together: one command per batch instead of one per request. What a process has
// gathered is flushed before it reads (so it always sees its own writes); other instances see it within `delayMs`.
// A batch that cannot be written is lost, and logged: these are diagnostics and estimates, not the data.
import type { Logger } from '../../ports/logger.ts';

/** How long writes are gathered before they are sent. */
export const WRITE_BEHIND_MS = 20;

export class WriteBehind<T> {
  private pending: T[] = [];
  private timer: NodeJS.Timeout | null = null;
  private inFlight: Promise<void> = Promise.resolve();

  constructor(
    private readonly what: string,
    private readonly write: (batch: T[]) => Promise<void>,
    private readonly log: Logger | undefined,
    private readonly delayMs = WRITE_BEHIND_MS,
  ) {}

  add(item: T): void {
    this.pending.push(item);
    if (!this.timer) {
      // Logged in flush; nobody waits for this one.
      this.timer = setTimeout(() => this.flush().catch(() => {}), this.delayMs);
      this.timer.unref();
    }
  }

  /**
   * Sends what is gathered, after every batch before it. Rejects when this batch could not be written (it is lost,
   * and logged): a reader flushing first then fails as its read would.
   */
  flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const batch = this.pending;
    this.pending = [];
    const previous = this.inFlight.catch(() => {});
    this.inFlight = (async () => {
      await previous;
      if (batch.length === 0) return;
      try {
        await this.write(batch);
      } catch (err) {
        this.log?.warn({ dependency: 'redis', err, lost: batch.length }, `${this.what}: a batch could not be written and is lost`);
        throw err;
      }
    })();
    return this.inFlight;
  }

  /** Forgets what is gathered and not yet sent (the world's record is being cleared). */
  drop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.pending = [];
  }
}
