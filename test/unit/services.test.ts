// openServices and Services.close release what they opened, whichever step fails.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { openMemoryShared } from '../../src/adapters/memory/index.ts';
import { SqliteStore } from '../../src/adapters/sqlite/sqliteStore.ts';
import { loadConfig } from '../../src/config.ts';
import { createLogger } from '../../src/logging.ts';
import { openServices } from '../../src/services.ts';

describe('openServices and close', () => {
  const dirs: string[] = [];
  const dataDir = () => {
    const dir = mkdtempSync(join(tmpdir(), 'likes-services-'));
    dirs.push(dir);
    return dir;
  };
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });
  const log = createLogger('silent');

  it('closes the store it opened when migrating it fails', async (t) => {
    const dir = dataDir();
    // A database the migrations cannot apply to: its first table is already there, with other columns.
    const db = new Database(join(dir, 'likes.db'));
    db.exec('CREATE TABLE meta (other TEXT)');
    db.close();
    const close = t.mock.method(SqliteStore.prototype, 'close');
    await assert.rejects(openServices(loadConfig({ LIKES_API_DATA_DIR: dir }), { log }), /already exists/);
    assert.equal(close.mock.callCount(), 1);
  });

  it('closes the store even when closing the shared state fails', async (t) => {
    const shared = openMemoryShared();
    shared.close = async () => {
      throw new Error('shared state would not close');
    };
    const services = await openServices(loadConfig({ LIKES_API_DATA_DIR: dataDir() }), { log, shared });
    const close = t.mock.method(SqliteStore.prototype, 'close');
    await assert.rejects(services.close(), /would not close/);
    assert.equal(close.mock.callCount(), 1);
  });
});
