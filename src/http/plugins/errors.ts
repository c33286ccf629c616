// What every route answers when it fails, and what a path no route serves answers.
import type { FastifyPluginAsync } from 'fastify';
import { problemFor, sendProblem } from '../reply.ts';
import { serverWide } from './serverWide.ts';

export const errors: FastifyPluginAsync = serverWide('errors', async (app) => {
  app.setErrorHandler((error, req, reply) => sendProblem(reply, problemFor(error, (err) => req.log.error({ err }, 'request failed'))));
  // X answers unknown routes with an empty 404: no JSON, no rate-limit headers.
  app.setNotFoundHandler((_req, reply) => reply.code(404).send());
});
