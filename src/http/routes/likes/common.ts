// What the Likes routes share: their parameter specs, the page `meta` schema, and the glue from a typed query to
// the LikesService's field selection and cursor.
import { decodeCursor, type Cursor } from '../../../domain/cursor.ts';
import { resolveAliases, type FieldSelection } from '../../../domain/fields.ts';
import { ID_PATTERN } from '../../../domain/ids.ts';
import type { Viewer } from '../../../domain/likes.ts';
import { invalidRequest } from '../../../domain/problems.ts';
import type { ParamSpec, PathParamSpec } from '../../params.ts';
import type { ApiContext } from '../../routeSpec.ts';

export const list = <const N extends string, const V extends readonly string[]>(name: N, values: V, what: string) =>
  ({ kind: 'list', name, values, description: `A comma separated list of ${what}.` }) as const satisfies ParamSpec;

export const maxResults = <const Min extends number>(min: Min) =>
  ({ kind: 'int', name: 'max_results', min, max: 100, default: 100, description: 'The maximum number of results.' }) as const satisfies ParamSpec;

export const paginationToken = {
  kind: 'token',
  name: 'pagination_token',
  description: 'Opaque token from meta.next_token or meta.previous_token of an earlier page.',
} as const satisfies ParamSpec;

export const userIdPath: PathParamSpec = { name: 'id', pattern: ID_PATTERN, description: 'The ID of the User.' };
export const tweetIdPath: PathParamSpec = { name: 'id', pattern: ID_PATTERN, description: 'The ID of the Tweet.' };

export const meta = {
  type: 'object',
  properties: {
    result_count: { type: 'integer' },
    next_token: { type: 'string', minLength: 1 },
    previous_token: { type: 'string', minLength: 1 },
  },
} as const;

/** The list parameters a selection is made of; a route declares those it takes. */
type SelectionQuery = {
  [K in 'tweet.fields' | 'post.fields' | 'user.fields' | 'media.fields' | 'place.fields' | 'poll.fields' | 'expansions']?: readonly string[];
};

/** Selections by the parsed query they were made of: a query string seen before parses to the same (frozen) object. */
const selections = new WeakMap<SelectionQuery, FieldSelection>();

export function selection(q: SelectionQuery): FieldSelection {
  let made = selections.get(q);
  if (made === undefined) selections.set(q, (made = selectionOf(q)));
  return made;
}

function selectionOf(q: SelectionQuery): FieldSelection {
  const tweet = resolveAliases([...(q['tweet.fields'] ?? []), ...(q['post.fields'] ?? [])]);
  return {
    tweet,
    user: resolveAliases(q['user.fields']),
    media: resolveAliases(q['media.fields']),
    place: resolveAliases(q['place.fields']),
    poll: resolveAliases(q['poll.fields']),
    expansions: resolveAliases(q.expansions),
  };
}

export function cursorOf(q: { pagination_token?: string }): Cursor | null {
  const token = q.pagination_token;
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

export const viewerOf = (ctx: Pick<ApiContext, 'userId'>): Viewer => ({ userId: ctx.userId });
