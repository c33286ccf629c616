// Child processes of a benchmark run: Likes API servers, the ceiling server and peers. Every process started here
// is remembered and stopped by its pid (never by name) when the run ends or is interrupted.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { LIKES_BIN, likesCommand } from '../../test/support/command.ts';
import { freePort } from '../../test/support/net.ts';

export { LIKES_BIN };
export const ROOT = new URL('../..', import.meta.url).pathname.replace(/\/$/, '');
/** The environment and node flags the command runs with (its first line's, which `npm start` passes too): the servers measured start as users start them. */
export const LIKES_COMMAND = likesCommand();
/** The sealing key of the throwaway PostgreSQL bench databases (required there without the demo). */
export const BENCH_PG_SECRET_KEY = 'be9c'.repeat(16);

const live = new Set<ChildProcess>();

/** Stops every process this run started (on exit, SIGINT, SIGTERM). */
export function stopAllSync(): void {
  for (const child of live) {
    try {
      if (child.pid && child.exitCode === null) process.kill(child.pid, 'SIGKILL');
    } catch {
      /* already gone */
    }
  }
  live.clear();
}

/** Resident set size of a process in KiB (VmRSS), or 0 when it is gone. */
export function rssKiB(pid: number | undefined): number {
  if (!pid) return 0;
  try {
    const m = /VmRSS:\s+(\d+)\s+kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}

/** Samples the RSS of some processes every `everyMs` until stopped; reports each one's maximum in MiB. */
export function sampleRss(pids: number[], everyMs = 100): { stop(): number[] } {
  const max = pids.map((p) => rssKiB(p));
  const timer = setInterval(() => {
    pids.forEach((p, i) => {
      max[i] = Math.max(max[i], rssKiB(p));
    });
  }, everyMs);
  return {
    stop() {
      clearInterval(timer);
      pids.forEach((p, i) => {
        max[i] = Math.max(max[i], rssKiB(p));
      });
      return max.map((k) => Math.round((k / 1024) * 10) / 10);
    },
  };
}

export interface Proc {
  name: string;
  child: ChildProcess;
  pid: number;
  port: number;
  baseUrl: string;
  /** Milliseconds from spawn to the first successful answer of the readiness probe. */
  readyMs: number;
  output(): string;
  stop(signal?: NodeJS.Signals): Promise<void>;
}

export interface StartOptions {
  name: string;
  command: string;
  args: string[];
  env?: Record<string, string | undefined>;
  port: number;
  cwd?: string;
  /** Path probed until it answers with one of `okStatuses` (default 200). */
  probePath: string;
  probeHeaders?: Record<string, string>;
  okStatuses?: number[];
  timeoutMs?: number;
}

export async function startProc(o: StartOptions): Promise<Proc> {
  const t0 = performance.now();
  const child = spawn(o.command, o.args, {
    cwd: o.cwd ?? ROOT,
    env: { ...process.env, ...o.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  live.add(child);
  let out = '';
  const keep = (chunk: Buffer) => {
    out = (out + chunk.toString('utf8')).slice(-20_000);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.once('exit', () => live.delete(child));
  const baseUrl = `http://127.0.0.1:${o.port}`;
  const ok = o.okStatuses ?? [200];
  const deadline = t0 + (o.timeoutMs ?? 60_000);
  let readyMs = -1;
  // Bounded probe loop: every 5 ms until the deadline or the process dies.
  while (performance.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${o.name} exited with ${child.exitCode} before answering:\n${out}`);
    try {
      const res = await fetch(`${baseUrl}${o.probePath}`, { headers: o.probeHeaders, signal: AbortSignal.timeout(2000) });
      await res.arrayBuffer();
      if (ok.includes(res.status)) {
        readyMs = performance.now() - t0;
        break;
      }
    } catch {
      /* not listening yet */
    }
    await new Promise((r) => setTimeout(r, 5));
  }
  if (readyMs < 0) {
    child.kill('SIGKILL');
    throw new Error(`${o.name} did not answer ${o.probePath} within ${o.timeoutMs ?? 60_000} ms:\n${out}`);
  }
  return {
    name: o.name,
    child,
    pid: child.pid!,
    port: o.port,
    baseUrl,
    readyMs: Math.round(readyMs),
    output: () => out,
    async stop(signal: NodeJS.Signals = 'SIGTERM') {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill(signal);
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

export interface LikesServerOptions {
  name: string;
  dataDir: string;
  databaseUrl?: string;
  redisUrl?: string;
  redisPrefix?: string;
  nodeArgs?: string[];
  /** An authenticated API path probed for readiness (so readyMs is "start to first answer"). */
  probePath: string;
  bearer: string;
  /** More settings (e.g. LIKES_API_CACHE=off). */
  env?: Record<string, string>;
  /** Another checkout to run instead of this one (its bin/ and dist/ built): bench/spot.ts compares builds. */
  checkout?: string;
  /** A command the server runs under, with its arguments (bench/instructions.ts: valgrind). */
  wrap?: string[];
  /** How long the server may take to answer its first request (default 60 s). */
  timeoutMs?: number;
}

/** A real `likes-api serve` process with limits off, on a free port. */
export async function startLikesServer(o: LikesServerOptions): Promise<Proc> {
  const port = await freePort();
  return startProc({
    name: o.name,
    command: o.wrap?.[0] ?? process.execPath,
    args: [
      ...(o.wrap ? [...o.wrap.slice(1), process.execPath] : []),
      ...LIKES_COMMAND.flags, ...(o.nodeArgs ?? []), o.checkout ? join(o.checkout, 'bin', 'likes-api.mjs') : LIKES_BIN, 'serve',
    ],
    cwd: o.checkout,
    env: {
      ...LIKES_COMMAND.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      LIKES_API_DATA_DIR: o.dataDir,
      LIKES_API_DATABASE_URL: o.databaseUrl ?? '',
      ...(o.databaseUrl ? { LIKES_API_SECRET_KEY: BENCH_PG_SECRET_KEY } : {}),
      LIKES_API_REDIS_URL: o.redisUrl ?? '',
      LIKES_API_REDIS_PREFIX: o.redisPrefix ?? 'likes-api:',
      LIKES_API_LIMITS: 'off',
      LIKES_API_DEMO: '0',
      LIKES_API_LOG: '0',
      LIKES_API_CACHE: 'on',
      ...o.env,
    },
    port,
    probePath: o.probePath,
    probeHeaders: { authorization: `Bearer ${o.bearer}` },
    timeoutMs: o.timeoutMs,
  });
}

/** Runs a command to completion (bounded by `timeoutMs`), returning its stdout; throws with its output on failure. */
export async function runToEnd(
  command: string,
  args: string[],
  opts: { env?: Record<string, string | undefined>; cwd?: string; timeoutMs: number; echo?: boolean },
): Promise<string> {
  const child = spawn(command, args, { cwd: opts.cwd ?? ROOT, env: { ...process.env, ...opts.env }, stdio: ['ignore', 'pipe', 'pipe'] });
  live.add(child);
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (c: Buffer) => {
    stdout += c.toString('utf8');
  });
  child.stderr!.on('data', (c: Buffer) => {
    stderr = (stderr + c.toString('utf8')).slice(-20_000);
    if (opts.echo) process.stderr.write(c);
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs);
  const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
  clearTimeout(timer);
  live.delete(child);
  if (code !== 0) throw new Error(`${command} ${args.join(' ')} exited with ${code}:\n${stderr}\n${stdout.slice(-5000)}`);
  return stdout;
}
