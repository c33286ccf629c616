#!/usr/bin/env node
// `npm run build`: bundles src/ (entry src/cli/main.ts) and its dependencies into dist/ with esbuild, one ES module
// per lazily loaded part (the serve, seed and admin commands, each store's adapter), source maps beside them.
// Why a bundle: Node 20 spent about a third of the start-up resolving, reading and linking some 300 separate module
// files; one file per part starts in about two thirds of the time (docs/benchmarks.md, "Start to first answer").
// Type checking is `npm run typecheck` (tsc); esbuild only strips types.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { build } from 'esbuild';

/** The packages outside the bundle that its ES imports name: all CommonJS (see requireNotImport). */
const COMMONJS_EXTERNALS = ['better-sqlite3', 'pg', 'pg-copy-streams', 'ioredis'];

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
  // Fastify's schema compilers and light-my-request (inject) are required only when used (src/http/server.ts,
  // tests): outside the bundle, V8 does not parse their ~600 kB on every start.
  external: [...COMMONJS_EXTERNALS, 'pg-native', '@fastify/ajv-compiler', '@fastify/fast-json-stringify-compiler', 'light-my-request'],
  // Bundled CommonJS packages call require() for Node's built-ins.
  banner: { js: "import { createRequire as __likesApiRequire } from 'node:module'; const require = __likesApiRequire(import.meta.url);" },
  write: false,
});
for (const file of outputFiles) {
  mkdirSync(dirname(file.path), { recursive: true });
  writeFileSync(file.path, file.path.endsWith('.js') ? asciiOnly(requireNotImport(file.text)) : file.contents);
}

/**
 * Node's built-in modules and the CommonJS packages left outside the bundle, through the banner's require() instead
 * of `import`: for an ES import of a built-in Node builds an ES module facade that reads every export (fs's streams
 * load for it), 2-4 ms a module, and an ES import of a CommonJS file is parsed once more for its export names: ~10 ms
 * of every start in all. Each import line becomes a const on the same line, so the source maps still hold.
 */
function requireNotImport(text) {
  return text.replace(/^import (.+) from "([^"]+)";$/gm, (line, what, name) => {
    if (!name.startsWith('node:') && !COMMONJS_EXTERNALS.includes(name)) return line;
    const from = `require(${JSON.stringify(name)})`;
    if (/^[\w$]+$/.test(what)) return `const ${what} = ${from};`;
    const star = /^\* as ([\w$]+)$/.exec(what);
    if (star) return `const ${star[1]} = ${from};`;
    const named = /^\{ ([\w$]+(?: as [\w$]+)?(?:, [\w$]+(?: as [\w$]+)?)*) \}$/.exec(what);
    if (named) return `const { ${named[1].replace(/ as /g, ': ')} } = ${from};`;
    throw new Error(`build: an import of ${name} in a form requireNotImport does not know: ${line}`);
  });
}

/**
 * esbuild escapes non-ASCII characters in code but keeps them in the comments it carries over and in template
 * literals (a tag may read their raw text; ours read the cooked one). One such character anywhere makes V8 hold
 * the whole file's source as UTF-16: 2 MiB more heap for the serve bundle. \u escapes keep every string's value.
 */
function asciiOnly(text) {
  return text.replace(/[^\x00-\x7f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
