// The headers X sends on every answer: the transaction id (also the request id that names the request's log
// lines), the response time, and the security headers.
import type { FastifyPluginAsync } from 'fastify';
import { randomBytes } from 'node:crypto';
import { serverWide } from './serverWide.ts';

// x-transaction-id values are cut from a pool of random bytes: one randomBytes call per 512 responses. Each is the
// Fastify request id too (Fastify's genReqId), so a response's header names the log lines of its request.
let idPool = randomBytes(4096);
let idAt = 0;
export function transactionId(): string {
  if (idAt + 8 > idPool.length) {
    idPool = randomBytes(4096);
    idAt = 0;
  }
  idAt += 8;
  return idPool.toString('hex', idAt - 8, idAt);
}

export const baseHeaders: FastifyPluginAsync = serverWide('baseHeaders', async (app) => {
  app.addHook('onSend', (req, reply, payload, done) => {
    reply.header('x-transaction-id', req.id);
    // Fastify's own clock of the request, started when it was routed (the inspector and the metrics read it too); an
    // answer written before that (e.g. to a malformed URL) took no measurable time: 0.
    reply.header('x-response-time', String(Math.trunc(reply.elapsedTime)));
    reply.header('cache-control', 'no-cache, no-store, max-age=0');
    reply.header('x-content-type-options', 'nosniff');
    reply.header('x-frame-options', 'SAMEORIGIN');
    done(null, payload);
  });
});
