// What this process knows of one world's likes versions (src/ports/changes.ts): for each user and Tweet a like or an
// unlike changed, the latest version that changed it. A remembered answer made under an older likes version is still
// exact when none of the users and Tweets it shows, nor the listing it pages, changed since.
import { parseLikeKey, type LikeKey, type LikeKeyKind } from '../../../domain/likeKeys.ts';
import type { ChangeCounter, LikeChange } from '../../../ports/changes.ts';
import { forEachId, type IdList } from '../../../ports/usageLedger.ts';

/**
 * Past this many users and Tweets remembered, the log forgets the older half: answers made before the newest half's
 * changes count as changed, the others stay exact.
 */
export const MAX_REMEMBERED = 20_000;

/** What an answer shows, for the check: the listing it pages (likeKeys.ts) and its Posts and users. */
export interface Shown {
  listing: LikeKey | null;
  posts: IdList;
  users: IdList;
}

export class LikeChangeLog {
  /** By kind, then id: the latest likes version that changed it. */
  private readonly changedAt: Record<LikeKeyKind, Map<string, number>> = { user: new Map(), tweet: new Map() };
  /** Versions up to this one are folded in; null before the first. */
  private seen: number | null = null;
  /** Answers made under a version older than this cannot be checked: what changed then is no longer known. */
  private floor = 0;
  private folding: Promise<void> = Promise.resolve();

  constructor(private readonly counter: Pick<ChangeCounter, 'likeChanges'>) {}

  /** Folds in what changed up to `version` (just read from the counter), after any fold already under way. */
  advance(version: number): Promise<void> {
    if (this.seen !== null && version <= this.seen) return this.folding;
    return (this.folding = this.folding.then(() => this.fold(version)));
  }

  private async fold(version: number): Promise<void> {
    if (this.seen === null || version <= this.seen) {
      // The first version read: nothing remembered in this process is older.
      this.seen ??= this.floor = version;
      return;
    }
    let changes: LikeChange[] | null = null;
    try {
      changes = await this.counter.likeChanges(this.seen, version);
    } catch {
      // Unknown: counted as everything changed, below.
    }
    const { user, tweet } = this.changedAt;
    if (changes === null) {
      user.clear();
      tweet.clear();
      this.floor = version;
    } else {
      for (const change of changes) {
        for (const key of change.keys) {
          const { kind, id } = parseLikeKey(key);
          this.changedAt[kind].set(id, change.version);
        }
      }
      if (user.size + tweet.size > MAX_REMEMBERED) this.forgetOlderHalf();
    }
    this.seen = version;
  }

  /**
   * Forgets every id last changed at or before the median version remembered. An answer made at that version or later
   * can still be checked (every change after it is kept); an older one cannot, so the floor moves up to it.
   */
  private forgetOlderHalf(): void {
    const { user, tweet } = this.changedAt;
    const versions = [...user.values(), ...tweet.values()].sort((a, b) => a - b);
    const cut = versions[versions.length >> 1];
    for (const changedAt of [user, tweet]) for (const [id, v] of changedAt) if (v <= cut) changedAt.delete(id);
    this.floor = Math.max(this.floor, cut);
  }

  /** Whether an answer made under likes version `made`, showing `shown`, is unchanged by every like folded in. */
  unchangedSince(made: number, shown: Shown): boolean {
    if (made < this.floor) return false;
    const { listing } = shown;
    if (listing !== null && this.changedAt[listing.kind].get(listing.id)! > made) return false;
    return !changedAfter(this.changedAt.tweet, shown.posts, made) && !changedAfter(this.changedAt.user, shown.users, made);
  }
}

function changedAfter(changedAt: Map<string, number>, ids: IdList, made: number): boolean {
  if (changedAt.size === 0 || ids.count === 0) return false;
  let changed = false;
  forEachId(ids, (text, start, end) => {
    if (!changed && changedAt.get(text.slice(start, end))! > made) changed = true;
  });
  return changed;
}
