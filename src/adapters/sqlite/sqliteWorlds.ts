// Sandbox worlds on local disk: one SQLite file per world under <data dir>/sandboxes/<id>/, snapshots beside it
// (snapshots/<name>.db, written by VACUUM INTO and renamed into place). The default world is the configured store's
// own file; its snapshots go under sandboxes/default/.
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { ensurePrivateDir, restrictFile } from '../../privateFiles.ts';
import { checkWorldNames, type WorldStorage } from '../../ports/worldStorage.ts';
import { SqliteStore } from './sqliteStore.ts';

const DEFAULT = 'default';

export class SqliteWorlds implements WorldStorage {
  readonly kind = 'sqlite';
  private readonly root: string;
  private readonly open_ = new Map<string, Promise<SqliteStore>>();

  /** `dataDir` holds the default store's file (`defaultFile`), opened by the wiring as `defaultStore`. */
  constructor(dataDir: string, private readonly defaultFile: string, defaultStore: SqliteStore) {
    this.root = join(dataDir, 'sandboxes');
    this.open_.set(DEFAULT, Promise.resolve(defaultStore));
  }

  private dir(id: string): string {
    return join(this.root, id);
  }

  private file(id: string): string {
    return id === DEFAULT ? this.defaultFile : join(this.dir(id), 'likes.db');
  }

  private snapshotFile(id: string, name: string): string {
    return join(this.dir(id), 'snapshots', `${name}.db`);
  }

  async list(): Promise<string[]> {
    if (!existsSync(this.root)) return [];
    return readdirSync(this.root).filter((id) => id !== DEFAULT && existsSync(this.file(id))).sort();
  }

  async exists(id: string): Promise<boolean> {
    return existsSync(this.file(id));
  }

  open(id: string, create = false): Promise<SqliteStore | null> {
    const opened = this.open_.get(id);
    if (opened) return opened;
    checkWorldNames(id);
    if (!create && !existsSync(this.file(id))) return Promise.resolve(null);
    const opening = (async () => {
      ensurePrivateDir(this.root);
      const store = new SqliteStore(this.file(id));
      await store.migrate();
      return store;
    })();
    this.open_.set(id, opening);
    opening.catch(() => this.open_.delete(id));
    return opening;
  }

  async release(id: string): Promise<void> {
    if (id === DEFAULT) return;
    const opened = this.open_.get(id);
    this.open_.delete(id);
    if (opened) await (await opened).close();
  }

  async drop(id: string): Promise<void> {
    if (id === DEFAULT) throw new Error('the default world cannot be dropped');
    await this.release(id);
    rmSync(this.dir(id), { recursive: true, force: true });
  }

  async saveSnapshot(id: string, name: string): Promise<void> {
    checkWorldNames(id, name);
    const store = await this.open(id);
    if (!store) throw new Error(`no world ${id}`);
    const file = this.snapshotFile(id, name);
    mkdirSync(join(this.dir(id), 'snapshots'), { recursive: true, mode: 0o700 });
    const partial = `${file}.partial`;
    rmSync(partial, { force: true });
    await store.copyTo(partial);
    restrictFile(partial);
    // Renamed into place: a snapshot of that name is replaced whole or not at all.
    renameSync(partial, file);
  }

  async restore(id: string, from: string, name: string | null): Promise<boolean> {
    checkWorldNames(from, name);
    const store = await this.open(id);
    const file = name === null ? this.file(from) : this.snapshotFile(from, name);
    if (!store || !existsSync(file)) return false;
    await store.replaceContentsFrom(file);
    return true;
  }

  async listSnapshots(id: string): Promise<string[]> {
    const dir = join(this.dir(id), 'snapshots');
    if (!existsSync(dir)) return [];
    return readdirSync(dir).filter((f) => f.endsWith('.db')).map((f) => f.slice(0, -3)).sort();
  }

  async close(): Promise<void> {
    const ids = [...this.open_.keys()].filter((id) => id !== DEFAULT);
    await Promise.all(ids.map((id) => this.release(id).catch(() => {})));
  }
}
