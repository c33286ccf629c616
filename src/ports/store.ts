import type { ContentStore } from './contentStore.ts';
import type { CredentialStore } from './credentialStore.ts';
import type { EventStore } from './eventStore.ts';
import type { MetaTable } from './metaTable.ts';
import type { SettingsStore } from './settingsStore.ts';

export type { KeysetPage, LikedTweetRow, LikedTweetsPage, LikeKey } from './contentStore.ts';

/** Opening, migrating and closing a store, and what the wiring needs to know about it. */
export interface StoreLifecycle {
  readonly kind: string;
  /**
   * The directory holding the store's files when it lives on this machine's disk (SQLite), where files that go
   * with the store (the generated sealing key) are kept; null when it has none (PostgreSQL: instances share no disk).
   */
  readonly localDir: string | null;
  migrate(): Promise<void>;
  close(): Promise<void>;
  /**
   * A token that changes whenever another process commits a write to the store, where the store can tell
   * (SQLite's data_version); null where it cannot (PostgreSQL), so callers must not rely on it.
   */
  foreignWriteToken(): Promise<string | null>;
}

/**
 * Everything a storage adapter implements, for the wiring (src/services.ts); one contract suite (test/contract) runs
 * against each adapter. Everything else depends on the narrowest port it needs: ContentStore (contentStore.ts),
 * CredentialStore (credentialStore.ts) or SettingsStore (settingsStore.ts).
 */
export interface LikesStore extends StoreLifecycle, ContentStore, CredentialStore, SettingsStore, MetaTable {
  /** The events capability's tables (the outbox itself is written by like/unlike); usable once migrated. */
  readonly events: EventStore;
}
