/**
 * Word between the instances that share a world that its outbox has new events: a like committed through one
 * instance then wakes the others' webhook dispatcher and streams at once instead of at their next poll. A hint
 * only: a lost word costs latency, never an event (the outbox is polled all the same).
 */
export interface Wakeups {
  /** This process committed events (coalesced; never throws, never waits). */
  announce(): void;
  /** Calls `wake` when another process announces; returns the way to stop listening. */
  listen(wake: () => void): () => void;
}
