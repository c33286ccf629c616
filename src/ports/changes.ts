/** What a write changed: what lookups show, or who a credential authenticates (suspensions change both). */
export type ChangeKind = 'data' | 'credentials';

export interface Versions {
  data: string;
  credentials: string;
  /** The likes version: moves on after every turn of likes and unlikes, which move `data` no more. */
  likes: number;
}

/** The keys one turn of likes and unlikes changed (src/domain/likeKeys.ts), recorded with the likes version it made. */
export interface LikeChange {
  version: number;
  keys: readonly string[];
}

/**
 * Versions of the data lookups are built from and of the credentials requests are authenticated with: each
 * changes after every write of its kind. Responses and credential lookups are reused only while the version
 * they were read under is current; keeping two means a like does not make every credential be read again.
 *
 * Likes and unlikes move a version of their own and say which users and Tweets they changed, so a remembered answer
 * showing none of them stays good: a like does not throw away every answer, only those it could change.
 */
export interface ChangeCounter {
  current(): Promise<Versions>;
  /** Called after a write has committed. */
  bump(kinds: readonly ChangeKind[]): Promise<void>;
  /** Called after a like or unlike has committed, with the keys of the liker and the Tweet. */
  bumpLikes(keys: readonly string[]): Promise<void>;
  /**
   * The changes recorded with the likes versions after `after` up to `upTo`, oldest first; null when some of them are
   * no longer kept (only the latest LIKE_CHANGES_KEPT are), so that whoever asked must count everything as changed.
   */
  likeChanges(after: number, upTo: number): Promise<LikeChange[] | null>;
  /** True when every process writing the store bumps this same counter (Redis); false for a per-process counter. */
  readonly shared: boolean;
}

/** How many likes versions' changes a counter keeps. */
export const LIKE_CHANGES_KEPT = 4096;
