// The developer portal over HTTP (/portal): server-rendered pages, no scripts. This file signs people in and out and
// shows the dashboard; each area has its own routes over the shared kit (portalKit.ts):
//   GET  /portal            the sign-in forms (signed out) or the dashboard (signed in)
//   POST /portal/signin     a developer's username and password → the session cookie, then back to /portal (303)
//   POST /portal/signout    ends the session (GET on either form address goes back to /portal)
//   apps.ts       Projects, Apps, keys shown once, callbacks, usage
//   operator.ts   the operator's sign-in with the admin token, and a developer's session gaining the operator's rights
//   sandboxes.ts  the operator's sandboxes: create, reset, snapshots, clock, faults, credentials
//   webhooks.ts   an App's webhooks, subscriptions, delivery log and replays
//   inspector.ts  an App's latest requests with the auth verdict
import type { FastifyPluginAsync } from 'fastify';
import type { Services } from '../../services.ts';
import { clientAddress } from '../request.ts';
import { appRoutes } from './apps.ts';
import { inspectorRoutes } from './inspector.ts';
import { operatorRoutes } from './operator.ts';
import { sandboxRoutes } from './sandboxes.ts';
import { webhookRoutes } from './webhooks.ts';
import { showDashboard } from './dashboard.ts';
import { portalKit } from './portalKit.ts';

export const portalRoutes: FastifyPluginAsync<{ services: Services }> = async (app, { services }) => {
  const kit = await portalKit(services);
  const { sessions, handler, seeOther, form } = kit;

  app.get('/portal', handler(async (req, reply) => {
    const current = await kit.resume(req);
    if (!current) return kit.signInForm(req, reply, 200);
    return showDashboard(kit, current, reply, 200);
  }));

  app.post('/portal/signin', handler(async (req, reply) => {
    const fields = form(req);
    if (!kit.signInTokenMatches(req, fields.get('csrf'))) return kit.forbidden(reply);
    const username = fields.get('username') ?? '';
    const result = await sessions.signIn(username, fields.get('password') ?? '', clientAddress(req, services.config.trustProxy));
    if (result.ok) {
      kit.startSession(req, reply, result.session.id);
      return seeOther(reply, '/portal');
    }
    const { status, error } = kit.refusedSignIn(reply, result, 'this account');
    return kit.signInForm(req, reply, status, { username, error });
  }));

  app.post('/portal/signout', handler(async (req, reply) => {
    const current = await kit.resume(req);
    // A session already gone (expired, signed out in another tab): nothing to end, back to the sign-in form.
    if (!current) return seeOther(reply, '/portal');
    if (!sessions.csrfMatches(current.session, form(req).get('csrf'))) return kit.forbidden(reply);
    await sessions.signOut(current.session);
    kit.endSession(req, reply);
    return seeOther(reply, '/portal');
  }));

  // A form's own address, opened again (a reload after a failed sign-in, a restored tab): the portal.
  app.get('/portal/signin', async (_req, reply) => seeOther(reply, '/portal'));
  app.get('/portal/signout', async (_req, reply) => seeOther(reply, '/portal'));

  await app.register(appRoutes, { kit });
  await app.register(operatorRoutes, { kit });
  await app.register(sandboxRoutes, { kit });
  await app.register(webhookRoutes, { kit });
  await app.register(inspectorRoutes, { kit });
};
