// A migrated SQLite store in memory, for unit tests of the domain: real SQL, no file, no server.
import { SqliteStore } from '../../src/adapters/sqlite/sqliteStore.ts';
import type { FieldSelection } from '../../src/domain/fields.ts';

export async function memoryStore(): Promise<SqliteStore> {
  const store = new SqliteStore(':memory:');
  await store.migrate();
  return store;
}

/** A FieldSelection naming only what is given (nothing by default: X's default objects). */
export function selection(parts: Partial<Record<keyof FieldSelection, readonly string[]>> = {}): FieldSelection {
  const set = (k: keyof FieldSelection) => new Set(parts[k] ?? []);
  return { tweet: set('tweet'), user: set('user'), media: set('media'), place: set('place'), poll: set('poll'), expansions: set('expansions') };
}
