// What the sandbox request inspector shows of one request: who sent it, how it authenticated and why it was refused,
// JSON-ready and snake_case as the control API speaks. Built from plain facts, so the HTTP edge only collects them.
// Entries are kept by the hundred, so every part is bounded, and none may carry a secret.
import { formDecode } from '../../formEncoding.ts';
import { authSchemeOf, authSchemeOfHeader, type AuthScheme, type OAuth1Diagnosis } from '../authRefusal.ts';
import type { Principal } from '../principal.ts';
import { Unauthorized } from '../problems.ts';
import { isoTime } from '../isoTime.ts';

export interface InspectedAuth {
  scheme: AuthScheme;
  /** `none`: the request was not authenticated (no credentials needed, or it failed before or otherwise, e.g. a 503). */
  verdict: 'accepted' | 'refused' | 'none';
  reason?: string;
  oauth1?: OAuth1Diagnosis;
}

export interface InspectedRequest {
  /** When the request arrived, ISO 8601. */
  time: string;
  method: string;
  /** As sent, without the query. */
  path: string;
  /** The raw query string (no `?`), with the values of oauth_signature and of secret-like parameters removed. */
  query: string;
  /** The HTTP status answered; 0 when none was (a `drop` fault closed the connection). */
  status: number;
  duration_ms: number;
  transaction_id: string;
  app_id: string | null;
  user_id: string | null;
  auth: InspectedAuth;
  /** The fault injected into this request, if any. */
  fault?: string;
}

/** The facts of a request once it is answered, as the HTTP edge has them. */
export interface RequestFacts {
  /** Epoch ms it arrived at, to the microsecond (fractional). */
  time: number;
  method: string;
  rawPath: string;
  rawQuery: string;
  status: number;
  durationMs: number;
  transactionId: string;
  authorization: string | undefined;
  /** Who it authenticated as; null when it was refused or did not get that far. */
  principal: Principal | null;
  /** What the request failed with, if it did (X's 401 carries why the credentials were refused). */
  error?: unknown;
  fault?: string | null;
}

const MAX_PATH = 2048;
const MAX_QUERY = 2048;
const MAX_BASE_STRING = 2048;
const MAX_PARAMETERS = 32;
const MAX_PARAMETER_PART = 256;

const clip = (s: string, max: number): string => (s.length > max ? `${s.slice(0, max)}…` : s);

export function inspectRequest(facts: RequestFacts): InspectedRequest {
  // A 401 thrown after authentication (a suspended App) overrides the principal: the request was refused.
  const refused = facts.error instanceof Unauthorized ? facts.error : null;
  const principal = refused ? null : facts.principal;
  const refusal = refused?.refusal ?? null;
  return {
    time: isoTime(facts.time),
    method: facts.method,
    path: clip(facts.rawPath, MAX_PATH),
    query: inspectedQuery(facts.rawQuery),
    status: facts.status,
    duration_ms: Math.max(0, Math.round(facts.durationMs * 1000) / 1000),
    transaction_id: facts.transactionId,
    app_id: principal?.app.id ?? refusal?.app_id ?? null,
    user_id: (principal && principal.kind !== 'app-only' ? principal.userId : refusal?.user_id) ?? null,
    auth: inspectAuth(refused ?? principal, facts.authorization),
    ...(facts.fault ? { fault: facts.fault } : {}),
  };
}

/**
 * How a request authenticated, from what authentication gave (a principal) or threw: accepted, refused (X's 401,
 * with the refusal it carries), or `none` (anything else: not authenticated, or failed otherwise, e.g. a 503) with
 * the scheme the Authorization header names.
 */
export function inspectAuth(outcome: Principal | unknown, authorization?: string): InspectedAuth {
  if (isPrincipal(outcome)) return { scheme: authSchemeOf(outcome), verdict: 'accepted' };
  if (outcome instanceof Unauthorized) {
    const refusal = outcome.refusal;
    return {
      scheme: refusal?.scheme ?? authSchemeOfHeader(authorization),
      verdict: 'refused',
      ...(refusal ? { reason: refusal.reason } : {}),
      ...(refusal?.oauth1 ? { oauth1: boundedDiagnosis(refusal.oauth1) } : {}),
    };
  }
  return { scheme: authSchemeOfHeader(authorization), verdict: 'none' };
}

/**
 * Query parameters whose values are never shown: a signature is a credential for its request, and the OAuth
 * endpoints' secrets belong in a body, but a client may put them in the query all the same.
 */
const REDACTED = /^(?:oauth_signature|oauth_verifier|token|access_token|refresh_token|code|code_verifier|password)$|secret/i;

/** Holds one of REDACTED's words, or something decoding could change: a quick first look at the whole query. */
const MENTIONS_REDACTED = /[%+]|signature|verifier|token|code|password|secret/i;
/**
 * Could name a REDACTED parameter: a name (before its '=') that is one, or that decoding could change (% or +). Any
 * other name is its own decoded form, so the query is kept whole without taking it apart (pagination_token included).
 */
const MAYBE_REDACTED =
  /(?:^|&)(?:[^&=]*[%+][^&=]*|oauth_signature|oauth_verifier|token|access_token|refresh_token|code|code_verifier|password|[^&=]*secret[^&=]*)=/i;

/** The raw query, as sent but for the values of REDACTED parameters (name kept, value dropped). */
export function inspectedQuery(rawQuery: string): string {
  // The usual query (max_results, fields, expansions) has nothing to hide: no need to take it apart.
  if (!MENTIONS_REDACTED.test(rawQuery) || !MAYBE_REDACTED.test(rawQuery)) return clip(rawQuery, MAX_QUERY);
  const kept = rawQuery
    .split('&')
    .map((pair) => {
      const eq = pair.indexOf('=');
      if (eq < 0) return pair;
      // Names are matched decoded (oauth%5Fsignature is oauth_signature), or as sent when they do not decode.
      const name = pair.slice(0, eq);
      return REDACTED.test(formDecode(name) ?? name) ? `${name}=` : pair;
    })
    .join('&');
  return clip(kept, MAX_QUERY);
}

function isPrincipal(outcome: unknown): outcome is Principal {
  if (typeof outcome !== 'object' || outcome === null || outcome instanceof Error) return false;
  const kind = (outcome as { kind?: unknown }).kind;
  return kind === 'app-only' || kind === 'oauth1' || kind === 'oauth2-user';
}

/** A diagnosis cut to size: a hostile request can make base strings as long as its headers and body. */
function boundedDiagnosis(d: OAuth1Diagnosis): OAuth1Diagnosis {
  const bounded: OAuth1Diagnosis = { ...d };
  for (const key of ['consumer_key', 'token', 'signature_method', 'version', 'timestamp', 'nonce'] as const) {
    const value = d[key];
    if (value !== undefined) bounded[key] = clip(value, MAX_PARAMETER_PART);
  }
  if (d.base_strings) {
    bounded.base_strings = d.base_strings.map((b) => ({
      ...b,
      base_url: clip(b.base_url, MAX_PATH),
      base_string: clip(b.base_string, MAX_BASE_STRING),
    }));
  }
  if (d.parameters && d.parameters.length > MAX_PARAMETERS) bounded.parameters_omitted = d.parameters.length - MAX_PARAMETERS;
  if (d.parameters) {
    bounded.parameters = d.parameters
      .slice(0, MAX_PARAMETERS)
      // The same values hidden as in the query (the base strings keep them: without them they would not be the base strings).
      .map((p) => ({ name: clip(p.name, MAX_PARAMETER_PART), value: REDACTED.test(p.name) ? '' : clip(p.value, MAX_PARAMETER_PART) }));
  }
  return bounded;
}
