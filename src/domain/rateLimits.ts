// X's rate-limit table per plan, and the accounting of one request against it.
import type { EndpointId } from './access.ts';
import { EVENT_ENDPOINT_IDS, EVENT_ENDPOINT_LIMITS, EVENT_WINDOW_MS, type EventEndpointId } from './events/eventEndpoints.ts';
import type { RateLimitTier } from './model.ts';
import type { RateLimiter, WindowState } from '../ports/rateLimiter.ts';
import { tooManyRequests, type ApiProblem } from './problems.ts';

const MIN15 = 15 * 60 * 1000;
const DAY = 24 * 60 * 60 * 1000;

export interface LimitWindow {
  /** user: counted per (App, user) for user-context requests; app: per App for app-only requests. */
  scope: 'user' | 'app';
  limit: number;
  windowMs: number;
  /** Windows with the same bucket are shared between endpoints (POST and DELETE likes share 24 hours). */
  bucket: string;
}

const w = (scope: 'user' | 'app', limit: number, windowMs: number, bucket: string): LimitWindow => ({ scope, limit, windowMs, bucket });

/** The events endpoints: one window per scope, the same on every tier (eventEndpoints.ts). */
const eventWindows = Object.fromEntries(
  EVENT_ENDPOINT_IDS.map((id) => [id, [w('user', EVENT_ENDPOINT_LIMITS[id], EVENT_WINDOW_MS, id), w('app', EVENT_ENDPOINT_LIMITS[id], EVENT_WINDOW_MS, id)]]),
) as Record<EventEndpointId, LimitWindow[]>;

const classic: Record<EndpointId, LimitWindow[]> = {
  liked_tweets: [w('user', 75, MIN15, 'liked_tweets'), w('app', 75, MIN15, 'liked_tweets')],
  liking_users: [w('user', 75, MIN15, 'liking_users'), w('app', 75, MIN15, 'liking_users')],
  like: [w('user', 50, MIN15, 'like'), w('user', 1000, DAY, 'likes-24h')],
  unlike: [w('user', 50, MIN15, 'unlike'), w('user', 1000, DAY, 'likes-24h')],
  usage_tweets: [w('app', 50, MIN15, 'usage_tweets')],
  ...eventWindows,
};

/** The documented table (classic, and Pro/Basic/Free from Dec 2024 to Dec 2025); pay-per-use as observed in 2026. */
export const RATE_LIMIT_TIERS: Readonly<Record<RateLimitTier, Record<EndpointId, LimitWindow[]>>> = {
  classic,
  pro: {
    ...classic,
    like: [w('user', 1000, DAY, 'like')],
    unlike: [w('user', 50, MIN15, 'unlike')],
  },
  basic: {
    liked_tweets: [w('user', 5, MIN15, 'liked_tweets'), w('app', 5, MIN15, 'liked_tweets')],
    liking_users: [w('user', 5, MIN15, 'liking_users'), w('app', 25, MIN15, 'liking_users')],
    like: [w('user', 200, DAY, 'like')],
    unlike: [w('user', 100, DAY, 'unlike')],
    usage_tweets: classic.usage_tweets,
    ...eventWindows,
  },
  free: {
    liked_tweets: [w('user', 1, MIN15, 'liked_tweets'), w('app', 1, MIN15, 'liked_tweets')],
    liking_users: [w('user', 1, MIN15, 'liking_users'), w('app', 1, MIN15, 'liking_users')],
    like: [w('user', 1, MIN15, 'like')],
    unlike: [w('user', 1, MIN15, 'unlike')],
    usage_tweets: classic.usage_tweets,
    ...eventWindows,
  },
  'pay-per-use': {
    ...classic,
    liked_tweets: [w('user', 40000, MIN15, 'liked_tweets'), w('app', 40000, MIN15, 'liked_tweets')],
    liking_users: [w('user', 40000, MIN15, 'liking_users'), w('app', 40000, MIN15, 'liking_users')],
  },
};

export interface RateLimitOutcome {
  headers: Record<string, string>;
  /** Set when a window is exhausted: X's 429, to be sent with `headers`. */
  refusal: ApiProblem | null;
  /** The first window found exhausted and when it is full again (epoch ms), or null: what a refusal is about. */
  exhausted: { window: LimitWindow; resetAt: number } | null;
}

/** The limiter key of one window: per App for app-only requests, per (App, user) for user context. */
export function rateLimitKey(win: LimitWindow, appId: string, userId: string | null): string {
  return `${win.bucket}:${win.windowMs}:${appId}${userId === null ? '' : `:${userId}`}`;
}

const seconds = (ms: number): string => String(Math.ceil(ms / 1000));

/** The headers one window's state shows: `x-rate-limit-*` for the endpoint's first window, and the 24-hour ones. */
export function windowHeaders(win: LimitWindow, state: Pick<WindowState, 'limit' | 'remaining' | 'resetAt'>, first: boolean): Record<string, string> {
  const headers: Record<string, string> = {};
  if (first) {
    headers['x-rate-limit-limit'] = String(state.limit);
    headers['x-rate-limit-remaining'] = String(state.remaining);
    headers['x-rate-limit-reset'] = seconds(state.resetAt);
  }
  if (win.windowMs === DAY) {
    const prefix = win.scope === 'user' ? 'x-user-limit-24hour' : 'x-app-limit-24hour';
    headers[`${prefix}-limit`] = String(state.limit);
    headers[`${prefix}-remaining`] = String(state.remaining);
    headers[`${prefix}-reset`] = seconds(state.resetAt);
  }
  return headers;
}

/** The windows a request is counted against: the App's for app-only requests (`userId` null), else the user's. */
export function windowsFor(tier: RateLimitTier, endpoint: EndpointId, userId: string | null): readonly LimitWindow[] {
  return WINDOWS_BY_SCOPE[tier][endpoint][userId === null ? 'app' : 'user'];
}

// The table above by scope, made once: every API request looks its windows up.
type ByScope = Record<'app' | 'user', readonly LimitWindow[]>;
const WINDOWS_BY_SCOPE = {} as Record<RateLimitTier, Record<EndpointId, ByScope>>;
for (const tier of Object.keys(RATE_LIMIT_TIERS) as RateLimitTier[]) {
  const byEndpoint = (WINDOWS_BY_SCOPE[tier] = {} as Record<EndpointId, ByScope>);
  for (const endpoint of Object.keys(RATE_LIMIT_TIERS[tier]) as EndpointId[]) {
    const list = RATE_LIMIT_TIERS[tier][endpoint];
    byEndpoint[endpoint] = { app: list.filter((x) => x.scope === 'app'), user: list.filter((x) => x.scope === 'user') };
  }
}

/** With limits off: nothing counted, the headers show each window full (synchronous: nothing to wait for). */
export function unlimitedOutcome(tier: RateLimitTier, endpoint: EndpointId, userId: string | null, now: number): RateLimitOutcome {
  const windows = windowsFor(tier, endpoint, userId);
  const headers: Record<string, string> = {};
  for (let i = 0; i < windows.length; i++) {
    const win = windows[i];
    Object.assign(headers, windowHeaders(win, { limit: win.limit, remaining: win.limit, resetAt: now + win.windowMs }, i === 0));
  }
  return { headers, refusal: null, exhausted: null };
}

/**
 * Counts one request. `x-rate-limit-*` describe the endpoint's first window; 24-hour windows add
 * `x-user-limit-24hour-*` / `x-app-limit-24hour-*`. With limits off nothing is counted (unlimitedOutcome).
 */
export async function applyRateLimits(
  limiter: RateLimiter,
  enabled: boolean,
  tier: RateLimitTier,
  endpoint: EndpointId,
  appId: string,
  userId: string | null,
  now: number,
): Promise<RateLimitOutcome> {
  if (!enabled) return unlimitedOutcome(tier, endpoint, userId, now);
  const windows = windowsFor(tier, endpoint, userId);
  const headers: Record<string, string> = {};
  let refusal: ApiProblem | null = null;
  let exhausted: RateLimitOutcome['exhausted'] = null;
  for (let i = 0; i < windows.length; i++) {
    const win = windows[i];
    const key = rateLimitKey(win, appId, userId);
    const state: WindowState = refusal ? await limiter.peek(key, win.limit, win.windowMs, now) : await limiter.hit(key, win.limit, win.windowMs, now);
    Object.assign(headers, windowHeaders(win, state, i === 0));
    if (!state.allowed) {
      refusal = tooManyRequests();
      exhausted ??= { window: win, resetAt: state.resetAt };
    }
  }
  return { headers, refusal, exhausted };
}

export interface BucketState {
  /** The endpoints sharing the bucket. */
  endpoints: EndpointId[];
  bucket: string;
  windowSeconds: number;
  limit: number;
  remaining: number;
  resetAt: string;
}

/** The App's app-only rate-limit buckets as they stand, without counting a request. */
export async function appOnlyRateLimits(limiter: RateLimiter, tier: RateLimitTier, appId: string, now: number): Promise<BucketState[]> {
  const windows = new Map<string, { endpoints: EndpointId[]; bucket: string; limit: number; windowMs: number }>();
  for (const [endpoint, list] of Object.entries(RATE_LIMIT_TIERS[tier]) as [EndpointId, (typeof RATE_LIMIT_TIERS)[RateLimitTier][EndpointId]][]) {
    for (const w of list) {
      if (w.scope !== 'app') continue;
      const key = rateLimitKey(w, appId, null);
      const seen = windows.get(key);
      if (seen) seen.endpoints.push(endpoint);
      else windows.set(key, { endpoints: [endpoint], bucket: w.bucket, limit: w.limit, windowMs: w.windowMs });
    }
  }
  const out: BucketState[] = [];
  for (const [key, w] of windows) {
    const state = await limiter.peek(key, w.limit, w.windowMs, now);
    out.push({
      endpoints: w.endpoints, bucket: w.bucket, windowSeconds: w.windowMs / 1000,
      limit: state.limit, remaining: state.remaining, resetAt: new Date(state.resetAt).toISOString(),
    });
  }
  return out;
}
