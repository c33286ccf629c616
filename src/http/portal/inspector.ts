// An App's request inspector in the portal:
//   GET /portal/apps/:id/requests   the App's latest requests with how each authenticated, and for a refused OAuth 1.0a
//                                   signature the base strings the server computed
// Developers' Apps live in the default world: its request journal is the one searched (the same entries the control
// API's GET /__admin/sandboxes/default/requests lists). Only the owner developer reaches an App (404 otherwise).
import type { FastifyPluginAsync } from 'fastify';
import { DeveloperConsole } from '../../domain/portal/console.ts';
import { appRequestsOf } from '../../domain/portal/inspector.ts';
import { requestHost, schemeOf } from '../request.ts';
import { portalInspectorPage } from './pages/inspector.ts';
import type { PortalKit } from './portalKit.ts';

export const inspectorRoutes: FastifyPluginAsync<{ kit: PortalKit }> = async (app, { kit }) => {
  const { services, clock, show, notFound, idParam, developerPage } = kit;
  const developerConsole = new DeveloperConsole(services.store, services.credentials);

  app.get('/portal/apps/:id/requests', developerPage(async (current, req, reply) => {
    const id = idParam(req);
    const owned = id ? await developerConsole.appOf(current.developer, id) : null;
    if (!owned) return notFound(reply);
    const found = await appRequestsOf(services.shared.journal, owned.app);
    // The address the developer reached the portal by: the API answers there too (for the empty state's example).
    const baseUrl = `${schemeOf(req)}://${requestHost(req, services.config)}`;
    return show(reply, 200, portalInspectorPage(owned, found, { at: clock.now(), baseUrl }));
  }));
};
