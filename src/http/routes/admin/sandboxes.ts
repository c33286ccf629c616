// The sandboxes through the control API: list, make (from the demo or empty seed, with credentials of their own),
// read, delete, reset to the seed, snapshot and restore. Every world, `default` included, is named by its id.
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { DemoCredentials } from '../../../demo/demoCredentials.ts';
import { DEFAULT_SANDBOX } from '../../../domain/sandboxes/sandboxIds.ts';
import { parseSandboxSeed, parseSnapshotName, USER_SNAPSHOT_NAME } from '../../../domain/sandboxes/sandboxes.ts';
import type { Services } from '../../../services.ts';
import { SandboxesUnsupportedError, type World } from '../../../worlds.ts';
import { ApiProblem } from '../../../domain/problems.ts';
import { sendJson } from '../../reply.ts';
import { requestHost, schemeOf } from '../../request.ts';
import { adminBadRequest, adminConflict, adminNotFound, jsonObjectBody, readControl } from './problems.ts';

type IdParams = { id: string };

/** The world the path names, if it (still) exists; a 404 otherwise. */
export async function worldOf(services: Services, id: string): Promise<World> {
  const found = await services.worlds.live(id);
  if (!found) throw adminNotFound(`no sandbox "${id}"`);
  return found.world;
}

/**
 * A world's credentials document as a client should use it: the base URL this server was reached by (what the
 * sandbox's SDK clients should use too) and the control API's token. The control API and the portal show this one.
 */
export const servedCredentials = (req: FastifyRequest, services: Services, doc: DemoCredentials, adminToken: string): DemoCredentials => ({
  ...doc,
  baseUrl: `${schemeOf(req)}://${requestHost(req, services.config)}`,
  adminToken,
});

export const sandboxRoutes: FastifyPluginAsync<{ services: Services; adminToken: string }> = async (app, { services, adminToken }) => {
  const { worlds } = services;
  const withBase = (req: FastifyRequest, doc: DemoCredentials): DemoCredentials => servedCredentials(req, services, doc, adminToken);

  app.get('/sandboxes', async (_req, reply) => sendJson(reply, 200, { data: await worlds.list() }));

  app.post('/sandboxes', async (req, reply) => {
    const body = jsonObjectBody(req.body);
    const seed = readControl(() => parseSandboxSeed(body.seed));
    const extra = Object.keys(body).filter((k) => k !== 'seed');
    if (extra.length > 0) throw adminBadRequest(`unknown member ${extra[0]}`);
    const made = await worlds.create(seed, Date.now()).catch((error: unknown) => {
      if (error instanceof SandboxesUnsupportedError) throw new ApiProblem(501, { title: 'Not Implemented', type: 'about:blank', status: 501, detail: error.message });
      throw error;
    });
    return sendJson(reply.header('location', `/__admin/sandboxes/${made.id}`), 201, { id: made.id, credentials: withBase(req, made.credentials) });
  });

  app.get<{ Params: IdParams }>('/sandboxes/:id', async (req, reply) => {
    const world = await worldOf(services, req.params.id);
    const credentials = await worlds.credentialsOf(world);
    return sendJson(reply, 200, { data: await worlds.summary(world), ...(credentials ? { credentials: withBase(req, credentials) } : {}) });
  });

  app.delete<{ Params: IdParams }>('/sandboxes/:id', async (req, reply) => {
    if (req.params.id === DEFAULT_SANDBOX) throw adminConflict('the default world is the store itself and cannot be deleted');
    if (!(await worlds.delete(req.params.id))) throw adminNotFound(`no sandbox "${req.params.id}"`);
    return reply.code(204).send();
  });

  app.post<{ Params: IdParams }>('/sandboxes/:id/reset', async (req, reply) => {
    const world = await worldOf(services, req.params.id);
    if (!(await worlds.reset(world))) throw adminConflict(`sandbox "${world.id}" has no seed to go back to (only sandboxes made here have one)`);
    return sendJson(reply, 200, { data: await worlds.summary((await worlds.get(world.id))!) });
  });

  app.get<{ Params: IdParams }>('/sandboxes/:id/snapshots', async (req, reply) => {
    const world = await worldOf(services, req.params.id);
    return sendJson(reply, 200, { data: (await worlds.summary(world)).snapshots.map((name) => ({ name })) });
  });

  app.post<{ Params: IdParams }>('/sandboxes/:id/snapshots', async (req, reply) => {
    const world = await worldOf(services, req.params.id);
    const name = readControl(() => parseSnapshotName(jsonObjectBody(req.body).name));
    await worlds.snapshot(world, name);
    return sendJson(reply, 201, { data: { name } });
  });

  app.post<{ Params: IdParams & { name: string } }>('/sandboxes/:id/snapshots/:name/restore', async (req, reply) => {
    const world = await worldOf(services, req.params.id);
    const { name } = req.params;
    if (!USER_SNAPSHOT_NAME.test(name) || !(await worlds.restore(world, name))) throw adminNotFound(`sandbox "${world.id}" has no snapshot "${name}"`);
    return sendJson(reply, 200, { data: { name } });
  });
};
