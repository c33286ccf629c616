import type { ChangeCounter } from '../../ports/changes.ts';

/** A per-process counter: sees only this process's writes. */
export class MemoryChangeCounter implements ChangeCounter {
  readonly shared = false;
  private version = 0;

  async current(): Promise<string> {
    return String(this.version);
  }

  async bump(): Promise<void> {
    this.version += 1;
  }
}
