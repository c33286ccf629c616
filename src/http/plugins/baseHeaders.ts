// The headers X sends on every answer: the transaction id (also the request id that names the request's log
// lines), the response time, and the security headers.
import type { FastifyPluginAsync } from 'fastify';
import { randomBytes } from 'node:crypto';
import { serverWide } from './serverWide.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** When the request reached its first hook (process.hrtime.bigint()); 0n before that. */
    startedAt: bigint;
  }
}

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
  app.decorateRequest('startedAt', 0n);
  app.addHook('onRequest', (req, _reply, done) => {
    req.startedAt = process.hrtime.bigint();
    done();
  });
  app.addHook('onSend', (req, reply, payload, done) => {
    // An answer written before any hook ran (e.g. to a malformed URL) took no measurable time.
    const started = req.startedAt || process.hrtime.bigint();
    reply.header('x-transaction-id', req.id);
    reply.header('x-response-time', String(Number((process.hrtime.bigint() - started) / 1_000_000n)));
    reply.header('cache-control', 'no-cache, no-store, max-age=0');
    reply.header('x-content-type-options', 'nosniff');
    reply.header('x-frame-options', 'SAMEORIGIN');
    done(null, payload);
  });
});
