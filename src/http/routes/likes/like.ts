// POST /2/users/:id/likes: the authenticated user likes a Tweet; its body is read against its own schema.
import { ID_PATTERN } from '../../../domain/ids.ts';
import { arrayOf, id, ref } from '../../../domain/schemas.ts';
import { apiRoute } from '../../routeSpec.ts';
import { viewerOf } from './common.ts';

export const UsersLikesCreateRequest = {
  type: 'object',
  required: ['tweet_id'],
  properties: { tweet_id: id },
} as const;

export const UsersLikesCreateResponse = {
  type: 'object',
  properties: { data: { type: 'object', properties: { liked: { type: 'boolean' } } }, errors: arrayOf(ref('Problem')) },
} as const;

export const like = apiRoute({
    method: 'POST',
    path: '/2/users/:id/likes',
    operationId: 'usersIdLike',
    summary: 'Causes the User (in the path) to like the specified Tweet',
    tag: 'Likes',
    endpoint: 'like',
    pathParams: [{ name: 'id', pattern: ID_PATTERN, description: 'The ID of the authenticated source User that is requesting to like the Tweet.' }],
    query: [],
    body: { name: 'UsersLikesCreateRequest', schema: UsersLikesCreateRequest },
    response: { name: 'UsersLikesCreateResponse', schema: UsersLikesCreateResponse },
    async handle(ctx) {
      return { body: await ctx.world.likes.like(viewerOf(ctx), ctx.path.id, ctx.body.tweet_id) };
    },
  });
