import { USAGE_FIELDS } from '../../domain/usage.ts';
import { arrayOf, ref } from '../../domain/schemas.ts';
import { apiRoute, type ApiRoute } from '../routeSpec.ts';

export const Get2UsageTweetsResponse = {
  type: 'object',
  properties: {
    data: {
      type: 'object',
      properties: {
        cap_reset_day: { type: 'integer' },
        project_cap: { type: 'string' },
        project_id: { type: 'string' },
        project_usage: { type: 'string' },
        daily_project_usage: { type: 'object' },
        daily_client_app_usage: { type: 'array' },
      },
    },
    errors: arrayOf(ref('Problem')),
  },
} as const;

export const usageRoutes: readonly ApiRoute[] = [
  apiRoute({
    method: 'GET',
    path: '/2/usage/tweets',
    operationId: 'getUsage',
    summary: 'Returns the Tweet usage of the Project of the authenticating App',
    tag: 'Usage',
    endpoint: 'usage_tweets',
    pathParams: [],
    query: [
      { kind: 'int', name: 'days', min: 1, max: 90, default: 7, description: 'The number of days for which you need usage for.' },
      { kind: 'list', name: 'usage.fields', values: USAGE_FIELDS, description: 'A comma separated list of Usage fields to display.' },
    ],
    response: { name: 'Get2UsageTweetsResponse', schema: Get2UsageTweetsResponse },
    async handle(ctx) {
      return { body: await ctx.world.usage.report(ctx.project, ctx.query.days, new Set(ctx.query['usage.fields'] ?? []), ctx.now) };
    },
  }),
];
