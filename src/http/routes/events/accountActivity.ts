// /2/account_activity: Account Activity API subscriptions (docs/reference/x-events.md §3.1–3.2), with the reply
// shapes of X's OpenAPI. Subscribing and checking a subscription take the subscribing user's token (OAuth 1.0a or
// OAuth 2.0 user context); listing, counting and removing take the App's Bearer token.
import { apiRoute, type ApiRoute } from '../../routeSpec.ts';
import type { BodySchema } from '../../bodySchema.ts';
import { arrayOf, ref } from '../../../domain/schemas.ts';
import { ID_PATTERN } from '../../../domain/ids.ts';

const webhookIdPath = { name: 'webhook_id', pattern: /^[0-9]{1,19}$/, description: 'The ID of the webhook.' } as const;
const userIdPath = { name: 'user_id', pattern: ID_PATTERN, description: 'The ID of the user to unsubscribe.' } as const;
const problems = { errors: arrayOf(ref('Problem')) };

/** X's create body: an empty object (members other than none are not refused: X's schema does not close it). */
export const CreateAccountActivitySubscriptionRequest = { type: 'object', properties: {} } as const satisfies BodySchema;

const Subscribed = {
  type: 'object',
  required: ['subscribed'],
  properties: { subscribed: { type: 'boolean' } },
} as const;

const common = { tag: 'Account Activity', query: [] } as const;

/** X's OpenAPI requires `{}`, X's quickstart sends no body at all: both are taken. */
const subscribe = apiRoute({
  ...common,
  method: 'POST',
  path: '/2/account_activity/webhooks/:webhook_id/subscriptions/all',
  operationId: 'createAccountActivitySubscription',
  summary: "Subscribes the authenticating user's account activity to the webhook",
  endpoint: 'account_activity_subscribe',
  pathParams: [webhookIdPath],
  body: { name: 'CreateAccountActivitySubscriptionRequest', schema: CreateAccountActivitySubscriptionRequest, optional: true },
  response: { name: 'CreateAccountActivitySubscriptionResponse', schema: { type: 'object', properties: { data: Subscribed, ...problems } } },
  async handle(ctx) {
    return { body: await ctx.world.events.accountActivity.subscribe(ctx.principal, ctx.policy, ctx.path.webhook_id) };
  },
});

const validate = apiRoute({
  ...common,
  method: 'GET',
  path: '/2/account_activity/webhooks/:webhook_id/subscriptions/all',
  operationId: 'validateAccountActivitySubscription',
  summary: 'Whether the authenticating user is subscribed to the webhook',
  endpoint: 'account_activity_validate',
  pathParams: [webhookIdPath],
  response: { name: 'ValidateAccountActivitySubscriptionResponse', schema: { type: 'object', properties: { data: Subscribed, ...problems } } },
  async handle(ctx) {
    return { body: await ctx.world.events.accountActivity.validate(ctx.principal, ctx.path.webhook_id) };
  },
});

const list = apiRoute({
  ...common,
  method: 'GET',
  path: '/2/account_activity/webhooks/:webhook_id/subscriptions/all/list',
  operationId: 'getAccountActivitySubscriptions',
  summary: "The users subscribed to the webhook's account activity",
  endpoint: 'account_activity_list',
  pathParams: [webhookIdPath],
  response: {
    name: 'GetAccountActivitySubscriptionsResponse',
    schema: {
      type: 'object',
      properties: {
        data: {
          type: 'object',
          properties: {
            application_id: { type: 'string' },
            subscriptions: {
              type: 'array',
              items: { type: 'object', properties: { user_id: { type: 'string' } }, additionalProperties: false },
            },
            webhook_id: { type: 'string' },
            webhook_url: { type: 'string' },
          },
        },
        ...problems,
      },
    },
  },
  async handle(ctx) {
    return { body: await ctx.world.events.accountActivity.list(ctx.principal.app, ctx.path.webhook_id) };
  },
});

const count = apiRoute({
  ...common,
  method: 'GET',
  path: '/2/account_activity/subscriptions/count',
  operationId: 'getAccountActivitySubscriptionCount',
  summary: "How many Account Activity subscriptions the App has, and may have",
  endpoint: 'account_activity_count',
  pathParams: [],
  response: {
    name: 'GetAccountActivitySubscriptionCountResponse',
    schema: {
      type: 'object',
      properties: {
        data: {
          type: 'object',
          properties: {
            account_name: { type: 'string' },
            provisioned_count: { type: 'string' },
            subscriptions_count_all: { type: 'string' },
            subscriptions_count_direct_messages: { type: 'string' },
          },
        },
        ...problems,
      },
    },
  },
  async handle(ctx) {
    return { body: await ctx.world.events.accountActivity.count(ctx.principal.app, ctx.policy) };
  },
});

const unsubscribe = apiRoute({
  ...common,
  method: 'DELETE',
  path: '/2/account_activity/webhooks/:webhook_id/subscriptions/:user_id/all',
  operationId: 'deleteAccountActivitySubscription',
  summary: "Ends a user's Account Activity subscription on the webhook",
  endpoint: 'account_activity_delete',
  pathParams: [webhookIdPath, userIdPath],
  response: { name: 'DeleteAccountActivitySubscriptionResponse', schema: { type: 'object', properties: { data: Subscribed, ...problems } } },
  async handle(ctx) {
    return { body: await ctx.world.events.accountActivity.unsubscribe(ctx.principal.app, ctx.path.webhook_id, ctx.path.user_id) };
  },
});

export const accountActivityRoutes: readonly ApiRoute[] = [subscribe, validate, list, count, unsubscribe];
