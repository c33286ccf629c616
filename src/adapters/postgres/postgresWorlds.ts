// Sandbox worlds in PostgreSQL: one schema per world (likes_<id>), each opened as a PostgresStore whose connections
// use that schema (a small pool that lets idle connections go, so many sandboxes hold few connections). A snapshot
// is a schema of plain copies of the tables (likes_<id>__<name>). The default world is the configured store, in its
// connection's own schema; its snapshots are likes_default__<name>.
import pg from 'pg';
import type { Logger } from '../../ports/logger.ts';
import { checkWorldNames, type WorldStorage } from '../../ports/worldStorage.ts';
import { wrapUnavailable } from './postgresErrors.ts';
import { PostgresStore, quoteIdent } from './postgresStore.ts';

const DEFAULT = 'default';
const schemaOf = (id: string): string => `likes_${id}`;
const snapshotSchema = (id: string, name: string): string => `${schemaOf(id)}__${name}`;

export class PostgresWorlds implements WorldStorage {
  readonly kind = 'postgres';
  private readonly admin: pg.Pool;
  private readonly open_ = new Map<string, Promise<PostgresStore>>();

  constructor(private readonly url: string, defaultStore: PostgresStore, private readonly log?: Logger) {
    this.admin = new pg.Pool({ connectionString: url, max: 2, idleTimeoutMillis: 5000, connectionTimeoutMillis: 3000 });
    this.admin.on('error', () => {});
    this.open_.set(DEFAULT, Promise.resolve(defaultStore));
  }

  private async query(text: string, values: unknown[] = []): Promise<pg.QueryResult> {
    try {
      return await this.admin.query(text, values);
    } catch (err) {
      throw wrapUnavailable(err);
    }
  }

  /** CREATE SCHEMA IF NOT EXISTS, which two sessions running at once can still fail (23505): the loser finds it made. */
  private async createSchema(schema: string): Promise<void> {
    try {
      await this.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(schema)}`);
    } catch (err) {
      if (!(await this.schemaExists(schema))) throw err;
    }
  }

  private async schemaExists(schema: string): Promise<boolean> {
    return (await this.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [schema])).rowCount === 1;
  }

  async list(): Promise<string[]> {
    const rows = (await this.query(`SELECT nspname FROM pg_namespace WHERE nspname LIKE 'likes\\_%' AND nspname NOT LIKE '%\\_\\_%' ORDER BY nspname`)).rows;
    return rows.map((r) => (r.nspname as string).slice('likes_'.length)).filter((id) => id !== DEFAULT);
  }

  exists(id: string): Promise<boolean> {
    return this.schemaExists(schemaOf(id));
  }

  open(id: string, create = false): Promise<PostgresStore | null> {
    const opened = this.open_.get(id);
    if (opened) return opened;
    checkWorldNames(id);
    const schema = schemaOf(id);
    const opening = (async () => {
      if (create) await this.createSchema(schema);
      else if (!(await this.schemaExists(schema))) return null;
      const store = new PostgresStore(this.url, { schema, max: 4, idleTimeoutMillis: 2000, log: this.log, applicationName: `likes-api ${id}` });
      try {
        await store.migrate();
      } catch (err) {
        await store.close().catch(() => {});
        throw err;
      }
      return store;
    })();
    const kept = opening.then((store) => {
      if (!store) this.open_.delete(id);
      return store;
    });
    this.open_.set(id, kept as Promise<PostgresStore>);
    kept.catch(() => this.open_.delete(id));
    return kept;
  }

  async release(id: string): Promise<void> {
    if (id === DEFAULT) return;
    const opened = this.open_.get(id);
    this.open_.delete(id);
    if (opened) await (await opened.catch(() => null))?.close();
  }

  async drop(id: string): Promise<void> {
    if (id === DEFAULT) throw new Error('the default world cannot be dropped');
    await this.release(id);
    for (const name of await this.listSnapshots(id)) await this.query(`DROP SCHEMA IF EXISTS ${quoteIdent(snapshotSchema(id, name))} CASCADE`);
    await this.query(`DROP SCHEMA IF EXISTS ${quoteIdent(schemaOf(id))} CASCADE`);
  }

  async saveSnapshot(id: string, name: string): Promise<void> {
    checkWorldNames(id, name);
    const store = await this.open(id);
    if (!store) throw new Error(`no world ${id}`);
    await store.copyTo(snapshotSchema(id, name));
  }

  async restore(id: string, from: string, name: string | null): Promise<boolean> {
    checkWorldNames(from, name);
    const store = await this.open(id);
    const source = name === null ? schemaOf(from) : snapshotSchema(from, name);
    if (!store || !(await this.schemaExists(source))) return false;
    await store.replaceContentsFrom(source);
    return true;
  }

  async listSnapshots(id: string): Promise<string[]> {
    const prefix = `${snapshotSchema(id, '')}`;
    const rows = (await this.query('SELECT nspname FROM pg_namespace WHERE left(nspname, $1) = $2 ORDER BY nspname', [prefix.length, prefix])).rows;
    return rows.map((r) => (r.nspname as string).slice(prefix.length));
  }

  async close(): Promise<void> {
    const ids = [...this.open_.keys()].filter((id) => id !== DEFAULT);
    await Promise.all(ids.map((id) => this.release(id).catch(() => {})));
    await this.admin.end().catch(() => {});
  }
}
