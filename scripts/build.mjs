#!/usr/bin/env node
// `npm run build`: bundles src/ (entry src/cli/main.ts) and its dependencies into one CommonJS file,
// dist/likes-api.cjs, with esbuild (source map beside it), then records V8's code cache of it (dist/likes-api.cache)
// from a real start of the server. bin/likes-api.mjs compiles the bundle with that cache: a start skips most of V8's
// parsing and compiling, ~50 ms of ~180 (docs/benchmarks.md, "Start-up from V8's code cache").
// Why a bundle: Node 20 spent about a third of the start-up resolving, reading and linking some 300 separate module
// files. Why CommonJS: Node 20 hands V8's code cache only to scripts (vm.Script), not to ES modules; the parts that
// only some commands use (PostgreSQL, seeding, the admin commands) are still run only when used, but parsed with the
// rest when there is no cache.
// Type checking is `npm run typecheck` (tsc); esbuild only strips types.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const dist = join(ROOT, 'dist');
const bundle = join(dist, 'likes-api.cjs');
const codeCache = join(dist, 'likes-api.cache');

rmSync(dist, { recursive: true, force: true });
const { outputFiles } = await build({
  entryPoints: [join(ROOT, 'src/cli/main.ts')],
  outfile: bundle,
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  sourcemap: true,
  legalComments: 'none',
  // V8 keeps a script's whole source in the heap (it compiles functions from it as they are first called): without
  // its layout the bundle is 1.31 MB instead of 1.94. Names stay as written, so stack traces still name functions.
  minifyWhitespace: true,
  minifySyntax: true,
  logLevel: 'warning',
  // Native addons stay in node_modules; pg, ioredis and pg-copy-streams are loaded only on PostgreSQL + Redis and
  // refer to their own files at run time (__dirname), which a bundle would not have.
  // Fastify's schema compilers and light-my-request (inject) are required only when used (src/http/server.ts,
  // tests): outside the bundle, V8 does not parse their ~600 kB on every start.
  external: ['better-sqlite3', 'pg', 'pg-copy-streams', 'ioredis', 'pg-native', '@fastify/ajv-compiler', '@fastify/fast-json-stringify-compiler', 'light-my-request'],
  // The sources are ES modules; in the bundle, import.meta.url is the bundle's own URL (bin/likes-api.mjs passes it).
  define: { 'import.meta.url': '__bundleUrl' },
  banner: { js: "const __bundleUrl = require('node:url').pathToFileURL(__filename).href;" },
  write: false,
});
mkdirSync(dist);
for (const file of outputFiles) writeFileSync(file.path, file.path.endsWith('.cjs') ? asciiOnly(file.text) : file.contents);
await recordCodeCache();

/**
 * esbuild escapes non-ASCII characters in code but keeps them in the comments it carries over and in template
 * literals (a tag may read their raw text; ours read the cooked one). One such character anywhere makes V8 hold
 * the whole file's source as UTF-16: 2 MiB more heap for the serve bundle. \u escapes keep every string's value.
 */
function asciiOnly(text) {
  return text.replace(/[^\x00-\x7f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/**
 * Starts the built command as `npm start` does on a fresh data directory (it seeds the demo world), asks it what a
 * client asks first (both listings, default fields and expansions, app-only and user context, a like and an unlike),
 * and stops it: on its way out bin/likes-api.mjs writes V8's code cache of the bundle, which then holds every function
 * that start compiled. Without it the command still runs, compiling as it loads: a failure here is reported, not fatal.
 */
async function recordCodeCache() {
  const dataDir = mkdtempSync(join(tmpdir(), 'likes-api-build-'));
  // The default settings, whatever the environment of the build says.
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('LIKES_API_')));
  const child = spawn(process.execPath, [join(ROOT, 'bin', 'likes-api.mjs'), 'serve'], {
    // Port 0: the system picks a free one, which the server's first line names.
    env: { ...env, PORT: '0', HOST: '127.0.0.1', LIKES_API_DATA_DIR: dataDir, LIKES_API_CODE_CACHE_OUT: codeCache },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c) => (stdout += c));
  child.stderr.on('data', (c) => (stderr += c));
  const exited = new Promise((resolve) => child.once('exit', resolve));
  try {
    const deadline = Date.now() + 60_000;
    let base;
    while (!(base = /listening on (http:\/\/\S+)/.exec(stdout)?.[1]) || (await fetch(`${base}/healthz`).then((r) => r.status, () => 0)) !== 200) {
      if (child.exitCode !== null || Date.now() > deadline) throw new Error(`the server did not start: ${stderr}`);
      await new Promise((r) => setTimeout(r, 20));
    }
    const demo = JSON.parse(readFileSync(join(dataDir, 'demo-credentials.json'), 'utf8'));
    const app = { authorization: `Bearer ${demo.app.bearerToken}` };
    const user = { authorization: `Bearer ${demo.users[0].oauth2AccessToken}` };
    const full = 'expansions=author_id,attachments.media_keys&tweet.fields=created_at,public_metrics,entities&user.fields=created_at,public_metrics';
    const asks = [
      ['GET', `/2/users/${demo.heavyLikerUserId}/liked_tweets?max_results=100`, app],
      ['GET', `/2/users/${demo.heavyLikerUserId}/liked_tweets?max_results=100&${full}`, app],
      ['GET', `/2/users/${demo.heavyLikerUserId}/liked_tweets?max_results=100`, user],
      ['GET', `/2/tweets/${demo.popularTweetId}/liking_users?max_results=100`, app],
      ['GET', `/2/tweets/${demo.popularTweetId}/liking_users?max_results=100&expansions=pinned_tweet_id&user.fields=created_at`, user],
      ['POST', `/2/users/${demo.users[0].id}/likes`, user, JSON.stringify({ tweet_id: demo.popularTweetId })],
      ['DELETE', `/2/users/${demo.users[0].id}/likes/${demo.popularTweetId}`, user],
    ];
    for (let round = 0; round < 3; round++) {
      for (const [method, path, headers, body] of asks) {
        const res = await fetch(`${base}${path}`, { method, headers: { ...headers, ...(body ? { 'content-type': 'application/json' } : {}) }, body });
        await res.arrayBuffer();
        if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status}`);
      }
    }
    child.kill('SIGTERM');
    await exited;
    if (!existsSync(codeCache)) throw new Error(`no code cache written: ${stderr}`);
  } catch (error) {
    child.kill('SIGKILL');
    rmSync(codeCache, { force: true });
    console.warn(`build: no code cache recorded (the command compiles as it loads, ~50 ms slower to start): ${error.message}`);
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}
