// Bumps the change counter after every store write that can change a lookup response, so cached responses
// built from older data are never served again.
import type { ChangeCounter } from '../ports/changes.ts';
import type { LikesStore } from '../ports/store.ts';

/** Writes that change what lookups show; like/unlike answer false when nothing changed. */
const DATA_WRITES = new Set<string>([
  'like', 'unlike', 'insertUsers', 'insertTweets', 'insertMedia', 'insertPolls', 'insertPlaces', 'insertLikes',
  'setTweetDeleted', 'setUserFlags',
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
        fn = DATA_WRITES.has(String(prop))
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
