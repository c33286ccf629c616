import type { Settling } from '../settling.ts';

/**
 * Counts Tweets read per Project (and per App within it), per UTC day and per billing period,
 * for the monthly Tweet cap. A period is named by the date it starts on (YYYY-MM-DD). The two calls of every
 * lookup (the cap's check, the count) may answer at once where the counts are in memory (src/settling.ts).
 */
export interface UsageMeter {
  /** Adds `count` Tweets read on `day` (YYYY-MM-DD) within billing period `period`. */
  add(projectId: string, appId: string, day: string, period: string, count: number): Settling<void>;
  /** Tweets the Project read in the billing period. */
  periodTotal(projectId: string, period: string): Settling<number>;
  /** Per-day totals of the Project for the given days (0 where nothing was read). */
  projectDaily(projectId: string, days: readonly string[]): Promise<number[]>;
  /** Per-day totals of one App for the given days. */
  appDaily(projectId: string, appId: string, days: readonly string[]): Promise<number[]>;
  /** Apps of the Project that read anything. */
  appsOf(projectId: string): Promise<string[]>;
  close(): Promise<void>;
}
