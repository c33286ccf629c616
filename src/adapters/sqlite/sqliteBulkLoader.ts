// Bulk loading into the SQLite store file: one big transaction on a connection of its own, prepared multi-row
// INSERTs, the likes table's secondary indexes dropped during the load and rebuilt after it, like_count
// recomputed with one GROUP BY per table, and `PRAGMA synchronous = OFF` only while the load runs.
import Database from 'better-sqlite3';
import { basename } from 'node:path';
import type { TweetRecord, UserRecord } from '../../domain/model.ts';
import { StoreNotEmptyError, type BulkLoader, type BulkLoadOptions, type FinishStep, type LikeColumns } from '../../ports/bulkLoader.ts';
import { TWEET_COLUMNS, USER_COLUMNS, columnList, tweetToRow, userToRow } from '../rows.ts';
import { SqliteStore } from './sqliteStore.ts';

/** Rows per multi-row INSERT (parameters per statement = rows × columns, well under SQLite's 32766). */
const LIKE_ROWS = 1000;
const RECORD_ROWS = 100;
/** Tables emptied by --reset; meta keeps the sealing key so sealed secrets elsewhere stay readable. */
const DATA_TABLES = ['likes', 'tweets', 'users', 'media', 'polls', 'places', 'bearers', 'oauth1_tokens', 'apps', 'projects'];

const sqlBool = (b: boolean): number => (b ? 1 : 0);

type Statement = Database.Statement<unknown[]>;

/** A multi-row INSERT prepared once per row count, with one reusable parameter array. */
class MultiInsert {
  private readonly full: Statement;
  private readonly params: unknown[];
  private readonly partial = new Map<number, Statement>();

  constructor(private readonly db: Database.Database, private readonly head: string, private readonly width: number, private readonly rows: number) {
    this.full = db.prepare(this.sql(rows));
    this.params = new Array(rows * width);
  }

  private sql(rows: number): string {
    const tuple = `(${Array.from({ length: this.width }, () => '?').join(',')})`;
    return `${this.head} VALUES ${Array.from({ length: rows }, () => tuple).join(',')}`;
  }

  /** Inserts rows [0, count), `fill(i, params, offset)` writing row i's values at params[offset...]. */
  run(count: number, fill: (i: number, params: unknown[], offset: number) => void): void {
    const { rows, width, params } = this;
    let i = 0;
    for (; i + rows <= count; i += rows) {
      for (let r = 0; r < rows; r++) fill(i + r, params, r * width);
      this.full.run(params);
    }
    const rest = count - i;
    if (rest === 0) return;
    let stmt = this.partial.get(rest);
    if (!stmt) {
      stmt = this.db.prepare(this.sql(rest));
      this.partial.set(rest, stmt);
    }
    const tail = new Array(rest * width);
    for (let r = 0; r < rest; r++) fill(i + r, tail, r * width);
    stmt.run(tail);
  }
}

export class SqliteBulkLoader implements BulkLoader {
  readonly kind = 'sqlite';
  readonly target: string;
  private db: Database.Database | null = null;
  private synchronous = 1;
  /** The journal mode to go back to after the load (WAL), when the load could leave it. */
  private journalMode: string | null = null;
  private droppedIndexes: { name: string; sql: string }[] = [];
  private inserts: { users: MultiInsert; tweets: MultiInsert; likes: MultiInsert } | null = null;
  private open = false;

  constructor(private readonly file: string) {
    this.target = file;
  }

  async begin(options: BulkLoadOptions): Promise<void> {
    // The store's own migrations create or upgrade the schema first.
    const store = new SqliteStore(this.file);
    try {
      await store.migrate();
    } finally {
      await store.close();
    }
    const db = new Database(this.file);
    this.db = db;
    db.pragma('busy_timeout = 5000');
    this.synchronous = db.pragma('synchronous', { simple: true }) as number;
    // Only during the load: a crash mid-load loses nothing that was committed before it (the load is one
    // transaction), and the normal setting is restored before finish() returns.
    db.pragma('synchronous = OFF');
    // Out of WAL for the load when no other connection has the file open: a rollback journal records only the
    // pages that existed before (next to nothing in an empty store), where WAL would write every new page twice
    // (to the log, then to the file at the checkpoint). Both roll back a load interrupted by a crash of the process.
    const mode = String(db.pragma('journal_mode', { simple: true }));
    if (mode === 'wal') {
      try {
        if (String(db.pragma('journal_mode = DELETE', { simple: true })) === 'delete') this.journalMode = mode;
      } catch {
        /* another connection holds the file: stay in WAL */
      }
    }
    db.pragma('cache_size = -262144'); // 256 MiB of page cache for the inserts and the index builds' sorts
    db.pragma('temp_store = MEMORY');
    db.pragma('threads = 2'); // a helper thread for the index builds' sorts
    db.exec('BEGIN IMMEDIATE');
    this.open = true;
    if (options.reset) {
      for (const table of DATA_TABLES) db.exec(`DELETE FROM ${table}`);
      db.exec(`DELETE FROM meta WHERE key <> 'secret-key'`);
    } else {
      const busy = db.prepare(
        'SELECT EXISTS (SELECT 1 FROM users) OR EXISTS (SELECT 1 FROM tweets) OR EXISTS (SELECT 1 FROM likes) AS busy',
      ).get() as { busy: number };
      if (busy.busy) {
        await this.abort();
        throw new StoreNotEmptyError(`${basename(this.file)} already holds users, tweets or likes (seed with --reset to replace them)`);
      }
    }
    // Secondary indexes of likes: rebuilt in one sorted pass at the end instead of maintained row by row.
    this.droppedIndexes = db
      .prepare(`SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'likes' AND sql IS NOT NULL ORDER BY name`)
      .all() as { name: string; sql: string }[];
    for (const ix of this.droppedIndexes) db.exec(`DROP INDEX "${ix.name.replace(/"/g, '""')}"`);
    this.inserts = {
      users: new MultiInsert(db, `INSERT INTO users (${columnList(USER_COLUMNS)})`, USER_COLUMNS.length, RECORD_ROWS),
      tweets: new MultiInsert(db, `INSERT INTO tweets (${columnList(TWEET_COLUMNS)})`, TWEET_COLUMNS.length, RECORD_ROWS),
      likes: new MultiInsert(db, 'INSERT INTO likes (user_id, tweet_id, liked_at)', 3, LIKE_ROWS),
    };
  }

  private need(): NonNullable<SqliteBulkLoader['inserts']> {
    if (!this.inserts || !this.open) throw new Error('bulk load not begun (or already finished)');
    return this.inserts;
  }

  async appendUsers(users: readonly UserRecord[]): Promise<void> {
    const width = USER_COLUMNS.length;
    this.need().users.run(users.length, (i, p, o) => {
      const row = userToRow(users[i], sqlBool);
      for (let c = 0; c < width; c++) p[o + c] = row[c];
    });
  }

  async appendTweets(tweets: readonly TweetRecord[]): Promise<void> {
    const width = TWEET_COLUMNS.length;
    this.need().tweets.run(tweets.length, (i, p, o) => {
      const row = tweetToRow(tweets[i], sqlBool);
      for (let c = 0; c < width; c++) p[o + c] = row[c];
    });
  }

  async appendLikes(likes: LikeColumns): Promise<void> {
    const { userIds, tweetIds, likedAt } = likes;
    this.need().likes.run(likes.length, (i, p, o) => {
      p[o] = userIds[i];
      p[o + 1] = tweetIds[i];
      p[o + 2] = likedAt[i];
    });
  }

  async finish(onStep?: (step: string) => void): Promise<FinishStep[]> {
    this.need();
    const db = this.db!;
    const steps: FinishStep[] = [];
    const step = (name: string, fn: () => void) => {
      onStep?.(name);
      const t0 = performance.now();
      fn();
      steps.push({ step: name, ms: Math.round(performance.now() - t0) });
    };
    for (const ix of this.droppedIndexes) step(`index ${ix.name}`, () => db.exec(ix.sql));
    // One GROUP BY per table; rows without likes keep the 0 they were written with.
    step('like_count of tweets', () =>
      db.exec(`UPDATE tweets SET like_count = c.n
        FROM (SELECT tweet_id, count(*) AS n FROM likes GROUP BY tweet_id) AS c WHERE tweets.id = c.tweet_id`),
    );
    step('like_count of users', () =>
      db.exec(`UPDATE users SET like_count = c.n
        FROM (SELECT user_id, count(*) AS n FROM likes GROUP BY user_id) AS c WHERE users.id = c.user_id`),
    );
    step('commit', () => db.exec('COMMIT'));
    this.open = false;
    this.restore();
    if (!this.journalMode) step('checkpoint', () => db.pragma('wal_checkpoint(TRUNCATE)'));
    this.journalMode = null;
    return steps;
  }

  /** The connection's settings as they were before the load. */
  private restore(): void {
    const db = this.db!;
    db.pragma(`synchronous = ${this.synchronous}`);
    if (this.journalMode) db.pragma(`journal_mode = ${this.journalMode}`);
  }

  async abort(): Promise<void> {
    if (this.db && this.open) {
      this.open = false;
      if (this.db.inTransaction) this.db.exec('ROLLBACK');
      this.restore();
      this.journalMode = null;
    }
  }

  async close(): Promise<void> {
    await this.abort();
    if (this.db?.open) this.db.close();
    this.db = null;
    this.inserts = null;
  }
}
