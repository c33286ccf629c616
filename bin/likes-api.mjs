#!/usr/bin/env -S MALLOC_ARENA_MAX=1 node --max-semi-space-size=2 --heap-growing-percent=25
// The settings above are the ones `npm start` passes too (package.json): glibc's malloc kept to one arena (each
// thread's own arena held freed memory, 10 MiB under load), V8's young generation held to 2 MiB a semi-space instead
// of 16, and its old generation collected once it has grown by a quarter rather than by up to four times. On the
// 10M mix they take the server from 157-161 MiB to 112-117, for ~3 % more CPU on a cache hit and none
// measurable elsewhere (docs/benchmarks.md).
// Entry point of the `likes-api` command: runs the bundled output in dist/ (built from src/ by `npm run build`,
// which `npm ci` runs through the prepare script). Development runs the sources: `npm run dev`.
import { existsSync } from 'node:fs';

const main = new URL('../dist/main.js', import.meta.url);
if (!existsSync(main)) {
  console.error('likes-api: dist/ is missing; run `npm run build` (npm ci runs it) or `npm run dev` for the sources');
  process.exit(1);
}
await import(main.href);
