// "Realistic mix" (issue #13): many distinct requests, writes among them, beside the two bare ceilings, with CPU per
// request, and the issue's targets measured against them. The section sits between markers so that a run of this
// section alone (`npm run bench -- --only realistic`) rewrites just this part of docs/benchmarks.md.
import { availableParallelism } from 'node:os';
import type { BenchResults, EventDeliveryRow, RealisticResult, RealisticRow } from '../results.ts';
import { f2, fx, mark, mib, n0, ratio, table } from './format.ts';

export const REALISTIC_START = '<!-- REALISTIC:START (written by npm run bench; `--only realistic` rewrites just this part) -->';
export const REALISTIC_END = '<!-- REALISTIC:END -->';

const MiB = 1024 * 1024;
const pct = (x: number | undefined) => (x === undefined || Number.isNaN(x) ? '–' : `${(x * 100).toFixed(x > 0 && x < 0.01 ? 2 : 1)} %`);
const find = (d: RealisticResult | undefined, id: string) => d?.rows.find((r) => r.id === id);
const us = (x: number) => (Number.isNaN(x) ? '–' : n0(x));

/** How settled the machine was for the starts (bench/lib/cpu.ts machineSettled), when the run recorded it. */
const settledText = (s: RealisticResult['startsSettled']) =>
  s ? `, once the machine had settled (${f2(s.busyCores)} cores busy, after ${(s.waitedMs / 1000).toFixed(1)} s)` : '';

function range(row: RealisticRow): string {
  const xs = row.rounds.map((r) => r.rps);
  return xs.length > 1 ? `${n0(Math.min(...xs))}–${n0(Math.max(...xs))}` : '–';
}

function serverName(row: RealisticRow): string {
  if (row.server === 'bare') return '**bare single-query**';
  if (row.server === 'fixed') return '**bare fixed page**';
  const where = row.store === 'postgres' ? `PostgreSQL + Redis ×${row.instances}` : 'SQLite';
  return `Likes API, ${where}, cache ${row.cache ? 'on' : '**off**'}${row.mmapMiB ? `, SQLite file memory-mapped (${n0(row.mmapMiB)} MiB)` : ''}` +
    (row.instanceCores ? `, each instance held to ${row.instanceCores} cores` : '');
}

const WORKLOADS: Record<RealisticRow['requests'], string> = {
  mix: 'the mix',
  default: 'default-fields part of the mix',
  'default-fit': 'default-fields requests inside the cache',
  'one-page': 'one page repeated',
};

function workload(row: RealisticRow): string {
  return `${WORKLOADS[row.requests]}${row.writes ? ' + 10 % likes/unlikes' : ''}`;
}

/** One table per dataset: every row with req/s, CPU per request and both beside the bare single-query server. */
export function renderRealisticTable(results: RealisticResult[]): string[] {
  const out: string[] = [];
  for (const d of results) {
    const bare = find(d, 'bare');
    out.push(`### ${d.label} likes`);
    out.push('');
    const rows = d.rows.map((row) => [
      serverName(row),
      workload(row),
      n0(row.rps),
      range(row),
      us(row.cpuUsPerRequest),
      row.id === 'bare' ? '1.00×' : fx(ratio(row.rps, bare?.rps)),
      row.id === 'bare' ? '1.00×' : fx(ratio(row.cpuUsPerRequest, bare?.cpuUsPerRequest)),
      f2(row.p50),
      f2(row.p99),
      f2(row.machineCores),
      mib(row.rssMiB),
      row.cacheHitRate === undefined ? (row.cache ? '0 %' : '–') : pct(row.cacheHitRate),
      row.non2xx + row.errors ? `${row.non2xx + row.errors} ⚠` : '0',
    ]);
    out.push(
      table(
        ['server', 'requests', 'req/s', 'rounds (req/s)', 'CPU µs/req', '÷ bare req/s', '÷ bare CPU/req', 'p50 ms', 'p99 ms', 'machine cores busy', 'RSS MiB', 'cache hits', 'non-2xx'],
        rows,
        [':--', ':--', '--:', '--:', '--:', '--:', '--:', '--:', '--:', '--:', '--:', '--:', '--:'],
      ),
    );
    out.push('');
    const m = d.mix;
    out.push(
      `Mix: ${n0(m.distinct)} distinct requests (${n0(m.byKind.first ?? 0)} first pages of liked_tweets of as many users, ${n0(m.byKind.deep ?? 0)} deeper pages by ` +
        `pagination_token, ${n0(m.byKind.liking ?? 0)} liking_users of as many Tweets; ${n0(m.full)} with every field and expansion, ${n0(m.user)} with a ` +
        `token holder's OAuth 2.0 user bearer, the rest with the App's bearer), cycled in one shuffled order; their answers hold ` +
        `${(m.workingSetBytes / MiB).toFixed(1)} MiB of bodies, ${(m.workingSetBytes / (m.cacheBudgetMiB * MiB)).toFixed(1)}× the ${m.cacheBudgetMiB} MiB response cache ` +
        `budget (LIKES_API_CACHE_MB)` +
        (m.fitDistinct !== undefined && m.fitBytes !== undefined
          ? `; the rows inside the cache cycle the first ${n0(m.fitDistinct)} default-fields requests of that order, ${(m.fitBytes / MiB).toFixed(1)} MiB of bodies ` +
            '(at most half the budget)'
          : '') +
        `. Byte for byte: the bare single-query server's answers to the ${n0(d.identical.compared)} default-fields requests ` +
        `are identical to the Likes API's for **${n0(d.identical.identical)}**${d.identical.examples.length ? ` (differing, e.g. \`${d.identical.examples[0]}\`)` : ''}` +
        (d.pgIdentical
          ? `; PostgreSQL's answers to a sample of ${n0(d.pgIdentical.compared)} requests of the mix are identical to SQLite's for ${n0(d.pgIdentical.identical)}` +
            `${d.pgIdentical.examples.length ? ` (differing, e.g. \`${d.pgIdentical.examples[0]}\`)` : ''}`
          : '') +
        (d.steadyS !== undefined ? `. Every row first served for ${d.steadyS} s, so that each server is measured warm (V8 optimizes a Likes API server's code through its first ~50,000-100,000 requests of the mix); then` : '.') +
        ` ${d.rounds} rounds of ${d.warmS} s warm-up + ${d.loadS} s measured per row.`,
    );
    for (const n of d.notes) out.push(`- note: ${n}`);
    out.push('');
  }
  return out;
}

/**
 * How far this machine lets a second instance go: the cores the one-instance row left idle bound what another can add
 * (at the same CPU a request, machine-wide: load generator, instances, PostgreSQL, Redis), against what it added.
 */
function coresBound(one: RealisticRow, two: RealisticRow): string {
  const machine = availableParallelism();
  // Results written before the machine's cores were measured (JSON null where a run had none).
  if (one.machineCores == null || Number.isNaN(one.machineCores)) return `${machine} cores shared by both instances, PostgreSQL, Redis and the load generator`;
  const perRequest = (r: RealisticRow) => (r.machineCores * 1e6) / r.rps;
  return (
    `${machine} cores shared by both instances, PostgreSQL, Redis and the load generator: one instance's row kept ${f2(one.machineCores)} of them busy, ` +
    `so a second could add at most ${fx(machine / one.machineCores)} on this machine; two kept ${f2(two.machineCores)} busy, ` +
    `the machine's CPU a request ${n0(perRequest(one))} µs with one instance, ${n0(perRequest(two))} µs with two`
  );
}

/**
 * Pages/s on two PostgreSQL + Redis instances vs one. Where the rows with each instance held to a CPU share ran, they
 * decide: the instances have their cores whether one or two run, and the whole machine must have kept some idle (else
 * the cores, not the shared parts, bound the second instance). The instances that share the cores are reported beside.
 */
function scaleOut(pg1: RealisticRow | undefined, pg2: RealisticRow | undefined, held1: RealisticRow | undefined, held2: RealisticRow | undefined): Verdict {
  const name = 'PostgreSQL + Redis: pages/s on 2 instances vs 1 (the mix)';
  const goal = '≥ 1.6× (when the instances have the cores)';
  if (!pg1 || !pg2) return { name, goal, measured: 'not measured (no PostgreSQL + Redis)', ok: null };
  const unheld = ratio(pg2.rps, pg1.rps);
  const shared = `${fx(unheld)} (${n0(pg2.rps)} vs ${n0(pg1.rps)} req/s; ${coresBound(pg1, pg2)})`;
  if (!held1 || !held2) return { name, goal, measured: shared, ok: unheld >= 1.6 };
  const machine = availableParallelism();
  const idle = held2.machineCores < 0.9 * machine;
  const held = ratio(held2.rps, held1.rps);
  return {
    name,
    goal,
    measured:
      `${fx(held)} with each instance held to ${held1.instanceCores} cores (a cgroup's CPU quota, as a container's limit): ${n0(held2.rps)} vs ${n0(held1.rps)} req/s, ` +
      `the machine ${f2(held2.machineCores)} of ${machine} cores busy with two (${idle ? 'cores to spare: they did not bind' : 'nearly all: the cores bound, so this does not show the shared parts'}); ` +
      `instances sharing the cores unheld: ${shared}`,
    ok: idle && held >= 1.6,
  };
}

interface Verdict {
  name: string;
  goal: string;
  measured: string;
  ok: boolean | null;
}

/** The targets of issue #13 that these rows measure, with this run's ratios. */
export function realisticTargets(results: RealisticResult[], writes: BenchResults['writes'] = [], events: EventDeliveryRow[] = []): Verdict[] {
  const main = results[0];
  const largest = results.length > 1 ? results[results.length - 1] : undefined;
  const row = (id: string) => find(main, id);
  const t: Verdict[] = [];
  const bare = row('bare');
  const off = row('likes-off-default');
  const offMix = row('likes-off');
  const mapped = row('likes-off-mmap-default');
  const a = ratio(off?.rps, bare?.rps);
  t.push({
    name: `uncached realistic mix on SQLite vs the bare single-query server (${main?.label})`,
    goal: '≥ 1.0× req/s',
    measured: `${fx(a)} on the same default-fields requests (${n0(off?.rps ?? 0)} vs ${n0(bare?.rps ?? 0)} req/s; CPU ${us(off?.cpuUsPerRequest ?? NaN)} vs ${us(bare?.cpuUsPerRequest ?? NaN)} µs/req, ` +
      `${fx(ratio(off?.cpuUsPerRequest, bare?.cpuUsPerRequest))}); the whole mix with full fields ${fx(ratio(offMix?.rps, bare?.rps))}` +
      (mapped ? `; with the SQLite file memory-mapped (LIKES_API_SQLITE_MMAP_MB, RSS ${mib(mapped.rssMiB)} MiB) ${fx(ratio(mapped.rps, bare?.rps))}` : ''),
    ok: Number.isNaN(a) ? null : a >= 1.0,
  });
  const on = row('likes-on');
  const onW = row('likes-on-writes');
  const offW = row('likes-off-writes');
  const fit = row('likes-on-fit');
  const fitW = row('likes-on-fit-writes');
  const w = ratio(onW?.rps, on?.rps);
  t.push({
    name: '10 % write mix vs the read-only mix (SQLite, cache on)',
    goal: '≥ 0.9×',
    measured:
      `${fx(w)} (${n0(onW?.rps ?? 0)} vs ${n0(on?.rps ?? 0)} req/s; CPU ${us(onW?.cpuUsPerRequest ?? NaN)} vs ${us(on?.cpuUsPerRequest ?? NaN)} µs/req); ` +
      `cache off ${fx(ratio(offW?.rps, offMix?.rps))}` +
      ((on?.cacheHitRate ?? 0) < 0.01 && (onW?.cacheHitRate ?? 0) < 0.01
        ? '. Both rows hit the cache for under 1 % of requests (the working set exceeds the budget), so this ratio shows what the writes ' +
          'themselves cost, not what they throw away from the cache'
        : '') +
      (fit && fitW
        ? `; inside the cache (${n0(main.mix.fitDistinct ?? 0)} default-fields requests, ${((main.mix.fitBytes ?? 0) / MiB).toFixed(1)} MiB): ` +
          `${fx(ratio(fitW.rps, fit.rps))} (${n0(fitW.rps)} vs ${n0(fit.rps)} req/s), hits ${pct(fitW.cacheHitRate)} with writes vs ${pct(fit.cacheHitRate)} read-only, ` +
          `CPU ${us(fitW.cpuUsPerRequest)} vs ${us(fit.cpuUsPerRequest)} µs/req` +
          ((fitW.cacheHitRate ?? 0) >= 0.5 ? ': a write keeps the answers it did not change cached; what remains is the durable write\'s own cost' : '')
        : ''),
    ok: Number.isNaN(w) ? null : w >= 0.9,
  });
  const hit = row('likes-on-hit');
  const fixed = row('fixed');
  const h = ratio(hit?.rps, fixed?.rps);
  t.push({
    name: 'a cache hit vs the bare fixed-page server',
    goal: '≥ 0.5× req/s',
    measured: `${fx(h)} (${n0(hit?.rps ?? 0)} vs ${n0(fixed?.rps ?? 0)} req/s; CPU ${us(hit?.cpuUsPerRequest ?? NaN)} vs ${us(fixed?.cpuUsPerRequest ?? NaN)} µs/req)`,
    ok: Number.isNaN(h) ? null : h >= 0.5,
  });
  t.push(scaleOut(row('pg1'), row('pg2'), row('pg1-held'), row('pg2-held')));
  const ours = writes.find((w) => w.store === 'postgres' && w.instances === 2);
  const script = writes.find((w) => w.store === 'postgres' && w.instances === 0);
  const d = ratio(ours?.likesPerSecond, script?.likesPerSecond);
  t.push({
    name: 'PostgreSQL + Redis: durable likes/s on 2 instances vs a bare `pg` script',
    goal: '≥ 1.0×',
    measured: ours && script
      ? `${fx(d)} (${n0(ours.likesPerSecond)} vs ${n0(script.likesPerSecond)} likes/s, same concurrency, alternating rounds; section "Durable like writes")`
      : 'not measured in this run (section "writes" with PostgreSQL)',
    ok: ours && script ? d >= 1 : null,
  });
  const rssRows = largest?.rows.filter((r) => r.server === 'likes' && r.store === 'sqlite' && r.requests === 'mix') ?? [];
  const rss = rssRows.length ? Math.max(...rssRows.flatMap((r) => r.rssMiB)) : Number.NaN;
  t.push({
    name: `RSS serving the realistic mix on ${largest?.label ?? '10M'} likes (SQLite)`,
    goal: '≤ 120 MiB',
    measured: rssRows.length ? `${rss.toFixed(1)} MiB (highest of the Likes API's mix rows)` : 'not measured (no larger dataset in this run)',
    ok: rssRows.length ? rss <= 120 : null,
  });
  const startSet = largest ?? main;
  const first = ['likes-off', 'likes-on'].map((id) => find(startSet, id)?.readyMs).filter((x): x is number => x !== undefined);
  const again = startSet?.startsMs ?? [];
  const starts = again.length ? again : first;
  t.push({
    name: `start to first answer (SQLite, ${startSet?.label})`,
    goal: '≤ 300 ms',
    measured: again.length
      ? `${again.map(n0).join(' / ')} ms (three starts while the section's other servers idle${settledText(startSet?.startsSettled)}; its first two, on a file just copied and while the benchmark hashed the answers: ${first.map(n0).join(' / ')} ms)`
      : starts.length
        ? `${starts.map(n0).join(' / ')} ms (this section's two starts, cache off and on, on a file just copied; the "Start to first answer" section measures it on its own)`
        : 'not measured',
    ok: starts.length ? Math.max(...starts) <= 300 : null,
  });
  const unused = main?.unusedCost;
  t.push({
    name: 'sandboxes and events unused: cost on the realistic mix',
    goal: '≤ 5 %',
    measured: unused
      ? `${unused.pct.toFixed(1)} % of the cache-off server's CPU on the mix, by a CPU profile (${unused.parts.map((p) => `${p.name} ${p.pct.toFixed(1)} %`).join(', ')})`
      : 'not measured in this run',
    ok: unused ? unused.pct <= 5 : null,
  });
  const worst = events.length ? Math.max(...events.map((e) => e.quiet.p99)) : Number.NaN;
  t.push({
    name: 'a like reaches its webhook (loopback), p99',
    goal: '≤ 50 ms',
    measured: events.length
      ? `${events.map((e) => `${e.label}: ${f2(e.quiet.p99)} ms one like at a time (${n0(e.loaded.deliveriesPerSecond)} deliveries/s and p99 ${f2(e.loaded.p99)} ms with ${e.loaded.concurrency} likes in flight)`).join('; ')}; section "events"`
      : 'not measured in this run (section "events")',
    ok: events.length ? worst <= 50 : null,
  });
  return t;
}

/** The section as it goes into docs/benchmarks.md, between its markers. */
export function realisticSection(results: RealisticResult[], date: string, writes: BenchResults['writes'] = [], events: EventDeliveryRow[] = []): string[] {
  const main = results[0];
  const out: string[] = [REALISTIC_START, '## Realistic mix', ''];
  out.push(
    `Measured ${date.slice(0, 10)} by \`npm run bench\` (section \`realistic\`; alone: \`npm run bench -- --only realistic\`). The tables above ask for ` +
      'one page over and over, which the response cache answers. Here every server answers a mix of thousands of distinct requests, cycled in ' +
      'one shuffled order so that a response cache smaller than the working set never hits (70 % first pages of liked_tweets of different ' +
      'users, deeper pages by the pagination tokens the Likes API handed out while the pages were walked beforehand, liking_users of different ' +
      'Tweets; a fifth with every field and expansion; two fifths with OAuth 2.0 user bearers of the token holders, the rest app-only), and ' +
      'the same mix with every tenth request a like or an unlike by a token holder (likes first outstand by 64, then likes and unlikes ' +
      'alternate; the outstanding ones are unliked after each run, so every row reads the same data). The two ceilings run in the same ' +
      'rounds: a bare `node:http` + `better-sqlite3` server over the same SQLite file (bench/bare-sqlite-server.mjs: one prepared statement per ' +
      'request, reading the Tweets and accounts through the same narrow indexes as the Likes API, and `JSON.stringify`, no authentication, no field parameters: it answers only the default-fields part of the mix, and the ' +
      'Likes API is measured on exactly those requests too), and the bare server sending one fixed page (bench/ceiling-server.mjs). Rows ' +
      'take turns in alternating rounds (order rotated each round), each a short warm-up and a short measured run with autocannon, 16 ' +
      'keep-alive connections per instance; req/s is over all rounds (range per round beside it); CPU per request is the server ' +
      'processes\' utime + stime from /proc/<pid>/stat over the measured run divided by the requests answered (PostgreSQL and Redis ' +
      'themselves not counted); "machine cores busy" is the whole machine\'s busy time (/proc/stat) over the measured run divided by its ' +
      'length, the load generator and databases included; cache hits are read from /metrics. Load generator, servers, PostgreSQL and Redis ' +
      `share the ${availableParallelism()} cores; the PostgreSQL rows "each instance held" run on two more instances, each held to a share of ` +
      'a core by a cgroup\'s CPU quota (bench/lib/cpuCap.ts, as a container\'s CPU limit) once warm, so that one instance and two have ' +
      'the same cores each and their ratio shows what PostgreSQL and Redis, shared, let a second instance add.',
  );
  out.push('');
  out.push(...renderRealisticTable(results));
  out.push(`### Targets (issue #13) in this run`);
  out.push('');
  out.push(table(['target', 'goal', 'measured', 'verdict'], realisticTargets(results, writes, events).map((t) => [t.name, t.goal, t.measured, mark(t.ok)]), [':--', ':--', ':--', ':--']));
  out.push('');
  if (main && results.length === 1) out.push(`(Only ${main.label} likes in this run: the RSS target asks for 10M.)`, '');
  out.push(REALISTIC_END, '');
  return out;
}

/** The previous document's section, markers included, when it has one. */
export function keptRealistic(previous: string): string[] {
  const a = previous.indexOf(REALISTIC_START);
  const b = previous.indexOf(REALISTIC_END);
  return a >= 0 && b > a ? [...previous.slice(a, b + REALISTIC_END.length).split('\n'), ''] : [];
}

/** This run's section when it measured one, or the previous document's. */
export function renderRealistic(r: BenchResults, previous: string): string[] {
  return r.realistic?.length ? realisticSection(r.realistic, r.date, r.writes, r.events) : keptRealistic(previous);
}

/**
 * `doc` with its realistic section replaced by `section` (or, without markers yet, inserted before "## Peers", else
 * before "## Analysis", else at the end).
 */
export function spliceRealistic(doc: string, section: string[]): string {
  const text = section.join('\n').replace(/\n+$/, '');
  const a = doc.indexOf(REALISTIC_START);
  const b = doc.indexOf(REALISTIC_END);
  if (a >= 0 && b > a) return doc.slice(0, a) + text + doc.slice(b + REALISTIC_END.length);
  for (const heading of ['\n## Peers', '\n## Analysis']) {
    const i = doc.indexOf(heading);
    if (i >= 0) return `${doc.slice(0, i + 1)}${text}\n\n${doc.slice(i + 1)}`;
  }
  return `${doc.replace(/\n*$/, '\n\n')}${text}\n`;
}
