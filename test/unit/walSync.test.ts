// Commits synced off the main thread (src/adapters/sqlite/walSync.ts), on a real SQLite file in WAL mode: a commit's
// caller is answered only after a sync of the WAL that began after the commit, the transaction runs without SQLite's
// own sync and the connection is back to FULL after it, and a failed sync stops every later commit (X's 503).
import assert from 'node:assert/strict';
import { fstatSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { WalSync, type FileSync } from '../../src/adapters/sqlite/walSync.ts';
import { ServiceUnavailableError } from '../../src/ports/unavailable.ts';
import { settledYet } from '../support/settledYet.ts';

const dir = mkdtempSync(join(tmpdir(), 'likes-wal-sync-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** A sync held until the test lets it go: each call is recorded with the file it was given and what it could see. */
function heldSyncs(db: Database.Database) {
  const calls: { fd: number; rowsThen: number; finish: (error?: Error) => void }[] = [];
  const sync: FileSync = (fd, done) => {
    calls.push({ fd, rowsThen: count(db), finish: (error) => done(error ?? null) });
  };
  return { sync, calls };
}

const count = (db: Database.Database) => (db.prepare('SELECT count(*) AS n FROM t').get() as { n: number }).n;
const synchronous = (db: Database.Database) => db.pragma('synchronous', { simple: true });

function openDb(name: string) {
  const file = join(dir, name);
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.exec('CREATE TABLE t (x INTEGER)');
  const insert = db.prepare('INSERT INTO t VALUES (?)');
  const held = heldSyncs(db);
  const wal = new WalSync(`${file}-wal`, (full) => db.exec(`PRAGMA synchronous = ${full ? 'FULL' : 'NORMAL'}`), held.sync);
  const commit = (x: number) => wal.commit(() => db.transaction(() => {
    insert.run(x);
    return synchronous(db);
  }).immediate());
  return { file, db, wal, commit, ...held };
}

describe('WalSync', () => {
  it('answers a commit after the WAL file is synced, runs it without SQLite\'s sync and leaves the connection FULL', async () => {
    const { file, db, wal, commit, calls } = openDb('one.db');
    const answered = commit(1);
    assert.equal(calls.length, 1, 'one sync, started once the commit has ended');
    assert.equal(calls[0].rowsThen, 1, 'the sync starts after the commit');
    assert.equal(fstatSync(calls[0].fd).ino, statSync(`${file}-wal`).ino, 'the file synced is the WAL');
    assert.equal(synchronous(db), 2, 'FULL again once the commit has run');
    assert.equal(await settledYet(answered), false, 'not answered while the sync runs');
    assert.equal(await settledYet(wal.settled()), false, 'not settled while a commit waits for its sync');
    calls[0].finish();
    assert.equal(await answered, 1, 'the transaction ran with synchronous = NORMAL');
    assert.equal(await settledYet(wal.settled()), true);
    wal.close();
    db.close();
  });

  it('a commit that ends while a sync runs waits for the next one; commits that end together share it', async () => {
    const { db, wal, commit, calls } = openDb('two.db');
    const first = commit(1);
    const second = commit(2);
    const third = commit(3);
    assert.equal(calls.length, 1, 'the second sync waits for the first');
    calls[0].finish();
    await first;
    assert.equal(await settledYet(second), false, 'the sync that ended began before the second commit');
    assert.equal(calls.length, 2, 'one more sync for both commits that ended during the first');
    assert.equal(calls[1].rowsThen, 3);
    assert.equal(await settledYet(wal.settled()), false);
    calls[1].finish();
    await Promise.all([second, third]);
    assert.equal(calls.length, 2);
    await wal.settled();
    wal.close();
    db.close();
  });

  it('a failed sync fails its commits as the store being unavailable, and every later commit is refused without running', async () => {
    const { db, wal, commit, calls } = openDb('failing.db');
    const first = commit(1);
    const second = commit(2);
    const eio = new Error('EIO: i/o error, fdatasync');
    calls[0].finish(eio);
    /** X's 503 at the edge (src/http/reply.ts), the sync's own error kept as its cause. */
    const unavailable = (e: unknown) => e instanceof ServiceUnavailableError && e.dependency === 'sqlite' && e.cause === eio;
    await assert.rejects(first, unavailable);
    await assert.rejects(second, unavailable, 'the commit that waited for the next sync fails too');
    assert.equal(calls.length, 1, 'no sync after a failed one');
    await assert.rejects(commit(3), unavailable);
    assert.equal(count(db), 2, 'the refused commit did not run');
    assert.equal(synchronous(db), 2);
    await assert.rejects(wal.settled(), unavailable, 'nothing committed since the last good sync is taken as durable');
    assert.throws(() => wal.check(), unavailable, 'the health checks see it');
    wal.close();
    db.close();
  });

  it('a transaction that throws leaves the connection FULL and waits for no sync', async () => {
    const { db, wal, calls } = openDb('throws.db');
    await assert.rejects(wal.commit(() => {
      throw new Error('constraint');
    }), /constraint/);
    assert.equal(synchronous(db), 2);
    assert.equal(calls.length, 0);
    wal.close();
    db.close();
  });
});
