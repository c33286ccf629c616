#!/usr/bin/env -S MALLOC_ARENA_MAX=1 node
// glibc's malloc kept to one arena (each thread's own arena held freed memory, 10 MiB under load); `npm start` sets
// it too (package.json). glibc reads it before any code runs, so it is on this line. V8's memory settings are not:
// any V8 flag here would make V8 compile Node's built-in modules anew on every start (src/cli/memorySettings.ts).
// Entry point of the `likes-api` command: runs the bundled output in dist/ (built from src/ by `npm run build`,
// which `npm ci` runs through the prepare script). Development runs the sources: `npm run dev`.
import { existsSync } from 'node:fs';

const main = new URL('../dist/main.js', import.meta.url);
if (!existsSync(main)) {
  console.error('likes-api: dist/ is missing; run `npm run build` (npm ci runs it) or `npm run dev` for the sources');
  process.exit(1);
}
await import(main.href);
