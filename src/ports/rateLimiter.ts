/** The state of one rate-limit bucket after a request was counted against it. */
export interface WindowState {
  limit: number;
  remaining: number;
  /** Epoch ms when the window ends and the bucket is full again. */
  resetAt: number;
  allowed: boolean;
}

/**
 * Attempts at something guessable (a password check), reserved before the costly work is done so that no
 * number of concurrent requests gets more than `limit` of them evaluated in a window. After `free` attempts in
 * a window, each further one must come at least `delayMs * 2^(count - free)` after the previous one.
 */
export interface AttemptPolicy {
  limit: number;
  windowMs: number;
  free: number;
  delayMs: number;
}

export interface AttemptState {
  allowed: boolean;
  /** Attempts counted in the window, this one included when allowed. */
  count: number;
  /** Epoch ms from which another attempt could be admitted (now when it could be at once). */
  retryAt: number;
}

/**
 * Fixed windows that start with the first request after the previous window ended, as X's
 * x-rate-limit-reset shows. `hit` counts one request; a refused request does not consume quota.
 */
export interface RateLimiter {
  hit(key: string, limit: number, windowMs: number, now: number): Promise<WindowState>;
  /** The bucket as it stands, without counting a request. */
  peek(key: string, limit: number, windowMs: number, now: number): Promise<WindowState>;
  /** Reserves one attempt under `policy`, atomically (across instances with Redis); a refused one counts nothing. */
  attempt(key: string, policy: AttemptPolicy, now: number): Promise<AttemptState>;
  /**
   * Gives back one request or attempt counted in the window still running under `key` (never below zero):
   * for work that was reserved and then not done, or an attempt that turned out right.
   */
  refund(key: string, windowMs: number, now: number): Promise<void>;
  close(): Promise<void>;
}

/** The wait before the attempt that follows `count` attempts in a window (0 while within the free ones). */
export function attemptDelay(policy: AttemptPolicy, count: number): number {
  if (count < policy.free) return 0;
  return Math.min(policy.windowMs, policy.delayMs * 2 ** Math.min(count - policy.free, 30));
}
