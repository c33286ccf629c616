import { LIKE_CHANGES_KEPT, type ChangeCounter, type ChangeKind, type LikeChange, type Versions } from '../../ports/changes.ts';

/** Per-process counters: they see only this process's writes. */
export class MemoryChangeCounter implements ChangeCounter {
  readonly shared = false;
  private readonly counts: Record<ChangeKind, number> = { data: 0, credentials: 0 };
  private likes = 0;
  /** The latest LIKE_CHANGES_KEPT changes, oldest first. */
  private changes: LikeChange[] = [];

  async current(): Promise<Versions> {
    return { data: String(this.counts.data), credentials: String(this.counts.credentials), likes: this.likes };
  }

  async bump(kinds: readonly ChangeKind[]): Promise<void> {
    for (const kind of kinds) this.counts[kind] += 1;
  }

  async bumpLikes(keys: readonly string[]): Promise<void> {
    this.changes.push({ version: ++this.likes, keys: [...keys] });
    // Dropped in halves, so that a push costs O(1) on average.
    if (this.changes.length > 2 * LIKE_CHANGES_KEPT) this.changes = this.changes.slice(-LIKE_CHANGES_KEPT);
  }

  async likeChanges(after: number, upTo: number): Promise<LikeChange[] | null> {
    if (upTo <= after) return [];
    // Versions are consecutive: the change of version v is at v - first.
    const first = this.changes.length ? this.changes[0].version : this.likes + 1;
    const oldestKept = Math.max(first, this.likes - LIKE_CHANGES_KEPT + 1);
    if (after + 1 < oldestKept || upTo > this.likes) return null;
    return this.changes.slice(after + 1 - first, upTo + 1 - first);
  }
}
