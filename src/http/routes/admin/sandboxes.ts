// GET /__admin/sandboxes and /__admin/sandboxes/{id}: the worlds this store holds (only `default` for now).
import type { FastifyPluginAsync } from 'fastify';
import { findSandbox, listSandboxes, type World } from '../../../domain/sandboxes.ts';
import { sendJson } from '../../reply.ts';
import { adminNotFound } from './problems.ts';

export const sandboxRoutes: FastifyPluginAsync<{ world: World }> = async (app, { world }) => {
  app.get('/sandboxes', async (_req, reply) => sendJson(reply, 200, { data: listSandboxes(world) }));

  app.get<{ Params: { id: string } }>('/sandboxes/:id', async (req, reply) => {
    const sandbox = findSandbox(world, req.params.id);
    if (!sandbox) throw adminNotFound(`no sandbox "${req.params.id}"`);
    return sendJson(reply, 200, { data: sandbox });
  });
};
