// Work shared by the callers of one turn of the event loop: a read issued once the turn's callers have asked serves
// every one of them, and is still at least as recent as each caller's asking. On a store or a cache across the
// network, concurrent requests then share a round trip instead of paying one each.
import type { Settling } from './settling.ts';

/**
 * `read`, shared by every caller of one event-loop turn. Once it has come back, the turn's later callers get its value
 * itself, with no promise to wait on (src/settling.ts): the same read, only not awaited again.
 */
export function oncePerTurn<T>(read: () => Promise<T>): () => Settling<T> {
  let thisTurn: Promise<T> | null = null;
  let value: { of: T } | null = null;
  return () => {
    if (value) return value.of;
    if (!thisTurn) {
      const pending = (thisTurn = read());
      pending.then(
        (v) => {
          if (thisTurn === pending) value = { of: v };
        },
        () => {},
      );
      setImmediate(() => {
        thisTurn = null;
        value = null;
      });
    }
    return thisTurn;
  };
}

/**
 * `run`, once for all the callers of one turn, started on the next turn (once every caller of this one has had its
 * turn, e.g. committed its write); a caller after it has started waits for the next run.
 */
export function nextTurnOnce<T>(run: () => Promise<T>): () => Promise<T> {
  let pending: Promise<T> | null = null;
  return () =>
    (pending ??= new Promise<void>((resolve) => setImmediate(resolve)).then(() => {
      pending = null;
      return run();
    }));
}

/**
 * Synchronous work (an embedded store's statements) of one turn's callers, run back to back once every caller of the
 * turn has asked, rather than each inside its own caller's request. A loaded server takes a request from each of its
 * connections in a turn; run one after another, the statements find SQLite's code and pages still in the CPU's caches
 * that the rest of a request would have evicted (docs/benchmarks.md, session 18: a quarter to a third less CPU a
 * default-fields page). Each caller gets its own work's value or error; work queued while the queue runs waits for the
 * next turn.
 */
export class TurnQueue {
  private queued: (() => void)[] | null = null;

  /**
   * `around` runs each turn's queued work, given as one function: what it does before and after holds for the whole
   * turn, in which nothing but the queued work runs.
   */
  constructor(private readonly around: (turn: () => void) => void = (turn) => turn()) {}

  run<T>(work: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      let queued = this.queued;
      if (!queued) {
        queued = this.queued = [];
        setImmediate(() => this.flush());
      }
      queued.push(() => {
        try {
          resolve(work());
        } catch (error) {
          reject(error);
        }
      });
    });
  }

  private flush(): void {
    const queued = this.queued!;
    this.queued = null;
    this.around(() => {
      for (const work of queued) work();
    });
  }
}

/** Lookups by key of one turn, answered by one read of all their keys (the DataLoader pattern). */
export class TurnBatcher<K, V> {
  private pending: Map<K, { resolve: (v: V | null) => void; reject: (e: unknown) => void }[]> | null = null;

  /** `load` reads every key given (distinct) and returns what it found; a key it leaves out is answered null. */
  constructor(
    private readonly load: (keys: K[]) => Promise<Map<K, V>>,
    private readonly maxKeys = 500,
  ) {}

  get(key: K): Promise<V | null> {
    return new Promise((resolve, reject) => {
      let pending = this.pending;
      if (!pending) {
        pending = this.pending = new Map();
        setImmediate(() => this.flush());
      }
      const waiting = pending.get(key);
      if (waiting) waiting.push({ resolve, reject });
      else pending.set(key, [{ resolve, reject }]);
    });
  }

  private flush(): void {
    const pending = this.pending!;
    this.pending = null;
    const keys = [...pending.keys()];
    for (let i = 0; i < keys.length; i += this.maxKeys) {
      const part = keys.slice(i, i + this.maxKeys);
      this.load(part).then(
        (found) => {
          for (const k of part) for (const w of pending.get(k)!) w.resolve(found.get(k) ?? null);
        },
        (error: unknown) => {
          for (const k of part) for (const w of pending.get(k)!) w.reject(error);
        },
      );
    }
  }
}
