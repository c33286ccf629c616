#!/usr/bin/env -S MALLOC_ARENA_MAX=1 MALLOC_MMAP_THRESHOLD_=131072 node
// glibc's malloc kept to one arena (each thread's own arena held freed memory, 10 MiB under load), and its mmap
// threshold held at its default of 128 KiB: glibc otherwise raises it to the size of each large block freed (the
// bundle and its code cache read below, 1.3 MB each), and from then on the response cache's arena, the usage ledger's id
// tables and V8's compiler zones are carved from the heap, whose holes stay resident (4-6 MiB of RSS under load);
// held, each large block is a mapping of its own, returned when freed. `npm start` sets both too (package.json).
// glibc reads them before any code runs, so they are on this line. V8's memory settings are not:
// any V8 flag here would make V8 compile Node's built-in modules anew on every start (src/cli/memorySettings.ts).
// Entry point of the `likes-api` command: runs the bundle in dist/ (built from src/ by `npm run build`, which
// `npm ci` runs through the prepare script). Development runs the sources: `npm run dev`.
//
// The bundle is compiled here with V8's code cache that the build recorded (scripts/build.mjs): V8 then skips most
// of its parsing and compiling (~50 ms of a start). V8 takes the cache only for the same V8 version and flags and a
// source of the same length, and a release build of V8 does not checksum the cache's contents. So the cache starts
// with the SHA-256 of the bundle it was made from and the SHA-256 of V8's data after them (~1 ms to check): a cache
// made for another bundle, or whose bytes changed since it was written, is not offered. Without a usable cache the
// bundle compiles as it loads, as any script does.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { createHash } = require('node:crypto');
const { existsSync, readFileSync, writeFileSync } = require('node:fs');
const { fileURLToPath, pathToFileURL } = require('node:url');
const { Script } = require('node:vm');

const dist = fileURLToPath(new URL('../dist', import.meta.url));
const bundle = `${dist}/likes-api.cjs`;
const cacheFile = `${dist}/likes-api.cache`;
if (!existsSync(bundle)) {
  console.error('likes-api: dist/ is missing; run `npm run build` (npm ci runs it) or `npm run dev` for the sources');
  process.exit(1);
}
const digestOf = (bytes) => createHash('sha256').update(bytes).digest();

const DIGEST_BYTES = 32;

/** V8's data in `cache` when it was made for the bundle of `digest` and is whole; otherwise why not. */
function cachedDataOf(cache, digest) {
  if (!cache) return { why: 'absent' };
  if (!cache.subarray(0, DIGEST_BYTES).equals(digest)) return { why: 'made for another bundle' };
  const data = cache.subarray(2 * DIGEST_BYTES);
  if (!cache.subarray(DIGEST_BYTES, 2 * DIGEST_BYTES).equals(digestOf(data))) return { why: 'damaged' };
  return { data };
}

/** The bundle as a script, compiled with the recorded cache when it was made for these bytes; nothing read is kept. */
function compile() {
  const source = readFileSync(bundle);
  const { data: cachedData, why } = cachedDataOf(existsSync(cacheFile) ? readFileSync(cacheFile) : null, digestOf(source));
  // The bundle is ASCII (scripts/build.mjs): latin1 decodes it as it is. Strict, as the ES modules it was made from.
  const script = new Script(`(function (exports, require, module, __filename, __dirname) {'use strict';${source.toString('latin1')}\n})`, {
    filename: pathToFileURL(bundle).href,
    cachedData,
  });
  if (process.env.LIKES_API_CODE_CACHE_TRACE === '1') {
    console.error(`likes-api: code cache ${why ?? (script.cachedDataRejected ? 'rejected by V8' : 'used')}`);
  }
  return script;
}

const script = compile();
// The build's recording run (scripts/build.mjs): the cache is written as the process ends, with every function the
// run compiled. The server leaves V8's flags at their defaults in that run (src/cli/memorySettings.ts), as V8
// checks a hash of them when the cache is used.
const out = process.env.LIKES_API_CODE_CACHE_OUT;
if (out) {
  process.once('exit', () => {
    const data = script.createCachedData();
    writeFileSync(out, Buffer.concat([digestOf(readFileSync(bundle)), digestOf(data), data]));
  });
}
const module = { exports: {} };
script.runInThisContext()(module.exports, createRequire(bundle), module, bundle, dist);
