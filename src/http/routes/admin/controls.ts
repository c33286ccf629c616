// A sandbox's controls through the control API: its clock (GET/POST …/clock) and its faults (POST/GET/DELETE
// …/faults). Both live in the world's shared state, so every instance serving the sandbox applies them.
import type { FastifyPluginAsync } from 'fastify';
import { ControlRequestError } from '../../../domain/sandboxes/controlRequestError.ts';
import { FAULT_ID_PATTERN, newFault, parseFaultRequest } from '../../../domain/sandboxes/faults.ts';
import { offsetAfter, parseClockRequest, presentClock } from '../../../domain/sandboxes/sandboxClock.ts';
import type { Services } from '../../../services.ts';
import { sendJson } from '../../reply.ts';
import { adminBadRequest, adminNotFound, jsonObjectBody } from './problems.ts';
import { worldOf } from './sandboxes.ts';

type IdParams = { id: string };

/** A control request the domain refused, as the control API's 400. */
function readControl<T>(parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    if (error instanceof ControlRequestError) throw adminBadRequest(error.message);
    throw error;
  }
}

export const controlRoutes: FastifyPluginAsync<{ services: Services }> = async (app, { services }) => {
  app.get<{ Params: IdParams }>('/sandboxes/:id/clock', async (req, reply) => {
    const world = await worldOf(services, req.params.id);
    const offset = await world.shared.controls.clockOffsetMs();
    return sendJson(reply, 200, presentClock(world.clock.base.now() + offset));
  });

  app.post<{ Params: IdParams }>('/sandboxes/:id/clock', async (req, reply) => {
    const world = await worldOf(services, req.params.id);
    const move = readControl(() => parseClockRequest(jsonObjectBody(req.body)));
    const controls = world.shared.controls;
    // Advancing is from the sandbox's time as stored (two advances at once may count as one: tests advance in turn).
    const current = await controls.clockOffsetMs();
    const base = world.clock.base.now();
    const next = readControl(() => offsetAfter(move, base, current));
    await controls.setClockOffsetMs(next);
    world.clock.setOffsetMs(next);
    return sendJson(reply, 200, presentClock(base + next));
  });

  app.post<{ Params: IdParams }>('/sandboxes/:id/faults', async (req, reply) => {
    const world = await worldOf(services, req.params.id);
    const spec = readControl(() => parseFaultRequest(jsonObjectBody(req.body)));
    const fault = await world.shared.controls.addFault(newFault(spec, world.clock.now()));
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
