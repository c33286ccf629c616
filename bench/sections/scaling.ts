// Section "scaling": for every dataset size, start-up time, sequential latency of the first, middle and deepest keyset
// page and of liking_users (response cache off), then throughput and RSS under load as configured by default; at the
// largest SQLite size also every page of the heaviest liker in turn.
import { join } from 'node:path';
import { encodeCursor } from '../../src/domain/cursor.ts';
import type { BenchContext } from '../lib/context.ts';
import { postgresProbe, sqliteProbe, type SeedOutcome } from '../lib/data.ts';
import { sequentialLatency, type AcRequest } from '../lib/load.ts';
import { measure } from '../lib/measure.ts';
import { startLikesServer, type Proc } from '../lib/proc.ts';
import { PAGE, likedPath, likingPath, readRequests } from '../lib/requests.ts';
import type { BenchResults, ScalingPoint } from '../lib/results.ts';

export async function scaling(ctx: BenchContext, results: BenchResults, sqliteSeeds: Map<string, SeedOutcome>, pgSeeds: Map<string, SeedOutcome>): Promise<void> {
  const { log, elapsed, latency } = ctx;
  log(`[${elapsed()}] Scaling curves (sequential requests: p50/p99 of ${latency.count} after ${latency.warmup} warm-up)`);
  const targets: { store: 'sqlite' | 'postgres'; seed: SeedOutcome }[] = [
    ...ctx.sizes.map((s) => ({ store: 'sqlite' as const, seed: sqliteSeeds.get(s.label)! })),
    ...[...pgSeeds.values()].map((seed) => ({ store: 'postgres' as const, seed })),
  ];
  for (const { store, seed } of targets) {
    const creds = seed.creds;
    const heavy = creds.heavyLikerUserId;
    const probePath = likedPath(heavy);
    const bearer = { authorization: `Bearer ${creds.app.bearerToken}` };
    const probe = store === 'sqlite' ? sqliteProbe(join(seed.dataDir, 'likes.db')) : await postgresProbe(seed.databaseUrl!);
    const likes = await probe.likesOf(heavy);
    const fullPages = Math.floor(likes / PAGE);
    const tokenAt = async (pageIndex: number) => {
      if (pageIndex === 0) return null;
      const key = await probe.likeKeyAt(heavy, pageIndex * PAGE - 1);
      return encodeCursor({ direction: 'older', key });
    };
    const pages: { name: string; index: number }[] = [
      { name: 'first', index: 0 },
      { name: 'middle', index: Math.floor((fullPages - 1) / 2) },
      { name: 'deepest', index: Math.max(0, fullPages - 1) },
    ];
    const tokens = await Promise.all(pages.map((p) => tokenAt(p.index)));
    await probe.close();

    const starts: number[] = [];
    let server: Proc | null = null;
    const env = store === 'postgres' ? { databaseUrl: seed.databaseUrl, redisUrl: ctx.redisUrl, redisPrefix: ctx.redisPrefix } : {};
    // Start to first answer, three times (the first also warms the OS file cache). These servers run with the
    // response cache off, so that the latencies below are those of the keyset queries, not of cache hits.
    for (let i = 0; i < 3; i++) {
      if (server) await server.stop();
      server = await startLikesServer({
        name: `likes-${store}-${seed.label}`, dataDir: seed.dataDir, probePath, bearer: creds.app.bearerToken, ...env, env: { LIKES_API_CACHE: 'off' },
      });
      starts.push(server.readyMs);
    }
    results.startup.push({ store, label: seed.label, likes: seed.spec.likes, ms: starts });
    const point: ScalingPoint = { store, label: seed.label, likes: seed.spec.likes, heavyLikerLikes: likes, pages: [], likingUsers: null, load: null };
    for (let i = 0; i < pages.length; i++) {
      const url = `${server!.baseUrl}${probePath}${tokens[i] ? `&pagination_token=${tokens[i]}` : ''}`;
      const r = await sequentialLatency(url, bearer, latency);
      point.pages.push({ name: pages[i].name, index: pages[i].index, ...r });
    }
    point.likingUsers = await sequentialLatency(`${server!.baseUrl}${likingPath(creds.popularTweetId)}`, bearer, latency);
    await server!.stop();
    // Throughput and memory while serving this dataset, as configured by default (response cache on).
    server = await startLikesServer({ name: `likes-${store}-${seed.label}-cached`, dataDir: seed.dataDir, probePath, bearer: creds.app.bearerToken, ...env });
    const load = await measure(ctx, `${store} ${seed.label}: liked_tweets, same page (app bearer)`, [server.baseUrl], ctx.connections, readRequests(probePath, 'bearer', creds), [server.pid]);
    point.load = { rps: load.rps, p50: load.p50, p99: load.p99, rssMiB: load.rssMiB[0] };
    if (store === 'sqlite' && seed.label === ctx.largest.label) {
      // Every page of the heaviest liker in turn: mostly cache misses, and the cache filling up to its budget.
      const keys = await varyProbe(seed, heavy);
      const paths = [probePath, ...keys.map((k) => `${probePath}&pagination_token=${encodeCursor({ direction: 'older', key: k })}`)];
      let i = 0;
      const requests: AcRequest[] = [
        { method: 'GET', path: probePath, headers: bearer, setupRequest: (req) => ({ ...req, path: paths[i++ % paths.length] }) },
      ];
      const varied = await measure(ctx, `${store} ${seed.label}: liked_tweets, ${paths.length} pages in turn`, [server.baseUrl], ctx.connections, requests, [server.pid]);
      point.varied = { pages: paths.length, rps: varied.rps, p50: varied.p50, p99: varied.p99, rssMiB: varied.rssMiB[0] };
    }
    await server.stop();
    results.scaling.push(point);
    const f = (x: number) => x.toFixed(2);
    log(
      `  ${store} ${seed.label.padEnd(4)} start ${starts.join('/')} ms; pages p50 ${point.pages.map((p) => `${p.name}#${p.index} ${f(p.p50)}`).join(', ')} ms; ` +
        `liking_users p50 ${f(point.likingUsers.p50)} ms`,
    );
  }
}

/** Start keys of the heaviest liker's pages after the first (up to 5000 pages). */
async function varyProbe(seed: SeedOutcome, userId: string): Promise<{ likedAt: number; id: string }[]> {
  const probe = seed.store === 'sqlite' ? sqliteProbe(join(seed.dataDir, 'likes.db')) : await postgresProbe(seed.databaseUrl!);
  try {
    return await probe.pageKeys(userId, PAGE, 4999);
  } finally {
    await probe.close();
  }
}
