// The likes streams (docs/reference/x-events.md §4.2, §4.3): GET /2/likes/firehose/stream (every public like, on
// one of 20 partitions), /2/likes/sample10/stream (a stable 10% of them, on one of 2 partitions) and
// /2/likes/compliance/stream (unlikes). Payloads and partitions are likesStreamPayload.ts's.
import type { ParamSpec } from '../../params.ts';
import { apiRoute, type ApiContext, type ApiRoute } from '../../routeSpec.ts';
import { MEDIA_FIELDS, TWEET_FIELDS, USER_FIELDS, resolveAliases } from '../../../domain/fields.ts';
import { recordsFor, type EventRecords } from '../../../domain/events/feeds.ts';
import {
  FIREHOSE_PARTITIONS, LIKE_WITH_TWEET_AUTHOR_FIELDS, SAMPLE10_PARTITIONS, firehosePartition, inSample10,
  likeComplianceEvent, likeStreamEvent, sample10Partition,
} from '../../../domain/events/likesStreamPayload.ts';
import type { OutboxEvent } from '../../../domain/events/records.ts';
import { arrayOf, ref } from '../../../domain/schemas.ts';
import { backfillMinutes, endTime, openStream, startTime, type Deliver } from './connections.ts';

const list = <const N extends string, const V extends readonly string[]>(name: N, values: V, what: string) =>
  ({ kind: 'list', name, values, description: `A comma separated list of ${what}.` }) as const satisfies ParamSpec;
const partitionOf = (max: number) =>
  ({ kind: 'int', name: 'partition', min: 1, max, required: true, description: 'The partition number.' }) as const satisfies ParamSpec;

/** `tweet.fields` of these streams in X's OpenAPI: the v2.159 names and three of v2.167's. */
const STREAM_TWEET_FIELDS = [...TWEET_FIELDS, 'matched_media_notes', 'note_request_suggestions', 'paid_partnership'].sort();
const EXPANSIONS = ['attachments.media_keys', 'liked_tweet_author_id', 'liked_tweet_id'] as const;

/** The query both like streams take, in X's order. */
const likeQuery = (partitions: number) => [
  backfillMinutes,
  partitionOf(partitions),
  startTime,
  endTime,
  list('like_with_tweet_author.fields', LIKE_WITH_TWEET_AUTHOR_FIELDS, 'LikeWithTweetAuthor fields to display'),
  list('expansions', EXPANSIONS, 'fields to expand'),
  list('media.fields', MEDIA_FIELDS, 'Media fields to display'),
  list('user.fields', USER_FIELDS, 'User fields to display'),
  list('tweet.fields', STREAM_TWEET_FIELDS, 'Tweet fields to display'),
] as const;

type LikeQuery = {
  'like_with_tweet_author.fields'?: readonly string[];
  expansions?: readonly string[];
  'user.fields'?: readonly string[];
  'tweet.fields'?: readonly string[];
};

const LikeWithPostAuthor = {
  type: 'object',
  properties: {
    created_at: { type: 'string', format: 'date-time' }, id: { type: 'string' }, liked_tweet_id: { type: 'string' },
    timestamp_ms: { type: 'integer' }, tweet_author_id: { type: 'string' },
  },
} as const;

const likeResponse = (name: string) => ({
  name,
  schema: { type: 'object', properties: { data: LikeWithPostAuthor, errors: arrayOf(ref('Problem')), includes: ref('Expansions') } },
});

/**
 * A like the public streams may carry: its Tweet still there, and neither its liker nor the Tweet's author
 * protected or suspended ("all public like events").
 */
function isPublic(event: OutboxEvent, records: EventRecords): boolean {
  const tweet = records.tweets.get(event.tweetId);
  const liker = records.users.get(event.userId);
  const author = records.users.get(event.authorId);
  return !!tweet && !tweet.deleted && !!liker && !!author && !liker.protected && !liker.suspended && !author.protected && !author.suspended;
}

/** Writes the likes `inStream` keeps, as `likeStreamEvent` with the fields and expansions asked for. */
function likesOf(ctx: Pick<ApiContext, 'world' | 'principal' | 'policy'>, query: LikeQuery, inStream: (e: OutboxEvent) => boolean): Deliver {
  const { world } = ctx;
  const appId = ctx.principal.app.id;
  const fields = new Set(query['like_with_tweet_author.fields'] ?? []);
  const expansions = new Set(query.expansions ?? []);
  const tweetFields = resolveAliases(query['tweet.fields']);
  const userFields = resolveAliases(query['user.fields']);
  return async (batch, sink) => {
    const likes = batch.filter((e) => e.kind === 'like' && inStream(e));
    if (likes.length === 0) return;
    const records = await recordsFor(world.store, likes);
    for (const event of likes) {
      if (!isPublic(event, records)) continue;
      const line = likeStreamEvent(event, {
        fields,
        tweet: expansions.has('liked_tweet_id') ? records.tweets.get(event.tweetId) : undefined,
        author: expansions.has('liked_tweet_author_id') ? records.users.get(event.authorId) : undefined,
        tweetFields, userFields, metricNames: ctx.policy.metricNames,
      });
      if (!sink.write(JSON.stringify(line))) return;
      world.events.delivered(appId, event);
    }
  };
}

const common = { method: 'GET', tag: 'Likes Streams', pathParams: [] } as const;

const firehose = apiRoute({
  ...common,
  path: '/2/likes/firehose/stream',
  operationId: 'streamLikesFirehose',
  summary: 'Streams all public Likes in real-time',
  endpoint: 'likes_firehose',
  query: likeQuery(FIREHOSE_PARTITIONS),
  response: likeResponse('StreamLikesFirehoseResponse'),
  async handle(ctx) {
    const { partition } = ctx.query;
    return openStream(ctx, '/2/likes/firehose/stream', partition, ctx.query,
      likesOf(ctx, ctx.query, (e) => firehosePartition(e) === partition));
  },
});

const sample10 = apiRoute({
  ...common,
  path: '/2/likes/sample10/stream',
  operationId: 'streamLikesSample10',
  summary: 'Streams a 10% sample of public Likes in real-time',
  endpoint: 'likes_sample10',
  query: likeQuery(SAMPLE10_PARTITIONS),
  response: likeResponse('StreamLikesSample10Response'),
  async handle(ctx) {
    const { partition } = ctx.query;
    return openStream(ctx, '/2/likes/sample10/stream', partition, ctx.query,
      likesOf(ctx, ctx.query, (e) => inSample10(e) && sample10Partition(e) === partition));
  },
});

export const StreamLikesComplianceResponse = {
  type: 'object',
  properties: {
    data: {
      type: 'object',
      required: ['delete'],
      properties: {
        delete: {
          type: 'object',
          required: ['favorite', 'event_at'],
          properties: {
            event_at: { type: 'string', format: 'date-time' },
            favorite: { type: 'object', required: ['id', 'user_id'], properties: { id: { type: 'string' }, user_id: { type: 'string' } } },
          },
        },
      },
    },
    errors: arrayOf(ref('Problem')),
  },
} as const;

const compliance = apiRoute({
  ...common,
  path: '/2/likes/compliance/stream',
  operationId: 'streamLikesCompliance',
  summary: 'Streams all compliance data related to Likes for Users',
  endpoint: 'likes_compliance',
  query: [backfillMinutes, startTime, endTime],
  response: { name: 'StreamLikesComplianceResponse', schema: StreamLikesComplianceResponse },
  async handle(ctx) {
    const { world } = ctx;
    return openStream(ctx, '/2/likes/compliance/stream', null, ctx.query, async (batch, sink) => {
      const unlikes = batch.filter((e) => e.kind === 'unlike');
      if (unlikes.length === 0) return;
      const { users } = await recordsFor(world.store, unlikes);
      for (const event of unlikes) {
        // A protected account's likes were never public: neither is their undoing. A user gone since is no reason
        // to hold the deletion back.
        if (users.get(event.userId)?.protected || users.get(event.authorId)?.protected) continue;
        // Not billed: an unlike carries no Post.
        if (!sink.write(JSON.stringify(likeComplianceEvent(event)))) return;
      }
    });
  },
});

export const likesStreamRoutes: readonly ApiRoute[] = [firehose, sample10, compliance];
