// The developer portal over HTTP:
//   GET  /portal          the sign-in form (signed out) or the dashboard (signed in)
//   POST /portal/signin   username and password → the session cookie, then back to /portal (303)
//   POST /portal/signout  ends the session (GET on either form address goes back to /portal)
//   GET  /portal/apps/:id/usage  an App's Tweet-cap use, requests and cost per UTC day, and rate limits (owner only)
// Sessions: PortalSessions (src/domain/portal) in the shared ephemeral store, cookie `likes_portal` (HttpOnly,
// SameSite=Lax, Path=/portal, Secure over HTTPS). Every form carries a CSRF token, checked on every POST (403 page):
// the session's, or before sign-in a double-submit token bound to the `likes_portal_signin` cookie.
import { randomBytes } from 'node:crypto';
import { constantTimeEqual } from '../../auth/secrets.ts';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { SIGN_IN_ADDRESS_LIMIT } from '../../auth/flows/accountSignIn.ts';
import { developerSignIn } from '../../auth/flows/developerSignIn.ts';
import { DeveloperConsole, FormProblem, OnceReveals } from '../../domain/portal/console.ts';
import { dashboardOf } from '../../domain/portal/dashboard.ts';
import { appUsageOf, capUseOf, type CapUse } from '../../domain/portal/usage.ts';
import { PortalSessions, SESSION_TTL_MS } from '../../domain/portal/portalSessions.ts';
import { ServiceUnavailableError } from '../../ports/unavailable.ts';
import type { Services } from '../../services.ts';
import { sendPage } from '../reply.ts';
import { clientAddress, cookieValues, formPairs } from '../request.ts';
import {
  portalAppPage, portalCreateAppPage, portalDashboardPage, portalForbiddenPage, portalKeysPage, portalNotFoundPage, portalSignInPage, portalUsagePage,
} from './pages.ts';

export const SESSION_COOKIE = 'likes_portal';
export const SIGNIN_COOKIE = 'likes_portal_signin';
const SIGNIN_TOKEN = /^[A-Za-z0-9_-]{43}$/;
const ID = /^[0-9]{1,19}$/;

const cookie = (req: FastifyRequest, name: string): string | null => cookieValues(req, name)[0] ?? null;

function sameToken(a: string | null | undefined, b: string | null | undefined): boolean {
  if (!a || !b || !SIGNIN_TOKEN.test(a)) return false;
  return constantTimeEqual(a, b);
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

  const developerConsole = new DeveloperConsole(services.store, services.credentials);
  const reveals = new OnceReveals(services.shared.ephemeral, services.sealer, clock);
  const show = (reply: FastifyReply, status: number, body: string) => sendPage(reply.header('cache-control', 'no-store'), status, body);
  const notFound = (reply: FastifyReply) => show(reply, 404, portalNotFoundPage());
  const seeOther = (reply: FastifyReply, location: string) => reply.code(303).header('location', location).header('cache-control', 'no-store').send('');
  const idParam = (req: FastifyRequest): string | null => {
    const id = (req.params as { id?: string }).id ?? '';
    return ID.test(id) ? id : null;
  };
  type Current = NonNullable<Awaited<ReturnType<PortalSessions['resume']>>>;
  /** A page for the signed-in developer only (signed out: back to /portal to sign in). */
  const signedIn = (fn: (current: Current, req: FastifyRequest, reply: FastifyReply) => Promise<FastifyReply>) =>
    handler(async (req, reply) => {
      const current = await sessions.resume(cookie(req, SESSION_COOKIE));
      if (!current) return see(reply);
      return fn(current, req, reply);
    });
  /** A POST of the signed-in developer: the session's CSRF token first, then `fn` with the form. */
  const signedInPost = (fn: (current: Current, fields: Map<string, string>, req: FastifyRequest, reply: FastifyReply) => Promise<FastifyReply>) =>
    signedIn(async (current, req, reply) => {
      const fields = form(req);
      if (!sessions.csrfMatches(current.session, fields.get('csrf'))) return forbidden(reply.header('cache-control', 'no-store'));
      return fn(current, fields, req, reply);
    });
  const dashboard = async (current: Current, reply: FastifyReply, status: number, options: Parameters<typeof portalDashboardPage>[3] = {}) => {
    const projects = await dashboardOf(services.store, current.developer);
    const now = clock.now();
    const capUse = new Map<string, CapUse>(
      await Promise.all(projects.map(async ({ project }) => [project.id, await capUseOf(services.usage, project, now)] as const)),
    );
    return show(reply, status, portalDashboardPage(current.developer.username, current.session.csrf, projects, { ...options, capUse }));
  };

  app.get('/portal', handler(async (req, reply) => {
    const current = await sessions.resume(cookie(req, SESSION_COOKIE));
    if (!current) return signInForm(req, reply, 200);
    return dashboard(current, reply, 200);
  }));

  app.post('/portal/projects', signedInPost(async (current, fields, _req, reply) => {
    const values = { name: fields.get('name') ?? '', tier: fields.get('tier') ?? '' };
    try {
      const project = await developerConsole.createProject(current.developer, values);
      return seeOther(reply, `/portal#project-${project.id}`);
    } catch (e) {
      if (e instanceof FormProblem) return dashboard(current, reply, 400, { problems: e.problems, values });
      throw e;
    }
  }));

  app.get('/portal/projects/:id/apps/new', signedIn(async (current, req, reply) => {
    const id = idParam(req);
    const project = id ? await developerConsole.projectOf(current.developer, id) : null;
    if (!project) return notFound(reply);
    return show(reply, 200, portalCreateAppPage(current.session.csrf, project));
  }));
  app.get('/portal/projects/:id/apps', async (req, reply) => seeOther(reply, `/portal/projects/${idParam(req) ?? '0'}/apps/new`));

  app.post('/portal/projects/:id/apps', signedInPost(async (current, fields, req, reply) => {
    const id = idParam(req);
    const values = {
      name: fields.get('name') ?? '', type: fields.get('type') ?? '', permission: fields.get('permission') ?? '', callbacks: fields.get('callbacks') ?? '',
    };
    try {
      const created = id ? await developerConsole.createApp(current.developer, id, values) : null;
      if (!created) return notFound(reply);
      await reveals.put(current.session.id, created.app.id, { heading: `Keys and tokens of ${created.app.name}`, shown: created.shown });
      return seeOther(reply, `/portal/apps/${created.app.id}/keys`);
    } catch (e) {
      if (!(e instanceof FormProblem)) throw e;
      const project = await developerConsole.projectOf(current.developer, id!);
      if (!project) return notFound(reply);
      return show(reply, 400, portalCreateAppPage(current.session.csrf, project, e.problems, values));
    }
  }));

  app.get('/portal/apps/:id', signedIn(async (current, req, reply) => {
    const id = idParam(req);
    const owned = id ? await developerConsole.appOf(current.developer, id) : null;
    if (!owned) return notFound(reply);
    const notice = (req.query as { saved?: string }).saved === 'callbacks' ? 'Callback URLs saved.' : undefined;
    return show(reply, 200, portalAppPage(current.session.csrf, owned, { notice }));
  }));

  app.get('/portal/apps/:id/usage', signedIn(async (current, req, reply) => {
    const id = idParam(req);
    const owned = id ? await developerConsole.appOf(current.developer, id) : null;
    if (!owned) return notFound(reply);
    const usage = await appUsageOf({ usage: services.usage, ledger: services.shared.ledger, rateLimiter: services.shared.rateLimiter }, owned, clock.now());
    return show(reply, 200, portalUsagePage(owned, usage));
  }));

  app.get('/portal/apps/:id/keys', signedIn(async (current, req, reply) => {
    const id = idParam(req);
    const owned = id ? await developerConsole.appOf(current.developer, id) : null;
    if (!owned) return notFound(reply);
    return show(reply, 200, portalKeysPage(owned.app, await reveals.take(current.session.id, owned.app.id)));
  }));

  app.post('/portal/apps/:id/callbacks', signedInPost(async (current, fields, req, reply) => {
    const id = idParam(req);
    const text = fields.get('callbacks') ?? '';
    try {
      const saved = id ? await developerConsole.setCallbacks(current.developer, id, text) : null;
      if (!saved) return notFound(reply);
      return seeOther(reply, `/portal/apps/${id}?saved=callbacks`);
    } catch (e) {
      if (!(e instanceof FormProblem)) throw e;
      const owned = await developerConsole.appOf(current.developer, id!);
      if (!owned) return notFound(reply);
      return show(reply, 400, portalAppPage(current.session.csrf, owned, { problems: e.problems, callbacksText: text }));
    }
  }));

  app.post('/portal/apps/:id/regenerate', signedInPost(async (current, fields, req, reply) => {
    const id = idParam(req);
    try {
      const shown = id ? await developerConsole.regenerate(current.developer, id, fields.get('what') ?? '') : null;
      if (!shown) return notFound(reply);
      await reveals.put(current.session.id, id!, { heading: 'New keys and tokens', shown });
      return seeOther(reply, `/portal/apps/${id}/keys`);
    } catch (e) {
      if (!(e instanceof FormProblem)) throw e;
      const owned = await developerConsole.appOf(current.developer, id!);
      if (!owned) return notFound(reply);
      return show(reply, 400, portalAppPage(current.session.csrf, owned, { problems: e.problems }));
    }
  }));
  // A form's address opened again: the page it came from.
  app.get('/portal/projects', async (_req, reply) => see(reply));
  app.get('/portal/apps/:id/callbacks', async (req, reply) => seeOther(reply, idParam(req) ? `/portal/apps/${idParam(req)}` : '/portal'));
  app.get('/portal/apps/:id/regenerate', async (req, reply) => seeOther(reply, idParam(req) ? `/portal/apps/${idParam(req)}` : '/portal'));

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
