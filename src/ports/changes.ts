/** What a write changed: what lookups show, or who a credential authenticates (suspensions change both). */
export type ChangeKind = 'data' | 'credentials';

export type Versions = Record<ChangeKind, string>;

/**
 * Versions of the data lookups are built from and of the credentials requests are authenticated with: each
 * changes after every write of its kind. Responses and credential lookups are reused only while the version
 * they were read under is current; keeping two means a like does not make every credential be read again.
 */
export interface ChangeCounter {
  current(): Promise<Versions>;
  /** Called after a write has committed. */
  bump(kinds: readonly ChangeKind[]): Promise<void>;
  /** True when every process writing the store bumps this same counter (Redis); false for a per-process counter. */
  readonly shared: boolean;
}
