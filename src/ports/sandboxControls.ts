import type { Fault, NewFault } from '../domain/sandboxes/faults.ts';

/** The version of controls nothing was ever set on (or that were cleared: a deleted sandbox's). */
export const UNSET_CONTROLS = '0';

/** Everything a request needs from a sandbox's controls, read in one go. */
export interface ControlsSnapshot {
  /** See SandboxControls.version. */
  version: string;
  clockOffsetMs: number;
  /** In creation order, with their times_remaining as they stood. */
  faults: Fault[];
}

/**
 * The operator's controls of one sandbox world: its clock offset and its faults. In memory for a single process,
 * in Redis when several instances serve the sandbox (a fault set through one applies on all). One instance per
 * world: nothing here names the sandbox.
 */
export interface SandboxControls {
  /** Version, offset and faults, consistent with each other, in one round trip: the per-request read. */
  snapshot(): Promise<ControlsSnapshot>;
  /**
   * A token for the state of the offset and the fault list: two reads giving the same token saw the same offset and
   * faults (times_remaining aside), so what was derived from a snapshot may be kept while the token stays. It
   * changes with set, add, remove, clear, and when consumeFault uses a fault up (it leaves the list); a consume that
   * only counts down leaves it as it was.
   */
  version(): Promise<string>;
  /** How far the sandbox's clock is ahead of the base clock (negative: behind); 0 until set. */
  clockOffsetMs(): Promise<number>;
  setClockOffsetMs(ms: number): Promise<void>;
  /** In creation order. */
  faults(): Promise<Fault[]>;
  /** Keeps `fault` under a new random id (newFaultId), after every fault already there. */
  addFault(fault: NewFault): Promise<Fault>;
  /** False when there was no such fault. */
  removeFault(id: string): Promise<boolean>;
  /** How many faults were removed. */
  clearFaults(): Promise<number>;
  /**
   * Takes one use of a fault, atomically (across instances too): true when this request may apply it. A fault without
   * `times` is always true; one with times_remaining counts down and is removed when it reaches 0, so of N concurrent
   * callers exactly min(N, times_remaining) get true. False for a fault that is gone.
   */
  consumeFault(id: string): Promise<boolean>;
  /** Forgets the offset and every fault (the sandbox is deleted). */
  clear(): Promise<void>;
}
