// The portal's operator sign-in: the admin token typed as a password, throttled by AccountSignIn (accountSignIn.ts)
// like every other sign-in: one account (`operator`) with its own budget (`signin-operator:`), and the per-address
// budget shared with the developer and authorization pages. Only the token's SHA-256 is held, compared in constant time.
import type { Clock } from '../../ports/clock.ts';
import type { RateLimiter } from '../../ports/rateLimiter.ts';
import { constantTimeEqual, hashToken } from '../secrets.ts';
import { AccountSignIn, type SignInOptions } from './accountSignIn.ts';

export const OPERATOR = 'operator';

export function operatorSignIn(adminToken: string, limiter: RateLimiter, clock: Clock, options: SignInOptions = {}): AccountSignIn<typeof OPERATOR> {
  const expected = hashToken(adminToken);
  return new AccountSignIn<typeof OPERATOR>(
    {
      limitKey: 'signin-operator',
      canonical: () => OPERATOR,
      find: async () => ({ account: OPERATOR, passwordHash: expected, active: true }),
    },
    limiter,
    clock,
    { ...options, verify: async (token, stored) => stored !== null && constantTimeEqual(hashToken(token), stored) },
  );
}
