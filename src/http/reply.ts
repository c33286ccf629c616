// Writing answers at the edge: JSON, X's error documents (and the one mapping from anything thrown to them),
// v1.1 errors, and the authorization pages.
import type { FastifyReply } from 'fastify';
import { ApiProblem, invalidRequest, serviceUnavailable, v1ErrorBody, type V1Error } from '../domain/problems.ts';
import { ServiceUnavailableError } from '../ports/unavailable.ts';
import { PAGE_HEADERS } from './pages/layout.ts';

export const JSON_TYPE = 'application/json; charset=utf-8';

export function sendJson(reply: FastifyReply, status: number, body: unknown): FastifyReply {
  return reply.code(status).header('content-type', JSON_TYPE).send(JSON.stringify(body));
}

/** Writes an X error document: about:blank 401/403s pretty-printed as application/problem+json, as X does. */
export function sendProblem(reply: FastifyReply, problem: ApiProblem): FastifyReply {
  if (problem.style === 'problem+json-pretty') {
    // A Buffer keeps Fastify from appending a charset X does not send.
    return reply.code(problem.status).header('content-type', 'application/problem+json').send(Buffer.from(JSON.stringify(problem.body, null, 2)));
  }
  const type = problem.status >= 400 && problem.body.type && !problem.body.errors ? 'application/problem+json' : JSON_TYPE;
  return reply.code(problem.status).header('content-type', type).send(Buffer.from(JSON.stringify(problem.body)));
}

/** Writes X's v1.1 error document, as the /oauth/ and /oauth2/ endpoints answer. */
export function sendV1Error(reply: FastifyReply, status: number, error: V1Error): FastifyReply {
  return reply.code(status).header('content-type', JSON_TYPE).send(v1ErrorBody(error));
}

/** Writes an authorization page (HTML, with the pages' security headers). */
export function sendPage(reply: FastifyReply, status: number, body: string): FastifyReply {
  return reply.code(status).headers(PAGE_HEADERS).send(body);
}

const aboutBlank = (status: number, title: string): ApiProblem => new ApiProblem(status, { title, type: 'about:blank', status, detail: title });

export const headersTooLarge = (): ApiProblem => aboutBlank(431, 'Request Header Fields Too Large');
export const requestTimeout = (): ApiProblem => aboutBlank(408, 'Request Timeout');
/** HTTP that cannot be read: broken framing, a malformed URL, an unreadable body. */
export const unparsableRequest = (): ApiProblem => invalidRequest([{ parameters: {}, message: 'The request could not be parsed.' }]);

/** Maps anything thrown to X's document: known problems as they are, dependency outages as 503, the rest 500. */
export function problemFor(error: unknown, log: (e: unknown) => void): ApiProblem {
  if (error instanceof ApiProblem) return error;
  if (error instanceof ServiceUnavailableError) return serviceUnavailable();
  const code = (error as { code?: string; statusCode?: number }).code ?? '';
  const status = (error as { statusCode?: number }).statusCode ?? 500;
  if (code === 'FST_ERR_CTP_BODY_TOO_LARGE' || status === 413) return aboutBlank(413, 'Payload Too Large');
  if (status >= 400 && status < 500) return unparsableRequest();
  log(error);
  return aboutBlank(500, 'Internal Server Error');
}
