// Bodies are kept as text, whatever their type: OAuth 1.0a signs form bodies, and each route parses its own body
// (src/http/request.ts, src/http/jsonBody.ts). Their size is capped by Fastify's bodyLimit (server.ts).
import type { FastifyPluginAsync } from 'fastify';
import { serverWide } from './serverWide.ts';

export const textBodies: FastifyPluginAsync = serverWide('textBodies', async (app) => {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string' }, (_req, body, done) => done(null, body));
});
