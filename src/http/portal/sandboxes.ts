// The operator's sandbox pages (/portal/sandboxes…): filled in by the sandbox pages' work.
import type { FastifyPluginAsync } from 'fastify';
import type { PortalKit } from './portalKit.ts';

export const sandboxRoutes: FastifyPluginAsync<{ kit: PortalKit }> = async (_app, { kit: _kit }) => {};
