/** The state of one rate-limit bucket after a request was counted against it. */
export interface WindowState {
  limit: number;
  remaining: number;
  /** Epoch ms when the window ends and the bucket is full again. */
  resetAt: number;
  allowed: boolean;
}

/**
 * Fixed windows that start with the first request after the previous window ended, as X's
 * x-rate-limit-reset shows. `hit` counts one request; a refused request does not consume quota.
 */
export interface RateLimiter {
  hit(key: string, limit: number, windowMs: number, now: number): Promise<WindowState>;
  /** The bucket as it stands, without counting a request. */
  peek(key: string, limit: number, windowMs: number, now: number): Promise<WindowState>;
  close(): Promise<void>;
}
