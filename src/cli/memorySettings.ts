// V8's memory settings of a serving process, set once its code has loaded rather than as node flags: with any V8
// flag on the command line, V8 rejects the compiled copies of Node's built-in modules that node ships (their cache is
// checked against the flags) and compiles each one anew, ~35 ms of every start (docs/benchmarks.md). V8 reads both
// settings below at each collection, so they take effect when set.
import { setFlagsFromString } from 'node:v8';

/**
 * - The old generation is collected once it has grown by a quarter (V8's default lets it grow up to fourfold).
 * - On SQLite the young generation keeps the size it has once the code has loaded (2 MiB a semi-space on Node 20 from
 *   the bundle; 8 under `npm run dev`, which compiles TypeScript as it loads) instead of growing to V8's 16 MiB: 110
 *   instead of 149 MiB serving the 10M benchmark mix. A PostgreSQL + Redis instance builds each page from many more
 *   objects and spent about a quarter more CPU a request collecting them in so small a young generation: it keeps V8's.
 *
 * Not while the build records V8's code cache (LIKES_API_CODE_CACHE_OUT, scripts/build.mjs): the cache carries a hash
 * of V8's flags as they are when it is written, and V8 uses it only in a process whose flags hash the same, i.e. a
 * fresh one, which compiles the bundle before any of this is set.
 */
export function applyMemorySettings(store: 'sqlite' | 'postgres'): void {
  if (process.env.LIKES_API_CODE_CACHE_OUT) return;
  setFlagsFromString('--heap-growing-percent=25');
  if (store === 'sqlite') setFlagsFromString('--semi-space-growth-factor=1');
}
