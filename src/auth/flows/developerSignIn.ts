// The developer portal's sign-in: AccountSignIn (accountSignIn.ts) over developer accounts, with its own
// per-username budget (`signin-dev:`) and the per-address budget it shares with the authorization pages.
import type { DeveloperRecord } from '../../domain/model.ts';
import type { Clock } from '../../ports/clock.ts';
import type { CredentialStore } from '../../ports/credentialStore.ts';
import type { RateLimiter } from '../../ports/rateLimiter.ts';
import { DEVELOPER_USERNAME } from '../developers.ts';
import { AccountSignIn, type SignInOptions } from './accountSignIn.ts';

export function developerSignIn(
  store: Pick<CredentialStore, 'developerByUsername'>,
  limiter: RateLimiter,
  clock: Clock,
  options: SignInOptions = {},
): AccountSignIn<DeveloperRecord> {
  return new AccountSignIn<DeveloperRecord>(
    {
      limitKey: 'signin-dev',
      canonical: (raw) => (DEVELOPER_USERNAME.test(raw.trim()) ? raw.trim() : null),
      async find(username) {
        const developer = await store.developerByUsername(username);
        return developer ? { account: developer, passwordHash: developer.passwordHash, active: true } : null;
      },
    },
    limiter,
    clock,
    options,
  );
}
