// Raw HTTP/1.1 over TCP, for requests fetch will not send (malformed, trickled, half-sent, too many headers) and
// for watching what a server does to a connection: one exchange, a watched open connection, and a response parser.
import net from 'node:net';

export interface RawResponse {
  /** 0 when no complete HTTP response head arrived. */
  status: number;
  /** Lower-cased names. */
  headers: Record<string, string>;
  body: Buffer;
}

/** Splits the first final HTTP/1.x response off the bytes received (interim 1xx responses skipped, chunks joined). */
export function parseResponse(data: Buffer): RawResponse {
  let rest = data;
  for (;;) {
    const end = rest.indexOf('\r\n\r\n');
    if (end < 0) return { status: 0, headers: {}, body: Buffer.alloc(0) };
    const head = rest.subarray(0, end).toString('latin1').split('\r\n');
    const m = /^HTTP\/1\.[01] (\d{3})/.exec(head[0]);
    if (!m) return { status: 0, headers: {}, body: Buffer.alloc(0) };
    const headers: Record<string, string> = {};
    for (const line of head.slice(1)) {
      const colon = line.indexOf(':');
      if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
    }
    rest = rest.subarray(end + 4);
    const status = Number(m[1]);
    if (status >= 100 && status < 200) continue;
    let body = rest;
    if (/chunked/i.test(headers['transfer-encoding'] ?? '')) {
      const chunks: Buffer[] = [];
      let at = 0;
      for (;;) {
        const lineEnd = body.indexOf('\r\n', at);
        if (lineEnd < 0) break;
        const size = parseInt(body.subarray(at, lineEnd).toString('latin1'), 16);
        if (!Number.isFinite(size) || size === 0) break;
        chunks.push(body.subarray(lineEnd + 2, lineEnd + 2 + size));
        at = lineEnd + 2 + size + 2;
      }
      body = Buffer.concat(chunks);
    } else if (headers['content-length'] !== undefined) {
      body = body.subarray(0, Number(headers['content-length']));
    }
    return { status, headers, body };
  }
}

export class RawTimeoutError extends Error {
  constructor(ms: number, readonly received: Buffer) {
    super(`no end of the exchange within ${ms} ms (got ${JSON.stringify(received.toString('latin1').slice(0, 300))})`);
  }
}

/**
 * Connects, writes `bytes` and reads until the server closes the connection (a reset counts as a close: what
 * arrived is judged). `halfClose` ends the sending side after the bytes, so a truncated body is final. Rejects
 * with a RawTimeoutError after `timeoutMs`.
 */
export function exchange(port: number, bytes: string | Buffer, opts: { halfClose?: boolean; timeoutMs?: number } = {}): Promise<Buffer> {
  const timeoutMs = opts.timeoutMs ?? 15_000;
  return new Promise((resolve, reject) => {
    const socket = net.connect({ port, host: '127.0.0.1' });
    const chunks: Buffer[] = [];
    let settled = false;
    const finish = () => {
      if (settled) return;
      settled = true;
      socket.destroy();
      resolve(Buffer.concat(chunks));
    };
    socket.setTimeout(timeoutMs, () => {
      if (settled) return;
      settled = true;
      socket.destroy();
      reject(new RawTimeoutError(timeoutMs, Buffer.concat(chunks)));
    });
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('end', finish);
    socket.on('close', finish);
    socket.on('error', finish);
    socket.on('connect', () => {
      socket.write(typeof bytes === 'string' ? Buffer.from(bytes, 'latin1') : bytes);
      if (opts.halfClose) socket.end();
    });
  });
}

/** An open connection whose received bytes and closing are watched. */
export interface RawConnection {
  socket: net.Socket;
  /** Everything the server sent so far. */
  received(): string;
  closed(): boolean;
  /** Resolves true when the server closes the connection, or false after `ms`. */
  closedWithin(ms: number): Promise<boolean>;
}

export function openConnection(port: number): Promise<RawConnection> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ port, host: '127.0.0.1' });
    const chunks: Buffer[] = [];
    let isClosed = false;
    const waiters: (() => void)[] = [];
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('error', () => undefined); // a reset is a close too
    socket.on('close', () => {
      isClosed = true;
      for (const w of waiters.splice(0)) w();
    });
    socket.once('connect', () =>
      resolve({
        socket,
        received: () => Buffer.concat(chunks).toString('latin1'),
        closed: () => isClosed,
        closedWithin: (ms) =>
          isClosed
            ? Promise.resolve(true)
            : new Promise((done) => {
                const timer = setTimeout(() => done(false), ms);
                waiters.push(() => {
                  clearTimeout(timer);
                  done(true);
                });
              }),
      }),
    );
    socket.once('error', reject);
  });
}

/** Everything `socket` receives from now until `until` matches it (or the socket ends); fails after `ms`. */
export function readUntil(socket: net.Socket, until: (text: string) => boolean, ms = 15_000): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    const done = (err?: Error) => {
      clearTimeout(timer);
      socket.off('data', onData);
      socket.off('end', onEnd);
      socket.off('error', onError);
      if (err) reject(err);
      else resolve(text);
    };
    const onData = (b: Buffer) => {
      text += b.toString();
      if (until(text)) done();
    };
    const onEnd = () => done();
    const onError = (err: Error) => done(err);
    const timer = setTimeout(() => done(new Error(`nothing matching within ${ms} ms; got: ${text}`)), ms);
    socket.on('data', onData);
    socket.on('end', onEnd);
    socket.on('error', onError);
  });
}
