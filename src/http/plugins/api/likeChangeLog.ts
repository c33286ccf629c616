// What this process knows of one world's likes versions (src/ports/changes.ts): for each user and Tweet a like or an
// unlike changed, the latest version that changed it. A remembered answer made under an older likes version is still
// exact when none of the users and Tweets it shows, nor the listing it pages, changed since.
import type { ChangeCounter, LikeChange } from '../../../ports/changes.ts';
import { forEachId, type IdList } from '../../../ports/usageLedger.ts';

/** Past this many users and Tweets remembered, the log starts afresh (answers made before then count as changed). */
const MAX_REMEMBERED = 20_000;

/** What an answer shows, for the check: the key of the listing it pages (likeKeys.ts) and its Posts and users. */
export interface Shown {
  listing: string | null;
  posts: IdList;
  users: IdList;
}

export class LikeChangeLog {
  private readonly users = new Map<string, number>();
  private readonly tweets = new Map<string, number>();
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
    if (changes === null || this.users.size + this.tweets.size > MAX_REMEMBERED) {
      this.users.clear();
      this.tweets.clear();
      this.floor = version;
    } else {
      for (const change of changes) {
        for (const key of change.keys) (key[0] === 'u' ? this.users : this.tweets).set(key.slice(1), change.version);
      }
    }
    this.seen = version;
  }

  /** Whether an answer made under likes version `made`, showing `shown`, is unchanged by every like folded in. */
  unchangedSince(made: number, shown: Shown): boolean {
    if (made < this.floor) return false;
    if (shown.listing !== null && (shown.listing[0] === 'u' ? this.users : this.tweets).get(shown.listing.slice(1))! > made) return false;
    return !changedAfter(this.tweets, shown.posts, made) && !changedAfter(this.users, shown.users, made);
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
