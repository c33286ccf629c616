// Importing and exporting X archive likes (src/domain/archive) against real stores: SQLite in memory and PostgreSQL
// in a database of its own (dropped after). The same assertions for both: Tweets the store lacks are created under
// one placeholder author, likes keep the archive's order, a re-import changes nothing, and an export reads back as
// the same likes.
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { after, describe, it } from 'node:test';
import { PostgresStore } from '../../src/adapters/postgres/postgresStore.ts';
import { exportLikes } from '../../src/domain/archive/exportLikes.ts';
import { ARCHIVE_AUTHOR_USERNAME, MISSING_TEXT, importLikes } from '../../src/domain/archive/importLikes.ts';
import { formatEntry, parseLikeArchive, type ArchiveEntry, type ArchiveLike } from '../../src/domain/archive/likeArchive.ts';
import { SnowflakeIds } from '../../src/domain/ids.ts';
import type { LikesStore } from '../../src/ports/store.ts';
import { ManualClock } from '../support/clock.ts';
import { memoryStore } from '../support/memoryStore.ts';
import { createDatabase, type TestDatabase } from '../support/postgres.ts';
import { tweet, user } from '../support/records.ts';

const archiveOf = (likes: readonly ArchiveLike[]) => `window.YTD.like.part0 = [\n${likes.map(formatEntry).join(',\n')}\n]`;
const entriesOf = (text: string, chunk = 7) =>
  parseLikeArchive(Readable.from(Array.from({ length: Math.ceil(text.length / chunk) }, (_, i) => Buffer.from(text.slice(i * chunk, (i + 1) * chunk)))));

async function collect(gen: AsyncIterable<string>): Promise<string> {
  let text = '';
  for await (const piece of gen) text += piece;
  return text;
}

async function parsedLikes(text: string): Promise<ArchiveEntry[]> {
  const out: ArchiveEntry[] = [];
  for await (const batch of parseLikeArchive(Readable.from([text]))) out.push(...batch);
  return out;
}

/** All of a user's likes newest first, walked page by page. */
async function allLikes(store: LikesStore, userId: string) {
  return store.likesByUser(userId, { limit: 1000, direction: 'older' });
}

function archiveSuite(name: string, open: () => Promise<{ store: LikesStore; close(): Promise<void> }>) {
  describe(`X archive likes: ${name}`, () => {
    let opened: { store: LikesStore; close(): Promise<void> } | undefined;
    const ready = async () => (opened ??= await open()).store;
    after(async () => opened?.close());

    it('creates the missing Tweets under one placeholder author, likes them in the archive order, and re-imports idempotently', async () => {
      const store = await ready();
      await store.insertUsers([user('9100'), user('9101')]);
      await store.insertTweets([tweet('1790000000000000002', '9101', { text: 'already here' })]);
      await store.like('9100', '1790000000000000002', 1);
      const likes: ArchiveLike[] = [
        { tweetId: '1790000000000000001', fullText: 'newest "quoted" 😀', expandedUrl: 'https://twitter.com/i/web/status/1790000000000000001' },
        { tweetId: '1790000000000000002', fullText: 'archive text of an existing Tweet' },
        { tweetId: '20', expandedUrl: 'https://twitter.com/i/web/status/20' },
        { tweetId: '1790000000000000001' },
      ];
      const text = archiveOf(likes).replace('},\n  {\n    "like" : {\n      "tweetId" : "20"', '},\n  { "like" : { "tweetId" : 5 } },\n  {\n    "like" : {\n      "tweetId" : "20"');
      const clock = new ManualClock(Date.UTC(2026, 5, 1));
      const ids = new SnowflakeIds(clock, 1);
      const progress: number[] = [];
      const report = await importLikes(store, clock, { userId: '9100', rows: entriesOf(text), ids, batchSize: 2, onProgress: (p) => progress.push(p.entries) });
      const author = (await store.usersByUsernames([ARCHIVE_AUTHOR_USERNAME]))[0];
      assert.ok(author);
      assert.deepEqual(report, {
        userId: '9100',
        author: { id: author.id, username: ARCHIVE_AUTHOR_USERNAME },
        entries: 5,
        imported: 2,
        alreadyLiked: 2,
        tweetsCreated: 2,
        skippedCount: 1,
        skipped: [{ index: 2, line: 15, tweetId: '5', reason: 'tweetId is not a string of digits' }],
      });
      assert.ok(progress.length >= 2 && progress.at(-1) === 5);

      const tweets = new Map((await store.tweetsByIds(['1790000000000000001', '1790000000000000002', '20'])).map((t) => [t.id, t]));
      assert.equal(tweets.get('1790000000000000001')!.text, 'newest "quoted" 😀');
      assert.equal(tweets.get('1790000000000000001')!.authorId, author.id);
      assert.equal(tweets.get('20')!.text, MISSING_TEXT);
      assert.equal(tweets.get('1790000000000000002')!.text, 'already here', 'an existing Tweet is left as it is');
      assert.equal(tweets.get('1790000000000000002')!.authorId, '9101');

      const start = Date.UTC(2026, 5, 1);
      assert.deepEqual((await allLikes(store, '9100')).map((l) => [l.tweetId, l.likedAt]), [
        ['1790000000000000001', start],
        ['20', start - 3],
        ['1790000000000000002', 1],
      ]);
      const [liker] = await store.usersByIds(['9100']);
      assert.equal(liker.metrics.like_count, 3);

      clock.advance(60_000);
      const again = await importLikes(store, clock, { userId: '9100', rows: entriesOf(text, 3), ids });
      assert.deepEqual({ ...again, skipped: again.skipped.length }, { ...report, imported: 0, alreadyLiked: 4, tweetsCreated: 0, skipped: 1 });
      assert.deepEqual((await allLikes(store, '9100')).map((l) => [l.tweetId, l.likedAt]), [
        ['1790000000000000001', start],
        ['20', start - 3],
        ['1790000000000000002', 1],
      ]);
      assert.equal((await store.usersByIds(['9100']))[0].metrics.like_count, 3);
      assert.equal((await store.tweetsByIds(['1790000000000000001']))[0].likeCount, 1);

      // Another user's import reuses the same placeholder author.
      const other = await importLikes(store, clock, { userId: '9101', rows: entriesOf(archiveOf([{ tweetId: '21' }])), ids });
      assert.equal(other.author.id, author.id);
      assert.equal((await store.usersByUsernames([ARCHIVE_AUTHOR_USERNAME])).length, 1);
    });

    it('refuses an unknown user before writing anything', async () => {
      const store = await ready();
      const clock = new ManualClock();
      await assert.rejects(importLikes(store, clock, { userId: '9199', rows: entriesOf(archiveOf([{ tweetId: '22' }])), ids: new SnowflakeIds(clock, 1) }), /no user with id 9199/);
      assert.deepEqual(await store.tweetsByIds(['22']), []);
    });

    it('exports likes page by page in the format the parser reads back, newest first', async () => {
      const store = await ready();
      await store.insertUsers([user('9200'), user('9201')]);
      const clock = new ManualClock(Date.UTC(2026, 6, 1));
      const idOf = (i: number) => String(1790000000000001000n + BigInt(i * 7));
      const likes: ArchiveLike[] = Array.from({ length: 7 }, (_, i) => ({
        tweetId: idOf(i),
        ...(i === 3 ? {} : { fullText: `like ${i} \\ "q" \u2028 ✓` }),
        expandedUrl: `https://twitter.com/i/web/status/${idOf(i)}`,
      }));
      await importLikes(store, clock, { userId: '9200', rows: entriesOf(archiveOf(likes)), ids: new SnowflakeIds(clock, 1) });
      // A Tweet deleted since loses its text in the export, as in X's archives.
      await store.setTweetDeleted(likes[5].tweetId, true);
      const pages: number[] = [];
      const text = await collect(exportLikes(store, '9200', { pageSize: 3, onProgress: (n) => pages.push(n) }));
      assert.deepEqual(pages, [3, 6, 7]);
      assert.match(text, /^window\.YTD\.like\.part0 = \[\n  \{\n    "like" : \{\n      "tweetId" : "/);
      const back = await parsedLikes(text);
      assert.deepEqual(back.map((e) => (e.kind === 'like' ? e.like : e)), likes.map((l, i) => (i === 5 ? { tweetId: l.tweetId, expandedUrl: l.expandedUrl } : l)));
      // Importing the export into another user gives the same likes in the same order.
      const report = await importLikes(store, clock, { userId: '9201', rows: entriesOf(text), ids: new SnowflakeIds(clock, 1) });
      assert.equal(report.imported, 7);
      assert.equal(report.tweetsCreated, 0);
      assert.deepEqual((await allLikes(store, '9201')).map((l) => l.tweetId), likes.map((l) => l.tweetId));
      assert.equal(await collect(exportLikes(store, '9299')), 'window.YTD.like.part0 = [ ]\n');
      assert.deepEqual(await parsedLikes('window.YTD.like.part0 = [ ]\n'), []);
    });
  });
}

archiveSuite('SqliteStore', async () => {
  const store = await memoryStore();
  return { store, close: () => store.close() };
});

let database: TestDatabase | undefined;
after(async () => database?.drop());
archiveSuite('PostgresStore', async () => {
  database = await createDatabase('archive');
  const store = new PostgresStore(database.url, { max: 3 });
  await store.migrate();
  return { store, close: () => store.close() };
});
