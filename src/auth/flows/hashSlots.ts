// A small semaphore for password hashes: scrypt takes ~16 MiB and a thread-pool thread for tens of milliseconds,
// so a burst of sign-ins must queue rather than take every thread (and the memory) of the process. A waiter gives
// up after `maxWaitMs`, and when `maxQueue` are already waiting a new one is refused at once: the caller answers
// "busy, try again" (503) rather than letting the queue grow without bound.

export interface HashSlotOptions {
  /** Hashes running at once in this process. */
  max: number;
  /** Callers allowed to wait for a slot. */
  maxQueue: number;
  /** How long a caller waits for a slot before giving up. */
  maxWaitMs: number;
}

/** libuv runs 4 pool threads by default: more hashes at once would only queue there, out of sight. */
export const DEFAULT_HASH_SLOTS: HashSlotOptions = { max: 4, maxQueue: 64, maxWaitMs: 3000 };

export class HashSlots {
  private running = 0;
  private readonly waiting: Array<(granted: boolean) => void> = [];

  constructor(private readonly options: HashSlotOptions = DEFAULT_HASH_SLOTS) {}

  /** Hashes running now (for tests and metrics). */
  get active(): number {
    return this.running;
  }

  /** Runs `work` in a slot; resolves `{ ran: false }` when no slot came in time. */
  async run<T>(work: () => Promise<T>): Promise<{ ran: true; value: T } | { ran: false }> {
    if (!(await this.acquire())) return { ran: false };
    try {
      return { ran: true, value: await work() };
    } finally {
      this.release();
    }
  }

  private acquire(): Promise<boolean> {
    if (this.running < this.options.max) {
      this.running += 1;
      return Promise.resolve(true);
    }
    if (this.waiting.length >= this.options.maxQueue) return Promise.resolve(false);
    return new Promise<boolean>((resolve) => {
      const waiter = (granted: boolean) => {
        clearTimeout(timer);
        resolve(granted);
      };
      const timer = setTimeout(() => {
        const i = this.waiting.indexOf(waiter);
        if (i >= 0) this.waiting.splice(i, 1);
        resolve(false);
      }, this.options.maxWaitMs);
      this.waiting.push(waiter);
    });
  }

  /** Hands the slot straight to the next waiter (so `running` never drops and rises again). */
  private release(): void {
    const next = this.waiting.shift();
    if (next) next(true);
    else this.running -= 1;
  }
}
