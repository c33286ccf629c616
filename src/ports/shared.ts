import type { ChangeCounter } from './changes.ts';
import type { EphemeralStore } from './ephemeral.ts';
import type { NonceStore } from './nonceStore.ts';
import type { RateLimiter } from './rateLimiter.ts';
import type { UsageMeter } from './usageMeter.ts';

/**
 * The state every instance must agree on: rate-limit buckets, OAuth 1.0a nonces and Tweet-cap usage.
 * In memory for a single process, in Redis when several stateless instances serve together.
 */
export interface SharedState {
  readonly rateLimiter: RateLimiter;
  readonly nonceStore: NonceStore;
  readonly usageMeter: UsageMeter;
  /** Short-lived authorization codes, request tokens, refresh tokens and consent steps (src/auth/flows). */
  readonly ephemeral: EphemeralStore;
  /** The data version lookup responses are cached under. */
  readonly changes: ChangeCounter;
  /** Resolves when the backing service answers; rejects with ServiceUnavailableError otherwise. */
  ping(): Promise<void>;
  /** Releases the backing connection. Idempotent. */
  close(): Promise<void>;
}
