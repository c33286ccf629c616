// Stream connections over HTTP (docs/reference/x-events.md §4.4, §4.5): the recovery parameters every stream takes,
// how a stream route opens its connection (400s, then the App's connection limit as X's 429, then the kept-open
// answer), and /2/connections: the App's connection history, and ending connections by UUID, by endpoint, or all.
import type { ParamSpec, PathParamSpec } from '../../params.ts';
import { apiRoute, type ApiContext, type ApiResult, type ApiRoute, type StreamSink } from '../../routeSpec.ts';
import { isoTime } from '../../../domain/isoTime.ts';
import { tooManyConnections } from '../../../domain/events/eventProblems.ts';
import { followOutbox, streamStartOf, type StreamTimeParams } from '../../../domain/events/outboxReader.ts';
import type { OutboxEvent, StreamConnectionRecord } from '../../../domain/events/records.ts';
import {
  CONNECTION_ENDPOINT_IDS, endpointNameOf, type StreamPath,
} from '../../../domain/events/streamConnections.ts';
import { invalidRequest } from '../../../domain/problems.ts';
import { arrayOf, ref } from '../../../domain/schemas.ts';

type Json = Record<string, unknown>;

// ---- what every stream takes ----

export const backfillMinutes = {
  kind: 'int', name: 'backfill_minutes', min: 0, max: 5, description: 'The number of minutes of backfill requested.',
} as const satisfies ParamSpec;
export const startTime = {
  kind: 'token', name: 'start_time', description: 'YYYY-MM-DDTHH:mm:ssZ. The earliest UTC timestamp from which the events will be provided.',
} as const satisfies ParamSpec;
export const endTime = {
  kind: 'token', name: 'end_time', description: 'YYYY-MM-DDTHH:mm:ssZ. The latest UTC timestamp to which the events will be provided.',
} as const satisfies ParamSpec;


/** What a stream writes for one batch of events (the connection's sink is closed once `write` says false). */
export type Deliver = (batch: OutboxEvent[], sink: StreamSink) => Promise<void>;

/**
 * A stream route's answer: the time parameters checked and the start read (400s), the App's limit checked (429),
 * then the stream. Its connection is recorded once the stream runs (the client's address is known there); one
 * admitted together with another over the limit gets X's TooManyConnections problem in the stream and ends.
 */
export async function openStream(
  ctx: Pick<ApiContext, 'world' | 'principal' | 'policy' | 'now'>,
  path: StreamPath,
  partition: number | null,
  times: StreamTimeParams,
  deliver: Deliver,
): Promise<ApiResult> {
  const { world, policy } = ctx;
  const appId = ctx.principal.app.id;
  const connections = world.events.connections;
  const start = await streamStartOf(world.store.events, ctx.now, times);
  await connections.admit(appId, policy, path, partition);
  return {
    body: {},
    stream: async (sink) => {
      const connection = await connections.open(appId, policy, path, partition, sink.clientIp);
      if (!connection) {
        sink.write(JSON.stringify({ errors: [tooManyConnections().body] }));
        return;
      }
      await connection.serve(
        sink,
        (abort) => followOutbox({ events: world.store.events, signal: world.events.signal, clock: world.clock, start, abort }),
        (batch) => deliver(batch, sink),
      );
    },
  };
}

// ---- /2/connections ----

const CONNECTION_FIELDS = ['client_ip', 'connected_at', 'disconnect_reason', 'disconnected_at', 'endpoint_name', 'id'] as const;
const problems = { errors: arrayOf(ref('Problem')) };

const Connection = {
  type: 'object',
  properties: {
    client_ip: { type: 'string' }, connected_at: { type: 'string', format: 'date-time' }, disconnect_reason: { type: 'string' },
    disconnected_at: { type: 'string', format: 'date-time' }, endpoint_name: { type: 'string' }, id: { type: 'string' },
  },
} as const;

/** `DeleteAllConnectionsResponseData` and its two twins. */
const killsOf = (name: string) => ({
  name,
  schema: {
    type: 'object',
    properties: {
      data: {
        type: 'object',
        required: ['successful_kills', 'failed_kills'],
        properties: {
          failed_kills: { type: 'integer' },
          results: {
            type: 'array',
            items: {
              type: 'object', required: ['uuid', 'success'], additionalProperties: false,
              properties: { error_message: { type: 'string' }, success: { type: 'boolean' }, uuid: { type: 'string' } },
            },
          },
          successful_kills: { type: 'integer' },
        },
      },
      errors: { type: 'array', items: ref('Problem') },
    },
  },
});

/** A connection as GET /2/connections shows it; no `connection.fields`: every member (X documents no default). */
function connectionJson(c: StreamConnectionRecord, fields: ReadonlySet<string>): Json {
  const all = fields.size === 0;
  const o: Json = {};
  if (all || fields.has('id')) o.id = c.id;
  if (all || fields.has('endpoint_name')) o.endpoint_name = endpointNameOf(c.endpoint);
  if (all || fields.has('client_ip')) o.client_ip = c.clientIp;
  if (all || fields.has('connected_at')) o.connected_at = isoTime(c.startedAt);
  if (c.endedAt !== null && (all || fields.has('disconnected_at'))) o.disconnected_at = isoTime(c.endedAt);
  if (c.endReason !== null && (all || fields.has('disconnect_reason'))) o.disconnect_reason = c.endReason;
  return o;
}

/** The answer of the three DELETEs: every connection asked for, and whether it was found open. */
function killsJson(uuids: readonly string[], ended: readonly string[]): Json {
  const done = new Set(ended);
  const results = uuids.map((uuid) =>
    done.has(uuid) ? { uuid, success: true } : { uuid, success: false, error_message: 'No open connection of this App has this UUID' });
  const successful = results.filter((r) => r.success).length;
  return { data: { successful_kills: successful, failed_kills: results.length - successful, results } };
}

const common = { tag: 'Connections', pathParams: [] } as const;

const listConnections = apiRoute({
  ...common,
  method: 'GET',
  path: '/2/connections',
  operationId: 'getConnectionHistory',
  summary: 'Returns active and historical streaming connections with disconnect reasons for the authenticated application',
  endpoint: 'connections_list',
  query: [
    { kind: 'list', name: 'status', values: ['active', 'inactive', 'all'], description: 'Which connections: active (the default), inactive or all.' },
    { kind: 'list', name: 'endpoints', values: CONNECTION_ENDPOINT_IDS, description: 'A comma separated list of endpoint IDs.' },
    { kind: 'int', name: 'max_results', min: 1, max: 100, default: 10, description: 'The maximum number of results.' },
    { kind: 'token', name: 'pagination_token', description: 'The next page of results.' },
    { kind: 'list', name: 'connection.fields', values: CONNECTION_FIELDS, description: 'A comma separated list of Connection fields to display.' },
  ],
  response: {
    name: 'GetConnectionHistoryResponse',
    schema: {
      type: 'object',
      properties: {
        data: { type: 'array', items: Connection },
        meta: { type: 'object', properties: { next_token: { type: 'string' }, result_count: { type: 'integer' } } },
        ...problems,
      },
    },
  },
  async handle(ctx) {
    const { query } = ctx;
    const status = new Set(query.status ?? ['active']);
    const all = status.has('all');
    const records = await ctx.world.events.connections.history(ctx.principal.app.id, {
      open: all || status.has('active'), ended: all || status.has('inactive'), endpoints: query.endpoints,
    });
    // The token is the id of the next page's first connection (records are never deleted, so it stays put).
    const token = query.pagination_token;
    const first = token === undefined ? 0 : records.findIndex((c) => c.id === token);
    if (first < 0) {
      throw invalidRequest([{ parameters: { pagination_token: [token!] }, message: `The \`pagination_token\` query parameter value [${token}] is not a valid token.` }]);
    }
    const page = records.slice(first, first + query.max_results);
    const next = records[first + query.max_results];
    const fields = new Set<string>(query['connection.fields'] ?? []);
    const meta = { result_count: page.length, ...(next ? { next_token: next.id } : {}) };
    return { body: page.length ? { data: page.map((c) => connectionJson(c, fields)), meta } : { meta } };
  },
});

const deleteAll = apiRoute({
  ...common,
  method: 'DELETE',
  path: '/2/connections/all',
  operationId: 'deleteAllConnections',
  summary: 'Terminates all active streaming connections for the authenticated application',
  endpoint: 'connections_delete',
  query: [],
  response: killsOf('DeleteAllConnectionsResponse'),
  async handle(ctx) {
    const ended = await ctx.world.events.connections.end(ctx.principal.app.id, null);
    return { body: killsJson(ended, ended) };
  },
});

const endpointIdPath: PathParamSpec = {
  name: 'endpoint_id', pattern: new RegExp(`^(${CONNECTION_ENDPOINT_IDS.join('|')})$`), description: 'The endpoint ID.',
};

const deleteByEndpoint = apiRoute({
  ...common,
  method: 'DELETE',
  path: '/2/connections/:endpoint_id',
  operationId: 'deleteConnectionsByEndpoint',
  summary: 'Terminates all streaming connections for a specific endpoint ID for the authenticated application',
  endpoint: 'connections_delete',
  pathParams: [endpointIdPath],
  query: [],
  response: killsOf('DeleteConnectionsByEndpointResponse'),
  async handle(ctx) {
    const connections = ctx.world.events.connections;
    const appId = ctx.principal.app.id;
    const ids = (await connections.openOf(appId)).filter((c) => endpointNameOf(c.endpoint) === ctx.path.endpoint_id).map((c) => c.id);
    const ended = ids.length ? await connections.end(appId, ids) : [];
    return { body: killsJson(ended, ended) };
  },
});

/** `DeleteConnectionsByUuidsRequest` as X's OpenAPI gives it. */
export const DeleteConnectionsByUuidsRequest = {
  type: 'object',
  required: ['uuids'],
  additionalProperties: false,
  properties: {
    uuids: { type: 'array', description: 'Connection UUIDs to terminate (1-100).', minItems: 1, maxItems: 100, items: { type: 'string' } },
  },
} as const;

const deleteByUuids = apiRoute({
  ...common,
  method: 'DELETE',
  path: '/2/connections',
  operationId: 'deleteConnectionsByUuids',
  summary: 'Terminates multiple streaming connections by their UUIDs for the authenticated application',
  endpoint: 'connections_delete',
  query: [],
  body: { name: 'DeleteConnectionsByUuidsRequest', schema: DeleteConnectionsByUuidsRequest },
  response: killsOf('DeleteConnectionsByUuidsResponse'),
  async handle(ctx) {
    const { uuids } = ctx.body;
    const ended = await ctx.world.events.connections.end(ctx.principal.app.id, [...new Set(uuids)]);
    return { body: killsJson(uuids, ended) };
  },
});

export const connectionRoutes: readonly ApiRoute[] = [listConnections, deleteAll, deleteByUuids, deleteByEndpoint];
