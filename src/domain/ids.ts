import type { Clock } from '../ports/clock.ts';

/** X's snowflake epoch (2010-11-04T01:42:54.657Z). */
export const SNOWFLAKE_EPOCH = 1288834974657;

/**
 * Worker numbers of the processes minting ids: 0–999, handed out in turn from the store's claims, so processes sharing
 * a store never mint the same id (unless a thousand others started between them). 1000–1023 are the seeders' own.
 */
export const RUNTIME_WORKERS = 1000;

/** The worker number of a process's claim on its store (IdSettings.claimIdWorker). */
export const workerOfClaim = (claim: number): number => claim % RUNTIME_WORKERS;

/** Snowflake-style ids: 41 bits of milliseconds, 10 bits of worker, 12 bits of sequence. */
export class SnowflakeIds {
  private lastMs = -1;
  private sequence = 0;

  constructor(private readonly clock: Clock, private readonly worker: number) {}

  next(): string {
    let ms = Math.max(this.clock.now(), this.lastMs);
    if (ms === this.lastMs) {
      this.sequence = (this.sequence + 1) & 0xfff;
      if (this.sequence === 0) ms += 1;
    } else {
      this.sequence = 0;
    }
    this.lastMs = ms;
    return snowflakeAt(ms, this.worker, this.sequence);
  }
}

export function snowflakeAt(ms: number, worker: number, sequence: number): string {
  return ((BigInt(ms - SNOWFLAKE_EPOCH) << 22n) | (BigInt(worker & 0x3ff) << 12n) | BigInt(sequence & 0xfff)).toString();
}

/** X's id pattern: 1 to 19 digits. */
export const ID_PATTERN = /^[0-9]{1,19}$/;
