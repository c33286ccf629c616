// What Fastify itself logs about requests: one line per request, written when it completes (at `info`, so
// only with LIKES_API_LOG=1), carrying the request id (= x-transaction-id) as every line of the request does.
import { LogController, type FastifyReply, type FastifyRequest } from 'fastify';

export class RequestLog extends LogController {
  override incomingRequest(): void {}

  // Unknown routes are answered (404) and logged like any other request.
  override routeNotFound(): void {}

  override requestCompleted(error: Error | null | undefined, request: FastifyRequest, reply: FastifyReply): void {
    const fields = { req: request, res: reply, responseTime: reply.elapsedTime };
    if (error) request.log.error({ ...fields, err: error }, 'request errored');
    else request.log.info(fields, 'request completed');
  }
}
