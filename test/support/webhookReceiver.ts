// A webhook receiver in the test process, as an App would run one: it answers X's Challenge-Response Check with the
// App's consumer secret, checks the signature of every POST, and keeps what arrived. Its answers can be scripted
// (fail the next N deliveries, answer CRCs wrongly) to drive retries and invalid webhooks.
import { createHmac } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { verifyDelivery } from '../../src/domain/events/webhookCrypto.ts';

export interface Delivery {
  at: number;
  path: string;
  raw: string;
  body: any;
  /** Whether `x-twitter-webhooks-signature` matched the raw body under the consumer secret. */
  signed: boolean;
  /** What the receiver answered. */
  status: number;
}

export class WebhookReceiver {
  readonly deliveries: Delivery[] = [];
  readonly crcs: string[] = [];
  /** Status codes to answer the next POSTs with (then 200). */
  failNext: number[] = [];
  /** `wrong`: a 200 with an incorrect response_token; `error`: a 500. */
  crcMode: 'right' | 'wrong' | 'error' = 'right';
  private waiters: (() => void)[] = [];
  private server!: Server;
  url = '';

  constructor(private readonly consumerSecret: string) {}

  async start(path = '/webhooks/x'): Promise<this> {
    this.server = createServer((req, res) => void this.handle(req, res.statusCode, (status, body) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(body);
    }));
    this.server.listen(0, '127.0.0.1');
    await once(this.server, 'listening');
    const { port } = this.server.address() as { port: number };
    this.url = `http://127.0.0.1:${port}${path}`;
    return this;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((r) => this.server.close(r));
  }

  private async handle(req: IncomingMessage, _: number, answer: (status: number, body: string) => void): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://x');
    if (req.method === 'GET') {
      const token = url.searchParams.get('crc_token') ?? '';
      this.crcs.push(token);
      if (this.crcMode === 'error') return answer(500, '{}');
      const secret = this.crcMode === 'wrong' ? 'not-the-secret' : this.consumerSecret;
      const responseToken = `sha256=${createHmac('sha256', secret).update(token).digest('base64')}`;
      return answer(200, JSON.stringify({ response_token: responseToken }));
    }
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    const status = this.failNext.shift() ?? 200;
    this.deliveries.push({
      at: Date.now(), path: url.pathname, raw, body: JSON.parse(raw), status,
      signed: verifyDelivery(raw, req.headers as Record<string, string>, { consumerSecret: this.consumerSecret }),
    });
    answer(status, '{}');
    for (const w of this.waiters.splice(0)) w();
  }

  /** The acknowledged deliveries (2XX), in arrival order. */
  get received(): Delivery[] {
    return this.deliveries.filter((d) => d.status >= 200 && d.status < 300);
  }

  /** Waits until `done()` holds (checked after each delivery), failing after `ms`. */
  async until(done: () => boolean, ms = 15_000, what = 'deliveries'): Promise<void> {
    const deadline = Date.now() + ms;
    while (!done()) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out waiting for ${what}: ${this.deliveries.length} arrived`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, Math.min(left, 200));
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }
}
