// One measured load (warm-up, then the measured seconds with the servers' RSS sampled) and what the tables keep of it.
import { createHash } from 'node:crypto';
import type { BenchContext } from './context.ts';
import { runLoad, type AcRequest, type LoadResult } from './load.ts';
import { sampleRss } from './proc.ts';
import type { MainRow } from './results.ts';

export type Measured = LoadResult & { rssMiB: number[] };

export async function measure(
  ctx: BenchContext, label: string, urls: string[], connections: number, requests: AcRequest[], pids: number[],
): Promise<Measured> {
  await runLoad({ urls, connections, durationS: ctx.warmS, requests });
  const rss = sampleRss(pids);
  const r = await runLoad({ urls, connections, durationS: ctx.loadS, requests });
  const rssMiB = rss.stop();
  const bad = r.non2xx + r.errors;
  ctx.log(
    `  ${label.padEnd(52)} ${String(r.rps).padStart(7)} req/s  p50 ${r.p50.toFixed(2).padStart(6)} ms  p99 ${r.p99.toFixed(2).padStart(6)} ms  ` +
      `RSS ${rssMiB.join('+')} MiB${bad ? `  (${r.non2xx} non-2xx, ${r.errors} errors: ${JSON.stringify(r.statusCodes)})` : ''}`,
  );
  return { ...r, rssMiB };
}

export function row(store: string, id: string, label: string, instances: number, r: Measured, cache = true): MainRow {
  return {
    store, id, label, instances, cache, rps: r.rps, p50: r.p50, p90: r.p90, p99: r.p99, rssMiB: r.rssMiB, bytesPerResponse: r.bytesPerResponse,
    requests: r.requests, non2xx: r.non2xx, errors: r.errors, statusCodes: r.statusCodes,
  };
}

/** One answer as the tables compare it: status, headers (less the per-connection ones) and body. */
export async function capture(url: string, headers: Record<string, string>): Promise<{ status: number; headers: Record<string, string>; body: string }> {
  const res = await fetch(url, { headers });
  const body = await res.text();
  const out: Record<string, string> = {};
  res.headers.forEach((v, k) => {
    if (!['date', 'connection', 'keep-alive', 'content-length', 'transfer-encoding'].includes(k)) out[k] = v;
  });
  return { status: res.status, headers: out, body };
}

export const sha = (s: string) => createHash('sha256').update(s).digest('hex').slice(0, 16);
