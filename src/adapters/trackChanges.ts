// Bumps the change counter after every store write that can change a lookup response or a credential, so
// responses and credentials remembered from older data are never used again.
import type { ChangeCounter, ChangeKind } from '../ports/changes.ts';
import type { LikesStore } from '../ports/store.ts';

/** What each write changes: what lookups show, who credentials authenticate, or both. */
const WRITES: Readonly<Record<string, readonly ChangeKind[]>> = {
  like: ['data'],
  unlike: ['data'],
  insertTweets: ['data'],
  insertMedia: ['data'],
  insertPolls: ['data'],
  insertPlaces: ['data'],
  insertLikes: ['data'],
  setTweetDeleted: ['data'],
  // A user's suspension decides both what is shown and whether their tokens authenticate.
  insertUsers: ['data', 'credentials'],
  setUserFlags: ['data', 'credentials'],
  putProject: ['credentials'],
  putApp: ['credentials'],
  putOAuth1Token: ['credentials'],
  deleteOAuth1Token: ['credentials'],
  deleteOAuth1TokensOfApp: ['credentials'],
  putBearer: ['credentials'],
  deleteBearer: ['credentials'],
  deleteBearersOfApp: ['credentials'],
};

const RETRY_MS = 100;

export function trackChanges(store: LikesStore, changes: ChangeCounter): LikesStore {
  // A bump that failed (shared counter unreachable) is retried until it lands, so no instance keeps serving
  // responses older than a committed write once the counter is back.
  let retrying = false;
  const retry = () => {
    if (retrying) return;
    retrying = true;
    const attempt = () =>
      changes.bump(['data', 'credentials']).then(
        () => (retrying = false),
        () => setTimeout(attempt, RETRY_MS).unref(),
      );
    setTimeout(attempt, RETRY_MS).unref();
  };
  const wrapped = new Map<PropertyKey, unknown>();
  return new Proxy(store, {
    get(target, prop) {
      const value = Reflect.get(target, prop, target);
      if (typeof value !== 'function') return value;
      let fn = wrapped.get(prop);
      if (!fn) {
        const kinds = WRITES[String(prop)];
        fn = kinds
          ? async (...args: unknown[]) => {
              const result = await value.apply(target, args);
              if (result !== false) {
                try {
                  await changes.bump(kinds);
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
