// The store's raw key-value table, under the typed settings (settingsStore.ts). Application code uses the
// settings; the raw table is for the adapters that implement them, and for tests that inspect what is stored.

export interface MetaTable {
  getMeta(key: string): Promise<string | null>;
  /** Sets the value only if the key is absent; returns the value now stored (first writer wins). */
  setMetaIfAbsent(key: string, value: string): Promise<string>;
  setMeta(key: string, value: string): Promise<void>;
  /** Adds one to the counter kept under the key (absent: 0) and returns the new count, atomically across processes. */
  incrementMeta(key: string): Promise<number>;
  deleteMeta(key: string): Promise<void>;
}
