// Turns one benchmark run into docs/benchmarks.md: the machine, the tables, the targets met or not. The hand-written
// analysis between the ANALYSIS markers of the previous document is carried over unchanged.
import type { SequentialResult } from './load.ts';
import type { SizeSpec } from './data.ts';
import type { ProfileSummary } from './profile.ts';

export interface MainRow {
  store: string;
  id: string;
  label: string;
  instances: number;
  /** The response cache was on (the default). */
  cache: boolean;
  rps: number;
  p50: number;
  p90: number;
  p99: number;
  rssMiB: number[];
  bytesPerResponse: number;
  requests: number;
  non2xx: number;
  errors: number;
  statusCodes: Record<string, number>;
}

export type PeerRow = (MainRow & { sameBytes: boolean; bodyBytes: number; error?: undefined }) | { store: string; id: string; label: string; error: string };

export interface ScalingPoint {
  store: 'sqlite' | 'postgres';
  label: string;
  likes: number;
  heavyLikerLikes: number;
  pages: ({ name: string; index: number } & SequentialResult)[];
  likingUsers: SequentialResult | null;
  load: { rps: number; p50: number; p99: number; rssMiB: number } | null;
  /** Every page of the heaviest liker requested in turn (mostly cache misses; the cache fills up). */
  varied?: { pages: number; rps: number; p50: number; p99: number; rssMiB: number };
}

export interface BenchResults {
  mode: 'quick' | 'full';
  date: string;
  machine: {
    cpu: string; cores: number; memoryGiB: number; kernel: string; loadavgStart: number[]; loadavgEnd: number[];
    /** 1-minute load average sampled every 5 s, lowest and highest while each section ran (absent in older results). */
    loadBySection?: { section: string; fromS: number; toS: number; min: number | null; max: number | null }[];
  };
  versions: Record<string, string>;
  settings: { warmS: number; loadS: number; connections: number; page: number; latency: { count: number; maxMs: number; warmup: number }; seed: number };
  sizes: SizeSpec[];
  mainLabel: string;
  pageBytes?: number;
  pageSha?: string;
  pgPageSha?: string;
  seeds: {
    store: string; label: string; spec: SizeSpec; likesPerSecond: number; ms: Record<string, number>; finishSteps: { step: string; ms: number }[];
    wallMs: number; reused: boolean; heavyLikerLikes: number; popularTweetLikes: number;
  }[];
  main: MainRow[];
  peers: PeerRow[];
  scaling: ScalingPoint[];
  startup: { store: string; label: string; likes: number; ms: number[] }[];
  writes: {
    store: string; instances: number; likesCreated: number; seconds: number; likesPerSecond: number; rps: number; p50: number; p99: number;
    rssMiB: number[]; non2xx: number; errors: number; poolExhausted: boolean;
  }[];
  profiles: (ProfileSummary & { id: string; label: string; rps: number })[];
  notes: string[];
  durationS: number;
}

export const ANALYSIS_START = '<!-- ANALYSIS:START (hand-written; kept when the bench rewrites this file) -->';
export const ANALYSIS_END = '<!-- ANALYSIS:END -->';

const n0 = (x: number) => Math.round(x).toLocaleString('en-US');
const f2 = (x: number | undefined) => (x === undefined || Number.isNaN(x) ? '–' : x.toFixed(2));
const ratio = (a: number | undefined, b: number | undefined) => (a && b ? a / b : Number.NaN);
const fx = (x: number) => (Number.isNaN(x) ? '–' : `${x.toFixed(2)}×`);
const mark = (ok: boolean | null) => (ok === null ? '⚪ not measured' : ok ? '✅ met' : '❌ not met');

export interface Target {
  name: string;
  goal: string;
  measured: string;
  ok: boolean | null;
}

export function evaluateTargets(r: BenchResults): Target[] {
  const ours = r.main.find((m) => m.store === 'sqlite' && m.id === 'liked_tweets:bearer' && m.cache !== false);
  const ceiling = r.main.find((m) => m.store === 'ceiling');
  const peer = (id: string) => r.peers.find((p): p is Extract<PeerRow, { rps: number }> => p.id === id && !p.error);
  const prism = peer('prism');
  const json = peer('json-server');
  const sqlitePoints = r.scaling.filter((p) => p.store === 'sqlite');
  const smallest = sqlitePoints[0];
  const largest = sqlitePoints[sqlitePoints.length - 1];
  const first = (p: ScalingPoint | undefined) => p?.pages.find((x) => x.name === 'first');
  const deepest = (p: ScalingPoint | undefined) => p?.pages.find((x) => x.name === 'deepest');
  const sqliteWrites = r.writes.find((w) => w.store === 'sqlite');
  const pgWrites = r.writes.find((w) => w.store === 'postgres' && w.instances === 2);
  const start = r.startup.filter((s) => s.store === 'sqlite').pop();
  const seedSqlite = r.seeds.filter((s) => s.store === 'sqlite').pop();
  const seedPg = r.seeds.filter((s) => s.store === 'postgres').pop();
  const t: Target[] = [];
  const cold = r.main.find((m) => m.store === 'sqlite' && m.id === 'liked_tweets:bearer' && m.cache === false);
  const coldNote = (peerRps: number | undefined) => (cold && peerRps ? `; cache off ${fx(ratio(cold.rps, peerRps))}` : '');
  const c = ratio(ours?.rps, ceiling?.rps);
  t.push({
    name: 'liked_tweets (SQLite, app bearer) vs the ceiling', goal: '≥ 0.5× ceiling req/s',
    measured: `${fx(c)} (${n0(ours?.rps ?? 0)} vs ${n0(ceiling?.rps ?? 0)} req/s)${coldNote(ceiling?.rps)}`, ok: Number.isNaN(c) ? null : c >= 0.5,
  });
  const p = ratio(ours?.rps, prism?.rps);
  t.push({ name: 'vs Stoplight Prism', goal: '≥ 10× Prism req/s', measured: prism ? `${fx(p)} (Prism ${n0(prism.rps)} req/s)${coldNote(prism.rps)}` : 'Prism not measured', ok: prism ? p >= 10 : null });
  const j = ratio(ours?.rps, json?.rps);
  t.push({ name: 'vs json-server', goal: '≥ 5× json-server req/s', measured: json ? `${fx(j)} (json-server ${n0(json.rps)} req/s)${coldNote(json.rps)}` : 'json-server not measured', ok: json ? j >= 5 : null });
  const growth = ratio(first(largest)?.p50, first(smallest)?.p50);
  t.push({
    name: `first-page p50 at ${largest?.label ?? '?'} vs ${smallest?.label ?? '?'} likes`, goal: '≤ 1.2×',
    measured: `${fx(growth)} (${f2(first(largest)?.p50)} vs ${f2(first(smallest)?.p50)} ms)`, ok: Number.isNaN(growth) ? null : growth <= 1.2,
  });
  const deep = ratio(deepest(largest)?.p50, first(largest)?.p50);
  t.push({
    name: `deepest page vs first page (${largest?.label ?? '?'} likes, page ${deepest(largest)?.index ?? '?'})`, goal: '≤ 1.2× (keyset: flat)',
    measured: `${fx(deep)} (${f2(deepest(largest)?.p50)} vs ${f2(first(largest)?.p50)} ms)`, ok: Number.isNaN(deep) ? null : deep <= 1.2,
  });
  t.push({ name: 'durable likes/s, SQLite, 1 process', goal: '≥ 5,000/s', measured: sqliteWrites ? `${n0(sqliteWrites.likesPerSecond)}/s` : 'not measured', ok: sqliteWrites ? sqliteWrites.likesPerSecond >= 5000 : null });
  t.push({ name: 'durable likes/s, PostgreSQL + Redis, 2 instances', goal: '≥ 8,000/s', measured: pgWrites ? `${n0(pgWrites.likesPerSecond)}/s` : 'not measured', ok: pgWrites ? pgWrites.likesPerSecond >= 8000 : null });
  t.push({
    name: `RSS serving ${largest?.label ?? '?'} likes (SQLite, under load)`, goal: '≤ 120 MiB',
    measured: largest?.load
      ? `${largest.load.rssMiB} MiB (same page)${largest.varied ? `; ${largest.varied.rssMiB} MiB with ${n0(largest.varied.pages)} pages in turn` : ''}`
      : 'not measured',
    ok: largest?.load ? Math.max(largest.load.rssMiB, largest.varied?.rssMiB ?? 0) <= 120 : null,
  });
  t.push({
    name: `start to first answer, existing ${start?.label ?? '?'} store (SQLite)`, goal: '≤ 1 s (every start)',
    measured: start ? `${start.ms.join(' / ')} ms` : 'not measured', ok: start ? Math.max(...start.ms) <= 1000 : null,
  });
  t.push({
    name: `seed into SQLite (${seedSqlite?.label ?? '?'} likes)`, goal: '≥ 200,000 likes/s',
    measured: seedSqlite ? `${n0(seedSqlite.likesPerSecond)} likes/s; whole seed ${(seedSqlite.wallMs / 1000).toFixed(1)} s${seedSqlite.reused ? ' (from an earlier run)' : ''}` : 'not measured',
    ok: seedSqlite ? seedSqlite.likesPerSecond >= 200_000 : null,
  });
  if (seedPg) {
    t.push({
      name: `seed into PostgreSQL with COPY (${seedPg.label} likes)`, goal: 'practical (completes in minutes)',
      measured: `${n0(seedPg.likesPerSecond)} likes/s; whole seed ${(seedPg.wallMs / 1000).toFixed(1)} s`, ok: seedPg.wallMs < 10 * 60_000,
    });
  }
  return t;
}

function table(head: string[], rows: (string | number)[][], align?: string[]): string {
  const a = align ?? head.map((_, i) => (i === 0 ? ':--' : '--:'));
  return [`| ${head.join(' | ')} |`, `| ${a.join(' | ')} |`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');
}

export function renderMarkdown(r: BenchResults, previous: string, svg: string): string {
  const kept = (() => {
    const a = previous.indexOf(ANALYSIS_START);
    const b = previous.indexOf(ANALYSIS_END);
    return a >= 0 && b > a ? previous.slice(a + ANALYSIS_START.length, b).trim() : '_(No analysis written yet.)_';
  })();
  const ceiling = r.main.find((m) => m.store === 'ceiling');
  const ours = r.main.find((m) => m.store === 'sqlite' && m.id === 'liked_tweets:bearer' && m.cache !== false);
  const cold = r.main.find((m) => m.store === 'sqlite' && m.id === 'liked_tweets:bearer' && m.cache === false);
  const storeName = (m: { store: string; instances: number; cache?: boolean }) =>
    (m.store === 'sqlite' ? 'SQLite, 1 process' : m.store.startsWith('postgres') ? `PostgreSQL + Redis, ${m.instances} instance${m.instances > 1 ? 's' : ''}` : m.store) +
    (m.cache === false ? ', **cache off**' : '');
  const out: string[] = [];
  out.push('# Benchmarks');
  out.push('');
  out.push(
    `Measured by \`npm run bench\`${r.mode === 'quick' ? ' --quick' : ''} on ${r.date.slice(0, 10)} (${r.durationS} s). Everything except the ` +
      'analysis section is regenerated by each full run; the analysis is written by hand and kept. Raw numbers: ' +
      '`bench/results/latest.json` (git-ignored).',
  );
  out.push('');
  out.push('## Machine and versions');
  out.push('');
  out.push(`- ${r.machine.cores} × ${r.machine.cpu}, ${r.machine.memoryGiB} GiB, ${r.machine.kernel}`);
  out.push(
    `- load average at start ${r.machine.loadavgStart.join(' ')}, at end ${r.machine.loadavgEnd.join(' ')}` +
      ' (the machine is shared: other work running at the same time lowers the numbers, and not evenly, so compare rows ' +
      'measured under similar load)',
  );
  if (r.machine.loadBySection?.length) {
    out.push(
      '- 1-minute load average while each section ran (lowest–highest, sampled every 5 s; the processes of the bench itself (server, load ' +
        `generator, database) account for up to about 2 of it on ${r.machine.cores} cores): ` +
        r.machine.loadBySection
          .map((x) => `${x.section} ${x.min === null || x.max === null ? '–' : x.min === x.max ? f2(x.min) : `${f2(x.min)}–${f2(x.max)}`} (${x.fromS}–${x.toS} s)`)
          .join(', '),
    );
  }
  out.push(`- ${Object.entries(r.versions).map(([k, v]) => `${k} ${v}`).join(', ')}`);
  out.push(
    `- load: autocannon, ${r.settings.connections} keep-alive connections per server instance, ${r.settings.warmS} s warm-up then ${r.settings.loadS} s measured; ` +
      'latencies are autocannon\'s per-request times at full precision; RSS is the highest VmRSS sampled every 100 ms during the measured run. ' +
      'Load generator, servers, PostgreSQL and Redis all share the same 2 cores.',
  );
  out.push(`- data: \`likes-api seed --seed ${r.settings.seed}\` with ${r.sizes.map((s) => `${s.label} likes (${n0(s.users)} users, ${n0(s.tweets)} tweets)`).join('; ')}`);
  for (const note of r.notes) out.push(`- note: ${note}`);
  out.push('');

  out.push('## Targets');
  out.push('');
  out.push(table(['target', 'goal', 'measured', 'verdict'], evaluateTargets(r).map((t) => [t.name, t.goal, t.measured, mark(t.ok)]), [':--', ':--', ':--', ':--']));
  out.push('');

  out.push(`## Side by side (${r.mainLabel} likes)`);
  out.push('');
  out.push(
    `The page is the heaviest liker's first liked_tweets page of 100 (${n0(r.pageBytes ?? 0)} bytes of JSON, sha256 ${r.pageSha ?? '?'}` +
      `${r.pgPageSha ? (r.pgPageSha === r.pageSha ? '; PostgreSQL serves the identical bytes' : `; PostgreSQL serves ${r.pgPageSha}`) : ''}). ` +
      'The ceiling is a bare `node:http` server (bench/ceiling-server.mjs) sending those bytes with the same headers, pre-serialised. ' +
      'like + unlike alternates POST and DELETE of the same like (each request changes a row). The Likes API runs as ' +
      'configured by default, response cache on: a repeated identical lookup is served from the cache until a write ' +
      'changes the data version; the rows marked **cache off** (LIKES_API_CACHE=off) compute every page, which is what ' +
      'a cache miss costs.',
  );
  out.push('');
  const rows = [...r.main].map((m) => [
    m.store === 'ceiling' ? '**ceiling**' : storeName(m),
    m.label,
    n0(m.rps),
    f2(m.p50),
    f2(m.p99),
    m.rssMiB.map((x) => x.toFixed(0)).join(' + '),
    n0(m.bytesPerResponse),
    m.store === 'ceiling' ? '1.00×' : fx(ratio(m.rps, ceiling?.rps)),
    m.non2xx + m.errors ? `${m.non2xx + m.errors} ⚠` : '0',
  ]);
  out.push(table(['server', 'workload', 'req/s', 'p50 ms', 'p99 ms', 'RSS MiB', 'bytes/resp', '÷ ceiling', 'non-2xx'], rows, [':--', ':--', '--:', '--:', '--:', '--:', '--:', '--:', '--:']));
  out.push('');

  out.push('## Peers');
  out.push('');
  out.push(
    'Same machine, same load, same liked_tweets request. Prism (`@stoplight/prism-cli`, logging silenced) mocks ' +
      '`x-openapi-likes-v2.159.json` as it is (its own small example) and, second row, a copy whose example is our exact page. ' +
      'json-server serves the same Tweet objects (the heavy liker\'s first 1000 liked Tweets), 100 per page. ' +
      `"ours ÷ peer" uses the SQLite liked_tweets row (app bearer): ${n0(ours?.rps ?? 0)} req/s as configured by default, ` +
      `${n0(cold?.rps ?? 0)} req/s with the response cache off.`,
  );
  out.push('');
  out.push(
    table(
      ['peer', 'req/s', 'p50 ms', 'p99 ms', 'RSS MiB', 'body bytes', 'ours ÷ peer', 'ours, cache off ÷ peer'],
      r.peers.map((p) =>
        p.error !== undefined
          ? [p.label, '–', '–', '–', '–', '–', `not measured: ${p.error}`, '–']
          : [
              p.label, n0(p.rps), f2(p.p50), f2(p.p99), p.rssMiB.map((x) => x.toFixed(0)).join(' + '),
              `${n0(p.bodyBytes)}${p.sameBytes ? ' (same)' : ''}`, fx(ratio(ours?.rps, p.rps)), fx(ratio(cold?.rps, p.rps)),
            ],
      ),
      [':--', '--:', '--:', '--:', '--:', '--:', '--:', '--:'],
    ),
  );
  out.push('');

  out.push('## Scaling');
  out.push('');
  out.push(
    `Sequential requests (one at a time, keep-alive; ${r.settings.latency.warmup} warm-up, then up to ${r.settings.latency.count} or ${r.settings.latency.maxMs / 1000} s), ` +
      'app bearer, default fields, pages of 100 of the heaviest liker reached with a pagination_token (keyset), and liking_users of the ' +
      'most-liked Tweet, on servers with the response cache off (so each request runs the keyset query). Then, on a server as ' +
      `configured by default, ${r.settings.loadS} s of liked_tweets under load (the same page) for throughput and RSS; at the ` +
      'largest size also every page of the heaviest liker in turn (cache misses; the cache fills to its budget).',
  );
  out.push('');
  out.push(`![Scaling curves](${svg})`);
  out.push('');
  out.push(
    table(
      ['store', 'likes', 'heavy liker', 'first p50/p99 ms', 'middle p50/p99 ms (page)', 'deepest p50/p99 ms (page)', 'liking_users p50/p99 ms', 'same page: req/s, RSS MiB', 'all pages in turn: req/s, p50 ms, RSS MiB'],
      r.scaling.map((p) => {
        const pg = (name: string) => {
          const x = p.pages.find((q) => q.name === name);
          return x ? `${f2(x.p50)} / ${f2(x.p99)}${name === 'first' ? '' : ` (#${x.index})`}` : '–';
        };
        return [
          p.store === 'sqlite' ? 'SQLite' : 'PostgreSQL + Redis',
          p.label,
          n0(p.heavyLikerLikes),
          pg('first'),
          pg('middle'),
          pg('deepest'),
          p.likingUsers ? `${f2(p.likingUsers.p50)} / ${f2(p.likingUsers.p99)}` : '–',
          p.load ? `${n0(p.load.rps)}, ${p.load.rssMiB.toFixed(0)}` : '–',
          p.varied ? `${n0(p.varied.rps)}, ${f2(p.varied.p50)}, ${p.varied.rssMiB.toFixed(0)} (${n0(p.varied.pages)} pages)` : '–',
        ];
      }),
      [':--', '--:', '--:', '--:', '--:', '--:', '--:', '--:', '--:'],
    ),
  );
  out.push('');

  out.push('## Start to first answer');
  out.push('');
  out.push('From spawning `node bin/likes-api.mjs serve` on an existing store to the first 200 of an authenticated liked_tweets request; three starts each (the first one after the previous measurements touched other files).');
  out.push('');
  out.push(table(['store', 'likes', 'starts (ms)'], r.startup.map((s) => [s.store, s.label, s.ms.join(' / ')]), [':--', '--:', '--:']));
  out.push('');

  out.push('## Durable like writes');
  out.push('');
  out.push(
    'Each request a POST like of a Tweet the user had not liked (OAuth 2.0 user bearer, 5 users interleaved); "likes/s" counts the rows ' +
      'that are in the store afterwards (not the 200s). SQLite group-commits: the likes requested in one turn of the event loop ' +
      'commit together in one transaction (a savepoint each), in WAL mode with synchronous=FULL, so every acknowledged like ' +
      'has been fsynced to the WAL; PostgreSQL commits each like on its own with synchronous_commit on.',
  );
  out.push('');
  out.push(
    table(
      ['store', 'instances', 'new likes', 'seconds', 'likes/s', 'p50 ms', 'p99 ms', 'RSS MiB', 'non-2xx'],
      r.writes.map((w) => [w.store, w.instances, n0(w.likesCreated), w.seconds, n0(w.likesPerSecond), f2(w.p50), f2(w.p99), w.rssMiB.map((x) => x.toFixed(0)).join(' + '), w.non2xx + w.errors]),
      [':--', '--:', '--:', '--:', '--:', '--:', '--:', '--:', '--:'],
    ),
  );
  out.push('');

  out.push('## Seeding');
  out.push('');
  out.push(
    '`likes-api seed` through the real CLI. likes/s covers generating and appending the like rows plus everything after ' +
      '(index rebuilds, both like_count recounts, commit). Wall is the whole process, users, tweets and credentials included.',
  );
  out.push('');
  out.push(
    table(
      ['store', 'likes', 'users / tweets', 'users ms', 'tweets ms', 'likes ms', 'finish ms (steps)', 'likes/s', 'wall s', 'most liked Tweet', 'heaviest liker'],
      r.seeds.map((s) => [
        s.store,
        s.label,
        `${n0(s.spec.users)} / ${n0(s.spec.tweets)}`,
        n0(s.ms.users),
        n0(s.ms.tweets),
        n0(s.ms.likes),
        `${n0(s.ms.finish)} (${s.finishSteps.map((x) => `${x.step} ${n0(x.ms)}`).join('; ')})`,
        n0(s.likesPerSecond),
        `${(s.wallMs / 1000).toFixed(1)}${s.reused ? ' (earlier run)' : ''}`,
        n0(s.popularTweetLikes),
        n0(s.heavyLikerLikes),
      ]),
      [':--', '--:', '--:', '--:', '--:', '--:', ':--', '--:', '--:', '--:', '--:'],
    ),
  );
  out.push('');

  if (r.profiles.length) {
    out.push('## Profiles');
    out.push('');
    out.push(
      '`node --cpu-prof` of the SQLite server (started as users start it: `node bin/likes-api.mjs serve`) while autocannon ran the ' +
        'workload; only the samples of the measured seconds are counted (start-up and warm-up left out). Percentages are of busy ' +
        '(non-idle) time of the main thread. Line numbers of .ts files are those of tsx\'s output, so only the file is shown.',
    );
    out.push('');
    for (const pr of r.profiles) {
      out.push(`### ${pr.label}`);
      out.push('');
      out.push(`${n0(pr.rps)} req/s under the profiler; ${n0(pr.busyMs)} ms of busy samples. Profile: \`${pr.file}\` (git-ignored).`);
      out.push('');
      out.push(table(['area (self time)', 'ms', '%'], pr.areas.map((a) => [a.area, n0(a.ms), `${a.pct}%`]), [':--', '--:', '--:']));
      out.push('');
      out.push('Heaviest functions by self time (native work, such as SQLite stepping and row decoding, counts as self time of the JS function that called it):');
      out.push('');
      out.push(table(['function', 'where', 'self %', 'incl. %'], pr.topSelf.slice(0, 15).map((x) => [`\`${x.name}\``, x.where, `${x.selfPct}%`, `${x.totalPct}%`]), [':--', ':--', '--:', '--:']));
      out.push('');
      out.push('Heaviest application and library functions by inclusive time (the function and all it calls):');
      out.push('');
      out.push(table(['function', 'where', 'incl. %', 'self %'], pr.topTotal.slice(0, 20).map((x) => [`\`${x.name}\``, x.where, `${x.totalPct}%`, `${x.selfPct}%`]), [':--', ':--', '--:', '--:']));
      out.push('');
    }
  }

  out.push('## Analysis');
  out.push('');
  out.push(ANALYSIS_START);
  out.push(kept);
  out.push(ANALYSIS_END);
  out.push('');
  out.push('## Running it');
  out.push('');
  out.push('```sh');
  out.push('npm run bench             # full run (~10 min here): 10k / 1M / 10M likes, writes docs/benchmarks.md and docs/benchmarks-scaling.svg');
  out.push('npm run bench -- --quick  # smaller run (a few minutes): results in bench/results/ only');
  out.push('npm run bench -- --help   # --reseed, --no-pg, --no-peers, --keep-data, --only');
  out.push('npm run bench -- --only main,peers   # some sections only (results in bench/results/, docs/ untouched)');
  out.push('node scripts/bench-chart.mjs bench/results/latest.json docs/benchmarks-scaling.svg   # redraw the chart');
  out.push('node --import tsx bench/render.ts bench/results/latest.json   # rewrite this page from a full run\'s results, keeping the analysis');
  out.push('```');
  out.push('');
  out.push(
    'The bench installs its own tools on first use (`npm ci --prefix bench`: autocannon, @stoplight/prism-cli, json-server), seeds ' +
      'SQLite datasets under bench/results/data (reused by later runs; `--reseed` to seed again), creates PostgreSQL databases ' +
      '(LIKES_API_BENCH_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/test) and a Redis key prefix ' +
      '(LIKES_API_BENCH_REDIS_URL, default redis://127.0.0.1:6379) of its own and removes them at the end. Every server it starts ' +
      'listens on 127.0.0.1 with LIKES_API_LIMITS=off, and every load is bounded in time and in request count.',
  );
  out.push('');
  return out.join('\n');
}
