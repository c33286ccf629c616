// Values that are ready at once when they are in memory and come as a promise when they must be read: a lookup
// remembered, or a read shared by a turn's requests once it has come back. Awaiting such a value when it is ready
// still costs a promise and a microtask hop per step; on the API's pipeline those hops were a tenth of a response-cache
// hit (docs/benchmarks.md, session 21).

/** A value, or the promise of one. */
export type Settling<T> = T | Promise<T>;

/** `next` applied to `value`: at once when the value is ready, else when its promise resolves. */
export function thenSettle<T, U>(value: Settling<T>, next: (ready: T) => Settling<U>): Settling<U> {
  return value instanceof Promise ? value.then(next) : next(value);
}
