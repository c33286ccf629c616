// The response cache is exact: a model check. Servers as configured by default (response cache on) and one with the
// cache off (every answer computed), on one store, answer the same reads between random writes: likes and unlikes
// through the API, and writes another connection commits (a Tweet deleted or restored, an account suspended or
// protected, a like, the Project's policy), as the CLI does, and the world saved to a snapshot and put back. Every read must come back byte for byte the same from both, whoever asks (the
// App, or a user whose view differs: protected accounts) and whatever fields and expansions (with like counts shown
// or not). A cached answer that a write made stale would differ. On SQLite: one server and the file's other
// connections. On PostgreSQL + Redis: two instances, each write through either and each read from either, so an
// answer one instance cached must also give way to the other's writes.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { PostgresStore } from '../../src/adapters/postgres/postgresStore.ts';
import { SqliteStore } from '../../src/adapters/sqlite/sqliteStore.ts';
import { Prng } from '../../src/demo/prng.ts';
import { startTestServer, type TestServer } from '../support/harness.ts';
import { createDatabase, type TestDatabase } from '../support/postgres.ts';
import { deleteByPrefix, REDIS_URL } from '../support/processes.ts';

const LIKED_FIELDS = ['', '&tweet.fields=public_metrics', '&expansions=author_id&user.fields=public_metrics,protected&tweet.fields=created_at'];
const LIKING_FIELDS = ['', '&user.fields=public_metrics', '&expansions=pinned_tweet_id&tweet.fields=public_metrics&user.fields=protected'];
const OPERATIONS = 1_500;
const SEED = 20261206;
const LIMITS_OFF = { LIKES_API_LIMITS: 'off' };

interface Servers {
  /** Response cache on (the first seeded the demo world). */
  cached: TestServer[];
  /** Response cache off, on the same store: the reference, and (its store) the writer elsewhere. */
  uncached: TestServer;
}

/** `operations` random writes and reads; every read compared between a cached server and the uncached one. */
async function modelCheck({ cached, uncached }: Servers, seed: number, operations: number): Promise<void> {
  // Seeded: a failure names the run that reproduces it.
  const random = new Prng(seed);
  const rand = () => random.next();
  const pick = <T>(xs: readonly T[]): T => random.pick(xs);
  const { creds } = cached[0];
  const elsewhere = uncached.services.store;
  // A small world, so that writes and reads meet often: six users (protected ones among them, whose Tweets only they
  // see) and ten Tweets, half of them by those users (their like counts show in the users' pages and the authors'
  // expansions).
  const users = creds.users.slice(0, 6);
  const ids = new Set(users.map((u) => u.id));
  const deleted = new Set(creds.deletedTweetIds);
  const live = creds.tweets.filter((t) => !deleted.has(t.id));
  const tweets = [...live.filter((t) => ids.has(t.authorId)).slice(0, 5), ...live.filter((t) => !ids.has(t.authorId)).slice(0, 5)].map((t) => t.id);
  assert.ok(users.some((u) => u.protected), 'a protected user among them');
  assert.equal(tweets.length, 10);
  const hits = async (): Promise<number> => {
    let sum = 0;
    for (const s of cached) {
      const text = await (await fetch(`${s.baseUrl}/metrics`)).text();
      sum += Number(/likes_api_response_cache_lookups_total\{result="hit"\} (\d+)/.exec(text)?.[1] ?? 0);
    }
    return sum;
  };
  const hitsBefore = await hits();
  const log: string[] = [];
  const recent: { path: string; token: string }[] = [];
  let compared = 0;
  let saved = false;

  /** `path`'s first page and, when there is one, its second, each from the uncached server and a cached one. */
  const read = async (path: string, token: string): Promise<void> => {
    let page = path;
    for (let n = 0; n < 2; n++) {
      const at = page;
      const ask = (base: string) => fetch(`${base}${at}`, { headers: { authorization: `Bearer ${token}` } }).then(async (r) => `${r.status} ${await r.text()}`);
      const server = pick(cached);
      const fresh = await ask(uncached.baseUrl);
      const answer = await ask(server.baseUrl);
      compared += 1;
      assert.equal(answer, fresh, `read ${at} from cached server ${cached.indexOf(server)} differs after:\n${log.slice(-12).join('\n')}`);
      const next = /"next_token":"([0-9a-z]+)"/.exec(fresh)?.[1];
      if (!next) return;
      page = `${path}&pagination_token=${next}`;
    }
  };

  for (let i = 0; i < operations; i++) {
    const r = rand();
    const user = pick(users);
    const tweet = pick(tweets);
    if (r < 0.25) {
      const unlike = r >= 0.15;
      const through = pick(cached);
      const res = await fetch(`${through.baseUrl}/2/users/${user.id}/likes${unlike ? `/${tweet}` : ''}`, {
        method: unlike ? 'DELETE' : 'POST',
        headers: { authorization: `Bearer ${user.oauth2AccessToken}`, 'content-type': 'application/json' },
        body: unlike ? undefined : JSON.stringify({ tweet_id: tweet }),
      });
      await res.arrayBuffer();
      assert.ok(res.status < 500, `${unlike ? 'unlike' : 'like'}: ${res.status}`);
      log.push(`${i}: ${user.id} ${unlike ? 'unlikes' : 'likes'} ${tweet} through server ${cached.indexOf(through)} (${res.status})`);
    } else if (r < 0.29) {
      // The default world's data saved, or put back as it was saved (through a cached server's control API).
      const restore: boolean = saved && rand() < 0.6;
      const through = pick(cached);
      const res: Response = await fetch(`${through.baseUrl}/__admin/sandboxes/default/snapshots${restore ? '/model/restore' : ''}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${creds.adminToken}`, 'content-type': 'application/json' },
        body: restore ? undefined : JSON.stringify({ name: 'model' }),
      });
      await res.arrayBuffer();
      assert.equal(res.status, restore ? 200 : 201);
      saved = true;
      log.push(`${i}: the default world ${restore ? 'restored from' : 'saved as'} snapshot "model" through server ${cached.indexOf(through)}`);
    } else if (r < 0.31) {
      const w = rand();
      if (w < 0.4) {
        const gone = rand() < 0.5;
        await elsewhere.setTweetDeleted(tweet, gone);
        log.push(`${i}: elsewhere, ${tweet} ${gone ? 'deleted' : 'restored'}`);
      } else if (w < 0.7) {
        const flags = rand() < 0.5 ? { suspended: rand() < 0.4 } : { protected: rand() < 0.5 };
        await elsewhere.setUserFlags(user.id, flags);
        log.push(`${i}: elsewhere, ${user.id} ${JSON.stringify(flags)}`);
      } else if (w < 0.9) {
        await elsewhere.like(user.id, tweet, Date.now());
        log.push(`${i}: elsewhere, ${user.id} likes ${tweet}`);
      } else {
        // The Project's policy, as `likes-api project set` changes it: what the answers show, and to whom.
        const project = (await elsewhere.projectById(creds.project.id))!;
        const policy = {
          ...project.policy,
          likesPrivacy: pick(['public', 'private'] as const),
          likingUsersCap: rand() < 0.5,
          metricNames: pick(['both', 'v2159', 'v2167'] as const),
          appOnlyOnLookups: pick(['accept', 'accept', 'refuse'] as const),
        };
        await elsewhere.putProject({ ...project, policy });
        log.push(`${i}: elsewhere, the Project's policy ${JSON.stringify(policy)}`);
      }
    } else {
      // Often a read asked a little earlier, with writes in between: what the cache kept must still be true.
      const again = recent.length > 0 && rand() < 0.5 ? pick(recent) : null;
      const token = again?.token ?? (rand() < 0.5 ? creds.app.bearerToken : pick(users.slice(0, 3)).oauth2AccessToken);
      const path = again?.path ?? (rand() < 0.6
        ? `/2/users/${user.id}/liked_tweets?max_results=5${pick(LIKED_FIELDS)}`
        : `/2/tweets/${tweet}/liking_users?max_results=5${pick(LIKING_FIELDS)}`);
      if (!again && recent.push({ path, token }) > 8) recent.shift();
      await read(path, token);
    }
  }
  // Not vacuous: many of these reads were answered from a cache, and every one was compared.
  const served = (await hits()) - hitsBefore;
  assert.ok(compared > operations / 2, `reads compared: ${compared}`);
  assert.ok(served > compared / 10, `answers served from the cache: ${served} of ${compared}`);
}

describe('response cache: the same answers as no cache, between random writes', () => {
  describe('SQLite: one server, writes also from another connection', () => {
    const dir = mkdtempSync(join(tmpdir(), 'likes-cache-model-'));
    const file = join(dir, 'likes.db');
    let servers: Servers;
    before(async () => {
      const cached = await startTestServer({ store: new SqliteStore(file), env: LIMITS_OFF });
      servers = { cached: [cached], uncached: await startTestServer({ store: new SqliteStore(file), demo: false, env: { ...LIMITS_OFF, LIKES_API_CACHE: 'off' } }) };
    });
    after(async () => {
      await servers?.uncached.close();
      for (const s of servers?.cached ?? []) await s.close();
      rmSync(dir, { recursive: true, force: true });
    });

    it(`${OPERATIONS} operations (seed ${SEED}): every read the same`, async () => {
      await modelCheck(servers, SEED, OPERATIONS);
    });
  });

  describe('PostgreSQL + Redis: two instances, writes through either and from elsewhere', () => {
    const prefix = `likes-api-test:cache-model:${randomUUID()}:`;
    const env = { ...LIMITS_OFF, LIKES_API_REDIS_URL: REDIS_URL, LIKES_API_REDIS_PREFIX: prefix };
    let db: TestDatabase;
    let servers: Servers;
    before(async () => {
      db = await createDatabase('cache_model');
      const first = await startTestServer({ store: new PostgresStore(db.url), env });
      const second = await startTestServer({ store: new PostgresStore(db.url), demo: false, env });
      const uncached = await startTestServer({ store: new PostgresStore(db.url), demo: false, env: { ...env, LIKES_API_CACHE: 'off' } });
      servers = { cached: [first, second], uncached };
    });
    after(async () => {
      await servers?.uncached.close();
      for (const s of servers?.cached ?? []) await s.close();
      await db?.drop();
      await deleteByPrefix(REDIS_URL, prefix);
    });

    it(`${OPERATIONS} operations (seed ${SEED + 1}): every read the same, from either instance`, async () => {
      await modelCheck(servers, SEED + 1, OPERATIONS);
    });
  });
});
