// A client of the streaming endpoints (the activity stream, the likes streams), as a test reads them.
import { get, type ClientRequest, type IncomingMessage } from 'node:http';

type Json = Record<string, any>;

/**
 * A streaming client on its own socket (node:http, no agent): the lines it has read (keep-alives skipped), and
 * whether the server ended the stream. (fetch would share undici's pool, which opens spare sockets around an
 * aborted stream that then hold the server's shutdown.)
 */
export class StreamClient {
  readonly lines: Json[] = [];
  status = 0;
  /** The error document of a refused connection. */
  refusal: Json | null = null;
  ended = false;
  private request: ClientRequest | null = null;
  private reading: Promise<void> = Promise.resolve();

  static open(baseUrl: string, path: string, token: string): Promise<StreamClient> {
    const client = new StreamClient();
    return new Promise((resolve, reject) => {
      const req = get(`${baseUrl}${path}`, { agent: false, headers: { authorization: `Bearer ${token}` } }, (res) => {
        client.status = res.statusCode ?? 0;
        client.reading = client.read(res);
        if (client.status === 200) resolve(client);
        else void client.reading.then(() => resolve(client));
      });
      client.request = req;
      req.on('error', (err) => (client.status === 0 ? reject(err) : undefined));
    });
  }

  private read(res: IncomingMessage): Promise<void> {
    let buffer = '';
    res.setEncoding('utf8');
    return new Promise((resolve) => {
      const done = () => {
        this.ended = true;
        resolve();
      };
      res.on('data', (chunk: string) => {
        buffer += chunk;
        if (this.status !== 200) return;
        for (let end = buffer.indexOf('\r\n'); end >= 0; end = buffer.indexOf('\r\n')) {
          const line = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          if (line !== '') this.lines.push(JSON.parse(line));
        }
      });
      res.on('end', () => {
        if (this.status !== 200) this.refusal = JSON.parse(buffer);
        done();
      });
      res.on('close', done);
      res.on('error', done);
    });
  }

  async close(): Promise<void> {
    this.request?.destroy();
    await this.reading;
  }
}

