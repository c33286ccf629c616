// The four Likes routes: schemas (validation + OpenAPI) and the glue from HTTP to the LikesService.
import { decodeCursor } from '../../domain/cursor.ts';
import { ACCEPTED, resolveAliases, type FieldSelection } from '../../domain/fields.ts';
import { ID_PATTERN } from '../../domain/ids.ts';
import type { LikesService } from '../../domain/likes.ts';
import { INVALID_REQUEST_DETAIL, PROBLEM_BASE, ApiProblem, invalidRequest } from '../../domain/problems.ts';
import { parseJsonBody } from '../jsonBody.ts';
import type { ParamSpec, ParsedQuery, PathParamSpec } from '../params.ts';
import type { ApiContext, ApiRoute } from '../routeSpec.ts';
import { ref } from '../schemas.ts';

const list = (name: string, values: readonly string[], what: string): ParamSpec => ({
  kind: 'list',
  name,
  values,
  description: `A comma separated list of ${what}.`,
});

const paginationToken: ParamSpec = {
  kind: 'token',
  name: 'pagination_token',
  description: 'Opaque token from meta.next_token or meta.previous_token of an earlier page.',
};

const tweetFields = list('tweet.fields', ACCEPTED.tweetFields, 'Tweet fields to display');
const postFields = list('post.fields', ACCEPTED.tweetFields, 'Post fields to display (v2.167 name of tweet.fields)');
const userFields = list('user.fields', ACCEPTED.userFields, 'User fields to display');

const userId: PathParamSpec = { name: 'id', pattern: ID_PATTERN, description: 'The ID of the User.' };
const tweetIdPath: PathParamSpec = { name: 'id', pattern: ID_PATTERN, description: 'The ID of the Tweet.' };

function selection(q: ParsedQuery, expansionsKey = 'expansions'): FieldSelection {
  const tweet = resolveAliases([...((q['tweet.fields'] as string[]) ?? []), ...((q['post.fields'] as string[]) ?? [])]);
  return {
    tweet,
    user: resolveAliases(q['user.fields'] as string[] | undefined),
    media: resolveAliases(q['media.fields'] as string[] | undefined),
    place: resolveAliases(q['place.fields'] as string[] | undefined),
    poll: resolveAliases(q['poll.fields'] as string[] | undefined),
    expansions: resolveAliases(q[expansionsKey] as string[] | undefined),
  };
}

function cursorOf(q: ParsedQuery) {
  const token = q.pagination_token as string | undefined;
  if (token === undefined) return null;
  const cursor = decodeCursor(token);
  if (!cursor) {
    throw invalidRequest([
      {
        parameters: { pagination_token: [token] },
        message: `The \`pagination_token\` query parameter value [${token}] is not a valid token.`,
      },
    ]);
  }
  return cursor;
}

const viewerOf = (ctx: ApiContext) => ({ userId: ctx.userId });

const badBody = (message: string, parameters: Record<string, string[]> = {}): ApiProblem =>
  new ApiProblem(400, {
    errors: [{ parameters, message }],
    title: 'Invalid Request',
    detail: INVALID_REQUEST_DETAIL,
    type: `${PROBLEM_BASE}invalid-request`,
  });

/** POST likes takes `{"tweet_id":"…"}` as JSON and nothing else. */
function tweetIdFromBody(ctx: ApiContext): string {
  const type = (ctx.contentType ?? '').split(';')[0].trim().toLowerCase();
  if (type !== 'application/json') throw badBody('Requests with bodies must have content-type of application/json.');
  // Bounded before parsing: a body nested or long past any real one is refused like unparsable JSON.
  const parsed = parseJsonBody(ctx.rawBody ?? '');
  if (!parsed) throw badBody('The request body is not valid JSON.');
  const body = parsed.value;
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw badBody('The request body must be a JSON object.');
  const value = (body as Record<string, unknown>).tweet_id;
  if (value === undefined) throw badBody('The `tweet_id` body parameter is missing.', { tweet_id: [] });
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  if (typeof value !== 'string' || !ID_PATTERN.test(value)) {
    throw badBody(`The \`tweet_id\` body parameter value [${text}] does not match ${ID_PATTERN.source}`, { tweet_id: [text] });
  }
  return value;
}

export function likesRoutes(likes: LikesService): ApiRoute[] {
  return [
    {
      method: 'GET',
      path: '/2/users/:id/liked_tweets',
      operationId: 'usersIdLikedTweets',
      summary: 'Returns Tweet objects liked by the provided User ID',
      tag: 'Likes',
      endpoint: 'liked_tweets',
      pathParams: [userId],
      query: [
        { kind: 'int', name: 'max_results', min: 5, max: 100, default: 100, description: 'The maximum number of results.' },
        paginationToken,
        list('expansions', ACCEPTED.tweetExpansions, 'fields to expand'),
        tweetFields,
        list('media.fields', ACCEPTED.mediaFields, 'Media fields to display'),
        list('poll.fields', ACCEPTED.pollFields, 'Poll fields to display'),
        list('place.fields', ACCEPTED.placeFields, 'Place fields to display'),
        userFields,
        postFields,
      ],
      response: ref('Get2UsersIdLikedTweetsResponse'),
      countsTweets: true,
      cacheable: true,
      async handle(ctx) {
        return likes.likedTweets(viewerOf(ctx), ctx.policy, ctx.path.id, {
          maxResults: ctx.query.max_results as number,
          cursor: cursorOf(ctx.query),
          selection: selection(ctx.query),
        });
      },
    },
    {
      method: 'GET',
      path: '/2/tweets/:id/liking_users',
      operationId: 'tweetsIdLikingUsers',
      summary: 'Returns a list of Users that have liked the provided Tweet ID',
      tag: 'Likes',
      endpoint: 'liking_users',
      pathParams: [tweetIdPath],
      query: [
        { kind: 'int', name: 'max_results', min: 1, max: 100, default: 100, description: 'The maximum number of results.' },
        paginationToken,
        list('expansions', ACCEPTED.userExpansions, 'fields to expand'),
        tweetFields,
        userFields,
        postFields,
      ],
      response: ref('Get2TweetsIdLikingUsersResponse'),
      cacheable: true,
      async handle(ctx) {
        const body = await likes.likingUsers(viewerOf(ctx), ctx.policy, ctx.path.id, {
          maxResults: ctx.query.max_results as number,
          cursor: cursorOf(ctx.query),
          selection: selection(ctx.query),
        });
        return { body };
      },
    },
    {
      method: 'POST',
      path: '/2/users/:id/likes',
      operationId: 'usersIdLike',
      summary: 'Causes the User (in the path) to like the specified Tweet',
      tag: 'Likes',
      endpoint: 'like',
      pathParams: [{ name: 'id', pattern: ID_PATTERN, description: 'The ID of the authenticated source User that is requesting to like the Tweet.' }],
      query: [],
      body: ref('UsersLikesCreateRequest'),
      response: ref('UsersLikesCreateResponse'),
      async handle(ctx) {
        return { body: await likes.like(viewerOf(ctx), ctx.path.id, tweetIdFromBody(ctx)) };
      },
    },
    {
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
      response: ref('UsersLikesDeleteResponse'),
      async handle(ctx) {
        return { body: await likes.unlike(viewerOf(ctx), ctx.path.id, ctx.path.tweet_id) };
      },
    },
  ];
}
