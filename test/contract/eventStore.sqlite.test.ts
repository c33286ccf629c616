// The EventStore contract against the SQLite store's `events`, on a real database file in a fresh temporary
// directory: every open() is a new connection to the same file, as several processes would have.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import { SqliteStore } from '../../src/adapters/sqlite/sqliteStore.ts';
import { eventStoreContract } from './eventStoreContract.ts';

const dir = mkdtempSync(join(tmpdir(), 'likes-event-store-contract-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const file = join(dir, 'events.db');
eventStoreContract('SqliteStore', async () => {
  const store = new SqliteStore(file);
  return { store, cleanup: () => store.close() };
});
