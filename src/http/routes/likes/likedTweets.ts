// GET /2/users/:id/liked_tweets: the Tweets a user liked, newest first.
import { ACCEPTED } from '../../../domain/fields.ts';
import { showsLikeCounts } from '../../../domain/likeKeys.ts';
import { arrayOf, ref } from '../../../domain/schemas.ts';
import { apiRoute } from '../../routeSpec.ts';
import { cursorOf, list, maxResults, meta, paginationToken, selection, userIdPath, viewerOf } from './common.ts';

export const Get2UsersIdLikedTweetsResponse = {
  type: 'object',
  properties: { data: arrayOf(ref('Tweet')), includes: ref('Expansions'), errors: arrayOf(ref('Problem')), meta },
} as const;

export const likedTweets = apiRoute({
    method: 'GET',
    path: '/2/users/:id/liked_tweets',
    operationId: 'usersIdLikedTweets',
    summary: 'Returns Tweet objects liked by the provided User ID',
    tag: 'Likes',
    endpoint: 'liked_tweets',
    pathParams: [userIdPath],
    query: [
      maxResults(5),
      paginationToken,
      list('expansions', ACCEPTED.tweetExpansions, 'fields to expand'),
      list('tweet.fields', ACCEPTED.tweetFields, 'Tweet fields to display'),
      list('media.fields', ACCEPTED.mediaFields, 'Media fields to display'),
      list('poll.fields', ACCEPTED.pollFields, 'Poll fields to display'),
      list('place.fields', ACCEPTED.placeFields, 'Place fields to display'),
      list('user.fields', ACCEPTED.userFields, 'User fields to display'),
      list('post.fields', ACCEPTED.tweetFields, 'Post fields to display (v2.167 name of tweet.fields)'),
    ],
    response: { name: 'Get2UsersIdLikedTweetsResponse', schema: Get2UsersIdLikedTweetsResponse },
    countsTweets: true,
    cacheable: true,
    async handle(ctx) {
      const fields = selection(ctx.query);
      const result = await ctx.world.likes.likedTweets(viewerOf(ctx), ctx.policy, ctx.path.id, {
        maxResults: ctx.query.max_results,
        cursor: cursorOf(ctx.query),
        selection: fields,
      });
      return { ...result, showsLikeCounts: showsLikeCounts(fields) };
    },
  });
