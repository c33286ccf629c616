// Streaming answers (the activity stream, the likes streams): a 200 kept open, one JSON document per line ended by
// `\r\n`, and a bare `\r\n` keep-alive at least every 20 seconds ("At least every 20 seconds, the stream sends a
// keep-alive signal (heartbeat) in the form of a `\r\n` carriage return", X's streaming docs). Open streams end
// when the server shuts down, so shutdown never waits on them.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { StreamSink } from './routeSpec.ts';

export const KEEP_ALIVE_MS = 20_000;

/** The streams a server has open, ended together at shutdown. */
export class OpenStreams {
  private readonly open = new Set<AbortController>();

  add(controller: AbortController): () => void {
    this.open.add(controller);
    return () => this.open.delete(controller);
  }

  /** Ends every open stream, the reason (`server_shutdown`) recorded with each connection. */
  closeAll(): void {
    for (const c of this.open) c.abort('server_shutdown');
    this.open.clear();
  }
}

/** Answers `req` with the stream `run` writes; resolves when it has ended. */
export async function streamAnswer(
  req: FastifyRequest,
  reply: FastifyReply,
  streams: OpenStreams,
  run: (sink: StreamSink) => Promise<void>,
  keepAliveMs = KEEP_ALIVE_MS,
): Promise<void> {
  reply.hijack();
  const res = reply.raw;
  // `connection: close`: the connection ends with the stream. Kept alive, a stream ended at shutdown would leave an
  // idle connection the server no longer looks for, and shutdown would wait out the keep-alive timeout.
  const headers = { ...reply.getHeaders(), 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-cache', connection: 'close' };
  res.writeHead(200, headers as Record<string, string>);
  // Headers go now: a client waits for the status line before it reads any event.
  res.flushHeaders();
  const controller = new AbortController();
  const forget = streams.add(controller);
  const gone = () => controller.abort();
  // (The client going aborts with no reason: a stream's record says `client_disconnected`.)
  res.on('close', gone);
  const keepAlive = setInterval(() => {
    if (!res.writableEnded) res.write('\r\n');
  }, keepAliveMs);
  keepAlive.unref();
  const sink: StreamSink = {
    write(json) {
      if (controller.signal.aborted || res.writableEnded) return false;
      res.write(`${json}\r\n`);
      return true;
    },
    closed: controller.signal,
    clientIp: req.ip,
  };
  try {
    await run(sink);
  } catch (err) {
    req.log.warn({ err }, 'stream ended by an error');
  } finally {
    clearInterval(keepAlive);
    forget();
    res.off('close', gone);
    if (!res.writableEnded) res.end();
  }
}
