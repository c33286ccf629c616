// /2/webhooks: register (with X's CRC), list, re-validate, delete, and replay a past window
// (docs/reference/x-events.md §1). Schemas as X's OpenAPI gives them.
import { apiRoute, type ApiRoute } from '../../routeSpec.ts';
import { arrayOf, ref } from '../../../domain/schemas.ts';

const WEBHOOK_ID = /^[0-9]{1,19}$/;
const webhookIdPath = { name: 'webhook_id', pattern: WEBHOOK_ID, description: 'The ID of the webhook.' } as const;
const problems = { errors: arrayOf(ref('Problem')) };

const WebhookConfig = {
  type: 'object',
  required: ['id', 'url', 'valid', 'created_at'],
  properties: {
    id: { type: 'string' }, url: { type: 'string' }, valid: { type: 'boolean' }, created_at: { type: 'string' },
  },
} as const;

export const CreateWebhooksRequest = {
  type: 'object',
  required: ['url'],
  properties: { url: { type: 'string', minLength: 1, maxLength: 200 } },
} as const;

export const CreateWebhookReplayJobRequest = {
  type: 'object',
  required: ['webhook_id', 'from_date', 'to_date'],
  properties: {
    webhook_id: { type: 'string', pattern: '^[0-9]{1,19}$' },
    from_date: { type: 'string', pattern: '^[0-9]{12}$' },
    to_date: { type: 'string', pattern: '^[0-9]{12}$' },
  },
} as const;

const common = { tag: 'Webhooks', pathParams: [], query: [] } as const;

const createWebhook = apiRoute({
  ...common,
  method: 'POST',
  path: '/2/webhooks',
  operationId: 'createWebhooks',
  summary: 'Registers a webhook URL after it answers a Challenge-Response Check',
  endpoint: 'webhooks_create',
  body: { name: 'CreateWebhooksRequest', schema: CreateWebhooksRequest },
  response: { name: 'CreateWebhooksResponse', schema: { type: 'object', properties: { data: WebhookConfig, ...problems } } },
  async handle(ctx) {
    return { body: await ctx.world.events.webhooks.register(ctx.principal.app, ctx.policy, ctx.body.url) };
  },
});

const listWebhooks = apiRoute({
  ...common,
  method: 'GET',
  path: '/2/webhooks',
  operationId: 'getWebhooks',
  summary: "The App's webhooks",
  endpoint: 'webhooks_list',
  response: {
    name: 'GetWebhooksResponse',
    schema: { type: 'object', properties: { data: arrayOf(WebhookConfig), meta: { type: 'object' }, ...problems } },
  },
  async handle(ctx) {
    return { body: await ctx.world.events.webhooks.list(ctx.principal.app) };
  },
});

const validateWebhook = apiRoute({
  ...common,
  method: 'PUT',
  path: '/2/webhooks/:webhook_id',
  operationId: 'validateWebhooks',
  summary: "Runs the webhook's Challenge-Response Check; a pass makes it valid again",
  endpoint: 'webhooks_validate',
  pathParams: [webhookIdPath],
  response: {
    name: 'ValidateWebhooksResponse',
    schema: { type: 'object', properties: { data: { type: 'object', properties: { valid: { type: 'boolean' } } }, ...problems } },
  },
  async handle(ctx) {
    return { body: await ctx.world.events.webhooks.validate(ctx.principal.app, ctx.path.webhook_id) };
  },
});

const deleteWebhook = apiRoute({
  ...common,
  method: 'DELETE',
  path: '/2/webhooks/:webhook_id',
  operationId: 'deleteWebhooks',
  summary: 'Deletes a webhook and the subscriptions delivering to it',
  endpoint: 'webhooks_delete',
  pathParams: [webhookIdPath],
  response: {
    name: 'DeleteWebhooksResponse',
    schema: { type: 'object', properties: { data: { type: 'object', properties: { deleted: { type: 'boolean' } } }, ...problems } },
  },
  async handle(ctx) {
    return { body: await ctx.world.events.webhooks.delete(ctx.principal.app, ctx.path.webhook_id) };
  },
});

const replayWebhook = apiRoute({
  ...common,
  method: 'POST',
  path: '/2/webhooks/replay',
  operationId: 'createWebhookReplayJob',
  summary: 'Redelivers the events of a past window to a webhook',
  endpoint: 'webhooks_replay',
  body: { name: 'CreateWebhookReplayJobRequest', schema: CreateWebhookReplayJobRequest },
  response: {
    name: 'CreateWebhookReplayJobResponse',
    schema: {
      type: 'object',
      properties: {
        data: { type: 'object', required: ['job_id', 'created_at'], properties: { job_id: { type: 'string' }, created_at: { type: 'string' } } },
        ...problems,
      },
    },
  },
  async handle(ctx) {
    const { webhook_id, from_date, to_date } = ctx.body;
    return { body: await ctx.world.events.replays.start(ctx.principal.app, ctx.policy, webhook_id, from_date, to_date) };
  },
});

export const webhookRoutes: readonly ApiRoute[] = [createWebhook, listWebhooks, replayWebhook, validateWebhook, deleteWebhook];
