// Bumps the change counter after every store write that can change a lookup response or a credential, so
// responses and credentials remembered from older data are never used again.
import type { ChangeCounter, ChangeKind } from '../ports/changes.ts';
import type { LikesStore } from '../ports/store.ts';
import { likeKeys } from '../domain/likeKeys.ts';

type StoreMethod = { [K in keyof LikesStore]: LikesStore[K] extends (...args: never[]) => unknown ? K : never }[keyof LikesStore];

/** The methods that change nothing another request could have remembered: reads, and the store's own lifecycle. */
const READS = [
  'migrate', 'close', 'foreignWriteToken',
  'isEmpty', 'usersByIds', 'accountFlags', 'tweetCoreWithAuthor', 'usersByUsernames', 'tweetsByIds', 'mediaByKeys', 'pollsByIds', 'placesByIds', 'listUsers',
  'likesByUser', 'likedTweetsByUser', 'likedTweetCoresByUser', 'likesOfTweet', 'likingUsersOfTweet', 'likingUserCoresOfTweet',
  'projectById', 'listProjects', 'projectsOfDeveloper', 'developerById', 'developerByUsername', 'listDevelopers', 'appById', 'appByConsumerKey', 'appByClientId', 'listApps', 'oauth1Token',
  'bearerByHash', 'userGrantScopes', 'userPasswordHash',
  'storedSecretKey', 'secretKeyCanary', 'callbackUrls', 'sealedAppBearer', 'websiteUrl', 'ownerAccessToken', 'projectUseCase',
  'demoCredentials', 'seedClaim', 'getMeta',
] as const satisfies readonly StoreMethod[];

/** Every other method of the store: each must say below what it bumps, or this file does not compile. */
export type WriteMethod = Exclude<StoreMethod, (typeof READS)[number]>;

/**
 * What a write changes: what lookups show, who credentials authenticate, both, or neither (nothing is remembered); or,
 * for a like or an unlike (whose first two arguments are the user's and the Tweet's ids), only what shows that user or
 * that Tweet (src/domain/likeKeys.ts).
 */
type Bumps = 'likes' | 'data' | 'credentials' | 'both' | 'nothing';

const WRITES = {
  like: 'likes',
  unlike: 'likes',
  insertTweets: 'data',
  insertMedia: 'data',
  insertPolls: 'data',
  insertPlaces: 'data',
  insertLikes: 'data',
  setTweetDeleted: 'data',
  // A user's suspension decides both what is shown and whether their tokens authenticate.
  insertUsers: 'both',
  setUserFlags: 'both',
  putProject: 'credentials',
  // A developer's password and username decide who signs in to the portal, which reads them afresh; bumped anyway,
  // as a credential, so nothing remembered about a developer outlives a change.
  putDeveloper: 'credentials',
  putApp: 'credentials',
  putOAuth1Token: 'credentials',
  deleteOAuth1Token: 'credentials',
  deleteOAuth1TokensOfApp: 'credentials',
  putBearer: 'credentials',
  deleteBearer: 'credentials',
  deleteBearersOfApp: 'credentials',
  // An expired token is refused either way; bumped so that a lookup remembered before says what a fresh one says.
  deleteBearersExpiredBy: 'credentials',
  // Read afresh on every use: passwords at sign-in, settings where they are needed.
  setUserPassword: 'nothing',
  setStoredSecretKeyIfAbsent: 'nothing',
  deleteStoredSecretKey: 'nothing',
  setSecretKeyCanaryIfAbsent: 'nothing',
  setCallbackUrls: 'nothing',
  setSealedAppBearer: 'nothing',
  setWebsiteUrl: 'nothing',
  setOwnerAccessToken: 'nothing',
  setProjectUseCase: 'nothing',
  setSealedFormKeyIfAbsent: 'nothing',
  setDemoCredentials: 'nothing',
  setDemoCredentialsIfAbsent: 'nothing',
  setSeedClaimIfAbsent: 'nothing',
  claimIdWorker: 'nothing',
  setMeta: 'nothing',
  setMetaIfAbsent: 'nothing',
  deleteMeta: 'nothing',
  incrementMeta: 'nothing',
} as const satisfies Record<WriteMethod, Bumps>;

const KINDS: Record<Exclude<Bumps, 'likes'>, readonly ChangeKind[]> = {
  data: ['data'],
  credentials: ['credentials'],
  both: ['data', 'credentials'],
  nothing: [],
};

const RETRY_MS = 100;

export function trackChanges(store: LikesStore, changes: ChangeCounter): LikesStore {
  // A bump that failed (shared counter unreachable) is retried until it lands, so no instance keeps serving
  // responses older than a committed write once the counter is back; closing the store ends the retrying.
  let retrying = false;
  let closed = false;
  let timer: ReturnType<typeof setTimeout> | null = null;
  const later = (attempt: () => void) => {
    timer = closed ? null : setTimeout(attempt, RETRY_MS).unref();
  };
  const retry = () => {
    if (retrying || closed) return;
    retrying = true;
    const attempt = () =>
      changes.bump(['data', 'credentials']).then(
        () => (retrying = false),
        () => later(attempt),
      );
    later(attempt);
  };
  const close = async () => {
    closed = true;
    if (timer) clearTimeout(timer);
    await store.close();
  };
  const wrapped = new Map<PropertyKey, unknown>();
  return new Proxy(store, {
    get(target, prop) {
      const value = Reflect.get(target, prop, target);
      if (typeof value !== 'function') return value;
      if (prop === 'close') return close;
      let fn = wrapped.get(prop);
      if (!fn) {
        const bumps = Object.hasOwn(WRITES, prop) ? WRITES[prop as WriteMethod] : 'nothing';
        const kinds = bumps === 'likes' ? null : KINDS[bumps];
        const bump: ((args: unknown[]) => Promise<void>) | null =
          kinds === null
            ? (args) => changes.bumpLikes(likeKeys(args[0] as string, args[1] as string))
            : kinds.length > 0
              ? () => changes.bump(kinds)
              : null;
        fn = bump
          ? async (...args: unknown[]) => {
              const result = await value.apply(target, args);
              if (result !== false) {
                try {
                  await bump(args);
                } catch (error) {
                  retry();
                  throw error;
                }
              }
              return result;
            }
          : value.bind(target);
        wrapped.set(prop, fn);
      }
      return fn;
    },
  });
}
