#!/usr/bin/env node
// `npm run build`: bundles src/ (entry src/cli/main.ts) and its dependencies into dist/ with esbuild, one ES module
// per lazily loaded part (the serve, seed and admin commands, each store's adapter), source maps beside them.
// Why a bundle: Node 20 spent about a third of the start-up resolving, reading and linking some 300 separate module
// files; one file per part starts in about two thirds of the time (docs/benchmarks.md, "Start to first answer").
// Type checking is `npm run typecheck` (tsc); esbuild only strips types.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { build } from 'esbuild';

const dist = new URL('../dist/', import.meta.url);
rmSync(dist, { recursive: true, force: true });
const { outputFiles } = await build({
  entryPoints: [new URL('../src/cli/main.ts', import.meta.url).pathname],
  outdir: dist.pathname,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  sourcemap: true,
  legalComments: 'none',
  logLevel: 'warning',
  // Native addons stay in node_modules; pg, ioredis and pg-copy-streams are loaded only on PostgreSQL + Redis and
  // refer to their own files at run time (__dirname), which a bundle would not have.
  external: ['better-sqlite3', 'pg', 'pg-native', 'pg-copy-streams', 'ioredis'],
  // Bundled CommonJS packages call require() for Node's built-ins.
  banner: { js: "import { createRequire as __likesApiRequire } from 'node:module'; const require = __likesApiRequire(import.meta.url);" },
  write: false,
});
for (const file of outputFiles) {
  mkdirSync(dirname(file.path), { recursive: true });
  writeFileSync(file.path, file.path.endsWith('.js') ? asciiOnly(file.text) : file.contents);
}

/**
 * esbuild escapes non-ASCII characters in code but keeps them in the comments it carries over and in template
 * literals (a tag may read their raw text; ours read the cooked one). One such character anywhere makes V8 hold
 * the whole file's source as UTF-16: 2 MiB more heap for the serve bundle. \u escapes keep every string's value.
 */
function asciiOnly(text) {
  return text.replace(/[^\x00-\x7f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
