// What the control API and `likes-api sandbox` say about sandboxes: each world's summary, the seeds a new one may
// start from, and the names of snapshots, read the same way by both.
import { ControlRequestError } from './controlRequestError.ts';

export { DEFAULT_SANDBOX } from './sandboxIds.ts';

/**
 * What a new sandbox starts with. `demo`: the demo world (the default world's data when it was seeded), with fresh
 * credentials; `empty`: the demo's five token holders and their credentials, and nothing they wrote or liked.
 */
export const SANDBOX_SEEDS = ['demo', 'empty'] as const;
export type SandboxSeed = (typeof SANDBOX_SEEDS)[number];

/** What a sandbox's store records about itself (meta key `sandbox`). */
export interface SandboxRecord {
  seed: SandboxSeed;
  /** When it was made, in real time (ms). */
  createdAt: number;
}

export interface SandboxSummary {
  id: string;
  /** True for the default world: the configured store itself, which requests reach without sandbox credentials. */
  default: boolean;
  /** What it started from: `demo`, `empty`, or `none` (the default world of a store that was not demo-seeded). */
  seed: SandboxSeed | 'none';
  /** The store behind it: sqlite or postgres. */
  store: string;
  created_at: string | null;
  snapshots: string[];
}

/** Names a user may give snapshots; names starting with `_` are the service's own (the seed snapshot). */
export const USER_SNAPSHOT_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]{0,39}$/;
/** The snapshot taken as a sandbox is made: what reset goes back to. */
export const SEED_SNAPSHOT = '__seed';

/** A seed as a request gives it (absent: `demo`); ControlRequestError for anything else. */
export function parseSandboxSeed(value: unknown): SandboxSeed {
  const seed = value ?? 'demo';
  if (typeof seed !== 'string' || !(SANDBOX_SEEDS as readonly string[]).includes(seed)) {
    throw new ControlRequestError(`seed must be one of ${SANDBOX_SEEDS.map((s) => `"${s}"`).join(', ')}`);
  }
  return seed as SandboxSeed;
}

/** A snapshot name a user gives; ControlRequestError for anything else. */
export function parseSnapshotName(value: unknown): string {
  if (typeof value !== 'string' || !USER_SNAPSHOT_NAME.test(value)) {
    throw new ControlRequestError('a snapshot name must be 1 to 40 letters, digits, _ or -, starting with a letter or digit');
  }
  return value;
}
