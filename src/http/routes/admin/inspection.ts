// What a sandbox saw and what it would cost: GET …/requests (the inspector: latest requests, newest first, with
// why credentials were refused) and GET …/usage (requests, resources and X's price per App and UTC day).
import type { FastifyPluginAsync } from 'fastify';
import { estimateLedger } from '../../../domain/sandboxes/costs.ts';
import { DEFAULT_JOURNAL_CAPACITY } from '../../../ports/requestJournal.ts';
import type { Services } from '../../../services.ts';
import { sendJson } from '../../reply.ts';
import { adminBadRequest } from './problems.ts';
import { worldOf } from './sandboxes.ts';

type IdParams = { id: string };
const DEFAULT_LIMIT = 50;

export const inspectionRoutes: FastifyPluginAsync<{ services: Services }> = async (app, { services }) => {
  app.get<{ Params: IdParams; Querystring: { limit?: string } }>('/sandboxes/:id/requests', async (req, reply) => {
    const world = await worldOf(services, req.params.id);
    const raw = req.query.limit;
    const limit = raw === undefined ? DEFAULT_LIMIT : Number(raw);
    if (!/^\d+$/.test(raw ?? '1') || limit < 1 || limit > DEFAULT_JOURNAL_CAPACITY) {
      throw adminBadRequest(`limit must be a whole number from 1 to ${DEFAULT_JOURNAL_CAPACITY}`);
    }
    return sendJson(reply, 200, { data: await world.shared.journal.latest(limit) });
  });

  app.get<{ Params: IdParams }>('/sandboxes/:id/usage', async (req, reply) => {
    const world = await worldOf(services, req.params.id);
    return sendJson(reply, 200, await estimateLedger(world.shared.ledger));
  });
};
