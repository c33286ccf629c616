/**
 * Short-lived values every instance must see: OAuth 2.0 authorization codes and refresh tokens, OAuth 1.0a
 * request tokens, and the sign-in/consent steps of the authorization pages. Time comes from the caller's `now`
 * (the Clock port), so tests move time instead of sleeping; an entry is gone once `now` reaches its expiry.
 */
export interface EphemeralStore {
  /** Stores `value` under `key` until `now + ttlMs`, replacing whatever was there. */
  put(key: string, value: string, ttlMs: number, now: number): Promise<void>;
  /** The live value, or null when absent or expired. */
  get(key: string, now: number): Promise<string | null>;
  /**
   * Reads and removes the value in one atomic step: of several concurrent takers (on any instance) exactly one
   * gets the value, the others null. This is what makes codes and tokens single-use.
   */
  take(key: string, now: number): Promise<string | null>;
  delete(key: string): Promise<void>;
  close(): Promise<void>;
}
