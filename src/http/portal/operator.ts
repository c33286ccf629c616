// The operator in the portal (only when the service has an admin token):
//   POST /portal/operator/signin   signed out: the admin token → a session of the operator alone
//   GET  /portal/operator          signed in without the operator's rights: the form that asks for the admin token
//   POST /portal/operator          that form: the session is replaced by one with the operator's rights
// Both are throttled as every sign-in is (src/auth/flows/operatorSignIn.ts).
import type { FastifyPluginAsync } from 'fastify';
import { clientAddress } from '../request.ts';
import type { PortalKit } from './portalKit.ts';
import { portalOperatorPage } from './pages/operator.ts';

export const operatorRoutes: FastifyPluginAsync<{ kit: PortalKit }> = async (app, { kit }) => {
  const { services, sessions, handler, seeOther, form } = kit;
  if (!sessions.operatorEnabled) return;
  const address = (req: Parameters<typeof clientAddress>[0]) => clientAddress(req, services.config.trustProxy);

  app.post('/portal/operator/signin', handler(async (req, reply) => {
    const fields = form(req);
    if (!kit.signInTokenMatches(req, fields.get('csrf'))) return kit.forbidden(reply);
    const result = await sessions.signInOperator(fields.get('token') ?? '', address(req));
    if (result.ok) {
      kit.startSession(req, reply, result.session.id);
      return seeOther(reply, '/portal/sandboxes');
    }
    const { status, error } = kit.refusedSignIn(reply, result, 'the operator');
    return kit.signInForm(req, reply, status, { operatorError: error });
  }));

  app.get('/portal/operator', kit.sessionPage(async (current, _req, reply) => {
    if (current.session.operator) return seeOther(reply, '/portal/sandboxes');
    return kit.show(reply, 200, portalOperatorPage(current.session.csrf));
  }));

  app.post('/portal/operator', kit.sessionPost(async (current, fields, req, reply) => {
    if (current.session.operator) return seeOther(reply, '/portal/sandboxes');
    const result = await sessions.elevate(current.session, fields.get('token') ?? '', address(req));
    if (result.ok) {
      kit.startSession(req, reply, result.session.id);
      return seeOther(reply, '/portal/sandboxes');
    }
    const { status, error } = kit.refusedSignIn(reply, result, 'the operator');
    return kit.show(reply, status, portalOperatorPage(current.session.csrf, error));
  }));

  app.get('/portal/operator/signin', async (_req, reply) => seeOther(reply, '/portal'));
};
