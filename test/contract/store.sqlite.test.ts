// The LikesStore contract against the SQLite store, on real database files in a fresh temporary directory,
// plus what only SQLite has: the schema version kept in PRAGMA user_version.
import assert from 'node:assert/strict';
import { fdatasync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { SQLITE_MIGRATIONS } from '../../src/adapters/sqlite/migrations.ts';
import { SqliteStore } from '../../src/adapters/sqlite/sqliteStore.ts';
import { settledYet } from '../support/settledYet.ts';
import { storeContract } from './storeContract.ts';

const dir = mkdtempSync(join(tmpdir(), 'likes-store-contract-'));
after(() => rmSync(dir, { recursive: true, force: true }));

// Every open() is a new connection to the same file, as several processes would have.
const file = join(dir, 'contract.db');
storeContract('SqliteStore', async () => {
  const store = new SqliteStore(file);
  return { store, cleanup: () => store.close() };
});

/** A file with the schema of the first `version` migrations, recorded as such, filled by `fill`; its path. */
function storeMadeAt(name: string, version: number, fill: (db: Database.Database) => void): string {
  const path = join(dir, name);
  const old = new Database(path);
  try {
    for (const [i, migration] of SQLITE_MIGRATIONS.slice(0, version).entries()) {
      old.exec(migration);
      old.pragma(`user_version = ${i + 1}`);
    }
    fill(old);
  } finally {
    old.close();
  }
  return path;
}

describe('SqliteStore specifics', () => {
  it('a store made before developers had an X account gains the column: its developers have none (userId null)', async () => {
    // The schema as it stood before developers.user_id (migration 6), with a developer in it.
    const path = storeMadeAt('developers-before-users.db', 5, (old) => {
      old.prepare('INSERT INTO developers (id, username, password_hash, created_at) VALUES (?, ?, ?, ?)').run('d-old-1', 'old_dev', 'scrypt$old', 1_700_000_000_000);
    });
    const store = new SqliteStore(path);
    try {
      await store.migrate();
      assert.deepEqual(await store.developerById('d-old-1'), { id: 'd-old-1', username: 'old_dev', passwordHash: 'scrypt$old', createdAt: 1_700_000_000_000, userId: null });
    } finally {
      await store.close();
    }
  });

  it('a store made before the narrow Tweet and account indexes gains them over its rows, and its pages read the same', async () => {
    const path = storeMadeAt('before-core-indexes.db', 7, (old) => {
      const user = old.prepare(
        `INSERT INTO users (id, username, name, created_at, profile_image_url, protected, suspended) VALUES (?, ?, ?, 0, '', ?, ?)`,
      );
      user.run('71', 'liker', 'Liker', 0, 0);
      user.run('72', 'hidden', 'Hidden Author', 1, 0);
      const tweet = old.prepare(`INSERT INTO tweets (id, author_id, text, created_at, lang, source, conversation_id, deleted) VALUES (?, ?, ?, 0, 'en', 'web', ?, ?)`);
      tweet.run('81', '72', 'by a protected author', '81', 0);
      tweet.run('82', '71', 'deleted since', '82', 1);
      old.prepare('INSERT INTO likes (user_id, tweet_id, liked_at) VALUES (?, ?, ?)').run('71', '81', 10);
      old.prepare('INSERT INTO likes (user_id, tweet_id, liked_at) VALUES (?, ?, ?)').run('71', '82', 20);
    });
    const store = new SqliteStore(path);
    try {
      await store.migrate();
      assert.deepEqual(await store.likedTweetCoresByUser('71', { limit: 10, direction: 'older' }), {
        owner: { id: '71', protected: false, suspended: false },
        rows: [
          { like: { userId: '71', tweetId: '82', likedAt: 20 }, tweet: { id: '82', authorId: '71', textJson: '"deleted since"', deleted: true }, author: { id: '71', protected: false, suspended: false } },
          { like: { userId: '71', tweetId: '81', likedAt: 10 }, tweet: { id: '81', authorId: '72', textJson: '"by a protected author"', deleted: false }, author: { id: '72', protected: true, suspended: false } },
        ],
      });
      assert.deepEqual(await store.accountFlags('72'), { id: '72', protected: true, suspended: false });
      assert.deepEqual(await store.likingUserCoresOfTweet('81', { limit: 10, direction: 'older' }), [
        { like: { userId: '71', tweetId: '81', likedAt: 10 }, user: { id: '71', nameJson: '"Liker"', usernameJson: '"liker"', suspended: false } },
      ]);
    } finally {
      await store.close();
    }
  });

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

  it('answers a like, and lets its event be read, only once the WAL holding it is synced', async () => {
    const held: (() => void)[] = [];
    const store = new SqliteStore(join(dir, 'held-sync.db'), { syncFile: (fd, done) => held.push(() => fdatasync(fd, done)) });
    try {
      await store.migrate();
      const liked = store.like('71', '81', 10);
      assert.equal(await settledYet(liked), false, 'the like waits for its sync');
      assert.equal(held.length, 1, 'committed, and its sync started');
      const events = store.events.eventsAfter(null, 10);
      assert.equal(await settledYet(events), false, 'the event is not read before its like is durable');
      held[0]();
      assert.equal(await liked, true);
      assert.deepEqual((await events).map((e) => [e.kind, e.userId, e.tweetId]), [['like', '71', '81']]);
      assert.equal(await settledYet(store.events.eventsAfter(null, 10)), true, 'with nothing waiting, events are read at once');
    } finally {
      await store.close();
    }
  });
});
