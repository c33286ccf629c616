// A webhook receiver in the test process, as an App would run one: it answers X's Challenge-Response Check with the
// App's consumer secret, checks the signature of every POST, and keeps what arrived. Its answers can be scripted
// (fail the next N deliveries, answer some bodies with a status of their own, answer late, answer CRCs wrongly) to
// drive retries, timeouts, in-flight crashes and invalid webhooks.
import { createHmac } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { verifyDelivery } from '../../src/domain/events/webhookCrypto.ts';

export interface Delivery {
  at: number;
  path: string;
  raw: string;
  body: any;
  /** Whether `x-twitter-webhooks-signature` matched the raw body under the consumer secret. */
  signed: boolean;
  /** What the receiver answered (or will answer, while `answered` is false). */
  status: number;
  /** Whether the answer was written out (false while a delayed answer is pending, or when the sender went away). */
  answered: boolean;
  /** The request headers as received. */
  headers: Record<string, string | string[] | undefined>;
}

/** What a receiver answers a delivery with: a status, or a status given after `delayMs`. */
export type Answer = number | { status: number; delayMs: number };

export class WebhookReceiver {
  readonly deliveries: Delivery[] = [];
  readonly crcs: string[] = [];
  /** Status codes to answer the next POSTs with (then `respond`, then 200). */
  failNext: number[] = [];
  /** Decides the answer to a POST that `failNext` does not (default: 200 at once). */
  respond: ((delivery: Omit<Delivery, 'status' | 'answered'>) => Answer) | null = null;
  /** Every answer to a POST is held this long (on top of any delay `respond` gives). */
  delayMs = 0;
  /** `wrong`: a 200 with an incorrect response_token; `error`: a 500. */
  crcMode: 'right' | 'wrong' | 'error' = 'right';
  private waiters: (() => void)[] = [];
  private server!: Server;
  private pendingAnswers = 0;
  url = '';

  constructor(private readonly consumerSecret: string) {}

  /** The CRC answer an App computes (`sha256=` + base64 HMAC-SHA256 of the token, keyed by the secret). */
  static crcAnswer(token: string, secret: string): string {
    return `sha256=${createHmac('sha256', secret).update(token).digest('base64')}`;
  }

  async start(path = '/webhooks/x', port = 0): Promise<this> {
    this.server = createServer((req, res) => void this.handle(req, res));
    this.server.listen(port, '127.0.0.1');
    await once(this.server, 'listening');
    const address = this.server.address() as { port: number };
    this.url = `http://127.0.0.1:${address.port}${path}`;
    return this;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((r) => this.server.close(r));
  }

  /** POSTs received whose answer has not been written yet. */
  get pending(): number {
    return this.pendingAnswers;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    res.on('error', () => {});
    const answer = (status: number, body: string) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(body);
    };
    const url = new URL(req.url ?? '/', 'http://x');
    if (req.method === 'GET') {
      const token = url.searchParams.get('crc_token') ?? '';
      this.crcs.push(token);
      if (this.crcMode === 'error') return answer(500, '{}');
      const secret = this.crcMode === 'wrong' ? 'not-the-secret' : this.consumerSecret;
      return answer(200, JSON.stringify({ response_token: WebhookReceiver.crcAnswer(token, secret) }));
    }
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    const headers = { ...req.headers };
    const seen = {
      at: Date.now(), path: url.pathname, raw, body: JSON.parse(raw), headers,
      signed: verifyDelivery(raw, headers as Record<string, string>, { consumerSecret: this.consumerSecret }),
    };
    const failed = this.failNext.shift();
    const decided: Answer = failed ?? this.respond?.(seen) ?? 200;
    const status = typeof decided === 'number' ? decided : decided.status;
    const delay = this.delayMs + (typeof decided === 'number' ? 0 : decided.delayMs);
    const delivery: Delivery = { ...seen, status, answered: false };
    this.deliveries.push(delivery);
    this.wake();
    const send = () => {
      this.pendingAnswers--;
      if (res.destroyed) return this.wake();
      res.once('finish', () => {
        delivery.answered = true;
        this.wake();
      });
      answer(status, '{}');
    };
    this.pendingAnswers++;
    if (delay > 0) setTimeout(send, delay);
    else send();
  }

  private wake(): void {
    for (const w of this.waiters.splice(0)) w();
  }

  /** The acknowledged deliveries (2XX), in arrival order. */
  get received(): Delivery[] {
    return this.deliveries.filter((d) => d.status >= 200 && d.status < 300);
  }

  /** Waits until `done()` holds (checked after each delivery and answer), failing after `ms`. */
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
