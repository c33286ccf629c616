// The connection caps of src/http/connectionLimits.ts on the running server, and the answers to HTTP that never
// reaches a route: unparsable, too slow, too many headers, or CONNECT.
import type { FastifyPluginAsync } from 'fastify';
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { capServer, tooManyHeaders, type ConnectionLimits } from '../connectionLimits.ts';
import { headersTooLarge, JSON_TYPE, requestTimeout, sendProblem, unparsableRequest } from '../reply.ts';
import { serverWide } from './serverWide.ts';

/**
 * Answers HTTP that never reaches a route (unparsable, too slow, or CONNECT) with an X-shaped error, then closes.
 * A request that timed out after its answer began is cut off: bytes written now would corrupt that answer.
 * Fastify's clientErrorHandler.
 */
export function refuseUnparsable(socket: Duplex, code = ''): void {
  const inFlight = (socket as { _httpMessage?: { headersSent?: boolean } })._httpMessage;
  if (!socket.writable || inFlight?.headersSent) {
    socket.destroy();
    return;
  }
  const problem =
    code === 'HPE_HEADER_OVERFLOW' ? headersTooLarge()
    : code === 'ERR_HTTP_REQUEST_TIMEOUT' ? requestTimeout()
    : unparsableRequest();
  const type = problem.status === 400 ? JSON_TYPE : 'application/problem+json';
  const text = JSON.stringify(problem.body);
  // The security headers of every other answer (plugins/baseHeaders.ts) go on these too.
  socket.end(
    `HTTP/1.1 ${problem.status} ${STATUS_CODES[problem.status]}\r\ncontent-type: ${type}\r\ncontent-length: ${Buffer.byteLength(text)}\r\n` +
      `cache-control: no-cache, no-store, max-age=0\r\nx-content-type-options: nosniff\r\nx-frame-options: SAMEORIGIN\r\n` +
      `connection: close\r\n\r\n${text}`,
  );
  // Closed once the answer is flushed, whether or not the client ever closes its side.
  (socket as Partial<Socket>).destroySoon?.();
}

export const connectionLimits: FastifyPluginAsync<{ limits: ConnectionLimits }> = serverWide('connectionLimits', async (app, { limits }) => {
  capServer(app.server, limits);
  // Node hands CONNECT to a separate event and drops the socket when nobody listens.
  app.server.on('connect', (_req: unknown, socket: Duplex) => refuseUnparsable(socket));
  app.addHook('onRequest', (req, reply, done) => {
    // Node keeps only the first headers past its count limit: a request that had more is refused, not trimmed.
    if (tooManyHeaders(req.raw.rawHeaders)) {
      void sendProblem(reply.header('connection', 'close'), headersTooLarge());
      return;
    }
    done();
  });
});
