// Group commit for likes and unlikes, shared by the stores: the writes requested while the store is busy (or within
// one turn of the event loop) are committed together, and each caller is answered only once the commit that holds its
// write has ended. One commit then pays for many likes: one WAL sync on SQLite, one statement, one round trip and
// one lock per Tweet and user row on PostgreSQL.

export interface LikeWrite {
  kind: 'like' | 'unlike';
  userId: string;
  tweetId: string;
  /** When the like (or unlike) happened: the like's time, and the outbox event's. */
  at: number;
}

/** What became of one write of a batch: whether it changed anything, or why it failed (alone). */
export type LikeWriteOutcome = { ok: boolean } | { error: unknown };

export interface LikeWriteQueueOptions {
  /** Batches being committed at once (on PostgreSQL, each on its own pooled connection). */
  maxInFlight: number;
  /** Writes per batch at most. */
  maxBatch: number;
  /**
   * A batch never holds the same (user, Tweet) twice, and never starts while a batch holding one of its pairs is
   * being committed: for a store that applies a batch as one set (PostgreSQL's one statement) and several batches at
   * once, a like and an unlike of one pair stay in the order asked.
   */
  distinctPairs: boolean;
}

interface Pending extends LikeWrite {
  resolve: (changed: boolean) => void;
  reject: (error: unknown) => void;
}

interface Batch {
  writes: Pending[];
  pairs: Set<string> | null;
}

export class LikeWriteQueue {
  private readonly waiting: Batch[] = [];
  private inFlight = 0;
  /** With distinctPairs: the pairs of the batches being committed (at most one holds each). */
  private readonly committing = new Set<string>();
  private scheduled = false;

  /** `commit` applies one batch atomically, its writes in order; it returns one outcome per write, or throws to fail them all. */
  constructor(
    private readonly commit: (batch: readonly LikeWrite[]) => LikeWriteOutcome[] | Promise<LikeWriteOutcome[]>,
    private readonly options: LikeWriteQueueOptions,
  ) {}

  write(w: LikeWrite): Promise<boolean> {
    return new Promise((resolve, reject) => {
      const pair = this.options.distinctPairs ? `${w.userId}\u0000${w.tweetId}` : null;
      let batch = this.waiting.at(-1);
      if (!batch || batch.writes.length >= this.options.maxBatch || (pair !== null && batch.pairs!.has(pair))) {
        batch = { writes: [], pairs: pair === null ? null : new Set() };
        this.waiting.push(batch);
      }
      batch.writes.push({ ...w, resolve, reject });
      if (pair !== null) batch.pairs!.add(pair);
      this.schedule();
    });
  }

  /** The next batch starts on the next turn, so the writes requested in this one join it. */
  private schedule(): void {
    if (this.scheduled || !this.canStart()) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      while (this.canStart()) void this.run(this.waiting.shift()!);
    });
  }

  /** The oldest waiting batch may start: a connection is free, and none of its pairs is being committed. */
  private canStart(): boolean {
    const next = this.waiting[0];
    if (!next || this.inFlight >= this.options.maxInFlight) return false;
    if (next.pairs) for (const pair of next.pairs) if (this.committing.has(pair)) return false;
    return true;
  }

  private async run({ writes, pairs }: Batch): Promise<void> {
    this.inFlight++;
    if (pairs) for (const pair of pairs) this.committing.add(pair);
    try {
      const outcomes = await this.commit(writes);
      writes.forEach((w, i) => {
        const r = outcomes[i];
        if ('ok' in r) w.resolve(r.ok);
        else w.reject(r.error);
      });
    } catch (error) {
      for (const w of writes) w.reject(error);
    } finally {
      this.inFlight--;
      if (pairs) for (const pair of pairs) this.committing.delete(pair);
      this.schedule();
    }
  }
}
