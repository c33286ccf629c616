// The store instances a contract suite opens on one storage: each closed when the suite ends, one of them migrated
// and shared by the suite's tests (opened on demand, so any single test can run alone).
import { after } from 'node:test';
import type { LikesStore } from '../../src/ports/store.ts';

export interface OpenedStore {
  store: LikesStore;
  /** Closes this instance (the suite's storage itself is removed by the test file once the suite is done). */
  cleanup: () => Promise<void>;
}

/** Call inside the suite's `describe`: the `after` that closes every instance is registered there. */
export function openedStores(open: () => Promise<OpenedStore>) {
  const opened: OpenedStore[] = [];
  let shared: LikesStore | undefined;

  after(async () => {
    for (const o of opened.splice(0).reverse()) await o.cleanup();
  });

  const openStore = async (): Promise<LikesStore> => {
    const o = await open();
    opened.push(o);
    return o.store;
  };
  return {
    /** A new, not yet migrated instance on the suite's storage. */
    openStore,
    /** Closes one instance before the suite ends. */
    async closeStore(store: LikesStore): Promise<void> {
      const i = opened.findIndex((o) => o.store === store);
      if (i < 0) return;
      const [o] = opened.splice(i, 1);
      await o.cleanup();
    },
    /** Makes `store` (migrated) the shared instance. */
    share(store: LikesStore): void {
      shared = store;
    },
    /** The shared, migrated instance. */
    async ready(): Promise<LikesStore> {
      if (!shared) {
        const store = await openStore();
        await store.migrate();
        shared = store;
      }
      return shared;
    },
  };
}
