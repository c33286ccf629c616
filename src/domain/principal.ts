import type { AppPermission, AppRecord, OAuth2Scope } from './model.ts';

/** Who a request acts for, once authenticated: an App alone, or an App on behalf of a user (OAuth 1.0a or 2.0). */
export type Principal =
  | { kind: 'app-only'; app: AppRecord }
  | { kind: 'oauth1'; app: AppRecord; userId: string; permission: AppPermission }
  | { kind: 'oauth2-user'; app: AppRecord; userId: string; scopes: ReadonlySet<OAuth2Scope> };
