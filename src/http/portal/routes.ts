// The developer portal over HTTP:
//   GET  /portal          the sign-in form (signed out) or the dashboard (signed in)
//   POST /portal/signin   username and password → the session cookie, then back to /portal (303)
//   POST /portal/signout  ends the session (GET on either form address goes back to /portal)
// Sessions: PortalSessions (src/domain/portal) in the shared ephemeral store, cookie `likes_portal` (HttpOnly,
// SameSite=Lax, Path=/portal, Secure over HTTPS). Every form carries a CSRF token, checked on every POST (403 page):
// the session's, or before sign-in a double-submit token bound to the `likes_portal_signin` cookie.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { SIGN_IN_ADDRESS_LIMIT } from '../../auth/flows/accountSignIn.ts';
import { developerSignIn } from '../../auth/flows/developerSignIn.ts';
import { dashboardOf } from '../../domain/portal/dashboard.ts';
import { PortalSessions, SESSION_TTL_MS } from '../../domain/portal/portalSessions.ts';
import { ServiceUnavailableError } from '../../ports/unavailable.ts';
import type { Services } from '../../services.ts';
import { sendPage } from '../reply.ts';
import { clientAddress, formPairs } from '../request.ts';
import { portalDashboardPage, portalForbiddenPage, portalSignInPage } from './pages.ts';

export const SESSION_COOKIE = 'likes_portal';
export const SIGNIN_COOKIE = 'likes_portal_signin';
const SIGNIN_TOKEN = /^[A-Za-z0-9_-]{43}$/;

function cookie(req: FastifyRequest, name: string): string | null {
  for (const part of String(req.headers.cookie ?? '').split(';')) {
    const [key, ...rest] = part.trim().split('=');
    if (key === name) return rest.join('=');
  }
  return null;
}

function sameToken(a: string | null | undefined, b: string | null | undefined): boolean {
  if (!a || !b || !SIGNIN_TOKEN.test(a) || a.length !== b.length) return false;
  return timingSafeEqual(Buffer.from(a), Buffer.from(b));
}

function waitInWords(retryAt: number, now: number): string {
  const seconds = Math.max(1, Math.ceil((retryAt - now) / 1000));
  if (seconds < 60) return `${seconds} second${seconds === 1 ? '' : 's'}`;
  const minutes = Math.ceil(seconds / 60);
  return `${minutes} minute${minutes === 1 ? '' : 's'}`;
}

export const portalRoutes: FastifyPluginAsync<{ services: Services }> = async (app, { services }) => {
  const { config, clock } = services;
  const sessions = new PortalSessions(
    services.store,
    services.shared.ephemeral,
    developerSignIn(services.store, services.shared.rateLimiter, clock, { addressLimit: config.limits ? SIGN_IN_ADDRESS_LIMIT : null }),
    clock,
  );

  /** Secure cookies when the request came over HTTPS (behind a trusted proxy: its x-forwarded-proto). */
  const secure = (req: FastifyRequest): string => {
    const forwarded = config.trustProxy ? String(req.headers['x-forwarded-proto'] ?? '').split(',')[0].trim() : '';
    return req.protocol === 'https' || forwarded === 'https' ? '; Secure' : '';
  };
  const setCookie = (reply: FastifyReply, req: FastifyRequest, name: string, value: string, maxAgeS: number) =>
    reply.header('set-cookie', `${name}=${value}; Path=/portal; HttpOnly; SameSite=Lax; Max-Age=${maxAgeS}${secure(req)}`);

  const signInForm = (req: FastifyRequest, reply: FastifyReply, status: number, options: { username?: string; error?: string } = {}) => {
    const existing = cookie(req, SIGNIN_COOKIE);
    const token = existing && SIGNIN_TOKEN.test(existing) ? existing : randomBytes(32).toString('base64url');
    if (token !== existing) setCookie(reply, req, SIGNIN_COOKIE, token, SESSION_TTL_MS / 1000);
    return sendPage(reply.header('cache-control', 'no-store'), status, portalSignInPage(token, options));
  };
  const forbidden = (reply: FastifyReply) => sendPage(reply, 403, portalForbiddenPage());
  const see = (reply: FastifyReply) => reply.code(303).header('location', '/portal').header('cache-control', 'no-store').send('');

  const handler = (fn: (req: FastifyRequest, reply: FastifyReply) => Promise<FastifyReply>) =>
    async (req: FastifyRequest, reply: FastifyReply) => {
      try {
        return await fn(req, reply);
      } catch (e) {
        if (!(e instanceof ServiceUnavailableError)) req.log.error({ err: e }, 'request failed');
        return signInForm(req, reply, e instanceof ServiceUnavailableError ? 503 : 500, { error: 'Something went wrong on our side. Try again in a moment.' });
      }
    };
  const form = (req: FastifyRequest): Map<string, string> => new Map(formPairs(req) ?? []);

  app.get('/portal', handler(async (req, reply) => {
    const current = await sessions.resume(cookie(req, SESSION_COOKIE));
    if (!current) return signInForm(req, reply, 200);
    const projects = await dashboardOf(services.store, current.developer);
    return sendPage(reply.header('cache-control', 'no-store'), 200, portalDashboardPage(current.developer.username, current.session.csrf, projects));
  }));

  app.post('/portal/signin', handler(async (req, reply) => {
    const fields = form(req);
    if (!sameToken(fields.get('csrf'), cookie(req, SIGNIN_COOKIE))) return forbidden(reply);
    const username = fields.get('username') ?? '';
    const result = await sessions.signIn(username, fields.get('password') ?? '', clientAddress(req, config.trustProxy));
    if (result.ok) {
      setCookie(reply, req, SESSION_COOKIE, result.session.id, SESSION_TTL_MS / 1000);
      return see(reply);
    }
    const now = clock.now();
    if (result.reason === 'locked' || result.reason === 'address') {
      reply.header('retry-after', String(Math.max(1, Math.ceil((result.retryAt - now) / 1000))));
      const which = result.reason === 'locked' ? 'for this account' : 'from your network';
      return signInForm(req, reply, 429, { username, error: `Too many sign-in attempts ${which}. Try again in ${waitInWords(result.retryAt, now)}.` });
    }
    if (result.reason === 'busy') {
      return signInForm(req, reply.header('retry-after', '2'), 503, { username, error: 'The service is busy. Try again in a moment.' });
    }
    return signInForm(req, reply, 401, { username, error: 'Wrong username or password.' });
  }));

  // A form's own address, opened again (a reload after a failed sign-in, a restored tab): the portal.
  app.get('/portal/signin', async (_req, reply) => see(reply));
  app.get('/portal/signout', async (_req, reply) => see(reply));

  app.post('/portal/signout', handler(async (req, reply) => {
    const current = await sessions.resume(cookie(req, SESSION_COOKIE));
    // A session already gone (expired, signed out in another tab): nothing to end, back to the sign-in form.
    if (!current) return see(reply);
    if (!sessions.csrfMatches(current.session, form(req).get('csrf'))) return forbidden(reply);
    await sessions.signOut(current.session);
    setCookie(reply, req, SESSION_COOKIE, '', 0);
    return see(reply);
  }));
};
