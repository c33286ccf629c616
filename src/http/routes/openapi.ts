// GET /openapi.json: the service's OpenAPI document (src/http/openapi.ts), naming the address the client reached
// us by (the port may have been chosen at start-up).
import type { FastifyPluginAsync } from 'fastify';
import type { Config } from '../../config.ts';
import { buildOpenApi } from '../openapi.ts';
import { JSON_TYPE } from '../reply.ts';
import { requestHost, schemeOf } from '../request.ts';
import type { ApiRoute } from '../routeSpec.ts';

export const openApiRoute: FastifyPluginAsync<{ routes: readonly ApiRoute[]; config: Config }> = async (app, { routes, config }) => {
  app.get('/openapi.json', (req, reply) => {
    const doc = buildOpenApi(routes, `${schemeOf(req)}://${requestHost(req, config)}`);
    return reply.code(200).header('content-type', JSON_TYPE).send(JSON.stringify(doc));
  });
};
