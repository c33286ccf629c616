import type { ChangeCounter, ChangeKind, Versions } from '../../ports/changes.ts';

/** Per-process counters: they see only this process's writes. */
export class MemoryChangeCounter implements ChangeCounter {
  readonly shared = false;
  private readonly counts: Record<ChangeKind, number> = { data: 0, credentials: 0 };

  async current(): Promise<Versions> {
    return { data: String(this.counts.data), credentials: String(this.counts.credentials) };
  }

  async bump(kinds: readonly ChangeKind[]): Promise<void> {
    for (const kind of kinds) this.counts[kind] += 1;
  }
}
