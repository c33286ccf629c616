/** Time source; tests move a manual clock (test/support/clock.ts) instead of sleeping. */
export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };
