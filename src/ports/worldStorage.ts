// Where the sandbox worlds live beside the default one: one store per world (a SQLite file, a PostgreSQL schema),
// copied whole to make a sandbox from a template, to take a snapshot and to restore one. The default world is the
// configured store itself, registered here so that it can be snapshotted and restored like any other.
import type { LikesStore } from './store.ts';

/** A world's store as the storage opened it (unwrapped: the wiring adds metrics and change tracking). */
export type WorldStore = LikesStore;

export interface WorldStorage {
  readonly kind: string;
  /** The worlds kept besides the default one, by id (templates included; the caller knows its id patterns). */
  list(): Promise<string[]>;
  /** Whether world `id` is stored (asked afresh: another process may have dropped it). */
  exists(id: string): Promise<boolean>;
  /** World `id`'s store, opened once and kept; `create` makes an empty migrated one when there is none; null: none. */
  open(id: string, create?: boolean): Promise<WorldStore | null>;
  /** Closes world `id`'s store, if open, and removes it with its snapshots. */
  drop(id: string): Promise<void>;
  /** Closes world `id`'s store if it is open (it stays stored). */
  release(id: string): Promise<void>;
  /** Saves world `id`'s whole contents as its snapshot `name`, replacing one of that name. */
  saveSnapshot(id: string, name: string): Promise<void>;
  /**
   * Replaces world `id`'s contents with world `from`'s snapshot `name`, or with `from`'s live contents when `name`
   * is null (a template). False when there is no such snapshot or world.
   */
  restore(id: string, from: string, name: string | null): Promise<boolean>;
  /** World `id`'s snapshot names. */
  listSnapshots(id: string): Promise<string[]>;
  /** Closes every store it opened but the default one (the wiring closes that). */
  close(): Promise<void>;
}

/** Snapshot names: short and plain, as they become file and schema names. */
export const SNAPSHOT_NAME = /^[A-Za-z0-9_-]{1,40}$/;
/** World ids, as they become directory and schema names (sandboxes' `sb…`, templates' `tpl_…`, `default`). */
export const WORLD_ID = /^[a-z0-9_]{1,40}$/;

/** Refuses a world id or snapshot name that could not safely name a file or a schema (callers check them earlier). */
export function checkWorldNames(id: string, snapshot?: string | null): void {
  if (!WORLD_ID.test(id)) throw new Error(`not a world id: ${JSON.stringify(id)}`);
  if (snapshot !== undefined && snapshot !== null && !SNAPSHOT_NAME.test(snapshot)) throw new Error(`not a snapshot name: ${JSON.stringify(snapshot)}`);
}
