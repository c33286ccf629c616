// Why credentials were refused, for the sandbox request inspector only: the client always gets X's generic 401
// whatever the reason. Nothing here may ever hold a secret, a signing key or the signature the server expected.
import type { Principal } from './principal.ts';

/** How a request authenticated (or tried to), as the control API names it. */
export type AuthScheme = 'oauth1' | 'oauth2_user' | 'app_only' | 'basic' | 'none' | 'unknown';

/** One base string the server computed for an OAuth 1.0a request it refused. */
export interface OAuth1BaseStringTried {
  /** Scheme, host and path as they went into the base string (the request as received, or one of X's hosts). */
  base_url: string;
  /** True for the variant with identical repeated parameters counted once (some clients dedupe before signing). */
  repeats_once: boolean;
  base_string: string;
}

/**
 * What the server saw of a refused OAuth 1.0a request. The header's public identifiers (absent when the header
 * did not parse), plus what the refusal reason needs: the base strings for `bad-signature`, the clock for
 * `stale-timestamp`, the absent parameters for `missing-parameter`.
 */
export interface OAuth1Diagnosis {
  consumer_key?: string;
  token?: string;
  signature_method?: string;
  version?: string;
  timestamp?: string;
  nonce?: string;
  /** missing-parameter: the required header parameters absent or empty. */
  missing?: string[];
  /** stale-timestamp: the server's time (Unix seconds) and the skew accepted either way. */
  server_time?: number;
  window_seconds?: number;
  /** bad-signature: every base string tried, the request as received first. */
  base_strings?: OAuth1BaseStringTried[];
  /** bad-signature: the parameters as encoded in the base string, sorted (oauth_signature and realm excluded). */
  parameters?: { name: string; value: string }[];
  /** Parameters left out of `parameters` to keep the diagnosis small (the base strings are cut short too, with '…'). */
  parameters_omitted?: number;
}

/** Why a request's credentials were refused. */
export interface AuthRefusal {
  scheme: AuthScheme;
  /** A short kebab-case reason (`bad-signature`, `expired-token`, `suspended-user`, …). */
  reason: string;
  /** The App and user the credentials named, where the refusal came after finding them. */
  app_id?: string;
  user_id?: string;
  oauth1?: OAuth1Diagnosis;
}

export function authSchemeOf(principal: Principal): AuthScheme {
  switch (principal.kind) {
    case 'oauth1':
      return 'oauth1';
    case 'oauth2-user':
      return 'oauth2_user';
    case 'app-only':
      return 'app_only';
  }
}

/**
 * The scheme an Authorization header names, before (or without) authenticating it. A Bearer token is `unknown`
 * until looked up: it may be an App's or a user's.
 */
export function authSchemeOfHeader(authorization: string | undefined): AuthScheme {
  const header = authorization?.trim();
  if (!header) return 'none';
  if (/^oauth\s/i.test(header)) return 'oauth1';
  if (/^basic\s/i.test(header)) return 'basic';
  return 'unknown';
}
