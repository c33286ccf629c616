import type { Principal } from '../domain/principal.ts';
import type { World } from '../worlds.ts';
import type { EndpointId } from '../domain/access.ts';
import type { Policy, ProjectRecord } from '../domain/model.ts';
import { readJsonBody, type BodyOf, type BodySchema } from './bodySchema.ts';
import { requestParamsParser, type ParamSpec, type PathParamSpec, type QueryOf } from './params.ts';

type Json = Record<string, unknown>;

/** What the pipeline knows of a request once it has passed auth and limits. */
export interface RequestContext {
  /** The world the request is served in: the services its handler uses. */
  world: World;
  principal: Principal;
  project: ProjectRecord;
  policy: Policy;
  /** The authenticated user, or null for app-only requests. */
  userId: string | null;
  /** The request body as sent (read against the route's body schema, if it has one). */
  rawBody: string | undefined;
  contentType: string | undefined;
  now: number;
}

/** What a route's handler is given: the request's query and body typed from the route's own specs. */
export interface ApiContext<Q = QueryOf<readonly ParamSpec[]>, B = undefined> extends Omit<RequestContext, 'rawBody' | 'contentType'> {
  path: Record<string, string>;
  query: Q;
  body: B;
}

export interface ApiResult {
  body: Json;
  /** Tweets the response returned (routes that count against the monthly Tweet cap). */
  tweetCount?: number;
  /**
   * Whether the answer shows like counts (src/domain/likeKeys.ts), so that a like of a Post or by a user it shows
   * changes it; unsaid, it is taken to.
   */
  showsLikeCounts?: boolean;
  /**
   * A streaming endpoint's answer: instead of `body`, a kept-open response of newline-delimited JSON written by
   * this function until it returns or the client goes (src/http/streaming.ts).
   */
  stream?: (sink: StreamSink) => Promise<void>;
}

/** Where a streaming endpoint writes: one JSON document per line, keep-alive newlines sent for it. */
export interface StreamSink {
  /** Writes one line (a JSON document and `\r\n`); false once the client is gone. */
  write(json: string): boolean;
  /** Aborts when the client disconnects or the server shuts down. */
  readonly closed: AbortSignal;
  /** The client's address (for GET /2/connections). */
  readonly clientIp: string;
}

/** A schema as /openapi.json lists it: under `components.schemas[name]`, the same object that types and checks. */
export interface NamedSchema<S = Json> {
  name: string;
  schema: S;
}

/** A request body's schema, and whether the body may be left out (the handler then sees none). */
export interface BodySpec<S> extends NamedSchema<S> {
  optional?: boolean;
}

interface RouteInfo {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** Fastify-style path, e.g. /2/users/:id/liked_tweets */
  path: string;
  operationId: string;
  summary: string;
  tag: string;
  endpoint: EndpointId;
  pathParams: readonly PathParamSpec[];
  /** JSON schema of the 200 response, for the OpenAPI document. */
  response: NamedSchema<object>;
  /** Tweets it returns count against the Project's monthly Tweet cap. */
  countsTweets?: boolean;
  /** Its answer depends only on path, query, viewer, policy and the data: it may be served from the response cache. */
  cacheable?: boolean;
}

/** The body a handler is given: none for a route without a body schema (B = never). */
type BodyValue<B extends BodySchema> = [B] extends [never] ? undefined : BodyOf<B>;

/**
 * One X API route as written: its schemas (validation, types and OpenAPI) and its handler. `Body` is the body's
 * type, `BodyValue<B>` (a parameter of its own, so that generic code never expands the schema's type).
 */
export interface RouteSpec<Q extends readonly ParamSpec[], B extends BodySchema, Body> extends RouteInfo {
  query: Q;
  /** JSON schema of the request body, for routes that take one. */
  body?: BodySpec<B>;
  handle(ctx: ApiContext<QueryOf<Q>, NoInfer<Body>>): Promise<ApiResult>;
}

/** A route as the server runs it, whatever its parameters. */
export interface ApiRoute extends RouteInfo {
  query: readonly ParamSpec[];
  body?: BodySpec<BodySchema>;
  /**
   * Checks path and query (every problem at once, X's messages) and returns the handler bound to the typed values.
   * The body is read when the handler runs, as it always was: after path, query, auth and limits.
   */
  validate(pathValues: Record<string, string>, rawQuery: string): (ctx: RequestContext) => Promise<ApiResult>;
}

/** Types a route from its specs: the handler sees the query (and body) its specs describe. */
export function apiRoute<const Q extends readonly ParamSpec[], const B extends BodySchema = never, Body = BodyValue<B>>(
  spec: RouteSpec<Q, B, Body>,
): ApiRoute {
  const { handle, ...info } = spec;
  const bodySchema = spec.body?.schema;
  const parseParams = requestParamsParser(spec.pathParams, spec.query);
  return {
    ...info,
    validate(path, rawQuery) {
      const query = parseParams(path, rawQuery);
      return (ctx) => {
        // With a schema, B is its type and the body was read against it; without one, B is never and the body undefined.
        const absent = spec.body?.optional === true && (ctx.rawBody ?? '').trim() === '';
        const body = (bodySchema && !absent ? readJsonBody(bodySchema, ctx.contentType, ctx.rawBody) : undefined) as Body;
        // Named member by member: an object rest and spread of the context cost ~10 µs a request (V8 copies them
        // key by key in its runtime).
        const { world, principal, project, policy, userId, now } = ctx;
        return handle({ world, principal, project, policy, userId, now, path, query, body });
      };
    },
  };
}
