// Bulk loading into PostgreSQL with COPY FROM STDIN (text format), in one transaction on a connection of its own:
// the tables are truncated in that transaction so COPY ... (FREEZE) writes rows already frozen and visible (no
// VACUUM pass needed before index-only scans), the likes table's secondary indexes are dropped during the load and
// rebuilt after it, like_count is recomputed with one GROUP BY per table, and the planner statistics are refreshed.
import { finished } from 'node:stream/promises';
import pg from 'pg';
import { from as copyFrom, type CopyStreamQuery } from 'pg-copy-streams';
import type { TweetRecord, UserRecord } from '../../domain/model.ts';
import { StoreNotEmptyError, type BulkLoader, type BulkLoadOptions, type FinishStep, type LikeColumns } from '../../ports/bulkLoader.ts';
import { TWEET_COLUMNS, USER_COLUMNS, columnList, tweetToRow, userToRow } from '../rows.ts';
import { PostgresStore } from './postgresStore.ts';

/** Tables emptied by --reset (children before parents is irrelevant: there are no foreign keys). */
const DATA_TABLES = ['likes', 'tweets', 'users', 'media', 'polls', 'places', 'bearers', 'oauth1_tokens', 'apps', 'projects'];
/** The tables a load writes with COPY; truncated inside the load's transaction so COPY can FREEZE. */
const LOADED_TABLES = ['likes', 'tweets', 'users'];

const identity = (b: boolean): boolean => b;

/** One value in COPY's text format: \N for NULL; backslash, tab, newline and carriage return escaped. */
export function copyText(v: unknown): string {
  if (v === null || v === undefined) return '\\N';
  if (typeof v === 'boolean') return v ? 't' : 'f';
  const s = typeof v === 'string' ? v : String(v);
  return /[\\\t\n\r]/.test(s) ? s.replace(/[\\\t\n\r]/g, (c) => (c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : '\\r')) : s;
}

const rowText = (row: readonly unknown[]): string => `${row.map(copyText).join('\t')}\n`;

/** The database of a connection string, for messages (never the password). */
function describe(url: string): string {
  try {
    const u = new URL(url);
    return `postgres://${u.host}${u.pathname}`;
  } catch {
    return 'postgres';
  }
}

export class PostgresBulkLoader implements BulkLoader {
  readonly kind = 'postgres';
  readonly target: string;
  private client: pg.Client | null = null;
  private open = false;
  private copy: { table: string; stream: CopyStreamQuery; failed: Error | null } | null = null;
  private droppedIndexes: { name: string; def: string }[] = [];

  constructor(private readonly url: string) {
    this.target = describe(url);
  }

  async begin(options: BulkLoadOptions): Promise<void> {
    const store = new PostgresStore(this.url, { max: 1 });
    try {
      await store.migrate();
    } finally {
      await store.close();
    }
    const client = new pg.Client({ connectionString: this.url, application_name: 'likes-api seed', connectionTimeoutMillis: 10_000 });
    client.on('error', () => {});
    await client.connect();
    this.client = client;
    await client.query('BEGIN');
    this.open = true;
    // Fail fast when a running server holds the tables, rather than queue behind it.
    await client.query(`SET LOCAL lock_timeout = '10s'`);
    await client.query(`SET LOCAL maintenance_work_mem = '1GB'`);
    if (!options.reset) {
      const { rows } = await client.query(
        'SELECT EXISTS (SELECT 1 FROM users) OR EXISTS (SELECT 1 FROM tweets) OR EXISTS (SELECT 1 FROM likes) AS busy',
      );
      if (rows[0].busy) {
        await this.abort();
        throw new StoreNotEmptyError(`${this.target} already holds users, tweets or likes (seed with --reset to replace them)`);
      }
      await client.query(`TRUNCATE ${LOADED_TABLES.join(', ')}`);
    } else {
      await client.query(`TRUNCATE ${DATA_TABLES.join(', ')}`);
      await client.query(`DELETE FROM meta WHERE key <> 'secret-key'`);
    }
    // Secondary indexes of likes (not the primary key): rebuilt in one sorted pass at the end.
    const { rows } = await client.query(
      `SELECT c.relname AS name, pg_get_indexdef(c.oid) AS def
       FROM pg_index x JOIN pg_class c ON c.oid = x.indexrelid
       WHERE x.indrelid = 'likes'::regclass AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = x.indexrelid)
       ORDER BY c.relname`,
    );
    this.droppedIndexes = rows as { name: string; def: string }[];
    for (const ix of this.droppedIndexes) await client.query(`DROP INDEX ${pg.escapeIdentifier(ix.name)}`);
  }

  private need(): pg.Client {
    if (!this.client || !this.open) throw new Error('bulk load not begun (or already finished)');
    return this.client;
  }

  /** The COPY stream of `table`, ending the previous table's COPY first. */
  private async streamFor(table: string, columns: readonly string[]): Promise<CopyStreamQuery> {
    const client = this.need();
    if (this.copy?.table === table) return this.copy.stream;
    await this.endCopy();
    const stream = client.query(copyFrom(`COPY ${table} (${columnList(columns)}) FROM STDIN WITH (FREEZE)`));
    const copy = { table, stream, failed: null as Error | null };
    stream.on('error', (err: Error) => {
      copy.failed = err;
    });
    this.copy = copy;
    return stream;
  }

  private async write(table: string, columns: readonly string[], text: string): Promise<void> {
    const stream = await this.streamFor(table, columns);
    const copy = this.copy!;
    if (copy.failed) throw copy.failed;
    if (!stream.write(text)) {
      // Backpressure: wait for the socket to drain (or for the COPY to fail), without leaving listeners behind.
      await new Promise<void>((resolve, reject) => {
        const done = (err?: Error) => {
          stream.off('drain', onDrain);
          stream.off('error', done);
          if (err) reject(err);
          else resolve();
        };
        const onDrain = () => done();
        stream.on('drain', onDrain);
        stream.on('error', done);
      });
    }
    if (copy.failed) throw copy.failed;
  }

  private async endCopy(): Promise<void> {
    const copy = this.copy;
    if (!copy) return;
    this.copy = null;
    if (copy.failed) throw copy.failed;
    copy.stream.end();
    await finished(copy.stream);
  }

  async appendUsers(users: readonly UserRecord[]): Promise<void> {
    let text = '';
    for (const u of users) text += rowText(userToRow(u, identity));
    await this.write('users', USER_COLUMNS, text);
  }

  async appendTweets(tweets: readonly TweetRecord[]): Promise<void> {
    let text = '';
    for (const t of tweets) text += rowText(tweetToRow(t, identity));
    await this.write('tweets', TWEET_COLUMNS, text);
  }

  async appendLikes(likes: LikeColumns): Promise<void> {
    const { userIds, tweetIds, likedAt } = likes;
    const parts = new Array<string>(likes.length);
    for (let i = 0; i < likes.length; i++) parts[i] = `${copyText(userIds[i])}\t${copyText(tweetIds[i])}\t${likedAt[i]}\n`;
    await this.write('likes', ['user_id', 'tweet_id', 'liked_at'], parts.join(''));
  }

  async finish(onStep?: (step: string) => void): Promise<FinishStep[]> {
    const client = this.need();
    const steps: FinishStep[] = [];
    const step = async (name: string, fn: () => Promise<unknown>) => {
      onStep?.(name);
      const t0 = performance.now();
      await fn();
      steps.push({ step: name, ms: Math.round(performance.now() - t0) });
    };
    await step('end of COPY', () => this.endCopy());
    for (const ix of this.droppedIndexes) await step(`index ${ix.name}`, () => client.query(ix.def));
    // One GROUP BY per table; rows without likes keep the 0 they were written with.
    await step('like_count of tweets', () =>
      client.query(`UPDATE tweets SET like_count = c.n
        FROM (SELECT tweet_id, count(*) AS n FROM likes GROUP BY tweet_id) AS c WHERE tweets.id = c.tweet_id`),
    );
    await step('like_count of users', () =>
      client.query(`UPDATE users SET like_count = c.n
        FROM (SELECT user_id, count(*) AS n FROM likes GROUP BY user_id) AS c WHERE users.id = c.user_id`),
    );
    await step('commit', () => client.query('COMMIT'));
    this.open = false;
    // The recounts left a dead version of each counted row behind; statistics are new for every table.
    await step('vacuum analyze', () => client.query('VACUUM (ANALYZE) likes, tweets, users'));
    return steps;
  }

  async abort(): Promise<void> {
    if (!this.client || !this.open) return;
    this.open = false;
    const copy = this.copy;
    this.copy = null;
    if (copy && !copy.failed) {
      // Abandoning a COPY in progress: make the server fail it, then roll the transaction back.
      copy.stream.destroy(new Error('bulk load aborted'));
    }
    try {
      await this.client.query('ROLLBACK');
    } catch {
      // The connection is unusable (an aborted COPY): closing it rolls the transaction back.
      await this.close();
    }
  }

  async close(): Promise<void> {
    const client = this.client;
    this.client = null;
    this.open = false;
    if (client) await client.end().catch(() => {});
  }
}
