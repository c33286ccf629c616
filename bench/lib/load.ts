// Load generation: autocannon (from bench/node_modules, loaded at run time so the type-check never needs it) for
// throughput under concurrency, and a sequential keep-alive client for microsecond latency curves. Both are bounded
// in request count and in time.
import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { Agent, request } from 'node:http';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { oauth1BaseString, oauth1HmacSha1, percentEncode } from '../../src/auth/oauth1.ts';
import { ROOT } from './proc.ts';

/** Hard cap on the requests of one load run, whatever its duration. */
export const MAX_REQUESTS_PER_RUN = 3_000_000;

type Autocannon = (opts: Record<string, unknown>, cb?: (err: Error | null, result: any) => void) => any;
let cached: Autocannon | null = null;

export async function loadAutocannon(): Promise<Autocannon> {
  if (cached) return cached;
  const require = createRequire(join(ROOT, 'bench', 'package.json'));
  const mod = await import(pathToFileURL(require.resolve('autocannon')).href);
  cached = (mod.default ?? mod) as Autocannon;
  return cached;
}

export interface AcRequest {
  method: string;
  path: string;
  headers?: Record<string, string>;
  body?: string;
  setupRequest?: (req: AcRequest, context: Record<string, any>) => AcRequest;
}

export interface LoadSpec {
  urls: string[];
  connections: number;
  durationS: number;
  requests: AcRequest[];
}

export interface LoadResult {
  requests: number;
  seconds: number;
  rps: number;
  p50: number;
  p90: number;
  p99: number;
  /** Mean response size in bytes (body + headers, as autocannon counts). */
  bytesPerResponse: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  statusCodes: Record<string, number>;
}

export function percentile(sorted: Float64Array | number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i];
}

const round = (x: number, d = 3) => Math.round(x * 10 ** d) / 10 ** d;

/** One autocannon run, bounded by its duration and by MAX_REQUESTS_PER_RUN; latencies recorded at full precision. */
export async function runLoad(spec: LoadSpec): Promise<LoadResult> {
  const autocannon = await loadAutocannon();
  let samples = new Float64Array(1 << 16);
  let n = 0;
  let bytes = 0;
  return new Promise<LoadResult>((resolve, reject) => {
    const instance = autocannon(
      {
        url: spec.urls.length === 1 ? spec.urls[0] : spec.urls,
        connections: spec.connections,
        duration: spec.durationS,
        pipelining: 1,
        timeout: 10,
        requests: spec.requests,
        maxOverallRequests: MAX_REQUESTS_PER_RUN,
      },
      (err: Error | null, result: any) => {
        clearTimeout(guard);
        if (err) return reject(err);
        const sorted = samples.subarray(0, n).sort();
        const statusCodes: Record<string, number> = {};
        for (const [code, v] of Object.entries(result.statusCodeStats ?? {})) statusCodes[code] = Number((v as { count: number }).count);
        const total = Object.values(statusCodes).reduce((a, b) => a + b, 0) || n;
        resolve({
          requests: total,
          seconds: round(result.duration, 2),
          rps: Math.round(total / result.duration),
          p50: round(percentile(sorted, 50)),
          p90: round(percentile(sorted, 90)),
          p99: round(percentile(sorted, 99)),
          bytesPerResponse: n ? Math.round(bytes / n) : 0,
          non2xx: result.non2xx,
          errors: result.errors,
          timeouts: result.timeouts,
          statusCodes,
        });
      },
    );
    instance.on('response', (_client: unknown, _status: number, resBytes: number, responseTime: number) => {
      if (n === samples.length) {
        const grown = new Float64Array(samples.length * 2);
        grown.set(samples);
        samples = grown;
      }
      samples[n++] = responseTime;
      bytes += resBytes;
    });
    // A second bound in time, should autocannon not stop by itself.
    const guard = setTimeout(() => instance.stop(), (spec.durationS + 30) * 1000);
  });
}

export interface SequentialResult {
  requests: number;
  p50: number;
  p90: number;
  p99: number;
  mean: number;
  bytes: number;
}

const agent = new Agent({ keepAlive: true, maxSockets: 1 });

function get(url: string, headers: Record<string, string>): Promise<{ status: number; bytes: number }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { agent, headers, timeout: 10_000 }, (res) => {
      let bytes = 0;
      res.on('data', (c: Buffer) => {
        bytes += c.length;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, bytes }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end();
  });
}

/**
 * Latency of one request shape with nothing else in flight: `warmup` requests discarded, then up to `count`
 * requests or `maxMs` milliseconds, whichever comes first. Every answer must be 200.
 */
export async function sequentialLatency(
  url: string,
  headers: Record<string, string>,
  opts: { count: number; maxMs: number; warmup?: number },
): Promise<SequentialResult> {
  for (let i = 0; i < (opts.warmup ?? 20); i++) {
    const r = await get(url, headers);
    if (r.status !== 200) throw new Error(`GET ${url} answered ${r.status}`);
  }
  const times: number[] = [];
  let bytes = 0;
  const t0 = performance.now();
  while (times.length < opts.count && performance.now() - t0 < opts.maxMs) {
    const s = performance.now();
    const r = await get(url, headers);
    times.push(performance.now() - s);
    if (r.status !== 200) throw new Error(`GET ${url} answered ${r.status}`);
    bytes = r.bytes;
  }
  times.sort((a, b) => a - b);
  return {
    requests: times.length,
    p50: round(percentile(times, 50)),
    p90: round(percentile(times, 90)),
    p99: round(percentile(times, 99)),
    mean: round(times.reduce((a, b) => a + b, 0) / times.length),
    bytes,
  };
}

// ---- OAuth 1.0a: a fresh nonce and timestamp on every request, as a real client sends ----

export interface OAuth1Keys {
  consumerKey: string;
  consumerSecret: string;
  token: string;
  tokenSecret: string;
}

let nonceCounter = 0;
const noncePrefix = randomBytes(6).toString('hex');

/**
 * The Authorization header for `method` `path?query`, signed for https://api.x.com (a base URL the server accepts
 * whatever port the request reaches, so the same header suits every instance behind a list of URLs).
 */
export function oauth1Header(keys: OAuth1Keys, method: string, pathWithQuery: string): string {
  const q = pathWithQuery.indexOf('?');
  const path = q < 0 ? pathWithQuery : pathWithQuery.slice(0, q);
  const query: [string, string][] = q < 0 ? [] : [...new URLSearchParams(pathWithQuery.slice(q + 1))];
  const oauth: [string, string][] = [
    ['oauth_consumer_key', keys.consumerKey],
    ['oauth_nonce', `${noncePrefix}${(nonceCounter++).toString(36)}`],
    ['oauth_signature_method', 'HMAC-SHA1'],
    ['oauth_timestamp', String(Math.floor(Date.now() / 1000))],
    ['oauth_token', keys.token],
    ['oauth_version', '1.0'],
  ];
  const signature = oauth1HmacSha1(oauth1BaseString(method, `https://api.x.com${path}`, [...query, ...oauth]), keys.consumerSecret, keys.tokenSecret);
  return `OAuth ${[...oauth, ['oauth_signature', signature]].map(([k, v]) => `${percentEncode(k)}="${percentEncode(v)}"`).join(', ')}`;
}
