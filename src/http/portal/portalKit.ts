// What every area of the portal's HTTP layer shares: the sessions, the cookie and CSRF rules, and the small
// answers (a page, a redirect, not found, an expired form). Built once by the portal plugin (routes.ts) and handed
// to each area's routes (apps.ts, operator.ts, sandboxes.ts, webhooks.ts, inspector.ts).
// Sessions: PortalSessions (src/domain/portal) in the shared ephemeral store, cookie `likes_portal` (HttpOnly,
// SameSite=Lax, Path=/portal, Secure over HTTPS). Every form carries a CSRF token, checked on every POST (403 page):
// the session's, or before sign-in a double-submit token bound to the `likes_portal_signin` cookie.
import { randomBytes } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { resolveAdminToken } from '../../auth/adminToken.ts';
import { SIGN_IN_ADDRESS_LIMIT } from '../../auth/flows/accountSignIn.ts';
import { developerSignIn } from '../../auth/flows/developerSignIn.ts';
import { operatorSignIn } from '../../auth/flows/operatorSignIn.ts';
import { constantTimeEqual } from '../../auth/secrets.ts';
import type { DeveloperRecord } from '../../domain/model.ts';
import { OnceReveals } from '../../domain/portal/console.ts';
import { PortalSessions, SESSION_TTL_MS, type CurrentSession, type PortalSignInResult } from '../../domain/portal/portalSessions.ts';
import { ServiceUnavailableError } from '../../ports/unavailable.ts';
import type { Services } from '../../services.ts';
import { sendPage } from '../reply.ts';
import { cookieValues, formPairs, overHttps } from '../request.ts';
import { portalForbiddenPage, portalNotFoundPage } from './pages/common.ts';
import { portalSignInPage } from './pages/signIn.ts';

export const SESSION_COOKIE = 'likes_portal';
export const SIGNIN_COOKIE = 'likes_portal_signin';
const SIGNIN_TOKEN = /^[A-Za-z0-9_-]{43}$/;
/** An id as the portal's paths and notices carry it: 1 to 19 digits. */
export const ID = /^[0-9]{1,19}$/;

/** A session with a developer signed in. */
export type DeveloperSession = CurrentSession & { developer: DeveloperRecord };
type Handler = (req: FastifyRequest, reply: FastifyReply) => Promise<FastifyReply>;
type Form = Map<string, string>;

function waitInWords(retryAt: number, now: number): string {
  const seconds = Math.max(1, Math.ceil((retryAt - now) / 1000));
  if (seconds < 60) return `${seconds} second${seconds === 1 ? '' : 's'}`;
  const minutes = Math.ceil(seconds / 60);
  return `${minutes} minute${minutes === 1 ? '' : 's'}`;
}

export type PortalKit = Awaited<ReturnType<typeof portalKit>>;

export async function portalKit(services: Services) {
  const { config, clock } = services;
  const addressLimit = { addressLimit: config.limits ? SIGN_IN_ADDRESS_LIMIT : null };
  const adminToken = await resolveAdminToken(services);
  const sessions = new PortalSessions(
    services.store,
    services.shared.ephemeral,
    developerSignIn(services.store, services.shared.rateLimiter, clock, addressLimit),
    adminToken ? operatorSignIn(adminToken, services.shared.rateLimiter, clock, addressLimit) : null,
    clock,
  );
  const reveals = new OnceReveals(services.shared.ephemeral, services.sealer, clock);

  const cookie = (req: FastifyRequest, name: string): string | null => cookieValues(req, name)[0] ?? null;
  /** Secure cookies when the request came over HTTPS (behind a trusted proxy: its x-forwarded-proto). */
  const secure = (req: FastifyRequest): string => (overHttps(req, config.trustProxy) ? '; Secure' : '');
  const setCookie = (reply: FastifyReply, req: FastifyRequest, name: string, value: string, maxAgeS: number) =>
    reply.header('set-cookie', `${name}=${value}; Path=/portal; HttpOnly; SameSite=Lax; Max-Age=${maxAgeS}${secure(req)}`);

  const show = (reply: FastifyReply, status: number, body: string) => sendPage(reply.header('cache-control', 'no-store'), status, body);
  const seeOther = (reply: FastifyReply, location: string) => reply.code(303).header('location', location).header('cache-control', 'no-store').send('');
  const notFound = (reply: FastifyReply) => show(reply, 404, portalNotFoundPage());
  const forbidden = (reply: FastifyReply) => show(reply, 403, portalForbiddenPage());
  const form = (req: FastifyRequest): Form => new Map(formPairs(req) ?? []);
  /** The path's `:name` when it is an id (1 to 19 digits), else null. */
  const idParam = (req: FastifyRequest, name = 'id'): string | null => {
    const id = (req.params as Record<string, string | undefined>)[name] ?? '';
    return ID.test(id) ? id : null;
  };

  /** The sign-in page, with a fresh double-submit token unless the browser holds one. */
  const signInForm = (req: FastifyRequest, reply: FastifyReply, status: number, options: Parameters<typeof portalSignInPage>[1] = {}) => {
    const existing = cookie(req, SIGNIN_COOKIE);
    const token = existing && SIGNIN_TOKEN.test(existing) ? existing : randomBytes(32).toString('base64url');
    if (token !== existing) setCookie(reply, req, SIGNIN_COOKIE, token, SESSION_TTL_MS / 1000);
    return show(reply, status, portalSignInPage(token, { operator: sessions.operatorEnabled, ...options }));
  };
  /** Whether a form posted before sign-in carries the double-submit token of its cookie. */
  const signInTokenMatches = (req: FastifyRequest, presented: string | undefined): boolean => {
    const expected = cookie(req, SIGNIN_COOKIE);
    if (!presented || !expected || !SIGNIN_TOKEN.test(presented)) return false;
    return constantTimeEqual(presented, expected);
  };
  /** A refused sign-in in words, with its status (and Retry-After when waiting helps). */
  const refusedSignIn = (reply: FastifyReply, result: Exclude<PortalSignInResult, { ok: true }>, what: string): { status: number; error: string } => {
    const now = clock.now();
    if (result.reason === 'locked' || result.reason === 'address') {
      reply.header('retry-after', String(Math.max(1, Math.ceil((result.retryAt - now) / 1000))));
      const which = result.reason === 'locked' ? `for ${what}` : 'from your network';
      return { status: 429, error: `Too many sign-in attempts ${which}. Try again in ${waitInWords(result.retryAt, now)}.` };
    }
    if (result.reason === 'busy') {
      reply.header('retry-after', '2');
      return { status: 503, error: 'The service is busy. Try again in a moment.' };
    }
    return { status: 401, error: what === 'the operator' ? 'That is not the admin token.' : 'Wrong username or password.' };
  };
  const startSession = (req: FastifyRequest, reply: FastifyReply, sessionId: string) =>
    setCookie(reply, req, SESSION_COOKIE, sessionId, SESSION_TTL_MS / 1000);
  const endSession = (req: FastifyRequest, reply: FastifyReply) => setCookie(reply, req, SESSION_COOKIE, '', 0);

  /** Any page: an unexpected failure becomes the sign-in page with an apology (503 when a dependency is down). */
  const handler = (fn: Handler): Handler => async (req, reply) => {
    try {
      return await fn(req, reply);
    } catch (e) {
      if (!(e instanceof ServiceUnavailableError)) req.log.error({ err: e }, 'request failed');
      return signInForm(req, reply, e instanceof ServiceUnavailableError ? 503 : 500, { error: 'Something went wrong on our side. Try again in a moment.' });
    }
  };
  const resume = (req: FastifyRequest) => sessions.resume(cookie(req, SESSION_COOKIE));

  /** A page of any live session (signed out: back to /portal to sign in). */
  const sessionPage = (fn: (current: CurrentSession, req: FastifyRequest, reply: FastifyReply) => Promise<FastifyReply>) =>
    handler(async (req, reply) => {
      const current = await resume(req);
      return current ? fn(current, req, reply) : seeOther(reply, '/portal');
    });
  /** A POST of any live session: the session's CSRF token first, then `fn` with the form. */
  const sessionPost = (fn: (current: CurrentSession, fields: Form, req: FastifyRequest, reply: FastifyReply) => Promise<FastifyReply>) =>
    sessionPage(async (current, req, reply) => {
      const fields = form(req);
      if (!sessions.csrfMatches(current.session, fields.get('csrf'))) return forbidden(reply);
      return fn(current, fields, req, reply);
    });
  /** A page for a signed-in developer (the operator alone has no Projects: back to /portal). */
  const developerPage = (fn: (current: DeveloperSession, req: FastifyRequest, reply: FastifyReply) => Promise<FastifyReply>) =>
    sessionPage(async (current, req, reply) => (current.developer ? fn(current as DeveloperSession, req, reply) : seeOther(reply, '/portal')));
  const developerPost = (fn: (current: DeveloperSession, fields: Form, req: FastifyRequest, reply: FastifyReply) => Promise<FastifyReply>) =>
    sessionPost(async (current, fields, req, reply) => (current.developer ? fn(current as DeveloperSession, fields, req, reply) : seeOther(reply, '/portal')));
  /** A page for the operator (a session without the operator's rights: the page that asks for the admin token). */
  const operatorPage = (fn: (current: CurrentSession, req: FastifyRequest, reply: FastifyReply) => Promise<FastifyReply>) =>
    sessionPage(async (current, req, reply) => (current.session.operator ? fn(current, req, reply) : seeOther(reply, '/portal/operator')));
  const operatorPost = (fn: (current: CurrentSession, fields: Form, req: FastifyRequest, reply: FastifyReply) => Promise<FastifyReply>) =>
    sessionPost(async (current, fields, req, reply) => (current.session.operator ? fn(current, fields, req, reply) : seeOther(reply, '/portal/operator')));

  return {
    services, clock, sessions, reveals,
    show, seeOther, notFound, forbidden, form, idParam, cookie,
    signInForm, signInTokenMatches, refusedSignIn, startSession, endSession, resume,
    handler, sessionPage, sessionPost, developerPage, developerPost, operatorPage, operatorPost,
  };
}
