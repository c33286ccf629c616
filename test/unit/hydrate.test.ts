// Expansions into `includes` and their partial errors (docs/reference/likes-api.md §6.2, §6.4, R9), and the one
// visibility rule behind `data` and `includes` (visibility.ts), on a SQLite store in memory.
import assert from 'node:assert/strict';
import { beforeEach, describe, it } from 'node:test';
import type { SqliteStore } from '../../src/adapters/sqlite/sqliteStore.ts';
import { hydrateTweets, hydrateUsers } from '../../src/domain/hydrate.ts';
import type { MediaRecord, TweetRecord, UserRecord } from '../../src/domain/model.ts';
import { canSeeAuthor, tweetVerdict, userVerdict } from '../../src/domain/visibility.ts';
import { memoryStore, selection } from '../support/memoryStore.ts';
import { PROBLEMS } from '../support/problems.ts';
import { tweet, user } from '../support/records.ts';

type Json = Record<string, any>;

const NOW = Date.UTC(2026, 0, 1);
const ALICE = user('11', { username: 'alice' });
const BOB = user('12', { username: 'bob' });
const CAROL = user('13', { username: 'carol', protected: true });
const DAVE = user('14', { username: 'dave', suspended: true });

const media = (key: string): MediaRecord => ({
  mediaKey: key, type: 'photo', url: `https://pbs.example/${key}.jpg`, previewImageUrl: null, width: 10, height: 10,
  altText: null, durationMs: null, viewCount: null,
});

let store: SqliteStore;

beforeEach(async () => {
  store = await memoryStore();
  await store.insertUsers([ALICE, BOB, CAROL, DAVE]);
});

const authorsOf = (users: UserRecord[]) => new Map(users.map((u) => [u.id, u]));

async function hydrate(tweets: TweetRecord[], expansions: string[], viewerId: string | null = ALICE.id): Promise<{ includes?: Json; errors: Json[] }> {
  await store.insertTweets(tweets);
  return hydrateTweets(store, tweets, authorsOf([ALICE, BOB, CAROL, DAVE]), selection({ expansions }), viewerId, NOW);
}

describe('visibility', () => {
  it('a Tweet shows when it exists, is not deleted and its author may be seen', () => {
    const t = tweet('201', CAROL.id);
    assert.equal(tweetVerdict(undefined, CAROL, ALICE.id), 'missing');
    assert.equal(tweetVerdict({ ...t, deleted: true }, CAROL, CAROL.id), 'missing');
    assert.equal(tweetVerdict(t, CAROL, ALICE.id), 'forbidden', 'protected author, someone else');
    assert.equal(tweetVerdict(t, CAROL, null), 'forbidden', 'protected author, app-only');
    assert.equal(tweetVerdict(t, CAROL, CAROL.id), 'visible', 'protected author, themself');
    assert.equal(tweetVerdict(t, DAVE, DAVE.id), 'forbidden', 'suspended author, even to themself');
    assert.equal(tweetVerdict(t, null, ALICE.id), 'forbidden', 'unknown author');
    assert.equal(tweetVerdict(t, BOB, null), 'visible');
    assert.equal(canSeeAuthor(BOB, null), true);
  });

  it('an account shows unless it is unknown or suspended (protected profiles show to anyone)', () => {
    assert.equal(userVerdict(undefined), 'missing');
    assert.equal(userVerdict(DAVE), 'suspended');
    assert.equal(userVerdict(CAROL), 'visible');
  });
});

describe('hydrateTweets', () => {
  it('referenced Tweets: shown, missing, deleted and protected each get their own outcome (R9)', async () => {
    const shown = tweet('301', BOB.id);
    const deleted = tweet('302', BOB.id, { deleted: true });
    const hidden = tweet('303', CAROL.id);
    await store.insertTweets([shown, deleted, hidden]);
    const liked = tweet('201', ALICE.id, {
      referencedTweets: [{ type: 'quoted', id: '301' }, { type: 'replied_to', id: '302' }, { type: 'quoted', id: '303' }, { type: 'quoted', id: '399' }],
    });
    const { includes, errors } = await hydrate([liked], ['referenced_tweets.id', 'referenced_tweets.id.author_id']);
    assert.deepEqual(includes?.tweets.map((t: Json) => t.id), ['301']);
    assert.deepEqual(includes?.users.map((u: Json) => u.id), [BOB.id], 'the author of the shown referenced Tweet only');
    assert.deepEqual(errors, [
      { value: '302', detail: 'Could not find tweet with referenced_tweets.id: [302].', title: 'Not Found Error', resource_type: 'tweet', parameter: 'referenced_tweets.id', resource_id: '302', type: `${PROBLEMS}resource-not-found` },
      { value: '303', detail: 'Sorry, you are not authorized to see the Tweet with referenced_tweets.id: [303].', title: 'Authorization Error', resource_type: 'tweet', parameter: 'referenced_tweets.id', resource_id: '303', section: 'includes', type: `${PROBLEMS}not-authorized-for-resource` },
      { value: '399', detail: 'Could not find tweet with referenced_tweets.id: [399].', title: 'Not Found Error', resource_type: 'tweet', parameter: 'referenced_tweets.id', resource_id: '399', type: `${PROBLEMS}resource-not-found` },
    ]);
    // The protected author sees their own Tweet in includes.
    const own = await hydrateTweets(store, [liked], authorsOf([ALICE, BOB, CAROL, DAVE]), selection({ expansions: ['referenced_tweets.id'] }), CAROL.id, NOW);
    assert.deepEqual((own.includes as Json).tweets.map((t: Json) => t.id), ['301', '303']);
  });

  it('mentions: suspended users get X\'s "User has been suspended" error, unknown names resource-not-found (R9)', async () => {
    const liked = tweet('201', BOB.id, {
      entities: { mentions: [
        { start: 0, end: 6, username: 'ALICE' }, { start: 7, end: 12, username: 'dave' }, { start: 13, end: 20, username: 'nobody' },
      ] },
    });
    const { includes, errors } = await hydrate([liked], ['entities.mentions.username', 'author_id']);
    assert.deepEqual(includes?.users.map((u: Json) => u.id), [BOB.id, ALICE.id], 'author first, mentions matched without case');
    assert.deepEqual(errors, [
      { parameter: 'entities.mentions.username', resource_id: 'dave', value: 'dave', detail: 'User has been suspended: [dave].', title: 'Forbidden', resource_type: 'user', type: `${PROBLEMS}resource-not-found` },
      { value: 'nobody', detail: 'Could not find user with entities.mentions.username: [nobody].', title: 'Not Found Error', resource_type: 'user', parameter: 'entities.mentions.username', resource_id: 'nobody', type: `${PROBLEMS}resource-not-found` },
    ]);
  });

  it('each user appears once, whichever expansions name it', async () => {
    const liked = tweet('201', BOB.id, { inReplyToUserId: BOB.id, entities: { mentions: [{ start: 0, end: 4, username: 'bob' }] } });
    const { includes, errors } = await hydrate([liked, tweet('202', BOB.id)], ['author_id', 'in_reply_to_user_id', 'entities.mentions.username']);
    assert.deepEqual(includes?.users.map((u: Json) => u.id), [BOB.id]);
    assert.deepEqual(errors, []);
  });

  it('media show only through a Tweet that shows; nothing is expanded from a Tweet the viewer may not see', async () => {
    await store.insertMedia([media('3_1'), media('3_2'), media('3_3')]);
    await store.insertTweets([tweet('301', BOB.id, { mediaKeys: ['3_2'] }), tweet('302', CAROL.id, { mediaKeys: ['3_3'] })]);
    const visible = tweet('201', BOB.id, { mediaKeys: ['3_1'], referencedTweets: [{ type: 'quoted', id: '301' }, { type: 'quoted', id: '302' }] });
    const hidden = tweet('202', CAROL.id, { mediaKeys: ['3_3'] });
    const { includes } = await hydrate(
      [visible, hidden],
      ['attachments.media_keys', 'referenced_tweets.id', 'referenced_tweets.id.attachments.media_keys', 'author_id'],
    );
    assert.deepEqual(includes?.media.map((m: Json) => m.media_key), ['3_1', '3_2']);
    assert.deepEqual(includes?.users.map((u: Json) => u.id), [BOB.id], 'no author of the hidden Tweet');
  });

  it('no expansions, no includes and no errors', async () => {
    assert.deepEqual(await hydrate([tweet('201', BOB.id, { referencedTweets: [{ type: 'quoted', id: '399' }] })], []), { includes: undefined, errors: [] });
  });
});

describe('hydrateUsers', () => {
  it('pinned Tweets: shown where the viewer may see them, partial errors otherwise', async () => {
    await store.insertTweets([tweet('301', BOB.id), tweet('303', CAROL.id), tweet('304', BOB.id, { deleted: true })]);
    const users = [{ ...BOB, pinnedTweetId: '301' }, { ...CAROL, pinnedTweetId: '303' }, { ...ALICE, pinnedTweetId: '304' }];
    const sel = selection({ expansions: ['pinned_tweet_id'] });
    const forAlice = await hydrateUsers(store, users, sel, ALICE.id);
    assert.deepEqual((forAlice.includes as Json).tweets.map((t: Json) => t.id), ['301']);
    assert.deepEqual(forAlice.errors.map((e) => [e.resource_id, e.type, e.parameter]), [
      ['303', `${PROBLEMS}not-authorized-for-resource`, 'pinned_tweet_id'],
      ['304', `${PROBLEMS}resource-not-found`, 'pinned_tweet_id'],
    ]);
    const forCarol = await hydrateUsers(store, users, sel, CAROL.id);
    assert.deepEqual((forCarol.includes as Json).tweets.map((t: Json) => t.id), ['301', '303']);
    assert.deepEqual(await hydrateUsers(store, users, selection(), ALICE.id), { errors: [] }, 'not asked for: nothing read');
  });
});
