// The control API's error documents: X's about:blank problem shape (as its 401 is), with a detail that says what
// was wrong, since an operator, not an X client, reads them.
import { ApiProblem } from '../../../domain/problems.ts';

export const adminNotFound = (detail: string): ApiProblem => new ApiProblem(404, { title: 'Not Found', type: 'about:blank', status: 404, detail });

export const adminBadRequest = (detail: string, extra: Record<string, string | number> = {}): ApiProblem =>
  new ApiProblem(400, { title: 'Invalid Request', type: 'about:blank', status: 400, detail, ...extra });
