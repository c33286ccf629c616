// The renamed public metrics (docs/decisions.md X7): by default both names, the v2.167 name right after its
// v2.159 twin and every other key where it was; the `metricNames` policy (Project, App override) picks one set.
// Bodies are checked as served against both of X's OpenAPI documents, with no renaming.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import type { PolicyOverrides } from '../../src/domain/model.ts';
import { assertValidSuccess, successViolations } from '../support/openapi.ts';
import { serverForSuite } from '../support/harness.ts';

type Json = Record<string, any>;

const TWEET_BOTH = ['retweet_count', 'repost_count', 'reply_count', 'like_count', 'quote_count', 'bookmark_count', 'impression_count'];
const USER_BOTH = ['followers_count', 'following_count', 'tweet_count', 'post_count', 'listed_count', 'like_count'];
const TWEET_V2159 = TWEET_BOTH.filter((k) => k !== 'repost_count');
const USER_V2159 = USER_BOTH.filter((k) => k !== 'post_count');
const TWEET_V2167 = TWEET_BOTH.filter((k) => k !== 'retweet_count');
const USER_V2167 = USER_BOTH.filter((k) => k !== 'tweet_count');

describe('renamed public metrics', () => {
  const server = serverForSuite();
  let liked: string;
  let likers: string;
  before(async () => {
    const heavy = server.creds.heavyLikerUserId;
    liked = `/2/users/${heavy}/liked_tweets?max_results=30&tweet.fields=public_metrics&expansions=author_id,referenced_tweets.id&user.fields=public_metrics`;
    // The popular Tweet's likers with their pinned Tweets: the demo world pins none, so one liker pins its own.
    likers = `/2/tweets/${server.creds.popularTweetId}/liking_users?max_results=30&user.fields=public_metrics&expansions=pinned_tweet_id&tweet.fields=public_metrics`;
    const { store } = server.services;
    const newest = await store.likesOfTweet(server.creds.popularTweetId, { limit: 30, direction: 'older' });
    const users = await store.usersByIds(newest.map((r) => r.userId));
    const deleted = new Set(server.creds.deletedTweetIds);
    const pins = users.flatMap((u) => {
      const own = server.creds.tweets.find((t) => t.authorId === u.id && !deleted.has(t.id));
      return !u.protected && !u.suspended && own ? [{ ...u, pinnedTweetId: own.id }] : [];
    });
    assert.ok(pins.length > 0, 'a listed liker has a Tweet of its own to pin');
    await store.insertUsers([pins[0]]);
  });

  async function get(path: string, token: string): Promise<{ body: Json; text: string }> {
    const res = await fetch(`${server.baseUrl}${path}`, { headers: { authorization: `Bearer ${token}` } });
    const text = await res.text();
    assert.equal(res.status, 200, text);
    return { body: JSON.parse(text) as Json, text };
  }

  /** Every public_metrics object of the body: Tweets' (data or includes.tweets) and users'. */
  function metricsOf(body: Json): { tweets: Json[]; users: Json[] } {
    const all = [...(body.data ?? []), ...(body.includes?.tweets ?? []), ...(body.includes?.users ?? [])];
    const tweets = all.filter((o) => 'text' in o).map((o) => o.public_metrics);
    const users = all.filter((o) => 'username' in o).map((o) => o.public_metrics);
    return { tweets, users };
  }

  function assertKeys(body: Json, tweetKeys: string[], userKeys: string[]): void {
    const { tweets, users } = metricsOf(body);
    assert.ok(tweets.length > 0 && users.length > 0, 'the page carries Tweet and user metrics');
    for (const m of tweets) assert.deepEqual(Object.keys(m), tweetKeys);
    for (const m of users) assert.deepEqual(Object.keys(m), userKeys);
  }

  const appWith = async (projectPolicy: PolicyOverrides, appPolicy: PolicyOverrides = {}): Promise<string> => {
    const { credentials } = server.services;
    const project = await credentials.createProject('Metric names', { policy: projectPolicy });
    return (await credentials.createApp('Metric names app', project.id, 'read-write', appPolicy)).bearerToken;
  };

  it('by default emits both names, the v2.167 one right after its twin, with the same value; both documents accept it', async () => {
    for (const path of [liked, likers]) {
      const { body } = await get(path, server.creds.app.bearerToken);
      assertValidSuccess(path, 'GET', body);
      assertKeys(body, TWEET_BOTH, USER_BOTH);
      const { tweets, users } = metricsOf(body);
      for (const m of tweets) assert.equal(m.repost_count, m.retweet_count);
      for (const m of users) assert.equal(m.post_count, m.tweet_count);
    }
  });

  it('policy v2159: the old names only, valid under 2.159 and refused by 2.167 as served', async () => {
    const bearer = await appWith({ metricNames: 'v2159' });
    for (const path of [liked, likers]) {
      const { body } = await get(path, bearer);
      assertKeys(body, TWEET_V2159, USER_V2159);
      const v = successViolations(path, 'GET', body);
      assert.equal(v.v2159, '');
      assert.match(v.v2167, path === liked ? /repost_count/ : /post_count/);
    }
  });

  it('policy v2167: the new names only, each in its twin\'s place, valid under 2.167 and refused by 2.159', async () => {
    const bearer = await appWith({ metricNames: 'v2159' }, { metricNames: 'v2167' });
    for (const path of [liked, likers]) {
      const { body } = await get(path, bearer);
      assertKeys(body, TWEET_V2167, USER_V2167);
      const v = successViolations(path, 'GET', body);
      assert.equal(v.v2167, '');
      assert.match(v.v2159, path === liked ? /retweet_count/ : /tweet_count/);
    }
  });

  it('the policy changes nothing else: bodies differ only in the metric names', async () => {
    const both = await get(liked, server.creds.app.bearerToken);
    const old = await get(liked, await appWith({ metricNames: 'v2159' }));
    const stripped = both.text.replace(/"repost_count":\d+,/g, '').replace(/"post_count":\d+,/g, '');
    assert.equal(stripped, old.text);
  });
});
