// Section "writes": durable like writes, each request a new like, on SQLite (1 process, on a copy of the dataset) and
// on PostgreSQL + Redis (2 instances) beside a bare `pg` script doing the same transaction at the same concurrency
// (bench/bare-pg-likes.mjs), in alternating rounds; likes/s counts the rows in the store afterwards, not the 200s.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { BenchContext } from '../lib/context.ts';
import { cpuMeter, postgresCpuMeter } from '../lib/cpu.ts';
import { postgresProbe, sqliteProbe, workCopy, type SeedOutcome, type StoreProbe } from '../lib/data.ts';
import { runLoad } from '../lib/load.ts';
import { ROOT, sampleRss, startLikesServer, type Proc } from '../lib/proc.ts';
import { likeRequests, likedPath, pairPools, PairPool } from '../lib/requests.ts';
import type { BenchResults } from '../lib/results.ts';

type WriteRow = BenchResults['writes'][number];

/** Rounds of the PostgreSQL rows (the Likes API and the bare script take turns). */
const PG_ROUNDS = 2;
/**
 * A round of each row first, not counted: servers just started compile their code and open their connections while
 * it runs (measured rounds 1 and 2 of two PostgreSQL instances read 3,216 and 4,529 likes/s without it).
 */
const WARM_UP_ROUNDS = 1;

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
    const rounds = WARM_UP_ROUNDS + (run.store === 'postgres' ? PG_ROUNDS : 1);
    // Each round's rows write new likes of their own: the pool is split between the rows and rounds.
    const { durable } = await pairPools(probe, creds, ctx.quick ? 20_000 : 60_000);
    const parts = rounds * (run.store === 'postgres' ? 2 : 1);
    const share = (k: number) => new PairPool(durable.pairs.filter((_, i) => i % parts === k));
    const servers: Proc[] = [];
    for (let i = 0; i < run.instances; i++) {
      servers.push(
        await startLikesServer({
          name: `likes-${run.store}-writes-${i}`, dataDir: run.dataDir, probePath: likedPath(creds.heavyLikerUserId), bearer: creds.app.bearerToken,
          ...(run.store === 'postgres' ? { databaseUrl: run.seed.databaseUrl, redisUrl: ctx.redisUrl, redisPrefix: ctx.redisPrefix } : {}),
        }),
      );
    }
    const connections = ctx.connections * run.instances;
    const measured: WriteRow[] = [];
    const bare: WriteRow[] = [];
    for (let round = 0; round < rounds; round++) {
      const seconds = round < WARM_UP_ROUNDS ? ctx.warmS : ctx.loadS;
      const ours = await likesApiRound(ctx, probe, creds.users.map((u) => u.id), servers, connections, share(round * (parts / rounds)), run, seconds);
      const script = run.store === 'postgres' ? await barePgRound(ctx, probe, run.seed, connections, share(round * 2 + 1), seconds) : null;
      if (round < WARM_UP_ROUNDS) continue;
      measured.push(ours);
      if (script) bare.push(script);
    }
    for (const s of servers) await s.stop();
    await probe.close();
    for (const rows of [measured, bare]) {
      if (rows.length === 0) continue;
      const row = combine(rows);
      results.writes.push(row);
      log(`  ${row.store} ${row.instances ? `×${row.instances}` : '(bare pg script)'}: ${row.likesCreated} new likes in ${row.seconds} s = ${row.likesPerSecond} likes/s, CPU µs/like ${row.cpuUsPerLike!.toFixed(0)} + PostgreSQL ${row.postgresCpuUsPerLike!.toFixed(0)}` +
        (row.instances ? ` (p50 ${row.p50} ms, p99 ${row.p99} ms)` : ` at concurrency ${connections}`) + ` — rounds ${rows.map((r) => r.likesPerSecond).join(', ')}`);
    }
  }
}

/** One measured run of POST likes through the Likes API. */
async function likesApiRound(
  ctx: BenchContext, probe: StoreProbe, holders: string[], servers: Proc[], connections: number, pool: PairPool, run: { store: string; instances: number; seed: SeedOutcome },
  seconds: number,
): Promise<WriteRow> {
  const before = await probe.likesOfUsers(holders);
  const rss = sampleRss(servers.map((s) => s.pid));
  const cpu = cpuMeter(servers.map((s) => s.pid));
  const pgCpu = run.store === 'postgres' ? postgresCpuMeter() : null;
  const r = await runLoad({ urls: servers.map((s) => s.baseUrl), connections, durationS: seconds, requests: likeRequests(run.seed.creds, pool) });
  const cpuUs = cpu.stop() * 1000;
  const pgUs = pgCpu ? pgCpu.stop() * 1000 : Number.NaN;
  const rssMiB = rss.stop();
  const created = (await probe.likesOfUsers(holders)) - before;
  return {
    cpuUsPerLike: cpuUs / created, postgresCpuUsPerLike: pgUs / created,
    store: run.store, instances: run.instances, likesCreated: created, seconds: r.seconds, likesPerSecond: Math.round(created / r.seconds), rps: r.rps,
    p50: r.p50, p99: r.p99, rssMiB, non2xx: r.non2xx, errors: r.errors, poolExhausted: pool.used > pool.pairs.length,
  };
}

/** One run of the bare `pg` script (instances 0) on pairs of its own, at the Likes API's concurrency. */
async function barePgRound(ctx: BenchContext, probe: StoreProbe, seed: SeedOutcome, connections: number, pool: PairPool, durationS: number): Promise<WriteRow> {
  const holders = seed.creds.users.map((u) => u.id);
  const file = join(ctx.runDir, 'bare-pg-pairs.json');
  writeFileSync(file, JSON.stringify(pool.pairs.map((p) => [seed.creds.users[p.user].id, p.tweet])));
  const before = await probe.likesOfUsers(holders);
  const pgCpu = postgresCpuMeter();
  const script = spawn(process.execPath, [join(ROOT, 'bench', 'bare-pg-likes.mjs'), seed.databaseUrl!, file, String(connections), String(durationS)], { stdio: ['pipe', 'pipe', 'inherit'] });
  const exited = once(script, 'exit');
  const [line] = (await once(createInterface({ input: script.stdout! }), 'line')) as [string];
  // Read while the script's backends are still connected; then let it close them.
  const pgUs = pgCpu.stop() * 1000;
  script.stdin!.end();
  const [code] = (await exited) as [number];
  if (code !== 0) throw new Error(`bench/bare-pg-likes.mjs exited with ${code}`);
  const { likes, seconds, cpuMs } = JSON.parse(line) as { likes: number; seconds: number; cpuMs: number };
  const created = (await probe.likesOfUsers(holders)) - before;
  if (created !== likes) throw new Error(`bare pg script: it counted ${likes} likes, the store holds ${created} more`);
  const s = Math.round(seconds * 100) / 100;
  return {
    store: 'postgres', instances: 0, cpuUsPerLike: (cpuMs * 1000) / created, postgresCpuUsPerLike: pgUs / created, likesCreated: created, seconds: s, likesPerSecond: Math.round(created / seconds), rps: Math.round(created / seconds),
    p50: Number.NaN, p99: Number.NaN, rssMiB: [], non2xx: 0, errors: 0, poolExhausted: likes >= pool.pairs.length,
  };
}

/** The rounds of one row as one: likes and seconds summed, the latencies' and RSS's worst. */
function combine(rows: WriteRow[]): WriteRow {
  const likes = rows.reduce((s, r) => s + r.likesCreated, 0);
  const seconds = Math.round(rows.reduce((s, r) => s + r.seconds, 0) * 100) / 100;
  return {
    ...rows[0],
    likesCreated: likes,
    seconds,
    likesPerSecond: Math.round(likes / seconds),
    cpuUsPerLike: rows.reduce((s, r) => s + r.cpuUsPerLike! * r.likesCreated, 0) / likes,
    postgresCpuUsPerLike: rows.reduce((s, r) => s + r.postgresCpuUsPerLike! * r.likesCreated, 0) / likes,
    rps: Math.round(rows.reduce((s, r) => s + r.rps * r.seconds, 0) / seconds),
    p50: Math.max(...rows.map((r) => r.p50)),
    p99: Math.max(...rows.map((r) => r.p99)),
    rssMiB: rows[0].rssMiB.map((_, i) => Math.max(...rows.map((r) => r.rssMiB[i]))),
    non2xx: rows.reduce((s, r) => s + r.non2xx, 0),
    errors: rows.reduce((s, r) => s + r.errors, 0),
    poolExhausted: rows.some((r) => r.poolExhausted),
    rounds: rows.map((r) => r.likesPerSecond),
  };
}
