// X's refusals on the webhook and subscription endpoints: a 400 invalid-request whose `errors[0].message` begins with
// the failure reason (`<Reason>: <Details>`, docs/reference/x-events.md §1.2), and the 404-like reasons X gives as 400s.
import { ApiProblem, invalidRequest } from '../problems.ts';

export type EventFailureReason =
  | 'CrcValidationFailed' | 'UrlValidationFailed' | 'DuplicateUrlFailed' | 'WebhookLimitExceeded' | 'WebhookIdInvalid'
  | 'DuplicateSubscriptionFailed' | 'SubscriptionLimitExceeded' | 'SubscriptionNotFound' | 'SubscriptionInvalid'
  | 'UserNotAuthorized' | 'QueryParamInvalid' | 'ReplayConflictError';

export function eventFailure(reason: EventFailureReason, details: string): ApiProblem {
  return invalidRequest([{ message: `${reason}: ${details}` }]);
}

/** What `eventFailure` made, read back (for callers that show it other than as X's JSON); null for anything else. */
export function eventFailureOf(e: unknown): { reason: EventFailureReason; details: string; message: string } | null {
  if (!(e instanceof ApiProblem) || e.status !== 400) return null;
  const message = (e.body.errors as { message?: unknown }[] | undefined)?.[0]?.message;
  const m = typeof message === 'string' ? /^([A-Za-z]+): (.*)$/s.exec(message) : null;
  return m ? { reason: m[1] as EventFailureReason, details: m[2], message: m[0] } : null;
}

/** X's 429 for a stream connection over the App's limit (the streams' `TooManyConnections`). */
export function tooManyConnections(): ApiProblem {
  return new ApiProblem(429, {
    title: 'ConnectionException',
    detail: 'This stream is currently at the maximum allowed connection limit.',
    connection_issue: 'TooManyConnections',
    type: 'https://api.x.com/2/problems/streaming-connection',
  });
}
