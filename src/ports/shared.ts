import type { ChangeCounter } from './changes.ts';
import type { RequestJournal } from './requestJournal.ts';
import type { SandboxControls } from './sandboxControls.ts';
import type { UsageLedger } from './usageLedger.ts';
import type { EphemeralStore } from './ephemeral.ts';
import type { NonceStore } from './nonceStore.ts';
import type { RateLimiter } from './rateLimiter.ts';
import type { UsageMeter } from './usageMeter.ts';
import type { Wakeups } from './wakeups.ts';

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
  /** The world's clock offset and injected faults (src/domain/sandboxes). */
  readonly controls: SandboxControls;
  /** The world's latest requests, for the inspector. */
  readonly journal: RequestJournal;
  /** The world's billable requests and resources, for the cost estimate. */
  readonly ledger: UsageLedger;
  /** Word to and from the other instances that the world's outbox has new events. */
  readonly wakeups: Wakeups;
  /**
   * The same state for a sandbox world (src/worlds.ts), apart from every other world's: its own rate-limit windows,
   * nonces, usage, flow state and versions. Over the same connection; calling it again for a world gives the same.
   */
  forWorld(world: string): SharedState;
  /**
   * Forgets everything `forWorld(world)` holds: the sandbox was deleted, or reset (`keepVersions`: its data versions
   * only ever go up, so nothing remembered under an older one is mistaken for current).
   */
  forgetWorld(world: string, options?: { keepVersions?: boolean }): Promise<void>;
  /** Resolves when the backing service answers; rejects with ServiceUnavailableError otherwise. */
  ping(): Promise<void>;
  /** Releases the backing connection. Idempotent. */
  close(): Promise<void>;
}
