// Plain records for tests that fill a store by hand: every field set to an ordinary value, `over` changes some.
import { newTweet, type AppRecord, type DeveloperRecord, type ProjectRecord, type TweetRecord, type UserRecord } from '../../src/domain/model.ts';

export function user(id: string, over: Partial<UserRecord> = {}): UserRecord {
  return {
    id,
    username: `u_${Buffer.from(id).toString('hex')}`,
    name: `User ${id}`,
    createdAt: 1_300_000_000_000,
    description: '',
    location: null,
    url: null,
    profileImageUrl: `https://pbs.example/profile/${id}.jpg`,
    protected: false,
    verified: false,
    suspended: false,
    pinnedTweetId: null,
    metrics: { followers_count: 10, following_count: 20, tweet_count: 30, listed_count: 1, like_count: 0 },
    ...over,
  };
}

export function tweet(id: string, authorId: string, over: Partial<TweetRecord> = {}): TweetRecord {
  return newTweet({ id, authorId, text: `Tweet ${id}`, createdAt: 1_600_000_000_000, lang: 'en', source: 'Twitter Web App', ...over });
}

export function project(id: string, over: Partial<ProjectRecord> = {}): ProjectRecord {
  return { id, name: `Project ${id}`, monthlyTweetCap: 2_000_000, capResetDay: 15, developerState: 'approved', developerId: null, policy: {}, ...over };
}

export function app(id: string, over: Partial<AppRecord> = {}): AppRecord {
  return {
    id,
    name: `App ${id}`,
    projectId: null,
    permission: 'read',
    suspended: false,
    consumerKey: `ck-${id}`,
    consumerSecretSealed: `sealed-${id}`,
    clientId: `cid-${id}`,
    clientSecretHash: `hash-${id}`,
    policy: {},
    appType: 'web',
    ...over,
  };
}

export function developer(id: string, over: Partial<DeveloperRecord> = {}): DeveloperRecord {
  return { id, username: `dev_${Buffer.from(id).toString('hex')}`, passwordHash: `scrypt$hash-${id}`, createdAt: 1_700_000_000_000, userId: null, ...over };
}
