// Section "realistic" (issue #13, item 1): many distinct requests instead of one page over and over. The mix
// (bench/lib/realisticMix.ts) is served, in alternating rounds so that drifting load hits every row alike, by the Likes
// API on SQLite (response cache off; on, with a budget the working set exceeds; with 10 % likes and unlikes; on, over
// default-fields requests inside the budget, with and without the writes; one page repeated for a cache hit), by a
// bare node:http + better-sqlite3 server answering its default-fields part with one prepared statement per request
// (bench/bare-sqlite-server.mjs, its bodies checked byte for byte against the Likes API's), by the bare fixed-page
// server (bench/ceiling-server.mjs) and, when PostgreSQL and Redis answer, by the Likes API on PostgreSQL + Redis
// with 1 and 2 instances, sharing the cores and each held to a CPU share of its own (bench/lib/cpuCap.ts). Each row
// reports req/s and the server processes' CPU per request.
import { mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import type { DemoCredentials } from '../../src/demo/demoCredentials.ts';
import { freePort } from '../../test/support/net.ts';
import type { BenchContext } from '../lib/context.ts';
import { cpuMeter, machineCoresMeter, machineSettled } from '../lib/cpu.ts';
import { capCpu, cpuCapUnavailable, type CpuCap } from '../lib/cpuCap.ts';
import { postgresProbe, sqliteProbe, workCopy, type SeedOutcome } from '../lib/data.ts';
import { runLoad, type AcRequest } from '../lib/load.ts';
import { capture } from '../lib/measure.ts';
import { partShares, type CodePart } from '../lib/profile.ts';
import { ROOT, sampleRss, startLikesServer, startProc, type Proc } from '../lib/proc.ts';
import {
  MixCursor, Toggler, authHeader, buildMix, fetchAll, requestsOf, sha256, unlikedPairs,
} from '../lib/realisticMix.ts';
import { likedPath } from '../lib/requests.ts';
import type { BenchResults, RealisticResult, RealisticRound, RealisticRow } from '../lib/results.ts';
import { renderRealisticTable } from '../lib/report/realistic.ts';

const MiB = 1024 * 1024;
/** The response cache's default budget (src/config.ts, LIKES_API_CACHE_MB). */
const DEFAULT_CACHE_MB = 16;

interface Cell {
  row: Omit<RealisticRow, 'rounds' | 'rps' | 'cpuUsPerRequest' | 'machineCores' | 'p50' | 'p99' | 'rssMiB' | 'non2xx' | 'errors'>;
  servers: Proc[];
  requests: () => AcRequest[];
  /** Undo the writes of a run (the outstanding likes), so every row reads the same data. */
  after?: () => Promise<void>;
  toggler?: Toggler;
}

export interface RealisticDataset {
  sqlite: SeedOutcome;
  pg?: SeedOutcome;
}

export async function realistic(ctx: BenchContext, results: BenchResults, datasets: RealisticDataset[]): Promise<void> {
  results.realistic = [];
  // The machinery's cost when unused is profiled on the first dataset only (the side-by-side one).
  for (const [i, d] of datasets.entries()) results.realistic.push(await oneDataset(ctx, d, i === 0));
  for (const line of renderRealisticTable(results.realistic)) ctx.log(line);
}

const settings = (ctx: BenchContext) => ({
  rounds: Number(process.env.LIKES_API_BENCH_REALISTIC_ROUNDS) || 3,
  // Before the rounds, every row once for this long: a server's main thread spends ~20-30 % more CPU a request over
  // its first ~40,000 requests of the mix than after ~100,000, while V8 is still optimizing (docs/benchmarks.md,
  // session 21); the bare servers' little code is optimized within a few thousand.
  steadyS: ctx.quick ? 2 : 8,
  warmS: ctx.quick ? 1 : 1,
  loadS: Number(process.env.LIKES_API_BENCH_REALISTIC_SECONDS) || (ctx.quick ? 2 : 4),
  // The CPU share each instance of the held PostgreSQL rows gets: two such instances, PostgreSQL, Redis and the load
  // generator then fit in 2 cores (one instance uncapped keeps ~0.85 busy and the machine ~1.6), so the cores never bind.
  instanceCores: Number(process.env.LIKES_API_BENCH_INSTANCE_CORES) || 0.35,
});

async function oneDataset(ctx: BenchContext, d: RealisticDataset, profileUnused: boolean): Promise<RealisticResult> {
  const { log, elapsed } = ctx;
  const { rounds, steadyS, warmS, loadS, instanceCores } = settings(ctx);
  const seed = d.sqlite;
  const creds = seed.creds;
  const notes: string[] = [];
  const load0 = loadavg()[0];
  log(`[${elapsed()}] Realistic mix on ${seed.label} likes (SQLite${d.pg ? '; PostgreSQL + Redis ×1, ×2' : ''}): ${rounds} rounds of ${warmS} s warm-up + ${loadS} s per row`);
  const workDir = workCopy(ctx.dataDir, seed);
  const dbFile = join(workDir, 'likes.db');
  const heavyPath = likedPath(creds.heavyLikerUserId);
  const started: Proc[] = [];
  const caps: CpuCap[] = [];
  const start = async (p: Promise<Proc>) => {
    const proc = await p;
    started.push(proc);
    return proc;
  };
  try {
    // 1. The mix, with tokens from walking the pages of the Likes API (cache off: every answer computed).
    const likesOff = await start(startLikesServer({ name: 'likes-sqlite-realistic-nocache', dataDir: workDir, probePath: heavyPath, bearer: creds.app.bearerToken, env: { LIKES_API_CACHE: 'off' } }));
    const items = await buildMix(dbFile, likesOff.baseUrl, creds, log);
    const all = requestsOf(creds, items);
    const defaultItems = items.filter((it) => it.fields === 'default');
    const defaults = requestsOf(creds, defaultItems);

    // 2. Every distinct request once from the Likes API: all must be 200; their bodies give the working set.
    let t0 = performance.now();
    const answers = await fetchAll(likesOff.baseUrl, all);
    const bad = answers.map((a, i) => [a, items[i]] as const).filter(([a]) => a.status !== 200);
    if (bad.length) throw new Error(`${bad.length} requests of the mix were not answered 200, e.g. ${bad[0][1].path}: ${bad[0][0].status} ${bad[0][0].body.toString().slice(0, 300)}`);
    const workingSetBytes = answers.reduce((s, a) => s + a.body.length, 0);
    const cacheMb = Math.max(1, Math.min(DEFAULT_CACHE_MB, Math.floor(workingSetBytes / 4 / MiB)));
    log(`    ${items.length} distinct requests (${defaultItems.length} default fields), fetched in ${((performance.now() - t0) / 1000).toFixed(1)} s; ` +
      `working set ${(workingSetBytes / MiB).toFixed(1)} MiB of bodies, response cache budget ${cacheMb} MiB (${(workingSetBytes / (cacheMb * MiB)).toFixed(1)}×)`);
    // A working set inside the cache: the first default-fields requests whose bodies take at most half the budget (the
    // keys count too, and an answer a write made stale is cached anew while its old copy still takes room).
    let fitDistinct = 0;
    let fitBytes = 0;
    for (const [i, it] of items.entries()) {
      if (it.fields !== 'default') continue;
      if (fitBytes + answers[i].body.length > (cacheMb * MiB) / 2) break;
      fitBytes += answers[i].body.length;
      fitDistinct++;
    }
    log(`    inside the cache: the first ${fitDistinct} default-fields requests, ${(fitBytes / MiB).toFixed(1)} MiB of bodies`);

    // 3. The bare single-query server: its answers to the default-fields requests, byte for byte.
    const barePort = await freePort();
    const bare = await start(startProc({ name: 'bare-sqlite', command: process.execPath, args: [join(ROOT, 'bench', 'bare-sqlite-server.mjs'), String(barePort), dbFile], port: barePort, probePath: heavyPath }));
    t0 = performance.now();
    const bareAnswers = await fetchAll(bare.baseUrl, defaults);
    const ours = items.map((it, i) => [it, answers[i]] as const).filter(([it]) => it.fields === 'default').map(([, a]) => a);
    const differing = defaultItems.filter((_, i) => !(bareAnswers[i].status === 200 && bareAnswers[i].body.equals(ours[i].body)));
    const identical = { compared: defaultItems.length, identical: defaultItems.length - differing.length, examples: differing.slice(0, 3).map((x) => x.path) };
    log(`    bare single-query server: ${identical.identical} of ${identical.compared} default-fields answers byte-identical to the Likes API's (${((performance.now() - t0) / 1000).toFixed(1)} s)`);
    const shas = answers.map((a) => sha256(a.body));
    answers.length = 0;
    bareAnswers.length = 0;

    // 4. The other servers: the Likes API with its response cache on, the fixed page, PostgreSQL + Redis.
    const likesOn = await start(startLikesServer({ name: 'likes-sqlite-realistic', dataDir: workDir, probePath: heavyPath, bearer: creds.app.bearerToken, env: { LIKES_API_CACHE_MB: String(cacheMb) } }));
    // The rows inside the cache on a server of their own: the mix's rows would evict their set, and their writes (several
    // hundred a second) raise the heap a process keeps, which the mix's rows would then report as their RSS.
    const likesFit = await start(startLikesServer({ name: 'likes-sqlite-realistic-fit', dataDir: workDir, probePath: heavyPath, bearer: creds.app.bearerToken, env: { LIKES_API_CACHE_MB: String(cacheMb) } }));
    // The setting that trades RSS for reads without a system call per page: the whole file mapped.
    const mmapMiB = Math.ceil(statSync(dbFile).size / MiB / 256) * 256;
    const likesMapped = await start(startLikesServer({
      name: 'likes-sqlite-realistic-mmap', dataDir: workDir, probePath: heavyPath, bearer: creds.app.bearerToken, env: { LIKES_API_CACHE: 'off', LIKES_API_SQLITE_MMAP_MB: String(mmapMiB) },
    }));
    const page = await capture(`${likesOn.baseUrl}${heavyPath}`, { authorization: authHeader(creds, 'app') });
    const pageFile = join(ctx.runDir, `realistic-page-${seed.label}.json`);
    writeFileSync(pageFile, JSON.stringify(page));
    const fixedPort = await freePort();
    const fixed = await start(startProc({ name: 'fixed-page', command: process.execPath, args: [join(ROOT, 'bench', 'ceiling-server.mjs'), String(fixedPort), pageFile], port: fixedPort, probePath: heavyPath }));

    const sqlitePairs = await unlikedPairs(sqliteProbe(dbFile), creds);
    const conns = ctx.connections;
    const cells: Cell[] = [];
    const mixCell = (
      id: string, label: string, servers: Proc[], cache: boolean, which: 'mix' | 'default' | 'default-fit', writes: boolean, c: DemoCredentials,
      pairs: { user: number; tweet: string }[], store: 'sqlite' | 'postgres' = 'sqlite',
    ): Cell => {
      const toggler = writes ? new Toggler(c, pairs) : undefined;
      const chosen = which === 'mix' ? items : which === 'default' ? defaultItems : defaultItems.slice(0, fitDistinct);
      const cursor = new MixCursor(requestsOf(c, chosen), toggler);
      return {
        row: { id, server: 'likes', store, instances: servers.length, cache, requests: which, writes, label, connections: conns * servers.length, readyMs: servers[0].readyMs },
        servers,
        requests: () => cursor.requests(),
        toggler,
        after: toggler ? async () => void (await toggler.drain(servers[0].baseUrl)) : undefined,
      };
    };
    // The writing rows toggle a third of the pairs each: no row likes a pair another row has touched.
    const third = sqlitePairs.length / 3;
    cells.push(
      mixCell('likes-off', 'Likes API, cache off: the mix', [likesOff], false, 'mix', false, creds, sqlitePairs),
      mixCell('likes-off-default', 'Likes API, cache off: default-fields part (the bare server\'s requests)', [likesOff], false, 'default', false, creds, sqlitePairs),
      mapped(mixCell('likes-off-mmap-default', `Likes API, cache off, file memory-mapped (${mmapMiB} MiB): default-fields part`, [likesMapped], false, 'default', false, creds, sqlitePairs), mmapMiB),
      mixCell('likes-on', `Likes API, cache on (${cacheMb} MiB, working set ${(workingSetBytes / (cacheMb * MiB)).toFixed(1)}×): the mix`, [likesOn], true, 'mix', false, creds, sqlitePairs),
      mixCell('likes-on-writes', 'Likes API, cache on: the mix + 10 % likes/unlikes', [likesOn], true, 'mix', true, creds, sqlitePairs.slice(0, third)),
      mixCell('likes-off-writes', 'Likes API, cache off: the mix + 10 % likes/unlikes', [likesOff], false, 'mix', true, creds, sqlitePairs.slice(third, 2 * third)),
      // The other servers' writes to the file empty this server's cache (SQLite's data_version); the warm-up before each
      // measured run (measureCell) caches the set again: at thousands of req/s, 1 s asks for each request many times over.
      mixCell('likes-on-fit', `Likes API, cache on: ${fitDistinct} default-fields requests inside the cache (${(fitBytes / MiB).toFixed(1)} MiB of bodies)`,
        [likesFit], true, 'default-fit', false, creds, sqlitePairs),
      mixCell('likes-on-fit-writes', `Likes API, cache on: ${fitDistinct} default-fields requests inside the cache + 10 % likes/unlikes`,
        [likesFit], true, 'default-fit', true, creds, sqlitePairs.slice(2 * third)),
    );
    cells.push({
      row: { id: 'likes-on-hit', server: 'likes', store: 'sqlite', instances: 1, cache: true, requests: 'one-page', writes: false, label: 'Likes API, cache on: one page repeated (cache hits)', connections: conns },
      servers: [likesOn],
      requests: () => [{ method: 'GET', path: heavyPath, headers: { authorization: authHeader(creds, 'app') } }],
    });
    const bareCursor = new MixCursor(defaults);
    cells.push({
      row: { id: 'bare', server: 'bare', store: 'sqlite', instances: 1, cache: null, requests: 'default', writes: false, label: 'bare node:http + better-sqlite3, one statement per request: default-fields part', connections: conns },
      servers: [bare],
      requests: () => bareCursor.requests(),
    });
    cells.push({
      row: { id: 'fixed', server: 'fixed', store: null, instances: 1, cache: null, requests: 'one-page', writes: false, label: 'bare node:http sending one fixed page', connections: conns },
      servers: [fixed],
      requests: () => [{ method: 'GET', path: heavyPath }],
    });

    // PostgreSQL + Redis: two instances; the ×1 rows use the first alone.
    let pgIdentical: RealisticResult['pgIdentical'];
    const held: Proc[] = [];
    if (d.pg) {
      const pg = d.pg;
      const pgServers: Proc[] = [];
      for (let i = 0; i < 2; i++) {
        pgServers.push(
          await start(startLikesServer({
            name: `likes-pg-realistic-${i}`, dataDir: pg.dataDir, databaseUrl: pg.databaseUrl, redisUrl: ctx.redisUrl, redisPrefix: ctx.redisPrefix,
            probePath: heavyPath, bearer: pg.creds.app.bearerToken, env: { LIKES_API_CACHE_MB: String(cacheMb) },
          })),
        );
      }
      // The same requests from PostgreSQL (a sample: every 20th) against SQLite's answers, byte for byte.
      const idx = items.map((_, i) => i).filter((i) => i % 20 === 0);
      const pgAnswers = await fetchAll(pgServers[0].baseUrl, idx.map((i) => requestsOf(pg.creds, [items[i]])[0]));
      const pgDiff = idx.filter((i, k) => !(pgAnswers[k].status === 200 && sha256(pgAnswers[k].body) === shas[i]));
      pgIdentical = { compared: idx.length, identical: idx.length - pgDiff.length, examples: pgDiff.slice(0, 3).map((i) => items[i].path) };
      log(`    PostgreSQL: ${pgIdentical.identical} of ${pgIdentical.compared} sampled answers byte-identical to SQLite's`);
      const pgPairs = await unlikedPairs(await postgresProbe(pg.databaseUrl!), pg.creds);
      const half = pgPairs.length / 2;
      cells.push(
        mixCell('pg1', `PostgreSQL + Redis ×1, cache on (${cacheMb} MiB): the mix`, [pgServers[0]], true, 'mix', false, pg.creds, pgPairs, 'postgres'),
        mixCell('pg1-writes', 'PostgreSQL + Redis ×1, cache on: the mix + 10 % likes/unlikes', [pgServers[0]], true, 'mix', true, pg.creds, pgPairs.slice(0, half), 'postgres'),
        mixCell('pg2', `PostgreSQL + Redis ×2, cache on (${cacheMb} MiB each): the mix`, pgServers, true, 'mix', false, pg.creds, pgPairs, 'postgres'),
        mixCell('pg2-writes', 'PostgreSQL + Redis ×2, cache on: the mix + 10 % likes/unlikes', pgServers, true, 'mix', true, pg.creds, pgPairs.slice(half), 'postgres'),
      );
      // The same mix on two more instances, each held to `instanceCores` by a cgroup's CPU quota (bench/lib/cpuCap.ts):
      // the instances then have their cores whether one or two run, so ×2 ÷ ×1 shows what the shared parts allow.
      // They are held only once warm (below): V8 optimizes a server's code by the requests it has served, and held
      // from the start they serve a few hundred a second.
      const noCap = cpuCapUnavailable();
      if (noCap) {
        notes.push(`PostgreSQL + Redis rows with instances held to a CPU share not measured: ${noCap}`);
      } else {
        for (let i = 0; i < 2; i++) {
          held.push(await start(startLikesServer({
            name: `likes-pg-realistic-held-${i}`, dataDir: pg.dataDir, databaseUrl: pg.databaseUrl, redisUrl: ctx.redisUrl, redisPrefix: ctx.redisPrefix,
            probePath: heavyPath, bearer: pg.creds.app.bearerToken, env: { LIKES_API_CACHE_MB: String(cacheMb) },
          })));
        }
        const heldCell = (cell: Cell): Cell => ({ ...cell, row: { ...cell.row, instanceCores } });
        const each = `each instance held to ${instanceCores} cores`;
        cells.push(
          heldCell(mixCell('pg1-held', `PostgreSQL + Redis ×1, ${each}: the mix`, [held[0]], true, 'mix', false, pg.creds, pgPairs, 'postgres')),
          heldCell(mixCell('pg2-held', `PostgreSQL + Redis ×2, ${each}: the mix`, held, true, 'mix', false, pg.creds, pgPairs, 'postgres')),
        );
      }
    }

    // 5. Every row served once before the rounds until its server runs warm (V8's optimizing, SQLite's page cache, the
    // servers started last included), then alternating rounds: every row once per round, the order rotated each round.
    log(`  serving every row for ${steadyS} s, so that each server runs warm`);
    for (const cell of cells) {
      await runLoad({ urls: cell.servers.map((s) => s.baseUrl), connections: cell.row.connections, durationS: steadyS, requests: cell.requests() });
      if (cell.after) await cell.after();
    }
    if (held.length) {
      // The second held instance alone for as long as the first was (the ×1 row), so both are as warm; then held, and
      // their rows served again as held: an instance's first seconds under the hold cost up to twice the CPU a request
      // of the next (1,647 µs then 808 in a scratch run of these rows), which its first round would otherwise measure.
      const requests = cells.find((c) => c.row.id === 'pg1-held')!.requests();
      await runLoad({ urls: [held[1].baseUrl], connections: conns, durationS: steadyS, requests });
      for (const server of held) caps.push(capCpu(server.pid, instanceCores));
      for (const cell of cells.filter((c) => c.row.instanceCores)) {
        await runLoad({ urls: cell.servers.map((s) => s.baseUrl), connections: cell.row.connections, durationS: steadyS, requests: cell.requests() });
      }
    }
    const measured = new Map<string, RealisticRound[]>(cells.map((c) => [c.row.id, []]));
    for (let round = 1; round <= rounds; round++) {
      log(`  round ${round} of ${rounds}`);
      const shift = (round - 1) % cells.length;
      for (const cell of [...cells.slice(shift), ...cells.slice(0, shift)]) {
        const r = await measureCell(cell, round, warmS, loadS);
        measured.get(cell.row.id)!.push(r);
        log(
          `    ${cell.row.label.slice(0, 78).padEnd(78)} ${String(r.rps).padStart(6)} req/s ${r.cpuUsPerRequest.toFixed(0).padStart(6)} µs CPU/req  p50 ${r.p50.toFixed(2)} ms` +
            `${r.cacheHits !== undefined ? `  hits ${pct(r.cacheHits, r.cacheHits + (r.cacheMisses ?? 0))}` : ''}${r.non2xx + r.errors ? `  (${r.non2xx} non-2xx, ${r.errors} errors ${JSON.stringify(r.statusCodes)})` : ''}`,
        );
      }
    }
    const rows = cells.map((c) => aggregate(c, measured.get(c.row.id)!));
    // Starts on their own: the first servers above started right after the file was copied and while this process
    // hashed the answers, which their start figures include. These wait until the rows' aftermath has settled.
    const startsMs: number[] = [];
    const settled = await machineSettled();
    log(`    machine settled for the starts: ${settled.busyCores.toFixed(2)} cores busy after ${(settled.waitedMs / 1000).toFixed(1)} s`);
    for (let i = 0; i < 3; i++) {
      const again = await startLikesServer({ name: `likes-sqlite-realistic-start-${i}`, dataDir: workDir, probePath: heavyPath, bearer: creds.app.bearerToken });
      startsMs.push(again.readyMs);
      await again.stop();
    }
    log(`    start to first answer, three starts: ${startsMs.join(' / ')} ms`);
    const unusedCost = profileUnused ? await profileUnusedCost(ctx, workDir, heavyPath, creds.app.bearerToken, all, loadS) : undefined;
    notes.push(`1-minute load average ${load0.toFixed(2)} when this dataset's part began, ${loadavg()[0].toFixed(2)} at its end (the machine is shared: req/s moves with it, CPU per request much less)`);
    const byKind: Record<string, number> = {};
    for (const it of items) byKind[it.kind] = (byKind[it.kind] ?? 0) + 1;
    return {
      label: seed.label,
      likes: seed.spec.likes,
      mix: {
        distinct: items.length, byKind, full: items.filter((x) => x.fields === 'full').length, user: items.filter((x) => x.auth !== 'app').length,
        defaultFields: defaultItems.length, workingSetBytes, cacheBudgetMiB: cacheMb, fitDistinct, fitBytes, writeShare: 0.1,
      },
      identical,
      pgIdentical,
      rounds,
      steadyS,
      warmS,
      loadS,
      rows,
      ...(unusedCost ? { unusedCost } : {}),
      startsMs,
      startsSettled: settled,
      notes,
    };
  } finally {
    for (const p of started) await p.stop();
    for (const c of caps) c.release();
  }
}

/**
 * The sandbox and events machinery, by source file (through the bundle's source maps): what a request of the default
 * world runs of it although no sandbox, webhook or stream is in use (world routing and its controls, the inspector's
 * journal, the usage ledger's billing), and anything of the events capability that runs at all.
 */
const MACHINERY: CodePart[] = [
  {
    name: 'sandboxes (world routing, inspector, ledger)',
    test: (f) => /\/src\/(domain\/sandboxes\/|http\/plugins\/worldRouting\.ts|adapters\/\w+\/\w*(RequestJournal|UsageLedger|SandboxControls)\w*\.ts)/.test(f.url) || f.functionName === 'recordBilling',
    // The request's data versions are read inside world routing (where the world is known), for every request,
    // sandboxes or not: the response cache and the remembered credentials need them.
    except: (f) => /\/src\/http\/plugins\/api\/versions\.ts/.test(f.url),
  },
  { name: 'events', test: (f) => /\/src\/(domain\/events\/|http\/routes\/events\/|adapters\/\w+\/\w*(EventStore|WebhookTransport)\w*\.ts)/.test(f.url) },
];

/** One more run of the mix on a cache-off server under the CPU profiler: the machinery's share of its CPU. */
async function profileUnusedCost(
  ctx: BenchContext, dataDir: string, probePath: string, bearer: string, requests: { path: string; headers: Record<string, string> }[], loadS: number,
): Promise<RealisticResult['unusedCost']> {
  const dir = join(ctx.runDir, 'profile-realistic-unused');
  mkdirSync(dir, { recursive: true });
  const server = await startLikesServer({
    name: 'likes-sqlite-realistic-profiled', dataDir, probePath, bearer, env: { LIKES_API_CACHE: 'off' }, nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${dir}`],
  });
  const cursor = new MixCursor(requests);
  await runLoad({ urls: [server.baseUrl], connections: ctx.connections, durationS: 1, requests: cursor.requests() });
  const r = await runLoad({ urls: [server.baseUrl], connections: ctx.connections, durationS: loadS, requests: cursor.requests() });
  const loadEnded = performance.now();
  await server.stop();
  const tailMs = performance.now() - loadEnded;
  const file = readdirSync(dir).filter((f) => f.endsWith('.cpuprofile')).map((f) => join(dir, f)).sort((a, b) => statSync(b).size - statSync(a).size)[0];
  if (!file) throw new Error(`no .cpuprofile written in ${dir}`);
  const shares = partShares(file, MACHINERY, { fromEndMs: tailMs + r.seconds * 1000, toEndMs: tailMs });
  ctx.log(`    sandbox and events machinery, unused: ${shares.anyPct} % of the cache-off server's CPU on the mix (${shares.parts.map((p) => `${p.name} ${p.pct} %`).join(', ')}; ${r.rps} req/s under the profiler)`);
  return { pct: shares.anyPct, parts: shares.parts, rps: r.rps };
}

/** The cell's row marked as served with the SQLite file memory-mapped. */
const mapped = (cell: Cell, mmapMiB: number): Cell => ({ ...cell, row: { ...cell.row, mmapMiB } });

const pct = (a: number, b: number) => (b ? `${((100 * a) / b).toFixed(1)} %` : '–');

/** One row, one round: warm-up, then the measured run with CPU, RSS and cache lookups read around it. */
async function measureCell(cell: Cell, round: number, warmS: number, loadS: number): Promise<RealisticRound> {
  const urls = cell.servers.map((s) => s.baseUrl);
  const pids = cell.servers.map((s) => s.pid);
  const connections = cell.row.connections;
  await runLoad({ urls, connections, durationS: warmS, requests: cell.requests() });
  const likes = cell.row.server === 'likes';
  const lookups0 = likes ? await cacheLookups(urls) : null;
  const writes0 = cell.toggler ? cell.toggler.likes + cell.toggler.unlikes : 0;
  const rss = sampleRss(pids);
  const cpu = cpuMeter(pids);
  const machine = machineCoresMeter();
  const r = await runLoad({ urls, connections, durationS: loadS, requests: cell.requests() });
  const cpuMs = cpu.stop();
  const machineCores = machine.stop();
  const rssMiB = rss.stop();
  const writes = cell.toggler ? cell.toggler.likes + cell.toggler.unlikes - writes0 : undefined;
  const lookups1 = likes ? await cacheLookups(urls) : null;
  if (cell.after) await cell.after();
  return {
    round, requests: r.requests, seconds: r.seconds, rps: r.rps, cpuMs: Math.round(cpuMs), cpuUsPerRequest: r.requests ? (cpuMs * 1000) / r.requests : Number.NaN,
    p50: r.p50, p99: r.p99, rssMiB, non2xx: r.non2xx, errors: r.errors, statusCodes: r.statusCodes, machineCores,
    ...(lookups0 && lookups1 ? { cacheHits: lookups1.hits - lookups0.hits, cacheMisses: lookups1.misses - lookups0.misses } : {}),
    ...(writes !== undefined ? { writes } : {}),
  };
}

/** Response cache lookups so far, summed over instances, from their /metrics. */
async function cacheLookups(urls: string[]): Promise<{ hits: number; misses: number }> {
  let hits = 0;
  let misses = 0;
  for (const u of urls) {
    const text = await (await fetch(`${u}/metrics`)).text();
    hits += Number(/likes_api_response_cache_lookups_total\{result="hit"\} (\d+)/.exec(text)?.[1] ?? 0);
    misses += Number(/likes_api_response_cache_lookups_total\{result="miss"\} (\d+)/.exec(text)?.[1] ?? 0);
  }
  return { hits, misses };
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? (s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2) : Number.NaN;
};

function aggregate(cell: Cell, rounds: RealisticRound[]): RealisticRow {
  const requests = rounds.reduce((s, r) => s + r.requests, 0);
  const seconds = rounds.reduce((s, r) => s + r.seconds, 0);
  const cpuMs = rounds.reduce((s, r) => s + r.cpuMs, 0);
  const hits = rounds.reduce((s, r) => s + (r.cacheHits ?? 0), 0);
  const lookups = rounds.reduce((s, r) => s + (r.cacheHits ?? 0) + (r.cacheMisses ?? 0), 0);
  return {
    ...cell.row,
    rounds,
    rps: seconds ? Math.round(requests / seconds) : 0,
    cpuUsPerRequest: requests ? Math.round((cpuMs * 1000) / requests) : Number.NaN,
    machineCores: seconds ? rounds.reduce((s, r) => s + r.machineCores * r.seconds, 0) / seconds : Number.NaN,
    p50: median(rounds.map((r) => r.p50)),
    p99: median(rounds.map((r) => r.p99)),
    rssMiB: cell.servers.map((_, i) => Math.max(...rounds.map((r) => r.rssMiB[i] ?? 0))),
    non2xx: rounds.reduce((s, r) => s + r.non2xx, 0),
    errors: rounds.reduce((s, r) => s + r.errors, 0),
    ...(cell.row.server === 'likes' && lookups ? { cacheHitRate: hits / lookups } : {}),
  };
}

