// The LikesStore contract: one suite, run against every adapter (store.sqlite.test.ts, store.postgres.test.ts, ...).
// Every adapter must pass the SAME assertions: the HTTP layer serves whatever the store returns, so a difference
// between stores is a difference in the bytes X clients receive. When they differ, fix the adapter, not this file.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type {
  BearerRecord, LikeRow, MediaRecord, OAuth1TokenRecord, PlaceRecord, PollRecord,
} from '../../src/domain/model.ts';
import { TWEET_ATTRIBUTES, USER_ATTRIBUTES } from '../../src/ports/contentStore.ts';
import { Prng } from '../../src/demo/prng.ts';
import type { KeysetPage, LikeKey, LikesStore } from '../../src/ports/store.ts';
import { openedStores, type OpenedStore } from '../support/openedStores.ts';
import { app, developer, project, tweet, user } from '../support/records.ts';

/**
 * Text for the written columns (WrittenTweetCore): every character JSON escapes or might (each control character but
 * NUL, which PostgreSQL text cannot hold; quote, backslash, slash, DEL, U+2028/9), a lone surrogate, non-ASCII.
 */
const HOSTILE_TEXT = [
  ...Array.from({ length: 31 }, (_, i) => String.fromCharCode(i + 1)),
  '"\\/\u007f\u2028\u2029 \ud800 é 🦜 “quotes” <b>&amp;',
].join('');

export type { OpenedStore } from '../support/openedStores.ts';

/**
 * Sets of attributes to read: none, each alone, pairs, all but one, all; more sets than a store keeps statements
 * for (perLayout), then the first ones again.
 */
function attributeSets<A>(all: readonly A[]): (readonly A[])[] {
  return [
    [], ...all.map((a) => [a]), ...all.map((a, i) => [a, all[(i + 5) % all.length]]), ...all.map((a) => all.filter((b) => b !== a)),
    all, [], all.slice(0, 1),
  ];
}

/** `read` has the `core` members and the `asked` attributes of `whole`, and every other member undefined. */
function assertReadAsAsked<R extends object>(read: R | null, whole: R | null, core: readonly string[], asked: readonly unknown[], why: string): void {
  if (whole === null) return assert.equal(read, null, why);
  for (const [key, value] of Object.entries(whole)) {
    const expected: unknown = core.includes(key) || asked.includes(key) ? value : undefined;
    assert.deepEqual((read as Record<string, unknown> | null)?.[key], expected, `${why}: ${key}`);
  }
}

/**
 * Runs the contract against one adapter.
 *
 * `open()` must return a NEW, not yet migrated store instance on the same storage every time it is called (the same
 * SQLite file, the same PostgreSQL database), and that storage must be empty before the first call: the suite
 * opens several instances at once to check concurrent migrations and cross-instance races, and then runs every
 * other test against one shared, migrated instance (each test uses its own ids).
 */
export function storeContract(name: string, open: () => Promise<OpenedStore>): void {
  describe(`LikesStore contract: ${name}`, () => {
    const { openStore, closeStore, ready, share } = openedStores(open);

    describe('migrations', () => {
      it('migrates a fresh storage from 3 instances at once', async () => {
        const stores = await Promise.all([openStore(), openStore(), openStore()]);
        await Promise.all(stores.map((s) => s.migrate()));
        for (const s of stores) assert.equal(await s.isEmpty(), true);
        // All three see one and the same schema and data.
        await stores[0].setMeta('contract.migrations', 'one');
        assert.equal(await stores[1].getMeta('contract.migrations'), 'one');
        assert.equal(await stores[2].getMeta('contract.migrations'), 'one');
        share(stores[0]);
        await closeStore(stores[1]);
        await closeStore(stores[2]);
      });

      it('migrating again is a no-op that keeps the data', async () => {
        const store = await ready();
        await store.insertUsers([user('m1')]);
        await store.migrate();
        await store.migrate();
        const again = await openStore();
        await again.migrate();
        assert.equal(await again.isEmpty(), false);
        assert.deepEqual(await again.usersByIds(['m1']), [user('m1')]);
        await closeStore(again);
        assert.equal(await store.isEmpty(), false);
        assert.equal(await store.getMeta('contract.migrations'), 'one');
      });

      it('reports its kind', async () => {
        const store = await ready();
        assert.equal(typeof store.kind, 'string');
        assert.ok(store.kind.length > 0);
      });
    });

    describe('users, tweets, media, polls, places', () => {
      it('inserts users and looks them up by id; unknown ids are absent', async () => {
        const store = await ready();
        const a = user('1001', {
          username: 'Contract_Alice', location: 'Paris, France', url: 'https://t.co/abc', verified: true,
          pinnedTweetId: '2001', description: 'Emoji 🦜 and “quotes” & <tags>',
          metrics: { followers_count: 5_000_000_000, following_count: 7, tweet_count: 123_456, listed_count: 3, like_count: 0 },
        });
        const b = user('1002', { protected: true, suspended: true, createdAt: 1_199_145_600_000 });
        await store.insertUsers([a, b]);
        assert.deepEqual(sortById(await store.usersByIds(['1002', '1001'])), [a, b]);
        assert.deepEqual(await store.usersByIds(['1001', 'nope', '1001']), [a]);
        assert.deepEqual(await store.usersByIds(['nope']), []);
        assert.deepEqual(await store.usersByIds([]), []);
      });

      it('looks users up by username case-insensitively (ASCII folding only)', async () => {
        const store = await ready();
        const a = user('1101', { username: 'CamelCase_Bob' });
        const b = user('1102', { username: 'Émile_x' });
        await store.insertUsers([a, b]);
        assert.deepEqual(await store.usersByUsernames(['camelcase_bob']), [a]);
        assert.deepEqual(await store.usersByUsernames(['CAMELCASE_BOB', 'nobody_here']), [a]);
        assert.deepEqual(await store.usersByUsernames(['Émile_X']), [b]);
        assert.deepEqual(await store.usersByUsernames(['émile_x']), []); // É and é are not ASCII: not folded
        assert.deepEqual(await store.usersByUsernames([]), []);
      });

      it('re-inserting a user updates it in place; in one batch the rows apply in order', async () => {
        const store = await ready();
        await store.insertUsers([user('1201', { username: 'c12_taken' })]);
        // Its own username in another case is no clash.
        const renamed = user('1201', { username: 'C12_Taken', name: 'Renamed', verified: true });
        await store.insertUsers([renamed]);
        assert.deepEqual(await store.usersByIds(['1201']), [renamed]);
        assert.deepEqual(await store.usersByUsernames(['c12_taken']), [renamed]);
        // The same id twice in one batch: the last row wins, and the username the first row took is free again.
        const last = user('1201', { username: 'c12_last', name: 'Last' });
        await store.insertUsers([user('1201', { username: 'c12_first' }), user('1202', { username: 'c12_second' }), last]);
        assert.deepEqual(sortById(await store.usersByIds(['1201', '1202'])), [last, user('1202', { username: 'c12_second' })]);
        assert.deepEqual(await store.usersByUsernames(['c12_first', 'c12_taken']), []);
      });

      it('insertUsers rejects a username held by another user, writes nothing of the batch and deletes nobody', async () => {
        const store = await ready();
        const a = user('1211', { username: 'c12_holder' });
        const b = user('1212', { username: 'c12_other' });
        await store.insertUsers([a, b]);
        // A new id taking an existing username (ASCII case folded).
        await assert.rejects(store.insertUsers([user('1213', { username: 'C12_HOLDER' })]));
        // An existing user taking another's username; the batch's earlier rows are not written either.
        await assert.rejects(store.insertUsers([user('1214', { username: 'c12_fresh' }), { ...b, username: 'c12_Holder', name: 'Changed' }]));
        // Two new ids sharing a username in one batch.
        await assert.rejects(store.insertUsers([user('1215', { username: 'c12_twin' }), user('1216', { username: 'C12_TWIN' })]));
        // Swapping two usernames in one batch: the rows apply in order, so the first one already clashes.
        await assert.rejects(store.insertUsers([{ ...a, username: 'c12_other' }, { ...b, username: 'c12_holder' }]));
        // Both users intact, nothing else written.
        assert.deepEqual(sortById(await store.usersByIds(['1211', '1212', '1213', '1214', '1215', '1216'])), [a, b]);
        assert.deepEqual(await store.usersByUsernames(['c12_holder']), [a]);
        assert.deepEqual(await store.usersByUsernames(['c12_other', 'c12_fresh', 'c12_twin']), [b]);

        // A username released by an earlier row of the same batch can be taken by a later one.
        const a2 = { ...a, username: 'c12_moved' };
        const c = user('1213', { username: 'C12_Holder' });
        await store.insertUsers([a2, c]);
        assert.deepEqual(sortById(await store.usersByIds(['1211', '1213'])), [a2, c]);
        // ... also when the releasing id comes back later in the batch.
        const a3 = { ...a, username: 'c12_final' };
        const d = user('1217', { username: 'c12_moved' });
        await store.insertUsers([{ ...a, username: 'c12_interim' }, d, a3]);
        assert.deepEqual(sortById(await store.usersByIds(['1211', '1217'])), [a3, d]);
        assert.deepEqual(await store.usersByUsernames(['c12_interim']), []);
      });

      it('inserts tweets and returns them exactly, JSON parts byte for byte', async () => {
        const store = await ready();
        await store.insertUsers([user('1301')]);
        const full = tweet('2001', '1301', {
          text: 'Full tweet with @mention #tag https://t.co/x 🦜 — “quotes” & <b>',
          inReplyToUserId: '1002',
          conversationId: '1999',
          referencedTweets: [{ type: 'replied_to', id: '1999' }, { type: 'quoted', id: '1998' }],
          mediaKeys: ['3_2001', '7_2001'],
          pollIds: ['4001'],
          placeId: 'pl2001',
          // Keys deliberately not in alphabetical order: the stored JSON must come back as written.
          entities: {
            urls: [{ start: 40, end: 63, url: 'https://t.co/x', expanded_url: 'https://example.com/a?b=c', display_url: 'example.com/a?b=c' }],
            mentions: [{ start: 17, end: 25, username: 'mention', id: '1301' }],
            hashtags: [{ start: 26, end: 30, tag: 'tag' }],
          },
          possiblySensitive: true,
          replySettings: 'mentionedUsers',
          retweetCount: 12,
          replyCount: 34,
          quoteCount: 56,
          impressionCount: 9_876_543_210,
          bookmarkCount: 78,
        });
        const bare = tweet('2002', '1301');
        await store.insertTweets([full, bare]);
        const got = sortById(await store.tweetsByIds(['2002', '2001', 'nope']));
        assert.deepEqual(got, [full, bare]);
        assert.equal(JSON.stringify(got[0]), JSON.stringify(full));
        assert.equal(JSON.stringify(got[1]), JSON.stringify(bare));
        assert.deepEqual(await store.tweetsByIds(['nope']), []);
        assert.deepEqual(await store.tweetsByIds([]), []);
      });

      it('re-inserting tweets updates them; in one batch the last one wins', async () => {
        const store = await ready();
        await store.insertTweets([tweet('2101', '1301', { text: 'first' })]);
        await store.insertTweets([tweet('2101', '1301', { text: 'second' }), tweet('2102', '1301', { text: 'a' }), tweet('2101', '1301', { text: 'third' })]);
        const got = sortById(await store.tweetsByIds(['2101', '2102']));
        assert.deepEqual(got.map((t) => t.text), ['third', 'a']);
      });

      it('inserts media, polls and places and looks them up; unknown keys are absent', async () => {
        const store = await ready();
        const photo: MediaRecord = {
          mediaKey: '3_2001', type: 'photo', url: 'https://pbs.example/media/a.jpg', previewImageUrl: null, width: 1200,
          height: 675, altText: 'A parrot 🦜', durationMs: null, viewCount: null,
        };
        const video: MediaRecord = {
          mediaKey: '7_2001', type: 'video', url: null, previewImageUrl: 'https://pbs.example/preview.jpg', width: 1920,
          height: 1080, altText: null, durationMs: 12_345, viewCount: 3_000_000_000,
        };
        await store.insertMedia([photo, video]);
        assert.deepEqual(sortBy(await store.mediaByKeys(['7_2001', '3_2001', 'x_1']), (m) => m.mediaKey), [photo, video]);
        assert.deepEqual(await store.mediaByKeys(['x_1']), []);

        const poll: PollRecord = {
          id: '4001',
          options: [{ position: 1, label: 'Yes ✅', votes: 10 }, { position: 2, label: 'No', votes: 0 }],
          durationMinutes: 1440,
          endAt: 1_700_000_000_000,
        };
        await store.insertPolls([poll]);
        assert.deepEqual(await store.pollsByIds(['4001', '4002']), [poll]);
        assert.equal(JSON.stringify((await store.pollsByIds(['4001']))[0]), JSON.stringify(poll));

        const place: PlaceRecord = {
          id: 'pl2001', fullName: 'Manhattan, NY', name: 'Manhattan', country: 'United States', countryCode: 'US',
          placeType: 'city', bbox: [-74.026675, 40.683935, -73.910408, 40.877483],
        };
        await store.insertPlaces([place]);
        assert.deepEqual(await store.placesByIds(['pl2001', 'pl0']), [place]);
        assert.deepEqual(await store.placesByIds([]), []);
        assert.deepEqual(await store.mediaByKeys([]), []);
        assert.deepEqual(await store.pollsByIds([]), []);
      });

      it('setTweetDeleted and setUserFlags change only what they name', async () => {
        const store = await ready();
        await store.insertUsers([user('1401')]);
        await store.insertTweets([tweet('2401', '1401')]);
        await store.setTweetDeleted('2401', true);
        assert.equal((await store.tweetsByIds(['2401']))[0].deleted, true);
        await store.setTweetDeleted('2401', false);
        assert.deepEqual(await store.tweetsByIds(['2401']), [tweet('2401', '1401')]);

        const flags = async () => {
          const [u] = await store.usersByIds(['1401']);
          return { protected: u.protected, suspended: u.suspended };
        };
        await store.setUserFlags('1401', { protected: true });
        assert.deepEqual(await flags(), { protected: true, suspended: false });
        await store.setUserFlags('1401', { suspended: true });
        assert.deepEqual(await flags(), { protected: true, suspended: true });
        await store.setUserFlags('1401', { protected: false });
        assert.deepEqual(await flags(), { protected: false, suspended: true });
        await store.setUserFlags('1401', {});
        assert.deepEqual(await flags(), { protected: false, suspended: true });
        await store.setUserFlags('1401', { protected: false, suspended: false });
        assert.deepEqual(await store.usersByIds(['1401']), [user('1401')]);
        // Unknown ids are ignored.
        await store.setTweetDeleted('nope', true);
        await store.setUserFlags('nope', { protected: true });
      });

      it('listUsers lists the newest (numerically largest) ids first, at most `limit`', async () => {
        const store = await ready();
        // Longer than any other id in this suite, so these four are the newest of the shared store.
        const ids = ['1' + '0'.repeat(39), '2' + '0'.repeat(39), '9'.repeat(39), '1' + '0'.repeat(40)];
        await store.insertUsers(ids.map((id) => user(id)));
        const top = await store.listUsers(4);
        assert.deepEqual(top.map((u) => u.id), [ids[3], ids[1], ids[0], ids[2]]);
        assert.deepEqual(top[0], user(ids[3]));
        assert.deepEqual((await store.listUsers(2)).map((u) => u.id), [ids[3], ids[1]]);
        assert.deepEqual(await store.listUsers(0), []);
        const all = await store.listUsers(10_000);
        assert.ok(all.length >= 8);
        for (let i = 1; i < all.length; i++) {
          const [a, b] = [all[i - 1].id, all[i].id];
          assert.ok(a.length > b.length || (a.length === b.length && byteOrder(a, b) > 0), `${a} before ${b}`);
        }
      });
    });

    describe('likes', () => {
      it('like/unlike are idempotent and keep both like_counts equal to the rows', async () => {
        const store = await ready();
        await store.insertUsers([user('5001'), user('5002')]);
        await store.insertTweets([tweet('6001', '5002'), tweet('6002', '5002')]);

        assert.equal(await store.like('5001', '6001', 1_000), true);
        assert.equal(await store.like('5001', '6001', 2_000), false);
        assert.equal(await store.like('5001', '6002', 1_500), true);
        assert.equal(await store.like('5002', '6001', 1_700), true);
        await expectCounts(store, { '6001': 2, '6002': 1 }, { '5001': 2, '5002': 1 });
        // The first like's time is kept.
        assert.deepEqual(await store.likesByUser('5001', { limit: 10, direction: 'older' }), [
          { userId: '5001', tweetId: '6002', likedAt: 1_500 },
          { userId: '5001', tweetId: '6001', likedAt: 1_000 },
        ]);

        assert.equal(await store.unlike('5001', '6001', Date.now()), true);
        assert.equal(await store.unlike('5001', '6001', Date.now()), false);
        assert.equal(await store.unlike('5001', 'never-liked', Date.now()), false);
        await expectCounts(store, { '6001': 1, '6002': 1 }, { '5001': 1, '5002': 1 });
        assert.equal(await store.unlike('5001', '6002', Date.now()), true);
        assert.equal(await store.unlike('5002', '6001', Date.now()), true);
        await expectCounts(store, { '6001': 0, '6002': 0 }, { '5001': 0, '5002': 0 });
        assert.equal(await store.like('5001', '6001', 3_000), true);
        await expectCounts(store, { '6001': 1, '6002': 0 }, { '5001': 1, '5002': 0 });
        assert.deepEqual(await store.likesOfTweet('6001', { limit: 10, direction: 'older' }), [
          { userId: '5001', tweetId: '6001', likedAt: 3_000 },
        ]);
      });

      it('likedTweetsByUser walks like likesByUser, each like with its Tweet and the author\'s visibility', async () => {
        const store = await ready();
        await store.insertUsers([user('9301'), user('9302', { protected: true }), user('9303', { suspended: true })]);
        await store.insertTweets([
          tweet('9401', '9302'),
          tweet('9402', '9303', { deleted: true }),
          tweet('9403', '9304'), // its author does not exist
        ]);
        await store.insertLikes([
          { userId: '9301', tweetId: '9401', likedAt: 10 },
          { userId: '9301', tweetId: '9402', likedAt: 20 },
          { userId: '9301', tweetId: '9403', likedAt: 30 },
          { userId: '9301', tweetId: '9499', likedAt: 40 }, // no such Tweet
        ]);
        for (const page of [
          { limit: 10, direction: 'older' as const },
          { limit: 2, direction: 'older' as const, from: { likedAt: 30, id: '9403' } },
          { limit: 2, direction: 'newer' as const, from: { likedAt: 10, id: '9401' } },
          { limit: 10, direction: 'older' as const, newest: 2 },
        ]) {
          const { owner, rows } = await store.likedTweetsByUser('9301', page);
          assert.deepEqual(owner, await store.accountFlags('9301'));
          assert.deepEqual(rows.map((r) => r.like), await store.likesByUser('9301', page));
          const tweets = new Map((await store.tweetsByIds(rows.map((r) => r.like.tweetId))).map((t) => [t.id, t]));
          for (const r of rows) assert.deepEqual(r.tweet, tweets.get(r.like.tweetId) ?? null);
        }
        const { rows } = await store.likedTweetsByUser('9301', { limit: 10, direction: 'older' });
        assert.deepEqual(
          rows.map((r) => [r.like.tweetId, r.tweet?.deleted ?? null, r.author]),
          [
            ['9499', null, null],
            ['9403', false, null],
            ['9402', true, { id: '9303', protected: false, suspended: true }],
            ['9401', false, { id: '9302', protected: true, suspended: false }],
          ],
        );
      });

      it('likedTweetsByUser and tweetsByIds read each Tweet\'s core and the attributes asked, the others left undefined', async () => {
        const store = await ready();
        await store.insertUsers([user('9321'), user('9322')]);
        // Every attribute away from newTweet's defaults, so that a value read from the wrong column shows.
        const rich = tweet('9421', '9322', {
          createdAt: 1_650_000_000_123, lang: 'de', source: 'Rich Client', conversationId: '9420', inReplyToUserId: '9321',
          referencedTweets: [{ type: 'replied_to', id: '9420' }], mediaKeys: ['3_9421'], pollIds: ['9421001'], placeId: 'pl9421',
          entities: { hashtags: [{ start: 0, end: 5, tag: 'rich' }] }, possiblySensitive: true, replySettings: 'following',
          retweetCount: 11, replyCount: 12, quoteCount: 13, impressionCount: 14, bookmarkCount: 15,
        });
        await store.insertTweets([rich, tweet('9422', '9322')]);
        await store.insertLikes([
          { userId: '9321', tweetId: '9421', likedAt: 10 },
          { userId: '9321', tweetId: '9422', likedAt: 20 },
          { userId: '9321', tweetId: '9499', likedAt: 30 }, // no such Tweet
        ]);
        const pages: KeysetPage[] = [
          { limit: 10, direction: 'older' },
          { limit: 1, direction: 'older', from: { likedAt: 30, id: '9499' } },
          { limit: 1, direction: 'newer', from: { likedAt: 10, id: '9421' } },
        ];
        for (const page of pages) {
          const full = await store.likedTweetsByUser('9321', page);
          for (const attributes of attributeSets(TWEET_ATTRIBUTES)) {
            const read = await store.likedTweetsByUser('9321', page, attributes);
            const why = `${JSON.stringify(page)} ${attributes.join(',')}`;
            assert.deepEqual(read.owner, full.owner, why);
            assert.deepEqual(read.rows.map((r) => [r.like, r.author]), full.rows.map((r) => [r.like, r.author]), why);
            read.rows.forEach((r, i) => assertReadAsAsked(r.tweet, full.rows[i].tweet, ['id', 'authorId', 'text', 'deleted'], attributes, why));
          }
        }
        assert.deepEqual((await store.likedTweetsByUser('9321', pages[0], TWEET_ATTRIBUTES)).rows[2].tweet, { ...rich, likeCount: 1 });
        // tweetsByIds alike.
        const whole = new Map((await store.tweetsByIds(['9421', '9422'])).map((t) => [t.id, t]));
        for (const attributes of attributeSets(TWEET_ATTRIBUTES)) {
          const read = await store.tweetsByIds(['9422', '9421', '9498'], attributes);
          assert.deepEqual(read.map((t) => t.id).sort(), ['9421', '9422'], attributes.join(','));
          for (const t of read) assertReadAsAsked(t, whole.get(t.id)!, ['id', 'authorId', 'text', 'deleted'], attributes, attributes.join(','));
        }
      });

      it('likedTweetCoresByUser reads the rows of likedTweetsByUser, each Tweet as far as its core, its text written', async () => {
        const store = await ready();
        await store.insertUsers([user('9311'), user('9312', { protected: true }), user('9313', { suspended: true })]);
        await store.insertTweets([
          tweet('9411', '9312', { text: HOSTILE_TEXT }),
          tweet('9412', '9313', { deleted: true }),
          tweet('9413', '9314'), // its author does not exist
        ]);
        await store.insertLikes([
          { userId: '9311', tweetId: '9411', likedAt: 10 },
          { userId: '9311', tweetId: '9412', likedAt: 20 },
          { userId: '9311', tweetId: '9413', likedAt: 30 },
          { userId: '9311', tweetId: '9499', likedAt: 40 }, // no such Tweet
        ]);
        for (const page of [
          { limit: 10, direction: 'older' as const },
          { limit: 2, direction: 'older' as const, from: { likedAt: 30, id: '9413' } },
          { limit: 2, direction: 'newer' as const, from: { likedAt: 10, id: '9411' } },
          { limit: 10, direction: 'older' as const, newest: 2 },
        ]) {
          const full = await store.likedTweetsByUser('9311', page);
          assert.deepEqual(await store.likedTweetCoresByUser('9311', page), {
            owner: full.owner,
            rows: full.rows.map((r) => ({
              like: r.like,
              tweet: r.tweet && { id: r.tweet.id, authorId: r.tweet.authorId, textJson: JSON.stringify(r.tweet.text), deleted: r.tweet.deleted },
              author: r.author,
            })),
          });
        }
      });

      it('liked_tweets pages carry the flags of the user whose likes they are, with rows or without', async () => {
        const store = await ready();
        const owners = [user('9351'), user('9352', { protected: true }), user('9353', { suspended: true }), user('9354', { protected: true, suspended: true })];
        await store.insertUsers(owners);
        await store.insertTweets([tweet('9451', '9351')]);
        await store.insertLikes([...owners.map((u) => ({ userId: u.id, tweetId: '9451', likedAt: 10 })), { userId: '9359', tweetId: '9451', likedAt: 10 }]);
        const pages: KeysetPage[] = [
          { limit: 10, direction: 'older' }, // one row
          { limit: 10, direction: 'older', from: { likedAt: 10, id: '9451' } }, // past the end: none
          { limit: 10, direction: 'newer', from: { likedAt: 10, id: '9451' } }, // none
          { limit: 10, direction: 'older', newest: 0 }, // none, without reading
        ];
        // 9359 liked a Tweet but is no user (a like left by an import); 9358 is no user and liked nothing.
        for (const id of [...owners.map((u) => u.id), '9359', '9358', 'no\u0000such']) {
          const flags = await store.accountFlags(id);
          assert.equal(flags === null, !owners.some((u) => u.id === id), id);
          for (const page of pages) {
            assert.deepEqual((await store.likedTweetsByUser(id, page)).owner, flags, `${id} ${JSON.stringify(page)}`);
            assert.deepEqual((await store.likedTweetCoresByUser(id, page)).owner, flags, `${id} ${JSON.stringify(page)}`);
          }
        }
      });

      it('liked_tweets pages show authors and owners as every write to users left them, this instance\'s or another\'s', async () => {
        const store = await ready();
        const other = await openStore();
        await other.migrate();
        try {
          await store.insertUsers([user('9361'), user('9362')]);
          // 9366 is no user yet: its Tweet's author is unknown until another instance adds it.
          await store.insertTweets([tweet('9461', '9362'), tweet('9462', '9366')]);
          await store.insertLikes([{ userId: '9361', tweetId: '9461', likedAt: 10 }, { userId: '9361', tweetId: '9462', likedAt: 20 }]);
          const page: KeysetPage = { limit: 10, direction: 'older' };
          const shown = async (why: string) => {
            const cores = await store.likedTweetCoresByUser('9361', page);
            const wide = await store.likedTweetsByUser('9361', page);
            const authors = cores.rows.map((r) => r.author);
            assert.deepEqual(wide.rows.map((r) => r.author), authors, why);
            assert.deepEqual(wide.owner, cores.owner, why);
            return { owner: cores.owner, authors };
          };
          const flags = (id: string, protect = false, suspend = false) => ({ id, protected: protect, suspended: suspend });
          assert.deepEqual(await shown('at first'), { owner: flags('9361'), authors: [null, flags('9362')] });
          await store.setUserFlags('9362', { protected: true });
          assert.deepEqual(await shown('this instance protected the author'), { owner: flags('9361'), authors: [null, flags('9362', true)] });
          await other.setUserFlags('9362', { suspended: true });
          assert.deepEqual(await shown('another suspended the author'), { owner: flags('9361'), authors: [null, flags('9362', true, true)] });
          await other.insertUsers([user('9366', { protected: true })]);
          assert.deepEqual(await shown('another added the unknown author'), { owner: flags('9361'), authors: [flags('9366', true), flags('9362', true, true)] });
          await other.setUserFlags('9361', { suspended: true });
          assert.deepEqual(await shown('another suspended the owner'), { owner: flags('9361', false, true), authors: [flags('9366', true), flags('9362', true, true)] });
          await store.insertUsers([user('9361'), user('9362'), user('9366')]);
          assert.deepEqual(await shown('this instance wrote them all again'), { owner: flags('9361'), authors: [flags('9366'), flags('9362')] });
        } finally {
          await closeStore(other);
        }
      });

      it('accountFlags and tweetCoreWithAuthor read what the visibility rule needs of one user or Tweet', async () => {
        const store = await ready();
        await store.insertUsers([user('9321'), user('9322', { protected: true }), user('9323', { suspended: true })]);
        await store.insertTweets([tweet('9421', '9322'), tweet('9422', '9323', { deleted: true }), tweet('9423', '9324')]);
        assert.deepEqual(await store.accountFlags('9321'), { id: '9321', protected: false, suspended: false });
        assert.deepEqual(await store.accountFlags('9322'), { id: '9322', protected: true, suspended: false });
        assert.deepEqual(await store.accountFlags('9323'), { id: '9323', protected: false, suspended: true });
        assert.equal(await store.accountFlags('9324'), null);
        assert.equal(await store.accountFlags('no\u0000such'), null);
        for (const id of ['9421', '9422', '9423']) {
          const [t] = await store.tweetsByIds([id]);
          const author = await store.accountFlags(t.authorId);
          assert.deepEqual(await store.tweetCoreWithAuthor(id), { tweet: { id: t.id, authorId: t.authorId, text: t.text, deleted: t.deleted }, author });
        }
        assert.equal((await store.tweetCoreWithAuthor('9422'))?.tweet.deleted, true);
        assert.equal((await store.tweetCoreWithAuthor('9423'))?.author, null);
        assert.equal(await store.tweetCoreWithAuthor('9429'), null);
      });

      it('likingUsersOfTweet walks like likesOfTweet, each like with its user (likingUserCoresOfTweet: its core, written)', async () => {
        const store = await ready();
        await store.insertUsers([user('9331', { name: HOSTILE_TEXT }), user('9332', { protected: true }), user('9333', { suspended: true })]);
        await store.insertTweets([tweet('9431', '9331')]);
        await store.insertLikes([
          { userId: '9331', tweetId: '9431', likedAt: 10 },
          { userId: '9332', tweetId: '9431', likedAt: 20 },
          { userId: '9333', tweetId: '9431', likedAt: 30 },
          { userId: '9334', tweetId: '9431', likedAt: 40 }, // no such user
        ]);
        for (const page of [
          { limit: 10, direction: 'older' as const },
          { limit: 2, direction: 'older' as const, from: { likedAt: 30, id: '9333' } },
          { limit: 2, direction: 'newer' as const, from: { likedAt: 10, id: '9331' } },
          { limit: 10, direction: 'older' as const, newest: 2 },
          { limit: 2, direction: 'newer' as const, newest: 2, from: { likedAt: 10, id: '9331' } },
          { limit: 10, direction: 'older' as const, newest: 0 },
        ]) {
          const rows = await store.likingUsersOfTweet('9431', page);
          assert.deepEqual(rows.map((r) => r.like), await store.likesOfTweet('9431', page));
          const users = new Map((await store.usersByIds(rows.map((r) => r.like.userId))).map((u) => [u.id, u]));
          for (const r of rows) assert.deepEqual(r.user, users.get(r.like.userId) ?? null);
          assert.deepEqual(await store.likingUserCoresOfTweet('9431', page), rows.map((r) => ({
            like: r.like,
            user: r.user && { id: r.user.id, nameJson: JSON.stringify(r.user.name), usernameJson: JSON.stringify(r.user.username), suspended: r.user.suspended },
          })));
        }
        const rows = await store.likingUsersOfTweet('9431', { limit: 10, direction: 'older' });
        assert.deepEqual(rows.map((r) => [r.like.userId, r.user?.id ?? null]), [['9334', null], ['9333', '9333'], ['9332', '9332'], ['9331', '9331']]);
        assert.deepEqual(await store.likingUsersOfTweet('9439', { limit: 10, direction: 'older' }), []);
      });

      it('likingUsersOfTweet reads each user\'s core and the attributes asked, the others left undefined', async () => {
        const store = await ready();
        // Every attribute away from the defaults of user(), so that a value read from the wrong column shows.
        const rich = user('9341', {
          createdAt: 1_350_000_000_456, description: 'rich', location: 'Lisbon', url: 'https://rich.example', profileImageUrl: 'https://pbs.example/rich.jpg',
          protected: true, verified: true, pinnedTweetId: '9441', metrics: { followers_count: 101, following_count: 102, tweet_count: 103, listed_count: 104, like_count: 0 },
        });
        await store.insertUsers([rich, user('9342', { suspended: true })]);
        await store.insertTweets([tweet('9441', '9341')]);
        await store.insertLikes([
          { userId: '9341', tweetId: '9441', likedAt: 10 },
          { userId: '9342', tweetId: '9441', likedAt: 20 },
          { userId: '9349', tweetId: '9441', likedAt: 30 }, // no such user
        ]);
        const pages: KeysetPage[] = [
          { limit: 10, direction: 'older' },
          { limit: 1, direction: 'older', from: { likedAt: 30, id: '9349' } },
          { limit: 1, direction: 'newer', from: { likedAt: 10, id: '9341' }, newest: 2 },
        ];
        for (const page of pages) {
          const full = await store.likingUsersOfTweet('9441', page);
          for (const attributes of attributeSets(USER_ATTRIBUTES)) {
            const read = await store.likingUsersOfTweet('9441', page, attributes);
            const why = `${JSON.stringify(page)} ${attributes.join(',')}`;
            assert.deepEqual(read.map((r) => r.like), full.map((r) => r.like), why);
            read.forEach((r, i) => assertReadAsAsked(r.user, full[i].user, ['id', 'name', 'username', 'suspended'], attributes, why));
          }
        }
        assert.deepEqual((await store.likingUsersOfTweet('9441', pages[0], USER_ATTRIBUTES))[2].user, { ...rich, metrics: { ...rich.metrics, like_count: 1 } });
      });

      it('usersByIds and usersByUsernames read each user\'s core and the attributes asked, the others left undefined', async () => {
        const store = await ready();
        const rich = user('9371', {
          username: 'RichLister', createdAt: 1_350_000_000_789, description: 'rich', location: 'Porto', url: 'https://rich.example',
          profileImageUrl: 'https://pbs.example/rich2.jpg', protected: true, verified: true, pinnedTweetId: '9471',
          metrics: { followers_count: 201, following_count: 202, tweet_count: 203, listed_count: 204, like_count: 0 },
        });
        await store.insertUsers([rich, user('9372', { suspended: true })]);
        const byId = new Map((await store.usersByIds(['9371', '9372'])).map((u) => [u.id, u]));
        assert.deepEqual(byId.get('9371'), rich);
        for (const attributes of attributeSets(USER_ATTRIBUTES)) {
          const why = attributes.join(',');
          const read = await store.usersByIds(['9372', '9371', '9379'], attributes);
          assert.deepEqual(read.map((u) => u.id).sort(), ['9371', '9372'], why);
          for (const u of read) assertReadAsAsked(u, byId.get(u.id)!, ['id', 'name', 'username', 'suspended'], attributes, why);
          const named = await store.usersByUsernames(['richlister', 'nobody'], attributes);
          assert.deepEqual(named.map((u) => u.id), ['9371'], why);
          assertReadAsAsked(named[0], rich, ['id', 'name', 'username', 'suspended'], attributes, why);
        }
      });

      it('insertLikes bulk-inserts new likes only and recounts the tweets and users touched', async () => {
        const store = await ready();
        const users = range(60).map((i) => user(`51${pad(i, 3)}`));
        const tweets = range(100).map((i) => tweet(`61${pad(i, 3)}`, users[0].id));
        await store.insertUsers(users);
        await store.insertTweets(tweets);
        assert.equal(await store.like(users[0].id, tweets[0].id, 42), true);

        const likes: LikeRow[] = [];
        for (const u of users) for (const t of tweets) likes.push({ userId: u.id, tweetId: t.id, likedAt: 1_000 + likes.length });
        // Shuffled, then a duplicate of an earlier row of the same batch (the first one wins).
        await store.insertLikes([...shuffle(likes, 7), { userId: users[1].id, tweetId: tweets[1].id, likedAt: 7 }]);
        await store.insertLikes([]);

        // The like that already existed keeps its time; the first of two duplicates wins.
        const [first] = await store.likesOfTweet(tweets[0].id, { limit: 1, direction: 'older', from: { likedAt: 43, id: '' } });
        assert.deepEqual(first, { userId: users[0].id, tweetId: tweets[0].id, likedAt: 42 });
        const rowsOf = await store.likesByUser(users[1].id, { limit: 1000, direction: 'older' });
        assert.equal(rowsOf.length, 100);
        assert.equal(rowsOf.find((r) => r.tweetId === tweets[1].id)!.likedAt, 1_000 + 100 + 1);

        const got = await store.tweetsByIds(tweets.map((t) => t.id));
        assert.equal(got.length, 100);
        for (const t of got) assert.equal(t.likeCount, 60, t.id);
        for (const u of await store.usersByIds(users.map((x) => x.id))) assert.equal(u.metrics.like_count, 100, u.id);

        // Single likes keep counting on top of the recount.
        assert.equal(await store.unlike(users[2].id, tweets[2].id, Date.now()), true);
        assert.equal((await store.tweetsByIds([tweets[2].id]))[0].likeCount, 59);
        assert.equal((await store.usersByIds([users[2].id]))[0].metrics.like_count, 99);
      });

      it('insertLikes repairs the count of a tweet it touches', async () => {
        const store = await ready();
        await store.insertUsers([user('5201')]);
        await store.insertTweets([tweet('6201', '5201', { likeCount: 999 })]);
        await store.insertLikes([{ userId: '5201', tweetId: '6201', likedAt: 1 }]);
        await expectCounts(store, { '6201': 1 }, { '5201': 1 });
      });

      it('re-inserting a liked tweet or its liker never changes like_count, and unlike still works', async () => {
        const store = await ready();
        const liker = user('5401');
        const author = user('5402');
        const t = tweet('6401', '5402');
        await store.insertUsers([liker, author]);
        await store.insertTweets([t]);
        assert.equal(await store.like('5401', '6401', 1_000), true);
        assert.equal(await store.like('5402', '6401', 1_100), true);
        await expectCounts(store, { '6401': 2 }, { '5401': 1, '5402': 1 });

        // The records say like_count 0: every other field is updated, the counts stay.
        await store.insertTweets([{ ...t, text: 'edited', retweetCount: 5 }]);
        await store.insertUsers([{ ...liker, name: 'Renamed', metrics: { ...liker.metrics, followers_count: 11 } }, author]);
        await expectCounts(store, { '6401': 2 }, { '5401': 1, '5402': 1 });
        const [t2] = await store.tweetsByIds(['6401']);
        assert.deepEqual(t2, { ...t, text: 'edited', retweetCount: 5, likeCount: 2 });
        const [u2] = await store.usersByIds(['5401']);
        assert.deepEqual(u2, { ...liker, name: 'Renamed', metrics: { ...liker.metrics, followers_count: 11, like_count: 1 } });
        // Nor does any other value in the record, also with the id twice in one batch.
        await store.insertTweets([{ ...t, likeCount: 999 }, { ...t, likeCount: 7 }]);
        await store.insertUsers([{ ...liker, metrics: { ...liker.metrics, like_count: 999 } }]);
        await expectCounts(store, { '6401': 2 }, { '5401': 1, '5402': 1 });

        assert.equal(await store.unlike('5401', '6401', Date.now()), true);
        await expectCounts(store, { '6401': 1 }, { '5401': 0, '5402': 1 });
        assert.equal(await store.unlike('5402', '6401', Date.now()), true);
        await expectCounts(store, { '6401': 0 }, { '5401': 0, '5402': 0 });
        assert.equal(await store.like('5401', '6401', 1_200), true);
        await expectCounts(store, { '6401': 1 }, { '5401': 1, '5402': 0 });
      });

      it('a new tweet or user starts with the number of likes rows that already reference it', async () => {
        const store = await ready();
        // Likes recorded before their tweet and liker exist: there is no counter to bump yet.
        assert.equal(await store.like('5411', '6411', 1_000), true);
        await store.insertLikes([
          { userId: '5411', tweetId: '6412', likedAt: 1_001 },
          { userId: '5412', tweetId: '6411', likedAt: 1_002 },
        ]);
        await store.insertUsers([user('5411', { metrics: { ...user('5411').metrics, like_count: 42 } }), user('5412'), user('5413')]);
        await store.insertTweets([tweet('6411', '5412', { likeCount: 42 }), tweet('6412', '5412'), tweet('6413', '5412', { likeCount: 3 })]);
        await expectCounts(store, { '6411': 2, '6412': 1, '6413': 0 }, { '5411': 2, '5412': 1, '5413': 0 });
        assert.equal(await store.unlike('5411', '6411', Date.now()), true);
        await expectCounts(store, { '6411': 1, '6412': 1, '6413': 0 }, { '5411': 1, '5412': 1, '5413': 0 });
      });

      it('with no cap or one above the count, even likes older than Number.MIN_SAFE_INTEGER are returned', async () => {
        const store = await ready();
        const ancient = -1e16; // < Number.MIN_SAFE_INTEGER, and exact as a double and as a 64-bit integer
        await store.insertUsers([user('5501')]);
        await store.insertTweets([tweet('6501', '5501'), tweet('6502', '5501')]);
        assert.equal(await store.like('5501', '6501', ancient), true);
        assert.equal(await store.like('5501', '6502', 5), true);
        const recent = { userId: '5501', tweetId: '6502', likedAt: 5 };
        const old = { userId: '5501', tweetId: '6501', likedAt: ancient };
        for (const newest of [undefined, 2, 100]) {
          const page: KeysetPage = newest ? { limit: 10, direction: 'older', newest } : { limit: 10, direction: 'older' };
          assert.deepEqual(await store.likesByUser('5501', page), [recent, old], `newest ${newest}`);
          assert.deepEqual(await store.likesOfTweet('6501', page), [old], `newest ${newest}`);
          assert.deepEqual(await store.likesByUser('5501', { ...page, from: { likedAt: 5, id: '6502' } }), [old]);
          assert.deepEqual(await store.likesByUser('5501', { ...page, direction: 'newer', from: { likedAt: ancient, id: '6501' } }), [recent]);
        }
        // A cap of one keeps the newer like alone; below one, none.
        assert.deepEqual(await store.likesByUser('5501', { limit: 10, direction: 'older', newest: 1 }), [recent]);
        assert.deepEqual(await store.likesByUser('5501', { limit: 10, direction: 'older', newest: 0 }), []);
      });

      describe('keyset walks with ties on likedAt', () => {
        // 300 likes in groups of 7 sharing one likedAt; the other-side ids mix lengths, cases and punctuation so
        // that the order is byte order (SQLite BINARY, PostgreSQL COLLATE "C"), not a locale's.
        const N = 300;
        const otherIds = uniqueIds(N, 'ABab09_~', 11);
        const time = (i: number) => 1_700_000_000_000 - Math.floor(i / 7) * 60_000;
        const byUser = shuffle(otherIds.map((id, i) => ({ userId: 'w-user', tweetId: `w${id}`, likedAt: time(i) })), 3);
        const ofTweet = shuffle(otherIds.map((id, i) => ({ userId: `w${id}`, tweetId: 'w-tweet', likedAt: time(i) })), 5);
        const newestFirst = (rows: LikeRow[], key: (r: LikeRow) => LikeKey) =>
          [...rows].sort((a, b) => {
            const ka = key(a);
            const kb = key(b);
            return kb.likedAt - ka.likedAt || byteOrder(kb.id, ka.id);
          });
        const tweetKey = (r: LikeRow): LikeKey => ({ likedAt: r.likedAt, id: r.tweetId });
        const userKey = (r: LikeRow): LikeKey => ({ likedAt: r.likedAt, id: r.userId });
        const expectedByUser = newestFirst(byUser, tweetKey);
        const expectedOfTweet = newestFirst(ofTweet, userKey);

        let seeded: Promise<LikesStore> | undefined;
        const seed = () =>
          (seeded ??= (async () => {
            const store = await ready();
            await store.insertUsers([user('w-user'), ...ofTweet.map((l, i) => user(l.userId, { username: `walker_${i}` }))]);
            await store.insertTweets([tweet('w-tweet', 'w-user'), ...byUser.map((l) => tweet(l.tweetId, 'w-user'))]);
            // Half through the bulk path, half one by one.
            await store.insertLikes([...byUser.slice(0, N / 2), ...ofTweet.slice(0, N / 2)]);
            for (const l of [...byUser.slice(N / 2), ...ofTweet.slice(N / 2)]) {
              assert.equal(await store.like(l.userId, l.tweetId, l.likedAt), true);
            }
            return store;
          })());

        const cases = [
          { listing: 'likesByUser', owner: 'w-user', expected: expectedByUser, key: tweetKey },
          { listing: 'likesOfTweet', owner: 'w-tweet', expected: expectedOfTweet, key: userKey },
        ] as const;

        for (const { listing, owner, expected, key } of cases) {
          const read = (store: LikesStore, page: KeysetPage) =>
            listing === 'likesByUser' ? store.likesByUser(owner, page) : store.likesOfTweet(owner, page);

          it(`${listing}: older from the start, older and newer from a cursor`, async () => {
            const store = await seed();
            assert.deepEqual(await read(store, { limit: 10, direction: 'older' }), expected.slice(0, 10));
            assert.deepEqual(await read(store, { limit: 1000, direction: 'older' }), expected);
            // A cursor inside a group of ties.
            for (const k of [0, 3, 9, 10, 150, 297, 299]) {
              const from = key(expected[k]);
              assert.deepEqual(await read(store, { limit: 10, direction: 'older', from }), expected.slice(k + 1, k + 11), `older from #${k}`);
              assert.deepEqual(await read(store, { limit: 10, direction: 'newer', from }), expected.slice(Math.max(0, k - 10), k), `newer from #${k}`);
            }
            // Direction is ignored without a cursor: the newest rows.
            assert.deepEqual(await read(store, { limit: 5, direction: 'newer' }), expected.slice(0, 5));
            assert.deepEqual(await read(store, { limit: 0, direction: 'older' }), []);
          });

          it(`${listing}: cursors that fall between rows`, async () => {
            const store = await seed();
            const k = 100;
            const row = key(expected[k]);
            // Same likedAt, an id just above / below the row's own.
            const above = { likedAt: row.likedAt, id: `${row.id}\u0001` };
            assert.deepEqual(await read(store, { limit: 3, direction: 'older', from: above }), expected.slice(k, k + 3));
            assert.deepEqual(await read(store, { limit: 3, direction: 'newer', from: above }), expected.slice(k - 3, k));
            // Past either end.
            assert.deepEqual(await read(store, { limit: 3, direction: 'older', from: { likedAt: 0, id: '' } }), []);
            assert.deepEqual(await read(store, { limit: 3, direction: 'newer', from: { likedAt: 0, id: '' } }), expected.slice(N - 3));
            assert.deepEqual(await read(store, { limit: 3, direction: 'older', from: { likedAt: 2e12, id: '' } }), expected.slice(0, 3));
            assert.deepEqual(await read(store, { limit: 3, direction: 'newer', from: { likedAt: 2e12, id: '' } }), []);
            // A likedAt between two groups: every row of the older group is older than it.
            const groupStart = 14; // rows 14..20 share a likedAt
            const between = { likedAt: expected[groupStart].likedAt + 0.5, id: '' };
            assert.deepEqual(await read(store, { limit: 7, direction: 'older', from: between }), expected.slice(groupStart, groupStart + 7));
            assert.deepEqual(await read(store, { limit: 2, direction: 'newer', from: between }), expected.slice(groupStart - 2, groupStart));
          });

          it(`${listing}: newest bounds every walk to the newest likes, ties ranked as the walk orders them`, async () => {
            const store = await seed();
            const n = 51; // rows 49..55 share a likedAt: the cap falls inside a group of ties
            const kept = expected.slice(0, n);
            assert.deepEqual(await read(store, { limit: 1000, direction: 'older', newest: n }), kept);
            assert.deepEqual(await read(store, { limit: 1000, direction: 'older', newest: n, from: key(expected[20]) }), kept.slice(21));
            assert.deepEqual(await read(store, { limit: 5, direction: 'older', newest: n, from: key(expected[n - 3]) }), kept.slice(n - 2));
            assert.deepEqual(await read(store, { limit: 5, direction: 'older', newest: n, from: key(expected[n - 1]) }), []);
            assert.deepEqual(await read(store, { limit: 5, direction: 'newer', newest: n, from: key(expected[n + 29]) }), kept.slice(n - 5));
            assert.deepEqual(await read(store, { limit: 5, direction: 'newer', newest: n, from: key(expected[n - 1]) }), kept.slice(n - 6, n - 1));
            assert.deepEqual(await read(store, { limit: 5, direction: 'newer', newest: n, from: key(expected[5]) }), kept.slice(0, 5));
          });

          it(`${listing}: newest at or above the count bounds nothing, 1 keeps the newest like, below 1 none`, async () => {
            const store = await seed();
            const page = (direction: 'older' | 'newer', limit: number, newest: number, from?: LikeKey): KeysetPage =>
              from ? { limit, direction, newest, from } : { limit, direction, newest };
            for (const n of [N, N + 1, 100_000]) {
              assert.deepEqual(await read(store, page('older', 1000, n)), expected, `newest ${n}`);
              assert.deepEqual(await read(store, page('newer', 5, n)), expected.slice(0, 5));
              assert.deepEqual(await read(store, page('older', 5, n, key(expected[N - 3]))), expected.slice(N - 2));
              assert.deepEqual(await read(store, page('newer', 5, n, key(expected[N - 1]))), expected.slice(N - 6, N - 1));
            }
            assert.deepEqual(await read(store, page('older', 1000, 1)), expected.slice(0, 1));
            assert.deepEqual(await read(store, page('newer', 5, 1, key(expected[150]))), expected.slice(0, 1));
            assert.deepEqual(await read(store, page('older', 5, 1, key(expected[0]))), []);
            for (const n of [0, -1, Number.NaN]) {
              for (const from of [undefined, key(expected[0]), key(expected[150])]) {
                for (const direction of ['older', 'newer'] as const) {
                  assert.deepEqual(await read(store, page(direction, 1000, n, from)), [], `newest ${n} ${direction} from ${from?.likedAt}`);
                }
              }
            }
          });

          it(`${listing}: paging forward then backward visits every row exactly once`, async () => {
            const store = await seed();
            for (const size of [1, 7, 17, 64]) {
              const forward: LikeRow[] = [];
              let from: LikeKey | undefined;
              for (;;) {
                const page = await read(store, { limit: size, direction: 'older', from });
                assert.ok(page.length <= size);
                if (page.length === 0) break;
                forward.push(...page);
                from = key(page[page.length - 1]);
              }
              assert.deepEqual(forward, expected, `forward in pages of ${size}`);

              const backward: LikeRow[] = [];
              from = key(expected[N - 1]);
              for (;;) {
                const page = await read(store, { limit: size, direction: 'newer', from });
                assert.ok(page.length <= size);
                if (page.length === 0) break;
                backward.unshift(...page);
                from = key(page[0]);
              }
              assert.deepEqual([...backward, expected[N - 1]], expected, `backward in pages of ${size}`);
            }
          });
        }

        it('the walks that join Tweets or users keep the same order as the likes alone', async () => {
          const store = await seed();
          const pages: KeysetPage[] = [
            { limit: 1000, direction: 'older' },
            { limit: 40, direction: 'older', from: tweetKey(expectedByUser[100]) },
            { limit: 40, direction: 'newer', from: tweetKey(expectedByUser[100]) },
          ];
          for (const page of pages) {
            const likes = await store.likesByUser('w-user', page);
            assert.ok(likes.length > 1);
            assert.deepEqual((await store.likedTweetsByUser('w-user', page)).rows.map((r) => r.like), likes, JSON.stringify(page));
            assert.deepEqual((await store.likedTweetCoresByUser('w-user', page)).rows.map((r) => r.like), likes, JSON.stringify(page));
          }
          for (const page of [{ limit: 1000, direction: 'older' as const }, { limit: 1000, direction: 'older' as const, newest: 100 }]) {
            const likes = await store.likesOfTweet('w-tweet', page);
            assert.deepEqual(likes, expectedOfTweet.slice(0, page.newest ?? N));
            assert.deepEqual((await store.likingUsersOfTweet('w-tweet', page)).map((r) => r.like), likes, JSON.stringify(page));
            assert.deepEqual((await store.likingUserCoresOfTweet('w-tweet', page)).map((r) => r.like), likes, JSON.stringify(page));
          }
          assert.deepEqual(await store.likesByUser('w-user', pages[0]), expectedByUser);
        });

        it('the walked likes match the counters', async () => {
          const store = await seed();
          assert.equal((await store.tweetsByIds(['w-tweet']))[0].likeCount, N);
          assert.equal((await store.usersByIds(['w-user']))[0].metrics.like_count, N);
          assert.deepEqual(await store.likesByUser('nope', { limit: 10, direction: 'older' }), []);
          assert.deepEqual(await store.likesOfTweet('nope', { limit: 10, direction: 'newer', from: { likedAt: 1, id: '1' } }), []);
          assert.deepEqual(await store.likesOfTweet('nope', { limit: 10, direction: 'older', newest: 100 }), []);
        });
      });

      it('200 concurrent like/unlike calls from two instances leave counts equal to the rows', async () => {
        const store = await ready();
        const other = await openStore();
        await other.migrate();
        try {
          const users = range(10).map((i) => user(`53${pad(i, 2)}`));
          const tweets = range(4).map((i) => tweet(`63${pad(i, 2)}`, users[0].id));
          await store.insertUsers(users);
          await store.insertTweets(tweets);
          const rnd = mulberry32(42);
          const ops = range(200).map((i) => ({
            kind: rnd() < 0.6 ? ('like' as const) : ('unlike' as const),
            userId: users[Math.floor(rnd() * users.length)].id,
            tweetId: tweets[Math.floor(rnd() * tweets.length)].id,
            via: i % 2 === 0 ? store : other,
          }));
          const results = await Promise.all(
            ops.map((op, i) => (op.kind === 'like' ? op.via.like(op.userId, op.tweetId, 10_000 + i) : op.via.unlike(op.userId, op.tweetId, Date.now()))),
          );

          const net = new Map<string, number>();
          ops.forEach((op, i) => {
            if (!results[i]) return;
            const k = `${op.userId}/${op.tweetId}`;
            net.set(k, (net.get(k) ?? 0) + (op.kind === 'like' ? 1 : -1));
          });
          const rows = new Set<string>();
          for (const t of tweets) {
            const likes = await store.likesOfTweet(t.id, { limit: 1000, direction: 'older' });
            for (const l of likes) rows.add(`${l.userId}/${l.tweetId}`);
            assert.equal((await other.tweetsByIds([t.id]))[0].likeCount, likes.length, `tweet ${t.id}`);
          }
          for (const u of users) {
            const likes = await other.likesByUser(u.id, { limit: 1000, direction: 'older' });
            assert.equal((await store.usersByIds([u.id]))[0].metrics.like_count, likes.length, `user ${u.id}`);
          }
          // true exactly when a row was inserted / deleted: per pair, successful likes minus successful unlikes
          // is 1 when the like exists at the end, else 0.
          for (const u of users) {
            for (const t of tweets) {
              const k = `${u.id}/${t.id}`;
              assert.equal(net.get(k) ?? 0, rows.has(k) ? 1 : 0, k);
            }
          }

          // The same like 20 times at once: one winner; then the same unlike 20 times at once: one winner.
          const [u, t] = [users[9].id, tweets[3].id];
          await store.unlike(u, t, Date.now());
          const likes = await Promise.all(range(20).map((i) => (i % 2 ? store : other).like(u, t, 99)));
          assert.equal(likes.filter(Boolean).length, 1);
          const unlikes = await Promise.all(range(20).map((i) => (i % 2 ? store : other).unlike(u, t, Date.now())));
          assert.equal(unlikes.filter(Boolean).length, 1);
          const countAfter = (await store.tweetsByIds([t]))[0].likeCount;
          assert.equal(countAfter, (await store.likesOfTweet(t, { limit: 1000, direction: 'older' })).length);
        } finally {
          await closeStore(other);
        }
      });
    });

    it('likes and unlikes requested together apply in the order asked, each answered for itself', async () => {
      const store = await ready();
      const users = range(3).map((i) => user(`54${pad(i, 2)}`));
      const t = tweet('6400', users[0].id);
      await store.insertUsers(users);
      await store.insertTweets([t]);
      // One turn of the event loop: the same pair liked, unliked and liked again, beside other users' likes, a
      // repeated like and an unlike of a like that does not exist.
      const [a, b, c] = users.map((u) => u.id);
      const counts = async () => (await store.usersByIds([a, b, c])).map((u) => u.metrics.like_count);
      const before = await counts();
      const results = await Promise.all([
        store.like(a, t.id, 1), store.unlike(a, t.id, 2), store.like(b, t.id, 3), store.like(a, t.id, 4), store.like(b, t.id, 5), store.unlike(c, t.id, 6),
      ]);
      assert.deepEqual(results, [true, true, true, true, false, false]);
      const likes = await store.likesOfTweet(t.id, { limit: 10, direction: 'older' });
      assert.deepEqual(likes.map((l) => [l.userId, l.likedAt]), [[a, 4], [b, 3]]);
      assert.equal((await store.tweetsByIds([t.id]))[0].likeCount, 2);
      assert.deepEqual(await counts(), [before[0] + 1, before[1] + 1, before[2]]);
    });

    describe('developer portal records', () => {
      it('projects: put, get, update, list in id order', async () => {
        const store = await ready();
        const p1 = project('p-c-2', { policy: { likesPrivacy: 'private', rateLimitTier: 'pro', likingUsersCap: false } });
        const p2 = project('p-c-1');
        await store.putProject(p1);
        await store.putProject(p2);
        assert.deepEqual(await store.projectById('p-c-2'), p1);
        assert.equal(JSON.stringify(await store.projectById('p-c-2')), JSON.stringify(p1));
        assert.equal(await store.projectById('p-c-none'), null);
        const p1b = { ...p1, name: 'Renamed', monthlyTweetCap: 10_000_000, developerState: 'suspended' as const, policy: {} };
        await store.putProject(p1b);
        assert.deepEqual(await store.projectById('p-c-2'), p1b);
        const listed = (await store.listProjects()).filter((p) => p.id.startsWith('p-c-'));
        assert.deepEqual(listed, [p2, p1b]);
      });

      it('projects: the owning developer is stored, changed and cleared; projectsOfDeveloper lists theirs in id order', async () => {
        const store = await ready();
        const mine2 = project('p-o-2', { developerId: 'd-o-1' });
        const mine1 = project('p-o-1', { developerId: 'd-o-1' });
        const theirs = project('p-o-3', { developerId: 'd-o-2' });
        const nobodys = project('p-o-4');
        for (const p of [mine2, mine1, theirs, nobodys]) await store.putProject(p);
        assert.deepEqual(await store.projectById('p-o-2'), mine2);
        assert.equal(JSON.stringify(await store.projectById('p-o-2')), JSON.stringify(mine2));
        assert.equal((await store.projectById('p-o-4'))!.developerId, null);
        assert.deepEqual(await store.projectsOfDeveloper('d-o-1'), [mine1, mine2]);
        assert.deepEqual(await store.projectsOfDeveloper('d-o-2'), [theirs]);
        assert.deepEqual(await store.projectsOfDeveloper('d-o-none'), []);
        await store.putProject({ ...mine2, developerId: 'd-o-2' });
        await store.putProject({ ...mine1, developerId: null });
        assert.deepEqual(await store.projectsOfDeveloper('d-o-1'), []);
        assert.deepEqual((await store.projectsOfDeveloper('d-o-2')).map((p) => p.id), ['p-o-2', 'p-o-3']);
        assert.equal((await store.projectById('p-o-1'))!.developerId, null);
      });

      it('developers: put, get by id and by username (ASCII case folded only), update, list in id order', async () => {
        const store = await ready();
        const d2 = developer('d-c-2', { username: 'Dev_Two' });
        const d1 = developer('d-c-1', { username: 'dev_one' });
        await store.putDeveloper(d2);
        await store.putDeveloper(d1);
        assert.deepEqual(await store.developerById('d-c-2'), d2);
        assert.equal(JSON.stringify(await store.developerById('d-c-2')), JSON.stringify(d2));
        assert.equal(await store.developerById('d-c-none'), null);
        for (const name of ['Dev_Two', 'dev_two', 'DEV_TWO']) assert.deepEqual(await store.developerByUsername(name), d2);
        assert.deepEqual(await store.developerByUsername('DEV_one'), d1);
        assert.equal(await store.developerByUsername('dev_tw'), null);
        assert.equal(await store.developerByUsername('dev_\u0000two'), null);
        const d2b = { ...d2, username: 'dev_2', passwordHash: 'scrypt$changed' };
        await store.putDeveloper(d2b);
        assert.deepEqual(await store.developerById('d-c-2'), d2b);
        assert.equal(await store.developerByUsername('Dev_Two'), null);
        assert.deepEqual(await store.developerByUsername('DEV_2'), d2b);
        assert.deepEqual((await store.listDevelopers()).filter((d) => d.id.startsWith('d-c-')), [d1, d2b]);
      });

      it('developers: a username held by another developer in any ASCII case is refused; only ASCII folds', async () => {
        const store = await ready();
        const held = developer('d-u-1', { username: 'taken_name' });
        await store.putDeveloper(held);
        await assert.rejects(store.putDeveloper(developer('d-u-2', { username: 'TAKEN_Name' })));
        assert.equal(await store.developerById('d-u-2'), null);
        assert.deepEqual(await store.developerByUsername('taken_name'), held);
        // Non-ASCII letters are not folded: 'É' and 'é' are different names.
        const upper = developer('d-u-3', { username: 'dÉv' });
        const lower = developer('d-u-4', { username: 'dév' });
        await store.putDeveloper(upper);
        await store.putDeveloper(lower);
        assert.deepEqual(await store.developerByUsername('DÉV'), upper);
        assert.deepEqual(await store.developerByUsername('Dév'), lower);
      });

      it('developers: the linked X account (userId) is stored, changed and cleared; a user linked to another developer is refused', async () => {
        const store = await ready();
        const linked = developer('d-x-1', { userId: 'u-x-1' });
        const unlinked = developer('d-x-2');
        const alsoUnlinked = developer('d-x-3');
        for (const d of [linked, unlinked, alsoUnlinked]) await store.putDeveloper(d);
        assert.deepEqual(await store.developerById('d-x-1'), linked);
        assert.equal(JSON.stringify(await store.developerById('d-x-1')), JSON.stringify(linked));
        assert.equal((await store.developerById('d-x-2'))!.userId, null, 'any number of developers have no user');
        assert.equal((await store.developerByUsername(alsoUnlinked.username))!.userId, null);
        await assert.rejects(store.putDeveloper({ ...unlinked, userId: 'u-x-1' }));
        assert.equal((await store.developerById('d-x-2'))!.userId, null);
        await store.putDeveloper({ ...linked, userId: 'u-x-2' });
        await store.putDeveloper({ ...unlinked, userId: 'u-x-1' });
        assert.deepEqual((await store.listDevelopers()).filter((d) => d.id.startsWith('d-x-')).map((d) => d.userId), ['u-x-2', 'u-x-1', null]);
        await store.putDeveloper({ ...linked, userId: null });
        assert.equal((await store.developerById('d-x-1'))!.userId, null);
      });

      it('apps: put, get by id / consumer key / client id, update, list in id order', async () => {
        const store = await ready();
        const a1 = app('a-c-2', { projectId: 'p-c-1', permission: 'read-write', policy: { appOnlyOnLookups: 'refuse' } });
        const a2 = app('a-c-1', { projectId: null, suspended: true, permission: 'read-write-directmessages' });
        await store.putApp(a1);
        await store.putApp(a2);
        assert.deepEqual(await store.appById('a-c-2'), a1);
        assert.deepEqual(await store.appByConsumerKey(a1.consumerKey), a1);
        assert.deepEqual(await store.appByClientId(a2.clientId), a2);
        assert.equal(await store.appById('a-c-none'), null);
        assert.equal(await store.appByConsumerKey('ck-none'), null);
        assert.equal(await store.appByClientId('cid-none'), null);
        const a1b = { ...a1, name: 'Renamed', consumerKey: 'ck-rotated', consumerSecretSealed: 'sealed-2', suspended: true };
        await store.putApp(a1b);
        assert.deepEqual(await store.appById('a-c-2'), a1b);
        assert.equal(await store.appByConsumerKey(a1.consumerKey), null);
        assert.deepEqual(await store.appByConsumerKey('ck-rotated'), a1b);
        assert.deepEqual((await store.listApps()).filter((a) => a.id.startsWith('a-c-')), [a2, a1b]);
        // Another app cannot take a consumer key or client id that is in use.
        await assert.rejects(store.putApp(app('a-c-3', { consumerKey: 'ck-rotated' })));
        await assert.rejects(store.putApp(app('a-c-4', { clientId: a2.clientId })));
        assert.equal(await store.appById('a-c-3'), null);
        assert.equal(await store.appById('a-c-4'), null);
      });

      it("apps: X's type of App is stored and changed with the App", async () => {
        const store = await ready();
        for (const appType of ['web', 'bot', 'native', 'spa'] as const) {
          const a = app(`a-t-${appType}`, { appType });
          await store.putApp(a);
          assert.equal((await store.appById(a.id))?.appType, appType);
          assert.equal((await store.appByClientId(a.clientId))?.appType, appType);
        }
        await store.putApp({ ...app('a-t-web'), appType: 'spa' });
        assert.equal((await store.appByConsumerKey('ck-a-t-web'))?.appType, 'spa');
        assert.deepEqual((await store.listApps()).filter((a) => a.id.startsWith('a-t-')).map((a) => [a.id, a.appType]), [
          ['a-t-bot', 'bot'], ['a-t-native', 'native'], ['a-t-spa', 'spa'], ['a-t-web', 'spa'],
        ]);
      });

      it('policies keep every override, metricNames included, on Projects and Apps', async () => {
        const store = await ready();
        for (const metricNames of ['both', 'v2159', 'v2167'] as const) {
          const p = project('p-m-1', { policy: { metricNames, likesPrivacy: 'private' } });
          const a = app('a-m-1', { projectId: 'p-m-1', policy: { metricNames } });
          await store.putProject(p);
          await store.putApp(a);
          assert.deepEqual((await store.projectById('p-m-1'))?.policy, { metricNames, likesPrivacy: 'private' });
          assert.deepEqual((await store.appById('a-m-1'))?.policy, { metricNames });
        }
      });

      it('OAuth 1.0a tokens: put, get, update, delete all of one app', async () => {
        const store = await ready();
        const t1 = oauth1('tok-c-1', 'a-c-1', 'read');
        const t2 = oauth1('tok-c-2', 'a-c-1', 'read-write');
        const t3 = oauth1('tok-c-3', 'a-c-2', 'read');
        for (const t of [t1, t2, t3]) await store.putOAuth1Token(t);
        assert.deepEqual(await store.oauth1Token('tok-c-1'), t1);
        assert.equal(await store.oauth1Token('tok-c-none'), null);
        const t1b = { ...t1, permission: 'read-write-directmessages' as const, secretSealed: 'new-secret' };
        await store.putOAuth1Token(t1b);
        assert.deepEqual(await store.oauth1Token('tok-c-1'), t1b);
        await store.deleteOAuth1TokensOfApp('a-c-1');
        assert.equal(await store.oauth1Token('tok-c-1'), null);
        assert.equal(await store.oauth1Token('tok-c-2'), null);
        assert.deepEqual(await store.oauth1Token('tok-c-3'), t3);
        await store.deleteOAuth1TokensOfApp('a-c-none');
      });

      it('OAuth 1.0a tokens: delete one token, leaving the others', async () => {
        const store = await ready();
        const t4 = oauth1('tok-d-4', 'a-d-1', 'read');
        const t5 = oauth1('tok-d-5', 'a-d-1', 'read-write');
        for (const t of [t4, t5]) await store.putOAuth1Token(t);
        await store.deleteOAuth1Token('tok-d-4');
        assert.equal(await store.oauth1Token('tok-d-4'), null);
        assert.deepEqual(await store.oauth1Token('tok-d-5'), t5);
        await store.deleteOAuth1Token('tok-d-4');
        await store.deleteOAuth1Token('tok-d-none');
        await store.deleteOAuth1Token('tok-d-\u0000');
        assert.deepEqual(await store.oauth1Token('tok-d-5'), t5);
        // A deleted token can be issued again.
        await store.putOAuth1Token(t4);
        assert.deepEqual(await store.oauth1Token('tok-d-4'), t4);
      });

      it('bearers: put, get, delete one, delete one kind of one app', async () => {
        const store = await ready();
        const appBearer: BearerRecord = { kind: 'app', tokenHash: 'h-c-app-1', appId: 'a-c-1' };
        const userBearer: BearerRecord = {
          kind: 'user', tokenHash: 'h-c-user-1', appId: 'a-c-1', userId: '1001',
          scopes: ['tweet.read', 'users.read', 'like.read', 'like.write', 'offline.access'], expiresAt: 1_700_000_007_200,
        };
        const userBearer2: BearerRecord = { kind: 'user', tokenHash: 'h-c-user-2', appId: 'a-c-1', userId: '1002', scopes: [], expiresAt: null };
        const otherApp: BearerRecord = { kind: 'user', tokenHash: 'h-c-user-3', appId: 'a-c-2', userId: '1001', scopes: ['like.read'], expiresAt: 5 };
        const otherAppBearer: BearerRecord = { kind: 'app', tokenHash: 'h-c-app-2', appId: 'a-c-2' };
        for (const b of [appBearer, userBearer, userBearer2, otherApp, otherAppBearer]) await store.putBearer(b);
        for (const b of [appBearer, userBearer, userBearer2, otherApp, otherAppBearer]) assert.deepEqual(await store.bearerByHash(b.tokenHash), b);
        assert.equal(await store.bearerByHash('h-c-none'), null);
        const updated: BearerRecord = { ...userBearer2, scopes: ['like.write'], expiresAt: 123 };
        await store.putBearer(updated);
        assert.deepEqual(await store.bearerByHash('h-c-user-2'), updated);

        await store.deleteBearer('h-c-user-1');
        assert.equal(await store.bearerByHash('h-c-user-1'), null);
        await store.deleteBearer('h-c-none');

        await store.putBearer(userBearer);
        await store.deleteBearersOfApp('a-c-1', 'user');
        assert.equal(await store.bearerByHash('h-c-user-1'), null);
        assert.equal(await store.bearerByHash('h-c-user-2'), null);
        assert.deepEqual(await store.bearerByHash('h-c-app-1'), appBearer);
        assert.deepEqual(await store.bearerByHash('h-c-user-3'), otherApp);
        assert.deepEqual(await store.bearerByHash('h-c-app-2'), otherAppBearer);
        await store.deleteBearersOfApp('a-c-1', 'app');
        assert.equal(await store.bearerByHash('h-c-app-1'), null);
        assert.deepEqual(await store.bearerByHash('h-c-app-2'), otherAppBearer);
      });

      it('bearers: the OAuth 2.0 tokens expired by a time go, oldest first and no more than asked; the rest stay', async () => {
        const store = await ready();
        const userToken = (n: number, expiresAt: number | null): BearerRecord => ({
          kind: 'user', tokenHash: `h-x-${n}`, appId: 'a-x-1', userId: '1001', scopes: ['tweet.read'], expiresAt,
        });
        const appBearer: BearerRecord = { kind: 'app', tokenHash: 'h-x-app', appId: 'a-x-1' };
        // Expired at 1,000, 2,000, 3,000 (the time asked), 3,001 (just after it), and one that never expires.
        const tokens = [userToken(3, 3_000), userToken(1, 1_000), userToken(4, 3_001), userToken(2, 2_000), userToken(5, null)];
        // Tokens of the tests before that expired before all of these (the store is shared) go first.
        await store.deleteBearersExpiredBy(999, 1_000);
        for (const b of [...tokens, appBearer]) await store.putBearer(b);
        const left = async () => (await Promise.all(['h-x-1', 'h-x-2', 'h-x-3', 'h-x-4', 'h-x-5', 'h-x-app'].map(async (h) => ((await store.bearerByHash(h)) ? h : null)))).filter(Boolean);

        assert.equal(await store.deleteBearersExpiredBy(3_000, 2), 2);
        assert.deepEqual(await left(), ['h-x-3', 'h-x-4', 'h-x-5', 'h-x-app'], 'the two oldest went');
        assert.equal(await store.deleteBearersExpiredBy(3_000, 100), 1);
        assert.deepEqual(await left(), ['h-x-4', 'h-x-5', 'h-x-app'], 'expired at the time asked: gone; after it: kept');
        assert.equal(await store.deleteBearersExpiredBy(3_000, 100), 0);
        assert.equal(await store.deleteBearersExpiredBy(3_001, 100), 1);
        assert.deepEqual(await left(), ['h-x-5', 'h-x-app'], 'a token without expiry and the App\'s bearer never go');
      });
    });

    describe('settings', () => {
      it('callback URLs: none by default, replaced as a whole, per App, in order', async () => {
        const store = await ready();
        assert.deepEqual(await store.callbackUrls('a-s-none'), []);
        const urls = ['https://example.com/cb?x=1&y=ü', 'http://127.0.0.1/callback', 'myapp://auth'];
        await store.setCallbackUrls('a-s-1', urls);
        await store.setCallbackUrls('a-s-2', ['https://two.example/cb']);
        assert.deepEqual(await store.callbackUrls('a-s-1'), urls);
        assert.deepEqual(await store.callbackUrls('a-s-2'), ['https://two.example/cb']);
        await store.setCallbackUrls('a-s-1', ['https://example.com/other']);
        assert.deepEqual(await store.callbackUrls('a-s-1'), ['https://example.com/other']);
        await store.setCallbackUrls('a-s-1', []);
        assert.deepEqual(await store.callbackUrls('a-s-1'), []);
      });

      it('callback URLs: kept where earlier versions kept them; an unreadable list is empty', async () => {
        const store = await ready();
        await store.setCallbackUrls('a-s-3', ['https://three.example/cb']);
        assert.equal(await store.getMeta('app-callbacks:a-s-3'), '["https://three.example/cb"]');
        await store.setMeta('app-callbacks:a-s-4', '["https://four.example/cb", 7, null]');
        assert.deepEqual(await store.callbackUrls('a-s-4'), ['https://four.example/cb']);
        for (const raw of ['not json', '{"a":1}', '']) {
          await store.setMeta('app-callbacks:a-s-5', raw);
          assert.deepEqual(await store.callbackUrls('a-s-5'), [], raw);
        }
      });

      it('website URL, the owner\'s Access Token (per App) and use case (per Project): none by default, set and replaced', async () => {
        const store = await ready();
        assert.equal(await store.websiteUrl('a-w-1'), null);
        assert.equal(await store.ownerAccessToken('a-w-1'), null);
        assert.equal(await store.projectUseCase('p-w-1'), null);
        await store.setWebsiteUrl('a-w-1', 'https://example.com/ü?a=1&b=2');
        await store.setWebsiteUrl('a-w-2', 'https://two.example/');
        await store.setOwnerAccessToken('a-w-1', '42-first');
        await store.setProjectUseCase('p-w-1', 'Making a bot');
        assert.equal(await store.websiteUrl('a-w-1'), 'https://example.com/ü?a=1&b=2');
        assert.equal(await store.ownerAccessToken('a-w-1'), '42-first');
        assert.equal(await store.projectUseCase('p-w-1'), 'Making a bot');
        await store.setWebsiteUrl('a-w-1', 'https://example.com/new');
        await store.setOwnerAccessToken('a-w-1', '42-second');
        await store.setProjectUseCase('p-w-1', 'Student');
        assert.equal(await store.websiteUrl('a-w-1'), 'https://example.com/new');
        assert.equal(await store.websiteUrl('a-w-2'), 'https://two.example/');
        assert.equal(await store.ownerAccessToken('a-w-1'), '42-second');
        assert.equal(await store.ownerAccessToken('a-w-2'), null);
        assert.equal(await store.projectUseCase('p-w-1'), 'Student');
        assert.equal(await store.projectUseCase('a-w-1'), null, 'Project and App settings are apart');
      });

      it('sealed app Bearer: none by default, set and replaced per App', async () => {
        const store = await ready();
        assert.equal(await store.sealedAppBearer('a-s-1'), null);
        await store.setSealedAppBearer('a-s-1', 'v1.sealed-one');
        await store.setSealedAppBearer('a-s-2', 'v1.sealed-two');
        assert.equal(await store.sealedAppBearer('a-s-1'), 'v1.sealed-one');
        await store.setSealedAppBearer('a-s-1', 'v1.sealed-three');
        assert.equal(await store.sealedAppBearer('a-s-1'), 'v1.sealed-three');
        assert.equal(await store.sealedAppBearer('a-s-2'), 'v1.sealed-two');
        assert.equal(await store.getMeta('app-bearer:a-s-1'), 'v1.sealed-three');
      });

      it('sealing key, canary and form key: the first writer wins; the stored key can be deleted', async () => {
        const store = await ready();
        assert.equal(await store.storedSecretKey(), null);
        assert.equal(await store.secretKeyCanary(), null);
        assert.equal(await store.setStoredSecretKeyIfAbsent('key-1'), 'key-1');
        assert.equal(await store.setStoredSecretKeyIfAbsent('key-2'), 'key-1');
        assert.equal(await store.storedSecretKey(), 'key-1');
        assert.equal(await store.getMeta('secret-key'), 'key-1');
        await store.deleteStoredSecretKey();
        assert.equal(await store.storedSecretKey(), null);
        await store.deleteStoredSecretKey();
        assert.equal(await store.setSecretKeyCanaryIfAbsent('v1.canary-1'), 'v1.canary-1');
        assert.equal(await store.setSecretKeyCanaryIfAbsent('v1.canary-2'), 'v1.canary-1');
        assert.equal(await store.secretKeyCanary(), 'v1.canary-1');
        assert.equal(await store.getMeta('secret-key-canary'), 'v1.canary-1');
        assert.equal(await store.setSealedFormKeyIfAbsent('v1.form-1'), 'v1.form-1');
        assert.equal(await store.setSealedFormKeyIfAbsent('v1.form-2'), 'v1.form-1');
        assert.equal(await store.getMeta('flow-form-key'), 'v1.form-1');
      });

      it('demo credentials: the first sealed copy wins; a plaintext copy of an older version reads as such', async () => {
        const store = await ready();
        assert.equal(await store.demoCredentials(), null);
        await store.setMeta('demo-credentials', '{"baseUrl":""}');
        assert.deepEqual(await store.demoCredentials(), { plaintext: '{"baseUrl":""}' });
        await store.setDemoCredentials('v1.sealed-doc');
        assert.deepEqual(await store.demoCredentials(), { sealed: 'v1.sealed-doc' });
        await store.setDemoCredentialsIfAbsent('v1.other-doc');
        assert.deepEqual(await store.demoCredentials(), { sealed: 'v1.sealed-doc' });
        await store.deleteMeta('demo-credentials');
        await store.setDemoCredentialsIfAbsent('v1.first-doc');
        assert.deepEqual(await store.demoCredentials(), { sealed: 'v1.first-doc' });
        assert.equal(await store.getMeta('demo-credentials'), 'v1.first-doc');
      });

      it('seed claim: none by default; the first claim wins, also across instances at once', async () => {
        const store = await ready();
        assert.equal(await store.seedClaim(), null);
        const first = { instanceId: '0b6b0c1e-7d1f-4a57-9b7e-3f7c1a2b9c01', claimedAt: 1_700_000_000_123 };
        assert.deepEqual(await store.setSeedClaimIfAbsent(first), first);
        assert.deepEqual(await store.setSeedClaimIfAbsent({ instanceId: 'other', claimedAt: 1 }), first);
        assert.deepEqual(await store.seedClaim(), first);
        // Kept as `<instance id>@<ms>`, as earlier versions (and their instances starting alongside) write it.
        assert.equal(await store.getMeta('demo-seed-owner'), `${first.instanceId}@${first.claimedAt}`);
        await store.setMeta('demo-seed-owner', 'unreadable');
        assert.deepEqual(await store.seedClaim(), { instanceId: 'unreadable', claimedAt: 0 });

        await store.deleteMeta('demo-seed-owner');
        const other = await openStore();
        await other.migrate();
        try {
          const claims = range(6).map((i) => ({ instanceId: `instance-${i}`, claimedAt: 1_700_000_000_000 + i }));
          const owners = await Promise.all(claims.map((c, i) => (i % 2 ? store : other).setSeedClaimIfAbsent(c)));
          assert.ok(claims.some((c) => c.instanceId === owners[0].instanceId && c.claimedAt === owners[0].claimedAt));
          for (const o of owners) assert.deepEqual(o, owners[0]);
          assert.deepEqual(await other.seedClaim(), owners[0]);
        } finally {
          await closeStore(other);
        }
      });
    });

    describe('meta', () => {
      it('get, set, overwrite', async () => {
        const store = await ready();
        assert.equal(await store.getMeta('contract.none'), null);
        await store.setMeta('contract.k', 'v1');
        assert.equal(await store.getMeta('contract.k'), 'v1');
        await store.setMeta('contract.k', '');
        assert.equal(await store.getMeta('contract.k'), '');
        await store.setMeta('contract.k', 'ünïcödé 🦜 {"json":true}');
        assert.equal(await store.getMeta('contract.k'), 'ünïcödé 🦜 {"json":true}');
        await store.deleteMeta('contract.k');
        assert.equal(await store.getMeta('contract.k'), null);
        await store.deleteMeta('contract.k');
        assert.equal(await store.setMetaIfAbsent('contract.k', 'after delete'), 'after delete');
      });

      it('setMetaIfAbsent: the first writer wins, also across instances at once', async () => {
        const store = await ready();
        assert.equal(await store.setMetaIfAbsent('contract.once', 'first'), 'first');
        assert.equal(await store.setMetaIfAbsent('contract.once', 'second'), 'first');
        assert.equal(await store.getMeta('contract.once'), 'first');
        await store.setMeta('contract.once', 'overwritten');
        assert.equal(await store.setMetaIfAbsent('contract.once', 'third'), 'overwritten');

        const other = await openStore();
        await other.migrate();
        try {
          for (let round = 0; round < 10; round++) {
            const key = `contract.race.${round}`;
            const values = await Promise.all(range(6).map((i) => (i % 2 ? store : other).setMetaIfAbsent(key, `writer-${i}`)));
            const winner = values[0];
            assert.match(winner, /^writer-\d$/);
            for (const v of values) assert.equal(v, winner);
            assert.equal(await other.getMeta(key), winner);
            assert.equal(await store.getMeta(key), winner);
          }
        } finally {
          await closeStore(other);
        }
      });

      it('incrementMeta counts from 1, and no two increments get the same count, also across instances at once', async () => {
        const store = await ready();
        assert.equal(await store.incrementMeta('contract.counter'), 1);
        assert.equal(await store.incrementMeta('contract.counter'), 2);
        assert.equal(await store.getMeta('contract.counter'), '2');
        assert.equal(await store.incrementMeta('contract.other-counter'), 1);

        const other = await openStore();
        await other.migrate();
        try {
          const counts = await Promise.all(range(20).map((i) => (i % 2 ? store : other).incrementMeta('contract.counter')));
          assert.deepEqual([...counts].sort((a, b) => a - b), range(20).map((i) => i + 3));
        } finally {
          await closeStore(other);
        }
      });

      it('claimIdWorker hands each claim a number of its own (1, 2, 3, …), across instances', async () => {
        const store = await ready();
        const other = await openStore();
        await other.migrate();
        try {
          const first = await store.claimIdWorker();
          const claims = await Promise.all(range(6).map((i) => (i % 2 ? store : other).claimIdWorker()));
          assert.deepEqual([...claims].sort((a, b) => a - b), range(6).map((i) => first + 1 + i));
        } finally {
          await closeStore(other);
        }
      });
    });
  });
}

// ---- fixtures ----

function oauth1(token: string, appId: string, permission: OAuth1TokenRecord['permission']): OAuth1TokenRecord {
  return { token, appId, userId: '1001', secretSealed: `secret-${token}`, permission };
}

async function expectCounts(store: LikesStore, tweets: Record<string, number>, users: Record<string, number>): Promise<void> {
  for (const [id, n] of Object.entries(tweets)) {
    assert.equal((await store.tweetsByIds([id]))[0].likeCount, n, `tweet ${id} like_count`);
    assert.equal((await store.likesOfTweet(id, { limit: 1000, direction: 'older' })).length, n, `tweet ${id} rows`);
  }
  for (const [id, n] of Object.entries(users)) {
    assert.equal((await store.usersByIds([id]))[0].metrics.like_count, n, `user ${id} like_count`);
    assert.equal((await store.likesByUser(id, { limit: 1000, direction: 'older' })).length, n, `user ${id} rows`);
  }
}

// ---- helpers ----

/** Byte order of the UTF-8 encodings: SQLite's BINARY collation, PostgreSQL's "C". */
function byteOrder(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}

function sortBy<T>(items: T[], key: (t: T) => string): T[] {
  return [...items].sort((a, b) => byteOrder(key(a), key(b)));
}

function sortById<T extends { id: string }>(items: T[]): T[] {
  return sortBy(items, (t) => t.id);
}

function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

function mulberry32(seed: number): () => number {
  const random = new Prng(seed);
  return () => random.next();
}

function shuffle<T>(items: readonly T[], seed: number): T[] {
  const out = [...items];
  const rnd = mulberry32(seed);
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

/** `n` distinct ids of 1-4 characters from `alphabet` (so some are prefixes of others). */
function uniqueIds(n: number, alphabet: string, seed: number): string[] {
  const rnd = mulberry32(seed);
  const ids = new Set<string>();
  while (ids.size < n) {
    const len = 1 + Math.floor(rnd() * 4);
    let id = '';
    for (let i = 0; i < len; i++) id += alphabet[Math.floor(rnd() * alphabet.length)];
    ids.add(id);
  }
  return [...ids];
}
