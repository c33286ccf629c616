// Throwaway PostgreSQL databases for tests: one per test file, created on the server the machine runs and
// dropped afterwards. A missing server fails the suite with a clear message (never a skip).
import { randomBytes } from 'node:crypto';
import pg from 'pg';

export const PG_BASE_URL = process.env.LIKES_API_TEST_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test';

export interface TestDatabase {
  name: string;
  /** The base URL (PG_BASE_URL) naming this database instead. */
  url: string;
  /** Runs `fn` with a plain client on the test database. */
  query<T extends pg.QueryResultRow = any>(text: string, values?: unknown[]): Promise<T[]>;
  drop(): Promise<void>;
}

/** `url` naming `database` instead (user, host and options kept). */
export function urlWithDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

/** Runs `fn` with a client on the base database at `url` (for CREATE / DROP DATABASE); bench/ uses it too. */
export async function withAdmin<T>(fn: (client: pg.Client) => Promise<T>, url: string = PG_BASE_URL): Promise<T> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000, query_timeout: 60_000 });
  client.on('error', () => {});
  try {
    await client.connect();
  } catch (err) {
    await client.end().catch(() => {});
    const hint = url === PG_BASE_URL ? ' or set LIKES_API_TEST_DATABASE_URL' : '';
    throw new Error(`PostgreSQL at ${url} is unreachable: start it${hint}`, { cause: err });
  }
  try {
    return await fn(client);
  } finally {
    await client.end().catch(() => {});
  }
}

/**
 * A new, empty database. `icuLocale`: with that ICU locale where the server has ICU (so an order that is not byte
 * order shows up), a plain database elsewhere.
 */
export async function createDatabase(label: string, opts: { icuLocale?: string } = {}): Promise<TestDatabase> {
  const name = `likes_${label}_${randomBytes(6).toString('hex')}`;
  await withAdmin(async (admin) => {
    if (opts.icuLocale) {
      try {
        await admin.query(`CREATE DATABASE ${name} TEMPLATE template0 LOCALE_PROVIDER icu ICU_LOCALE '${opts.icuLocale}'`);
        return;
      } catch {
        /* no ICU on this server: a plain database */
      }
    }
    await admin.query(`CREATE DATABASE ${name}`);
  });
  const url = urlWithDatabase(PG_BASE_URL, name);
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

