// A sandbox's controls through the control API: its clock (GET/POST …/clock) and its faults (POST/GET/DELETE
// …/faults). Both live in the world's shared state, so every instance serving the sandbox applies them.
import type { FastifyPluginAsync } from 'fastify';
import { FAULT_ID_PATTERN, newFault, parseFaultRequest } from '../../../domain/sandboxes/faults.ts';
import { parseClockRequest, presentClock } from '../../../domain/sandboxes/sandboxClock.ts';
import type { Services } from '../../../services.ts';
import { sendJson } from '../../reply.ts';
import { adminNotFound, jsonObjectBody, readControl } from './problems.ts';
import { worldOf } from './sandboxes.ts';

type IdParams = { id: string };

export const controlRoutes: FastifyPluginAsync<{ services: Services }> = async (app, { services }) => {
  app.get<{ Params: IdParams }>('/sandboxes/:id/clock', async (req, reply) => {
    const world = await worldOf(services, req.params.id);
    return sendJson(reply, 200, presentClock(await services.worlds.timeOf(world)));
  });

  app.post<{ Params: IdParams }>('/sandboxes/:id/clock', async (req, reply) => {
    const world = await worldOf(services, req.params.id);
    const move = readControl(() => parseClockRequest(jsonObjectBody(req.body)));
    return sendJson(reply, 200, presentClock(await readControl(() => services.worlds.moveClock(world, move))));
  });

  app.post<{ Params: IdParams }>('/sandboxes/:id/faults', async (req, reply) => {
    const world = await worldOf(services, req.params.id);
    const spec = readControl(() => parseFaultRequest(jsonObjectBody(req.body)));
    // The world's time as stored: /__admin requests are worldless, so the world's clock may not hold its offset yet.
    const fault = await world.shared.controls.addFault(newFault(spec, await services.worlds.timeOf(world)));
    return sendJson(reply, 201, fault);
  });

  app.get<{ Params: IdParams }>('/sandboxes/:id/faults', async (req, reply) => {
    const world = await worldOf(services, req.params.id);
    return sendJson(reply, 200, { data: await world.shared.controls.faults() });
  });

  app.delete<{ Params: IdParams & { fault: string } }>('/sandboxes/:id/faults/:fault', async (req, reply) => {
    const world = await worldOf(services, req.params.id);
    const { fault } = req.params;
    if (!FAULT_ID_PATTERN.test(fault) || !(await world.shared.controls.removeFault(fault))) throw adminNotFound(`sandbox "${world.id}" has no fault "${fault}"`);
    return reply.code(204).send();
  });

  app.delete<{ Params: IdParams }>('/sandboxes/:id/faults', async (req, reply) => {
    const world = await worldOf(services, req.params.id);
    return sendJson(reply, 200, { removed: await world.shared.controls.clearFaults() });
  });
};
