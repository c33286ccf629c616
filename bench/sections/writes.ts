// Section "writes": durable like writes, each request a new like, on SQLite (1 process, on a copy of the dataset) and
// on PostgreSQL + Redis (2 instances); likes/s counts the rows in the store afterwards, not the 200s.
import { join } from 'node:path';
import type { BenchContext } from '../lib/context.ts';
import { postgresProbe, sqliteProbe, workCopy, type SeedOutcome } from '../lib/data.ts';
import { runLoad } from '../lib/load.ts';
import { sampleRss, startLikesServer, type Proc } from '../lib/proc.ts';
import { likeRequests, likedPath, pairPools } from '../lib/requests.ts';
import type { BenchResults } from '../lib/results.ts';

export async function writes(ctx: BenchContext, results: BenchResults, sqlite: SeedOutcome, pgSeed: SeedOutcome | undefined): Promise<void> {
  const { log, elapsed } = ctx;
  log(`[${elapsed()}] Durable like writes (each request a new like, OAuth 2.0 user bearer)`);
  const runs: { store: string; instances: number; seed: SeedOutcome; dataDir: string }[] = [
    { store: 'sqlite', instances: 1, seed: sqlite, dataDir: workCopy(ctx.dataDir, sqlite) },
  ];
  if (pgSeed) runs.push({ store: 'postgres', instances: 2, seed: pgSeed, dataDir: pgSeed.dataDir });
  for (const run of runs) {
    const creds = run.seed.creds;
    const probe = run.store === 'sqlite' ? sqliteProbe(join(run.dataDir, 'likes.db')) : await postgresProbe(run.seed.databaseUrl!);
    const { durable } = await pairPools(probe, creds, ctx.quick ? 20_000 : 60_000);
    const holders = creds.users.map((u) => u.id);
    const before = await probe.likesOfUsers(holders);
    const servers: Proc[] = [];
    for (let i = 0; i < run.instances; i++) {
      servers.push(
        await startLikesServer({
          name: `likes-${run.store}-writes-${i}`, dataDir: run.dataDir, probePath: likedPath(creds.heavyLikerUserId), bearer: creds.app.bearerToken,
          ...(run.store === 'postgres' ? { databaseUrl: run.seed.databaseUrl, redisUrl: ctx.redisUrl, redisPrefix: ctx.redisPrefix } : {}),
        }),
      );
    }
    const rss = sampleRss(servers.map((s) => s.pid));
    const r = await runLoad({ urls: servers.map((s) => s.baseUrl), connections: ctx.connections * run.instances, durationS: ctx.loadS, requests: likeRequests(creds, durable) });
    const rssMiB = rss.stop();
    for (const s of servers) await s.stop();
    const after = await probe.likesOfUsers(holders);
    await probe.close();
    const created = after - before;
    const perSecond = Math.round(created / r.seconds);
    results.writes.push({
      store: run.store, instances: run.instances, likesCreated: created, seconds: r.seconds, likesPerSecond: perSecond, rps: r.rps,
      p50: r.p50, p99: r.p99, rssMiB, non2xx: r.non2xx, errors: r.errors, poolExhausted: durable.used > durable.pairs.length,
    });
    log(`  ${run.store} ×${run.instances}: ${created} new likes in ${r.seconds} s = ${perSecond} likes/s (p50 ${r.p50} ms, p99 ${r.p99} ms)`);
  }
}
