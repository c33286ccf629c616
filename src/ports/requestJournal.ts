import { inspectRequest, type InspectedRequest, type RequestFacts } from '../domain/sandboxes/inspection.ts';

/**
 * An entry, or the facts of a request it is made from (inspectRequest): made only when it is read or sent, so that a
 * request nobody inspects does not pay for formatting its entry (every API request is recorded).
 */
export type JournalEntry = InspectedRequest | RequestFacts;

/** Whether `entry` is a request's facts rather than an entry made already. */
export const isFacts = (entry: JournalEntry): entry is RequestFacts => 'transactionId' in entry;

/** The entry itself, made if it was handed over as a request's facts. */
export const madeEntry = (entry: JournalEntry): InspectedRequest => (isFacts(entry) ? inspectRequest(entry) : entry);

/** Entries kept per sandbox world unless the adapter is told otherwise: the oldest go first. */
export const DEFAULT_JOURNAL_CAPACITY = 500;

/**
 * The latest requests of one sandbox world, for the request inspector: one journal per world, bounded, newest
 * first. In memory for one process; in Redis, shared by every instance.
 */
export interface RequestJournal {
  /**
   * Adds an entry, dropping the oldest beyond the capacity, without waiting. The entry is handed over: the caller
   * never changes it again. Adapters write behind (this handle's own reads see it at once, other instances' within
   * moments), and one that cannot be written is lost and logged by the adapter, never thrown.
   */
  record(entry: JournalEntry): void;
  /** Writes what this handle has recorded so that every instance reads it (at shutdown, and in tests). */
  flush(): Promise<void>;
  /** Up to `limit` entries (at most the capacity), newest first. */
  latest(limit: number): Promise<InspectedRequest[]>;
  clear(): Promise<void>;
}
