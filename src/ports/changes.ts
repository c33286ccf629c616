/**
 * A version of the data lookups are built from: it changes after every write that could change a lookup
 * response. Responses cached under one version are reused only while it is still current.
 */
export interface ChangeCounter {
  current(): Promise<string>;
  /** Called after a write has committed. */
  bump(): Promise<void>;
  /** True when every process writing the store bumps this same counter (Redis); false for a per-process counter. */
  readonly shared: boolean;
}
