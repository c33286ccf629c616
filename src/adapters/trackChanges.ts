// Bumps the change counter after every store write that can change a lookup response or a credential, so
// responses and credentials remembered from older data are never used again.
import type { ChangeCounter } from '../ports/changes.ts';
import type { LikesStore } from '../ports/store.ts';

/**
 * Writes that change what a lookup shows or who a credential authenticates (responses and credential
 * lookups are both remembered under the data version); like/unlike answer false when nothing changed.
 */
const VISIBLE_WRITES = new Set<string>([
  'like', 'unlike', 'insertUsers', 'insertTweets', 'insertMedia', 'insertPolls', 'insertPlaces', 'insertLikes',
  'setTweetDeleted', 'setUserFlags', 'putProject', 'putApp', 'putOAuth1Token', 'deleteOAuth1TokensOfApp', 'putBearer',
  'deleteBearer', 'deleteBearersOfApp',
]);

const RETRY_MS = 100;

export function trackChanges(store: LikesStore, changes: ChangeCounter): LikesStore {
  // A bump that failed (shared counter unreachable) is retried until it lands, so no instance keeps serving
  // responses older than a committed write once the counter is back.
  let retrying = false;
  const retry = () => {
    if (retrying) return;
    retrying = true;
    const attempt = () =>
      changes.bump().then(
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
        fn = VISIBLE_WRITES.has(String(prop))
          ? async (...args: unknown[]) => {
              const result = await value.apply(target, args);
              if (result !== false) {
                try {
                  await changes.bump();
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
