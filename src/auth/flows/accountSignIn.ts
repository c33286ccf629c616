// Throttled password sign-in for any kind of account (users on the authorization pages, developers on the portal):
// username and password, failures saying nothing about which part was wrong.
//
// Every guess is counted BEFORE its password hash, in atomic rate-limiter operations shared by every instance
// (Redis), so no number of concurrent requests gets more guesses evaluated than the limits below:
//   - per username: SIGN_IN_USERNAME_POLICY (10 per 15-minute window, and after 5 a doubling wait between guesses),
//     under a key prefix of the kind of account (`signin-user:` for users, `signin-dev:` for developers);
//   - per pending authorization: MAX_SIGN_IN_FAILURES (then the authorization is dropped);
//   - per client address: SIGN_IN_ADDRESS_LIMIT guesses per window, whatever the usernames and the kind of account.
// A guess that is reserved but not evaluated (another limit refused it, or no hash slot came free) is given back;
// a right password gives back its username and authorization guesses, so a user who signs in keeps their budget.
// Hashes run in a few slots per process (HashSlots); see docs/auth-flows.md "Sign-in limits".
import type { Clock } from '../../ports/clock.ts';
import type { AttemptPolicy, RateLimiter } from '../../ports/rateLimiter.ts';
import { HashSlots } from './hashSlots.ts';
import { MAX_PASSWORD_LENGTH, verifyPassword } from './passwords.ts';
import { MAX_SIGN_IN_FAILURES, PENDING_TTL_MS } from './pending.ts';

export const SIGN_IN_WINDOW_MS = 15 * 60 * 1000;
/**
 * Guesses per username: at most 10 evaluated per 15-minute window; the first 5 at once (as many as one
 * authorization allows), then each at least 5 s, 10 s, 20 s, 40 s, 80 s after the previous one, so a burst gets
 * nowhere and a real user who mistypes waits seconds rather than the whole window.
 */
export const SIGN_IN_USERNAME_POLICY: AttemptPolicy = { limit: 10, windowMs: SIGN_IN_WINDOW_MS, free: 5, delayMs: 5000 };
/** Guesses per client address and window, over all usernames (lifted by LIKES_API_LIMITS=off). */
export const SIGN_IN_ADDRESS_LIMIT = 50;

/** Where the accounts of one kind come from. */
export interface SignInAccounts<A> {
  /** Prefix of the per-username limit's key (`signin-user` for users), so each kind counts apart. */
  readonly limitKey: string;
  /** The username as typed made canonical for lookup (e.g. without a leading "@"), or null when no account can have it. */
  canonical(raw: string): string | null;
  /** The account, its password hash (null: it cannot sign in) and whether it may sign in now; null when unknown. */
  find(username: string): Promise<{ account: A; passwordHash: string | null; active: boolean } | null>;
}

export type AccountSignInResult<A> =
  | { ok: true; account: A }
  /** Wrong username or password; `exhausted` when that was the authorization's last allowed guess. */
  | { ok: false; reason: 'invalid'; exhausted: boolean }
  /** Too many guesses for this username (`limit`) or from this address (`address`) for now. */
  | { ok: false; reason: 'locked' | 'address'; retryAt: number }
  /** The pending authorization has no guesses left. */
  | { ok: false; reason: 'exhausted' }
  /** No hash slot came free in time. */
  | { ok: false; reason: 'busy' };

export interface SignInContext {
  /** The client's address (per-address limit). */
  address: string;
  /** The pending authorization the form belongs to (per-authorization limit). */
  pendingId?: string;
}

export interface SignInOptions {
  /** The password check (tests count evaluations through it). */
  verify?: (password: string, stored: string | null) => Promise<boolean>;
  slots?: HashSlots;
  usernamePolicy?: AttemptPolicy;
  /** Guesses per address and window; null lifts the limit. */
  addressLimit?: number | null;
}

export class AccountSignIn<A> {
  private readonly verifyHash: (password: string, stored: string | null) => Promise<boolean>;
  private readonly slots: HashSlots;
  private readonly usernamePolicy: AttemptPolicy;
  private readonly addressLimit: number | null;

  constructor(
    private readonly accounts: SignInAccounts<A>,
    private readonly limiter: RateLimiter,
    private readonly clock: Clock,
    options: SignInOptions = {},
  ) {
    this.verifyHash = options.verify ?? verifyPassword;
    this.slots = options.slots ?? new HashSlots();
    this.usernamePolicy = options.usernamePolicy ?? SIGN_IN_USERNAME_POLICY;
    this.addressLimit = options.addressLimit === undefined ? SIGN_IN_ADDRESS_LIMIT : options.addressLimit;
  }

  async verify(rawUsername: string, password: string, context: SignInContext): Promise<AccountSignInResult<A>> {
    const username = this.accounts.canonical(rawUsername);
    const valid = username !== null && password.length > 0 && password.length <= MAX_PASSWORD_LENGTH;
    const now = this.clock.now();
    const reserved: Array<[key: string, windowMs: number]> = [];
    const giveBack = async (which = reserved) => {
      for (const [key, windowMs] of which) await this.limiter.refund(key, windowMs, now);
    };

    if (this.addressLimit !== null) {
      const key = `signin-addr:${context.address}`;
      const state = await this.limiter.hit(key, this.addressLimit, SIGN_IN_WINDOW_MS, now);
      if (!state.allowed) return { ok: false, reason: 'address', retryAt: state.resetAt };
      reserved.push([key, SIGN_IN_WINDOW_MS]);
    }
    let lastForPending = false;
    const refundable: Array<[string, number]> = [];
    if (context.pendingId) {
      const key = `signin-pending:${context.pendingId}`;
      const state = await this.limiter.hit(key, MAX_SIGN_IN_FAILURES, PENDING_TTL_MS, now);
      if (!state.allowed) {
        await giveBack();
        return { ok: false, reason: 'exhausted' };
      }
      lastForPending = state.remaining === 0;
      reserved.push([key, PENDING_TTL_MS]);
      refundable.push([key, PENDING_TTL_MS]);
    }
    if (valid) {
      const key = `${this.accounts.limitKey}:${username!.toLowerCase()}`;
      const state = await this.limiter.attempt(key, this.usernamePolicy, now);
      if (!state.allowed) {
        await giveBack();
        return { ok: false, reason: 'locked', retryAt: state.retryAt };
      }
      reserved.push([key, this.usernamePolicy.windowMs]);
      refundable.push([key, this.usernamePolicy.windowMs]);
    }

    const checked = await this.slots.run(async () => {
      const found = valid ? await this.accounts.find(username!) : null;
      // Always one hash, whether or not the account exists or has a password.
      const matches = await this.verifyHash(password, found?.passwordHash ?? null);
      return matches && found && found.active ? found : null;
    });
    if (!checked.ran) {
      await giveBack();
      return { ok: false, reason: 'busy' };
    }
    if (checked.value) {
      await giveBack(refundable);
      return { ok: true, account: checked.value.account };
    }
    return { ok: false, reason: 'invalid', exhausted: lastForPending };
  }
}
