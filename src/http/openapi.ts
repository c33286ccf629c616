// The service's own OpenAPI 3 document, generated from the same route schemas that validate requests.
import { ENDPOINT_ACCESS } from '../domain/access.ts';
import { OBJECT_SCHEMAS, ref } from '../domain/schemas.ts';
import type { ParamSpec } from './params.ts';
import type { ApiRoute } from './routeSpec.ts';

type Json = Record<string, unknown>;

function queryParameter(p: ParamSpec): Json {
  const schema: Json =
    p.kind === 'int'
      ? { type: 'integer', format: 'int32', minimum: p.min, maximum: p.max, ...(p.default !== undefined ? { default: p.default } : {}) }
      : p.kind === 'list'
        ? { type: 'array', minItems: 1, uniqueItems: true, items: { type: 'string', enum: p.values } }
        : { type: 'string', minLength: 1 };
  return { name: p.name, in: 'query', required: p.kind === 'int' && p.required === true, description: p.description, schema, ...(p.kind === 'list' ? { style: 'form', explode: false } : {}) };
}

const SECURITY: Record<string, Json[]> = {
  lookup: [{ BearerToken: [] }, { OAuth2UserToken: ['tweet.read', 'users.read', 'like.read'] }, { UserToken: [] }],
  write: [{ OAuth2UserToken: ['tweet.read', 'users.read', 'like.write'] }, { UserToken: [] }],
  app: [{ BearerToken: [] }],
  either: [{ BearerToken: [] }, { OAuth2UserToken: [] }, { UserToken: [] }],
  user: [{ OAuth2UserToken: [] }, { UserToken: [] }],
};

/** The schemes an operation lists: the Likes endpoints' as X's document has them, the events endpoints' by their access. */
function securityOf(r: ApiRoute): Json[] {
  if (r.endpoint === 'usage_tweets') return SECURITY.app;
  if (r.tag !== 'Likes') {
    const appOnly = ENDPOINT_ACCESS[r.endpoint].appOnly;
    return appOnly === 'only' ? SECURITY.app : appOnly === 'never' ? SECURITY.user : SECURITY.either;
  }
  return r.method === 'GET' ? SECURITY.lookup : SECURITY.write;
}

/**
 * components.schemas: X's objects, then each route's body and response schemas, all the very objects that type the
 * presenters and handlers and check request bodies. Operations refer to them by name.
 */
function componentSchemas(routes: readonly ApiRoute[]): Record<string, object> {
  const schemas: Record<string, object> = { ...OBJECT_SCHEMAS };
  for (const r of routes) {
    if (r.body) schemas[r.body.name] = r.body.schema;
    schemas[r.response.name] = r.response.schema;
  }
  return schemas;
}

export function buildOpenApi(routes: readonly ApiRoute[], serverUrl: string): Json {
  const paths: Record<string, Record<string, Json>> = {};
  for (const r of routes) {
    const path = r.path.replace(/:([a-z_]+)/g, '{$1}');
    const op: Json = {
      operationId: r.operationId,
      summary: r.summary,
      tags: [r.tag],
      security: securityOf(r),
      parameters: [
        ...r.pathParams.map((p) => ({ name: p.name, in: 'path', required: true, description: p.description, schema: { type: 'string', pattern: p.pattern.source } })),
        ...r.query.map(queryParameter),
      ],
      responses: {
        '200': { description: 'The request has succeeded.', content: { 'application/json': { schema: ref(r.response.name) } } },
        default: { description: 'The request has failed.', content: { 'application/problem+json': { schema: ref('Problem') } } },
      },
    };
    if (r.body) op.requestBody = { required: r.body.optional !== true, content: { 'application/json': { schema: ref(r.body.name) } } };
    (paths[path] ??= {})[r.method.toLowerCase()] = op;
  }
  return {
    openapi: '3.0.0',
    info: { title: 'Likes API', version: '2.159', description: 'X API v2 Likes endpoints, self-hosted.' },
    servers: [{ url: serverUrl }],
    paths,
    components: {
      schemas: componentSchemas(routes),
      securitySchemes: {
        BearerToken: { type: 'http', scheme: 'bearer' },
        UserToken: { type: 'http', scheme: 'OAuth' },
        OAuth2UserToken: {
          type: 'oauth2',
          flows: {
            authorizationCode: {
              authorizationUrl: `${serverUrl}/i/oauth2/authorize`,
              tokenUrl: `${serverUrl}/2/oauth2/token`,
              scopes: {
                'tweet.read': 'Read Tweets you can see',
                'users.read': 'Read accounts you can see',
                'like.read': 'Read Tweets you liked and likes you can see',
                'like.write': 'Like and unlike Tweets on your behalf',
                'offline.access': 'Stay connected to your account until you revoke access',
              },
            },
          },
        },
      },
    },
  };
}
