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
import { RUNTIME_WORKERS } from '../../src/domain/ids.ts';
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

  /** A PRAGMA of the store that openServices opens with `env`: SQLite's own answer, through the store's connection. */
  const pragmaOf = async (name: string, env: Record<string, string>) => {
    const services = await openServices(loadConfig({ LIKES_API_DATA_DIR: dataDir(), ...env }), { log });
    try {
      return (services.store as unknown as { db: Database.Database }).db.pragma(name, { simple: true });
    } finally {
      await services.close();
    }
  };

  it('reads the SQLite file through a memory map of LIKES_API_SQLITE_MMAP_MB (none by default); a bad value stops start-up', async () => {
    const mapped = (env: Record<string, string>) => pragmaOf('mmap_size', env);
    assert.equal(await mapped({}), 0);
    assert.equal(await mapped({ LIKES_API_SQLITE_MMAP_MB: '64' }), 64 * 1024 * 1024);
    assert.throws(() => loadConfig({ LIKES_API_SQLITE_MMAP_MB: 'lots' }), /LIKES_API_SQLITE_MMAP_MB must be a whole number of megabytes/);
  });

  it('gives SQLite a 4 MiB page cache with the response cache on and 16 MiB with it off', async () => {
    // Negative: KiB.
    const pageCache = (env: Record<string, string>) => pragmaOf('cache_size', env);
    assert.equal(await pageCache({}), -4096);
    assert.equal(await pageCache({ LIKES_API_CACHE: 'on' }), -4096);
    assert.equal(await pageCache({ LIKES_API_CACHE: 'off' }), -16384);
    // A store opened without a size (sandbox worlds, the seeder) keeps 4 MiB.
    const store = new SqliteStore(join(dataDir(), 'likes.db'));
    try {
      assert.equal((store as unknown as { db: Database.Database }).db.pragma('cache_size', { simple: true }), -4096);
    } finally {
      await store.close();
    }
  });

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

  it('gives each process on one store a snowflake worker of its own, for the default world and its sandboxes alike', async () => {
    const dir = dataDir();
    const workerOf = (id: string) => Number((BigInt(id) >> 12n) & 0x3ffn);
    const [first, second] = [
      await openServices(loadConfig({ LIKES_API_DATA_DIR: dir, LIKES_API_DEMO: '0' }), { log }),
      await openServices(loadConfig({ LIKES_API_DATA_DIR: dir, LIKES_API_DEMO: '0' }), { log }),
    ];
    try {
      // The two processes mint in the same millisecond with the same sequence: only the worker keeps their ids apart.
      const a = first.ids.next();
      const b = second.ids.next();
      assert.notEqual(workerOf(a), workerOf(b));
      assert.equal(workerOf(second.ids.next()), workerOf(b));
      assert.ok(workerOf(a) < RUNTIME_WORKERS && workerOf(b) < RUNTIME_WORKERS);
      const sandbox = await first.worlds.create('empty', Date.now());
      const world = (await first.worlds.get(sandbox.id))!;
      assert.equal(workerOf(world.ids.next()), workerOf(a));
    } finally {
      await second.close();
      await first.close();
    }
  });
});
