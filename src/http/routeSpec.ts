import type { Principal } from '../domain/principal.ts';
import type { EndpointId } from '../domain/access.ts';
import type { Policy, ProjectRecord } from '../domain/model.ts';
import type { ParamSpec, ParsedQuery, PathParamSpec } from './params.ts';

type Json = Record<string, unknown>;

/** What a handler of an X API route is given once the request has passed auth, limits and validation. */
export interface ApiContext {
  principal: Principal;
  project: ProjectRecord;
  policy: Policy;
  /** The authenticated user, or null for app-only requests. */
  userId: string | null;
  path: Record<string, string>;
  query: ParsedQuery;
  /** The request body as sent (routes with a body schema parse it themselves). */
  rawBody: string | undefined;
  contentType: string | undefined;
  now: number;
}

export interface ApiResult {
  body: Json;
  /** Tweets the response returned (routes that count against the monthly Tweet cap). */
  tweetCount?: number;
}

/** One X API route: its schema (validation + OpenAPI) and its handler. */
export interface ApiRoute {
  method: 'GET' | 'POST' | 'DELETE';
  /** Fastify-style path, e.g. /2/users/:id/liked_tweets */
  path: string;
  operationId: string;
  summary: string;
  tag: string;
  endpoint: EndpointId;
  pathParams: readonly PathParamSpec[];
  query: readonly ParamSpec[];
  /** JSON schema of the request body, for routes that take one. */
  body?: Json;
  /** JSON schema of the 200 response, for the OpenAPI document. */
  response: Json;
  /** Tweets it returns count against the Project's monthly Tweet cap. */
  countsTweets?: boolean;
  /** Its answer depends only on path, query, viewer, policy and the data: it may be served from the response cache. */
  cacheable?: boolean;
  handle(ctx: ApiContext): Promise<ApiResult>;
}
