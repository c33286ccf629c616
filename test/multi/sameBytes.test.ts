// The same demo world served from SQLite and from PostgreSQL + Redis answers every lookup with the same bytes:
// data, includes, errors, meta and pagination tokens (credentials differ per store; the data does not).
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { PostgresStore } from '../../src/adapters/postgres/postgresStore.ts';
import { startTestServer, type TestServer } from '../support/harness.ts';
import { createDatabase, type TestDatabase } from '../support/postgres.ts';
import { tweet, user } from '../support/records.ts';

const REDIS_URL = process.env.LIKES_API_TEST_REDIS_URL || 'redis://127.0.0.1:6379/0';

describe('SQLite and PostgreSQL + Redis answer byte for byte the same', () => {
  let sqlite: TestServer;
  let postgres: TestServer;
  let db: TestDatabase;
  before(async () => {
    db = await createDatabase('same_bytes');
    [sqlite, postgres] = await Promise.all([
      startTestServer(),
      startTestServer({
        store: new PostgresStore(db.url),
        env: { LIKES_API_REDIS_URL: REDIS_URL, LIKES_API_REDIS_PREFIX: `likes-api-test:same-bytes:${randomUUID()}:` },
      }),
    ]);
  });
  after(async () => {
    await Promise.all([sqlite?.close(), postgres?.close()]);
    await db?.drop();
  });

  async function bodies(path: string): Promise<[string, string]> {
    const get = async (s: TestServer) => {
      const res = await fetch(`${s.baseUrl}${path}`, { headers: { authorization: `Bearer ${s.creds.app.bearerToken}` } });
      assert.equal(res.status, 200, `${s.services.store.kind} ${path}`);
      return res.text();
    };
    return Promise.all([get(sqlite), get(postgres)]);
  }

  /** Walks every page forward and then back from the last one, comparing each page's bytes. */
  async function walk(base: string): Promise<number> {
    let pages = 0;
    let token: string | undefined;
    let last = '';
    do {
      const [a, b] = await bodies(`${base}${token ? `&pagination_token=${token}` : ''}`);
      assert.equal(b, a);
      pages += 1;
      last = a;
      token = JSON.parse(a).meta.next_token;
    } while (token);
    let back: string | undefined = JSON.parse(last).meta.previous_token;
    while (back) {
      const [a, b] = await bodies(`${base}&pagination_token=${back}`);
      assert.equal(b, a);
      back = JSON.parse(a).meta.previous_token;
    }
    return pages;
  }

  it('liked_tweets with every expansion, in pages, both ways', async () => {
    const user = sqlite.creds.heavyLikerUserId;
    assert.equal(postgres.creds.heavyLikerUserId, user, 'the demo world is the same');
    const query = [
      'max_results=37',
      'expansions=author_id,referenced_tweets.id,referenced_tweets.id.author_id,entities.mentions.username,attachments.media_keys,attachments.poll_ids,geo.place_id,in_reply_to_user_id',
      'tweet.fields=created_at,public_metrics,entities,referenced_tweets,attachments,geo,lang,source,conversation_id',
      'user.fields=created_at,description,protected,public_metrics,verified,pinned_tweet_id',
      'media.fields=url,width,height,alt_text,duration_ms,preview_image_url,public_metrics',
      'poll.fields=options,end_datetime,voting_status,duration_minutes',
      'place.fields=full_name,country,geo,place_type',
    ].join('&');
    const pages = await walk(`/2/users/${user}/liked_tweets?${query}`);
    assert.ok(pages >= 8, `walked ${pages} pages`);
  });

  it('liking_users of the popular Tweet, capped at 100, with pinned Tweets', async () => {
    const pages = await walk(
      `/2/tweets/${sqlite.creds.popularTweetId}/liking_users?max_results=13&expansions=pinned_tweet_id&user.fields=created_at,public_metrics&tweet.fields=created_at`,
    );
    assert.equal(pages, 8);
  });

  it('default fields, in pages, both ways: texts and names as written, every escape included', async () => {
    // A Tweet and a liker whose text and name hold what JSON escapes, liked newest in both worlds.
    const hostile = `${Array.from({ length: 31 }, (_, i) => String.fromCharCode(i + 1)).join('')}"\\/\u007f\u2028 é 🦜`;
    const liker = sqlite.creds.heavyLikerUserId;
    const popular = sqlite.creds.popularTweetId;
    for (const server of [sqlite, postgres]) {
      const { store } = server.services;
      await store.insertUsers([user('990000000000000001', { name: hostile, username: 'hostile_liker' })]);
      await store.insertTweets([tweet('990000000000000002', sqlite.creds.users[0].id, { text: hostile })]);
      await store.insertLikes([
        { userId: liker, tweetId: '990000000000000002', likedAt: Date.now() },
        { userId: '990000000000000001', tweetId: popular, likedAt: Date.now() },
      ]);
    }
    const [likedFirst] = await bodies(`/2/users/${liker}/liked_tweets?max_results=5`);
    assert.deepEqual(JSON.parse(likedFirst).data[0], { edit_history_tweet_ids: ['990000000000000002'], id: '990000000000000002', text: hostile });
    const [likersFirst] = await bodies(`/2/tweets/${popular}/liking_users?max_results=5`);
    assert.deepEqual(JSON.parse(likersFirst).data[0], { id: '990000000000000001', name: hostile, username: 'hostile_liker' });
    assert.ok((await walk(`/2/users/${liker}/liked_tweets?max_results=41`)) >= 3);
    assert.equal(await walk(`/2/tweets/${popular}/liking_users?max_results=17`), 6);
  });

  it('lookups of what is missing, deleted or protected', async () => {
    for (const path of [
      `/2/tweets/${sqlite.creds.deletedTweetIds[0]}/liking_users`,
      '/2/users/1/liked_tweets',
      `/2/users/${sqlite.creds.users[2].id}/liked_tweets`,
    ]) {
      const [a, b] = await bodies(path);
      assert.equal(b, a, path);
    }
  });
});
