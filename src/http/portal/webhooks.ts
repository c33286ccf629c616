// An App's webhooks and events in the portal (/portal/apps/:id/webhooks…).
import type { FastifyPluginAsync } from 'fastify';
import type { PortalKit } from './portalKit.ts';

export const webhookRoutes: FastifyPluginAsync<{ kit: PortalKit }> = async (_app, { kit: _kit }) => {};
