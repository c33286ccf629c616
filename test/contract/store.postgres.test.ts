// The LikesStore contract against PostgreSQL, in a database of its own created for this file and dropped after it,
// plus what only PostgreSQL has: schema_migrations, and failing fast with ServiceUnavailableError when the server
// cannot be reached. Needs PostgreSQL at LIKES_API_TEST_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/test):
// the suite FAILS, it does not skip, when there is none.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, type Socket } from 'node:net';
import { after, describe, it } from 'node:test';
import pg from 'pg';
import { PG_MIGRATIONS, PG_SCHEMA_MIGRATIONS_TABLE } from '../../src/adapters/postgres/migrations.ts';
import { PostgresStore } from '../../src/adapters/postgres/postgresStore.ts';
import { ServiceUnavailableError } from '../../src/ports/unavailable.ts';
import { createDatabase, withAdmin, type TestDatabase } from '../support/postgres.ts';
import { tweet, user } from '../support/records.ts';
import { storeContract } from './storeContract.ts';

// Created once, on first use; a failure (no PostgreSQL) is remembered, so every test fails at once with it.
// With a locale whose order is not byte order where the server has ICU ('a' < 'B' there), so that the suite
// proves ids sort by COLLATE "C" and not by the database default; a plain database elsewhere.
let created: Promise<TestDatabase> | undefined;
const opened = () => (created ??= createDatabase('test', { icuLocale: 'en-US' }));
const database = async (): Promise<string> => (await opened()).url;

after(async () => {
  const db = await created?.catch(() => undefined);
  await db?.drop();
});

storeContract('PostgresStore', async () => {
  const store = new PostgresStore(await database(), { max: 5 });
  return { store, cleanup: () => store.close() };
});

describe('PostgresStore specifics', () => {
  it('records each applied migration once in schema_migrations', async () => {
    const url = await database();
    const store = new PostgresStore(url, { max: 2 });
    try {
      await store.migrate();
      await store.migrate();
    } finally {
      await store.close();
    }
    const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
    await client.connect();
    try {
      const { rows } = await client.query('SELECT version FROM schema_migrations ORDER BY version');
      assert.deepEqual(rows.map((r) => Number(r.version)), PG_MIGRATIONS.map((_, i) => i + 1));
      // The columns a keyset walk compares sort in byte order whatever the database's default collation.
      const ordered = await client.query(`SELECT x FROM unnest(ARRAY['a', 'B', '_', '~', 'é', 'Z9']) AS x ORDER BY x COLLATE "C"`);
      const { rows: likes } = await client.query(
        `SELECT count(*)::int AS n FROM information_schema.columns
         WHERE table_name = 'likes' AND column_name IN ('user_id', 'tweet_id') AND collation_name = 'C'`,
      );
      assert.equal(likes[0].n, 2);
      assert.deepEqual(ordered.rows.map((r) => r.x), ['B', 'Z9', '_', 'a', '~', 'é']);
    } finally {
      await client.end();
    }
  });

  it('a store made before developers had an X account gains the column: its developers have none (userId null)', async () => {
    const db = await createDatabase('devusers');
    try {
      // The schema as it stood before developers.user_id (migration 6), with a developer in it.
      await db.query(PG_SCHEMA_MIGRATIONS_TABLE);
      for (const [i, migration] of PG_MIGRATIONS.slice(0, 5).entries()) {
        await db.query(migration);
        await db.query('INSERT INTO schema_migrations (version, applied_at) VALUES ($1, $2)', [i + 1, Date.now()]);
      }
      await db.query('INSERT INTO developers (id, username, password_hash, created_at) VALUES ($1, $2, $3, $4)', ['d-old-1', 'old_dev', 'scrypt$old', 1_700_000_000_000]);
      const store = new PostgresStore(db.url, { max: 2 });
      try {
        await store.migrate();
        assert.deepEqual(await store.developerById('d-old-1'), { id: 'd-old-1', username: 'old_dev', passwordHash: 'scrypt$old', createdAt: 1_700_000_000_000, userId: null });
      } finally {
        await store.close();
      }
    } finally {
      await db.drop();
    }
  });

  it('a SQL error (a constraint violation) is not reported as the service being unavailable', async () => {
    const store = new PostgresStore(await database(), { max: 2 });
    try {
      await store.migrate();
      await store.putApp(app('a-pg-1', 'ck-pg-shared'));
      await assert.rejects(store.putApp(app('a-pg-2', 'ck-pg-shared')), (err: unknown) => {
        assert.ok(!(err instanceof ServiceUnavailableError));
        assert.equal((err as { code?: string }).code, '23505');
        return true;
      });
    } finally {
      await store.close();
    }
  });

  it('a write that fails in a group-committed batch fails alone; the batch\'s other writes commit', async () => {
    const url = await database();
    const store = new PostgresStore(url, { max: 2 });
    const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
    await client.connect();
    try {
      await store.migrate();
      await store.insertUsers([user('u-batch-1'), user('u-batch-2')]);
      await store.insertTweets([tweet('t-batch-1', 'u-batch-2'), tweet('t-batch-2', 'u-batch-2')]);
      assert.equal(await store.like('u-batch-1', 't-batch-1', 1), true);
      // A counter out of step with the rows (as a hand edit would leave it): unliking would take it below 0, which
      // the CHECK refuses.
      await client.query(`UPDATE tweets SET like_count = 0 WHERE id = 't-batch-1'`);
      const outcomes = await Promise.allSettled([
        store.unlike('u-batch-1', 't-batch-1', 2), store.like('u-batch-1', 't-batch-2', 3), store.like('u-batch-2', 't-batch-2', 4),
      ]);
      assert.equal(outcomes[0].status, 'rejected');
      assert.equal(((outcomes[0] as PromiseRejectedResult).reason as { code?: string }).code, '23514');
      assert.deepEqual(outcomes.slice(1).map((o) => (o as PromiseFulfilledResult<boolean>).value), [true, true]);
      const likes = await store.likesOfTweet('t-batch-2', { limit: 10, direction: 'older' });
      assert.deepEqual(likes.map((l) => l.userId).sort(), ['u-batch-1', 'u-batch-2']);
      assert.equal((await store.likesOfTweet('t-batch-1', { limit: 10, direction: 'older' })).length, 1, 'the failed unlike changed nothing');
    } finally {
      await client.end();
      await store.close();
    }
  });

  it('refused connections fail with ServiceUnavailableError', async () => {
    // A port nobody listens on: bind one, note it, close it.
    const server = createServer();
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const { port } = server.address() as { port: number };
    server.close();
    await once(server, 'close');
    const store = new PostgresStore(`postgres://postgres@127.0.0.1:${port}/test`, { connectionTimeoutMillis: 1000 });
    try {
      await assert.rejects(store.usersByIds(['1']), ServiceUnavailableError);
      await assert.rejects(store.like('1', '2', 3), ServiceUnavailableError);
      await assert.rejects(store.insertLikes([{ userId: '1', tweetId: '2', likedAt: 3 }]), ServiceUnavailableError);
      await assert.rejects(store.migrate(), ServiceUnavailableError);
    } finally {
      await store.close();
    }
  });

  it('a server that accepts but never answers fails with ServiceUnavailableError after the timeout', async () => {
    const sockets = new Set<Socket>();
    const server = createServer((s) => {
      sockets.add(s);
      s.on('error', () => {});
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const { port } = server.address() as { port: number };
    const store = new PostgresStore(`postgres://postgres@127.0.0.1:${port}/test`, { connectionTimeoutMillis: 300 });
    try {
      await assert.rejects(store.getMeta('k'), ServiceUnavailableError);
      await assert.rejects(store.setMetaIfAbsent('k', 'v'), ServiceUnavailableError);
      await assert.rejects(store.migrate(), ServiceUnavailableError);
    } finally {
      await store.close();
      for (const s of sockets) s.destroy();
      server.close();
    }
  });

  it('a pooled connection terminated by the server (57P01) never escapes as a raw error, and the pool recovers', async () => {
    const { url, name } = await opened();
    const store = new PostgresStore(url, { max: 1, applicationName: `likes-terminate-${name}` });
    try {
      await store.migrate();
      await store.setMeta('pg.terminate', 'kept'); // the pool's one connection now exists, idle
      await withAdmin(async (admin) => {
        await admin.query(
          `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1 AND datname = $2`,
          [`likes-terminate-${name}`, name],
        );
      });
      // The idle connection is gone: the pool drops it (no unhandled 'error' event), or the query sees the
      // terminated backend as ServiceUnavailableError; either way no raw error escapes and the next call works.
      try {
        await store.getMeta('pg.terminate');
      } catch (err) {
        assert.ok(err instanceof ServiceUnavailableError, String(err));
      }
      assert.equal(await store.getMeta('pg.terminate'), 'kept');
    } finally {
      await store.close();
    }
  });
});

function app(id: string, consumerKey: string) {
  return {
    id, name: id, projectId: null, permission: 'read' as const, suspended: false, consumerKey,
    consumerSecretSealed: 's', clientId: `cid-${id}`, clientSecretHash: 'h', policy: {}, appType: 'web' as const,
  };
}
