// Reading requests at the edge: the path and query as sent, the scheme and host the client reached us by, the
// client's address, and parameters from the query and the body. (HTTP Basic credentials are read in src/auth/basic.ts:
// the HTTP-free auth flows need them too.)
import type { FastifyRequest } from 'fastify';
import type { AuthRequest } from '../auth/authRequest.ts';
import type { Config } from '../config.ts';
import { parseFormPairs } from '../formEncoding.ts';
import { parseJsonBody } from './jsonBody.ts';

/** The path and the query string exactly as sent, undecoded: signatures and cache keys are over the raw bytes. */
export function splitUrl(req: FastifyRequest): { rawPath: string; rawQuery: string } {
  const url = req.raw.url ?? req.url;
  const q = url.indexOf('?');
  return q < 0 ? { rawPath: url, rawQuery: '' } : { rawPath: url.slice(0, q), rawQuery: url.slice(q + 1) };
}

/** The scheme the client used: the first X-Forwarded-Proto entry (set by a TLS-terminating proxy), else http. */
export function schemeOf(req: FastifyRequest): string {
  const forwarded = req.headers['x-forwarded-proto'];
  if (forwarded === undefined) return 'http';
  return String(forwarded).split(',')[0].trim() || 'http';
}

/**
 * Whether the client reached us over HTTPS, for what the server decides on its own behalf (a cookie's Secure flag):
 * X-Forwarded-Proto counts only from a trusted proxy (LIKES_API_TRUST_PROXY=1), as X-Forwarded-For does for the
 * client's address (clientAddress); anyone else's header is a claim.
 */
export function overHttps(req: FastifyRequest, trustProxy: boolean): boolean {
  return req.protocol === 'https' || (trustProxy && schemeOf(req) === 'https');
}

/** The values of the request's cookies named `name`, in the order sent (a browser may send two of one name). */
export function cookieValues(req: FastifyRequest, name: string): string[] {
  const values: string[] = [];
  for (const part of String(req.headers.cookie ?? '').split(';')) {
    const [key, ...rest] = part.trim().split('=');
    if (key === name) values.push(rest.join('='));
  }
  return values;
}

/** The host (and port) the client reached us by: its Host header, else the address we listen on. */
export function requestHost(req: FastifyRequest, config: Pick<Config, 'host' | 'port'>): string {
  return req.headers.host ?? `${config.host}:${config.port}`;
}

/**
 * The client's address for the per-address limits: the socket's peer, or with LIKES_API_TRUST_PROXY=1 the last
 * X-Forwarded-For entry (the one our proxy appended; earlier entries are whatever the client sent).
 */
export function clientAddress(req: FastifyRequest, trustProxy: boolean): string {
  const forwarded = trustProxy ? String(req.headers['x-forwarded-for'] ?? '').split(',').pop()?.trim() : '';
  const address = forwarded || req.socket.remoteAddress || 'unknown';
  return address.startsWith('::ffff:') ? address.slice(7) : address;
}

/**
 * What authentication reads from a request (src/auth knows no HTTP framework); `params` says how to collect its
 * parameters: they are collected once, when first read (a Bearer token never reads them).
 */
export function authRequest(req: FastifyRequest, config: Pick<Config, 'host' | 'port'>, params: () => readonly [string, string][]): AuthRequest {
  return new ParamsOnRead(req.method, req.headers.authorization, schemeOf(req), requestHost(req, config), splitUrl(req).rawPath, params);
}

/** An AuthRequest whose parameters are collected when first read (a class: a getter on an object literal is slow). */
class ParamsOnRead implements AuthRequest {
  private collected: readonly [string, string][] | null = null;

  constructor(
    readonly method: string,
    readonly authorization: string | undefined,
    readonly scheme: string,
    readonly host: string,
    readonly rawPath: string,
    private readonly collect: () => readonly [string, string][],
  ) {}

  get params(): readonly [string, string][] {
    return (this.collected ??= this.collect());
  }
}

export const isFormBody = (req: FastifyRequest): boolean =>
  String(req.headers['content-type'] ?? '').toLowerCase().startsWith('application/x-www-form-urlencoded');

/** The body as sent, when there is one (every body is kept as text: see plugins/textBodies.ts). */
export const bodyText = (req: FastifyRequest): string | undefined => (typeof req.body === 'string' ? req.body : undefined);

/** The query's decoded pairs, in order; null when it is malformed. */
export const queryPairs = (req: FastifyRequest): [string, string][] | null => parseFormPairs(splitUrl(req).rawQuery);

/** A form-encoded body's decoded pairs, in order ([] for any other body); null when it is malformed. */
export function formPairs(req: FastifyRequest): [string, string][] | null {
  const body = bodyText(req);
  return body && isFormBody(req) ? parseFormPairs(body) : [];
}

/** Parameters by name, and the first name sent more than once (null when none was). */
export interface ParamMap {
  params: Map<string, string>;
  duplicate: string | null;
}

/**
 * The one rule for a name sent more than once: the map keeps its first copy and names it `duplicate`. The token
 * endpoints (/oauth2/token, /oauth2/invalidate_token, /2/oauth2/token, /2/oauth2/revoke) refuse such a request
 * (RFC 6749 §3.2: taking either copy would act on what another part of the request contradicts); the
 * authorization pages, which hand nothing out on their own, take the first copy.
 */
export function paramMap(pairs: Iterable<readonly [string, string]>): ParamMap {
  const params = new Map<string, string>();
  let duplicate: string | null = null;
  for (const [k, v] of pairs) {
    if (params.has(k)) duplicate ??= k;
    else params.set(k, v);
  }
  return { params, duplicate };
}

/**
 * A token endpoint's parameters: the query's, then the body's, from a form or from a flat JSON object's string
 * values (X's clients use all three). A malformed query or body, or a JSON body that is not an object, carries none.
 */
export function tokenParams(req: FastifyRequest): ParamMap {
  const pairs: [string, string][] = [...(queryPairs(req) ?? [])];
  const body = bodyText(req) ?? '';
  if (String(req.headers['content-type'] ?? '').toLowerCase().includes('json')) {
    const parsed = parseJsonBody(body)?.value;
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) {
      for (const [k, v] of Object.entries(parsed)) if (typeof v === 'string') pairs.push([k, v]);
    }
  } else {
    pairs.push(...(parseFormPairs(body) ?? []));
  }
  return paramMap(pairs);
}
