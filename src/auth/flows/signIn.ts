// The sign-in step of the authorization pages: username (as on X, any letter case, with or without "@") and
// password. Failures say nothing about which part was wrong; a username that keeps failing is locked for a while.
import type { UserRecord } from '../../domain/model.ts';
import type { Clock } from '../../ports/clock.ts';
import type { RateLimiter } from '../../ports/rateLimiter.ts';
import type { LikesStore } from '../../ports/store.ts';
import { MAX_PASSWORD_LENGTH, verifyPassword } from './passwords.ts';

/** Failed sign-ins allowed per username and window, counted on every instance when the shared state is Redis. */
export const SIGN_IN_FAILURE_LIMIT = 10;
export const SIGN_IN_FAILURE_WINDOW_MS = 15 * 60 * 1000;

export type SignInResult =
  | { ok: true; user: UserRecord }
  | { ok: false; reason: 'invalid' | 'locked' };

export class SignIn {
  constructor(
    private readonly store: LikesStore,
    private readonly limiter: RateLimiter,
    private readonly clock: Clock,
  ) {}

  async verify(rawUsername: string, password: string): Promise<SignInResult> {
    const username = rawUsername.trim().replace(/^@/, '');
    const valid = /^[A-Za-z0-9_]{1,15}$/.test(username) && password.length > 0 && password.length <= MAX_PASSWORD_LENGTH;
    const bucket = `signin-failures:${username.toLowerCase()}`;
    const now = this.clock.now();
    if (valid) {
      const state = await this.limiter.peek(bucket, SIGN_IN_FAILURE_LIMIT, SIGN_IN_FAILURE_WINDOW_MS, now);
      if (state.remaining <= 0) return { ok: false, reason: 'locked' };
    }
    const [user] = valid ? await this.store.usersByUsernames([username]) : [];
    const hash = user ? await this.store.userPasswordHash(user.id) : null;
    // Always one scrypt, whether or not the user exists or has a password.
    const matches = await verifyPassword(password, hash);
    if (matches && user && !user.suspended) return { ok: true, user };
    if (valid) await this.limiter.hit(bucket, SIGN_IN_FAILURE_LIMIT, SIGN_IN_FAILURE_WINDOW_MS, now);
    return { ok: false, reason: 'invalid' };
  }
}
