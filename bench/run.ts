// `npm run bench [-- --quick] [--reseed] [--no-pg] [--no-peers] [--keep-data]`: one run that measures, on this
// machine and side by side, the ceiling (a bare node:http server sending the same liked_tweets bytes), the Likes API
// (SQLite; PostgreSQL + Redis with 1 and 2 instances; bearer and OAuth 1.0a), its peers (Prism, json-server), the
// scaling curves at 10 k / 1 M / 10 M likes, a realistic mix of many distinct requests beside two bare ceilings (CPU per
// request included), durable like writes (beside a bare `pg` script), like → webhook delivery, and a CPU profile of
// the hot path. Results go to bench/results/ (git-ignored); a full run also writes docs/benchmarks.md and
// docs/benchmarks-scaling.svg. This file reads the options, seeds the datasets and runs the sections (bench/sections/,
// one module each) in order.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import type { BenchContext } from './lib/context.ts';
import { readArgs } from '../src/cli/args.ts';
import { urlWithDatabase, withAdmin } from '../test/support/postgres.ts';
import { SEED, seedStore, type SeedOutcome, type SizeSpec } from './lib/data.ts';
import { cleanRedis, ensureBenchDeps, gitState, reachable, redisVersion, versions } from './lib/environment.ts';
import { watchLoad } from './lib/loadWatch.ts';
import { ROOT, runToEnd, stopAllSync } from './lib/proc.ts';
import { renderMarkdown } from './lib/report.ts';
import { realisticSection, spliceRealistic } from './lib/report/realistic.ts';
import { PAGE } from './lib/requests.ts';
import type { BenchResults } from './lib/results.ts';
import { peers } from './sections/peers.ts';
import { realistic, type RealisticDataset } from './sections/realistic.ts';
import { profiles } from './sections/profile.ts';
import { scaling } from './sections/scaling.ts';
import { sideBySide } from './sections/sideBySide.ts';
import { writes } from './sections/writes.ts';
import { eventDelivery } from './sections/events.ts';

// ---- Options ----

const argv = process.argv.slice(2);
if (argv.includes('--help') || argv.includes('-h')) {
  console.log(`Usage: npm run bench [-- options]
  --quick       smaller datasets (10k/100k/1M likes) and 3 s loads: a few minutes
  --reseed      seed the SQLite datasets again even when bench/results/data has them
  --no-pg       skip PostgreSQL + Redis
  --no-peers    skip Prism and json-server
  --keep-data   keep the PostgreSQL databases (dropped by default)
  --only LIST   run only some sections (comma separated: main, peers, scaling, realistic, writes, events, profile); results
                go to bench/results/ only, docs/ is left as it is, except that a run with realistic (not --quick)
                rewrites the "Realistic mix" part of docs/benchmarks.md (between its markers)`);
  process.exit(0);
}
const options = (() => {
  try {
    return readArgs(argv, { quick: 'boolean', reseed: 'boolean', 'no-pg': 'boolean', 'no-peers': 'boolean', 'keep-data': 'boolean', only: 'string' }, { lastWins: true }).values;
  } catch (error) {
    console.error(`npm run bench: ${(error as Error).message} (see --help)`);
    process.exit(2);
  }
})();
const has = (f: string) => options.has(f.replace(/^--/, ''));
const QUICK = has('--quick');
const SECTIONS = ['main', 'peers', 'scaling', 'realistic', 'writes', 'events', 'profile'] as const;
type Section = (typeof SECTIONS)[number];
const onlyArg = (options.get('only') as string | undefined) ?? null;
const ONLY = onlyArg === null ? null : new Set(onlyArg.split(',').map((x) => x.trim()).filter(Boolean));
if (ONLY) {
  for (const x of ONLY) {
    if (!(SECTIONS as readonly string[]).includes(x)) {
      console.error(`--only: unknown section "${x}" (sections: ${SECTIONS.join(', ')})`);
      process.exit(2);
    }
  }
}
const run = (section: Section) => !ONLY || ONLY.has(section);
/** Only a complete full run rewrites docs/benchmarks.md and the chart. */
const WRITES_DOCS = !QUICK && !ONLY;
const RESULTS = join(ROOT, 'bench', 'results');
const DATA = join(RESULTS, 'data');
const STAMP = new Date().toISOString().replace(/[:.]/g, '-');
const RUN_DIR = join(RESULTS, `run-${STAMP}`);
const PG_ADMIN = process.env.LIKES_API_BENCH_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test';
const REDIS_URL = process.env.LIKES_API_BENCH_REDIS_URL || 'redis://127.0.0.1:6379';
const REDIS_PREFIX = `likes-bench-${process.pid}-${randomBytes(3).toString('hex')}:`;

const SIZES: SizeSpec[] = QUICK
  ? [
      { label: '10k', users: 1_000, tweets: 10_000, likes: 10_000 },
      { label: '100k', users: 5_000, tweets: 50_000, likes: 100_000 },
      { label: '1M', users: 20_000, tweets: 200_000, likes: 1_000_000 },
    ]
  : [
      { label: '10k', users: 1_000, tweets: 10_000, likes: 10_000 },
      { label: '1M', users: 20_000, tweets: 200_000, likes: 1_000_000 },
      { label: '10M', users: 100_000, tweets: 1_000_000, likes: 10_000_000 },
    ];
/** The dataset of the side-by-side table. */
const MAIN = SIZES[1];
const LARGEST = SIZES[SIZES.length - 1];
const WARM_S = QUICK ? 1 : 2;
const LOAD_S = QUICK ? 3 : 8;
const CONNECTIONS = 16;
const LATENCY = { count: QUICK ? 150 : 400, maxMs: QUICK ? 2000 : 5000, warmup: 30 };

const log = (s: string) => console.log(s);
const started = performance.now();
const elapsed = () => `${((performance.now() - started) / 1000).toFixed(0)} s`;
const seconds = () => Math.round((performance.now() - started) / 1000);

const load = watchLoad(seconds);
const ctx: BenchContext = {
  quick: QUICK, sizes: SIZES, main: MAIN, largest: LARGEST, warmS: WARM_S, loadS: LOAD_S, connections: CONNECTIONS, latency: LATENCY,
  runDir: RUN_DIR, dataDir: DATA, redisUrl: REDIS_URL, redisPrefix: REDIS_PREFIX, log, elapsed,
};

process.on('exit', stopAllSync);
for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.once(sig, () => {
    stopAllSync();
    process.exit(130);
  });
}

// ---- The run ----

async function main(): Promise<void> {
  mkdirSync(RUN_DIR, { recursive: true });
  mkdirSync(DATA, { recursive: true });
  ensureBenchDeps(log);
  const results: BenchResults = {
    mode: QUICK ? 'quick' : 'full',
    date: new Date().toISOString(),
    machine: {
      cpu: cpus()[0]?.model ?? '?',
      cores: cpus().length,
      memoryGiB: Math.round(totalmem() / 2 ** 30),
      kernel: (() => {
        try {
          return execFileSync('uname', ['-sr']).toString().trim();
        } catch {
          return '?';
        }
      })(),
      loadavgStart: loadavg().map((x) => Math.round(x * 100) / 100),
      loadavgEnd: [],
    },
    versions: { ...versions(), commit: gitState() },
    settings: { warmS: WARM_S, loadS: LOAD_S, connections: CONNECTIONS, page: PAGE, latency: LATENCY, seed: SEED },
    sizes: SIZES,
    mainLabel: MAIN.label,
    seeds: [],
    main: [],
    peers: [],
    scaling: [],
    startup: [],
    writes: [],
    profiles: [],
    notes: [],
    durationS: 0,
  };
  const pgProblem = has('--no-pg') ? 'skipped (--no-pg)' : (await reachable('pg', PG_ADMIN, REDIS_URL)) ?? (await reachable('redis', PG_ADMIN, REDIS_URL));
  if (pgProblem) results.notes.push(`PostgreSQL + Redis rows not measured: ${pgProblem}`);

  // 1. Datasets
  log(`[${elapsed()}] Seeding SQLite datasets`);
  const sqliteSeeds = new Map<string, SeedOutcome>();
  const seedingFrom = seconds();
  for (const size of run('scaling') ? SIZES : [MAIN]) {
    const s = await seedStore({ spec: size, dataDir: join(DATA, `sqlite-${size.label}`), reuse: !has('--reseed'), log });
    sqliteSeeds.set(size.label, s);
    results.seeds.push(seedRow(s));
    log(`  sqlite ${size.label}: ${s.report.likesPerSecond} likes/s (${(s.wallMs / 1000).toFixed(1)} s wall)${s.reused ? ' [reused]' : ''}`);
  }
  const pgDbs: string[] = [];
  const pgSeeds = new Map<string, SeedOutcome>();
  const needsPg = run('main') || run('scaling') || run('realistic') || run('writes');
  if (!pgProblem && needsPg) {
    log(`[${elapsed()}] Seeding PostgreSQL datasets`);
    results.versions.postgresql = await withAdmin(async (c) => String((await c.query('SHOW server_version')).rows[0].server_version), PG_ADMIN);
    results.versions.redis = await redisVersion(REDIS_URL);
    for (const size of QUICK || !run('scaling') ? [MAIN] : [MAIN, LARGEST]) {
      const db = `likes_bench_${size.label.toLowerCase()}_${process.pid}`;
      await withAdmin(async (c) => {
        await c.query(`DROP DATABASE IF EXISTS ${db} WITH (FORCE)`);
        await c.query(`CREATE DATABASE ${db}`);
      }, PG_ADMIN);
      pgDbs.push(db);
      const s = await seedStore({ spec: size, dataDir: join(RUN_DIR, `pg-${size.label}`), databaseUrl: urlWithDatabase(PG_ADMIN, db), reuse: false, log });
      pgSeeds.set(size.label, s);
      results.seeds.push(seedRow(s));
      log(`  postgres ${size.label}: ${s.report.likesPerSecond} likes/s (${(s.wallMs / 1000).toFixed(1)} s wall)`);
    }
  }
  load.span('seeding', seedingFrom, seconds());

  try {
    if (run('main') || run('peers')) {
      await load.timed('side by side', () => sideBySide(ctx, results, sqliteSeeds.get(MAIN.label)!, run('main') ? pgSeeds.get(MAIN.label) : undefined, run('main')));
    }
    if (run('peers') && !has('--no-peers')) await load.timed('peers', () => peers(ctx, results, sqliteSeeds.get(MAIN.label)!));
    if (run('scaling')) await load.timed('scaling', () => scaling(ctx, results, sqliteSeeds, pgSeeds));
    if (run('realistic')) {
      // On the side-by-side dataset, and on the largest too when it is seeded (a full run seeds it for the scaling curves;
      // --only realistic takes it when an earlier run left it in bench/results/data).
      const sets: RealisticDataset[] = [{ sqlite: sqliteSeeds.get(MAIN.label)!, pg: pgSeeds.get(MAIN.label) }];
      let largest = sqliteSeeds.get(LARGEST.label);
      if (!largest && LARGEST !== MAIN && !QUICK && existsSync(join(DATA, `sqlite-${LARGEST.label}`, 'bench-seed.json'))) {
        largest = await seedStore({ spec: LARGEST, dataDir: join(DATA, `sqlite-${LARGEST.label}`), reuse: true, log });
        if (!largest.reused) results.seeds.push(seedRow(largest));
      }
      if (largest && LARGEST !== MAIN) sets.push({ sqlite: largest });
      await load.timed('realistic', () => realistic(ctx, results, sets));
    }
    if (run('writes')) await load.timed('writes', () => writes(ctx, results, sqliteSeeds.get(MAIN.label)!, pgSeeds.get(MAIN.label)));
    if (run('events')) await load.timed('events', () => eventDelivery(ctx, results, pgProblem ? null : PG_ADMIN));
    if (run('profile')) results.profiles = await load.timed('profiles', () => profiles(ctx, sqliteSeeds.get(MAIN.label)!));
  } finally {
    stopAllSync();
    if (!pgProblem) await cleanRedis(REDIS_URL, REDIS_PREFIX).catch(() => {});
    if (!has('--keep-data') && pgDbs.length) {
      await withAdmin(async (c) => {
        for (const db of pgDbs) await c.query(`DROP DATABASE IF EXISTS ${db} WITH (FORCE)`);
      }, PG_ADMIN).catch((e) => log(`could not drop ${pgDbs.join(', ')}: ${(e as Error).message}`));
    }
    rmSync(join(DATA, 'work-sqlite'), { recursive: true, force: true });
  }

  results.machine.loadavgEnd = loadavg().map((x) => Math.round(x * 100) / 100);
  results.machine.loadBySection = load.bySection();
  const commitAtEnd = gitState();
  if (commitAtEnd !== results.versions.commit) {
    results.notes.push(`the working tree changed during the run (${results.versions.commit} at the start, ${commitAtEnd} at the end): servers started later ran the newer code`);
  }
  results.durationS = Math.round((performance.now() - started) / 1000);
  const json = join(RESULTS, `bench-${STAMP}.json`);
  writeFileSync(json, JSON.stringify(results, null, 2));
  const kind = WRITES_DOCS ? '' : QUICK ? '-quick' : '-partial';
  writeFileSync(join(RESULTS, `latest${kind}.json`), JSON.stringify(results, null, 2));
  const markdownTarget = WRITES_DOCS ? join(ROOT, 'docs', 'benchmarks.md') : join(RESULTS, `benchmarks${kind}.md`);
  const svgTarget = WRITES_DOCS ? join(ROOT, 'docs', 'benchmarks-scaling.svg') : join(RESULTS, `benchmarks-scaling${kind}.svg`);
  const previous = existsSync(markdownTarget) ? readFileSync(markdownTarget, 'utf8') : existsSync(join(ROOT, 'docs', 'benchmarks.md')) ? readFileSync(join(ROOT, 'docs', 'benchmarks.md'), 'utf8') : '';
  mkdirSync(join(ROOT, 'docs'), { recursive: true });
  writeFileSync(markdownTarget, renderMarkdown(results, previous, svgTarget.slice(svgTarget.lastIndexOf('/') + 1)));
  if (!WRITES_DOCS && !QUICK && results.realistic?.length) {
    // A run of some sections that measured the realistic mix rewrites that part of docs/benchmarks.md alone.
    const docs = join(ROOT, 'docs', 'benchmarks.md');
    writeFileSync(docs, spliceRealistic(existsSync(docs) ? readFileSync(docs, 'utf8') : '# Benchmarks\n', realisticSection(results.realistic, results.date, results.writes, results.events)));
    log(`  ${docs}: "Realistic mix" rewritten`);
  }
  if (results.scaling.length) await runToEnd(process.execPath, [join(ROOT, 'scripts', 'bench-chart.mjs'), json, svgTarget], { timeoutMs: 60_000 });
  log(`[${elapsed()}] Done in ${results.durationS} s. Results: ${json}\n  ${markdownTarget}\n  ${svgTarget}`);
}

function seedRow(s: SeedOutcome) {
  return {
    store: s.store,
    label: s.label,
    spec: s.spec,
    likesPerSecond: s.report.likesPerSecond,
    ms: s.report.ms,
    finishSteps: s.report.finishSteps,
    wallMs: s.wallMs,
    reused: s.reused,
    heavyLikerLikes: s.report.heavyLikerLikes,
    popularTweetLikes: s.report.popularTweetLikes,
  };
}

main().catch((error) => {
  stopAllSync();
  console.error(error);
  process.exit(1);
});
