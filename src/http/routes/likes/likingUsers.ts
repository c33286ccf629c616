// GET /2/tweets/:id/liking_users: the users who liked a Tweet, newest like first.
import { ACCEPTED } from '../../../domain/fields.ts';
import { showsLikeCounts } from '../../../domain/likeKeys.ts';
import { arrayOf, ref } from '../../../domain/schemas.ts';
import { apiRoute } from '../../routeSpec.ts';
import { cursorOf, list, maxResults, meta, paginationToken, selection, tweetIdPath, viewerOf } from './common.ts';

export const Get2TweetsIdLikingUsersResponse = {
  type: 'object',
  properties: { data: arrayOf(ref('User')), includes: ref('Expansions'), errors: arrayOf(ref('Problem')), meta },
} as const;

export const likingUsers = apiRoute({
    method: 'GET',
    path: '/2/tweets/:id/liking_users',
    operationId: 'tweetsIdLikingUsers',
    summary: 'Returns a list of Users that have liked the provided Tweet ID',
    tag: 'Likes',
    endpoint: 'liking_users',
    pathParams: [tweetIdPath],
    query: [
      maxResults(1),
      paginationToken,
      list('expansions', ACCEPTED.userExpansions, 'fields to expand'),
      list('tweet.fields', ACCEPTED.tweetFields, 'Tweet fields to display'),
      list('user.fields', ACCEPTED.userFields, 'User fields to display'),
      list('post.fields', ACCEPTED.tweetFields, 'Post fields to display (v2.167 name of tweet.fields)'),
    ],
    response: { name: 'Get2TweetsIdLikingUsersResponse', schema: Get2TweetsIdLikingUsersResponse },
    cacheable: true,
    async handle(ctx) {
      const fields = selection(ctx.query);
      const body = await ctx.world.likes.likingUsers(viewerOf(ctx), ctx.policy, ctx.path.id, {
        maxResults: ctx.query.max_results,
        cursor: cursorOf(ctx.query),
        selection: fields,
      });
      return { body, showsLikeCounts: showsLikeCounts(fields) };
    },
  });
