// Wakes a world's event readers (webhook dispatcher, open streams) as soon as a like of this process committed, so
// local events go out at once; other instances' likes pulse it through the world's wake-ups (src/ports/wakeups.ts),
// and polling the outbox alone is enough (a wake-up is a shortcut, never the guarantee).
export class EventSignal {
  private waiters = new Set<() => void>();
  /** How many pulses so far: a reader notes it before reading, so a pulse during its read is not missed. */
  generation = 0;

  /** Something was written to the outbox. */
  pulse(): void {
    this.generation++;
    const waiters = this.waiters;
    this.waiters = new Set();
    for (const wake of waiters) wake();
  }

  /**
   * Resolves at the next pulse, after `ms`, or when `abort` fires, whichever comes first; at once when a pulse came
   * after generation `since`.
   */
  wait(ms: number, abort?: AbortSignal, since = this.generation): Promise<void> {
    return new Promise((resolve) => {
      if (abort?.aborted || since !== this.generation) return resolve();
      const wake = () => {
        clearTimeout(timer);
        abort?.removeEventListener('abort', wake);
        this.waiters.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      timer.unref?.();
      abort?.addEventListener('abort', wake, { once: true });
      this.waiters.add(wake);
    });
  }
}
