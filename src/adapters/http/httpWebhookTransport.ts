// Webhook requests over node's http/https clients: connections kept alive per receiver (a webhook takes one POST
// per event), redirects never followed (X counts a 3XX as a failed CRC), the answer read up to 64 KB, the whole
// exchange bounded by the request's deadline.
import http from 'node:http';
import https from 'node:https';
import type { OutboundRequest, OutboundResult, WebhookTransport } from '../../ports/webhookTransport.ts';

const MAX_BODY = 64 * 1024;

export class HttpWebhookTransport implements WebhookTransport {
  private readonly agents = {
    http: new http.Agent({ keepAlive: true, maxSockets: 16, timeout: 30_000 }),
    https: new https.Agent({ keepAlive: true, maxSockets: 16, timeout: 30_000 }),
  };

  constructor(private readonly userAgent = 'likes-api-webhooks') {}

  /** Closes the kept-alive connections. */
  close(): void {
    this.agents.http.destroy();
    this.agents.https.destroy();
  }

  send(request: OutboundRequest): Promise<OutboundResult> {
    const started = performance.now();
    const latency = () => performance.now() - started;
    return new Promise((resolve) => {
      let settled = false;
      const done = (result: OutboundResult) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve(result);
      };
      let url: URL;
      try {
        url = new URL(request.url);
      } catch {
        done({ error: 'invalid URL', latencyMs: 0 });
        return;
      }
      const secure = url.protocol === 'https:';
      const client = secure ? https : http;
      const body = request.body === undefined ? undefined : Buffer.from(request.body);
      const req = client.request(url, {
        method: request.method,
        agent: secure ? this.agents.https : this.agents.http,
        headers: {
          'user-agent': this.userAgent,
          ...(body ? { 'content-length': String(body.length) } : {}),
          ...request.headers,
        },
      });
      const timer = setTimeout(() => {
        req.destroy();
        done({ error: `no answer within ${request.timeoutMs} ms`, latencyMs: latency() });
      }, request.timeoutMs);
      req.on('error', (err) => done({ error: err.message || 'connection failed', latencyMs: latency() }));
      req.on('response', (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          if (size < MAX_BODY) chunks.push(chunk);
          size += chunk.length;
        });
        res.on('end', () => done({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).subarray(0, MAX_BODY).toString('utf8'), latencyMs: latency() }));
        res.on('error', (err) => done({ error: err.message, latencyMs: latency() }));
      });
      req.end(body);
    });
  }
}
