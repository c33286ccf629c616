import { USAGE_FIELDS, type UsageService } from '../../domain/usage.ts';
import type { ApiRoute } from '../routeSpec.ts';
import { ref } from '../schemas.ts';

export function usageRoutes(usage: UsageService): ApiRoute[] {
  return [
    {
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
      response: ref('Get2UsageTweetsResponse'),
      async handle(ctx) {
        return { body: await usage.report(ctx.project, ctx.query.days as number, new Set((ctx.query['usage.fields'] as string[]) ?? []), ctx.now) };
      },
    },
  ];
}
