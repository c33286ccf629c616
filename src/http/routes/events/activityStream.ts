// GET /2/activity/stream (docs/reference/x-events.md §2.7, §2.10): the events of all the App's X Activity API
// subscriptions, one JSON document per line, exactly the bodies its webhooks get (feeds.ts), whether or not a
// subscription has a webhook. Subscriptions are read again for each batch, so one made or deleted while the stream
// is open counts from then on.
import { apiRoute, type ApiRoute } from '../../routeSpec.ts';
import { matches, postsFor, recordsFor } from '../../../domain/events/feeds.ts';
import { arrayOf, ref } from '../../../domain/schemas.ts';
import { backfillMinutes, endTime, openStream, startTime } from './connections.ts';

export const ActivityStreamResponse = {
  type: 'object',
  properties: {
    data: {
      type: 'object',
      properties: {
        event_type: { type: 'string' }, event_uuid: { type: 'string' },
        filter: { type: 'object', properties: { user_id: { type: 'string' }, direction: { type: 'string' } } },
        includes: ref('Expansions'), payload: { type: 'object' }, tag: { type: 'string' },
      },
    },
    errors: arrayOf(ref('Problem')),
  },
} as const;

const activityStream = apiRoute({
  method: 'GET',
  path: '/2/activity/stream',
  operationId: 'activityStream',
  summary: "Streams the events of the App's X Activity API subscriptions",
  tag: 'Activity',
  endpoint: 'activity_stream',
  pathParams: [],
  query: [backfillMinutes, startTime, endTime],
  response: { name: 'ActivityStreamResponse', schema: ActivityStreamResponse },
  async handle(ctx) {
    const { world } = ctx;
    const appId = ctx.principal.app.id;
    return openStream(ctx, '/2/activity/stream', null, ctx.query, async (batch, sink) => {
      const likes = batch.filter((e) => e.kind === 'like');
      if (likes.length === 0) return;
      const subscriptions = await world.store.events.subscriptionsOfApp(appId, 'activity');
      const matched = likes.filter((e) => subscriptions.some((s) => matches(e, s)));
      if (matched.length === 0) return;
      const records = await recordsFor(world.store, matched);
      for (const event of matched) {
        for (const post of postsFor(event, subscriptions, records)) {
          if (!sink.write(post.render())) return;
          world.events.delivered(appId, event);
        }
      }
    });
  },
});

export const activityStreamRoutes: readonly ApiRoute[] = [activityStream];
