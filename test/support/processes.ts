// Real processes for multi-instance tests: `likes-api serve` children, private `redis-server` children, a fresh
// PostgreSQL database per test file and a unique Redis prefix per run. Every child started here is tracked and
// killed by `stopAll()` (call it from `after`), and, as a backstop, when the test process exits or is terminated.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { oauth1BaseString, oauth1HmacSha1, percentEncode } from '../../src/auth/oauth1.ts';
import { parseFormPairs } from '../../src/formEncoding.ts';
export { freePort } from './net.ts';
export { PG_BASE_URL, createDatabase, type TestDatabase } from './postgres.ts';

export const ROOT = new URL('../..', import.meta.url).pathname;
export const BIN = join(ROOT, 'bin/likes-api.mjs');

/** The shared Redis the tests use (each run keeps to a prefix of its own: uniquePrefix). */
export const REDIS_URL = process.env.LIKES_API_TEST_REDIS_URL || 'redis://127.0.0.1:6379/0';

/** Every fetch a test makes gets this deadline, so a hung server fails the test instead of stalling it. */
export const FETCH_TIMEOUT_MS = 10_000;

// ---- child bookkeeping ----

const children = new Set<ChildProcess>();

function track(child: ChildProcess): void {
  children.add(child);
  child.once('exit', () => children.delete(child));
}

function killNow(child: ChildProcess): void {
  if (child.exitCode !== null || child.signalCode !== null) return;
  try {
    child.kill('SIGCONT');
    child.kill('SIGKILL');
  } catch {
    /* already gone */
  }
}

// Backstop: whatever happens to the test process, its children go with it.
process.once('exit', () => {
  for (const child of children) killNow(child);
});
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    for (const child of children) killNow(child);
    process.exit(signal === 'SIGINT' ? 130 : 143);
  });
}

/** Kills every child still running (instances and redis-servers) and waits for them to exit. */
export async function stopAll(): Promise<void> {
  await Promise.all(
    [...children].map(async (child) => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = once(child, 'exit');
      killNow(child);
      await exited;
    }),
  );
}

/** Runs every cleanup step even when some fail (for `after` hooks); throws the first failure afterwards. */
export async function cleanup(...steps: (() => unknown)[]): Promise<void> {
  let first: unknown;
  for (const step of steps) {
    try {
      await step();
    } catch (err) {
      first ??= err;
    }
  }
  if (first !== undefined) throw first;
}

export function tempDir(label: string): { path: string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), `likes-${label}-`));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

// ---- likes-api <command> ----

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs `likes-api …args` to the end on `dataDir`, with none of the caller's LIKES_API_* settings leaking in. The
 * child is tracked (stopAll and the exit backstop kill it) and killed, failing the run, after `timeoutMs`.
 */
export function runCli(
  dataDir: string,
  args: readonly string[],
  extraEnv: Record<string, string> = {},
  timeoutMs = 60_000,
): Promise<CliRun> {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of Object.keys(env)) if (name.startsWith('LIKES_API_')) delete env[name];
  Object.assign(env, { LIKES_API_DATA_DIR: dataDir }, extraEnv);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    track(child);
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => {
      killNow(child);
      reject(new Error(`likes-api ${args.join(' ')}: still running after ${timeoutMs} ms\n${stdout}${stderr}`));
    }, timeoutMs);
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

// ---- likes-api serve ----

export interface Instance {
  name: string;
  child: ChildProcess;
  baseUrl: string;
  dataDir: string;
  /** The environment given on top of the defaults (for starting the same instance again). */
  env: Record<string, string>;
  /** stdout and stderr so far (the last 256 KiB). */
  output(): string;
  /** Resolves when the process has exited. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  alive(): boolean;
}

export interface StartOptions {
  name: string;
  dataDir: string;
  /** LIKES_API_* settings; every LIKES_API_* variable of the test's own environment is cleared first. */
  env: Record<string, string>;
  /** How long to wait for "listening on" (default 60 s). */
  timeoutMs?: number;
  /** Called with the child as soon as it is spawned (before it listens). */
  onSpawn?: (child: ChildProcess) => void;
}

const OUTPUT_CAP = 256 * 1024;

function childEnv(dataDir: string, env: Record<string, string>): NodeJS.ProcessEnv {
  const base: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (!k.startsWith('LIKES_API_') && k !== 'PORT' && k !== 'HOST') base[k] = v;
  }
  return { ...base, PORT: '0', HOST: '127.0.0.1', LIKES_API_DATA_DIR: dataDir, ...env };
}

/** Spawns `node bin/likes-api.mjs serve` on a free port and resolves with the address it prints. */
export function startInstance(opts: StartOptions): Promise<Instance> {
  const child = spawn(process.execPath, [BIN, 'serve'], {
    cwd: ROOT,
    env: childEnv(opts.dataDir, opts.env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  track(child);
  opts.onSpawn?.(child);
  let out = '';
  const append = (b: Buffer) => {
    out += b.toString();
    if (out.length > OUTPUT_CAP) out = out.slice(-OUTPUT_CAP);
  };
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal }));
  });
  child.stdout!.on('data', append);
  child.stderr!.on('data', append);
  const timeoutMs = opts.timeoutMs ?? 60_000;
  return new Promise<Instance>((resolve, reject) => {
    let settled = false;
    const fail = (err: Error) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      killNow(child);
      reject(err);
    };
    const timer = setTimeout(() => fail(new Error(`${opts.name}: no address printed within ${timeoutMs} ms:\n${out}`)), timeoutMs);
    child.stdout!.on('data', () => {
      if (settled) return;
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (!m) return;
      settled = true;
      clearTimeout(timer);
      resolve({
        name: opts.name,
        child,
        baseUrl: m[1],
        dataDir: opts.dataDir,
        env: opts.env,
        output: () => out,
        exited,
        alive: () => child.exitCode === null && child.signalCode === null,
      });
    });
    child.once('error', (err) => fail(err));
    void exited.then(({ code, signal }) => fail(new Error(`${opts.name}: serve exited (${code ?? signal}) before listening:\n${out}`)));
  });
}

/** SIGTERM, then SIGKILL when it has not exited after `graceMs`; resolves with how it exited. */
export async function stopInstance(
  instance: Pick<Instance, 'child' | 'exited'>,
  graceMs = 15_000,
): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  const { child } = instance;
  if (child.exitCode === null && child.signalCode === null) {
    child.kill('SIGTERM');
    const timer = setTimeout(() => killNow(child), graceMs);
    try {
      await instance.exited;
    } finally {
      clearTimeout(timer);
    }
  }
  return instance.exited;
}

/** Polls /healthz (bounded) until it answers 200; returns whether it did. */
export async function waitHealthy(baseUrl: string, attempts = 300): Promise<boolean> {
  for (let i = 0; i < attempts; i++) {
    const ok = await fetch(`${baseUrl}/healthz`, { signal: AbortSignal.timeout(2000) }).then((r) => r.status === 200, () => false);
    if (ok) return true;
    await sleep(100);
  }
  return false;
}

/**
 * Instances named A, B, … (one per data directory) on the same settings, started at once (they race for the
 * migration lock and the demo seed, as a real deployment does), each answering /healthz before this resolves.
 */
export async function startHealthyInstances(dirs: readonly { path: string }[], env: Record<string, string>): Promise<Instance[]> {
  const instances = await Promise.all(
    dirs.map((dir, i) => startInstance({ name: String.fromCharCode(65 + i), dataDir: dir.path, env })),
  );
  for (const instance of instances) assert.ok(await waitHealthy(instance.baseUrl), instance.output());
  return instances;
}

// ---- HTTP ----

export interface Reply {
  status: number;
  headers: Headers;
  text: string;
  /** The parsed body; undefined when it is not JSON. */
  body: any;
}

/** fetch with a 10 s deadline, the body read and parsed. */
export async function call(url: string, init: RequestInit = {}): Promise<Reply> {
  const res = await fetch(url, { ...init, signal: AbortSignal.timeout(FETCH_TIMEOUT_MS) });
  const text = await res.text();
  let body: unknown;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = undefined;
  }
  return { status: res.status, headers: res.headers, text, body };
}

export const bearer = (token: string): Record<string, string> => ({ authorization: `Bearer ${token}` });

export interface OAuth1Credentials {
  consumerKey: string;
  consumerSecret: string;
  token: string;
  tokenSecret: string;
}

/**
 * An `Authorization: OAuth …` header (HMAC-SHA1, RFC 5849) for `method signedUrl`; query parameters of the URL and
 * `formBody` pairs are signed. Sign for https://api.x.com/… to get a header every instance accepts whatever its port.
 */
export function oauth1Authorization(
  method: string,
  signedUrl: string,
  creds: OAuth1Credentials,
  opts: { nonce?: string; timestamp?: number; formBody?: string } = {},
): string {
  const url = new URL(signedUrl);
  const oauth: [string, string][] = [
    ['oauth_consumer_key', creds.consumerKey],
    ['oauth_nonce', opts.nonce ?? randomBytes(16).toString('hex')],
    ['oauth_signature_method', 'HMAC-SHA1'],
    ['oauth_timestamp', String(opts.timestamp ?? Math.floor(Date.now() / 1000))],
    ['oauth_token', creds.token],
    ['oauth_version', '1.0'],
  ];
  const params: [string, string][] = [
    ...(parseFormPairs(url.search.slice(1)) ?? []),
    ...(opts.formBody ? parseFormPairs(opts.formBody) ?? [] : []),
    ...oauth,
  ];
  const base = oauth1BaseString(method, `${url.protocol}//${url.host}${url.pathname}`, params);
  const signature = oauth1HmacSha1(base, creds.consumerSecret, creds.tokenSecret);
  return `OAuth ${[...oauth, ['oauth_signature', signature]].map(([k, v]) => `${percentEncode(k)}="${percentEncode(v)}"`).join(', ')}`;
}

// ---- Redis ----

export const uniquePrefix = (label: string): string => `likes-api-test:${label}:${randomUUID()}:`;
const globEscape = (s: string) => s.replace(/[*?[\]\\]/g, '\\$&');

/** A plain client (no prefix, bounded retries) for looking at what instances wrote. */
export function rawRedis(url: string = REDIS_URL): Redis {
  return new Redis(url, {
    commandTimeout: 5000,
    connectTimeout: 5000,
    maxRetriesPerRequest: 1,
    retryStrategy: (times) => (times > 3 ? null : 100),
  });
}

export async function scanKeys(client: Redis, pattern: string): Promise<string[]> {
  const keys: string[] = [];
  let cursor = '0';
  for (let i = 0; i < 100_000; i++) {
    const [next, batch] = await client.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
    keys.push(...batch);
    cursor = next;
    if (cursor === '0') break;
  }
  return keys;
}

export async function keysWithPrefix(client: Redis, prefix: string): Promise<string[]> {
  return scanKeys(client, `${globEscape(prefix)}*`);
}

/** Deletes every key under `prefix` in the database of `url`. */
export async function deleteByPrefix(url: string, prefix: string): Promise<void> {
  const client = rawRedis(url);
  try {
    const keys = await keysWithPrefix(client, prefix);
    for (let i = 0; i < keys.length; i += 500) await client.del(...keys.slice(i, i + 500));
  } finally {
    client.disconnect();
  }
}

/** Throws (failing the suite, never skipping it) when the shared Redis does not answer. */
export async function requireRedis(url: string = REDIS_URL): Promise<void> {
  const client = rawRedis(url);
  try {
    assert.equal(await client.ping(), 'PONG');
  } catch (err) {
    throw new Error(`Redis at ${url} is unreachable: start redis-server or set LIKES_API_TEST_REDIS_URL`, { cause: err });
  } finally {
    client.disconnect();
  }
}

/** A private, killable redis-server on `port` that keeps nothing on disk. */
export async function startRedisServer(port: number): Promise<ChildProcess> {
  const child = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--daemonize', 'no', '--dir', tmpdir()],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  track(child);
  let output = '';
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`redis-server not ready within 20 s: ${output}`)), 20_000);
      const onExit = (code: number | null) => {
        clearTimeout(timer);
        reject(new Error(`redis-server exited (${code}): ${output}`));
      };
      child.stdout!.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        if (output.includes('Ready to accept connections')) {
          clearTimeout(timer);
          child.off('exit', onExit);
          resolve();
        }
      });
      child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
      child.once('exit', onExit);
      child.once('error', (err) => {
        clearTimeout(timer);
        reject(err);
      });
    });
  } catch (err) {
    killNow(child);
    throw err;
  }
  // Keep draining its output so it never blocks on a full pipe.
  child.stdout!.resume();
  child.stderr!.resume();
  return child;
}

export async function stopRedisServer(child: ChildProcess, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGCONT');
  child.kill(signal);
  await exited;
}
