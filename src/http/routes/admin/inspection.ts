// What a sandbox saw and what it would cost: GET …/requests (the inspector: latest requests, newest first, with
// why credentials were refused), GET …/webhooks (each webhook with its latest deliveries: status, attempt, latency,
// the body posted) and GET …/usage (requests, resources and X's price per App and UTC day).
import type { FastifyPluginAsync } from 'fastify';
import { estimateLedger } from '../../../domain/sandboxes/costs.ts';
import type { DeliveryRecord } from '../../../domain/events/records.ts';
import { webhookJson } from '../../../domain/events/webhooks.ts';
import { DEFAULT_JOURNAL_CAPACITY } from '../../../ports/requestJournal.ts';
import type { Services } from '../../../services.ts';
import { sendJson } from '../../reply.ts';
import { adminBadRequest } from './problems.ts';
import { worldOf } from './sandboxes.ts';

type IdParams = { id: string };
const DEFAULT_LIMIT = 50;
const MAX_DELIVERIES = 500;

function limitOf(raw: string | undefined, max: number): number {
  const limit = raw === undefined ? DEFAULT_LIMIT : Number(raw);
  if (!/^\d+$/.test(raw ?? '1') || limit < 1 || limit > max) throw adminBadRequest(`limit must be a whole number from 1 to ${max}`);
  return limit;
}

/** One attempt as the inspector shows it (times as ISO instants of the world's clock; `body`: the JSON text posted). */
const deliveryJson = (d: DeliveryRecord) => ({
  kind: d.kind, event_seq: d.eventSeq, subscription_id: d.subscriptionId, attempt: d.attempt, status: d.status,
  error: d.error, latency_ms: d.latencyMs, at: new Date(d.at).toISOString(), body: d.body,
});

export const inspectionRoutes: FastifyPluginAsync<{ services: Services }> = async (app, { services }) => {
  app.get<{ Params: IdParams; Querystring: { limit?: string } }>('/sandboxes/:id/requests', async (req, reply) => {
    const world = await worldOf(services, req.params.id);
    const limit = limitOf(req.query.limit, DEFAULT_JOURNAL_CAPACITY);
    return sendJson(reply, 200, { data: await world.shared.journal.latest(limit) });
  });

  app.get<{ Params: IdParams; Querystring: { limit?: string } }>('/sandboxes/:id/webhooks', async (req, reply) => {
    const world = await worldOf(services, req.params.id);
    const limit = limitOf(req.query.limit, MAX_DELIVERIES);
    const webhooks = await world.store.events.allWebhooks();
    const data = await Promise.all(webhooks.map(async (w) => ({
      ...webhookJson(w),
      app_id: w.appId,
      validity: w.validity,
      deliveries: (await world.store.events.deliveriesOf(w.id, limit)).map(deliveryJson),
    })));
    return sendJson(reply, 200, { data });
  });

  app.get<{ Params: IdParams }>('/sandboxes/:id/usage', async (req, reply) => {
    const world = await worldOf(services, req.params.id);
    return sendJson(reply, 200, await estimateLedger(world.shared.ledger));
  });
};
