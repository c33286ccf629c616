// The sign-in step of the authorization pages: username (as on X, any letter case, with or without "@") and
// password, throttled as AccountSignIn (accountSignIn.ts) says. Failures say nothing about which part was wrong.
import type { UserRecord } from '../../domain/model.ts';
import type { Clock } from '../../ports/clock.ts';
import type { ContentStore } from '../../ports/contentStore.ts';
import type { CredentialStore } from '../../ports/credentialStore.ts';
import type { RateLimiter } from '../../ports/rateLimiter.ts';
import { AccountSignIn, type AccountSignInResult, type SignInAccounts, type SignInContext, type SignInOptions } from './accountSignIn.ts';

export {
  SIGN_IN_ADDRESS_LIMIT, SIGN_IN_USERNAME_POLICY, SIGN_IN_WINDOW_MS, type SignInContext, type SignInOptions,
} from './accountSignIn.ts';

export type SignInResult = Exclude<AccountSignInResult<UserRecord>, { ok: true }> | { ok: true; user: UserRecord };

/** X's username rule: 1 to 15 letters, digits and underscores. */
const USERNAME = /^[A-Za-z0-9_]{1,15}$/;

function userAccounts(store: Pick<ContentStore, 'usersByUsernames'> & Pick<CredentialStore, 'userPasswordHash'>): SignInAccounts<UserRecord> {
  return {
    limitKey: 'signin-user',
    canonical(raw) {
      const username = raw.trim().replace(/^@/, '');
      return USERNAME.test(username) ? username : null;
    },
    async find(username) {
      const [user] = await store.usersByUsernames([username]);
      if (!user) return null;
      return { account: user, passwordHash: await store.userPasswordHash(user.id), active: !user.suspended };
    },
  };
}

export class SignIn {
  private readonly inner: AccountSignIn<UserRecord>;

  constructor(
    store: Pick<ContentStore, 'usersByUsernames'> & Pick<CredentialStore, 'userPasswordHash'>,
    limiter: RateLimiter,
    clock: Clock,
    options: SignInOptions = {},
  ) {
    this.inner = new AccountSignIn(userAccounts(store), limiter, clock, options);
  }

  async verify(rawUsername: string, password: string, context: SignInContext): Promise<SignInResult> {
    const result = await this.inner.verify(rawUsername, password, context);
    return result.ok ? { ok: true, user: result.account } : result;
  }
}
