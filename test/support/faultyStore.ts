// A SQLite store (on a file of its own) with one method that fails on demand: a bug or an outage injected into a
// real server without touching the code under test.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteStore } from '../../src/adapters/sqlite/sqliteStore.ts';
import type { LikesStore } from '../../src/ports/store.ts';

export interface FaultyStore {
  store: LikesStore;
  /** While true, `method` rejects with the error given; otherwise it is the real one. */
  failing: boolean;
  /** Removes the store's directory (after the server using it closed it). */
  remove(): void;
}

export function faultyStore(method: keyof LikesStore, error: () => Error): FaultyStore {
  const dir = mkdtempSync(join(tmpdir(), 'likes-faulty-'));
  const real = new SqliteStore(join(dir, 'likes.db'));
  const control: FaultyStore = {
    store: new Proxy(real, {
      get(target, prop) {
        const value = Reflect.get(target, prop, target);
        if (prop === method) {
          return async (...args: unknown[]) => {
            if (control.failing) throw error();
            return (value as (...a: unknown[]) => unknown).apply(target, args);
          };
        }
        return typeof value === 'function' ? value.bind(target) : value;
      },
    }) as LikesStore,
    failing: false,
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
  return control;
}
