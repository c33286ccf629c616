// /2/activity/subscriptions: X Activity API subscriptions (docs/reference/x-events.md §2.2–2.5), with the reply
// shapes of X's OpenAPI (`data.subscription{…}`).
import { apiRoute, type ApiRoute } from '../../routeSpec.ts';
import { arrayOf, ref } from '../../../domain/schemas.ts';
import { eventFailure } from '../../../domain/events/eventProblems.ts';

const ID = '^[0-9]{1,19}$';
const subscriptionIdPath = { name: 'subscription_id', pattern: /^[0-9]{1,19}$/, description: 'The ID of the subscription.' } as const;
const problems = { errors: arrayOf(ref('Problem')) };

const Subscription = {
  type: 'object',
  properties: {
    subscription_id: { type: 'string' }, event_type: { type: 'string' },
    filter: { type: 'object', properties: { user_id: { type: 'string' }, direction: { type: 'string' }, keyword: { type: 'string' } } },
    tag: { type: 'string' }, webhook_id: { type: 'string' }, created_at: { type: 'string' }, updated_at: { type: 'string' },
  },
} as const;

export const CreateActivitySubscriptionRequest = {
  type: 'object',
  required: ['event_type', 'filter'],
  additionalProperties: false,
  properties: {
    event_type: { type: 'string', minLength: 1 },
    filter: {
      type: 'object',
      additionalProperties: false,
      properties: {
        user_id: { type: 'string', pattern: ID },
        direction: { type: 'string', enum: ['inbound', 'outbound'] },
        keyword: { type: 'string' },
      },
    },
    tag: { type: 'string', minLength: 1, maxLength: 200 },
    webhook_id: { type: 'string', pattern: ID },
  },
} as const;

export const UpdateActivitySubscriptionRequest = {
  type: 'object',
  additionalProperties: false,
  properties: {
    tag: { type: 'string', minLength: 1, maxLength: 200 },
    webhook_id: { type: 'string', pattern: ID },
  },
} as const;

const common = { tag: 'Activity' } as const;

const createSubscription = apiRoute({
  ...common,
  method: 'POST',
  path: '/2/activity/subscriptions',
  operationId: 'createActivitySubscription',
  summary: 'Subscribes to like.create events of a user who authorized the App',
  endpoint: 'activity_subscriptions_create',
  pathParams: [],
  query: [],
  body: { name: 'CreateActivitySubscriptionRequest', schema: CreateActivitySubscriptionRequest },
  response: {
    name: 'CreateActivitySubscriptionResponse',
    schema: { type: 'object', properties: { data: { type: 'object', properties: { subscription: Subscription } }, meta: { type: 'object' }, ...problems } },
  },
  async handle(ctx) {
    return { body: await ctx.world.events.activity.create(ctx.principal, ctx.policy, ctx.body) };
  },
});

const listSubscriptions = apiRoute({
  ...common,
  method: 'GET',
  path: '/2/activity/subscriptions',
  operationId: 'getActivitySubscriptions',
  summary: "The App's X Activity API subscriptions",
  endpoint: 'activity_subscriptions_list',
  pathParams: [],
  query: [
    { kind: 'int', name: 'max_results', min: 1, max: 1000, default: 100, description: 'The maximum number of results.' },
    { kind: 'token', name: 'pagination_token', description: 'The next page of results.' },
  ],
  response: {
    name: 'GetActivitySubscriptionsResponse',
    schema: { type: 'object', properties: { data: arrayOf(Subscription), meta: { type: 'object' }, ...problems } },
  },
  async handle(ctx) {
    return { body: await ctx.world.events.activity.list(ctx.principal.app, ctx.query.max_results, ctx.query.pagination_token) };
  },
});

const updateSubscription = apiRoute({
  ...common,
  method: 'PUT',
  path: '/2/activity/subscriptions/:subscription_id',
  operationId: 'updateActivitySubscription',
  summary: "Changes a subscription's tag or webhook",
  endpoint: 'activity_subscriptions_update',
  pathParams: [subscriptionIdPath],
  query: [],
  body: { name: 'UpdateActivitySubscriptionRequest', schema: UpdateActivitySubscriptionRequest },
  response: {
    name: 'UpdateActivitySubscriptionResponse',
    schema: { type: 'object', properties: { data: { type: 'object', properties: { subscription: Subscription, total_subscriptions: { type: 'integer' } } }, ...problems } },
  },
  async handle(ctx) {
    return { body: await ctx.world.events.activity.update(ctx.principal.app, ctx.path.subscription_id, ctx.body) };
  },
});

const deleteSubscription = apiRoute({
  ...common,
  method: 'DELETE',
  path: '/2/activity/subscriptions/:subscription_id',
  operationId: 'deleteActivitySubscription',
  summary: 'Deletes a subscription',
  endpoint: 'activity_subscriptions_delete',
  pathParams: [subscriptionIdPath],
  query: [],
  response: {
    name: 'DeleteActivitySubscriptionResponse',
    schema: { type: 'object', properties: { data: { type: 'object', properties: { deleted: { type: 'boolean' }, total_subscriptions: { type: 'integer' } } }, ...problems } },
  },
  async handle(ctx) {
    return { body: await ctx.world.events.activity.delete(ctx.principal.app, ctx.path.subscription_id) };
  },
});

const deleteSubscriptions = apiRoute({
  ...common,
  method: 'DELETE',
  path: '/2/activity/subscriptions',
  operationId: 'deleteActivitySubscriptionsByIds',
  summary: 'Deletes several subscriptions',
  endpoint: 'activity_subscriptions_delete',
  pathParams: [],
  query: [{ kind: 'token', name: 'ids', description: 'Comma-separated subscription IDs (at most 100).' }],
  response: {
    name: 'DeleteActivitySubscriptionsByIdsResponse',
    schema: {
      type: 'object',
      properties: {
        data: arrayOf({ type: 'object', properties: { subscription_id: { type: 'string' }, deleted: { type: 'boolean' } } }),
        errors: arrayOf({ type: 'object', properties: { subscription_id: { type: 'string' }, reason: { type: 'string' }, message: { type: 'string' } } }),
        meta: { type: 'object', properties: { total_subscriptions: { type: 'integer' } } },
      },
    },
  },
  async handle(ctx) {
    const ids = (ctx.query.ids ?? '').split(',').filter((id) => id !== '');
    if (ids.length === 0 || ids.length > 100 || ids.some((id) => !/^[0-9]{1,19}$/.test(id))) {
      throw eventFailure('QueryParamInvalid', 'ids must be 1 to 100 comma-separated subscription IDs');
    }
    return { body: await ctx.world.events.activity.deleteMany(ctx.principal.app, ids) };
  },
});

export const activitySubscriptionRoutes: readonly ApiRoute[] = [
  createSubscription, listSubscriptions, deleteSubscriptions, updateSubscription, deleteSubscription,
];
