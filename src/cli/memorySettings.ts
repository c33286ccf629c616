// V8's memory settings of a serving process, set once its code has loaded rather than as node flags: with any V8
// flag on the command line, V8 rejects the compiled copies of Node's built-in modules that node ships (their cache is
// checked against the flags) and compiles each one anew, ~35 ms of every start (docs/benchmarks.md). V8 reads the
// flags set below at each collection, so they take effect when set.
import { PerformanceObserver } from 'node:perf_hooks';
import { getHeapSpaceStatistics, setFlagsFromString } from 'node:v8';

const MiB = 1024 * 1024;

/**
 * The young generation (both halves) a serving SQLite process holds, or null for V8's own (up to 32 MiB).
 * - PostgreSQL + Redis builds each page from many more objects, and spent about a quarter more CPU a request collecting
 *   them in a small young generation: V8's own.
 * - SQLite with the response cache on: 4 MiB, what loading leaves it at; 110 instead of 149 MiB serving the 10M
 *   benchmark mix with V8's own, and the cache's 16 MiB arena is in that RSS.
 * - SQLite with the cache off: 8 MiB. Every request then builds its page, and a turn's reads (TurnQueue) hold up to 16
 *   pages' rows at once; with 4 MiB they were scavenged twice as often, 30-55 µs a default-fields request more
 *   (docs/benchmarks.md, session 19). The 4 MiB more stay well inside what the cache's arena would have taken.
 */
export function youngGenerationBytes(store: 'sqlite' | 'postgres', responseCache: boolean): number | null {
  if (store === 'postgres') return null;
  return responseCache ? 4 * MiB : 8 * MiB;
}

/**
 * - The old generation is collected once it has grown by a quarter (V8's default lets it grow up to fourfold).
 * - The young generation stays at the size loading left it (no growth) through start-up and the demo seed: a long
 *   synchronous seed would otherwise grow it before anything could stop it. `serving()`, once the server listens,
 *   lets it grow to youngGenerationBytes and holds it there.
 *
 * Not while the build records V8's code cache (LIKES_API_CODE_CACHE_OUT, scripts/build.mjs): the cache carries a hash
 * of V8's flags as they are when it is written, and V8 uses it only in a process whose flags hash the same, i.e. a
 * fresh one, which compiles the bundle before any of this is set.
 */
export function applyMemorySettings(store: 'sqlite' | 'postgres', responseCache: boolean): { serving(): void } {
  const young = youngGenerationBytes(store, responseCache);
  const asIs = { serving() {} };
  if (process.env.LIKES_API_CODE_CACHE_OUT) return asIs;
  setFlagsFromString('--heap-growing-percent=25');
  if (young === null) return asIs;
  setFlagsFromString('--semi-space-growth-factor=1');
  return {
    serving() {
      const hold = new YoungGenerationHold(young, newSpaceBytes, (factor) => setFlagsFromString(`--semi-space-growth-factor=${factor}`));
      // Collections are watched only while V8 may grow the young generation, the only time one can change it: Node
      // makes each collection's entry with deprecated getters, ~1 % of a cache hit's CPU when every scavenge was
      // watched. A slow timer notices when V8 has shrunk it (an idle process) and lets it grow back.
      let watching = false;
      const collections = new PerformanceObserver(() => {
        if (hold.check()) return;
        collections.disconnect();
        watching = false;
      });
      const watch = () => {
        if (!hold.check() || watching) return;
        collections.observe({ entryTypes: ['gc'] });
        watching = true;
      };
      watch();
      setInterval(watch, 1000).unref();
    },
  };
}

/**
 * The young generation's size (both halves) by what a half holds: its used and available bytes, a half's capacity less
 * its pages' headers (~2 % under the nominal size). Not `space_size`, the memory committed: V8 gives the idle half
 * back after a full collection that reduces memory, the halves keeping their size, and read as a halving that had
 * the hold let V8 double them past the size it holds (8 MiB instead of 4 after a server idled between rounds).
 */
export const youngGenerationOf = (space: { space_used_size: number; space_available_size: number }): number =>
  2 * (space.space_used_size + space.space_available_size);

const newSpaceBytes = (): number => {
  const space = getHeapSpaceStatistics().find((s) => s.space_name === 'new_space');
  return space ? youngGenerationOf(space) : 0;
};

/**
 * Holds V8's young generation at a size between its fixed bounds (node's `--max-semi-space-size`, which V8 reads only
 * as the process starts). V8 grows it after collections whose survivors add up to its size, by the growth factor it
 * reads at each: doubling while it is at most half of `bytes`, none once it is past that (the size read is a little
 * under the nominal one, youngGenerationOf). `check` runs after collections, as the event loop delivers their entries;
 * a doubling takes survivors of many collections, so a size that is a power of two times the start's is reached
 * exactly. If V8 shrinks it (an idle process), it grows back. `check` says whether V8 may grow it now, so that its
 * caller watches collections only then.
 */
export class YoungGenerationHold {
  private growing: boolean | null = null;

  constructor(
    private readonly bytes: number,
    private readonly size: () => number,
    private readonly setGrowthFactor: (factor: number) => void,
  ) {}

  /** Sets V8's growth factor by the size now; true while V8 may grow it. */
  check(): boolean {
    const grow = this.size() * 2 <= this.bytes;
    if (grow !== this.growing) {
      this.growing = grow;
      this.setGrowthFactor(grow ? 2 : 1);
    }
    return grow;
  }
}
