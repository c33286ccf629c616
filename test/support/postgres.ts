// Throwaway PostgreSQL databases for tests: one per test file, created on the server the machine runs and
// dropped afterwards. A missing server fails the suite with a clear message (never a skip).
import { randomBytes } from 'node:crypto';
import pg from 'pg';

export const PG_BASE_URL = process.env.LIKES_API_TEST_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test';

export interface TestDatabase {
  name: string;
  /** postgres://user@host:port/name, without a password. */
  url: string;
  /** Runs `fn` with a plain client on the test database. */
  query<T extends pg.QueryResultRow = any>(text: string, values?: unknown[]): Promise<T[]>;
  drop(): Promise<void>;
}

/** Runs `fn` with a client on the base database (for CREATE / DROP DATABASE). */
export async function withAdmin<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: PG_BASE_URL, connectionTimeoutMillis: 5000, query_timeout: 60_000 });
  client.on('error', () => {});
  try {
    await client.connect();
  } catch (err) {
    await client.end().catch(() => {});
    throw new Error(`PostgreSQL at ${PG_BASE_URL} is unreachable: start it or set LIKES_API_TEST_DATABASE_URL`, { cause: err });
  }
  try {
    return await fn(client);
  } finally {
    await client.end().catch(() => {});
  }
}

export async function createDatabase(label: string): Promise<TestDatabase> {
  const name = `likes_${label}_${randomBytes(6).toString('hex')}`;
  await withAdmin((admin) => admin.query(`CREATE DATABASE ${name}`));
  const base = new URL(PG_BASE_URL);
  const url = `postgres://${base.username || 'postgres'}@${base.host}/${name}`;
  let pool: pg.Pool | undefined;
  return {
    name,
    url,
    async query(text, values = []) {
      if (!pool) {
        pool = new pg.Pool({ connectionString: url, max: 2, connectionTimeoutMillis: 5000, query_timeout: 60_000 });
        pool.on('error', () => {});
      }
      return (await pool.query(text, values)).rows;
    },
    async drop() {
      await pool?.end().catch(() => {});
      await withAdmin((admin) => admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
    },
  };
}

