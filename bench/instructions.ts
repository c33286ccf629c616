// Instructions per request, counted by valgrind's callgrind: a repeatable measure for changes too small for
// bench/spot.ts to tell from its noise (a few µs of ~250: spot's rounds drift by ±5 % on this machine, as the load
// generator shares its two cores). Counts are not time (a cache miss costs one instruction), so a change that moves
// memory rather than work still needs spot or the full run; but the same build, data and requests give the same count
// to about half a per cent (two identical builds: 1,449k-1,462k a request on 1M likes), whatever else the machine does.
//
// Each server (this checkout's, and another built checkout's with --against) runs under callgrind with counting off;
// it is warmed with the realistic mix's default-fields requests (as spot's `--listing mix`), then counts while it
// answers the next `--requests` of them, sent `--batch` at a time (all of a batch arrive before it is read, so the
// turn-shared work is shared alike on every run), and the count is divided by the requests.
//
//   node --import tsx bench/instructions.ts --data <dir seeded by `likes-api seed`> [--against <checkout>] [--bare]
//        [--fixed] [--requests 1500] [--warmup 4000] [--batch 8] [--cache off] [--whole-mix | --one-page] [--keep]
//
// `--bare`: the bare single-query server (bench/bare-sqlite-server.mjs) over the same file counts the same requests too,
// so that the gap to it is counted rather than timed (default fields only: not with --whole-mix or --one-page).
// `--fixed` (with --one-page): the bare fixed-page server (bench/ceiling-server.mjs) counts the same requests too,
// answering with the page and headers this checkout's server sent: the cache-hit row's ceiling, counted.
//
// `--one-page`: the realistic benchmark's cache-hit row instead: the heaviest liker's first page of liked_tweets (app
// bearer) over and over, with the response cache on (every request after the first a hit).
// `--keep`: callgrind's output files are kept (and named) for callgrind_annotate: native functions (SQLite, V8's
// runtime and garbage collector, libc) by name; code V8 compiled shows as addresses.
// `--functions N`: the N functions that ran the most instructions a request (self), each server's: native ones by name,
// the JS that V8 compiled by the function and line of the bundle, through the map V8 writes with --perf-basic-prof
// (/tmp/perf-<pid>.map; that flag makes V8 compile Node's built-in modules anew at start, before anything is counted).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { readCreds } from './lib/data.ts';
import { capture } from './lib/measure.ts';
import { optionsOf } from './lib/options.ts';
import { freePort } from '../test/support/net.ts';
import { ROOT, startLikesServer, startProc, stopAllSync, type Proc } from './lib/proc.ts';
import { buildMix, requestsOf } from './lib/realisticMix.ts';

const opts = optionsOf('bench/instructions.ts', {
  data: { type: 'string' },
  against: { type: 'string' },
  bare: { type: 'boolean', default: false },
  fixed: { type: 'boolean', default: false },
  requests: { type: 'string', default: '1500' },
  warmup: { type: 'string', default: '4000' },
  batch: { type: 'string', default: '8' },
  cache: { type: 'string', default: 'off' },
  'whole-mix': { type: 'boolean', default: false },
  'one-page': { type: 'boolean', default: false },
  keep: { type: 'boolean', default: false },
  functions: { type: 'string', default: '0' },
});
if (!opts.data) {
  console.error('bench/instructions.ts: --data <dir>: a directory seeded by `likes-api seed` (likes.db, bench-credentials.json)');
  process.exit(2);
}
const dataDir = opts.data;
const dbFile = join(dataDir, 'likes.db');
const creds = readCreds(dataDir);
const batch = Number(opts.batch);
const onePage = opts['one-page']!;
if (onePage && opts['whole-mix']) {
  console.error('bench/instructions.ts: --one-page and --whole-mix are two workloads: one of them');
  process.exit(2);
}
if (opts.bare && (onePage || opts['whole-mix'])) {
  console.error('bench/instructions.ts: --bare answers the default-fields mix only: not with --one-page or --whole-mix');
  process.exit(2);
}
if (opts.fixed && !onePage) {
  console.error('bench/instructions.ts: --fixed is the one page\'s ceiling: with --one-page');
  process.exit(2);
}
const env = { LIKES_API_CACHE: onePage ? 'on' : opts.cache! };
const probePath = `/2/users/${creds.heavyLikerUserId}/liked_tweets`;

type Item = { path: string; headers: Record<string, string> };

/** Sends `items` `batch` at a time over `batch` kept-alive connections; throws on an answer other than 200. */
async function send(baseUrl: string, items: readonly Item[]): Promise<void> {
  const agent = new Agent({ keepAlive: true, maxSockets: batch });
  const { hostname, port } = new URL(baseUrl);
  const one = (it: Item) =>
    new Promise<void>((done, fail) => {
      const req = request({ agent, hostname, port, path: it.path, headers: it.headers }, (res) => {
        res.resume();
        res.on('end', () => (res.statusCode === 200 ? done() : fail(new Error(`${it.path}: ${res.statusCode}`))));
      });
      req.on('error', fail);
      req.end();
    });
  try {
    for (let i = 0; i < items.length; i += batch) await Promise.all(items.slice(i, i + batch).map(one));
  } finally {
    agent.destroy();
  }
}

/** The instructions (Ir) a callgrind output file counted: its `totals:` line (`summary:` is written before counting ends). */
function instructionsIn(file: string): number {
  const line = readFileSync(file, 'utf8').split('\n').find((l) => l.startsWith('totals:'));
  if (!line) throw new Error(`${file}: no totals`);
  return Number(line.split(/\s+/)[1]);
}

/**
 * Of those, the instructions V8's optimizing compiler ran (the inclusive count of Runtime_CompileOptimized: with
 * --single-threaded it compiles on the main thread, inside the count). Under callgrind a server is still tiering up after
 * thousands of requests (in real time its compiling settles after ~50,000-100,000 requests of the mix: docs/benchmarks.md,
 * session 21), so this share is warm-up, not steady state; the count without it is the closer measure of the latter.
 */
function compilerInstructionsIn(file: string): number {
  const annotated = execFileSync('callgrind_annotate', ['--inclusive=yes', '--threshold=100', file], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  const line = annotated.split('\n').find((l) => l.includes('Runtime_CompileOptimized('));
  return line ? Number(line.trim().split(/\s+/)[0].replace(/,/g, '')) : 0;
}

/**
 * The `n` functions of callgrind's output `files` with the most instructions of their own, code V8 compiled named
 * through the map V8 wrote of it (--perf-basic-prof: /tmp/perf-<pid>.map, lines `start size name`, in hex).
 */
function heaviestFunctions(files: readonly string[], n: number): { name: string; instructions: number }[] {
  const byName = new Map<string, number>();
  for (const file of files) {
    const pid = /^pid: (\d+)$/m.exec(readFileSync(file, 'utf8').slice(0, 4096))?.[1];
    const mapFile = `/tmp/perf-${pid}.map`;
    const map = pid && existsSync(mapFile) ? jitMap(mapFile) : null;
    // Kept with --keep, for reading callgrind's output by hand (callers of a builtin are JIT addresses).
    if (map && !opts.keep) rmSync(mapFile);
    const annotated = execFileSync('callgrind_annotate', ['--threshold=100', file], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
    for (const line of annotated.split('\n')) {
      const m = /^\s*([\d,]+) \([ \d.]+%\)\s+(.+)$/.exec(line);
      if (!m || m[2].startsWith('PROGRAM TOTALS')) continue;
      const address = /^\?\?\?:0x([0-9a-f]+) /.exec(m[2]);
      const name = address && map ? (map(Number.parseInt(address[1], 16)) ?? m[2]) : m[2].replace(/ \[.*\]$/, '').replace(/^(\?\?\?|\.?\/[^:]*):/, '');
      byName.set(name, (byName.get(name) ?? 0) + Number(m[1].replace(/,/g, '')));
    }
  }
  return [...byName].map(([name, instructions]) => ({ name, instructions })).sort((a, b) => b.instructions - a.instructions).slice(0, n);
}

/** The name V8's perf map gives the code at an address (bundle paths shortened), null outside its code. */
function jitMap(file: string): (address: number) => string | null {
  const entries = readFileSync(file, 'utf8').split('\n').filter(Boolean).map((line) => {
    const [start, size, ...name] = line.split(' ');
    return { start: Number.parseInt(start, 16), size: Number.parseInt(size, 16), name: name.join(' ').replace(/file:\/\/\S*\/dist\/likes-api\.cjs/, 'dist') };
  }).sort((a, b) => a.start - b.start);
  return (address) => {
    let lo = 0;
    let hi = entries.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (entries[mid].start > address) hi = mid - 1;
      else if (address >= entries[mid].start + entries[mid].size) lo = mid + 1;
      else return entries[mid].name;
    }
    return null;
  };
}

/**
 * Turns counting on or off in the server. callgrind_control reaches it through valgrind's gdbserver, whose pipes are
 * named after $HOST, which the server has set (to its listening address): so it must be the same here.
 */
function control(pid: number, state: 'on' | 'off'): void {
  const said = execFileSync('callgrind_control', [`--instr=${state}`, String(pid)], { encoding: 'utf8', env: { ...process.env, HOST: '127.0.0.1' }, stdio: ['ignore', 'pipe', 'pipe'] });
  if (!/OK/.test(said)) throw new Error(`callgrind_control --instr=${state} ${pid}: ${said}`);
}

process.once('SIGINT', () => {
  stopAllSync();
  process.exit(130);
});

// The requests: the one page, or the mix's, walked on a server of this checkout (deep pages are reached by their
// tokens). With --fixed, that server's answer to the one page is what the fixed-page server sends.
let items: Item[] = onePage ? [{ path: probePath, headers: { authorization: `Bearer ${creds.app.bearerToken}` } }] : [];
let pageFile: string | null = null;
if (!onePage || opts.fixed) {
  const guide = await startLikesServer({ name: 'instructions-guide', dataDir, probePath, bearer: creds.app.bearerToken, env });
  try {
    if (onePage) {
      pageFile = join(mkdtempSync(join(tmpdir(), 'likes-api-fixed-')), 'page.json');
      writeFileSync(pageFile, JSON.stringify(await capture(`${guide.baseUrl}${probePath}`, items[0].headers)));
    } else {
      const mix = await buildMix(dbFile, guide.baseUrl, creds, () => {});
      items = requestsOf(creds, mix.filter((it) => opts['whole-mix'] || it.fields === 'default'));
    }
  } finally {
    await guide.stop();
  }
}
const warmup = Number(opts.warmup);
const counted = Number(opts.requests);
const pick = (from: number, n: number) => Array.from({ length: n }, (_, i) => items[(from + i) % items.length]);
const workload = onePage ? 'one page (cache hits)' : `${items.length} distinct ${opts['whole-mix'] ? 'mix' : 'default-fields mix'} lookups`;
console.log(`${workload}, cache ${env.LIKES_API_CACHE}; ${warmup} to warm up, ${counted} counted, ${batch} at a time`);

// V8 compiles and collects on the main thread, and hashes and draws with fixed seeds: the count then depends less on
// when its helper threads ran and how its tables filled.
const functions = Number(opts.functions);
// --perf-basic-prof turns V8's logger on too: its log goes nowhere rather than into the working directory.
const NODE_ARGS = [
  '--single-threaded', '--hash-seed=1', '--random-seed=1',
  ...(functions > 0 ? ['--perf-basic-prof', '--no-logfile-per-isolate', '--logfile=/dev/null'] : []),
];
const callgrind = (out: string) => ['valgrind', '--tool=callgrind', '--instr-atstart=no', `--callgrind-out-file=${out}`];

const servers: { label: string; start: (out: string) => Promise<Proc> }[] = [];
const likesServer = (label: string, checkout?: string) =>
  servers.push({
    label,
    start: (out) =>
      startLikesServer({
        name: `instructions-${label}`,
        dataDir,
        probePath,
        bearer: creds.app.bearerToken,
        env,
        checkout,
        nodeArgs: NODE_ARGS,
        wrap: callgrind(out),
        timeoutMs: 300_000,
      }),
  });
likesServer('this checkout');
if (opts.against) likesServer(opts.against, resolve(opts.against));
/** A bare server of bench/ (`script`, given its port then `args`) under callgrind. */
const bareServer = (label: string, name: string, script: string, args: string[]) =>
  servers.push({
    label,
    start: async (out) => {
      const port = await freePort();
      const [command, ...wrap] = callgrind(out);
      const argv = [...wrap, process.execPath, ...NODE_ARGS, join(ROOT, 'bench', script), String(port), ...args];
      // HOST as a Likes server sets it: valgrind names the pipes that `control` reaches it by after it.
      return startProc({ name, command, args: argv, port, probePath, env: { HOST: '127.0.0.1' }, timeoutMs: 300_000 });
    },
  });
if (opts.bare) bareServer('bare single-query', 'instructions-bare', 'bare-sqlite-server.mjs', [dbFile]);
if (pageFile) bareServer('fixed page', 'instructions-fixed', 'ceiling-server.mjs', [pageFile]);
for (const { label, start } of servers) {
  const dir = mkdtempSync(join(tmpdir(), 'likes-api-callgrind-'));
  const out = join(dir, 'callgrind.out');
  let proc: Proc | null = null;
  try {
    proc = await start(out);
    await send(proc.baseUrl, pick(0, warmup));
    control(proc.pid, 'on');
    await send(proc.baseUrl, pick(warmup, counted));
    control(proc.pid, 'off');
  } finally {
    await proc?.stop();
  }
  const file = readdirSync(dir).filter((f) => f.startsWith('callgrind.out')).map((f) => join(dir, f));
  const total = file.reduce((sum, f) => sum + instructionsIn(f), 0);
  const compiling = file.reduce((sum, f) => sum + compilerInstructionsIn(f), 0);
  const perRequest = (n: number) => Math.round(n / counted).toLocaleString('en').padStart(12);
  console.log(`${label.padEnd(20)} ${perRequest(total)} instructions a request; ${perRequest(total - compiling)} without V8's optimizing compiler (${((100 * compiling) / total).toFixed(1)} %)`);
  if (functions > 0) for (const f of heaviestFunctions(file, functions)) console.log(`  ${perRequest(f.instructions)}  ${f.name}`);
  if (opts.keep) console.log(`  callgrind's output: ${file.join(' ')} (callgrind_annotate reads it)`);
  else rmSync(dir, { recursive: true, force: true });
}
if (pageFile) rmSync(dirname(pageFile), { recursive: true, force: true });
