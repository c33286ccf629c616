// Section "main" (side by side): the ceiling (a bare node:http server sending the same page bytes), then the Likes API
// on SQLite and on PostgreSQL + Redis with 1 and 2 instances, bearer and OAuth 1.0a, response cache on and off. It
// also captures the page and the 1000 Tweets the peers section serves.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DemoCredentials } from '../../src/demo/demoSeed.ts';
import type { BenchContext } from '../lib/context.ts';
import { postgresProbe, sqliteProbe, workCopy, type SeedOutcome } from '../lib/data.ts';
import type { AcRequest } from '../lib/load.ts';
import { capture, measure, row, sha } from '../lib/measure.ts';
import { freePort } from '../../test/support/net.ts';
import { ROOT, startLikesServer, startProc, type Proc } from '../lib/proc.ts';
import { EXPANDED, likedPath, likingPath, pairPools, readRequests, toggleRequests, undoToggles, type Auth, type PairPool } from '../lib/requests.ts';
import type { BenchResults } from '../lib/results.ts';

interface Scenario {
  id: string;
  label: string;
  auth: Auth;
  requests: (creds: DemoCredentials, pools: { toggle: PairPool }) => AcRequest[];
}

function scenarios(seed: SeedOutcome): Scenario[] {
  const heavy = seed.creds.heavyLikerUserId;
  const popular = seed.creds.popularTweetId;
  const list: Scenario[] = [];
  for (const auth of ['bearer', 'oauth1'] as const) {
    const how = auth === 'bearer' ? 'app bearer' : 'OAuth 1.0a';
    list.push(
      { id: `liked_tweets:${auth}`, label: `liked_tweets page of 100, default fields (${how})`, auth, requests: (c) => readRequests(likedPath(heavy), auth, c) },
      { id: `liked_tweets_expanded:${auth}`, label: `liked_tweets page of 100, expansions + fields (${how})`, auth, requests: (c) => readRequests(likedPath(heavy, EXPANDED), auth, c) },
      { id: `liking_users:${auth}`, label: `liking_users page of 100, most liked Tweet (${how})`, auth, requests: (c) => readRequests(likingPath(popular), auth, c) },
      {
        id: `like_unlike:${auth}`,
        label: `like + unlike (${auth === 'bearer' ? 'OAuth 2.0 user bearer' : 'OAuth 1.0a'})`,
        auth,
        requests: (c, pools) => toggleRequests(c, auth, pools.toggle),
      },
    );
  }
  return list;
}

export async function sideBySide(
  ctx: BenchContext, results: BenchResults, sqlite: SeedOutcome, pgSeed: SeedOutcome | undefined, measureOurs: boolean,
): Promise<void> {
  const { log, elapsed } = ctx;
  const creds = sqlite.creds;
  const probePath = likedPath(creds.heavyLikerUserId);
  const workDir = workCopy(ctx.dataDir, sqlite);
  const probe = sqliteProbe(join(workDir, 'likes.db'));
  results.versions.sqlite = await probe.version();
  const pools = await pairPools(probe, creds, ctx.quick ? 20_000 : 40_000);
  await probe.close();

  log(`[${elapsed()}] Side by side on ${ctx.main.label} likes (${ctx.connections} connections per instance, ${ctx.loadS} s after ${ctx.warmS} s warm-up)`);
  const server = await startLikesServer({ name: 'likes-sqlite', dataDir: workDir, probePath, bearer: creds.app.bearerToken });
  const page = await capture(`${server.baseUrl}${probePath}`, { authorization: `Bearer ${creds.app.bearerToken}` });
  if (page.status !== 200) throw new Error(`liked_tweets answered ${page.status}: ${page.body.slice(0, 300)}`);
  writeFileSync(join(ctx.runDir, 'liked-page.json'), JSON.stringify(page));
  results.pageBytes = Buffer.byteLength(page.body);
  results.pageSha = sha(page.body);
  // The heavy liker's first 1000 liked Tweets (10 pages), the data json-server serves.
  const tweets: unknown[] = [];
  let next: string | undefined;
  for (let i = 0; i < 10; i++) {
    const p = await capture(`${server.baseUrl}${probePath}${next ? `&pagination_token=${next}` : ''}`, { authorization: `Bearer ${creds.app.bearerToken}` });
    const doc = JSON.parse(p.body) as { data?: unknown[]; meta: { next_token?: string } };
    tweets.push(...(doc.data ?? []));
    next = doc.meta.next_token;
    if (!next) break;
  }
  writeFileSync(join(ctx.runDir, 'liked-tweets-1000.json'), JSON.stringify(tweets));

  // Ceiling: the same headers and body bytes from a bare node:http server in its own process.
  const ceilingPort = await freePort();
  const ceiling = await startProc({
    name: 'ceiling',
    command: process.execPath,
    args: [join(ROOT, 'bench', 'ceiling-server.mjs'), String(ceilingPort), join(ctx.runDir, 'liked-page.json')],
    port: ceilingPort,
    probePath,
  });
  if (!measureOurs) {
    // Peers only: the page and the 1000 Tweets are captured; the ceiling still anchors the ratios.
    await server.stop();
  }
  const ceilingRow = await measure(ctx, 'ceiling: node:http, pre-serialised page', [ceiling.baseUrl], ctx.connections, [{ method: 'GET', path: probePath }], [ceiling.pid]);
  await ceiling.stop();
  results.main.push(row('ceiling', 'ceiling', 'ceiling: bare node:http sending the same page bytes', 1, ceilingRow));

  if (!measureOurs) return;
  for (const s of scenarios(sqlite)) {
    const r = await measure(ctx, `sqlite: ${s.label}`, [server.baseUrl], ctx.connections, s.requests(creds, pools), [server.pid]);
    results.main.push(row('sqlite', s.id, s.label, 1, r));
  }
  await server.stop();
  // The same reads with the response cache off: every request computes its page (what a cache miss costs).
  const uncached = await startLikesServer({ name: 'likes-sqlite-nocache', dataDir: workDir, probePath, bearer: creds.app.bearerToken, env: { LIKES_API_CACHE: 'off' } });
  for (const s of scenarios(sqlite).filter((x) => x.auth === 'bearer' && !x.id.startsWith('like_unlike'))) {
    const r = await measure(ctx, `sqlite, cache off: ${s.label}`, [uncached.baseUrl], ctx.connections, s.requests(creds, pools), [uncached.pid]);
    results.main.push(row('sqlite', s.id, s.label, 1, r, false));
  }
  await uncached.stop();

  if (!pgSeed) return;
  const pgCreds = pgSeed.creds;
  const pgProbe = await postgresProbe(pgSeed.databaseUrl!);
  const pgPools = await pairPools(pgProbe, pgCreds, ctx.quick ? 20_000 : 40_000);
  await pgProbe.close();
  for (const instances of [1, 2]) {
    const servers: Proc[] = [];
    for (let i = 0; i < instances; i++) {
      servers.push(
        await startLikesServer({
          name: `likes-pg-${i}`, dataDir: pgSeed.dataDir, databaseUrl: pgSeed.databaseUrl, redisUrl: ctx.redisUrl, redisPrefix: ctx.redisPrefix,
          probePath, bearer: pgCreds.app.bearerToken,
        }),
      );
    }
    if (instances === 1) {
      const pgPage = await capture(`${servers[0].baseUrl}${likedPath(pgCreds.heavyLikerUserId)}`, { authorization: `Bearer ${pgCreds.app.bearerToken}` });
      results.pgPageSha = sha(pgPage.body);
      if (results.pgPageSha !== results.pageSha) results.notes.push('The liked_tweets page from PostgreSQL differs from the SQLite one (same seed): check the stores.');
    }
    const store = `postgres-${instances}`;
    for (const s of scenarios(pgSeed)) {
      const r = await measure(ctx, `pg+redis ×${instances}: ${s.label}`, servers.map((x) => x.baseUrl), ctx.connections * instances, s.requests(pgCreds, pgPools), servers.map((x) => x.pid));
      results.main.push(row(store, s.id, s.label, instances, r));
      if (s.id.startsWith('like_unlike')) await undoToggles(servers[0].baseUrl, pgCreds, pgPools.toggle, ctx.connections * instances);
    }
    for (const x of servers) await x.stop();
  }
  // One instance with the response cache off: the cost of computing a page on PostgreSQL.
  const pgUncached = await startLikesServer({
    name: 'likes-pg-nocache', dataDir: pgSeed.dataDir, databaseUrl: pgSeed.databaseUrl, redisUrl: ctx.redisUrl, redisPrefix: ctx.redisPrefix,
    probePath, bearer: pgCreds.app.bearerToken, env: { LIKES_API_CACHE: 'off' },
  });
  for (const s of scenarios(pgSeed).filter((x) => x.id === 'liked_tweets:bearer')) {
    const r = await measure(ctx, `pg+redis ×1, cache off: ${s.label}`, [pgUncached.baseUrl], ctx.connections, s.requests(pgCreds, pgPools), [pgUncached.pid]);
    results.main.push(row('postgres-1', s.id, s.label, 1, r, false));
  }
  await pgUncached.stop();
}
