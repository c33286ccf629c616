// DELETE /2/users/:id/likes/:tweet_id: the authenticated user unlikes a Tweet.
import { ID_PATTERN } from '../../../domain/ids.ts';
import { arrayOf, ref } from '../../../domain/schemas.ts';
import { apiRoute } from '../../routeSpec.ts';
import { viewerOf } from './common.ts';

export const UsersLikesDeleteResponse = {
  type: 'object',
  properties: { data: { type: 'object', properties: { liked: { type: 'boolean' } } }, errors: arrayOf(ref('Problem')) },
} as const;

export const unlike = apiRoute({
    method: 'DELETE',
    path: '/2/users/:id/likes/:tweet_id',
    operationId: 'usersIdUnlike',
    summary: 'Causes the User (in the path) to unlike the specified Tweet',
    tag: 'Likes',
    endpoint: 'unlike',
    pathParams: [
      { name: 'id', pattern: ID_PATTERN, description: 'The ID of the authenticated source User that is requesting to unlike the Tweet.' },
      { name: 'tweet_id', pattern: ID_PATTERN, description: 'The ID of the Tweet that the User is requesting to unlike.' },
    ],
    query: [],
    response: { name: 'UsersLikesDeleteResponse', schema: UsersLikesDeleteResponse },
    async handle(ctx) {
      return { body: await ctx.world.likes.unlike(viewerOf(ctx), ctx.path.id, ctx.path.tweet_id) };
    },
  });
