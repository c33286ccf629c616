// X's problem documents, built in one place. Request failures are thrown as `ApiProblem` and written out by
// the HTTP edge; partial errors inside a 200 are plain objects placed in `errors[]`.
import type { AuthRefusal } from './authRefusal.ts';

export const PROBLEM_BASE = 'https://api.twitter.com/2/problems/';

type Json = Record<string, unknown>;

/** A request that ends in an X error document instead of data. */
export class ApiProblem extends Error {
  constructor(
    readonly status: number,
    readonly body: Json,
    /** X sends its about:blank 401/403 problems pretty-printed as application/problem+json. */
    readonly style: 'json' | 'problem+json-pretty' = 'json',
  ) {
    super(String(body.detail ?? body.title ?? status));
    this.name = 'ApiProblem';
  }
}

export interface InvalidParameter {
  message: string;
  parameters: Record<string, string[]>;
  [extra: string]: unknown;
}

export const INVALID_REQUEST_DETAIL = 'One or more parameters to your request was invalid.';

export function invalidRequest(errors: InvalidParameter[] | Json[]): ApiProblem {
  return new ApiProblem(400, {
    errors,
    title: 'Invalid Request',
    detail: INVALID_REQUEST_DETAIL,
    type: `${PROBLEM_BASE}invalid-request`,
  });
}

/**
 * X's generic 401. `refusal` says why, for the sandbox request inspector only: it is never part of the answer, so
 * a client cannot tell which check failed.
 */
export class Unauthorized extends ApiProblem {
  constructor(readonly refusal: AuthRefusal | null = null) {
    super(401, { title: 'Unauthorized', type: 'about:blank', status: 401, detail: 'Unauthorized' }, 'problem+json-pretty');
  }
}

export const unauthorized = (refusal?: AuthRefusal): Unauthorized => new Unauthorized(refusal ?? null);

export const forbidden = (): ApiProblem =>
  new ApiProblem(403, { title: 'Forbidden', type: 'about:blank', status: 403, detail: 'Forbidden' }, 'problem+json-pretty');

export const tooManyRequests = (): ApiProblem =>
  new ApiProblem(429, { title: 'Too Many Requests', type: 'about:blank', status: 429, detail: 'Too Many Requests' });

export const serviceUnavailable = (): ApiProblem =>
  new ApiProblem(503, { title: 'Service Unavailable', type: 'about:blank', status: 503, detail: 'Service Unavailable' });

/**
 * X's 500 as captured from api.x.com in March 2025 (xdevplatform/xurl#23): the about:blank problem, its members in
 * this order, the detail X's error page gives for a 500, trailing space included.
 */
export const internalServerError = (): ApiProblem =>
  new ApiProblem(500, {
    title: 'Internal Server Error',
    detail:
      'Something is broken. This is usually a temporary error, for example in a high load situation or if an endpoint is temporarily having issues. Check in the developer forums in case others are having similar issues, or try again later. ',
    type: 'about:blank',
    status: 500,
  });

export const unsupportedAuthentication = (): ApiProblem =>
  new ApiProblem(403, {
    title: 'Unsupported Authentication',
    detail:
      'Authenticating with OAuth 2.0 Application-Only is forbidden for this endpoint.  Supported authentication types are [OAuth 1.0a User Context, OAuth 2.0 User Context].',
    type: `${PROBLEM_BASE}unsupported-authentication`,
    status: 403,
  });

export const userContextOnly = (): ApiProblem =>
  new ApiProblem(403, {
    title: 'Unsupported Authentication',
    detail:
      'Authenticating with OAuth 2.0 User Context is forbidden for this endpoint.  Supported authentication types are [OAuth 2.0 Application-Only].',
    type: `${PROBLEM_BASE}unsupported-authentication`,
    status: 403,
  });

export const oauth1Permissions = (): ApiProblem =>
  new ApiProblem(403, {
    title: 'Forbidden',
    status: 403,
    detail: 'Your client app is not configured with the appropriate oauth1 app permissions for this endpoint.',
    type: `${PROBLEM_BASE}oauth1-permissions`,
  });

export const clientNotEnrolled = (clientId: string): ApiProblem =>
  new ApiProblem(403, {
    client_id: clientId,
    detail:
      'When authenticating requests to the Twitter API v2 endpoints, you must use keys and tokens from a Twitter developer App that is attached to a Project. You can create a project via the developer portal.',
    registration_url: 'https://developer.twitter.com/en/docs/projects/overview',
    title: 'Client Forbidden',
    required_enrollment: 'Appropriate Level of API Access',
    reason: 'client-not-enrolled',
    type: `${PROBLEM_BASE}client-forbidden`,
  });

export const usageCapped = (accountId: string, productName: string): ApiProblem =>
  new ApiProblem(429, {
    account_id: accountId,
    product_name: productName,
    title: 'UsageCapExceeded',
    period: 'Monthly',
    scope: 'Product',
    detail: 'Usage cap exceeded: Monthly product cap',
    type: `${PROBLEM_BASE}usage-capped`,
  });

// ---- v1.1 errors (the /oauth/ and /oauth2/ endpoints) ----

/** One entry of X's v1.1 error document; /oauth2/token's also carry a label. */
export interface V1Error {
  code: number;
  message: string;
  label?: string;
}

/** X's v1.1 error document as sent: `{"errors":[{"code":…,"message":…}]}`. */
export const v1ErrorBody = (error: V1Error): string => JSON.stringify({ errors: [error] });

// ---- partial errors (inside a 200) ----

export function resourceNotFound(resourceType: 'user' | 'tweet', parameter: string, value: string): Json {
  return {
    value,
    detail: `Could not find ${resourceType} with ${parameter}: [${value}].`,
    title: 'Not Found Error',
    resource_type: resourceType,
    parameter,
    resource_id: value,
    type: `${PROBLEM_BASE}resource-not-found`,
  };
}

/** X reports a suspended account as "Forbidden" but with the resource-not-found type (recorded 2021). */
export function userSuspended(parameter: string, value: string): Json {
  return {
    parameter,
    resource_id: value,
    value,
    detail: `User has been suspended: [${value}].`,
    title: 'Forbidden',
    resource_type: 'user',
    type: `${PROBLEM_BASE}resource-not-found`,
  };
}

export function notAuthorizedForResource(
  resourceType: 'user' | 'tweet',
  parameter: string,
  value: string,
  section: 'data' | 'includes',
): Json {
  const noun = resourceType === 'user' ? 'user' : 'Tweet';
  return {
    value,
    detail: `Sorry, you are not authorized to see the ${noun} with ${parameter}: [${value}].`,
    title: 'Authorization Error',
    resource_type: resourceType,
    parameter,
    resource_id: value,
    section,
    type: `${PROBLEM_BASE}not-authorized-for-resource`,
  };
}
