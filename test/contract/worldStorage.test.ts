// The WorldStorage contract (src/ports/worldStorage.ts), one suite run against both adapters: SqliteWorlds on a
// fresh temporary directory and PostgresWorlds on a fresh PostgreSQL database (LIKES_API_TEST_DATABASE_URL, default
// postgres://postgres@127.0.0.1:5432/test; the suite fails without it). Worlds are made, listed, filled through the
// store's own methods, snapshotted, changed and restored (contents replaced exactly, rows added since removed and
// rows removed since back), restored from another world's live contents (the template case), released, dropped
// (with their snapshots), and seen by a second storage over the same place (another process).
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { PostgresStore } from '../../src/adapters/postgres/postgresStore.ts';
import { PostgresWorlds } from '../../src/adapters/postgres/postgresWorlds.ts';
import { SqliteStore } from '../../src/adapters/sqlite/sqliteStore.ts';
import { SqliteWorlds } from '../../src/adapters/sqlite/sqliteWorlds.ts';
import type { LikesStore } from '../../src/ports/store.ts';
import { SNAPSHOT_NAME, type WorldStorage } from '../../src/ports/worldStorage.ts';
import { createDatabase, type TestDatabase } from '../support/postgres.ts';
import { app, project, tweet, user } from '../support/records.ts';

interface Harness {
  /** A new storage over the same place each call (as another process would have), with its default store. */
  storage(): Promise<{ worlds: WorldStorage; defaultStore: LikesStore }>;
  /** What is left in the storage of world `id` and its snapshots (schemas, files); [] once it is dropped. */
  leftovers(id: string): Promise<string[]>;
}

// Ids shaped as the service makes them: a sandbox id, and a template id.
const W = 'sbcontract01';
const W2 = 'sbcontract02';
const TPL = 'tpl_contract_1';
const GONE = 'sbnothing000';

/** Every id the suite writes anywhere, so that a dump also shows rows that must be absent. */
const USERS = ['u1', 'u2', 'u3', 'u4', 'u9'];
const TWEETS = ['t1', 't2', 't3', 't4', 't9'];
const META = ['k1', 'k2', 'k9'];
const TOKENS = ['tok1', 'tok9'];

const byId = <T extends { id: string }>(rows: T[]): T[] => [...rows].sort((x, y) => (x.id < y.id ? -1 : x.id > y.id ? 1 : 0));

/** A world's whole contents as the store's read methods show them. */
async function dump(store: LikesStore) {
  const all = { limit: 1000, direction: 'older' as const };
  const likesByUser: Record<string, unknown> = {};
  for (const id of USERS) likesByUser[id] = await store.likesByUser(id, all);
  const likesOfTweet: Record<string, unknown> = {};
  for (const id of TWEETS) likesOfTweet[id] = await store.likesOfTweet(id, all);
  const meta: Record<string, string | null> = {};
  for (const key of META) meta[key] = await store.getMeta(key);
  const tokens: Record<string, unknown> = {};
  for (const token of TOKENS) tokens[token] = await store.oauth1Token(token);
  return {
    empty: await store.isEmpty(),
    listed: (await store.listUsers(1000)).map((u) => u.id).sort(),
    users: byId(await store.usersByIds(USERS)),
    tweets: byId(await store.tweetsByIds(TWEETS)),
    likesByUser,
    likesOfTweet,
    projects: byId(await store.listProjects()),
    apps: byId(await store.listApps()),
    tokens,
    meta,
  };
}

/** The first contents: two users, three Tweets, likes, a Project and an App, a token, meta. */
async function fill(store: LikesStore, label: string): Promise<void> {
  await store.insertUsers([user('u1', { name: `${label} one` }), user('u2'), user('u3')]);
  await store.insertTweets([tweet('t1', 'u1'), tweet('t2', 'u2', { text: `${label} two` }), tweet('t3', 'u3')]);
  await store.insertLikes([
    { userId: 'u1', tweetId: 't2', likedAt: 1_700_000_000_000 },
    { userId: 'u2', tweetId: 't1', likedAt: 1_700_000_001_000 },
    { userId: 'u3', tweetId: 't1', likedAt: 1_700_000_002_000 },
  ]);
  await store.putProject(project('p1'));
  await store.putApp(app('a1', { projectId: 'p1', name: `${label} app` }));
  await store.putOAuth1Token({ token: 'tok1', appId: 'a1', userId: 'u1', secretSealed: 'sealed', permission: 'read-write' });
  await store.setMeta('k1', `${label} v1`);
  await store.setMeta('k2', 'v2');
}

/** Changes of every kind: rows added, removed and updated in place. */
async function change(store: LikesStore): Promise<void> {
  await store.insertUsers([user('u9'), user('u2', { name: 'renamed' })]);
  await store.insertTweets([tweet('t9', 'u9')]);
  assert.equal(await store.like('u9', 't1', 1_800_000_000_000), true);
  assert.equal(await store.unlike('u2', 't1', Date.now()), true);
  await store.setTweetDeleted('t3', true);
  await store.setUserFlags('u3', { protected: true });
  await store.putApp(app('a1', { projectId: 'p1', name: 'changed app', suspended: true }));
  await store.deleteOAuth1Token('tok1');
  await store.putOAuth1Token({ token: 'tok9', appId: 'a1', userId: 'u9', secretSealed: 'x', permission: 'read' });
  await store.setMeta('k1', 'changed');
  await store.deleteMeta('k2');
  await store.setMeta('k9', 'new');
}

function worldStorageContract(name: string, harness: () => Harness): void {
  describe(`WorldStorage contract: ${name}`, () => {
    let h: Harness;
    let worlds: WorldStorage;
    let defaultStore: LikesStore;
    const others: WorldStorage[] = [];

    before(async () => {
      h = harness();
      ({ worlds, defaultStore } = await h.storage());
    });

    after(async () => {
      for (const w of [worlds, ...others]) await w?.close();
    });

    it('has no worlds at first; open without create is null', async () => {
      assert.deepEqual(await worlds.list(), []);
      assert.equal(await worlds.exists(W), false);
      assert.equal(await worlds.open(W), null);
      assert.equal(await worlds.open(W, false), null);
      assert.deepEqual(await worlds.listSnapshots(W), []);
      // Still none after asking (a null open is not kept).
      assert.equal(await worlds.exists(W), false);
      assert.deepEqual(await worlds.list(), []);
    });

    it('open(create) makes an empty migrated world, kept: open again gives the same store', async () => {
      const store = await worlds.open(W, true);
      assert.ok(store);
      assert.equal(await store.isEmpty(), true);
      assert.equal(await worlds.exists(W), true);
      assert.deepEqual(await worlds.list(), [W]);
      assert.equal(await worlds.open(W), store);
      assert.equal(await worlds.open(W, true), store);
      // A world of its own: not the default store's contents.
      await defaultStore.setMeta('k1', 'default world');
      assert.equal(await store.getMeta('k1'), null);
      // Concurrent opens of a new world agree on one store.
      const [x, y] = await Promise.all([worlds.open(W2, true), worlds.open(W2, true)]);
      assert.ok(x);
      assert.equal(x, y);
      assert.deepEqual(await worlds.list(), [W, W2]);
    });

    it('restore replaces the contents exactly with the snapshot, as often as asked; a snapshot of a name is replaced', async () => {
      const store = (await worlds.open(W))!;
      await fill(store, 'w');
      const saved = await dump(store);
      assert.equal(saved.empty, false);
      await worlds.saveSnapshot(W, 'before');
      assert.deepEqual(await worlds.listSnapshots(W), ['before']);
      await worlds.saveSnapshot(W, 'first');
      assert.deepEqual(await worlds.listSnapshots(W), ['before', 'first']);

      await change(store);
      const changed = await dump(store);
      assert.notDeepEqual(changed, saved);

      assert.equal(await worlds.restore(W, W, 'before'), true);
      assert.deepEqual(await dump(store), saved, 'the restored world equals the snapshot');
      // The counters follow the rows: a like and an unlike after the restore count from the snapshot's numbers.
      assert.equal(await store.like('u1', 't1', 1_900_000_000_000), true);
      assert.equal((await store.tweetsByIds(['t1']))[0].likeCount, 3);
      assert.equal((await store.usersByIds(['u1']))[0].metrics.like_count, 2);
      // A snapshot is not used up by a restore.
      await change(store);
      assert.equal(await worlds.restore(W, W, 'before'), true);
      assert.deepEqual(await dump(store), saved);

      // Saving under the same name replaces it.
      await change(store);
      await worlds.saveSnapshot(W, 'before');
      assert.deepEqual(await worlds.listSnapshots(W), ['before', 'first']);
      await fill(store, 'again');
      assert.equal(await worlds.restore(W, W, 'before'), true);
      assert.deepEqual(await dump(store), changed, 'the replaced snapshot is the changed world');
      // Back to the first contents for what follows, saved as 'before' again.
      assert.equal(await worlds.restore(W, W, 'first'), true);
      assert.deepEqual(await dump(store), saved);
      await worlds.saveSnapshot(W, 'before');
    });

    it('lists snapshot names sorted, any name SNAPSHOT_NAME allows (the longest, upper case, - and _)', async () => {
      const long = `Z-${'x'.repeat(36)}_9`;
      assert.equal(long.length, 40);
      assert.ok(SNAPSHOT_NAME.test(long));
      const store = (await worlds.open(W))!;
      await worlds.saveSnapshot(W, long);
      await worlds.saveSnapshot(W, 'a_b-c');
      await worlds.saveSnapshot(W, '__seed');
      const names = await worlds.listSnapshots(W);
      assert.deepEqual([...names].sort(), ['__seed', 'a_b-c', 'before', 'first', long].sort());
      assert.deepEqual(names, [...names].sort(), 'sorted');
      const snapshotted = await dump(store);
      await change(store);
      assert.equal(await worlds.restore(W, W, long), true);
      assert.deepEqual(await dump(store), snapshotted);
      // Snapshots belong to their world.
      assert.deepEqual(await worlds.listSnapshots(W2), []);
      assert.deepEqual(await worlds.list(), [W, W2], 'snapshots are not worlds');
    });

    it('restore is false for a snapshot or a world that does not exist, and changes nothing', async () => {
      const store = (await worlds.open(W))!;
      const now = await dump(store);
      assert.equal(await worlds.restore(W, W, 'nothing'), false);
      assert.equal(await worlds.restore(W, GONE, 'before'), false);
      assert.equal(await worlds.restore(W, GONE, null), false);
      assert.equal(await worlds.restore(GONE, W, 'before'), false);
      assert.equal(await worlds.exists(GONE), false, 'restoring into a missing world does not make it');
      assert.deepEqual(await dump(store), now);
      await assert.rejects(worlds.saveSnapshot(GONE, 'x'));
      assert.equal(await worlds.exists(GONE), false);
    });

    it("restores from another world's live contents (a template) and from another world's snapshot", async () => {
      const tpl = (await worlds.open(TPL, true))!;
      await fill(tpl, 'template');
      const template = await dump(tpl);
      const target = (await worlds.open(W2))!;
      await target.setMeta('k9', 'was here');
      assert.equal(await worlds.restore(W2, TPL, null), true);
      assert.deepEqual(await dump(target), template);
      // The copy is the target's own: changing it leaves the template as it was, and the other way round.
      await change(target);
      assert.deepEqual(await dump(tpl), template);
      await tpl.setMeta('k2', 'template changed');
      assert.equal(await target.getMeta('k2'), null);
      assert.equal(await worlds.restore(W2, TPL, null), true);
      assert.equal(await target.getMeta('k2'), 'template changed');
      await tpl.setMeta('k2', 'v2');

      // Another world's snapshot.
      assert.equal(await worlds.restore(W2, W, 'before'), true);
      const w = (await worlds.open(W))!;
      await worlds.restore(W, W, 'before');
      assert.deepEqual(await dump(target), await dump(w));
      assert.deepEqual((await worlds.list()).sort(), [W, W2, TPL].sort());
    });

    it('release closes the store and keeps the world; open gives a new store over the same contents', async () => {
      const store = (await worlds.open(W2))!;
      const contents = await dump(store);
      await worlds.release(W2);
      await assert.rejects(store.getMeta('k1'), 'the released store is closed');
      assert.equal(await worlds.exists(W2), true);
      assert.ok((await worlds.list()).includes(W2));
      const again = (await worlds.open(W2))!;
      assert.notEqual(again, store);
      assert.deepEqual(await dump(again), contents);
      // Releasing a world that is not open, or does not exist, is nothing.
      await worlds.release(GONE);
      await worlds.release(W2);
      await worlds.release(W2);
      assert.equal(await worlds.exists(W2), true);
    });

    it('another storage over the same place sees the worlds, their contents and snapshots, and a drop there', async () => {
      const other = await h.storage();
      others.push(other.worlds);
      assert.deepEqual((await other.worlds.list()).sort(), [W, W2, TPL].sort());
      const mine = (await worlds.open(W))!;
      const theirs = (await other.worlds.open(W))!;
      assert.deepEqual(await dump(theirs), await dump(mine));
      assert.deepEqual(await other.worlds.listSnapshots(W), await worlds.listSnapshots(W));
      // A snapshot saved here restores there.
      await mine.setMeta('k9', 'shared snapshot');
      await worlds.saveSnapshot(W, 'shared');
      await theirs.setMeta('k9', 'overwritten');
      assert.equal(await other.worlds.restore(W, W, 'shared'), true);
      assert.equal(await mine.getMeta('k9'), 'shared snapshot');

      // Dropped there: gone here too (exists is asked afresh), though this storage still had it open.
      assert.ok(await worlds.open(W2));
      await other.worlds.drop(W2);
      assert.equal(await other.worlds.exists(W2), false);
      assert.equal(await worlds.exists(W2), false);
      assert.ok(!(await worlds.list()).includes(W2));
      assert.deepEqual(await h.leftovers(W2), []);
      await worlds.release(W2);
      assert.equal(await worlds.open(W2), null);
    });

    it('drop removes the world and every snapshot of it, and leaves the others', async () => {
      assert.ok((await worlds.listSnapshots(W)).length >= 4);
      assert.notDeepEqual(await h.leftovers(W), []);
      const tplBefore = await dump((await worlds.open(TPL))!);
      const store = (await worlds.open(W))!;
      await worlds.drop(W);
      await assert.rejects(store.getMeta('k1'), 'the dropped store is closed');
      assert.equal(await worlds.exists(W), false);
      assert.equal(await worlds.open(W), null);
      assert.deepEqual(await worlds.listSnapshots(W), []);
      assert.deepEqual(await worlds.list(), [TPL]);
      assert.deepEqual(await h.leftovers(W), [], 'nothing of it is left in the storage');
      assert.deepEqual(await dump((await worlds.open(TPL))!), tplBefore);
      // Dropping again, or a world that never was, is nothing.
      await worlds.drop(W);
      await worlds.drop(GONE);

      // Made again under the same id: a new, empty world without the old snapshots.
      const fresh = (await worlds.open(W, true))!;
      assert.equal(await fresh.isEmpty(), true);
      assert.equal(await fresh.getMeta('k1'), null);
      assert.deepEqual(await worlds.listSnapshots(W), []);
      assert.equal(await worlds.restore(W, W, 'before'), false);
      await worlds.drop(W);
    });

    it('the default world is the default store: snapshots and restores, never listed, never dropped', async () => {
      assert.equal(await worlds.open('default'), defaultStore);
      await defaultStore.insertUsers([user('u1'), user('u4')]);
      await defaultStore.setMeta('k1', 'default snapshot');
      const saved = await dump(defaultStore);
      await worlds.saveSnapshot('default', 'd1');
      assert.deepEqual(await worlds.listSnapshots('default'), ['d1']);
      await defaultStore.insertUsers([user('u9')]);
      await defaultStore.setMeta('k1', 'after');
      assert.equal(await worlds.restore('default', 'default', 'd1'), true);
      assert.deepEqual(await dump(defaultStore), saved);
      assert.ok(!(await worlds.list()).includes('default'));
      await assert.rejects(worlds.drop('default'));
      // Releasing the default world does not close the default store.
      await worlds.release('default');
      assert.equal(await defaultStore.getMeta('k1'), 'default snapshot');
      // A sandbox made from the default world's snapshot.
      const copy = (await worlds.open(W, true))!;
      assert.equal(await worlds.restore(W, 'default', 'd1'), true);
      assert.deepEqual(await dump(copy), saved);
      await worlds.drop(W);
    });

    it('close closes every store it opened but the default one', async () => {
      const other = await h.storage();
      const store = (await other.worlds.open(TPL))!;
      await other.worlds.close();
      await assert.rejects(store.getMeta('k1'));
      assert.equal(await other.defaultStore.getMeta('k1'), 'default snapshot', 'the default store stays open');
      await other.defaultStore.close();
      // The world is still stored.
      assert.equal(await worlds.exists(TPL), true);
    });
  });
}

// ---- SQLite: a temporary data directory ----

const dir = mkdtempSync(join(tmpdir(), 'likes-worlds-contract-'));
const sqliteDefaults: SqliteStore[] = [];
after(async () => {
  for (const s of sqliteDefaults) await s.close();
  rmSync(dir, { recursive: true, force: true });
});

worldStorageContract('SqliteWorlds', () => ({
  async storage() {
    const file = join(dir, 'likes.db');
    const defaultStore = new SqliteStore(file);
    await defaultStore.migrate();
    sqliteDefaults.push(defaultStore);
    return { worlds: new SqliteWorlds(dir, file, defaultStore), defaultStore };
  },
  async leftovers(id) {
    const path = join(dir, 'sandboxes', id);
    return existsSync(path) ? [path] : [];
  },
}));

// ---- PostgreSQL: a fresh database (with an ICU locale where the server has one: names must list in byte order) ----

let database: Promise<TestDatabase> | undefined;
const db = () => (database ??= createDatabase('worlds', { icuLocale: 'en-US' }));
const pgDefaults: PostgresStore[] = [];
after(async () => {
  for (const s of pgDefaults) await s.close();
  const made = await database?.catch(() => undefined);
  await made?.drop();
});

worldStorageContract('PostgresWorlds', () => ({
  async storage() {
    const { url } = await db();
    const defaultStore = new PostgresStore(url, { max: 2 });
    await defaultStore.migrate();
    pgDefaults.push(defaultStore);
    return { worlds: new PostgresWorlds(url, defaultStore), defaultStore };
  },
  async leftovers(id) {
    const rows = await (await db()).query<{ nspname: string }>('SELECT nspname FROM pg_namespace WHERE left(nspname, $1) = $2 ORDER BY nspname', [
      `likes_${id}`.length,
      `likes_${id}`,
    ]);
    return rows.map((r) => r.nspname);
  },
}));

// Instances starting together on one database make the same template and save the same seed snapshot at once.
describe('PostgresWorlds: two storages (instances) at once on one database', () => {
  it('make one world and one snapshot of one name without tripping over each other', async () => {
    const { url } = await db();
    const stores = [new PostgresStore(url, { max: 2 }), new PostgresStore(url, { max: 2 })];
    for (const s of stores) await s.migrate();
    pgDefaults.push(...stores);
    const [a, b] = stores.map((s) => new PostgresWorlds(url, s));
    try {
      for (let round = 0; round < 3; round++) {
        const id = `tpl_race_${round}`;
        const opened = await Promise.all([a.open(id, true), b.open(id, true)]);
        assert.ok(opened.every((s) => s !== null));
        await Promise.all([a.saveSnapshot('default', `race${round}`), b.saveSnapshot('default', `race${round}`)]);
        assert.ok((await a.listSnapshots('default')).includes(`race${round}`));
        assert.ok(await b.restore('default', 'default', `race${round}`));
      }
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });
});
