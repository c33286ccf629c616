// What every section of a run shares: the settings chosen from the command line, where to write, which Redis to use,
// and the run's log.
import type { SizeSpec } from './data.ts';

export interface BenchContext {
  quick: boolean;
  /** The dataset sizes of the scaling curves, smallest first. */
  sizes: SizeSpec[];
  /** The dataset of the side-by-side table. */
  main: SizeSpec;
  largest: SizeSpec;
  warmS: number;
  loadS: number;
  /** Load connections per server instance. */
  connections: number;
  latency: { count: number; maxMs: number; warmup: number };
  /** bench/results/run-<stamp>: this run's captured pages, peer inputs and profiles. */
  runDir: string;
  /** bench/results/data: seeded SQLite datasets kept between runs. */
  dataDir: string;
  redisUrl: string;
  redisPrefix: string;
  log: (line: string) => void;
  /** Seconds since the run started, for log lines. */
  elapsed: () => string;
}
