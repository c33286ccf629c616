// The LikesStore contract against the SQLite store, on real database files in a fresh temporary directory,
// plus what only SQLite has: the schema version kept in PRAGMA user_version.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { SQLITE_MIGRATIONS } from '../../src/adapters/sqlite/migrations.ts';
import { SqliteStore } from '../../src/adapters/sqlite/sqliteStore.ts';
import { storeContract } from './storeContract.ts';

const dir = mkdtempSync(join(tmpdir(), 'likes-store-contract-'));
after(() => rmSync(dir, { recursive: true, force: true }));

// Every open() is a new connection to the same file, as several processes would have.
const file = join(dir, 'contract.db');
storeContract('SqliteStore', async () => {
  const store = new SqliteStore(file);
  return { store, cleanup: () => store.close() };
});

describe('SqliteStore specifics', () => {
  it('records the schema version in PRAGMA user_version, and migrating again keeps it', async () => {
    const path = join(dir, 'version.db');
    const store = new SqliteStore(path);
    try {
      await store.migrate();
      await store.migrate();
    } finally {
      await store.close();
    }
    const db = new Database(path, { readonly: true });
    try {
      assert.equal(db.pragma('user_version', { simple: true }), SQLITE_MIGRATIONS.length);
    } finally {
      db.close();
    }
  });
});
