// An App's request inspector in the portal (/portal/apps/:id/requests).
import type { FastifyPluginAsync } from 'fastify';
import type { PortalKit } from './portalKit.ts';

export const inspectorRoutes: FastifyPluginAsync<{ kit: PortalKit }> = async (_app, { kit: _kit }) => {};
