// trackChanges: which versions each store write bumps (the table in src/adapters/trackChanges.ts), on a real store.
import assert from 'node:assert/strict';
import { after, before, describe, it, type TestContext } from 'node:test';
import { SqliteStore } from '../../src/adapters/sqlite/sqliteStore.ts';
import { trackChanges } from '../../src/adapters/trackChanges.ts';
import type { ChangeCounter, ChangeKind, Versions } from '../../src/ports/changes.ts';
import type { LikesStore } from '../../src/ports/store.ts';

/** Records every bump instead of counting: a likes bump as its keys. */
class RecordingCounter implements ChangeCounter {
  readonly shared = false;
  bumps: (ChangeKind | string)[][] = [];
  async current(): Promise<Versions> {
    return { data: String(this.bumps.length), credentials: String(this.bumps.length), likes: 0 };
  }
  async bump(kinds: readonly ChangeKind[]): Promise<void> {
    this.bumps.push([...kinds]);
  }
  async bumpLikes(keys: readonly string[]): Promise<void> {
    this.bumps.push(keys.map((k) => `likes:${k}`));
  }
  async likeChanges(): Promise<null> {
    return null;
  }
  take(): (ChangeKind | string)[][] {
    const b = this.bumps;
    this.bumps = [];
    return b;
  }
}

describe('trackChanges', () => {
  const raw = new SqliteStore(':memory:');
  const counter = new RecordingCounter();
  let store: LikesStore;

  before(async () => {
    await raw.migrate();
    store = trackChanges(raw, counter);
  });
  after(() => raw.close());

  const user = (id: string) => ({
    id, username: `u${id}`, name: id, createdAt: 0, description: '', location: null, url: null, profileImageUrl: '',
    protected: false, verified: false, suspended: false, pinnedTweetId: null,
    metrics: { followers_count: 0, following_count: 0, tweet_count: 0, listed_count: 0, like_count: 0 },
  });

  it('content writes bump data; a user write bumps both; a like or unlike bumps likes with its user and Tweet; a write that changed nothing bumps nothing', async () => {
    await store.insertUsers([user('1')]);
    assert.deepEqual(counter.take(), [['data', 'credentials']]);
    await store.setUserFlags('1', { suspended: false });
    assert.deepEqual(counter.take(), [['data', 'credentials']]);
    assert.equal(await store.like('1', '9', 1000), true);
    assert.equal(await store.like('1', '9', 2000), false);
    assert.equal(await store.unlike('1', '9', Date.now()), true);
    assert.deepEqual(counter.take(), [['likes:u1', 'likes:t9'], ['likes:u1', 'likes:t9']]);
    await store.insertLikes([{ userId: '1', tweetId: '8', likedAt: 3000 }]);
    assert.deepEqual(counter.take(), [['data']]);
  });

  it('credential writes bump credentials, deleting one OAuth 1.0a token included', async () => {
    const token = { token: '1-abc', appId: 'a1', userId: '1', secretSealed: 'v1.x', permission: 'read' as const };
    await store.putOAuth1Token(token);
    await store.deleteOAuth1Token(token.token);
    await store.deleteBearer('none');
    assert.deepEqual(counter.take(), [['credentials'], ['credentials'], ['credentials']]);
    assert.equal(await raw.oauth1Token(token.token), null);
  });

  it('reads, settings and passwords bump nothing', async () => {
    await store.usersByIds(['1']);
    await store.oauth1Token('1-abc');
    await store.setCallbackUrls('a1', ['https://example.com/cb']);
    assert.deepEqual(await store.callbackUrls('a1'), ['https://example.com/cb']);
    await store.setSealedAppBearer('a1', 'v1.y');
    await store.setUserPassword('1', 'hash');
    await store.setSeedClaimIfAbsent({ instanceId: 'i', claimedAt: 1 });
    assert.deepEqual(counter.take(), []);
  });
});

describe('trackChanges retrying a failed bump', () => {
  /** A counter that is unreachable until `up` is set. */
  const flaky = () => {
    const c = { up: false, calls: 0, shared: true, current: async (): Promise<Versions> => ({ data: '0', credentials: '0', likes: 0 }) } as ChangeCounter & { up: boolean; calls: number };
    // A like's own bump (likes) fails; the retries bump everything.
    c.bump = c.bumpLikes = async () => {
      c.calls++;
      if (!c.up) throw new Error('counter unreachable');
    };
    return c;
  };
  const settle = () => new Promise((resolve) => setImmediate(resolve));
  /** A store on mocked timers whose first like has just failed to bump an unreachable counter (one call so far). */
  const likeWithUnreachableCounter = async (t: TestContext) => {
    t.mock.timers.enable({ apis: ['setTimeout'] });
    const raw = new SqliteStore(':memory:');
    await raw.migrate();
    const counter = flaky();
    const store = trackChanges(raw, counter);
    await assert.rejects(store.like('1', '9', 1000), /counter unreachable/);
    return { counter, store };
  };

  it('retries every 100 ms until the bump lands, then stops', async (t) => {
    const { counter, store } = await likeWithUnreachableCounter(t);
    for (const expected of [2, 3]) {
      t.mock.timers.tick(100);
      await settle();
      assert.equal(counter.calls, expected);
    }
    counter.up = true;
    t.mock.timers.tick(100);
    await settle();
    t.mock.timers.tick(1000);
    await settle();
    assert.equal(counter.calls, 4);
    await store.close();
  });

  it('stops retrying once the store is closed', async (t) => {
    const { counter, store } = await likeWithUnreachableCounter(t);
    t.mock.timers.tick(100);
    await settle();
    assert.equal(counter.calls, 2);
    await store.close();
    t.mock.timers.tick(1000);
    await settle();
    assert.equal(counter.calls, 2);
  });
});
