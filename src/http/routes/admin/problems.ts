// The control API's error documents: X's about:blank problem shape (as its 401 is), with a detail that says what
// was wrong, since an operator, not an X client, reads them. And its JSON bodies, read as strictly as X's.
import { ApiProblem } from '../../../domain/problems.ts';
import { refusedAs } from '../../../domain/sandboxes/controlRequestError.ts';
import { parseJsonBody } from '../../jsonBody.ts';

export const adminNotFound = (detail: string): ApiProblem => new ApiProblem(404, { title: 'Not Found', type: 'about:blank', status: 404, detail });

export const adminBadRequest = (detail: string, extra: Record<string, string | number> = {}): ApiProblem =>
  new ApiProblem(400, { title: 'Invalid Request', type: 'about:blank', status: 400, detail, ...extra });

export const adminConflict = (detail: string): ApiProblem => new ApiProblem(409, { title: 'Conflict', type: 'about:blank', status: 409, detail });

/** A JSON object body (an absent body is an empty object); a 400 for anything else. */
export function jsonObjectBody(body: unknown): Record<string, unknown> {
  if (body === undefined || body === null || body === '') return {};
  const parsed = typeof body === 'string' ? parseJsonBody(body) : null;
  const value = parsed?.value;
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw adminBadRequest('the body must be a JSON object');
  return value as Record<string, unknown>;
}

/** A control request the domain refused, as the control API's 400. */
export const readControl = <T>(read: () => T): T => refusedAs(read, (message) => adminBadRequest(message));
